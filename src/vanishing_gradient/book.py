"""The book's published numbers (chapter 5, single runs), to print beside ours.

Accuracies are fractions of the 10,000 validation images after 30 epochs of protocol A;
speeds of learning are ``||dC/db^l||`` at initialisation under protocol B, layer 1 first.
"""

VALIDATION_ACCURACY: dict[str, float] = {
    "784-30-10": 0.9648,
    "784-30-30-10": 0.9690,
    "784-30-30-30-10": 0.9657,
    "784-30-30-30-30-10": 0.9653,
}

SPEED_AT_INIT: dict[str, tuple[float, ...]] = {
    "784-30-30-10": (0.07, 0.31),
    "784-30-30-30-10": (0.012, 0.060, 0.283),
    "784-30-30-30-30-10": (0.003, 0.017, 0.070, 0.285),
}

# The chain of single neurons: |w sigma'(wa + b)| >= 1 holds on a set of inputs a of width
# at most about 0.45, reached near |w| = 6.9 (|w|, width).
UNSTABLE_WIDTH_PEAK: tuple[float, float] = (6.9, 0.45)
