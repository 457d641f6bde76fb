"""The Ray executor: chunks run as Ray Data ``map_batches`` tasks, on a local Ray instance
or on an existing cluster, and come back gathered in input order.

Each chunk travels as Arrow with a hidden position column; the driver sorts by it after
gathering, so the order never depends on how Ray Data schedules or splits blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import orjson
import polars as pl
import pyarrow as pa

from curate.errors import CurateError
from curate.execute.base import RowFunction, check_chunk

if TYPE_CHECKING:
    from curate.execute.config import ExecutorConfig

POSITION = "__curate_position"
# Ray passes a task's exception back as text only; a user's error (a model missing on a
# node) crosses as one marked JSON line and is raised again here as that one-line error.
_CARRIED = "curate-error-json:"


class RayExecutor:
    """Ray Data over a cluster; started (or joined) when the first stage needs it."""

    name = "ray"

    def __init__(self, config: ExecutorConfig) -> None:
        self.config = config
        self.started_here = False

    def _connect(self) -> None:
        import ray

        if ray.is_initialized():
            return
        options: dict[str, object] = {"include_dashboard": False, "log_to_driver": False}
        if self.config.address:
            options["address"] = self.config.address  # an existing cluster owns its CPUs
        elif self.config.num_cpus:
            options["num_cpus"] = self.config.num_cpus
        ray.init(**options)
        self.started_here = True

    def map_batches(
        self,
        fn: RowFunction,
        frame: pl.DataFrame,
        *,
        rows_per_batch: int,
        progress: Callable[[int], None],
    ) -> pl.DataFrame:
        import ray.data

        if frame.height == 0:  # nothing to schedule; the function still names the schema
            return check_chunk(fn, frame, fn(frame))
        self._connect()
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # the run's own bar reports these rows
        size = max(1, rows_per_batch)
        table = frame.with_row_index(POSITION).to_arrow(compat_level=pl.CompatLevel.oldest())
        # one block per chunk: Ray Data maps a block in one task, so a single block would
        # run every chunk on one worker
        blocks = [table.slice(start, size) for start in range(0, table.num_rows, size)]
        dataset = ray.data.from_arrow(blocks).map_batches(
            _OnChunk(fn), batch_format="pyarrow", batch_size=size, zero_copy_batch=True
        )
        parts = []
        try:
            for batch in dataset.iter_batches(batch_format="pyarrow", batch_size=None):
                parts.append(pl.from_arrow(batch))
                progress(batch.num_rows)
        except Exception as exc:
            carried = re.search(re.escape(_CARRIED) + r"(\{.*\})", str(exc))
            if carried is None:
                raise
            raise CurateError(**orjson.loads(carried.group(1))) from None
        gathered = pl.concat(parts, how="vertical_relaxed").sort(POSITION)
        if gathered.height != frame.height:
            raise AssertionError(f"ray returned {gathered.height} rows for {frame.height}")
        return gathered.drop(POSITION)

    def close(self) -> None:
        """Stop the Ray instance this run started; a cluster joined by address stays up."""
        if self.started_here:
            import ray

            ray.shutdown()
            self.started_here = False


class _OnChunk:
    """``fn`` on a Ray Data batch: Arrow to polars and back, the position carried across."""

    def __init__(self, fn: RowFunction) -> None:
        self.fn = fn

    def __call__(self, batch: pa.Table) -> pa.Table:
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        chunk = frame.drop(POSITION)
        try:
            out = check_chunk(self.fn, chunk, self.fn(chunk))
        except CurateError as exc:
            fields = {k: getattr(exc, k) for k in ("message", "file", "line", "field", "hint")}
            raise RuntimeError(_CARRIED + orjson.dumps(fields).decode()) from None
        out = out.with_columns(frame[POSITION])
        return out.to_arrow(compat_level=pl.CompatLevel.oldest())
