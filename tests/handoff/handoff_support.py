"""Helpers shared by the handoff tests: enrolling in-process, dumping a vault, forging bundles.

Forged bundles are built from the real pieces (manifest signing, event lines, the transport),
so that each refusal test changes exactly one thing a hostile or damaged bundle could change.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from observer_app.crypto import keys
from observer_app.crypto.age_keys import recipient_of
from observer_app.handoff.bundle.manifest import (
    EVENTS_MEMBER,
    MANIFEST_MEMBER,
    MANIFEST_TYPE,
    MediaEntry,
    event_line,
    new_manifest,
    sign_manifest,
)
from observer_app.handoff.documents import sign_document
from observer_app.handoff.enroll.accept import accept_package
from observer_app.handoff.enroll.issue import issue_package
from observer_app.handoff.enroll.request import write_request
from observer_app.handoff.parts.tar_stream import TarMember
from observer_app.handoff.parts.transport import (
    DEFAULT_PART_SIZE,
    estimate_bundle_size,
    write_bundle,
)
from observer_app.logbook import notes
from observer_app.logbook.session import LogbookSession
from observer_app.vault.connection import Connection
from observer_app.vault.store import open_vault

MEDIA_DIR = Path(__file__).parent.parent / "data" / "media"


def table_names(conn: Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    return [str(r[0]) for r in rows]


def dump(session: LogbookSession) -> dict[str, Any]:
    """Every row of every table (sorted) and the blob file names: 'the vault as it is'."""
    conn = session.conn
    tables = {
        name: sorted((tuple(row) for row in conn.execute(f"SELECT * FROM {name}")), key=repr)
        for name in table_names(conn)
    }
    blobs_dir = session.vault.blobs_dir
    files = sorted(p.name for p in blobs_dir.iterdir()) if blobs_dir.exists() else []
    return {"tables": tables, "blob_files": files}


def dump_path(path: Path, passphrase: str) -> dict[str, Any]:
    session = LogbookSession(open_vault(path, passphrase))
    try:
        return dump(session)
    finally:
        session.close()


def enroll(
    coordinator: LogbookSession,
    observer: LogbookSession,
    stick: Path,
    stations: Sequence[str] = (),
) -> None:
    """The whole enrollment exchange, in-process."""
    stick.mkdir(exist_ok=True)
    request = write_request(observer, stick)
    package = issue_package(coordinator, request.path, stick, stations, replace=True)
    accept_package(observer, package.path, coordinator.identity.feed)
    request.path.unlink()
    package.path.unlink()


def add_notes(observer: LogbookSession, count: int, prefix: str = "note") -> None:
    for index in range(count):
        notes.add_note(observer, f"{prefix} {index}")


def copy_vault(source: Path, target: Path) -> None:
    """A copied vault: the same key in two places (what a seized and cloned laptop gives)."""
    shutil.copytree(source, target)


@dataclass(frozen=True)
class EventRow:
    seq: int
    payload: bytes
    signature: bytes

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.payload).hexdigest()


def event_rows(observer: LogbookSession, after: int = 0) -> list[EventRow]:
    rows = observer.conn.execute(
        "SELECT seq, payload, signature FROM events WHERE feed = ? AND seq > ? ORDER BY seq",
        (observer.identity.feed, after),
    )
    return [EventRow(int(r[0]), bytes(r[1]), bytes(r[2])) for r in rows]


def forge_bundle(
    observer: LogbookSession,
    coordinator: LogbookSession,
    out: Path,
    *,
    events: Sequence[EventRow] | None = None,
    media: Sequence[tuple[MediaEntry, bytes]] = (),
    manifest_changes: dict[str, Any] | None = None,
    manifest_extra: dict[str, Any] | None = None,
    manifest_key: keys.SignerKey | None = None,
    recipient: str | None = None,
    part_size: int = DEFAULT_PART_SIZE,
) -> list[Path]:
    """A bundle as `observer` would write it for `coordinator`, with the given changes."""
    rows = list(events if events is not None else event_rows(observer))
    first, last = rows[0], rows[-1]
    after_hash = None
    if first.seq > 1:
        row = observer.conn.execute(
            "SELECT hash FROM events WHERE feed = ? AND seq = ?",
            (observer.identity.feed, first.seq - 1),
        ).fetchone()
        after_hash = str(row[0])
    manifest = new_manifest(
        author=observer.identity.feed,
        coordinator=coordinator.identity.feed,
        from_seq=first.seq,
        to_seq=last.seq,
        after_hash=after_hash,
        head_hash=last.hash,
        media=[entry for entry, _data in media],
    )
    if manifest_changes:
        manifest = replace(manifest, **manifest_changes)
    key = manifest_key or observer.identity.signing_key
    if manifest_extra:
        signed = sign_document(key, MANIFEST_TYPE, {**manifest.content(), **manifest_extra})
    else:
        signed = sign_manifest(manifest, key)
    lines = b"".join(event_line(r.payload, r.signature) for r in rows)
    members = [
        TarMember.from_bytes(MANIFEST_MEMBER, signed),
        TarMember.from_bytes(EVENTS_MEMBER, lines),
        *(TarMember.from_bytes(entry.member_name, data) for entry, data in media),
    ]
    out.mkdir(exist_ok=True)
    return write_bundle(
        members,
        recipient or recipient_of(coordinator.identity.age_identity),
        out,
        estimated_size=estimate_bundle_size(m.size for m in members),
        part_size=part_size,
    )


def media_entry(data: bytes) -> MediaEntry:
    return MediaEntry(hashlib.sha256(data).hexdigest(), len(data))
