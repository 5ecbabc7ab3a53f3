"""The book's published numbers (chapter 5, single runs), to print beside ours.

Beside them, a published Python 3 re-run of the book's code. Accuracies are fractions of
the 10,000 validation images after 30 epochs of protocol A;
speeds of learning are ``||dC/db^l||`` at initialisation under protocol B, layer 1 first.
"""

VALIDATION_ACCURACY: dict[str, float] = {
    "784-30-10": 0.9648,
    "784-30-30-10": 0.9690,
    "784-30-30-30-10": 0.9657,
    "784-30-30-30-30-10": 0.9653,
}

# A published Python 3 re-run of the book's code (one run each, same protocol), the second
# single-run reference beside the book's; 784-30-30-10's value has one decimal only.
RERUN_VALIDATION_ACCURACY: dict[str, float] = {
    "784-30-10": 0.9647,
    "784-30-30-10": 0.968,
    "784-30-30-30-10": 0.9642,
    "784-30-30-30-30-10": 0.9628,
}

# The single-run references of the validation accuracy, as the tables' column prefixes.
ACCURACY_REFERENCES: dict[str, dict[str, float]] = {
    "book": VALIDATION_ACCURACY,
    "rerun": RERUN_VALIDATION_ACCURACY,
}

# Protocol B in the book: full-batch gradient descent for this many epochs.
SPEED_EPOCHS = 500

SPEED_AT_INIT: dict[str, tuple[float, ...]] = {
    "784-30-30-10": (0.07, 0.31),
    "784-30-30-30-10": (0.012, 0.060, 0.283),
    "784-30-30-30-30-10": (0.003, 0.017, 0.070, 0.285),
}

# The chain of single neurons: |w sigma'(wa + b)| >= 1 holds on a set of inputs a of width
# at most about 0.45, reached near |w| = 6.9 (|w|, width).
UNSTABLE_WIDTH_PEAK: tuple[float, float] = (6.9, 0.45)
