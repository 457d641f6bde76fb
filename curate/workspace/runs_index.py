"""The ``runs`` table: every run folder the workspace knows, with its latest status.

A row is keyed by the run folder, so two ``--out`` folders of one pipeline are two runs. Each
write records the process that made it (pid, host, process start time); a run still marked
``running`` whose process is gone was killed, and reads back as ``interrupted``.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from curate.workspace.database import now

if TYPE_CHECKING:
    from curate.workspace.database import WorkspaceDB

RUNNING = "running"
INTERRUPTED = "interrupted"
# a pid is reused once its process is gone; the start time tells the two apart (seconds)
START_TOLERANCE = 1.0


@dataclass(frozen=True)
class RunProcess:
    """The process that last wrote a run's row."""

    pid: int
    host: str
    started: float

    @classmethod
    def current(cls) -> RunProcess:
        return _current_process()

    def is_gone(self) -> bool | None:
        """True if the process has ended, False if it still runs, None if it ran on another
        host and this one cannot tell."""
        if self.host != socket.gethostname():
            return None
        try:
            process = psutil.Process(self.pid)
            if process.status() == psutil.STATUS_ZOMBIE:
                return True  # killed, not yet reaped by its parent
            return abs(process.create_time() - self.started) > START_TOLERANCE
        except psutil.NoSuchProcess:
            return True
        except psutil.AccessDenied:
            return False  # another user's process with that pid: assume it is the run


@cache
def _current_process() -> RunProcess:
    return RunProcess(os.getpid(), socket.gethostname(), psutil.Process().create_time())


class RunIndex:
    """Reads and writes the runs index, one row per run folder."""

    def __init__(self, db: WorkspaceDB) -> None:
        self.db = db

    def record(
        self, run_id: str, run_dir: Path, pipeline: str, status: str, message: str = ""
    ) -> None:
        """Insert or update a run folder's row, as written by this process."""
        process = RunProcess.current()
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO runs (run_dir, run_id, pipeline, status, message, updated_at, "
                "pid, host, process_started) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (run_dir) DO UPDATE SET run_id = excluded.run_id, "
                "pipeline = excluded.pipeline, status = excluded.status, "
                "message = excluded.message, updated_at = excluded.updated_at, "
                "pid = excluded.pid, host = excluded.host, "
                "process_started = excluded.process_started",
                (
                    str(Path(run_dir).resolve()),
                    run_id,
                    pipeline,
                    status,
                    message,
                    now(),
                    process.pid,
                    process.host,
                    process.started,
                ),
            )

    def all(self) -> list[dict[str, str]]:
        """Every run the workspace knows, newest first; a ``running`` run whose process has
        ended reads as ``interrupted``, with a message saying so."""
        cursor = self.db.connection.execute(
            "SELECT run_id, run_dir, pipeline, status, message, updated_at, pid, host, "
            "process_started FROM runs ORDER BY updated_at DESC, run_dir"
        )
        runs = []
        for run_id, run_dir, pipeline, status, message, updated_at, pid, host, started in cursor:
            process = None if pid is None else RunProcess(int(pid), str(host), float(started))
            if status == RUNNING and process is not None and process.is_gone():
                status = INTERRUPTED
                message = (
                    f"its process (pid {pid}) ended before the run finished; run it again to resume"
                )
            runs.append(
                {
                    "run_id": run_id,
                    "run_dir": run_dir,
                    "pipeline": pipeline,
                    "status": status,
                    "message": message,
                    "updated_at": updated_at,
                }
            )
        return runs
