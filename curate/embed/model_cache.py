"""Models built once on this machine and kept in a cache folder, written atomically.

A build goes to a temporary sibling folder and is renamed into place only when complete, with
a ``curate-build.json`` marker written last, so a killed build leaves nothing half-made.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from curate.errors import CurateError

MARKER = "curate-build.json"
# how many times each model was built in this process (tests check reuse with it)
BUILDS: Counter[str] = Counter()


def model_cache_root() -> Path:
    """``$CURATE_MODEL_CACHE``, else ``~/.cache/curate/models``."""
    override = os.environ.get("CURATE_MODEL_CACHE")
    return Path(override) if override else Path.home() / ".cache" / "curate" / "models"


def built_model(name: str, params: dict[str, Any], build: Callable[[Path], None]) -> Path:
    """The folder of model ``name``, calling ``build(tmp_folder)`` first if it is not there.

    A folder without a marker matching ``params`` (a broken or foreign one) is set aside and
    rebuilt.
    """
    root = model_cache_root()
    final = root / name
    if _complete(final, params):
        return final
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.building-", dir=root))
    except OSError as exc:
        raise CurateError(
            f"cannot write the model cache at {root}: {exc}",
            hint="set CURATE_MODEL_CACHE to a writable folder",
        ) from None
    try:
        build(tmp)
        (tmp / MARKER).write_text(json.dumps({"name": name, **params}, sort_keys=True))
        if final.exists():  # broken or stale: move it aside, then take its place
            stale = Path(tempfile.mkdtemp(prefix=f".{name}.stale-", dir=root))
            final.rename(stale / name)
            shutil.rmtree(stale, ignore_errors=True)
        try:
            tmp.rename(final)
        except OSError:
            if not _complete(final, params):  # not a concurrent build that won the race
                raise
        BUILDS[name] += 1
    except CurateError:
        raise
    except Exception as exc:
        raise CurateError(
            f"cannot build the '{name}' embedding model in {root}: {exc}",
            field="model",
            hint="check free disk space and the installed packages (pip install -e '.[embed]')",
        ) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def _complete(folder: Path, params: dict[str, Any]) -> bool:
    try:
        marker = json.loads((folder / MARKER).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and all(marker.get(k) == v for k, v in params.items())


def broken_model_error(name: str, folder: Path, exc: BaseException) -> CurateError:
    """The error for a cached model folder that is complete but does not load."""
    return CurateError(
        f"cached embedding model '{name}' at {folder} does not load: {exc}",
        field="model",
        hint=f"delete {folder}; it is rebuilt on the next run",
    )
