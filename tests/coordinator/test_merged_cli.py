"""The merged views through `observer-cli` in the coordinator's vault (issue 17's symptoms)."""

from __future__ import annotations

from tests.conftest import Cli


def test_protocol_checklist_and_station_show_hold_both_observers(coord_cli: Cli) -> None:
    shown = coord_cli("protocol", "show", "--station", "101", check=True).out
    assert "Figures: -" not in shown
    assert "Айгерим Сапарова" in shown and "Данияр Ахметов" in shown
    assert "P3=600" in shown and "P3=610" in shown
    document = coord_cli("protocol", "show", "--station", "101", "--json", check=True).json()
    assert {copy["observer"] for copy in document["observers"]} == {
        "Айгерим Сапарова",
        "Данияр Ахметов",
    }
    answers = coord_cli("checklist", "show", "--station", "101", "--json", check=True).json()
    assert len(answers["observers"]) == 2
    station = coord_cli("station", "show", "101", "--json", check=True).json()
    assert len(station["visits"]) == 2 and station["answers"] == 2


def test_listings_name_the_observer_and_filter_by_one(coord_cli: Cli) -> None:
    listed = coord_cli("incident", "list", check=True).out
    assert "Айгерим Сапарова" in listed and "Данияр Ахметов" in listed
    only = coord_cli("incident", "list", "--observer", "Айгерим", "--json", check=True).json()
    assert [row["observer"] for row in only] == ["Айгерим Сапарова"]
    assert "Данияр Ахметов" not in coord_cli("visit", "list", "--observer", "айгерим").out
    log = coord_cli("log", "--all", "--observer", "Данияр", "--region", "aktobe", "--json")
    assert log.code == 0, log.err
    entries = log.json()
    assert entries and {entry["author"] for entry in entries} == {"Данияр Ахметов"}
    unknown = coord_cli("log", "--all", "--observer", "Nobody")
    assert unknown.code == 2 and "Nobody" in unknown.err
