"""The gallery's station filter reads the station each media link holds (migration 15): the
station named, or where the linked incident or checklist answer is now, followed when an
incident moves, and filled in when an older vault is upgraded."""

from __future__ import annotations

from pathlib import Path

from observer_app.core.catalogue import Catalogue
from observer_app.logbook import checklist, incidents, media, read_models
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.session import LogbookSession
from observer_app.vault.migrations import schema_version
from observer_app.vault.store import open_vault
from observer_app.vault.verify import verify_journal

DATA = Path(__file__).parents[1] / "data" / "media"


def _at(session: LogbookSession, station: str) -> set[str]:
    listed = {item.id for item in read_models.media_page(session, None, 100, station=station).rows}
    assert read_models.count_media(session, station=station) == len(listed)
    return listed


def _photos(day: LogbookSession, catalogue: Catalogue) -> dict[str, str]:
    incident = incidents.add_incident(day, catalogue, "101", "ballot_stuffing", "пачка в урне")
    answer = checklist.answer_item(day, catalogue, "AKT-7", "OPN02", "yes")
    return {
        "incident": incident,
        "by incident": media.import_file(
            day, DATA / "gps_DSCN0010.jpg", media.Link("incident", incident)
        ).id,
        "by answer": media.import_file(
            day, DATA / "Canon_40D.jpg", media.Link("answer", answer)
        ).id,
        "by station": media.import_file(
            day, DATA / "mobile_jolla.jpg", media.Link("station", "101")
        ).id,
    }


def test_media_follow_the_station_of_what_they_are_linked_to(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    made = _photos(day, catalogue)
    assert _at(day, "101") == {made["by incident"], made["by station"]}
    assert _at(day, "AKT-7") == {made["by answer"]}
    incidents.amend_incident(day, catalogue, made["incident"], IncidentChanges(station="AKT-7"))
    assert _at(day, "101") == {made["by station"]}
    assert _at(day, "AKT-7") == {made["by answer"], made["by incident"]}
    # A link added later takes the record's station as it is then.
    media.link_item(day, made["by station"], media.Link("incident", made["incident"]))
    assert made["by station"] in _at(day, "AKT-7")
    assert verify_journal(day.conn).ok  # replayed, the links hold the same stations


def test_an_upgraded_vault_fills_in_the_stations_of_its_links(
    day: LogbookSession, catalogue: Catalogue, vault_path: Path, passphrase: str
) -> None:
    made = _photos(day, catalogue)
    conn = day.conn
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DROP INDEX media_links_station")
    conn.execute("ALTER TABLE media_links DROP COLUMN station")
    conn.execute("PRAGMA user_version = 14")
    conn.execute("COMMIT")
    day.close()
    upgraded = LogbookSession(open_vault(vault_path, passphrase))
    try:
        assert schema_version(upgraded.conn) >= 15
        assert _at(upgraded, "101") == {made["by incident"], made["by station"]}
        assert _at(upgraded, "AKT-7") == {made["by answer"]}
        assert verify_journal(upgraded.conn).ok  # the fill = what the projections keep
    finally:
        upgraded.close()
