"""Remembered choices: one value per key, replaced on write, kept across openings."""

from __future__ import annotations

from pathlib import Path

from curate.workspace import WorkspaceDB


def test_a_preference_is_replaced_and_survives_reopening(tmp_path: Path) -> None:
    with WorkspaceDB(tmp_path) as store:
        assert store.preferences.get("tui.pipeline") is None
        store.preferences.set("tui.pipeline", "pipelines/a.yaml")
        store.preferences.set("tui.pipeline", "pipelines/b.yaml")
    with WorkspaceDB(tmp_path) as store:
        assert store.preferences.get("tui.pipeline") == "pipelines/b.yaml"
        assert store.preferences.get("other") is None
