"""curate eval: metrics on known answers, the golden and decision rules, a real SmolLM2 run,
the CLI's one-line errors, and the pairwise judge against a local fake server."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from curate.cli.main import app
from curate.evaluate import EvalConfig, TaskConfig, decide, evaluate, golden_check
from curate.evaluate.config import DecisionRule, JudgeSettings
from curate.evaluate.data import EvalRow, few_shot_prompt, pick_shots, read_rows
from curate.evaluate.generation import resolve_tuned
from curate.evaluate.judge import judge_pairwise
from curate.evaluate.metrics import classification_metrics, json_metrics, rouge_l
from curate.llm.config import LLMConfig
from curate.local_models import ModelNotFoundError, resolve_model
from curate.runs.layout import RunLayout
from tests.conftest import REPO, manifest_json
from tests.llm_servers import running_server

os.environ["HF_HUB_OFFLINE"] = "1"
runner = CliRunner()
GOLDEN = REPO / "sample_data" / "tickets" / "golden.jsonl"
ROUTE_SCHEMA = {
    "type": "object",
    "required": ["team", "priority"],
    "additionalProperties": False,
    "properties": {
        "team": {"enum": ["billing", "technical", "account", "shipping", "sales"]},
        "priority": {"enum": ["low", "medium", "high", "urgent"]},
    },
}
ROUTING = TaskConfig(type="json", json_schema=ROUTE_SCHEMA, fields=["team", "priority"])


@pytest.fixture(scope="session")
def smollm2() -> Path:
    """The converted SmolLM2 folder, shared by every test that loads a model."""
    return resolve_model("smollm2-135m-instruct")


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """A run folder whose export holds clean ticket rows: 8 train, 6 test."""
    lines = GOLDEN.read_text().splitlines()
    export = tmp_path / "run" / "export"
    export.mkdir(parents=True)
    (export / "train.jsonl").write_text("\n".join(lines[:8]) + "\n")
    (export / "test.jsonl").write_text("\n".join(lines[8:14]) + "\n")
    return tmp_path / "run"


# metrics on known outputs ----------------------------------------------------------------


def test_classification_precision_recall_f1_match_hand_counts():
    gold = ["a", "a", "b", "b", "c"]
    pred = ["a", "B.", "b", " b", "a"]
    m = classification_metrics(gold, pred)
    assert m["accuracy"] == pytest.approx(3 / 5)
    by_label = {c["label"]: c for c in m["per_class"]}
    assert by_label["a"]["precision"] == pytest.approx(1 / 2)
    assert by_label["a"]["recall"] == pytest.approx(1 / 2)
    assert by_label["b"]["precision"] == pytest.approx(2 / 3)
    assert by_label["b"]["recall"] == pytest.approx(1.0)
    assert by_label["b"]["f1"] == pytest.approx(0.8)
    assert by_label["c"]["f1"] == 0.0 and by_label["c"]["support"] == 1
    assert m["macro_f1"] == pytest.approx((0.5 + 0.8 + 0.0) / 3)


def test_json_validity_schema_adherence_and_field_match():
    gold = ['{"team": "billing", "priority": "low"}'] * 5
    pred = [
        '{"team": "billing", "priority": "low"}',  # right
        '{"team": "billing", "priority": "high"}',  # valid, priority wrong
        "{'team': 'billing', 'priority': 'low'}",  # not JSON at all
        'Sure: {"team": "billing", "priority": "low"}',  # not valid, fields still readable
        '{"team": "legal", "priority": "low"}',  # valid JSON, breaks the schema
    ]
    m = json_metrics(gold, pred, ROUTING)
    assert m["valid_rate"] == pytest.approx(3 / 5)
    assert m["schema_rate"] == pytest.approx(2 / 5)
    assert m["fields"] == {"team": pytest.approx(3 / 5), "priority": pytest.approx(3 / 5)}
    assert m["exact_match"] == pytest.approx(2 / 5)
    billing = next(c for c in m["per_class"] if c["label"] == "billing")
    assert billing["recall"] == pytest.approx(3 / 5) and billing["precision"] == 1.0


def test_rouge_l_of_simple_strings():
    scores = rouge_l(["the cat sat on the mat", "a b", "one two"], ["the cat sat", "a b", "x"])
    # LCS 3: precision 3/3, recall 3/6, F = 2 * 1 * 0.5 / 1.5
    assert scores == [pytest.approx(2 / 3), pytest.approx(1.0), 0.0]


# golden and decision rules ---------------------------------------------------------------


def test_golden_flag_is_off_at_exactly_five_percent_and_on_beyond():
    base = [1.0] * 20 + [0.0]  # the last row is wrong for the base: it does not count
    at_edge = golden_check(ROUTING, base, [1.0] * 19 + [0.0, 1.0], 0.05)
    assert (at_edge.base_right, at_edge.rows) == (20, 21)
    assert at_edge.relative_drop == pytest.approx(0.05)
    assert not at_edge.regressed
    beyond = golden_check(ROUTING, base, [1.0] * 18 + [0.0, 0.0, 1.0], 0.05)
    assert beyond.relative_drop == pytest.approx(0.10) and beyond.regressed
    assert beyond.tuned_overall == pytest.approx(19 / 21)


def test_decision_rule_needs_five_points_and_no_golden_regression():
    rule = DecisionRule()
    scores = {"prompted": 0.40, "few_shot": 0.60, "tuned": 0.65}
    worth = decide(scores, None, rule)
    assert worth.verdict == "worth_it" and worth.best_baseline == "few_shot"
    assert worth.gain_points == pytest.approx(5.0)
    assert decide(scores | {"tuned": 0.649}, None, rule).verdict == "not_worth_it"
    red = golden_check(ROUTING, [1.0] * 10, [1.0] * 8 + [0.0] * 2, 0.05)
    regressed = decide(scores | {"tuned": 0.9}, red, rule)
    assert regressed.verdict == "not_worth_it" and "golden" in regressed.reason
    assert decide({"prompted": 0.5}, None, rule).verdict == "undecided"


def test_decoding_presets_follow_the_task_type():
    json_task = EvalConfig(run="r", task=ROUTING)
    assert json_task.preset()[0] == "greedy" and not json_task.preset()[1].do_sample
    name, chat = EvalConfig(run="r", task=TaskConfig(type="generation")).preset()
    assert (name, chat.temperature, chat.min_p, chat.repetition_penalty) == (
        "chat",
        0.7,
        0.05,
        1.05,
    )
    with pytest.raises(ValueError, match="label_field"):
        TaskConfig(type="json", fields=["team"], label_field="priority")


def test_few_shot_prompts_keep_the_system_turn_first(run_dir):
    train = read_rows(run_dir / "export" / "train.jsonl", what="train split")
    shots = pick_shots(train, 3, seed=1)
    assert len({s.reference for s in shots}) == 3
    row = EvalRow("x", [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}], "")
    turns = few_shot_prompt(row, shots)
    assert [t["role"] for t in turns] == ["system"] + ["user", "assistant"] * 3 + ["user"]
    assert turns[-1]["content"] == "U"


def test_tuned_model_paths_resolve_to_merged_or_adapter(tmp_path, smollm2):
    out = tmp_path / "train_out"
    (out / "merged").mkdir(parents=True)
    (out / "merged" / "config.json").write_text("{}")
    assert resolve_tuned(str(out), "smollm2-135m-instruct").folder == out / "merged"
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text(json.dumps({"base_model_name_or_path": "x/y"}))
    source = resolve_tuned(str(adapter), "smollm2-135m-instruct")
    assert (source.folder, source.adapter) == (smollm2, adapter)
    with pytest.raises(ModelNotFoundError, match="not found"):
        resolve_tuned(str(tmp_path / "nope"), "smollm2-135m-instruct")


# a real run with SmolLM2 -----------------------------------------------------------------


def test_end_to_end_eval_with_smollm2_writes_report_and_predictions(run_dir, smollm2, tmp_path):
    config = EvalConfig(
        run=str(run_dir),
        task=ROUTING,
        tuned_model=str(smollm2),  # the base itself: exercises the tuned path
        few_shot_k=2,
        max_new_tokens=16,
        golden=str(GOLDEN),
        limit=3,
        threads=1,  # other processes share this CPU; spinning threads cost far more
        out=str(tmp_path / "eval"),
    )
    notes: list[str] = []

    class Notes:
        def note(self, message: str) -> None:
            notes.append(message)

    result = evaluate(config, Notes())
    assert list(result.variants) == ["prompted", "few_shot", "tuned"]
    prompted, tuned = result.variants["prompted"], result.variants["tuned"]
    assert len(prompted.predictions) == 3
    # greedy decoding of one model: the same answers and the same reference loss
    assert tuned.predictions == prompted.predictions
    assert tuned.loss == pytest.approx(prompted.loss, rel=1e-4)
    assert prompted.perplexity > 1.0
    assert result.golden is not None and not result.golden.regressed
    assert any("judge: not configured" in n for n in notes)

    out = tmp_path / "eval"
    predictions = [
        orjson.loads(line) for line in (out / "predictions.jsonl").read_bytes().splitlines()
    ]
    assert sum(p["set"] == "test" for p in predictions) == 9
    assert sum(p["set"] == "golden" for p in predictions) == 6
    saved = json.loads((out / "eval_results.json").read_text())
    assert set(saved["variants"]) == {"prompted", "few_shot", "tuned"}
    # tuned == prompted on 3 rows: no difference, and too few rows to detect one
    assert saved["decision"]["verdict"] == "undecided"
    assert "no detectable difference at this test size" in saved["decision"]["reason"]
    report = (out / "eval_report.md").read_text()
    assert "| prompted |" in report and "Decision: UNDECIDED" in report
    assert "Rule: fine-tuning is worth it when" in report


# the CLI ---------------------------------------------------------------------------------


def _eval_file(tmp_path: Path, run: Path, extra: str = "") -> Path:
    path = tmp_path / "eval.yaml"
    path.write_text(f"run: {run}\nvariants: [prompted]\n{extra}")
    return path


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("missing_file", [], "eval file not found"),
        ("bad_yaml", [], "not valid YAML"),
        ("unknown_field", [], "eval.yaml:3: temperature: unknown field 'temperature'"),
        ("no_test_split", [], "test split not found"),
        ("bad_tuned", ["--tuned", "/no/such/model"], "tuned model folder /no/such/model"),
        ("bad_base", [], "neither 'smollm2-135m-instruct' nor a local model folder"),
        ("unredacted_judge", [], "has no pii stage, so its text would reach the judge"),
    ],
)
def test_cli_user_mistakes_are_one_line_and_exit_2(
    tmp_path, run_dir, smollm2, setup, args, message
):
    path = _eval_file(tmp_path, run_dir)
    if setup == "missing_file":
        path = tmp_path / "missing.yaml"
    elif setup == "bad_yaml":
        path.write_text("run: [unclosed\n")
    elif setup == "unknown_field":
        path = _eval_file(tmp_path, run_dir, "temperature: 0.3\n")
    elif setup == "no_test_split":
        (run_dir / "export" / "test.jsonl").unlink()
    elif setup == "bad_tuned":
        path = _eval_file(tmp_path, run_dir).with_name("eval.yaml")
        path.write_text(f"run: {run_dir}\nvariants: [prompted, tuned]\n")
    elif setup == "bad_base":
        path = _eval_file(tmp_path, run_dir, "base_model: gpt-nine\n")
    elif setup == "unredacted_judge":
        (run_dir / "manifest.json").write_text(manifest_json(["validate"]))
        judge = "judge:\n  llm: {provider: openai, model: j, base_url: 'http://127.0.0.1:9/v1'}\n"
        path = _eval_file(tmp_path, run_dir, judge)
    result = runner.invoke(app, ["eval", str(path), *args], terminal_width=300)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) <= 2


def test_cli_prints_the_verdict_table_and_writes_the_report(tmp_path, run_dir, smollm2):
    path = _eval_file(tmp_path, run_dir, "max_new_tokens: 4\nthreads: 1\n")
    result = runner.invoke(app, ["eval", str(path), "--limit", "1", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "prompted" in result.output and "UNDECIDED" in result.output
    assert (tmp_path / "o" / "eval_report.md").is_file()


# the pairwise judge ----------------------------------------------------------------------


def _prefers_json(text: str) -> dict[str, str]:
    """A fake judge: the answer that is a JSON object wins."""
    answers = dict(re.findall(r"<answer_([AB])>\n(.*?)\n</answer_", text, flags=re.S))
    winners = [k for k, v in answers.items() if v.startswith("{")]
    return {"winner": winners[0] if len(winners) == 1 else "tie", "reason": "format"}


def test_judge_win_rate_through_an_openai_compatible_server(tmp_path):
    rows = [EvalRow(str(i), [{"role": "user", "content": f"ticket {i}"}], "{}") for i in range(6)]
    tuned = ['{"team": "billing", "priority": "low"}'] * 5 + ["no idea"]
    prompted = ["Let me help you with that."] * 5 + ["no idea"]
    with running_server() as server:
        server.teacher = _prefers_json
        llm = LLMConfig(provider="openai", model="judge-1", base_url=f"{server.url}/v1")
        settings = JudgeSettings(llm=llm, workspace=str(tmp_path))
        result = judge_pairwise(
            settings, rows, tuned, prompted, seed=0, workspace=tmp_path, note=print
        )
        again = judge_pairwise(
            settings, rows, tuned, prompted, seed=0, workspace=tmp_path, note=print
        )
        calls = server.count("/v1/chat/completions")
    assert result is not None and again is not None
    assert (result.tuned_wins, result.prompted_wins, result.ties) == (5, 0, 1)
    assert result.win_rate == pytest.approx(5.5 / 6)
    assert calls == 6  # the second pass came from the workspace cache
    bodies = server.bodies("/v1/chat/completions")
    shown_first = ["<answer_A>\n{" in b["messages"][-1]["content"] for b in bodies[:5]]
    assert len(set(shown_first)) == 2  # the tuned answer is not always shown first


def test_only_a_run_with_a_pii_stage_counts_as_redacted(run_dir):
    layout = RunLayout(run_dir)
    assert "has no readable manifest.json" in (layout.unredacted_reason() or "")
    (run_dir / "manifest.json").write_text('{"stages": [{"name": "pii"}]}')  # not a manifest
    assert "has no readable manifest.json" in (layout.unredacted_reason() or "")
    (run_dir / "manifest.json").write_text(manifest_json(["split"]))
    assert "has no pii stage" in (layout.unredacted_reason() or "")
    (run_dir / "manifest.json").write_text(manifest_json(["pii", "split"]))
    assert layout.unredacted_reason() is None


def test_judge_is_skipped_with_a_notice_when_its_server_is_down(tmp_path):
    llm = LLMConfig(provider="openai", model="judge-1", base_url="http://127.0.0.1:9/v1")
    notes: list[str] = []
    result = judge_pairwise(
        JudgeSettings(llm=llm), [], [], [], seed=0, workspace=tmp_path, note=notes.append
    )
    assert result is None
    assert notes and notes[0].startswith("judge: skipped, no OpenAI-compatible server")
