"""`handoff export`: everything the pinned coordinator has not acknowledged, as one bundle.

Cumulative: the bundle starts after the highest seq a receipt of the pinned coordinator
acknowledged (from seq 1 without one), so a lost stick or a lost receipt only means the next
bundle carries more. Media go in when an event of the range references them (`media.added`,
`media.derived`), their content is still held (not purged) and no receipt listed them yet.

Nothing plaintext touches the disk: events are streamed from the database, media blobs are
decrypted chunk by chunk straight into the tar stream, which the transport seals with age.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from observer_app.core.progress import Cancel, Progress
from observer_app.crypto.blob_reader import BlobReader
from observer_app.errors import UserActionError
from observer_app.handoff.bundle.manifest import (
    EVENTS_MEMBER,
    MANIFEST_MEMBER,
    Manifest,
    MediaEntry,
    event_line,
    event_line_size,
    new_manifest,
    sign_manifest,
)
from observer_app.handoff.enroll.pins import require_pin
from observer_app.handoff.holder import HolderSession, require_role
from observer_app.handoff.parts.tar_stream import TarMember
from observer_app.handoff.parts.transport import (
    DEFAULT_PART_SIZE,
    DiskUsageProbe,
    estimate_bundle_size,
    write_bundle,
)
from observer_app.handoff.parts.writer import Opener, open_new_file
from observer_app.i18n import _
from observer_app.vault.blobs import find_blob
from observer_app.vault.connection import Connection
from observer_app.vault.journal import feed_head
from observer_app.vault.projection.handoff import HANDOFF_ACKNOWLEDGED
from observer_app.vault.projection.media import MEDIA_ADDED, MEDIA_DERIVED
from observer_app.vault.queries.handoff import (
    acknowledged_media,
    acknowledged_seq,
    count_events_of_type,
    event_hash,
    event_sizes,
    media_hashes_referenced,
    signed_events,
)
from observer_app.vault.queries.pins import Pin


@dataclass(frozen=True)
class PendingMedia:
    sha256: str
    size: int
    file: str
    key: bytes


@dataclass(frozen=True)
class ExportPlan:
    """What the next bundle will hold (also what `handoff status` reports as waiting)."""

    pin: Pin
    acknowledged_seq: int
    head_seq: int
    after_hash: str | None
    head_hash: str | None
    events_size: int
    bookkeeping_events: int
    media: tuple[PendingMedia, ...]

    @property
    def from_seq(self) -> int:
        return self.acknowledged_seq + 1

    @property
    def event_count(self) -> int:
        return self.head_seq - self.acknowledged_seq

    @property
    def media_bytes(self) -> int:
        return sum(m.size for m in self.media)

    @property
    def waiting_events(self) -> int:
        """Events that carry something new. Recording a receipt appends an acknowledgement,
        which travels with the next bundle but alone is no reason to make one."""
        return max(0, self.event_count - self.bookkeeping_events)

    @property
    def empty(self) -> bool:
        return self.waiting_events == 0 and not self.media


@dataclass(frozen=True)
class ExportResult:
    paths: tuple[Path, ...]
    manifest: Manifest

    def to_json(self) -> dict[str, Any]:
        return {
            "files": [str(p) for p in self.paths],
            "bundle_id": self.manifest.bundle_id,
            "from_seq": self.manifest.from_seq,
            "to_seq": self.manifest.to_seq,
            "events": self.manifest.event_count,
            "media": len(self.manifest.media),
            "media_bytes": self.manifest.media_bytes,
        }


def _referenced_media(
    conn: Connection, feed: str, after: int, upto: int, coordinator: str
) -> tuple[PendingMedia, ...]:
    acknowledged = acknowledged_media(conn, feed, coordinator)
    found: dict[str, PendingMedia] = {}
    for sha256 in media_hashes_referenced(conn, feed, after, upto, (MEDIA_ADDED, MEDIA_DERIVED)):
        if sha256 in found or sha256 in acknowledged:
            continue
        record = find_blob(conn, sha256)
        if record is not None:  # purged content stays behind; its record and hash travel
            found[sha256] = PendingMedia(sha256, record.size, record.file, record.key)
    return tuple(found.values())


def plan_export(session: HolderSession) -> ExportPlan:
    conn, feed = session.conn, session.identity.feed
    pin = require_pin(session)
    acknowledged = acknowledged_seq(conn, feed, pin.coordinator)
    head_seq, head_hash = feed_head(conn, feed)
    sizes = event_sizes(conn, feed, acknowledged, head_seq)
    events_size = sum(event_line_size(p, s) for p, s in sizes)
    bookkeeping = count_events_of_type(conn, feed, acknowledged, head_seq, HANDOFF_ACKNOWLEDGED)
    return ExportPlan(
        pin=pin,
        acknowledged_seq=acknowledged,
        head_seq=head_seq,
        after_hash=event_hash(conn, feed, acknowledged),
        head_hash=head_hash,
        events_size=events_size,
        bookkeeping_events=bookkeeping,
        media=_referenced_media(conn, feed, acknowledged, head_seq, pin.coordinator),
    )


class _EventsStream(io.RawIOBase):
    """The events member, produced line by line from a database cursor (in the caller's
    thread: the transport reads members where `write_bundle` was called)."""

    def __init__(self, conn: Connection, feed: str, after: int, upto: int) -> None:
        super().__init__()
        self._rows: Iterator[Any] = signed_events(conn, feed, after, upto)
        self._pending = bytearray()
        self._offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._offset >= len(self._pending):
            self._pending.clear()
            self._offset = 0
            while len(self._pending) < len(view):
                row = next(self._rows, None)
                if row is None:
                    break
                self._pending += event_line(bytes(row[0]), bytes(row[1]))
        count = min(len(view), len(self._pending) - self._offset)
        view[:count] = self._pending[self._offset : self._offset + count]
        self._offset += count
        return count


def _media_member(blobs_dir: Path, media: PendingMedia) -> TarMember:
    def opener() -> BinaryIO:
        handle = open(blobs_dir / media.file, "rb")  # noqa: SIM115 - the reader owns and closes it
        return cast(BinaryIO, BlobReader(handle, media.key))

    return TarMember(MediaEntry(media.sha256, media.size).member_name, media.size, opener)


def export_bundle(
    session: HolderSession,
    out_dir: Path,
    *,
    part_size: int = DEFAULT_PART_SIZE,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    disk_usage: DiskUsageProbe = shutil.disk_usage,
    opener: Opener = open_new_file,
) -> ExportResult:
    """Write the next bundle for the pinned coordinator into `out_dir`.

    `disk_usage` and `opener` are the OS calls on the stick (`write_bundle`'s), for tests.

    UserActionError when there is nothing new to hand over (or no space, or the stick fails),
    OperationCancelled when `cancel()` said so; in every failure case no part looks whole.
    """
    require_role(session, "observer")  # a coordinator hands over nothing: it imports
    conn, identity = session.conn, session.identity
    plan = plan_export(session)
    if plan.empty or plan.head_hash is None:
        raise UserActionError(
            _("nothing to hand over: the coordinator's last receipt covers seq {seq}").format(
                seq=plan.acknowledged_seq
            )
        )
    manifest = new_manifest(
        author=identity.feed,
        coordinator=plan.pin.coordinator,
        from_seq=plan.from_seq,
        to_seq=plan.head_seq,
        after_hash=plan.after_hash,
        head_hash=plan.head_hash,
        media=[MediaEntry(m.sha256, m.size) for m in plan.media],
    )
    manifest_bytes = sign_manifest(manifest, identity.signing_key)
    blobs_dir = session.vault.blobs_dir
    members = [
        TarMember.from_bytes(MANIFEST_MEMBER, manifest_bytes),
        TarMember(
            EVENTS_MEMBER,
            plan.events_size,
            lambda: cast(
                BinaryIO,
                _EventsStream(conn, identity.feed, plan.acknowledged_seq, plan.head_seq),
            ),
        ),
        *(_media_member(blobs_dir, m) for m in plan.media),
    ]
    estimate = estimate_bundle_size(member.size for member in members)
    paths = write_bundle(
        members,
        plan.pin.coordinator_age_recipient,
        out_dir,
        estimated_size=estimate,
        part_size=part_size,
        progress=progress,
        cancel=cancel,
        disk_usage=disk_usage,
        opener=opener,
    )
    return ExportResult(tuple(paths), manifest)
