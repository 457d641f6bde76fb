"""PII precision on text like real data: other languages, words that are not names, numbers
that are not phones, spans across lines, cut words, public names, recurring spans."""

from __future__ import annotations

import orjson
import pytest

pytest.importorskip("presidio_analyzer")

from curate.pii.person_check import adjacent_name_end, confirmed_person
from curate.pii.scan import scan_batch
from curate.runs.runner import run_pipeline
from curate.stages.pii import PiiConfig
from tests.conftest import chat, write_jsonl
from tests.stage_helpers import batch_of

SWEDISH = chat(
    "Vad kostar en takrenovering? Ja, Boverket säger att Det beror på. Mejla anna@example.se",
    "Priset ligger på 3 000-8 000 kr per kvadratmeter, enligt Boverket.",
)


def spans(scan, index: int) -> list[tuple[str, str, str]]:
    example = scan.examples[index]
    return [
        (f.entity, example.turns[(f.field, f.turn)][1][f.start : f.end], f.action)
        for f in example.findings
    ]


def test_a_swedish_turn_gets_patterns_only_and_keeps_its_words(tmp_path):
    scan = scan_batch(batch_of(tmp_path, [SWEDISH]), PiiConfig(), {})
    assert spans(scan, 0) == [("EMAIL_ADDRESS", "anna@example.se", "redact")]
    assert scan.other_languages == {"sv": 2}
    assert scan.adjustments["not_a_phone_number"] == 1  # the price range


def test_without_the_language_check_the_english_model_reads_swedish(tmp_path):
    scan = scan_batch(batch_of(tmp_path, [SWEDISH]), PiiConfig(detect_language=False), {})
    assert not scan.other_languages
    assert scan.ner_texts == 2


def test_words_and_products_are_not_people_but_introduced_names_are(tmp_path):
    rows = [
        chat("hahaha kinda cool. Is KB the same as the Alder fleece?", "Thanks, Priya."),
        chat("I'm Colm Breslin.", "Hi Colm, how can I help?"),
    ]
    scan = scan_batch(batch_of(tmp_path, rows), PiiConfig(), {})
    assert spans(scan, 0) == [("PERSON", "Priya", "redact")]
    assert ("PERSON", "Colm Breslin", "redact") in spans(scan, 1)
    assert scan.adjustments["person_not_confirmed"] >= 2


def test_no_span_runs_across_a_line_break(tmp_path):
    rows = [chat("Born in 1939\nAndrew H. Knoll wrote the paper.", "Interesting.")]
    found = spans(scan_batch(batch_of(tmp_path, rows), PiiConfig(), {}), 0)
    assert all("\n" not in text for _, text, _ in found)
    assert "STREET_ADDRESS" not in {entity for entity, _, _ in found}


def test_a_hit_that_cuts_a_word_covers_the_whole_word(tmp_path):
    rows = [chat("my handle is kev.trailmix on the forum", "Noted, thanks.")]
    config = PiiConfig(actions={"URL": "redact"})
    scan = scan_batch(batch_of(tmp_path, rows), config, {})
    assert ("URL", "kev.trailmix", "redact") in spans(scan, 0)
    assert scan.adjustments["grown_to_whole_word"] == 1


def test_counts_and_populations_are_not_phone_numbers(tmp_path):
    rows = [chat("How many people live there?", "1684853 in 2020; call me at 503-555-0178.")]
    found = spans(scan_batch(batch_of(tmp_path, rows), PiiConfig(), {}), 0)
    assert [text for entity, text, _ in found if entity == "PHONE_NUMBER"] == ["503-555-0178"]


def test_private_only_keeps_public_names_and_redacts_names_beside_contact_data(tmp_path):
    rows = [
        chat("Who directed Jaws?", "Steven Spielberg directed Jaws in 1975."),
        chat("I'm Dana Whitcombe, my email is dana@example.com", "Thanks, Dana."),
    ]
    batch = batch_of(tmp_path, rows)
    assert spans(scan_batch(batch, PiiConfig(), {}), 0)[0][:2] == ("PERSON", "Steven Spielberg")
    scan = scan_batch(batch, PiiConfig(person_policy="private_only"), {})
    assert spans(scan, 0) == []
    assert ("PERSON", "Dana Whitcombe", "redact") in spans(scan, 1)
    assert scan.adjustments["person_kept_public"] == 1


def test_a_name_in_many_examples_is_flagged_not_rewritten(tmp_path):
    rows = [
        chat(f"Maria Lopez from support says tent {i} ships Monday.", f"Noted for tent {i}.")
        for i in range(12)
    ] + [chat("Hi, this is Dana Whitcombe.", "Hello!")]
    scan = scan_batch(batch_of(tmp_path, rows), PiiConfig(), {})
    assert spans(scan, 0) == [("PERSON", "Maria Lopez", "flag")]
    assert ("PERSON", "Dana Whitcombe", "redact") in spans(scan, 12)
    assert scan.recurring == {("PERSON", "maria lopez"): 12}
    higher = scan_batch(batch_of(tmp_path, rows), PiiConfig(recurring_min=13), {})
    assert spans(higher, 0) == [("PERSON", "Maria Lopez", "redact")]


def test_name_confirmation_rules():
    assert not confirmed_person("hahaha", "lol ")
    assert not confirmed_person("KB", "Is ")
    assert confirmed_person("KB", "My name is ")
    assert not confirmed_person("E-214", "Model ")
    assert not confirmed_person("Alder", "I bought the ")
    assert confirmed_person("Priya", "Thanks, ")
    assert confirmed_person("Kleist", "I met ")  # a rare word: most surnames are
    assert not confirmed_person("Visa", "I paid by ")  # a common word, no name
    assert confirmed_person("Sonoka Miki", "")  # two capitalised words: a name's shape


def test_a_first_name_grows_to_the_surname_beside_it():
    text = "for the account recovery: Wendell Marsh, SSN 921-55-0187"
    start = text.index("Wendell")
    assert text[start : adjacent_name_end(text, start + 7)] == "Wendell Marsh"
    text = "Tell Aiko Tanabe that her order shipped."
    start = text.index("Aiko")
    assert text[start : adjacent_name_end(text, start + 4)] == "Aiko Tanabe"
    text = "Thanks Priya Your order"  # a common capitalised word is not a surname
    assert adjacent_name_end(text, text.index("Priya") + 5) == text.index("Priya") + 5


def test_the_report_shows_changes_per_type_and_warns_when_one_type_changes_much(tmp_path):
    rows = [
        chat(f"Hi, this is Dana Whitcombe about order {i}.", f"Thanks, Dana. Order {i} ships.")
        for i in range(4)
    ] + [chat("Do you ship to Canada?", "Yes, every province.")]
    write_jsonl(tmp_path / "d.jsonl", rows)
    (tmp_path / "p.yaml").write_text(
        "inputs: [d.jsonl]\nstages: [validate, {pii: {warn_share: 0.5}}]\n"
    )
    outcome = run_pipeline(tmp_path / "p.yaml")
    metrics = next(s for s in outcome.manifest.stages if s.name == "pii").metrics
    assert orjson.loads(metrics["changed_share_by_type"]) == {"PERSON": 0.8}
    assert orjson.loads(metrics["top_changed_spans"])["PERSON"] == [
        ["Dana", 4],
        ["Dana Whitcombe", 4],
    ]
    report = (outcome.run_dir / "export" / "report.md").read_text()
    assert "- **pii**: PERSON changed 80% of examples" in report
    assert "| PERSON | 8 | 80.0% | Dana (4), Dana Whitcombe (4) |" in report
