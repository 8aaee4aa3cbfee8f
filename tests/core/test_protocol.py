"""Protocol arithmetic: every control relation with consistent, inconsistent and partial figures."""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from typing import Any

import pytest
from babel.numbers import format_percent

from observer_app.core.catalogue import (
    Catalogue,
    default_catalogue_path,
    load_catalogue,
    parse_catalogue,
)
from observer_app.core.protocol import (
    MAX_FIGURE,
    FieldDifference,
    basis_points,
    compare_figures,
    evaluate,
    expected_fields,
    field_name,
    format_turnout,
    parse_assignment,
    validate_candidates,
)
from observer_app.errors import UsageError

CANDIDATES = ("A", "B", "C")
RULES = [
    "list_total",
    "issued_le_list",
    "ballot_balance",
    "boxes_split",
    "valid_sum",
    "mobile_le_outside",
    "boxes_le_issued",
    "signatures_match",
]

# A consistent protocol: 840 of 1050 voters took a ballot; 833 ballots were in the boxes.
CONSISTENT: dict[str, int] = {
    "P1": 1050,
    "P1a": 1000,
    "P1b": 50,
    "P2": 1100,
    "P3": 800,
    "P4": 40,
    "P5": 250,
    "P6": 10,
    "P7": 795,
    "P8": 38,
    "P9": 13,
    "P10": 820,
    "P11[A]": 500,
    "P11[B]": 200,
    "P11[C]": 120,
    "O1": 840,
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def _results(evaluation: Any) -> dict[str, bool | None]:
    return {check.rule.id: check.ok for check in evaluation.checks}


def test_consistent_protocol_passes_every_rule(catalogue: Catalogue) -> None:
    evaluation = evaluate(CONSISTENT, catalogue, CANDIDATES, against_all=False)
    assert [check.rule_id for check in evaluation.checks] == RULES
    assert all(check.ok is True for check in evaluation.checks)
    assert all(check.missing == [] for check in evaluation.checks)
    assert evaluation.all_ok is True
    assert evaluation.failed == [] and evaluation.undecided == []
    balance = next(c for c in evaluation.checks if c.rule_id == "ballot_balance")
    assert (balance.lhs, balance.rhs) == (1100, 1100)
    assert evaluation.turnout == Fraction(4, 5)
    assert evaluation.turnout_basis_points == 8000


def test_consistent_protocol_with_against_all(catalogue: Catalogue) -> None:
    figures = {**CONSISTENT, "P11[A]": 480, "P12": 20}
    evaluation = evaluate(figures, catalogue, CANDIDATES, against_all=True)
    assert evaluation.all_ok is True
    valid_sum = next(c for c in evaluation.checks if c.rule_id == "valid_sum")
    assert (valid_sum.lhs, valid_sum.rhs) == (820, 820)


# Each change breaks exactly one relation (and is consistent with all the others).
BREAKS: dict[str, dict[str, int]] = {
    "list_total": {"P1b": 60},
    "issued_le_list": {"P1": 800, "P1a": 750},
    "ballot_balance": {"P2": 1200},
    "boxes_split": {"P9": 20},
    "valid_sum": {"P11[A]": 510},
    "mobile_le_outside": {"P8": 45, "P7": 788},
    "boxes_le_issued": {"P7": 810, "P9": 28},
    "signatures_match": {"O1": 835},
}


@pytest.mark.parametrize("rule_id", RULES)
def test_each_rule_catches_its_inconsistency(catalogue: Catalogue, rule_id: str) -> None:
    evaluation = evaluate({**CONSISTENT, **BREAKS[rule_id]}, catalogue, CANDIDATES, False)
    assert {c.rule_id for c in evaluation.failed} == {rule_id}
    assert evaluation.all_ok is False
    failed = evaluation.failed[0]
    assert failed.lhs is not None and failed.rhs is not None
    assert failed.missing == []


def test_breaks_cover_every_rule(catalogue: Catalogue) -> None:
    assert set(BREAKS) == {rule.id for rule in catalogue.control_rules}


def test_against_all_votes_count_in_the_valid_sum(catalogue: Catalogue) -> None:
    # With against_all, the same figures without P12's 20 votes no longer add up.
    figures = {**CONSISTENT, "P11[A]": 480, "P12": 19}
    evaluation = evaluate(figures, catalogue, CANDIDATES, against_all=True)
    assert {c.rule_id for c in evaluation.failed} == {"valid_sum"}


@pytest.mark.parametrize(
    ("rule_id", "change"),
    [
        ("issued_le_list", {"P1": 840, "P1a": 790}),  # exactly 100 % turnout
        ("mobile_le_outside", {"P8": 40, "P7": 793}),  # every mobile ballot came back
        ("boxes_le_issued", {"P7": 802, "P9": 20}),  # every issued ballot in a box
    ],
)
def test_at_most_rules_accept_equality(
    catalogue: Catalogue, rule_id: str, change: dict[str, int]
) -> None:
    evaluation = evaluate({**CONSISTENT, **change}, catalogue, CANDIDATES, False)
    check = next(c for c in evaluation.checks if c.rule_id == rule_id)
    assert check.ok is True and check.lhs == check.rhs
    assert evaluation.all_ok is True


def test_ballots_beyond_the_list_fail_and_turnout_shows_it(catalogue: Catalogue) -> None:
    change = {"P1": 800, "P1a": 750}
    evaluation = evaluate({**CONSISTENT, **change}, catalogue, CANDIDATES, False)
    assert evaluation.turnout == Fraction(840, 800)
    assert evaluation.turnout_basis_points == 10500
    assert format_turnout(Fraction(840, 800), "en") == "105.0%"


def test_no_figures_leaves_every_rule_undecided(catalogue: Catalogue) -> None:
    evaluation = evaluate({}, catalogue, CANDIDATES, against_all=True)
    assert all(check.ok is None for check in evaluation.checks)
    assert evaluation.all_ok is None
    missing = {check.rule_id: check.missing for check in evaluation.checks}
    assert missing["ballot_balance"] == ["P2", "P3", "P4", "P5", "P6"]
    assert missing["valid_sum"] == ["P10", "P11[A]", "P11[B]", "P11[C]", "P12"]
    assert missing["signatures_match"] == ["O1", "P3", "P4"]
    assert evaluation.turnout is None
    assert evaluation.turnout_basis_points is None
    assert evaluation.turnout_missing == ["P3", "P4", "P1"]


def test_partial_figures_name_what_is_missing(catalogue: Catalogue) -> None:
    figures = dict(CONSISTENT)
    del figures["P11[B]"]
    del figures["O1"]
    evaluation = evaluate(figures, catalogue, CANDIDATES, against_all=False)
    results = _results(evaluation)
    assert results["valid_sum"] is None
    assert results["signatures_match"] is None
    assert {rule for rule, ok in results.items() if ok is True} == set(RULES) - {
        "valid_sum",
        "signatures_match",
    }
    valid_sum = next(c for c in evaluation.checks if c.rule_id == "valid_sum")
    assert valid_sum.missing == ["P11[B]"]
    assert (valid_sum.lhs, valid_sum.rhs) == (820, None)
    signatures = next(c for c in evaluation.checks if c.rule_id == "signatures_match")
    assert signatures.missing == ["O1"]
    assert (signatures.lhs, signatures.rhs) == (None, 840)
    # A failure elsewhere still decides the overall verdict.
    figures["P2"] = 1
    assert evaluate(figures, catalogue, CANDIDATES, False).all_ok is False


def test_against_all_without_p12_is_missing(catalogue: Catalogue) -> None:
    evaluation = evaluate(CONSISTENT, catalogue, CANDIDATES, against_all=True)
    valid_sum = next(c for c in evaluation.checks if c.rule_id == "valid_sum")
    assert valid_sum.ok is None
    assert valid_sum.missing == ["P12"]


def test_without_candidates_the_vote_sum_is_unknown(catalogue: Catalogue) -> None:
    figures = {k: v for k, v in CONSISTENT.items() if not k.startswith("P11")}
    evaluation = evaluate(figures, catalogue, (), against_all=False)
    valid_sum = next(c for c in evaluation.checks if c.rule_id == "valid_sum")
    assert valid_sum.ok is None
    assert valid_sum.missing == ["P11[*]"]


def test_empty_list_gives_no_turnout(catalogue: Catalogue) -> None:
    evaluation = evaluate({"P1": 0, "P3": 0, "P4": 0}, catalogue, CANDIDATES, False)
    assert evaluation.turnout is None
    assert evaluation.turnout_missing == []


@pytest.mark.parametrize(
    ("figures", "against_all", "message"),
    [
        ({"P12": 5}, False, "against all"),
        ({"P11[D]": 5}, False, "Unknown candidate 'D'"),
        ({"P11": 5}, False, "P11[<candidate id>]"),
        ({"P99": 5}, False, "Unknown protocol field 'P99'"),
        ({"P3[A]": 5}, False, "P3 takes no candidate id"),
        ({"P 3": 5}, False, "Unknown protocol field"),
        ({"P3": -1}, False, "from 0 to"),
        ({"P3": True}, False, "from 0 to"),
        ({"P3": MAX_FIGURE + 1}, False, "from 0 to"),
        ({"P3": 5, "p3": 6}, False, "P3 is given twice"),
    ],
)
def test_invalid_figures_are_usage_errors(
    catalogue: Catalogue, figures: dict[str, Any], against_all: bool, message: str
) -> None:
    with pytest.raises(UsageError) as info:
        evaluate(figures, catalogue, CANDIDATES, against_all)
    assert message in info.value.message
    assert info.value.exit_code == 2


def test_unknown_field_error_lists_the_mission_fields(catalogue: Catalogue) -> None:
    with pytest.raises(UsageError) as info:
        field_name("X1", catalogue, CANDIDATES, against_all=False)
    assert "P1a" in info.value.message and "P11[<id>]" in info.value.message
    assert "P12" not in info.value.message
    with pytest.raises(UsageError) as info:
        field_name("X1", catalogue, CANDIDATES, against_all=True)
    assert "P12" in info.value.message


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [("P1", "P1"), ("p1A", "P1a"), (" o1 ", "O1"), ("p11[B]", "P11[B]"), ("P12", "P12")],
)
def test_field_names_are_canonicalised(catalogue: Catalogue, raw: str, canonical: str) -> None:
    assert field_name(raw, catalogue, CANDIDATES, against_all=True) == canonical


def test_evaluate_accepts_any_case(catalogue: Catalogue) -> None:
    # Candidate ids are case-sensitive; field names are not.
    figures = {name if "[" in name else name.lower(): value for name, value in CONSISTENT.items()}
    assert "p1a" in figures
    assert evaluate(figures, catalogue, CANDIDATES, False).all_ok is True


def test_candidate_ids_are_validated() -> None:
    assert validate_candidates(["amanov", "party-2", "Қ1"]) == ("amanov", "party-2", "Қ1")
    for bad in (["a b"], ["a]"], ["*"], [""], ["a", "a"]):
        with pytest.raises(UsageError):
            validate_candidates(bad)


def test_expected_fields(catalogue: Catalogue) -> None:
    assert expected_fields(catalogue, ("A", "B"), against_all=False) == [
        "P1",
        "P1a",
        "P1b",
        "P2",
        "P3",
        "P4",
        "P5",
        "P6",
        "P7",
        "P8",
        "P9",
        "P10",
        "P11[A]",
        "P11[B]",
        "O1",
    ]
    assert "P12" in expected_fields(catalogue, ("A",), against_all=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P3=812", ("P3", 812)),
        (" P11[A] = 240 ", ("P11[A]", 240)),
        ("p1a=0", ("p1a", 0)),
        ("O1=0840", ("O1", 840)),
    ],
)
def test_parse_assignment(text: str, expected: tuple[str, int]) -> None:
    assert parse_assignment(text) == expected


@pytest.mark.parametrize(
    "text",
    ["P3", "P3=", "=5", "P3=-1", "P3=+5", "P3=abc", "P3=1.5", "P3=1_000", "P 3=5", "P3==5", "P3=٣"],
)
def test_parse_assignment_rejects(text: str) -> None:
    with pytest.raises(UsageError, match="NAME=VALUE"):
        parse_assignment(text)


def test_parse_assignment_bounds() -> None:
    assert parse_assignment(f"P1={MAX_FIGURE}") == ("P1", MAX_FIGURE)
    with pytest.raises(UsageError, match="at most"):
        parse_assignment(f"P1={MAX_FIGURE + 1}")


@pytest.mark.parametrize(
    ("turnout", "points", "en", "ru", "kk"),
    [
        (Fraction(4, 5), 8000, "80.0%", "80,0\u00a0%", "80,0%"),
        (Fraction(2, 3), 6667, "66.7%", "66,7\u00a0%", "66,7%"),
        (Fraction(1, 8), 1250, "12.5%", "12,5\u00a0%", "12,5%"),
        (Fraction(1, 16), 625, "6.3%", "6,3\u00a0%", "6,3%"),  # half up, not half even
        (Fraction(1, 1), 10000, "100.0%", "100,0\u00a0%", "100,0%"),
        (Fraction(0, 1), 0, "0.0%", "0,0\u00a0%", "0,0%"),
        (Fraction(1, 20000), 1, "0.0%", "0,0\u00a0%", "0,0%"),  # 0.5 bp rounds up
    ],
)
def test_turnout_display(turnout: Fraction, points: int, en: str, ru: str, kk: str) -> None:
    assert basis_points(turnout) == points
    assert format_turnout(turnout, "en") == en
    assert format_turnout(turnout, "ru") == ru
    assert format_turnout(turnout, "kk") == kk
    assert format_turnout(turnout, "de") == en


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_turnout_display_agrees_with_babel(lang: str) -> None:
    from decimal import Decimal

    for turnout in (Fraction(4, 5), Fraction(667, 1000), Fraction(125, 1000)):
        expected = format_percent(
            Decimal(turnout.numerator) / Decimal(turnout.denominator),
            format="#,##0.0%",
            locale=lang,
        )
        # Babel's explicit pattern drops the locale's spacing; compare digits and separator.
        assert format_turnout(turnout, lang).replace("\u00a0", "") == expected


def _no_floats(value: object) -> bool:
    if isinstance(value, float):
        return False
    if isinstance(value, dict):
        return all(_no_floats(v) for v in value.values())
    if isinstance(value, list):
        return all(_no_floats(v) for v in value)
    return True


def test_json_form_has_no_floats(catalogue: Catalogue) -> None:
    figures = dict(CONSISTENT)
    del figures["O1"]
    data = evaluate(figures, catalogue, CANDIDATES, False).to_json()
    assert _no_floats(data)
    text = json.dumps(data)
    decoded = json.loads(text)
    assert decoded["turnout"] == {"numerator": 840, "denominator": 1050, "basis_points": 8000}
    signature = next(c for c in decoded["checks"] if c["rule"] == "signatures_match")
    assert signature == {
        "rule": "signatures_match",
        "ok": None,
        "missing": ["O1"],
        "lhs": None,
        "rhs": 840,
        "expression": "O1 = P3 + P4",
    }
    assert evaluate({}, catalogue, CANDIDATES, False).to_json()["turnout"] is None


def test_compare_figures() -> None:
    own = {"P1": 1050, "P3": 800, "P11[A]": 500}
    published = {"P1": 1050, "P3": 830, "P4": 40}
    assert compare_figures(own, published) == [
        FieldDifference(field="P3", own=800, other=830),
        FieldDifference(field="P11[A]", own=500, other=None),
        FieldDifference(field="P4", own=None, other=40),
    ]
    assert compare_figures(own, dict(own)) == []


def test_rules_come_from_the_catalogue_data() -> None:
    document = json.loads(default_catalogue_path().read_text(encoding="utf-8"))
    changed = copy.deepcopy(document)
    changed["protocol"]["rules"].append(
        {
            "id": "invalid_le_spoiled",
            "lhs": ["P9"],
            "op": "<=",
            "rhs": ["P6"],
            "label": {"en": "Test rule", "ru": "Тестовое правило", "kk": "Сынақ ережесі"},
        }
    )
    catalogue = parse_catalogue(changed)
    evaluation = evaluate(CONSISTENT, catalogue, CANDIDATES, False)
    assert [c.rule_id for c in evaluation.checks] == [*RULES, "invalid_le_spoiled"]
    assert {c.rule_id for c in evaluation.failed} == {"invalid_le_spoiled"}  # 13 > 10
