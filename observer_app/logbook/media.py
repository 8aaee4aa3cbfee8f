"""Media evidence: import (hash, metadata, encryption in one pass), consent, redaction, export.

Originals are never modified: they stay whole as evidence. Anything made for publication is a
separate derived item whose content comes from decoded pixels with no metadata. Consent rules
live in `core.consent`; this module only enforces them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

from PIL import Image

from observer_app.core.catalogue import load_catalogue
from observer_app.core.consent import (
    ConsentState,
    MediaUse,
    parse_consent_state,
    refusal_reason,
)
from observer_app.core.evidence import EvidenceWarning
from observer_app.core.file_names import readable_file_name
from observer_app.core.ids import new_id
from observer_app.core.media_terms import RedactionStyle
from observer_app.core.progress import Cancel, Progress, Steps, never_cancel, no_progress
from observer_app.errors import (
    OperationCancelled,
    UsageError,
    UserActionError,
    read_only_message,
    system_reason,
)
from observer_app.i18n import _
from observer_app.logbook.evidence import media_warnings
from observer_app.logbook.output import write_user_file
from observer_app.logbook.refs import resolve_record
from observer_app.logbook.session import LogbookSession
from observer_app.media.images import (
    ImageDecodeError,
    decode_upright,
    make_thumbnail,
    placeholder_thumbnail,
    strip_for_publication,
)
from observer_app.media.metadata import extract_metadata
from observer_app.media.metadata_model import ERROR_DAMAGED, ERROR_NO_DECODER, ERROR_UNREADABLE
from observer_app.media.playback import PlaybackReader as PlaybackReader  # the shells hold it
from observer_app.media.redaction import STYLES as STYLES  # the shells offer these
from observer_app.media.redaction import Box as Box
from observer_app.media.redaction import cover, redact
from observer_app.media.sniff import media_kind, sniff_mime
from observer_app.media.video_frames import video_thumbnail
from observer_app.vault.blobs import (
    BlobStore,
    StoredBlob,
    find_blob,
    forget_blob,
    save_blob_record,
    save_thumbnail,
)
from observer_app.vault.connection import Transaction
from observer_app.vault.projection.media import (
    MEDIA_ADDED,
    MEDIA_CONSENT,
    MEDIA_DERIVED,
    MEDIA_LINKED,
    MEDIA_PURGED,
)
from observer_app.vault.queries.media import (
    MediaItem,
    find_by_sha256,
    get_media,
    list_media,
    live_kind,
    media_ids,
    thumbnail_keys,
)

#: Photos up to this size are decoded in memory for thumbnails; larger files get a placeholder.
MAX_DECODE_BYTES = 64 * 1024 * 1024


class DamagedMediaError(UserActionError):
    """The file claims a format this program reads, but its content does not decode (a damaged
    or truncated photo or video, an image bomb): refused by an import that asked for it."""


@dataclass(frozen=True)
class Link:
    kind: str
    ref: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "ref": self.ref}


@dataclass(frozen=True)
class ImportResult:
    id: str
    sha256: str
    path: Path
    duplicate: bool
    decode_error: str | None
    # What is implausible about the item's own time and place (warned, never refused).
    warnings: tuple[EvidenceWarning, ...] = ()


def store(session: LogbookSession) -> BlobStore:
    return BlobStore(session.vault.blobs_dir)


def resolve_link(session: LogbookSession, kind: str, ref: str) -> Link:
    """Check that the thing a media item is attached to exists; return its canonical ref."""
    conn = session.conn
    if kind in ("station", "protocol"):
        if conn.execute("SELECT 1 FROM stations WHERE code = ?", (ref,)).fetchone() is None:
            raise UserActionError(_("no station with code {code}").format(code=ref))
        return Link(kind, ref)
    table = {"incident": "incidents", "answer": "checklist_answers"}.get(kind)
    if table is None:
        raise UsageError(_("unknown link kind {kind}").format(kind=kind))
    ids = [str(r[0]) for r in conn.execute(f"SELECT id FROM {table}")]
    return Link(kind, resolve_record(session, ref, kind, ids))


def import_file(
    session: LogbookSession,
    path: Path,
    link: Link,
    consent: ConsentState = ConsentState.NOT_ASKED,
    note: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    refuse_damaged: bool = False,
) -> ImportResult:
    """Import one file; the same bytes imported again are linked to the existing item.

    With `refuse_damaged`, a photo or video that does not decode is refused
    (`DamagedMediaError`) instead of being kept with a placeholder."""
    try:
        source = open(path, "rb")  # noqa: SIM115 - closed in finally
    except OSError as error:
        raise UserActionError(
            _("cannot read {path}: {reason}").format(path=path, reason=system_reason(error))
        ) from None
    try:
        name = readable_file_name(path.name)  # only metadata: undecodable bytes replaced
        return import_stream(
            session,
            source,
            name,
            link,
            consent,
            note,
            progress,
            cancel,
            _size_of(source),
            refuse_damaged=refuse_damaged,
        )
    finally:
        source.close()


def import_stream(
    session: LogbookSession,
    source: BinaryIO,
    name: str,
    link: Link,
    consent: ConsentState = ConsentState.NOT_ASKED,
    note: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    total: int = 0,
    *,
    refuse_damaged: bool = False,
) -> ImportResult:
    """Import from an open stream (a file, or bytes made in memory) under the name `name`.

    Progress covers the bytes encrypted (`total` of them, 0 if unknown), then the metadata
    read back and the thumbnail made from the encrypted copy. A cancel between any of these
    raises OperationCancelled and leaves no blob file and no record."""
    if session.vault.read_only:  # said plainly, not as the blob write's EROFS
        raise UserActionError(read_only_message())
    blobs = store(session)
    steps = Steps(
        progress or no_progress,
        cancel or never_cancel,
        [total, total // 50, total // 5],  # bytes, metadata, thumbnail (decoding is costly)
        _("import cancelled"),
    )
    encrypted = steps.part(0)
    try:
        blob = blobs.write(
            source, progress=lambda done: encrypted(done, total), cancel=cancel or never_cancel
        )
    except OSError as error:
        raise UserActionError(
            _("cannot import {path}: {reason}").format(path=name, reason=system_reason(error))
        ) from None
    try:
        steps.finish(0)
        steps.check()
        existing = find_by_sha256(session.conn, blob.sha256, session.identity.feed)
        if existing is not None and existing.purged:
            blobs.discard(blob.file)
            raise UserActionError(
                _("the content of {id} was purged ({reason}); it is not imported again").format(
                    id=existing.id, reason=existing.purge_reason or "-"
                )
            )
        if existing is not None:
            blobs.discard(blob.file)
            _add_link(session, existing, link)
            steps.finish(2)
            result = ImportResult(existing.id, blob.sha256, Path(name), True, existing.decode_error)
        else:
            result = _record_new(
                session, blobs, blob, name, link, consent, note, steps, refuse_damaged
            )
    except BaseException:
        stored = find_blob(session.conn, blob.sha256)
        if stored is None or stored.file != blob.file:
            blobs.discard(blob.file)
        else:
            blobs.settle(blob)
        raise
    item = get_media(session.conn, result.id)
    if item is None:
        return result
    return replace(result, warnings=tuple(media_warnings(session, item)))


def _size_of(source: Any) -> int:
    try:
        return os.fstat(source.fileno()).st_size
    except OSError:
        return 0


def _record_new(
    session: LogbookSession,
    blobs: BlobStore,
    blob: StoredBlob,
    name: str,
    link: Link,
    consent: ConsentState,
    note: str | None,
    steps: Steps,
    refuse_damaged: bool = False,
) -> ImportResult:
    mime = sniff_mime(blob.head, name)
    kind = media_kind(mime)
    with blobs.open(blob.file, blob.key) as reader:
        metadata = extract_metadata(reader, mime)
    steps.finish(1)
    steps.check()
    if refuse_damaged and kind in ("video", "audio") and metadata.decode_error in _DAMAGED:
        raise DamagedMediaError(_("The recording is damaged or truncated."))
    try:
        thumb = _thumbnail_blob(blobs, blob, kind, strict=True)
    except ImageDecodeError as error:
        if refuse_damaged and metadata.decode_error != ERROR_NO_DECODER:
            raise DamagedMediaError(error.message) from None
        thumb = None
    steps.finish(2)
    _check_keeping_nothing(steps, blobs, thumb)
    media_id = new_id()
    body = {
        "id": media_id,
        "sha256": blob.sha256,
        "size": blob.size,
        "mime": mime,
        "kind": kind,
        "original_name": name,
        "metadata": metadata.as_dict(),
        "consent": consent.value,
        "consent_note": note,
        "links": [link.to_json()],
    }
    _commit_with_blob(session, blobs, blob, thumb, MEDIA_ADDED, body)
    return ImportResult(media_id, blob.sha256, Path(name), False, metadata.decode_error)


def _commit_with_blob(
    session: LogbookSession,
    blobs: BlobStore,
    blob: StoredBlob,
    thumb: StoredBlob | None,
    event_type: str,
    body: dict[str, Any],
) -> None:
    """Record the event and, unless these bytes are stored already, the new blob's key row.

    Files just written that the database does not reference afterwards are removed, whether
    the commit failed or the bytes were already held (e.g. an exported copy imported back).
    """
    reused = False
    try:
        with Transaction(session.conn):
            reused = find_blob(session.conn, blob.sha256) is not None
            if not reused:
                save_blob_record(session.conn, blob, thumb)
            session.append_in_transaction(event_type, body)
    except BaseException:
        _discard_new(blobs, blob, thumb)
        raise
    if reused:
        _discard_new(blobs, blob, thumb)
    else:
        blobs.settle(blob)
        blobs.settle(thumb)


def _check_keeping_nothing(steps: Steps, blobs: BlobStore, *written: StoredBlob | None) -> None:
    """`steps.check()`, removing the blob files written so far if it was cancelled."""
    try:
        steps.check()
    except OperationCancelled:
        for blob in written:
            if blob is not None:
                blobs.discard(blob.file)
        raise


def _discard_new(blobs: BlobStore, blob: StoredBlob, thumb: StoredBlob | None) -> None:
    blobs.discard(blob.file)
    if thumb is not None:
        blobs.discard(thumb.file)


#: What a container reader says of a recording whose bytes are cut or broken.
_DAMAGED = (ERROR_DAMAGED, ERROR_UNREADABLE)


def _thumbnail_blob(
    blobs: BlobStore, blob: StoredBlob, kind: str, *, strict: bool = False
) -> StoredBlob | None:
    """An encrypted upright thumbnail for photos that decode and for videos (their first
    frame, decoded from the blob with no plaintext file); None means "show a placeholder".
    With `strict`, a photo that does not decode raises ImageDecodeError (a video whose frames
    do not decode still gets None: its codec may simply be one OpenCV lacks)."""
    try:
        if kind == "video":
            with blobs.open(blob.file, blob.key) as reader:
                thumbnail = video_thumbnail(reader)
        elif kind == "photo" and blob.size <= MAX_DECODE_BYTES:
            thumbnail = make_thumbnail(blobs.read_all(blob.file, blob.key))
        else:
            return None
    except ImageDecodeError:
        if strict and kind == "photo":
            raise
        return None
    return blobs.write_bytes(thumbnail)


def make_missing_thumbnails(
    session: LogbookSession, sha256s: Sequence[str], cancel: Cancel | None = None
) -> int:
    """Make the thumbnails of held photos and videos that have none; returns how many.

    A bundle carries the observers' originals only (a thumbnail is derived data, and the
    receiver must not trust one it cannot check against the signed hash), so media imported
    from bundles had no preview: the coordinator's window and reports showed "no preview"
    for every observer's photo. The importing vault makes them here from the verified
    originals, each committed on its own, so a cancel keeps the ones already made.
    """
    blobs = store(session)
    made = 0
    for sha256 in dict.fromkeys(sha256s):
        if cancel is not None and cancel():
            break
        record = find_blob(session.conn, sha256)
        kind = live_kind(session.conn, sha256)
        if record is None or record.thumb_file is not None or kind is None:
            continue
        blob = StoredBlob(record.file, record.key, record.size, record.sha256, b"")
        thumb = _thumbnail_blob(blobs, blob, kind)
        if thumb is None:
            continue
        try:
            with Transaction(session.conn):
                save_thumbnail(session.conn, sha256, thumb)
        except BaseException:
            blobs.discard(thumb.file)
            raise
        blobs.settle(thumb)
        made += 1
    return made


def link_item(session: LogbookSession, media_id: str, link: Link) -> None:
    """Attach an item already held to one more record (nothing if it is attached already)."""
    _add_link(session, require_media(session, media_id), link)


def _add_link(session: LogbookSession, item: MediaItem, link: Link) -> None:
    if (link.kind, link.ref) in item.links:
        return
    session.record(MEDIA_LINKED, {"target": item.id, "link": link.to_json()})


def resolve_media_id(session: LogbookSession, prefix: str) -> str:
    """The full id for a reference (`M-3`) or a unique prefix of 8+ characters."""
    return resolve_record(session, prefix, "media", media_ids(session.conn))


def media_items(session: LogbookSession, observer: str | None = None) -> list[MediaItem]:
    """Every media item with its links, oldest first; of one author only (`observer`, a feed)."""
    items = list_media(session.conn)
    return items if observer is None else [item for item in items if item.feed == observer]


def require_media(session: LogbookSession, media_id: str) -> MediaItem:
    item = get_media(session.conn, media_id)
    if item is None:
        raise UserActionError(_("no media item {id}").format(id=media_id))
    return item


def set_consent(
    session: LogbookSession, media_id: str, state_text: str, reason: str, note: str | None = None
) -> None:
    item = require_media(session, media_id)
    state = parse_consent_state(state_text, by_person=True, names=load_catalogue().consent_states)
    if item.is_derivative:
        raise UserActionError(_("an anonymised copy keeps its state; change the original's"))
    if not reason.strip():
        raise UsageError(_("a reason is required"))
    session.record(
        MEDIA_CONSENT,
        {
            "target": item.id,
            "state": state.value,
            "reason": reason.strip(),
            "note": note if note is not None else item.consent_note,
        },
    )


def purge(session: LogbookSession, media_id: str, reason: str) -> None:
    """Remove the content for good (withdrawn consent, a court order).

    The record, hash and reason stay; deleting the blob's key row crypto-shreds the content.
    """
    item = require_media(session, media_id)
    if item.purged:
        raise UserActionError(_("media item {id} is already purged").format(id=media_id))
    if not reason.strip():
        raise UsageError(_("a reason is required"))
    shared = session.conn.execute(
        "SELECT count(*) FROM media WHERE sha256 = ? AND purged = 0", (item.sha256,)
    ).fetchone()[0]
    with Transaction(session.conn):
        session.append_in_transaction(MEDIA_PURGED, {"target": item.id, "reason": reason.strip()})
        record = forget_blob(session.conn, item.sha256) if shared <= 1 else None
    if record is not None:
        blobs = store(session)
        blobs.discard(record.file)
        if record.thumb_file:
            blobs.discard(record.thumb_file)


def original_bytes(session: LogbookSession, item: MediaItem) -> bytes:
    record = find_blob(session.conn, item.sha256)
    if item.purged or record is None:
        raise UserActionError(_("the content of {id} was purged").format(id=item.id))
    return store(session).read_all(record.file, record.key)


def open_playback(session: LogbookSession, media_id: str) -> PlaybackReader:
    """A thread-safe plaintext view of an item's content for a player or viewer.

    The key is looked up here, on the calling thread (the session's connection belongs to it);
    the reader returned holds it and never touches the database, so a player's own threads may
    read from it. The caller closes it. Nothing is decrypted to disk.
    """
    item = require_media(session, media_id)
    record = find_blob(session.conn, item.sha256)
    if item.purged or record is None:
        raise UserActionError(_("the content of {id} was purged").format(id=item.id))
    try:
        return PlaybackReader(store(session).root / record.file, record.key)
    except OSError as error:
        raise UserActionError(
            _("cannot read the content of {id}: {reason}").format(
                id=item.id, reason=system_reason(error)
            )
        ) from None


def thumbnail_jpeg(session: LogbookSession, media_id: str) -> bytes | None:
    """An upright, metadata-free JPEG preview, or None where a placeholder must be shown."""
    item = get_media(session.conn, media_id)
    if item is None or item.purged:
        return None
    record = find_blob(session.conn, item.sha256)
    if record is None or record.thumb_file is None or record.thumb_key is None:
        return None
    return store(session).read_all(record.thumb_file, record.thumb_key)


def thumbnails_jpeg(session: LogbookSession, media_ids: Sequence[str]) -> dict[str, bytes]:
    """The previews of several items at once (one query for their keys): a gallery's batch.

    Items without one (purged, not decodable, not a photo or video) are absent: the caller
    shows `placeholder_jpeg` for them. The bytes are plaintext: keep them in memory only."""
    keys = thumbnail_keys(session.conn, media_ids)
    blobs = store(session)
    return {media_id: blobs.read_all(key.file, key.key) for media_id, key in keys.items()}


def placeholder_jpeg(item: MediaItem) -> bytes:
    return placeholder_thumbnail(item.kind)


def suggest_faces(
    session: LogbookSession,
    media_id: str,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> list[Box]:
    """Boxes where faces seem to be (the original decrypted, then the detector run)."""
    from observer_app.media.faces import suggest_faces as detect

    item = require_media(session, media_id)
    if item.kind != "photo":
        raise UserActionError(_("face suggestions work on photos only"))
    steps = Steps(progress, cancel, [1, 9], _("face suggestions cancelled"))
    data = original_bytes(session, item)
    steps.finish(0)
    steps.check()
    boxes = detect(data)
    steps.finish(1)
    steps.check()  # a cancel during detection returns nothing, not a late answer
    return boxes


def upright_photo(session: LogbookSession, media_id: str) -> Image.Image:
    """A photo's upright pixels, decoded in memory (for the redaction tool's canvas): the
    coordinates boxes are given in. Nothing is written anywhere; the caller drops it."""
    item = require_media(session, media_id)
    if item.kind != "photo":
        raise UserActionError(_("only photos can be redacted in this version"))
    return decode_upright(original_bytes(session, item))


def make_redacted_copy(
    session: LogbookSession,
    media_id: str,
    boxes: Sequence[Box],
    style: RedactionStyle,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> str:
    """A new item derived from the original, boxes covered, metadata stripped, `anonymised`.

    Progress: the original decrypted, the boxes drawn and re-encoded, the copy encrypted, its
    thumbnail, the commit. A cancel stops between them and keeps no file and no record."""
    item = require_media(session, media_id)
    if item.kind != "photo":
        raise UserActionError(_("only photos can be redacted in this version"))
    if item.is_derivative:
        raise UserActionError(_("redact the original, not a copy"))
    if not boxes:
        raise UsageError(_("give at least one --box x,y,w,h"))
    steps = Steps(progress, cancel, [1, 4, 1, 2], _("redaction cancelled; no copy was made"))
    original = original_bytes(session, item)
    steps.finish(0)
    steps.check()
    redacted = redact(original, boxes, style)
    steps.finish(1)
    steps.check()
    blobs = store(session)
    blob = blobs.write_bytes(redacted)
    steps.finish(2)
    _check_keeping_nothing(steps, blobs, blob)
    thumb = _thumbnail_blob(blobs, blob, "photo")
    steps.finish(3)
    _check_keeping_nothing(steps, blobs, blob, thumb)
    new_item = new_id()
    mime = sniff_mime(redacted[:64], "copy")
    body = {
        "id": new_item,
        "derived_from": item.id,
        "sha256": blob.sha256,
        "size": blob.size,
        "mime": mime,
        "kind": "photo",
        "original_name": _derived_name(item.original_name, mime),
        "metadata": {},
        "consent": ConsentState.ANONYMISED.value,
        "consent_note": None,
        "links": [{"kind": k, "ref": r} for k, r in item.links],
        "redaction": {"style": style, "boxes": [[b.x, b.y, b.w, b.h] for b in boxes]},
    }
    _commit_with_blob(session, blobs, blob, thumb, MEDIA_DERIVED, body)
    return new_item


def redaction_preview(
    small: Image.Image, full_size: tuple[int, int], boxes: Sequence[Box], style: RedactionStyle
) -> Image.Image:
    """What `make_redacted_copy` will make, drawn on `small` (a scaled copy of a photo of
    `full_size`, boxes in its pixels) by the same covering code; fast enough for the GUI thread
    at about 1,000 pixels. `small` itself is left as it is."""
    result = small.copy()
    factor_x, factor_y = small.width / full_size[0], small.height / full_size[1]
    scaled = []
    for box in boxes:
        x = min(int(box.x * factor_x), small.width - 1)
        y = min(int(box.y * factor_y), small.height - 1)
        right = min(max(x + 1, round(box.right * factor_x)), small.width)
        bottom = min(max(y + 1, round(box.bottom * factor_y)), small.height)
        scaled.append(Box(x, y, right - x, bottom - y))
    cover(result, scaled, style)
    return result


def _derived_name(original: str, mime: str) -> str:
    stem = Path(original).stem or "media"
    return f"{stem}-anonymised{'.png' if mime == 'image/png' else '.jpg'}"


def export_file_name(item: MediaItem, *, publication: bool) -> str:
    """The name a window proposes for an exported file: the original's, or for a publication
    copy the original's stem marked as such, in the format the copy is written in."""
    name = Path(readable_file_name(item.original_name).replace("\\", "/")).name  # no folders
    if name in ("", ".", ".."):
        name = "media"
    if not publication:
        return name
    stem = Path(name).stem or "media"
    return f"{stem}-publication{'.png' if item.mime == 'image/png' else '.jpg'}"


def export(
    session: LogbookSession,
    media_id: str,
    out: Path,
    *,
    publication: bool,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> Path:
    """Original bytes, or a publication copy with all metadata removed when consent allows.

    Progress counts the bytes written (a publication copy is decoded and re-encoded first);
    a cancel raises OperationCancelled and leaves no file at `out`, not even a partial one."""
    item = require_media(session, media_id)
    if publication:
        reason = refusal_reason(
            ConsentState(item.consent), MediaUse.PUBLICATION, is_derivative=item.is_derivative
        )
        if reason:
            raise UserActionError(_("publication refused: {reason}").format(reason=reason))
        if item.kind != "photo":
            raise UserActionError(
                _("publication refused: metadata cannot be removed from {kind} files here").format(
                    kind=item.kind
                )
            )
        steps = Steps(progress, cancel, [item.size, item.size], _("export cancelled"))
        data = strip_for_publication(original_bytes(session, item))
        steps.finish(0)
        steps.check()
        write_user_file(out, data, progress=steps.part(1), cancel=cancel)
        return out
    record = find_blob(session.conn, item.sha256)
    if item.purged or record is None:
        raise UserActionError(_("the content of {id} was purged").format(id=item.id))
    with store(session).open(record.file, record.key) as reader:
        write_user_file(out, reader, progress=progress, cancel=cancel, total=item.size)
    return out
