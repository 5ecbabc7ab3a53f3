"""Which run a row belongs to: the identity columns that lead every per-run table, and the
parts of a variant's name (parsed here and nowhere else).

A variant is named ``"<activation>-<initialiser>-<optimiser>"``, followed by the remedies
it adds to the network or its training, each as one more ``-``-separated part, in the
order of ``REMEDIES``: ``"relu-he-adam-residual-batchnorm"``. A name of three parts is the
variant without any of them.
"""

# the optional parts of a variant's name, in the order they are written, and the column
# that says, in every table, whether a run has that remedy
REMEDIES = {"residual": "residual", "batchnorm": "batch_norm", "clip": "clipping"}
VARIANT_COLUMNS = ("variant", "activation", "initialiser", "optimiser", *REMEDIES.values())


def variant_name(activation: str, initialiser: str, optimiser: str, **remedies: bool) -> str:
    """The name of a variant, e.g. ``variant_name("relu", "he", "adam", residual=True)`` ->
    ``"relu-he-adam-residual"``; ``remedies`` are keyed by their columns (``REMEDIES``)."""
    unknown = set(remedies) - set(REMEDIES.values())
    if unknown:
        raise ValueError(f"unknown remedies {sorted(unknown)}: use {list(REMEDIES.values())}")
    added = [part for part, column in REMEDIES.items() if remedies.get(column)]
    return "-".join([activation, initialiser, optimiser, *added])


def variant_columns(variant: str) -> dict:
    """``"tanh-glorot-sgd-batchnorm"`` -> the identifying columns of its rows: variant,
    activation, initialiser, optimiser (strings), then one boolean per remedy."""
    parts = variant.split("-")
    added = parts[3:]
    if len(parts) < 3 or added != [part for part in REMEDIES if part in added]:
        raise ValueError(
            f"variant {variant!r} is not named <activation>-<initialiser>-<optimiser> followed "
            f"by any of {', '.join(REMEDIES)}, each at most once and in that order"
        )
    activation, initialiser, optimiser = parts[:3]
    return {
        "variant": variant,
        "activation": activation,
        "initialiser": initialiser,
        "optimiser": optimiser,
        **{column: part in added for part, column in REMEDIES.items()},
    }


def has_remedy(parts: dict) -> bool:
    """Whether a variant (its columns, ``variant_columns``) has a remedy of the last decade:
    Adam or any of ``REMEDIES``."""
    return parts["optimiser"] == "adam" or any(bool(parts[c]) for c in REMEDIES.values())


def run_identity(protocol: str, architecture: str, seed: int, variant: str | None = None) -> dict:
    """The columns that say which run a row belongs to, in the order they lead its table:
    ``protocol`` ("A" accuracy, "B" speed of learning), for an ablation run ``variant`` and
    its parts (``variant_columns``), ``architecture``, ``seed``."""
    parts = variant_columns(variant) if variant else {}
    return {"protocol": protocol, **parts, "architecture": architecture, "seed": int(seed)}
