"""Decontamination: training rows that overlap evaluation data, by word n-grams or embeddings."""

from curate.decontam.evals import EvalSet, read_eval_set
from curate.decontam.ngrams import NgramIndex, Overlap, words

__all__ = ["EvalSet", "NgramIndex", "Overlap", "read_eval_set", "words"]
