"""An invalid event already in the journal (an older version let it in, or the database was
altered): signed correctly by the holder's key, written straight into the events table. Views
skip it with one warning on stderr instead of failing; `journal verify` names it and its field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from observer_app.logbook.session import LogbookSession
from observer_app.vault.journal import build_event, feed_head, set_feed_head
from observer_app.vault.store import open_vault
from tests.conftest import PASSPHRASE, Cli

FAR_FUTURE = {"time_utc": "9999-12-31T23:59:59.000Z", "tz": "Pacific/Kiritimati"}


def inject(vault: Path, event_type: str, body: dict[str, Any], time_utc: str, tz: str) -> int:
    """Store a signed event bypassing `store_event` (no check, no projection); its seq."""
    session = LogbookSession(open_vault(vault, PASSPHRASE))
    try:
        conn, author = session.conn, session.identity.author
        seq, head = feed_head(conn, author.feed)
        event = build_event(author, seq + 1, head, event_type, body, tz, time_utc=time_utc)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO events (feed, seq, hash, prev, time_utc, tz, type, payload, signature,"
            " station, record, phase) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.feed,
                event.seq,
                event.hash,
                event.prev,
                event.time_utc,
                event.tz,
                event.type,
                event.payload,
                event.signature,
                event.station,
                event.record,
                event.phase,
            ),
        )
        set_feed_head(conn, event.feed, event.seq, event.hash)
        conn.execute("COMMIT")
        return event.seq
    finally:
        session.close()


@pytest.fixture
def day(cli_vault: Cli) -> Cli:
    cli_vault("station", "add", "--number", "101", "--name", "School 12", check=True)
    cli_vault("note", "add", "queue at the door", check=True)
    cli_vault(
        "incident",
        "add",
        "--station",
        "101",
        "--category",
        "ballot_stuffing",
        "--text",
        "a bundle of ballots went into box 2",
        check=True,
    )
    return cli_vault


def _incident_id(cli: Cli) -> str:
    listed = cli("incident", "list", "--json", check=True).json()
    return str(listed[0]["id"])


def test_log_skips_the_invalid_event_with_one_warning(day: Cli) -> None:
    seq = inject(
        day.vault, "note.added", {"id": _uuid(), "station": None, "text": "x"}, **FAR_FUTURE
    )
    result = day("log")
    assert result.code == 0, result.err
    assert "queue at the door" in result.out
    warnings = [line for line in result.err.splitlines() if line.strip()]
    assert len(warnings) == 1 and "1 stored event" in warnings[0]
    verify = day("journal", "verify")
    assert verify.code == 1
    assert f"seq {seq}" in verify.out and "time_utc" in verify.out


def test_incident_history_and_report_skip_an_invalid_amendment(day: Cli, tmp_path: Path) -> None:
    target = _incident_id(day)
    body = {"target": target, "station": "101", "changes": {"text": [["nested"]]}}
    seq = inject(day.vault, "incident.amended", body, "2026-03-15T07:30:00.000Z", "Asia/Almaty")
    shown = day("incident", "show", target[:13])
    assert shown.code == 0, shown.err
    assert "stored event" in shown.err
    report = day(
        "report", "--out", str(tmp_path / "r.pdf"), "--audience", "internal", "--lang", "en"
    )
    assert report.code == 0, report.err
    assert "stored event" in report.err
    verify = day("journal", "verify", "--json")
    assert verify.code == 1
    problems = verify.json()["problems"]
    assert [(p["seq"], "body.changes.text" in p["reason"]) for p in problems] == [(seq, True)]


def test_verify_reports_an_event_that_changes_another_feeds_record(day: Cli) -> None:
    """Replay applies the authorisation rule: a void of a record nobody in this feed created."""
    seq = inject(
        day.vault,
        "note.voided",
        {"target": _uuid(), "reason": "no such note"},
        "2026-03-15T07:30:00.000Z",
        "Asia/Almaty",
    )
    verify = day("journal", "verify", "--json")
    assert verify.code == 1
    (problem,) = verify.json()["problems"]
    assert problem["seq"] == seq and "body.target" in problem["reason"]


def _uuid() -> str:
    from observer_app.core.ids import new_id

    return new_id()


def _schema_objects(conn: Any) -> set[tuple[str, str]]:
    return {
        (str(kind), str(name))
        for kind, name in conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        )
    }


def _columns(conn: Any, table: str) -> set[str]:
    return {str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")}


def _take_back_virtual_table(conn: Any, table: str, older_sql: str, columns: set[str]) -> None:
    """A virtual table cannot drop a column: write it again as the older schema defined it."""
    kept = ", ".join(sorted(columns))
    conn.execute(f"CREATE TABLE {table}_kept AS SELECT rowid AS kept_rowid, {kept} FROM {table}")
    conn.execute(f"DROP TABLE {table}")
    conn.execute(older_sql)
    conn.execute(f"INSERT INTO {table} (rowid, {kept}) SELECT kept_rowid, {kept} FROM {table}_kept")
    conn.execute(f"DROP TABLE {table}_kept")


def _project_as_an_older_version_did(vault: Path, seq: int) -> None:
    """Apply the injected event to the tables without any check, and take the vault back to
    schema 5 (the tables, indexes, triggers and version of later migrations removed): what a
    vault from before event validation can hold."""
    import sqlcipher3

    from observer_app.vault import migrations
    from observer_app.vault.journal import parse_event
    from observer_app.vault.projection import apply_event

    before = migrations.MIGRATION_MODULES.index("m0006_validated_projections")
    older = sqlcipher3.connect(":memory:", isolation_level=None)
    try:
        migrations.migrate(older, target=before)
        older_objects = _schema_objects(older)
        older_columns = {
            name: _columns(older, name) for kind, name in older_objects if kind == "table"
        }
        older_sql = dict(older.execute("SELECT name, sql FROM sqlite_master WHERE sql <> ''"))
    finally:
        older.close()
    vault_handle = open_vault(vault, PASSPHRASE)
    try:
        conn = vault_handle.conn
        payload, signature = conn.execute(
            "SELECT payload, signature FROM events WHERE seq = ? ORDER BY rowid DESC", (seq,)
        ).fetchone()
        conn.execute("BEGIN IMMEDIATE")
        apply_event(conn, parse_event(bytes(payload), bytes(signature)))
        for kind, name in sorted(_schema_objects(conn) - older_objects, reverse=True):
            if kind in ("trigger", "view", "table", "index"):
                conn.execute(f"DROP {kind.upper()} IF EXISTS {name}")
        # Virtual tables first: written again, they bring back their shadow tables as well.
        virtual_first = sorted(
            older_columns.items(),
            key=lambda item: not str(older_sql[item[0]]).startswith("CREATE VIRTUAL TABLE"),
        )
        for table, columns in virtual_first:
            later = sorted(_columns(conn, table) - columns)
            if later and str(older_sql[table]).startswith("CREATE VIRTUAL TABLE"):
                _take_back_virtual_table(conn, table, str(older_sql[table]), columns)
                continue
            for column in later:
                conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute(f"PRAGMA user_version = {before}")
        conn.execute("COMMIT")
    finally:
        vault_handle.close()


def test_an_upgraded_vault_drops_invalid_events_from_its_tables(day: Cli) -> None:
    """A visit whose time does not parse sat in the visits table of an older vault, and `visit
    list` failed on it every time (exit 70). The upgrade rebuilds the tables with today's
    schemas: the list works, the good records stay, and `journal verify` names the event."""
    seq = inject(
        day.vault,
        "visit.started",
        {"id": _uuid(), "station": "101", "at": ""},
        "2026-11-28T06:00:00.000Z",
        "Asia/Almaty",
    )
    _project_as_an_older_version_did(day.vault, seq)

    listed = day("visit", "list")
    assert listed.code == 0, listed.err
    assert day("incident", "list", "--json", check=True).json()[0]["category"] == (
        "ballot_stuffing"
    )
    verified = day("journal", "verify")
    assert verified.code == 1
    assert f"seq {seq}" in verified.out + verified.err
    assert "at" in verified.out + verified.err
