"""Training: the trainer, its compiled epoch loops and their shared steps, the per-example
reference they are tested against, and (in ``kernels``) the low-level compiled helpers."""
