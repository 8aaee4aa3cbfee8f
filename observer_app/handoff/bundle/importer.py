"""`handoff import` (coordinator): verify a bundle while it streams, commit it whole or not at all.

Order of checks, each refusal one line with a reason code:
1. the manifest (first member): its author is enrolled here (`unknown_author`) and not revoked
   (`revoked_key`), its signature is the author's (`bad_signature`), it is addressed to this
   coordinator (`not_for_this_coordinator`, also when age finds the bundle sealed to another
   key), and its range does not leave a hole after what is held (`gap`: "missing seq A..B");
2. every event: well-formed, in sequence, signed by the author (`bad_signature`), chained by
   `prev` (`wrong_hash`), valid as data and touching only its author's records
   (`invalid_event`, naming the event and the field: `event_schema`); an event at a seq
   already held is skipped when identical and is a `fork` when different but validly signed
   (then an alert naming both hashes is stored, the only thing a refused bundle leaves
   behind); the last hash must be the manifest's head;
3. every media member is re-encrypted into a staging blob while it is hashed, and must have the
   manifest's SHA-256 and size (`wrong_hash`);
4. the age stream must end cleanly (`truncated`, or `damaged`).
The events are stored as they verify inside one open transaction; only when the whole bundle
verified are the blob rows and a `handoff.received` event added and the transaction committed.
Any refusal rolls back and deletes the staging blobs: the vault is as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from observer_app.core.changes import ChangeNotifier
from observer_app.core.ids import new_id
from observer_app.core.progress import Cancel, Progress
from observer_app.crypto import keys
from observer_app.errors import EventSchemaError, NotValidError, OperationCancelled
from observer_app.handoff.bundle.fork_alerts import ForkAlert, record_fork_alert
from observer_app.handoff.bundle.manifest import (
    EVENTS_MEMBER,
    MANIFEST_MEMBER,
    MAX_EVENT_LINE,
    MAX_MANIFEST_BYTES,
    Manifest,
    parse_manifest,
    split_event_line,
)
from observer_app.handoff.bundle.media_staging import MediaStager, next_member
from observer_app.handoff.bundle.refusals import BundleRefused, Refusal, classify, damaged
from observer_app.handoff.documents import DocumentError, encode_public_key
from observer_app.handoff.holder import HolderSession, require_role
from observer_app.handoff.parts.tar_stream import ReceivedMember
from observer_app.handoff.parts.transport import read_bundle
from observer_app.i18n import _
from observer_app.vault.blobs import BlobStore, StoredBlob, find_blob, save_blob_record
from observer_app.vault.connection import Connection, DatabaseError, Transaction
from observer_app.vault.journal import (
    Event,
    EventFormatError,
    change_of,
    feed_head,
    parse_event,
    set_feed_head,
    store_event,
)
from observer_app.vault.projection.handoff import HANDOFF_RECEIVED
from observer_app.vault.projection.media import MEDIA_ADDED, MEDIA_DERIVED
from observer_app.vault.projection.people import IDENTITY_DECLARED
from observer_app.vault.queries.handoff import event_hash
from observer_app.vault.queries.roster import EnrolledObserver, enrolled_observer

# Up to this size the events member is read into memory first, so that the media can stream in
# a worker thread while this thread stores the events (both halves then overlap).
PARALLEL_EVENTS_LIMIT = 64 * 1024 * 1024
MEDIA_ITEM_EVENTS = frozenset({MEDIA_ADDED, MEDIA_DERIVED})


class _Fork(BundleRefused):
    def __init__(self, alert: ForkAlert) -> None:
        super().__init__(
            Refusal.FORK,
            _(
                "fork at seq {seq}: this vault holds event {held}, the bundle has {other}, both "
                "signed by the author (a copied or compromised key); alert recorded"
            ).format(seq=alert.seq, held=alert.held_hash[:16], other=alert.other_hash[:16]),
        )
        self.alert = alert


class ImportStatus(StrEnum):
    """What happened to one bundle (its value is the `status` of the JSON output)."""

    ACCEPTED = "accepted"
    ALREADY_HELD = "already_held"
    REFUSED = "refused"


class _AlreadyHeld(Exception):
    """Raised inside the import's transaction to roll it back: the bundle added nothing."""


@dataclass
class ImportOutcome:
    """What happened to one bundle, with what it added and, when refused, why."""

    files: tuple[Path, ...]
    status: ImportStatus = ImportStatus.REFUSED
    bundle_id: str | None = None
    author: str | None = None
    author_name: str | None = None
    from_seq: int | None = None
    to_seq: int | None = None
    new_events: int = 0
    held_events: int = 0
    new_media: int = 0
    held_media: int = 0
    media_bytes: int = 0
    reason_code: str | None = None
    reason: str | None = None
    fork: ForkAlert | None = None
    receipt_media: tuple[str, ...] = field(default=())
    receipt_id: str = field(default_factory=new_id)
    head_seq: int = 0
    head_hash: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not ImportStatus.REFUSED

    def to_json(self) -> dict[str, Any]:
        return {
            "files": [str(p) for p in self.files],
            "status": self.status.value,
            "bundle_id": self.bundle_id,
            "author": self.author,
            "author_name": self.author_name,
            "from_seq": self.from_seq,
            "to_seq": self.to_seq,
            "new_events": self.new_events,
            "held_events": self.held_events,
            "new_media": self.new_media,
            "held_media": self.held_media,
            "media_bytes": self.media_bytes,
            "reason_code": self.reason_code,
            "reason": self.reason,
            "fork": None if self.fork is None else self.fork.to_json(),
        }


# -- the import ---------------------------------------------------------------------------------


@dataclass
class _State:
    """Everything an import accumulates; the staged blobs are deleted unless committed."""

    outcome: ImportOutcome
    staged: list[StoredBlob] = field(default_factory=list)


def import_bundle(
    session: HolderSession,
    parts: Sequence[Path],
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ImportOutcome:
    """Import one bundle (all its parts). Refusals come back as an outcome, never half-done.

    Raises UserActionError for files that cannot be read, OperationCancelled on cancel (the
    vault then is as before, too). The media stream in a worker thread while this thread
    stores the events, so `progress` and `cancel` may be called from that worker thread.
    """
    require_role(session, "coordinator")
    state = _State(ImportOutcome(files=tuple(parts)))
    blobs = BlobStore(session.vault.blobs_dir)
    conn = session.conn
    try:
        _run(session, blobs, state, parts, progress, cancel)
    except BaseException as error:
        for blob in state.staged:
            blobs.discard(blob.file)
        if isinstance(error, NotValidError):
            refusal = classify(error)
            if isinstance(refusal, _Fork):
                record_fork_alert(conn, refusal.alert, state.outcome.bundle_id)
                state.outcome.fork = refusal.alert
            state.outcome.status = ImportStatus.REFUSED
            state.outcome.reason_code = refusal.code.value
            state.outcome.reason = refusal.message
            return state.outcome
        raise
    return state.outcome


def _run(
    session: HolderSession,
    blobs: BlobStore,
    state: _State,
    parts: Sequence[Path],
    progress: Progress | None,
    cancel: Cancel | None,
) -> None:
    """The whole bundle in one transaction: committed when it added something, else rolled back
    (a refusal, a cancel, or a bundle already held); the staged media settle only after it."""
    try:
        with Transaction(session.conn):
            _store(session, blobs, state, parts, progress, cancel)
    except _AlreadyHeld:
        state.outcome.status = ImportStatus.ALREADY_HELD
        return
    for blob in state.staged:
        blobs.settle(blob)
    state.staged.clear()
    state.outcome.status = ImportStatus.ACCEPTED


def _store(
    session: HolderSession,
    blobs: BlobStore,
    state: _State,
    parts: Sequence[Path],
    progress: Progress | None,
    cancel: Cancel | None,
) -> None:
    conn, identity = session.conn, session.identity
    outcome = state.outcome
    with read_bundle(parts, identity.age_identity, progress=progress) as contents:
        members: Iterator[ReceivedMember] = iter(contents)
        manifest, author = _read_manifest(
            conn, identity.feed, next_member(members, MANIFEST_MEMBER)
        )
        outcome.bundle_id = manifest.bundle_id
        outcome.author, outcome.author_name = manifest.author, author.name
        outcome.from_seq, outcome.to_seq = manifest.from_seq, manifest.to_seq
        held_seq, _held_hash = feed_head(conn, manifest.author)
        if manifest.from_seq > held_seq + 1:
            raise BundleRefused(
                Refusal.GAP,
                _("gap: missing seq {first}..{last} (held up to {held})").format(
                    first=held_seq + 1, last=manifest.from_seq - 1, held=held_seq
                ),
            )
        events = next_member(members, EVENTS_MEMBER)
        held = {m.sha256 for m in manifest.media if find_blob(conn, m.sha256) is not None}
        stager = MediaStager(members, manifest.media, blobs, held, cancel)
        if events.size <= PARALLEL_EVENTS_LIMIT:
            lines = list(_lines(events))
            stager.start()

            def media_failed() -> bool:
                return stager.error is not None

            try:
                added = _import_events(
                    conn, manifest, author, lines, outcome, cancel, media_failed, session.changes
                )
            except OperationCancelled:
                stager.stop()
                stager.join()
                if stager.error is not None and not (cancel is not None and cancel()):
                    stager.raise_error()  # the refusal that made the events stop early
                raise
            except BaseException:
                stager.stop()
                raise
            finally:
                stager.join()
                state.staged.extend(stager.staged)
        else:
            added = _import_events(
                conn, manifest, author, _lines(events), outcome, cancel, None, session.changes
            )
            stager.run()
            state.staged.extend(stager.staged)
        stager.raise_error()
        _check_media_referenced(manifest, added)
        outcome.new_media, outcome.held_media = stager.new_media, stager.held_media
        outcome.media_bytes = stager.new_bytes
    if not contents.completed:  # pragma: no cover - the reader raises before this can happen
        raise BundleRefused(Refusal.TRUNCATED, _("bundle truncated"))
    outcome.receipt_media = tuple(m.sha256 for m in manifest.media)
    outcome.head_seq, outcome.head_hash = feed_head(conn, manifest.author)
    if outcome.new_events == 0 and outcome.new_media == 0:
        raise _AlreadyHeld
    for blob in state.staged:
        save_blob_record(conn, blob)
    session.append_in_transaction(
        HANDOFF_RECEIVED,
        {
            "author": manifest.author,
            "bundle_id": manifest.bundle_id,
            "from_seq": manifest.from_seq,
            "to_seq": manifest.to_seq,
            "head_hash": manifest.head_hash,
            "new_events": outcome.new_events,
            "media_count": len(manifest.media),
            "media_bytes": manifest.media_bytes,
            "receipt_id": outcome.receipt_id,
        },
    )


def _read_manifest(
    conn: Connection, coordinator: str, member: ReceivedMember
) -> tuple[Manifest, EnrolledObserver]:
    if member.size > MAX_MANIFEST_BYTES:
        raise BundleRefused(Refusal.DAMAGED, _("bundle damaged: the manifest is too large"))
    try:
        manifest, opened = parse_manifest(member.stream.read())
    except DocumentError as error:
        raise damaged(
            _("bundle damaged: the manifest is not valid: {reason}").format(reason=error.message),
        ) from None
    author = enrolled_observer(conn, coordinator, manifest.author)
    if author is None:
        raise BundleRefused(
            Refusal.UNKNOWN_AUTHOR,
            _("unknown author: {fingerprint} is not enrolled with this coordinator").format(
                fingerprint=keys.format_fingerprint(manifest.author, short=True)
            ),
        )
    if author.revoked:
        raise BundleRefused(
            Refusal.REVOKED_KEY,
            _("revoked key: {name} ({fingerprint}) was revoked: {reason}").format(
                name=author.name,
                fingerprint=keys.format_fingerprint(author.feed, short=True),
                reason=author.revoked_reason,
            ),
        )
    if not opened.signed_by(keys.load_public_key_der(author.public_key_der)):
        raise BundleRefused(
            Refusal.BAD_SIGNATURE, _("bad signature: the manifest's signature is not the author's")
        )
    if manifest.coordinator != coordinator:
        raise BundleRefused(
            Refusal.NOT_FOR_THIS_COORDINATOR,
            _("not for this coordinator: the bundle is addressed to {fingerprint}").format(
                fingerprint=keys.format_fingerprint(manifest.coordinator, short=True)
            ),
        )
    return manifest, author


def _lines(member: ReceivedMember) -> Iterator[bytes]:
    stream = member.stream
    while line := stream.readline(MAX_EVENT_LINE + 1):
        if not line.endswith(b"\n"):
            raise BundleRefused(
                Refusal.DAMAGED, _("bundle damaged: an events line is cut or too long")
            )
        yield line


def _import_events(
    conn: Connection,
    manifest: Manifest,
    author: EnrolledObserver,
    lines: Iterable[bytes],
    outcome: ImportOutcome,
    cancel: Cancel | None,
    abandon: Cancel | None = None,
    changes: ChangeNotifier | None = None,
) -> dict[str, Any]:
    """Verify and store the events; returns the media items they add (SHA-256 -> size).

    `abandon()` (the media already failed) is heeded only past the held part of the feed, so
    that a fork in the bundle is still found and recorded."""
    public_key = keys.load_public_key_der(author.public_key_der)
    held_seq, held_head = feed_head(conn, manifest.author)
    expected_seq = manifest.from_seq
    previous = manifest.after_hash
    referenced: dict[str, Any] = {}
    stored_head: tuple[int, str] | None = None
    for line in lines:
        if cancel is not None and cancel():
            raise OperationCancelled(_("import cancelled"))
        if abandon is not None and expected_seq > held_seq + 1 and abandon():
            raise OperationCancelled(_("import cancelled"))
        event = _parse_line(line, manifest, expected_seq)
        seq = event.seq
        if event.type in MEDIA_ITEM_EVENTS:
            referenced[str(event.body.get("sha256"))] = event.body.get("size")
        if seq <= held_seq:
            held = event_hash(conn, manifest.author, seq)
            if held != event.hash:
                _check_signature(public_key, event)
                raise _Fork(_alert(event, seq, str(held), event.hash))
            outcome.held_events += 1
        else:
            expected_prev = held_head if seq == held_seq + 1 else previous
            if event.prev != expected_prev:
                if seq == held_seq + 1 and seq > 1:
                    # Validly signed on top of another event than the one held at seq - 1.
                    _check_signature(public_key, event)
                    raise _Fork(_alert(event, seq - 1, str(held_head), str(event.prev)))
                raise BundleRefused(
                    Refusal.WRONG_HASH,
                    _("wrong hash: the hash chain breaks at seq {seq}").format(seq=seq),
                )
            _check_signature(public_key, event)
            _check_first(event, author)
            try:
                store_event(conn, event, author.public_key_der, advance_head=False)
            except EventSchemaError as error:
                raise BundleRefused(Refusal.INVALID_EVENT, error.message) from None
            except (DatabaseError, KeyError, TypeError, ValueError, AttributeError):
                raise BundleRefused(
                    Refusal.DAMAGED,
                    _("bundle damaged: event seq {seq} cannot be stored").format(seq=seq),
                ) from None
            outcome.new_events += 1
            if changes is not None and changes.has_subscribers:
                changes.stage(change_of(event))
            stored_head = (seq, event.hash)
        previous = event.hash
        expected_seq += 1
    if stored_head is not None:
        set_feed_head(conn, manifest.author, *stored_head)
    if expected_seq - 1 != manifest.to_seq or previous != manifest.head_hash:
        raise BundleRefused(
            Refusal.WRONG_HASH,
            _("wrong hash: the events do not end at the manifest's head (seq {seq})").format(
                seq=manifest.to_seq
            ),
        )
    before_first = manifest.from_seq - 1
    # Checked last, so that a fork inside the bundle is still found and recorded first.
    if 0 < before_first <= held_seq and (
        event_hash(conn, manifest.author, before_first) != manifest.after_hash
    ):
        raise BundleRefused(
            Refusal.WRONG_HASH,
            _("wrong hash: the manifest's after_hash is not the event held at seq {seq}").format(
                seq=before_first
            ),
        )
    return referenced


def _check_media_referenced(manifest: Manifest, referenced: dict[str, Any]) -> None:
    """Every media member the manifest lists is an item an event of the bundle added, with
    that event's size: a bundle carries no file that nothing in the journal accounts for."""
    for entry in manifest.media:
        if referenced.get(entry.sha256, -1) != entry.size:
            raise damaged(
                _(
                    "bundle damaged: media item {sha256} is not one an event of the bundle added"
                ).format(sha256=entry.sha256[:16])
            )


def _alert(event: Event, seq: int, held_hash: str, other_hash: str) -> ForkAlert:
    return ForkAlert(event.feed, seq, held_hash, other_hash, event.payload, event.signature)


def _parse_line(line: bytes, manifest: Manifest, expected_seq: int) -> Event:
    try:
        payload, signature = split_event_line(line)
        event = parse_event(payload, signature)
    except (ValueError, EventFormatError):
        raise damaged(
            _("bundle damaged: the event after seq {seq} is malformed").format(
                seq=expected_seq - 1
            ),
        ) from None
    if event.feed != manifest.author:
        raise damaged(
            _("bundle damaged: event seq {seq} belongs to another feed").format(seq=event.seq),
        )
    if event.seq != expected_seq:
        if event.seq > expected_seq:
            raise BundleRefused(
                Refusal.GAP,
                _("gap: missing seq {first}..{last}").format(
                    first=expected_seq, last=event.seq - 1
                ),
            )
        raise damaged(
            _("bundle damaged: seq {seq} appears out of order").format(seq=event.seq),
        )
    if event.seq > manifest.to_seq:
        raise BundleRefused(
            Refusal.WRONG_HASH,
            _("wrong hash: the bundle holds events beyond the manifest's seq {seq}").format(
                seq=manifest.to_seq
            ),
        )
    return event


def _check_signature(public_key: keys.VerifierKey, event: Event) -> None:
    if not keys.verify(public_key, event.signature, event.payload):
        raise BundleRefused(
            Refusal.BAD_SIGNATURE,
            _("bad signature: event seq {seq} is not signed by the author").format(seq=event.seq),
        )


def _check_first(event: Event, author: EnrolledObserver) -> None:
    if event.seq != 1:
        return
    declared = event.body.get("public_key")
    if event.type != IDENTITY_DECLARED or declared != encode_public_key(author.public_key_der):
        raise damaged(
            _("bundle damaged: the feed does not start with the author's key"),
        )
