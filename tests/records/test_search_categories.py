"""Incident categories in the search index (migration 14): a word naming a category finds its
incidents in the same MATCH as the text's hits, counted and paged alike, kept in step when an
incident changes category, and filled in when an older vault is upgraded."""

from __future__ import annotations

from pathlib import Path

from observer_app.core.catalogue import Catalogue
from observer_app.logbook import incidents, notes, read_models, search
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.session import LogbookSession
from observer_app.vault.migrations import migrate, schema_version
from observer_app.vault.projection.search import category_code
from observer_app.vault.store import open_vault
from observer_app.vault.verify import verify_journal


def _paged(session: LogbookSession, text: str) -> list[str]:
    refs: list[str] = []
    cursor = None
    while True:
        page = read_models.search_page(session, text, cursor, 2)
        refs.extend(hit.ref for hit in page.rows)
        if page.next is None:
            return refs
        cursor = page.next


def test_category_codes_are_single_trigrams_distinct_and_never_change(
    catalogue: Catalogue,
) -> None:
    codes = {category_code(category.id) for category in catalogue.incident_categories}
    assert len(codes) == len(catalogue.incident_categories)
    assert all(code is not None and len(code) == 3 for code in codes)
    # Stored in every vault: a different function would need a migration re-indexing them.
    assert category_code("ballot_stuffing") == "伆蜙織"
    assert category_code(None) is None


def test_a_category_word_and_its_text_hits_are_counted_and_paged_as_one(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    by_category = [
        incidents.add_incident(day, catalogue, "101", "ballot_stuffing", f"пачка {n}")
        for n in range(3)
    ]
    by_text = [
        incidents.add_incident(day, catalogue, "101", "other", "видели вброс"),
        incidents.add_incident(day, catalogue, "AKT-7", "other", "второй вброс"),
    ]
    both = incidents.add_incident(day, catalogue, "101", "ballot_stuffing", "вброс пачки")
    note = notes.add_note(day, "Вброс у урны", "101")
    incidents.add_incident(day, catalogue, "101", "other", "очередь у входа")
    expected = {*by_category, *by_text, both, note}
    paged = _paged(day, "вброс")
    assert sorted(paged) == sorted(expected)  # each once, across pages of two
    assert read_models.count_hits(day, "вброс") == len(expected)
    # With a second word, both must be found (one by its category, one by its text).
    assert set(_paged(day, "вброс пачка")) == {*by_category, both}
    assert read_models.count_hits(day, "вброс пачка") == 4


def test_an_amended_category_moves_the_incident_between_category_words(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    incident = incidents.add_incident(day, catalogue, "101", "ballot_stuffing", "пачка в урне")
    assert [hit.ref for hit in search.search(day, "вброс")] == [incident]
    incidents.amend_incident(day, catalogue, incident, IncidentChanges(category="other"))
    assert search.search(day, "вброс") == []
    assert read_models.count_hits(day, "вброс") == 0
    assert [hit.ref for hit in search.search(day, "пачка")] == [incident]
    other = incidents.add_incident(day, catalogue, "101", "other", "урна без печати")
    incidents.amend_incident(day, catalogue, other, IncidentChanges(category="ballot_stuffing"))
    assert [hit.ref for hit in search.search(day, "вброс")] == [other]
    assert verify_journal(day.conn).ok  # the replayed index holds the same codes


def _as_schema_13(session: LogbookSession) -> None:
    """The index as migration 2 defined it (no category column, default leaves), version 13
    (and media links without migration 15's station)."""
    conn = session.conn
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DROP INDEX media_links_station")
    conn.execute("ALTER TABLE media_links DROP COLUMN station")
    conn.execute("CREATE TABLE search_index_later AS SELECT rowid AS id, * FROM search_index")
    conn.execute("DROP TABLE search_index")
    conn.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5 (kind UNINDEXED, ref UNINDEXED,"
        " feed UNINDEXED, station UNINDEXED, body, names,"
        ' tokenize = "trigram case_sensitive 0 remove_diacritics 0")'
    )
    conn.execute(
        "INSERT INTO search_index (rowid, kind, ref, feed, station, body, names)"
        " SELECT id, kind, ref, feed, station, body, names FROM search_index_later"
    )
    conn.execute("DROP TABLE search_index_later")
    conn.execute("PRAGMA user_version = 13")
    conn.execute("COMMIT")


def test_an_upgraded_vault_indexes_the_categories_of_its_incidents(
    day: LogbookSession, catalogue: Catalogue, vault_path: Path, passphrase: str
) -> None:
    stuffed = incidents.add_incident(day, catalogue, "101", "ballot_stuffing", "пачка в урне")
    noted = notes.add_note(day, "вброс замечен", "101")
    later = incidents.add_incident(day, catalogue, "AKT-7", "ballot_stuffing", "ещё пачка")
    _as_schema_13(day)
    assert migrate(day.conn, target=13) == 13  # nothing pending below 14
    day.close()
    upgraded = LogbookSession(open_vault(vault_path, passphrase))
    try:
        assert schema_version(upgraded.conn) >= 14
        # Newest first (by record within a kind), leaves of 1,000 bytes.
        assert [hit.ref for hit in search.search(upgraded, "вброс")] == [later, stuffed, noted]
        config = upgraded.conn.execute("SELECT v FROM search_index_config WHERE k = 'pgsz'")
        assert config.fetchone()[0] == 1000
        assert verify_journal(upgraded.conn).ok  # upgraded index = the replayed one
    finally:
        upgraded.close()
