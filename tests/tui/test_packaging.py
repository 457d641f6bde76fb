"""pyproject lists every package folder, the TUI's under the import name curate_tui."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def package_folders(top: str, name: str) -> set[str]:
    """Dotted names of ``top`` and each folder under it with an __init__.py, as ``name``."""
    return {
        ".".join((name, *init.parent.relative_to(ROOT / top).parts))
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }


def test_every_package_folder_is_listed_and_tui_installs_as_curate_tui() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"] == {"curate_tui": "tui"}
    expected = package_folders("curate", "curate") | package_folders("tui", "curate_tui")
    assert sorted(config["packages"]) == sorted(expected)
    assert config["package-data"]["curate_tui"] == ["*.tcss"]
