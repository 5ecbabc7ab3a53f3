"""The network and its ingredients: activations, initialisers, optimisers and remedies, one
entry each, and the names of the variants they make."""
