"""Low-level compiled helpers of the epoch loops: vector lanes, packed lists of arrays,
dense and sparse products, and the versioned cache they compile into. A science change
never has to open these."""
