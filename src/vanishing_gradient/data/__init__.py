"""MNIST: the IDX format, the verified download, and the book's split as one mapped file."""
