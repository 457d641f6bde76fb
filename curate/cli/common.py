"""What every CLI command shares: consoles, and turning user errors into one line + exit code."""

from __future__ import annotations

import errno
import functools
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from curate.errors import CurateError

out = Console()
err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

# What to do about an operating-system error, by errno; the OS's own words say what happened.
_OS_HINTS = {
    errno.ENOSPC: "free some space and run the same command again: finished stages are kept, "
    "so a run resumes where it stopped",
    errno.EDQUOT: "free some space (or raise the quota) and run the same command again",
    errno.EACCES: "curate needs to read its inputs and write the workspace and run folder: "
    "check the permissions of this path and the folder it is in",
    errno.EPERM: "check the permissions of this path and the folder it is in",
    errno.EROFS: "the file system is read-only: choose a workspace or --out elsewhere",
    errno.ELOOP: "the path's symbolic links point at each other: fix or remove them",
    errno.EEXIST: "a file stands where curate needs a folder",
    errno.ENOTDIR: "a file stands where curate needs a folder",
    errno.EISDIR: "a folder stands where curate needs a file",
}
# SQLite result codes that come from the disk or permissions, not from a bug in a query.
_SQLITE_ENVIRONMENT = {
    3: "check that the workspace folder and its workspace.db can be written",  # PERM
    8: "check that the workspace folder and its workspace.db can be written",  # READONLY
    10: "check the disk the workspace is on",  # IOERR
    13: "free some space and run the same command again",  # FULL
    14: "check that the workspace folder exists and can be written",  # CANTOPEN
}


def user_errors(command: F) -> F:
    """Print a CurateError, or an operating-system error (a file that cannot be read, a folder
    that cannot be written, a full disk), as one line and exit with its code; bugs keep their
    traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CurateError as exc:
            print_error(str(exc))  # literally: "[redacted]" in a message is not markup
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:
            print_error(describe_os_error(exc))
            raise typer.Exit(2) from None
        except sqlite3.OperationalError as exc:
            hint = _SQLITE_ENVIRONMENT.get(getattr(exc, "sqlite_errorcode", 0) & 0xFF)
            if hint is None:
                raise
            print_error(f"workspace database: {exc}\n  hint: {hint}")
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def describe_os_error(exc: OSError) -> str:
    """``path: what the OS said`` and, when there is one, a hint on a second line."""
    what = exc.strerror or str(exc)
    if exc.filename is not None:
        where = str(exc.filename)
        if exc.filename2 is not None:
            where += f" -> {exc.filename2}"
        what = f"{where}: {what}"
    hint = _OS_HINTS.get(exc.errno or 0)
    return f"{what}\n  hint: {hint}" if hint else what


def print_error(message: str) -> None:
    """``error: message`` on stderr, the message printed literally (no rich markup)."""
    err.print(Text("error: ", style="bold red") + Text(message), highlight=False, soft_wrap=True)
