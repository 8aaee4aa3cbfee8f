"""`summary` and `export csv` over the coordinator's night."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

from observer_app.logbook.annotations import annotate
from observer_app.logbook.comparison import record_published
from observer_app.logbook.csv_export import FILES, export_csv
from observer_app.logbook.incidents import add_incident
from observer_app.logbook.summary import summary
from tests.conftest import Cli
from tests.coordinator.conftest import Night


def test_summary_counts_and_names_the_stations_to_look_at(night: Night) -> None:
    record_published(night.coordinator, night.catalogue, "101", ["P3=650"])
    result = summary(night.coordinator, night.catalogue)
    assert result.by_category == {"ballot_stuffing": 2, "other": 1}
    assert result.by_region == {"almaty_city": 2, "aktobe": 1}
    assert sum(result.answers_by_phase.values()) == 2
    assert result.disagreements == ("101",)
    assert result.published_differs == ("101",)
    assert result.failed_relations == ("101",)  # obs2's copy
    standing = {o.name: o for o in result.observers}
    assert standing["Данияр Ахметов"].owes_protocol == ("205",)
    assert standing["Данияр Ахметов"].owes_visit == ("205",)
    assert standing["Айгерим Сапарова"].owes_protocol == ()
    assert standing["Айгерим Сапарова"].last_handoff_utc is not None
    assert result.to_json()["stations"]["published_differs"] == ["101"]


def _read(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: spreadsheets show Cyrillic
    assert b"\r\n" in data
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_export_writes_private_rfc4180_files_with_the_published_result(
    night: Night, tmp_path: Path
) -> None:
    coord = night.coordinator
    record_published(coord, night.catalogue, "101", ["P3=650"])
    annotate(coord, night.catalogue, night.incident1, "confirmed", note='сказал "нет", ушёл')
    add_incident(night.coordinator, night.catalogue, "101", "other", "=HYPERLINK(1)")
    out = tmp_path / "export"
    exported = export_csv(coord, night.catalogue, out)
    assert [p.name for p in exported.files] == list(FILES)
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for path in exported.files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    incidents = _read(out / "incidents.csv")
    assert len(incidents) == 4
    first = next(row for row in incidents if row["id"] == night.incident1)
    assert first["observer"] == "Айгерим Сапарова" and first["station_name"] == "Школа № 5"
    assert first["annotation_status"] == "confirmed"
    assert first["annotation_note"] == 'сказал "нет", ушёл'  # quotes survive RFC 4180
    assert any(row["text"] == "'=HYPERLINK(1)" for row in incidents)  # never a formula
    protocol = _read(out / "protocol.csv")
    rows_101 = [row for row in protocol if row["station"] == "101"]
    assert {row["observer"]: row["P3"] for row in rows_101} == {
        "Айгерим Сапарова": "600",
        "Данияр Ахметов": "610",
    }
    assert {row["published P3"] for row in rows_101} == {"650"}
    annotations = _read(out / "annotations.csv")
    assert [row["observer"] for row in annotations] == ["Айгерим Сапарова"]
    assert len(_read(out / "checklist.csv")) == 2


def test_export_through_the_cli_warns_first(coord_cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    result = coord_cli("export", "csv", "--out", str(out))
    assert result.code == 0, result.err
    assert "unencrypted" in result.err
    assert (out / "incidents.csv").exists()
    shown = coord_cli("summary", check=True).out
    assert "Данияр Ахметов" in shown
    document = coord_cli("summary", "--json", check=True).json()
    assert document["stations"]["observers_disagree"] == ["101"]
    file_in_the_way = tmp_path / "file"
    file_in_the_way.write_text("x")
    refused = coord_cli("export", "csv", "--out", str(file_in_the_way))
    assert refused.code == 4
