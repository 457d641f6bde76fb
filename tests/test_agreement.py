"""Agreement statistics against published examples, source layouts, the gate, judge calibration."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from curate.agreement import adjudicate, agreement_report, disagreements, read_ratings, stats
from curate.agreement.judge_calibration import calibrate, judge_verdicts
from curate.agreement.report import alpha_band, kappa_band
from curate.agreement.review import record_annotations
from curate.agreement.sources import RATINGS_SCHEMA, store_ratings
from curate.audit import create_audit, record_verdict
from curate.cli.main import app
from curate.errors import InputError
from curate.runs.runner import run_pipeline
from curate.stages.agreement_gate import AgreementGateError
from curate.workspace import WorkspaceDB
from tests.conftest import REPO, chat, write_jsonl

cli = CliRunner()
FIXTURES = REPO / "tests" / "fixtures" / "agreement"


def ratings(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(i, a, label, None) for i, a, label in rows], schema=RATINGS_SCHEMA, orient="row"
    )


def test_fleiss_1971_psychiatric_diagnoses_give_the_published_kappas():
    report = agreement_report(read_ratings(FIXTURES / "fleiss1971_wide.csv"))
    assert report.items == 30 and len(report.annotators) == 6
    assert report.fleiss.value == pytest.approx(0.4302445, abs=1e-6)  # Fleiss 1971: 0.430
    assert kappa_band(report.fleiss.value) == "moderate"
    # Fleiss 1971, table 2: the per-category kappas
    published = {"depression": 0.245, "personality disorder": 0.245, "schizophrenia": 0.520,
                 "neurosis": 0.471, "other": 0.566}  # fmt: skip
    assert {k: round(v.value, 3) for k, v in report.per_label.items()} == published


def test_krippendorff_2011_example_with_missing_values():
    frame = read_ratings(FIXTURES / "krippendorff2011_long.jsonl")
    report = agreement_report(frame, ("nominal", "ordinal", "interval"))
    # Krippendorff, "Computing Krippendorff's alpha-reliability" (2011): .743, .815, .849
    assert round(report.alpha["nominal"].value, 3) == 0.743
    assert round(report.alpha["ordinal"].value, 3) == 0.815
    assert round(report.alpha["interval"].value, 3) == 0.849
    assert alpha_band(0.743) == "tentative" and alpha_band(0.815) == "reliable"
    assert report.alpha["nominal"].n == 11  # unit 12 has one rating only and is unpairable


def test_pairwise_kappa_and_confusion_match_scikit_learn():
    from sklearn.metrics import cohen_kappa_score, confusion_matrix

    a = ["GOOD", "GOOD", "BAD", "GOOD", "BAD", "BAD", "GOOD", "GOOD"]
    b = ["GOOD", "BAD", "BAD", "GOOD", "BAD", "GOOD", "GOOD", "GOOD"]
    frame = ratings([(f"i{n}", "ann", x) for n, x in enumerate(a)]
                    + [(f"i{n}", "bob", y) for n, y in enumerate(b)])  # fmt: skip
    (pair,) = stats.pairwise(frame)
    assert pair.kappa.value == pytest.approx(cohen_kappa_score(a, b))
    assert pair.confusion == confusion_matrix(a, b, labels=["BAD", "GOOD"]).tolist()
    assert stats.percent_agreement(frame).value == pytest.approx(6 / 8)


def test_single_category_kappa_is_reported_undefined_not_a_crash():
    frame = ratings([(f"i{n}", who, "GOOD") for n in range(5) for who in ("ann", "bob")])
    report = agreement_report(frame)
    assert report.pairs[0].kappa.value is None and "one category" in report.pairs[0].kappa.note
    assert report.fleiss.value is None and report.alpha["nominal"].value is None
    assert report.percent.value == 1.0
    assert kappa_band(report.fleiss.value) == "undefined"


def test_annotator_agreement_with_majority_spots_the_outlier():
    rows = []
    for n in range(6):
        rows += [(f"i{n}", "ann", "GOOD"), (f"i{n}", "bob", "GOOD"), (f"i{n}", "cat", "GOOD")]
        rows.append((f"i{n}", "odd", "BAD" if n < 4 else "GOOD"))
    with_majority = agreement_report(ratings(rows)).with_majority
    assert with_majority["ann"].value == 1.0
    assert with_majority["odd"].value == pytest.approx(2 / 6)


def test_layouts_are_detected(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text("id,ann,bob\n1,GOOD,BAD\n2,GOOD,\n3,BAD,BAD\n")
    frame = read_ratings(wide)
    assert frame.height == 5 and set(frame["annotator"]) == {"ann", "bob"}
    long = write_jsonl(tmp_path / "long.jsonl", [
        {"item_id": "1", "rater": "ann", "verdict": "GOOD", "score": 4},
        {"item_id": "1", "rater": "bob", "verdict": "BAD", "score": 1},
    ])  # fmt: skip
    assert read_ratings(long)["score"].to_list() == [4.0, 1.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("item_id,annotator,label,mood\n1,a,GOOD,x\n1,b,BAD,y\n", "unknown column.*mood"),
        ("item_id,annotator,label\n1,a,GOOD\n2,a,BAD\n", "two annotators; found 1 \\(a\\)"),
        ("who,annotator,label\n1,a,GOOD\n", "no item id column"),
        ("item_id,annotator\n1,a\n", "without a label column"),
        ("item_id,annotator,label\n1,a,GOOD\n1,a,BAD\n1,b,BAD\n", "a rated item 1 2 times"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(tmp_path, text, message):
    path = tmp_path / "r.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as caught:
        read_ratings(path)
    assert str(path) in str(caught.value)
    result = cli.invoke(app, ["agree", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_agree_cli_exits_1_under_the_threshold():
    path = str(FIXTURES / "fleiss1971_wide.csv")
    low = cli.invoke(app, ["agree", path, "--threshold", "0.9", "--metric", "fleiss"])
    assert low.exit_code == 1 and "0.430 (moderate" in low.output
    ok = cli.invoke(app, ["agree", path, "--threshold", "0.4", "--metric", "fleiss"])
    assert ok.exit_code == 0, ok.output
    assert "per label" in ok.output and "rater1 / rater2" in ok.output


def test_disagreements_and_adjudication_persist(tmp_path):
    frame = ratings([("i1", "ann", "GOOD"), ("i1", "bob", "BAD"), ("i1", "cat", "BAD"),
                     ("i2", "ann", "GOOD"), ("i2", "bob", "GOOD")])  # fmt: skip
    with WorkspaceDB(tmp_path, annotator="lead") as store:
        (item,) = disagreements(frame, store)
        assert item.labels == {"ann": "GOOD", "bob": "BAD", "cat": "BAD"}
        assert item.majority == "BAD" and item.adjudicated is None
        adjudicate(store, "i1", "GOOD", note="policy allows it")
    with WorkspaceDB(tmp_path) as store:
        assert disagreements(frame, store)[0].adjudicated == "GOOD"
        assert disagreements(frame, store, pending_only=True) == []


def gated_run(tmp_path, gate: str):
    rows = [chat(f"Question {i}?", f"Answer number {i}.") for i in range(12)]
    write_jsonl(tmp_path / "d.jsonl", rows)
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(f"name: g\ninputs: [d.jsonl]\nstages: [validate, split, {gate}]\n")
    return pipeline


def test_audit_verdicts_count_as_one_annotator_and_the_gate_reads_the_store(tmp_path):
    pipeline = gated_run(tmp_path, "{stage: agreement_gate, threshold: 0.5}")
    with pytest.raises(AgreementGateError, match="fewer than two annotators"):
        run_pipeline(pipeline)
    (run_dir,) = (tmp_path / "runs").iterdir()
    with WorkspaceDB(tmp_path, annotator="auditor") as store:
        audit = create_audit(store, run_dir, pipeline="g", size=4, seed=0)
        ids = [i.example_id for i in audit.items]
        for n, example_id in enumerate(ids):
            record_verdict(store, audit.audit_id, example_id, "fail" if n == 0 else "pass")
        # auditor: BAD GOOD GOOD GOOD; the other: GOOD BAD BAD GOOD
        other = [(i, "ls@example.com", "BAD" if n in (1, 2) else "GOOD") for n, i in enumerate(ids)]
        record_annotations(store, ratings(other), source="test")
        frame = store_ratings(store)
    assert set(frame["annotator"]) == {"auditor", "ls@example.com"}
    with pytest.raises(AgreementGateError, match=r"under 0\.5") as caught:
        run_pipeline(pipeline)
    assert caught.value.exit_code == 4
    with WorkspaceDB(tmp_path, annotator="ls@example.com") as store:
        fixed = [(ids[0], "BAD"), (ids[1], "GOOD"), (ids[2], "GOOD")]
        record_annotations(store, ratings([(i, "ls@example.com", x) for i, x in fixed]), "fix")
    run_pipeline(pipeline)  # now the two agree on every item


@pytest.mark.parametrize(("agreed", "passes"), [(9, True), (8, False)])
def test_the_default_gate_wants_ninety_percent_agreement(tmp_path, agreed, passes):
    pipeline = gated_run(tmp_path, "agreement_gate")
    items = [f"item{n}" for n in range(10)]
    first = [(i, "ann", "GOOD") for i in items]
    second = [(i, "bob", "GOOD" if n < agreed else "BAD") for n, i in enumerate(items)]
    with WorkspaceDB(tmp_path) as store:
        record_annotations(store, ratings(first + second), source="test")
    if passes:
        run_pipeline(pipeline)
    else:
        with pytest.raises(AgreementGateError, match=r"\(percent\) 0\.800 \(n=10\) is under 0\.9"):
            run_pipeline(pipeline)


def test_judge_calibration_on_a_hand_made_case(tmp_path):
    # human majority:  BAD BAD BAD GOOD GOOD GOOD GOOD GOOD ; judge: BAD BAD GOOD BAD GOOD x4
    human = ["BAD", "BAD", "BAD", "GOOD", "GOOD", "GOOD", "GOOD", "GOOD"]
    judge = ["BAD", "BAD", "GOOD", "BAD", "GOOD", "GOOD", "GOOD", "GOOD"]
    rows = [(f"e{n}", who, label) for n, label in enumerate(human) for who in ("ann", "bob")]
    rows.append(("e0", "cat", "GOOD"))  # a dissenting third vote does not move the majority
    stage = tmp_path / "run" / "stages" / "05_judge"
    stage.mkdir(parents=True)
    pl.DataFrame({"id": [f"e{n}" for n in range(8)], "judge_verdict": judge}).filter(
        pl.col("judge_verdict") == "GOOD"
    ).write_parquet(stage / "kept.parquet")
    pl.DataFrame({"id": ["e0", "e1", "e3"], "reason": ["judge.bad"] * 3}).write_parquet(
        stage / "rejected.parquet"
    )
    verdicts = judge_verdicts(tmp_path / "run")
    assert verdicts == {f"e{n}": v for n, v in enumerate(judge)}
    result = calibrate(ratings(rows), verdicts)
    assert result.n == 8
    assert result.bad_precision == pytest.approx(2 / 3) and result.bad_recall == pytest.approx(
        2 / 3
    )
    # kappa = (po - pe) / (1 - pe) with po = 6/8, pe = (3*3 + 5*5) / 64
    assert result.kappa.value == pytest.approx((6 / 8 - 34 / 64) / (1 - 34 / 64))
    assert result.confusion[("BAD", "GOOD")] == 1 and result.confusion[("GOOD", "BAD")] == 1
    source = tmp_path / "humans.csv"
    source.write_text("item_id,annotator,label\n" + "".join(f"{i},{a},{x}\n" for i, a, x in rows))
    shown = cli.invoke(app, ["agree", str(source), "--judge", str(tmp_path / "run")])
    assert shown.exit_code == 0, shown.output
    assert "precision of BAD" in shown.output and "0.667" in shown.output


def test_alpha_matches_the_krippendorff_package_on_random_sparse_data():
    import krippendorff

    rng = np.random.default_rng(0)
    data = rng.integers(0, 3, size=(4, 25)).astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan
    rows = [(f"u{j:02d}", f"r{i}", str(int(data[i, j])))
            for i in range(4) for j in range(25) if not np.isnan(data[i, j])]  # fmt: skip
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert stats.alpha(ratings(rows)).value == pytest.approx(expected)


def test_the_tui_and_the_cli_start_without_the_agree_extra_and_say_which_to_install():
    import subprocess
    import sys

    script = (
        "import sys\n"
        "for name in ('krippendorff', 'sklearn', 'statsmodels'):\n"
        "    sys.modules[name] = None\n"
        "import curate_tui.app, curate.cli.main\n"
        "from curate.agreement.stats import library\n"
        "from curate.errors import CurateError\n"
        "try:\n"
        "    library('krippendorff')\n"
        "except CurateError as exc:\n"
        "    print(exc.hint)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "pip install 'curate[agree]'" in done.stdout
