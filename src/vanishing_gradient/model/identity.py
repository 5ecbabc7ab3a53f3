"""Which run a row belongs to: the identity columns that lead every per-run table, and the
parts of a variant's name (parsed here and nowhere else).

A variant is named ``"<activation>-<initialiser>-<optimiser>"``, followed by the remedies
it adds to the network or its training, each as one more ``-``-separated part, in the
order of ``remedies.REMEDIES``: ``"relu-he-adam-residual-batchnorm"``. A name of three parts
is the variant without any of them.
"""

from .activations import ACTIVATIONS
from .initialisers import INITIALISERS
from .optimisers import OPTIMISERS
from .remedies import REMEDIES

# the optional parts of a variant's name, in the order they are written, and the column
# that says, in every table, whether a run has that remedy
REMEDY_COLUMNS = {part: remedy.column for part, remedy in REMEDIES.items()}
VARIANT_COLUMNS = ("variant", "activation", "initialiser", "optimiser", *REMEDY_COLUMNS.values())
# the type of every identity column's values
IDENTITY_TYPES = {
    "protocol": str,
    "variant": str,
    "activation": str,
    "initialiser": str,
    "optimiser": str,
    **{column: bool for column in REMEDY_COLUMNS.values()},
    "eta": float,
    "architecture": str,
    "seed": int,
}


def variant_name(activation: str, initialiser: str, optimiser: str, **remedies: bool) -> str:
    """The name of a variant, e.g. ``variant_name("relu", "he", "adam", residual=True)`` ->
    ``"relu-he-adam-residual"``; ``remedies`` are keyed by their columns (``REMEDY_COLUMNS``)."""
    columns = list(REMEDY_COLUMNS.values())
    unknown = set(remedies) - set(columns)
    if unknown:
        raise ValueError(f"unknown remedies {sorted(unknown)}: use {columns}")
    added = [part for part, column in REMEDY_COLUMNS.items() if remedies.get(column)]
    return "-".join([activation, initialiser, optimiser, *added])


def variant_columns(variant: str) -> dict:
    """``"tanh-glorot-sgd-batchnorm"`` -> the identifying columns of its rows: variant,
    activation, initialiser, optimiser (strings), then one boolean per remedy."""
    parts = variant.split("-")
    added = parts[3:]
    if len(parts) < 3 or added != [part for part in REMEDIES if part in added]:
        raise ValueError(
            f"variant {variant!r} is not named <activation>-<initialiser>-<optimiser> followed "
            f"by any of {', '.join(REMEDY_COLUMNS)}, each at most once and in that order"
        )
    activation, initialiser, optimiser = parts[:3]
    return {
        "variant": variant,
        "activation": activation,
        "initialiser": initialiser,
        "optimiser": optimiser,
        **{column: part in added for part, column in REMEDY_COLUMNS.items()},
    }


def check_variant(variant: str) -> dict:
    """``variant_columns(variant)`` when every part names an entry (``ACTIVATIONS``,
    ``INITIALISERS``, ``OPTIMISERS``), else a ValueError naming the part and the known ones."""
    parts = variant_columns(variant)
    for kind, entries in (
        ("activation", ACTIVATIONS),
        ("initialiser", INITIALISERS),
        ("optimiser", OPTIMISERS),
    ):
        if parts[kind] not in entries:
            raise ValueError(
                f"variant {variant!r}: unknown {kind} {parts[kind]!r}; use one of "
                f"{', '.join(entries)}"
            )
    return parts


def has_remedy(parts: dict) -> bool:
    """Whether a variant (its columns, ``variant_columns``) has a remedy of the last decade:
    a ``modern`` optimiser (``optimisers.OPTIMISERS``) or any of ``REMEDIES``."""
    modern = parts["optimiser"] in OPTIMISERS and OPTIMISERS[parts["optimiser"]].modern
    return modern or any(bool(parts[c]) for c in REMEDY_COLUMNS.values())


def identity_columns(variant: bool = False, eta: bool = False) -> tuple[str, ...]:
    """The columns ``run_identity`` writes, in order, for a run with or without a variant and
    a learning rate of its own."""
    return (
        "protocol",
        *(VARIANT_COLUMNS if variant else ()),
        *(("eta",) if eta else ()),
        "architecture",
        "seed",
    )


def run_identity(
    protocol: str,
    architecture: str,
    seed: int,
    variant: str | None = None,
    eta: float | None = None,
) -> dict:
    """The columns that say which run a row belongs to, in the order they lead its table:
    ``protocol`` ("A" accuracy, "B" speed of learning), for an ablation run ``variant`` and
    its parts (``variant_columns``) and the learning rate ``eta`` it trains at,
    ``architecture``, ``seed``."""
    parts = variant_columns(variant) if variant else {}
    rate = {} if eta is None else {"eta": float(eta)}
    return {"protocol": protocol, **parts, **rate, "architecture": architecture, "seed": int(seed)}
