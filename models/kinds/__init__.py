"""Block kinds: what each kind of block (subscription, training, funding, ...) computes."""
