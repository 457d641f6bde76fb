"""Atomic writes: a temp file or folder beside the target, then a rename.

A full disk while writing is raised as ``OSError(ENOSPC)`` naming the target, whichever writer
hit it, so that the CLI can say so in one line; the target is left as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from curate.errors import CurateError

_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
# polars' Parquet writer reports a failed write inside its page-header encoder with this text
# and without the OS error (large pages go through it; a full disk then reads like this)
_WRITE_LOST_ERRNO = "Invalid thrift: transport error"


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temp path beside ``target``; rename it over ``target`` when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with _full_disk_named(target):
            yield tmp
            _fsync(tmp)
            os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield a temp folder beside ``target``; swap it in for ``target`` when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        with _full_disk_named(target):
            yield tmp
        if target.exists():
            # A rename cannot replace a non-empty folder: move the old one aside first.
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def _full_disk_named(target: Path) -> Iterator[None]:
    """Re-raise a full disk as ``OSError(ENOSPC)`` naming ``target``: a write() error names no
    file, and polars reports it as a ComputeError that only carries the OS message."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _DISK_FULL or exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    except Exception as exc:
        code = next((c for c in _DISK_FULL if f"(os error {c})" in str(exc)), None)
        if code is None and _WRITE_LOST_ERRNO in str(exc):
            code = errno.ENOSPC  # the writer's only I/O is writing: a failed write, errno lost
        if code is None:
            raise
        raise OSError(code, os.strerror(code), str(target)) from exc


def require_writable_folder(folder: Path, what: str) -> None:
    """Create ``folder`` if needed and check that a file can be written in it, so that a
    folder that is a file, or read-only, is one clear error before any work starts."""
    hint = f"point the {what} at a folder you can write to"
    if folder.exists() and not folder.is_dir():
        raise CurateError(f"the {what} is a file, not a folder", file=folder, hint=hint)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # names the parent that could not be made
        raise CurateError(
            f"cannot create the {what}: {exc.strerror}", file=exc.filename or folder, hint=hint
        ) from None
    try:
        handle, probe = tempfile.mkstemp(prefix=".write-check.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise CurateError(
            f"cannot write in the {what}: {exc.strerror}", file=folder, hint=hint
        ) from None
    os.close(handle)
    os.unlink(probe)


def write_text(target: Path, text: str) -> None:
    """Write a text file atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(target: Path, value: object) -> None:
    """Write indented JSON atomically."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n")


def remove_stale_temps(folder: Path) -> None:
    """Delete temp files and folders a killed process left in ``folder``."""
    if not folder.exists():
        return
    for leftover in folder.glob(".*.tmp"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    for old in folder.glob(".*.old"):
        shutil.rmtree(old, ignore_errors=True)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
