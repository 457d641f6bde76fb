"""Errors a user can cause: one family, printed without a traceback by the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class CurateError(Exception):
    """A problem with the user's input or configuration; the CLI prints it and exits 2."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line is not None else "") + ": "
        field = f"{self.field}: " if self.field else ""
        hint = f"\n  hint: {self.hint}" if self.hint else ""
        return f"{where}{field}{self.message}{hint}"


class InputError(CurateError):
    """A data file that cannot be read as a dataset."""


class PipelineError(CurateError):
    """A pipeline file that does not validate."""


class LeakageError(CurateError):
    """The same example, or the same normalised text, sits in two splits."""

    exit_code = 3


@contextmanager
def needs_extra(extra: str, what: str) -> Iterator[None]:
    """Turn an ImportError inside the block into one line naming the extra to install; a
    library can fail late (transformers asks for gguf only when it loads a GGUF file)."""
    try:
        yield
    except ImportError as exc:
        missing = exc.name or (str(exc).strip().splitlines() or ["a library"])[0][:120]
        raise CurateError(
            f"{what} needs the {extra} extra ({missing} is missing)",
            hint=f"pip install -e '.[{extra}]' (or pip install 'curate[{extra}]')",
        ) from None
