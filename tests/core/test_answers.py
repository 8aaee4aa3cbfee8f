"""Checklist answers are validated against their item's type and normalised once."""

from __future__ import annotations

import json

import pytest

from observer_app.core.answers import (
    MAX_INTEGER,
    AnswerValue,
    answer_from_json,
    answer_to_json,
    format_answer,
    is_concern,
    normalize_answer,
)
from observer_app.core.catalogue import Catalogue, ChecklistItem, load_catalogue
from observer_app.errors import UsageError


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def _item(catalogue: Catalogue, item_id: str) -> ChecklistItem:
    return catalogue.item(item_id)


# Items by type in the shipped catalogue.
YES_NO = "VOT06"
TIME = "ARR01"
INTEGER = "OPN04"
FREQUENCY = "VOT01"
RATING = "VOT15"
SINGLE = "CNT08"
MULTI = "ARR04"
TEXT = "ARR03"


@pytest.mark.parametrize(
    ("item_id", "raw", "expected"),
    [
        (YES_NO, "yes", "yes"),
        (YES_NO, " No ", "no"),
        (YES_NO, "DK", "dk"),
        (TIME, "07:30", "07:30"),
        (TIME, "7:05", "07:05"),
        (TIME, " 00:00 ", "00:00"),
        (TIME, "23:59:59", "23:59:59"),
        (TIME, "2026-03-15T07:30", "2026-03-15T07:30"),
        (TIME, "2026-03-15T07:30:00+05:00", "2026-03-15T07:30:00+05:00"),
        (TIME, "2026-03-15 07:30Z", "2026-03-15 07:30Z"),
        (INTEGER, "0", 0),
        (INTEGER, " 42 ", 42),
        (INTEGER, "007", 7),
        (INTEGER, str(MAX_INTEGER), MAX_INTEGER),
        (FREQUENCY, "none", "none"),
        (FREQUENCY, "Half", "half"),
        (FREQUENCY, "all", "all"),
        (RATING, "very_good", "very_good"),
        (RATING, "VERY_BAD", "very_bad"),
        (SINGLE, "refused", "refused"),
        (SINGLE, " given_uncertified", "given_uncertified"),
        (MULTI, "police", ("police",)),
        (MULTI, "media, police", ("police", "media")),
        (MULTI, "police,media,POLICE", ("police", "media")),
        (MULTI, "nobody", ("nobody",)),
        (TEXT, "  from 12:00 to 12:40, lunch  ", "from 12:00 to 12:40, lunch"),
        (TEXT, "Қысқа үзіліс", "Қысқа үзіліс"),
    ],
)
def test_valid_answers_are_normalised(
    catalogue: Catalogue, item_id: str, raw: str, expected: AnswerValue
) -> None:
    assert normalize_answer(_item(catalogue, item_id), raw) == expected


@pytest.mark.parametrize(
    ("item_id", "raw", "allowed_hint"),
    [
        (YES_NO, "maybe", "yes (Yes), no (No), dk (Don't know)"),
        (YES_NO, "", "yes (Yes), no (No), dk (Don't know)"),
        (YES_NO, "даа", "yes (Yes), no (No), dk (Don't know)"),
        (TIME, "24:00", "07:30"),
        (TIME, "07:60", "07:30"),
        (TIME, "7", "07:30"),
        (TIME, "noon", "07:30"),
        (TIME, "2026-03-15", "07:30"),
        (TIME, "2026-13-01T07:00", "07:30"),
        (TIME, "2026-03-15T25:00", "07:30"),
        (TIME, "", "07:30"),
        (INTEGER, "-1", "from 0 to"),
        (INTEGER, "+5", "from 0 to"),
        (INTEGER, "1_000", "from 0 to"),
        (INTEGER, "4.5", "from 0 to"),
        (INTEGER, "٣", "from 0 to"),
        (INTEGER, "", "from 0 to"),
        (INTEGER, str(MAX_INTEGER + 1), "from 0 to"),
        (FREQUENCY, "sometimes", "none (None), few (A few), half (About half)"),
        (RATING, "ok", "very_good (Very good), good (Good), bad (Bad), very_bad (Very bad)"),
        (SINGLE, "yes", "given (Given on request), given_uncertified"),
        (MULTI, "", "other_observers"),
        (MULTI, "police,,media", "other_observers"),
        (MULTI, "police, army", "other_observers"),
        (MULTI, "nobody, police", "'nobody' cannot be combined"),
        (TEXT, "", "must not be empty"),
        (TEXT, " \n\t ", "must not be empty"),
    ],
)
def test_invalid_answers_are_usage_errors(
    catalogue: Catalogue, item_id: str, raw: str, allowed_hint: str
) -> None:
    with pytest.raises(UsageError) as info:
        normalize_answer(_item(catalogue, item_id), raw)
    assert info.value.exit_code == 2
    assert item_id in info.value.message
    assert allowed_hint in info.value.message


def test_errors_do_not_repeat_what_was_typed(catalogue: Catalogue) -> None:
    secret = "Secret witness Aigerim"
    for item_id in (YES_NO, TIME, INTEGER, FREQUENCY, RATING, SINGLE, MULTI):
        with pytest.raises(UsageError) as info:
            normalize_answer(_item(catalogue, item_id), secret)
        assert secret not in info.value.message
        assert "Aigerim" not in info.value.message


def test_every_item_of_the_catalogue_accepts_a_valid_answer(catalogue: Catalogue) -> None:
    samples = {
        "yes_no_dk": "dk",
        "time": "08:00",
        "integer": "3",
        "frequency": "most",
        "rating": "good",
        "text": "note",
    }
    for item in catalogue.items():
        raw = samples.get(item.type.value) or item.choice_ids[0]
        value = normalize_answer(item, raw)
        assert answer_from_json(item, json.loads(json.dumps(answer_to_json(value)))) == value


def test_json_round_trip(catalogue: Catalogue) -> None:
    multi = _item(catalogue, MULTI)
    value = normalize_answer(multi, "media,police")
    assert answer_to_json(value) == ["police", "media"]
    assert answer_from_json(multi, ["police", "media"]) == ("police", "media")
    assert answer_to_json(12) == 12
    assert answer_from_json(_item(catalogue, INTEGER), 12) == 12
    assert answer_from_json(_item(catalogue, TIME), "07:30") == "07:30"


@pytest.mark.parametrize(
    ("item_id", "stored"),
    [
        (INTEGER, "12"),  # integers are stored as numbers
        (INTEGER, True),
        (INTEGER, -3),
        (TEXT, 12),
        (YES_NO, ["yes"]),
        (MULTI, [1, 2]),
        (MULTI, ["army"]),
        (YES_NO, None),
        (YES_NO, "perhaps"),
    ],
)
def test_malformed_stored_answers_are_refused(
    catalogue: Catalogue, item_id: str, stored: object
) -> None:
    with pytest.raises(UsageError):
        answer_from_json(_item(catalogue, item_id), stored)


@pytest.mark.parametrize(
    ("item_id", "raw", "concern"),
    [
        ("OPN02", "no", True),  # boxes not shown empty
        ("OPN02", "yes", False),
        ("OPN02", "dk", False),
        ("OPN07", "yes", True),  # unauthorised persons present
        ("OPN07", "no", False),
        ("VOT01", "most", True),  # ID not always checked
        ("VOT01", "all", False),
        ("VOT15", "bad", True),
        ("VOT15", "good", False),
        ("VOT05", "0", False),  # group voting: any case is a concern
        ("VOT05", "1", True),
        ("OPN04", "0", False),  # a plain count
        ("CNT08", "refused", True),
        ("CNT08", "given", False),
        ("ARR04", "police,unauthorised", True),
        ("ARR04", "police,media", False),
        ("ARR01", "07:00", False),
        ("ARR03", "no breaks", False),
    ],
)
def test_is_concern(catalogue: Catalogue, item_id: str, raw: str, concern: bool) -> None:
    item = _item(catalogue, item_id)
    assert is_concern(item, normalize_answer(item, raw)) is concern


def test_format_answer_in_each_language(catalogue: Catalogue) -> None:
    yes_no = _item(catalogue, YES_NO)
    assert format_answer(yes_no, "yes", "en") == "Yes"
    assert format_answer(yes_no, "yes", "ru") == "Да"
    assert format_answer(yes_no, "dk", "kk") == "Білмеймін"
    assert format_answer(_item(catalogue, RATING), "very_bad", "kk") == "Өте нашар"
    multi = _item(catalogue, MULTI)
    assert format_answer(multi, ("police", "media"), "ru") == "Полиция, Представители СМИ"
    assert format_answer(_item(catalogue, INTEGER), 12, "kk") == "12"
    assert format_answer(_item(catalogue, TIME), "07:30", "ru") == "07:30"
    assert format_answer(_item(catalogue, TEXT), "Үзіліс", "en") == "Үзіліс"
    assert format_answer(yes_no, "yes", "de") == "Yes"
