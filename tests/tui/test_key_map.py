"""One key, one meaning: every screen binds keys through the key map, no key means two things,
and each screen's footer shows its own decision keys."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict

import pytest
from textual.binding import Binding
from textual.screen import ModalScreen, Screen

import curate_tui.screens
from curate.runs.runner import RunOutcome
from curate_tui.app import CurateApp
from curate_tui.key_map import KEY_MAP, key_table_markdown
from curate_tui.screens.audit_screen import AuditScreen
from curate_tui.screens.help_screen import HelpScreen
from tests.conftest import REPO
from tests.tui.helpers import open_screen

pytestmark = pytest.mark.anyio


def full_screens() -> list[type[Screen[object]]]:
    """Every screen class of the TUI that fills the terminal (modals only confirm or cancel)."""
    found = []
    for info in pkgutil.iter_modules(curate_tui.screens.__path__):
        module = importlib.import_module(f"curate_tui.screens.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            own = cls.__module__ == module.__name__
            if own and issubclass(cls, Screen) and not issubclass(cls, ModalScreen):
                found.append(cls)
    return found


def bindings_of(owner: type[object]) -> list[Binding]:
    return [b for b in getattr(owner, "BINDINGS", []) if isinstance(b, Binding)]


def test_every_screen_binds_through_the_key_map_and_no_key_has_two_meanings() -> None:
    screens = full_screens()
    assert {cls.__name__ for cls in screens} >= {"HomeScreen", "AuditScreen", "PiiScreen"}
    meanings: dict[str, set[str]] = defaultdict(set)
    for owner in [CurateApp, *screens]:
        for binding in bindings_of(owner):
            assert binding.id in KEY_MAP, f"{owner.__name__} binds {binding.key} outside the map"
            for pressed in binding.key.split(","):
                meanings[pressed].add(binding.id)
    doubled = {pressed: ids for pressed, ids in meanings.items() if len(ids) > 1}
    assert doubled == {}
    # the keys the issue found overloaded now mean one thing each
    assert meanings["b"] == {"browse"} and meanings["p"] == {"pass"}
    assert meanings["n"] == {"note"} and meanings["g"] == {"agreement"}


async def test_the_audit_footer_shows_its_verdict_keys_and_b_is_not_back(
    finished_run: RunOutcome,
) -> None:
    app = CurateApp(finished_run.run_dir.parent.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_screen(pilot, "a", AuditScreen)
        shown = {
            pressed: active.binding.description
            for pressed, active in screen.active_bindings.items()
            if active.binding.show
        }
        assert {shown[k] for k in "pfsn"} == {"Pass", "Fail", "Skip", "Note"}
        assert shown["left"] == "Previous" and shown["escape"] == "Back"
        await pilot.press("right", "b")  # b means Browse, which Audit does not offer
        await pilot.pause()
        assert app.screen is screen and screen.position == 1


def test_readme_shows_the_key_map_as_the_app_binds_it() -> None:
    assert key_table_markdown() in (REPO / "README.md").read_text()


async def test_help_over_a_screen_says_first_what_that_screen_is_for(
    finished_run: RunOutcome,
) -> None:
    app = CurateApp(finished_run.run_dir.parent.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_screen(pilot, "a", AuditScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.about.startswith("**Audit** reviews a seeded sample")
        assert "| `p` | Pass |" in app.screen.keys
