"""The manifest of a bundle and the line format of its events.

A bundle's tar stream holds, in this order: `manifest.json` (a signed document, see
`documents.py`), `events.jsonl` (the author's events, one a line) and one `media/<sha256>` member
per media item the manifest lists. The manifest is signed by the author and says what the rest
must be: whose feed, for which coordinator, seq `from_seq..to_seq`, the hash of the event before
(`after_hash`) and of the last one (`head_hash`), how many events, and the SHA-256 and size of
every media member. docs/formats/bundle.md is the byte-level description.

An events line is `{"event":<the signed event bytes, verbatim>,"signature":"<base64 DER>"}` and
a newline: valid (even canonical) JSON for `jq`, and the exact signed bytes are cut out of the
line without re-serialising anything.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from observer_app.core.ids import new_id
from observer_app.core.timeutil import format_utc, utc_now
from observer_app.crypto import keys
from observer_app.handoff.documents import (
    DocumentError,
    OpenedDocument,
    field,
    open_document,
    optional_field,
    sign_document,
)
from observer_app.i18n import _

MANIFEST_TYPE = "bundle-manifest"
MANIFEST_MEMBER = "manifest.json"
EVENTS_MEMBER = "events.jsonl"
MEDIA_PREFIX = "media/"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_EVENT_LINE = 16 * 1024 * 1024
MANIFEST_FIELDS = frozenset(
    {"type", "v", "bundle_id", "created_utc", "author", "coordinator", "from_seq", "to_seq"}
    | {"after_hash", "head_hash", "events", "media"}
)
MEDIA_FIELDS = frozenset({"sha256", "size"})

_LINE_HEAD = b'{"event":'
_LINE_MIDDLE = b',"signature":"'
_LINE_TAIL = b'"}\n'
_HEX64 = re.compile(r"[0-9a-f]{64}", re.ASCII)


@dataclass(frozen=True)
class MediaEntry:
    sha256: str
    size: int

    @property
    def member_name(self) -> str:
        return MEDIA_PREFIX + self.sha256


@dataclass(frozen=True)
class Manifest:
    bundle_id: str
    created_utc: str
    author: str
    coordinator: str
    from_seq: int
    to_seq: int
    after_hash: str | None
    head_hash: str
    event_count: int
    media: tuple[MediaEntry, ...]

    @property
    def media_bytes(self) -> int:
        return sum(m.size for m in self.media)

    def content(self) -> dict[str, Any]:
        return {
            "bundle_id": self.bundle_id,
            "created_utc": self.created_utc,
            "author": self.author,
            "coordinator": self.coordinator,
            "from_seq": self.from_seq,
            "to_seq": self.to_seq,
            "after_hash": self.after_hash,
            "head_hash": self.head_hash,
            "events": self.event_count,
            "media": [{"sha256": m.sha256, "size": m.size} for m in self.media],
        }


def new_manifest(
    author: str,
    coordinator: str,
    from_seq: int,
    to_seq: int,
    after_hash: str | None,
    head_hash: str,
    media: Sequence[MediaEntry],
) -> Manifest:
    return Manifest(
        bundle_id=new_id(),
        created_utc=format_utc(utc_now()),
        author=author,
        coordinator=coordinator,
        from_seq=from_seq,
        to_seq=to_seq,
        after_hash=after_hash,
        head_hash=head_hash,
        event_count=to_seq - from_seq + 1,
        media=tuple(media),
    )


def sign_manifest(manifest: Manifest, key: keys.SignerKey) -> bytes:
    return sign_document(key, MANIFEST_TYPE, manifest.content())


def _hex64(value: Any, name: str) -> str:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise DocumentError(
            _("the document's field '{name}' is missing or wrong").format(name=name)
        )
    return value


def _positive(document: dict[str, Any], name: str) -> int:
    value = field(document, name, int)
    if value < 1:
        raise DocumentError(
            _("the document's field '{name}' is missing or wrong").format(name=name)
        )
    return int(value)


def parse_manifest(data: bytes) -> tuple[Manifest, OpenedDocument]:
    """The manifest and its envelope; DocumentError when malformed (signature not checked)."""
    opened = open_document(data, MANIFEST_TYPE)
    document = opened.document
    unknown = sorted(set(document) - MANIFEST_FIELDS)
    if unknown:
        raise DocumentError(
            _("the document has an unknown field '{name}'").format(name=unknown[0][:64])
        )
    from_seq, to_seq = _positive(document, "from_seq"), _positive(document, "to_seq")
    after_hash = optional_field(document, "after_hash", str)
    if to_seq < from_seq or (from_seq == 1) != (after_hash is None):
        raise DocumentError(_("the manifest's seq range is inconsistent"))
    media: list[MediaEntry] = []
    for item in field(document, "media", list):
        if not isinstance(item, dict) or set(item) != MEDIA_FIELDS:
            raise DocumentError(_("the manifest's media list is malformed"))
        size = field(item, "size", int)
        if size < 0:
            raise DocumentError(_("the manifest's media list is malformed"))
        media.append(MediaEntry(_hex64(item.get("sha256"), "sha256"), int(size)))
    if len({m.sha256 for m in media}) != len(media):
        raise DocumentError(_("the manifest lists a media item twice"))
    manifest = Manifest(
        bundle_id=field(document, "bundle_id", str),
        created_utc=field(document, "created_utc", str),
        author=_hex64(document.get("author"), "author"),
        coordinator=_hex64(document.get("coordinator"), "coordinator"),
        from_seq=from_seq,
        to_seq=to_seq,
        after_hash=None if after_hash is None else _hex64(after_hash, "after_hash"),
        head_hash=_hex64(document.get("head_hash"), "head_hash"),
        event_count=_positive(document, "events"),
        media=tuple(media),
    )
    if manifest.event_count != to_seq - from_seq + 1:
        raise DocumentError(_("the manifest's event count does not match its seq range"))
    return manifest, opened


def event_line(payload: bytes, signature: bytes) -> bytes:
    return b"".join((_LINE_HEAD, payload, _LINE_MIDDLE, base64.b64encode(signature), _LINE_TAIL))


def event_line_size(payload_size: int, signature_size: int) -> int:
    encoded_signature = 4 * -(-signature_size // 3)
    return len(_LINE_HEAD) + payload_size + len(_LINE_MIDDLE) + encoded_signature + len(_LINE_TAIL)


def split_event_line(line: bytes) -> tuple[bytes, bytes]:
    """(payload, signature) of one events line; ValueError when it is not one."""
    if not line.startswith(_LINE_HEAD) or not line.endswith(_LINE_TAIL):
        raise ValueError("not an events line")
    middle = line.rfind(_LINE_MIDDLE)
    if middle < len(_LINE_HEAD):
        raise ValueError("not an events line")
    payload = line[len(_LINE_HEAD) : middle]
    try:
        signature = base64.b64decode(
            line[middle + len(_LINE_MIDDLE) : -len(_LINE_TAIL)], validate=True
        )
    except (binascii.Error, ValueError):
        raise ValueError("bad signature encoding") from None
    return payload, signature
