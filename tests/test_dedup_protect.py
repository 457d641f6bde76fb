"""The facts semantic dedup protects: numbers in any written form, and names without a model."""

from __future__ import annotations

import pytest

from curate.dedup.protect import PROTECT_KINDS, conflict, conflicting_pairs, facts_of


def differs(a: str, b: str, kinds=PROTECT_KINDS) -> tuple[str, str] | None:
    return conflict(facts_of(a), facts_of(b), kinds)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mount Everest is 8,848.86 m high.", "Everest: 8848.86 metres."),
        ("Ca 3 000-8 000 kr.", "Cirka 3000-8000 kr."),
        ("It weighs 1,9 kg.", "It weighs 1.9 kg."),
        ("The five largest banks.", "The 5 largest banks."),
        ("Returns within 30 days.", "Returns within 30 days, 60 for members."),  # adds a detail
        ("Order 0042 shipped.", "Order 42 shipped."),
        ("Return label for order TF-786569?", "Return label for order TF-566303?"),  # codes
        ("Ticket T-10791 or #48213", "Ticket T-20411 or #99120"),
    ],
)
def test_one_number_written_two_ways_is_no_conflict(a, b):
    assert differs(a, b) is None


def test_different_numbers_on_both_sides_conflict():
    kind, what = differs("Fires over 1,000 acres in 2013? 29", "Fires over 1000 acres in 2010? 17")
    assert kind == "numbers" and what == "29, 2013 vs 17, 2010"
    assert differs("Height of the Ioniq 6?", "Height of the Ioniq 5?") == ("numbers", "6 vs 5")
    assert differs("Opens at 10:30.", "Opens at 11:00.") == ("numbers", "10:30 vs 11:00")
    # a long number on its own is a quantity, not a code
    phoenix = ("Phoenix in 2020: 1608139 people.", "Phoenix in 2000: 1321045 people.")
    assert differs(*phoenix) == ("numbers", "2020, 1608139 vs 2000, 1321045")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Open the app and choose Orders.",
            "Go to the app, then choose Orders.",
        ),  # sentence starts
        ("Top countries: China, India, Brazil.", "Top countries: India, China, Brazil."),
        ("Handled by Boverket.", "See Boverkets rules."),
        ("The population of São Paulo.", "The population of Sao Paulo."),
        ("Cities: Tokyo, Mexico City.", "Cities: Tokyo, Meixco City."),  # one typo
        ("Judges of the United States Supreme Court", "Judges of the US Supreme Court"),
        ("Judges of the United States court", "Judges of the U.S. court"),
        ("Revenue of UnitedHealthGroup", "Revenue of UnitedHealth Group"),
        ("Ask Anna about it.", "Ask Anna or Per about it."),  # only one side names more
        ("How Do I Reset My Password", "How Can I Reset My Password"),  # title case
    ],
)
def test_the_same_names_in_other_forms_are_no_conflict(a, b):
    assert differs(a, b) is None


def test_different_names_on_both_sides_conflict():
    white = "Does the White rhinoceros live in Africa? True"
    indian = "Does the Indian rhinoceros live in Africa? False"
    assert differs(white, indian) == ("entities", "white vs indian")
    assert differs("Is it near Mali?", "Is it near Malawi?") == ("entities", "mali vs malawi")
    norway, sweden = "Ships to Norway from Malmo.", "Ships to Sweden from Malmo."
    assert differs(norway, sweden) == ("entities", "norway vs sweden")


def test_only_the_kinds_asked_for_are_compared():
    a, b = "Is the White Peak 2 open?", "Is the Black Peak 3 open?"
    assert differs(a, b, ["numbers"]) == ("numbers", "2 vs 3")
    assert differs(a, b, ["entities"]) == ("entities", "white vs black")
    assert differs(a, b, []) is None


def test_conflicting_pairs_answers_each_pair():
    texts = ["Ridge 5 is 120 cm.", "Ridge 6 is 135 cm.", "Ridge 5 stands 120 cm."]
    found = conflicting_pairs(texts, [(0, 1), (0, 2), (1, 2)], ["numbers", "entities"])
    assert found == [("numbers", "5, 120 vs 6, 135"), None, ("numbers", "6, 135 vs 5, 120")]
