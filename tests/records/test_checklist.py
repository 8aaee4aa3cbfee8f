from __future__ import annotations

import pytest

from observer_app.core.catalogue import Catalogue
from observer_app.errors import UsageError, UserActionError
from observer_app.logbook import checklist
from observer_app.logbook.session import LogbookSession


@pytest.mark.parametrize(
    ("item", "raw", "stored"),
    [
        ("OPN02", " Yes ", "yes"),
        ("OPN04", "9", 9),
        ("OPN01", "6:05", "06:05"),
        ("VOT01", "MOST", "most"),
        ("OPN09", "very_bad", "very_bad"),
        ("ARR04", "police, other_observers", ["other_observers", "police"]),
        ("CNT08", "refused", "refused"),
        ("ARR03", "12:00–12:20 обед", "12:00–12:20 обед"),
    ],
)
def test_answers_are_normalised_by_type(
    day: LogbookSession, catalogue: Catalogue, item: str, raw: str, stored: object
) -> None:
    checklist.answer_item(day, catalogue, "101", item, raw)
    lines = {line.item.id: line for line in checklist.checklist(day, catalogue, "101")}
    assert lines[item].current is not None
    assert lines[item].current.value == stored


@pytest.mark.parametrize(
    ("item", "raw", "allowed"),
    [
        ("OPN02", "maybe", "yes (Yes), no (No), dk (Don't know)"),
        ("VOT01", "sometimes", "none (None), few (A few), half (About half)"),
        ("OPN09", "ok", "very_good (Very good), good (Good), bad (Bad)"),
        ("OPN04", "-3", "0"),
        ("OPN01", "25:00", "07:30"),
        ("ARR04", "police,nobody", "nobody"),
    ],
)
def test_bad_values_are_refused_listing_what_is_allowed(
    day: LogbookSession, catalogue: Catalogue, item: str, raw: str, allowed: str
) -> None:
    with pytest.raises(UsageError) as error:
        checklist.answer_item(day, catalogue, "101", item, raw)
    assert allowed in error.value.message
    assert all(line.current is None for line in checklist.checklist(day, catalogue, "101"))


def test_unknown_item_and_station(day: LogbookSession, catalogue: Catalogue) -> None:
    with pytest.raises(UsageError):
        checklist.answer_item(day, catalogue, "101", "XYZ99", "yes")
    with pytest.raises(UserActionError):
        checklist.answer_item(day, catalogue, "999", "OPN02", "yes")


def test_answering_again_supersedes_and_keeps_history(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    checklist.answer_item(day, catalogue, "101", "VOT05", "1")
    checklist.answer_item(day, catalogue, "101", "vot05", "3", note="ещё два случая")
    checklist.answer_item(day, catalogue, "AKT-7", "VOT05", "0")
    [line] = [
        line
        for line in checklist.checklist(day, catalogue, "101", "voting")
        if line.item.id == "VOT05"
    ]
    assert line.current is not None and line.current.value == 3
    assert line.current.note == "ещё два случая"
    assert [row.value for row in line.superseded] == [1]
    assert line.concern  # more than zero cases of group voting
    other = {x.item.id: x for x in checklist.checklist(day, catalogue, "AKT-7", "voting")}
    assert other["VOT05"].value() == 0 and not other["VOT05"].concern


def test_show_lists_every_item_of_the_phase_in_order(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    lines = checklist.checklist(day, catalogue, "101", "opening")
    assert [line.item.id for line in lines] == [i.id for i in catalogue.phase("opening").items]
    assert len(checklist.checklist(day, catalogue, "101")) == len(list(catalogue.items()))
    with pytest.raises(UsageError):
        checklist.checklist(day, catalogue, "101", "lunch")
