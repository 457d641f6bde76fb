"""Where a stage's row-wise work runs: in this process, or on Ray Data across a cluster.

A stage hands its executor a pure function from a chunk of rows to a frame of the same rows
in the same order (``RowFunction``); the executor decides where the chunks run and returns
them gathered in input order. Global decisions (thresholds over the whole set, dedup,
partitioning) stay in the stage on the driver, so every executor writes the same bytes.
"""

from curate.execute.base import Executor, RowFunction, check_chunk
from curate.execute.config import ExecutorConfig, executor_for
from curate.execute.local import LocalExecutor

__all__ = [
    "Executor",
    "ExecutorConfig",
    "LocalExecutor",
    "RowFunction",
    "check_chunk",
    "executor_for",
]
