"""curate: turn raw fine-tuning data into a vetted, leakage-free train/eval/test set."""

__version__ = "0.1.0"
