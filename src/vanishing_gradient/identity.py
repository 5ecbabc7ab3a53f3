"""Which run a row belongs to: the identity columns that lead every per-run table, and the
parts of a variant's name (parsed here and nowhere else)."""


def variant_columns(variant: str) -> dict[str, str]:
    """``"tanh-glorot-sgd"`` -> the identifying columns of its rows: variant, activation,
    initialiser, optimiser."""
    activation, initialiser, optimiser = variant.split("-")
    return {
        "variant": variant,
        "activation": activation,
        "initialiser": initialiser,
        "optimiser": optimiser,
    }


def run_identity(protocol: str, architecture: str, seed: int, variant: str | None = None) -> dict:
    """The columns that say which run a row belongs to, in the order they lead its table:
    ``protocol`` ("A" accuracy, "B" speed of learning), for an ablation run ``variant`` and
    its parts (``variant_columns``), ``architecture``, ``seed``."""
    parts = variant_columns(variant) if variant else {}
    return {"protocol": protocol, **parts, "architecture": architecture, "seed": int(seed)}
