"""The figures: one function per figure, each taking tables and returning a Figure."""
