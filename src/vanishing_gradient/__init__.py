"""Why are deep neural networks hard to train? A reproduction of chapter 5 of
Nielsen's "Neural Networks and Deep Learning", and measurements beyond it."""
