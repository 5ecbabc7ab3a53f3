"""The remedies of the last decade that a variant adds to the network or its training, one
entry each, which the variant names, the tables' columns, the workflow's settings and the
report all read. The network's ``forward`` and ``backprop`` (``model.network``) and the
compiled trainer implement them; their equations are in those modules' docstrings.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Remedy:
    """One remedy: its ``part`` of a variant's name, the ``column`` that says in every table
    whether a run has it, its ``config_key`` in a configured variant, the few ``words`` that
    name it in the report, and the report's ``description`` with its citation."""

    part: str
    column: str
    config_key: str
    words: str
    description: str


# in the order they are written in a variant's name
REMEDIES: dict[str, Remedy] = {
    remedy.part: remedy
    for remedy in (
        Remedy(
            part="residual",
            column="residual",
            config_key="residual",
            words="residual connections",
            description="residual connections (He et al. 2016): a hidden layer as wide as the "
            "one below adds its input to its units' output, a^l = a^(l−1) + φ(u^l) (hidden "
            "layers 2 to L−1)",
        ),
        Remedy(
            part="batchnorm",
            column="batch_norm",
            config_key="batch_norm",
            words="batch normalisation",
            description="batch normalisation (Ioffe & Szegedy 2015) of every hidden layer's "
            "pre-activations: u = γ (z − μ_B)/√(σ²_B + ε) + β with the mini-batch's mean and "
            "biased variance in training, ε = {epsilon:g}, γ starting at 1 and β in place of the "
            "bias (so a layer's speed ‖∂C/∂b^l‖ is ‖∂C/∂β^l‖); running statistics (momentum "
            "{running_momentum:g}) in evaluation; no L2 on γ or β",
        ),
        Remedy(
            part="clip",
            column="clipping",
            config_key="clip",
            words="gradient-norm clipping at c = {clip_threshold}",
            description="gradient-norm clipping (Pascanu et al. 2013): the whole mini-batch "
            "gradient g, over all parameters together, becomes g · min(1, c/‖g‖), c = "
            "{clip_threshold}",
        ),
    )
}
