"""The stage registry: everything about a stage is derived from its own declaration."""

from __future__ import annotations

import pytest

from curate.config.stage_rules import unredacted_remote_stage
from curate.reasons import all_reasons, describe
from curate.runs.runner import UndeclaredReasonError, run_pipeline
from curate.stages import STAGE_CONFIGS
from curate.stages.catalog import stage_table, with_stage_table
from curate.stages.quality import Quality
from curate.stages.registry import registered_stages
from tests.conftest import REPO, chat, write_jsonl


def test_every_declared_code_has_a_meaning_and_one_owner():
    owners: dict[str, str] = {}
    for info in registered_stages().values():
        for reason in info.reasons:
            assert reason.meaning, reason.code
            assert reason.code not in owners, (reason.code, owners.get(reason.code), info.name)
            owners[reason.code] = info.name
    assert set(owners) <= set(all_reasons())
    assert describe("dedup.semantic").startswith("A near-duplicate")
    assert describe("no.such_code") == ""


def test_pipeline_union_and_remote_guard_come_from_the_registry():
    assert set(STAGE_CONFIGS) == set(registered_stages())
    remote = {name for name, info in registered_stages().items() if info.remote}
    assert remote == {"judge", "distill"}
    for name in remote:
        assert f"({name})" in (unredacted_remote_stage(["validate", name]) or "")
        assert unredacted_remote_stage(["pii", name]) is None


def test_force_keep_rescues_only_declared_rescuable_codes():
    codes = all_reasons()
    assert codes["quality.too_short"].rescuable
    assert not codes["schema.empty_content"].rescuable
    assert not codes["parse.invalid_json"].rescuable


def test_a_stage_emitting_an_undeclared_code_fails_the_run(tmp_path, monkeypatch):
    write_jsonl(tmp_path / "d.jsonl", [chat("hi there", "a long enough answer here")])
    (tmp_path / "p.yaml").write_text("inputs: [d.jsonl]\nstages: [quality]\n")
    original = Quality.run

    def mislabelled(self, batch, ctx):
        result = original(self, batch, ctx)
        import polars as pl

        from curate.rejections import partition

        kept, rejected = partition(batch, pl.lit("quality.bogus"), pl.lit("made up"))
        return type(result)(kept, rejected, result.metrics)

    monkeypatch.setattr(Quality, "run", mislabelled)
    with pytest.raises(UndeclaredReasonError, match=r"quality\.bogus"):
        run_pipeline(tmp_path / "p.yaml")


def test_readme_stage_table_is_current():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert stage_table() in readme, (
        "README's stage table is stale: run python -m curate.stages.catalog README.md"
    )
    assert with_stage_table(readme) == readme


def test_the_starter_template_names_every_stage_or_says_where_they_are():
    template = (REPO / "curate" / "templates" / "pipeline.yaml").read_text(encoding="utf-8")
    missing = [name for name in registered_stages() if name not in template]
    assert not missing, f"curate/templates/pipeline.yaml does not mention: {missing}"
