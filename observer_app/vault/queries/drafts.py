"""The `drafts` table: records being typed, kept until saved or discarded (schema 7).

Not a projection and not in the journal (a draft is not an observation), so neither bundles nor
reports read this table and replaying the journal leaves it alone. The content is the form's
fields as JSON text, encrypted with the rest of the database; `secure_delete` overwrites a
deleted draft's pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from observer_app.vault.connection import Connection


@dataclass(frozen=True)
class DraftRow:
    id: str
    kind: str
    station: str | None
    target: str | None
    content: str
    created_utc: str
    updated_utc: str


_COLUMNS = "id, kind, station, target, content, created_utc, updated_utc"


def _row(r: tuple[object, ...]) -> DraftRow:
    return DraftRow(
        str(r[0]),
        str(r[1]),
        None if r[2] is None else str(r[2]),
        None if r[3] is None else str(r[3]),
        str(r[4]),
        str(r[5]),
        str(r[6]),
    )


def upsert_draft(conn: Connection, row: DraftRow) -> None:
    """Insert the draft or replace its content; `created_utc` of an existing draft stays."""
    conn.execute(
        f"INSERT INTO drafts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET station = excluded.station, target = excluded.target,"
        " content = excluded.content, updated_utc = excluded.updated_utc",
        (
            row.id,
            row.kind,
            row.station,
            row.target,
            row.content,
            row.created_utc,
            row.updated_utc,
        ),
    )


def get_draft(conn: Connection, draft_id: str) -> DraftRow | None:
    found = conn.execute(f"SELECT {_COLUMNS} FROM drafts WHERE id = ?", (draft_id,)).fetchone()
    return None if found is None else _row(tuple(found))


def list_drafts(conn: Connection, kind: str | None = None) -> list[DraftRow]:
    """Newest first (the order a "continue where you left off" list wants)."""
    where, params = ("WHERE kind = ?", (kind,)) if kind is not None else ("", ())
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM drafts {where} ORDER BY updated_utc DESC, rowid DESC", params
    ).fetchall()
    return [_row(tuple(r)) for r in rows]


def count_drafts(conn: Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM drafts").fetchone()[0])


def delete_draft(conn: Connection, draft_id: str) -> bool:
    """Whether a draft was deleted (none may be left when it was discarded meanwhile)."""
    return conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,)).rowcount > 0
