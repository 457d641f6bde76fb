"""runs: the run folder and everything that writes or reads it."""
