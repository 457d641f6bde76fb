"""consistency: near-identical prompts with disagreeing answers are grouped side by side; a
drop keeps the majority answer, a tie is only flagged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest

from curate.stages.base import RunContext, StageResult
from curate.stages.consistency import ConsistencyConfig
from tests.label_rows import answer, clean_tickets, with_team
from tests.stage_helpers import batch_of

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def regreeted(row: dict[str, Any], greeting: str) -> dict[str, Any]:
    """The same ticket under another greeting: a near-identical prompt."""
    system, user, reply = row["messages"]
    text = user["content"].split(",", 1)[1] if "," in user["content"][:25] else user["content"]
    return {**row, "messages": [system, {"role": "user", "content": greeting + text}, reply]}


def other_team(row: dict[str, Any]) -> str:
    return "sales" if answer(row)["team"] != "sales" else "billing"


def ticket_rows() -> tuple[list[dict[str, Any]], dict[str, list[int]]]:
    """40 tickets, then: a pair that disagrees (a tie), and a trio where one of three
    disagrees; returns the rows and the 1-based lines of each planted group."""
    rows = clean_tickets(40)
    tie, trio = rows[3], rows[10]
    rows += [
        with_team(regreeted(tie, "Hello there,"), other_team(tie)),
        regreeted(trio, "Good evening,"),
        with_team(regreeted(trio, "Hey,"), other_team(trio)),
    ]
    return rows, {"tie": [4, 41], "trio": [11, 42, 43]}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("consistency")


def run(config: ConsistencyConfig, batch: pl.DataFrame, workspace: Path) -> StageResult:
    result = config.build().run(batch, RunContext(run_dir=workspace, workspace=workspace))
    out = sorted(result.kept["row"].to_list() + result.rejected["row"].to_list())
    assert out == sorted(batch["row"].to_list())  # every row accounted for
    return result


def groups_of(result: StageResult) -> dict[str, list[int]]:
    rows = pl.concat([result.kept, result.rejected], how="diagonal_relaxed")
    grouped = rows.filter(pl.col("conflict_group").is_not_null()).sort("source_line")
    out: dict[str, list[int]] = {}
    for group, line in grouped.select("conflict_group", "source_line").iter_rows():
        out.setdefault(group, []).append(line)
    return out


def test_disagreeing_routes_for_near_identical_tickets_are_flagged_side_by_side(workspace):
    rows, planted = ticket_rows()
    batch = batch_of(workspace, rows)
    result = run(ConsistencyConfig(), batch, workspace)
    assert result.rejected.height == 0
    assert sorted(groups_of(result).values()) == [planted["tie"], planted["trio"]]
    assert result.metrics["conflict_groups"] == 2 and result.metrics["tied_groups"] == 1
    shown = orjson.loads(str(result.metrics["conflicts_shown"]))
    trio = next(g for g in shown if len(g["rows"]) == 3)
    assert trio["kind"] == "json" and not trio["tied"]
    assert [r["majority"] for r in trio["rows"]] == [True, True, False]
    assert len({r["answer"] for r in trio["rows"]}) == 2  # the answers, side by side
    # a rerun over the same rows gives the same groups, from the cache
    again = run(ConsistencyConfig(), batch, workspace)
    assert again.kept.equals(result.kept) and again.metrics["embedded"] == 0


def test_drop_minority_rejects_only_the_outvoted_answer_and_keeps_a_tie(workspace):
    rows, planted = ticket_rows()
    batch = batch_of(workspace, rows)
    result = run(ConsistencyConfig(action="drop_minority"), batch, workspace)
    (dropped,) = result.rejected.iter_rows(named=True)
    assert dropped["source_line"] == planted["trio"][2]
    assert dropped["reason"] == "consistency.conflict"
    majority = rows[planted["trio"][0] - 1]["messages"][-1]["content"]
    assert (
        " ".join(majority.split()) in dropped["detail"] and "3 near-identical" in dropped["detail"]
    )
    ids = dict(batch.select("source_line", "id").iter_rows())
    assert dropped["related_id"] == ids[planted["trio"][0]]
    assert result.metrics["dropped"] == 1


def test_named_label_fields_are_compared_instead_of_the_whole_answer(workspace):
    rows = clean_tickets(40)
    route = answer(rows[5])
    other = {"low": "high"}.get(route["priority"], "low")
    copy = regreeted(rows[5], "Hello there,")
    copy["messages"][-1] = {
        "role": "assistant",
        "content": orjson.dumps({**route, "priority": other}).decode(),
    }
    batch = batch_of(workspace, [*rows, copy])
    assert groups_of(run(ConsistencyConfig(), batch, workspace)) != {}  # the JSON differs
    by_team = run(ConsistencyConfig(fields=["answer.team"]), batch, workspace)
    assert groups_of(by_team) == {} and by_team.metrics["prompt_groups"] >= 1


def test_text_answers_conflict_only_when_their_meaning_differs(workspace):
    question = "What time does your store in Lund open on weekdays?"

    def chat(q: str, a: str) -> dict[str, Any]:
        return {"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}

    rows = [
        chat(question, "Our Lund store opens at 9 am on weekdays."),
        chat(question + " ", "On weekdays the Lund store opens at 9 in the morning."),
        chat(
            "Which cards do you accept at the checkout?",
            "Visa and Mastercard, online and in store.",
        ),
        chat("Which cards do you accept at checkout?", "We do not sell gift cards any more."),
    ]
    batch = batch_of(workspace, rows)
    result = run(ConsistencyConfig(threshold=0.9), batch, workspace)
    assert list(groups_of(result).values()) == [[3, 4]]  # the store hours agree in meaning
    (group,) = orjson.loads(str(result.metrics["conflicts_shown"]))
    assert group["kind"] == "text" and group["tied"]
