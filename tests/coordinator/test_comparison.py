"""`protocol compare` and the published result: two observers who disagree, a published result
that differs from both, and a hostile results table refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from observer_app.errors import ObserverError, UsageError
from observer_app.logbook.comparison import compare, record_published
from observer_app.logbook.published_import import MAX_FILE_BYTES, import_published
from tests.conftest import Cli
from tests.coordinator.conftest import Night
from tests.handoff.handoff_support import dump


def test_compare_names_every_disagreement_and_the_failed_relations(night: Night) -> None:
    result = compare(night.coordinator, night.catalogue, "101")
    (station,) = result.stations
    assert station.name == "Школа № 5"
    assert station.disagreements == ["P3", "P11[B]"]
    p3 = next(f for f in station.fields if f.field == "P3")
    assert p3.values == {night.obs1.identity.feed: 600, night.obs2.identity.feed: 610}
    assert station.published_differences == []
    assert result.published_differs == []
    failed = {copy.observer: copy.failed_checks for copy in station.copies}
    assert failed["Айгерим Сапарова"] == ()  # 600 + 400 = 1000 issued, 350 + 230 counted
    assert failed["Данияр Ахметов"] != ()


def test_a_published_result_that_differs_from_both_is_the_finding(night: Night) -> None:
    record_published(night.coordinator, night.catalogue, "101", ["P3=650", "P1=1000"])
    result = compare(night.coordinator, night.catalogue)
    assert result.published_differs == ["101"]
    (station,) = [s for s in result.stations if s.station == "101"]
    assert station.published_differences == ["P3"]  # P1 agrees with both copies
    assert result.to_json()["published_differs"] == ["101"]


def _table(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "results.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_results_table_is_imported_whole(night: Night, tmp_path: Path) -> None:
    path = _table(tmp_path, "\ufeffstation;P1;p3;P11[A]\n101;1000;600;350\n205;800;;\n")
    imported = import_published(night.coordinator, night.catalogue, path)
    assert imported.stations == ("101", "205") and imported.figures == 4
    result = compare(night.coordinator, night.catalogue)
    assert "205" in [s.station for s in result.stations]
    assert result.published_differs == ["101"]  # obs2 copied P3=610


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("station,P1,Bogus\n101,1,2\n", "utf-8", "line 1: unknown column 'Bogus'"),
        ("station,P1,p1\n101,1,2\n", "utf-8", "appears twice"),
        ("P1,P3\n1,2\n", "utf-8", "lacks the column 'station'"),
        ("station,P1\n101,1\n101,2\n", "utf-8", "line 3: station 101 appears already on line 2"),
        ("station,P1\n101,-5\n", "utf-8", "line 2: P1"),
        ("station,P1\n101,1e9\n", "utf-8", "line 2: P1"),
        ("station,P1\n999,1\n", "utf-8", "line 2: Unknown station 999"),
        ("station,P1\n101,1\n205,Пять\n", "cp1251", "line 3: not UTF-8"),
        ("station,P1\n101,1,7\n", "utf-8", "more values than columns"),
        ("", "utf-8", "empty"),
    ],
)
def test_a_hostile_results_table_is_refused_and_nothing_recorded(
    night: Night, tmp_path: Path, text: str, encoding: str, expected: str
) -> None:
    before = dump(night.coordinator)
    with pytest.raises(ObserverError) as refused:
        import_published(night.coordinator, night.catalogue, _table(tmp_path, text, encoding))
    assert expected in refused.value.message
    assert dump(night.coordinator) == before


def test_an_oversized_table_is_refused_before_it_is_read(night: Night, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ObserverError, match="larger than"):
        import_published(night.coordinator, night.catalogue, path)


def test_published_needs_station_and_figures(night: Night) -> None:
    with pytest.raises(UsageError):
        record_published(night.coordinator, night.catalogue, "101", [])


def test_compare_and_published_through_the_cli(coord_cli: Cli, tmp_path: Path) -> None:
    coord_cli("protocol", "published", "--station", "101", "--set", "P3=650", check=True)
    shown = coord_cli("protocol", "compare", "--station", "101", check=True).out
    assert "Айгерим Сапарова" in shown and "P3=600" in shown and "P3=610" in shown
    assert "differs from the observers' copies at: 101" in shown
    document = coord_cli("protocol", "compare", "--json", check=True).json()
    assert document["published_differs"] == ["101"]
    bad = _table(tmp_path, "station,Bogus\n101,1\n")
    refused = coord_cli("protocol", "published", "import", str(bad))
    assert refused.code == 2 and "Bogus" in refused.err
