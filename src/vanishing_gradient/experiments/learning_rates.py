"""The learning rates of the ablation: each variant's default and the grid searched around it,
and one search run, whose divergence is a result rather than an error.

A variant's default learning rate ``eta_0`` is its optimiser's own (``adam_eta``,
``rmsprop_eta``: an entry's ``eta`` setting in ``model.optimisers``) or, for an optimiser
without one, the protocol's (the book's 0.1). Its grid is ``eta_0 * f`` for each configured
factor ``f``. A learning rate travels through file names and tables as ``eta_text``, its
shortest decimal form to 6 significant digits, so ``0.1 * 0.3`` is ``"0.03"`` and the run
trains at ``float("0.03")``.
"""

from ..model.optimisers import OPTIMISERS
from ..model.identity import run_identity, variant_columns
from .protocols import Protocol, Table, TrainingDiverged, Variant, run_accuracy_protocol


def eta_text(eta: float) -> str:
    """``eta`` as it names a run: ``0.030000000000000002`` -> ``"0.03"``."""
    return f"{float(eta):.6g}"


def default_eta(variant: str, ablation: dict, protocol_eta: float) -> float:
    """The learning rate ``variant`` trains at in the book's setting: its optimiser's
    configured ``eta`` setting (from the config's ``ablation`` section, or the entry's
    default), else ``protocol_eta``."""
    optimiser = OPTIMISERS[variant_columns(variant)["optimiser"]]
    return float(eta_text(optimiser.configured(ablation).get("eta", protocol_eta)))


def eta_grid(default: float, factors) -> list[str]:
    """The learning rates ``default * f`` for the ``factors`` as ``eta_text``, smallest first."""
    return sorted({eta_text(default * factor) for factor in factors}, key=float)


def search_run(
    architecture: str,
    seed: int,
    data: dict,
    protocol: Protocol,
    *,
    probe_size: int,
    train_cost_size: int,
    variant: Variant,
) -> Table:
    """One run of the learning-rate search: protocol A at ``protocol.eta``, reduced to one
    row led by the run's identity: ``epochs`` trained, the final ``val_accuracy`` and
    ``diverged``. A run that diverges gives ``val_accuracy`` NaN, ``diverged`` True and the
    epoch it diverged in. The test set is never evaluated: the search sees validation data
    alone."""
    protocol = variant.trains_by(protocol)
    identity = run_identity("A", architecture, seed, variant.name, protocol.eta)
    try:
        run = run_accuracy_protocol(
            architecture,
            seed,
            data,
            protocol,
            probe_size=probe_size,
            train_cost_size=train_cost_size,
            variant=variant,
            test=False,
        )
    except TrainingDiverged as error:
        outcome = {"epochs": error.epoch, "val_accuracy": float("nan"), "diverged": True}
    else:
        last = run.epoch_rows[-1]
        outcome = {"epochs": last["epoch"], "val_accuracy": last["val_accuracy"], "diverged": False}
    return Table([{**identity, **outcome}])
