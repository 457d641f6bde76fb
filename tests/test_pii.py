"""pii: recognizers, actions, pseudonym consistency, allow-list, accounting, clear errors."""

from __future__ import annotations

import json
import re

import orjson
import polars as pl
import pytest
from typer.testing import CliRunner

pytest.importorskip("presidio_analyzer")

from curate.cli.main import app
from curate.config.pipeline import load_pipeline
from curate.errors import CurateError
from curate.io.ingest import InputSource, file_sha256, ingest
from curate.pii.analyzer import PiiSetupError, Task, analyze_texts
from curate.pii.settings import DEFAULT_ENTITIES
from curate.record import compact_turns
from curate.runs.runner import run_pipeline
from curate.stages.pii import PiiConfig
from tests.conftest import REPO, chat, write_jsonl
from tests.stage_helpers import batch_of, run_stage

PATTERN_TYPES = tuple(e for e in DEFAULT_ENTITIES if e not in ("PERSON", "LOCATION"))


def found(text: str, *, ner: bool = False) -> set[tuple[str, str]]:
    """(entity, text) of every analyzer hit at or above 0.35."""
    entities = DEFAULT_ENTITIES if ner else PATTERN_TYPES
    task = Task("en", PiiConfig().model, tuple(entities), ner, 16)
    (hits,) = analyze_texts([text], task)
    return {(h.entity, text[h.start : h.end]) for h in hits if h.score >= 0.35}


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("Mail me at dana.w@example.com today", "EMAIL_ADDRESS", "dana.w@example.com"),
        ("Call me at (503) 555-0178.", "PHONE_NUMBER", "(503) 555-0178"),
        ("Reach me on +1 295 478 4070 please", "PHONE_NUMBER", "+1 295 478 4070"),
        ("Text me at 555-0163 when it ships", "PHONE_NUMBER", "555-0163"),
        ("My card 4111 1111 1111 1111 was declined", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("Charge my Amex 3782 822463 10005, exp 04/29", "CREDIT_CARD", "3782 822463 10005"),
        ("Use Mastercard 2227 1401 4193 1417 instead", "CREDIT_CARD", "2227 1401 4193 1417"),
        ("My card number is 503807764264, lost", "CREDIT_CARD", "503807764264"),
        ("SSN 921-55-0187 for verification", "US_SSN", "921-55-0187"),
        ("My SSN is 078-05-1120, is that enough?", "US_SSN", "078-05-1120"),
        ("Refund to GB33BUKB20201555555555 please", "IBAN_CODE", "GB33BUKB20201555555555"),
        ("Sign-in from IP address 203.0.113.58 was blocked", "IP_ADDRESS", "203.0.113.58"),
        ("See https://tallowfern.example.com/returns for details", "URL", None),
        ("My key sk-live-94926fcfa607a655cb61a5f65a1343be fails", "API_KEY", None),
        ("key sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345 now", "API_KEY", None),
        ("token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 leaked", "API_KEY", None),
        ("AWS id AKIAIOSFODNN7EXAMPLE in the log", "API_KEY", "AKIAIOSFODNN7EXAMPLE"),
        ("slack xoxb-12345678901-AbCdEfGhIjKlMnOpQrStUvWx here", "API_KEY", None),
        ("Authorization: Bearer abcDEF123456ghiJKL789 sent", "API_KEY", "abcDEF123456ghiJKL789"),
        ("My username is kev and password: larkspur77. Help!", "PASSWORD", "larkspur77"),
        ("Ship to 1842 Larchmont Ave, Apt 3B, Portland, OR 97214 now", "STREET_ADDRESS", None),
    ],
)
def test_each_pattern_recognizer_finds_its_type(text, entity, value):
    hits = found(text)
    spans = [v for e, v in hits if e == entity]
    assert spans, f"no {entity} in {text!r}: {hits}"
    if value is not None:
        assert value in spans


def test_pem_private_key_block_is_one_span():
    block = (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nabc==\n-----END RSA PRIVATE KEY-----"
    )
    assert ("PRIVATE_KEY", block) in found(f"here it is:\n{block}\nthanks")


def test_prose_about_passwords_and_bad_checksums_are_not_pii():
    hits = found("Your password is required at checkout. Order 4111 1111 1111 1112 shipped.")
    assert not {e for e, _ in hits} & {"PASSWORD", "CREDIT_CARD"}


def test_the_model_finds_people_and_places():
    hits = found("Hi, this is Dana Whitcombe from Portland, Oregon.", ner=True)
    assert ("PERSON", "Dana Whitcombe") in hits
    assert any(e == "LOCATION" for e, _ in hits)


def leak_row() -> dict:
    return chat(
        "Hi, I'm Ana Lima, ana.lima@example.com, call me at (503) 555-0178.",
        "Thanks, Ana. I've noted (503) 555-0178 and will email ana.lima@example.com.",
        system="You are Kestrel, the assistant of Tallowfern Outfitters.",
    )


def test_redact_replaces_spans_with_typed_placeholders(tmp_path):
    batch = batch_of(tmp_path, [leak_row(), chat("How do I wash a tent?", "Cold water, no soap.")])
    result = run_stage(PiiConfig(allow_list=["Kestrel"]).build(), batch, tmp_path)
    first = result.kept.row(0, named=True)
    first_turn = compact_turns(first["messages"])[0]
    assert first_turn == leak_row()["messages"][0], "the assistant's name is allowed"
    user, bot = first["messages"][1]["content"], first["messages"][2]["content"]
    assert user == "Hi, I'm <PERSON>, <EMAIL_ADDRESS>, call me at <PHONE_NUMBER>."
    assert bot == "Thanks, <PERSON>. I've noted <PHONE_NUMBER> and will email <EMAIL_ADDRESS>."
    spans = first["pii"]
    original = leak_row()["messages"][1]["content"]
    email = next(s for s in spans if s["entity"] == "EMAIL_ADDRESS" and s["turn"] == 1)
    assert original[email["start"] : email["end"]] == "ana.lima@example.com"
    assert first["pii_types"] == ["EMAIL_ADDRESS", "PERSON", "PHONE_NUMBER"]
    assert first["pii_count"] == len(spans) == 6
    clean = result.kept.row(1, named=True)
    assert clean["pii_count"] == 0 and clean["messages"] == batch.row(1, named=True)["messages"]
    assert result.metrics["found.EMAIL_ADDRESS"] == 2 and result.metrics["examples_with_pii"] == 1


def test_pseudonyms_are_consistent_within_an_example_and_seeded(tmp_path):
    batch = batch_of(tmp_path, [leak_row()])
    config = PiiConfig(default_action="pseudonymize", seed=3)
    first = run_stage(config.build(), batch, tmp_path).kept.row(0, named=True)["messages"]
    again = run_stage(config.build(), batch, tmp_path).kept.row(0, named=True)["messages"]
    assert first == again, "same seed, same fakes"
    user, bot = first[1]["content"], first[2]["content"]
    name = re.match(r"Hi, I'm (\w+) (\w+), ([\w.]+@example\.com)", user)
    assert name and name.group(1) != "Ana" and "ana.lima" not in user + bot
    assert bot.startswith(f"Thanks, {name.group(1)}."), "the first name stays one person"
    assert name.group(3) in bot, "the same email throughout"
    assert name.group(3).startswith(f"{name.group(1).lower()}.{name.group(2).lower()}@")
    phone = re.search(r"\(\d{3}\) \d{3}-\d{4}", user).group()
    assert phone != "(503) 555-0178" and phone in bot, "same layout, same fake phone"
    other = run_stage(PiiConfig(default_action="pseudonymize", seed=4).build(), batch, tmp_path)
    assert other.kept.row(0, named=True)["messages"] != first


def test_dataset_scope_keeps_a_person_across_examples(tmp_path):
    rows = [
        chat("Hi, this is Dana Whitcombe.", "Hello, how can I help?"),
        chat("Hi, this is Dana Whitcombe again.", "Welcome back!"),
    ]
    batch = batch_of(tmp_path, rows)

    def fake_names(scope: str) -> set[str]:
        config = PiiConfig(default_action="pseudonymize", consistent=scope, entities=["PERSON"])
        kept = run_stage(config.build(), batch, tmp_path).kept
        users = [m[0]["content"] for m in kept["messages"]]
        names = {re.match(r"Hi, this is (\w+ \w+)", u).group(1) for u in users}
        assert "Dana Whitcombe" not in names
        return names

    assert len(fake_names("dataset")) == 1
    assert len(fake_names("example")) == 2


def test_drop_rejects_with_reason_and_where_and_redacts_the_evidence(tmp_path):
    rows = [chat("My SSN is 921-55-0187.", "We never need it."), chat("Hi", "Hello there.")]
    batch = batch_of(tmp_path, rows)
    result = run_stage(PiiConfig(actions={"US_SSN": "drop"}).build(), batch, tmp_path)
    assert result.kept.height == 1 and result.rejected.height == 1
    rejected = result.rejected.row(0, named=True)
    assert rejected["reason"] == "pii.dropped"
    assert (
        rejected["detail"] == "data.jsonl line 1: contains US_SSN in messages[0] (user) chars 10-21"
    )
    assert "921-55-0187" not in rejected["messages"][0]["content"]
    assert result.metrics["dropped"] == 1


def test_flag_keeps_the_text_and_marks_the_row_for_review(tmp_path):
    batch = batch_of(tmp_path, [leak_row()])
    config = PiiConfig(actions={"PHONE_NUMBER": "flag"})
    row = run_stage(config.build(), batch, tmp_path).kept.row(0, named=True)
    assert "(503) 555-0178" in row["messages"][1]["content"]
    assert "<EMAIL_ADDRESS>" in row["messages"][1]["content"]
    assert row["pii_review"] is True
    assert {s["action"] for s in row["pii"] if s["entity"] == "PHONE_NUMBER"} == {"flag"}


def test_allow_list_spares_product_and_assistant_names(tmp_path):
    row = chat("Is Maria Lopez a real person?", "I'm Maria Lopez, write to help@tallowfern.com.")
    batch = batch_of(tmp_path, [row])
    plain = run_stage(PiiConfig().build(), batch, tmp_path).kept.row(0, named=True)
    assert {"PERSON", "EMAIL_ADDRESS"} <= set(plain["pii_types"])
    allowed = PiiConfig(allow_list=["maria lopez", "help@tallowfern.com"])
    kept = run_stage(allowed.build(), batch, tmp_path).kept.row(0, named=True)
    assert kept["pii_count"] == 0
    assert kept["messages"] == batch.row(0, named=True)["messages"]


def test_preference_answers_are_scanned_too(tmp_path):
    pair = {
        "prompt": "Where is my refund?",
        "chosen": "I emailed the details to kofi@example.net.",
        "rejected": "Ask kofi@example.net yourself.",
    }
    row = run_stage(PiiConfig().build(), batch_of(tmp_path, [pair]), tmp_path).kept.row(
        0, named=True
    )
    assert row["chosen"][0]["content"] == "I emailed the details to <EMAIL_ADDRESS>."
    assert row["rejected"][0]["content"] == "Ask <EMAIL_ADDRESS> yourself."


def test_only_pattern_turns_skip_the_model(tmp_path):
    row = chat("I'm Dana Whitcombe, dana.w@example.com", "Hi, this is Dana Whitcombe from support.")
    config = PiiConfig(ner_roles=["assistant"])
    result = run_stage(config.build(), batch_of(tmp_path, [row]), tmp_path)
    spans = result.kept.row(0, named=True)["pii"]
    assert result.metrics["texts_with_ner"] == 1 and result.metrics["texts_analyzed"] == 2
    by_turn = {(s["turn"], s["entity"], s["source"]) for s in spans}
    assert (0, "EMAIL_ADDRESS", "pattern") in by_turn
    assert (1, "PERSON", "model") in by_turn
    # the name the model found in the answer is PII in the question too
    assert any(s["turn"] == 0 and s["entity"] == "PERSON" for s in spans)


def test_missing_or_misconfigured_model_is_a_clear_error(tmp_path):
    batch = batch_of(tmp_path, [leak_row()])
    with pytest.raises(PiiSetupError, match="spaCy model 'no_such_spacy_model' is not installed"):
        run_stage(PiiConfig(model="no_such_spacy_model").build(), batch, tmp_path)
    with pytest.raises(CurateError, match="unknown entity types: EMAL"):
        run_stage(PiiConfig(entities=["EMAL"]).build(), batch, tmp_path)
    with pytest.raises(ValueError, match="actions names types not in entities: PHONE"):
        PiiConfig(entities=["PERSON"], actions={"PHONE": "drop"})
    write_jsonl(tmp_path / "d.jsonl", [leak_row()])
    (tmp_path / "p.yaml").write_text("inputs: [d.jsonl]\nstages: [{pii: {model: nope_model}}]\n")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "p.yaml")])
    assert result.exit_code == 2
    assert "spaCy model 'nope_model' is not installed" in result.output
    assert "Traceback" not in result.output


def test_run_report_counts_types_without_showing_values(tmp_path):
    write_jsonl(tmp_path / "d.jsonl", [leak_row(), chat("Any tents?", "Yes, plenty of tents.")])
    (tmp_path / "p.yaml").write_text("inputs: [d.jsonl]\nstages: [validate, pii]\n")
    outcome = run_pipeline(tmp_path / "p.yaml")
    report = (outcome.run_dir / "export" / "report.md").read_text()
    assert "## PII" in report and "| EMAIL_ADDRESS | 2 |" in report
    assert "Thanks, <PERSON>. I've noted <PHONE_NUMBER>" in report
    exported = "".join(
        (outcome.run_dir / "export" / f"{s}.jsonl").read_text() for s in ("train", "eval", "test")
    )
    for value in ("ana.lima@example.com", "555-0178", "Ana"):
        assert value not in report and value not in exported


def test_planted_sample_pii_never_reaches_the_kept_rows(tmp_path):
    """Every planted email, phone, card and key in sample_data is gone after the sample
    pipeline's pii step (the rows are ingested for real; only planted rows are scanned)."""
    sample = REPO / "sample_data"
    planted = json.loads((sample / "planted.json").read_text())["planted"]
    # ingest numbers JSON array rows by item, every other container by physical line
    wanted = {
        (p["file"], p["row"] if p["file"].endswith(".json") else p["line"])
        for p in planted
        if p["problem"] == "pii"
    }
    sources = [
        InputSource(path, path.name, None, file_sha256(path))
        for path in sorted(sample.glob("*"))
        if path.suffix in (".jsonl", ".json", ".csv") and path.name != "planted.json"
    ]
    examples, _, _ = ingest(sources)
    lines = pl.struct("source_file", "source_line")
    batch = examples.filter(lines.is_in([{"source_file": f, "source_line": n} for f, n in wanted]))
    assert batch.height == 25
    config = next(
        s
        for s in load_pipeline(REPO / "pipelines" / "sample.yaml").stages
        if isinstance(s, PiiConfig)
    )
    result = run_stage(config.build(), batch, tmp_path)
    before = batch.select("messages", "chosen").write_json()
    after = pl.concat([result.kept, result.rejected.select(result.kept.columns)])
    text = after.select("messages", "chosen").write_json()
    patterns = [
        r"[\w.+-]+@[\w-]+\.[\w.]+",  # email
        r"\(\d{3}\)\s?\d{3}-\d{4}|\b\d{3}-\d{4}\b",  # phone
        r"\b\d{4}[ -]?\d{4,6}[ -]?\d{4,5}(?:[ -]?\d{4})?\b",  # card
        r"\bsk-[\w-]{10,}",  # key
    ]
    planted_values = {v for p in patterns for v in re.findall(p, before)}
    assert len(planted_values) >= 15
    assert not [v for v in planted_values if v in text]
    assert orjson.loads(result.metrics["examples"])  # masked examples for the report


def test_worker_processes_find_what_one_process_finds(tmp_path):
    rows = [leak_row(), chat("My SSN is 921-55-0187.", "Noted."), chat("Hi", "Hello there.")]
    batch = batch_of(tmp_path, rows)
    one = run_stage(PiiConfig().build(), batch, tmp_path).kept
    two = run_stage(PiiConfig(workers=2, parallel_from=1).build(), batch, tmp_path).kept
    assert one["pii"].to_list() == two["pii"].to_list()
    assert one["messages"].to_list() == two["messages"].to_list()


def test_order_numbers_and_fractions_are_not_phone_numbers(tmp_path):
    row = chat("Can I take back order TF-373298 today?", "Yes; the 16/40 strap fits it too.")
    kept = run_stage(PiiConfig().build(), batch_of(tmp_path, [row]), tmp_path).kept
    assert "PHONE_NUMBER" not in kept.row(0, named=True)["pii_types"]
