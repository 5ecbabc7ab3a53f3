"""The experiments: the chapter's two protocols per run, the depth sweep, the chain of
single neurons, the kernels' warm-up and the trainer's benchmark."""
