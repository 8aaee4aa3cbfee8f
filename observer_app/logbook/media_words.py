"""A media item in words: labelled lines in the UI language for `media show` and the window.

The item's JSON form is for scripts; a reader gets "Consent: Public, faces hidden" instead of
`consent: public_redacted`, sizes and positions in units, and only the lines that have a value.
"""

from __future__ import annotations

from collections.abc import Sequence

from observer_app.core.catalogue import Catalogue
from observer_app.core.evidence import EvidenceWarning
from observer_app.i18n import _
from observer_app.logbook.localtime import format_local
from observer_app.logbook.record_words import LINK_KIND_NAMES, MEDIA_KIND_NAMES, RecordWords, named
from observer_app.logbook.refs import record_labels
from observer_app.logbook.session import LogbookSession
from observer_app.vault.queries.media import MediaItem

_RECORD_LINKS = ("incident", "answer")  # linked by id; stations and protocols by their code


def media_words(
    session: LogbookSession, items: Sequence[MediaItem], catalogue: Catalogue
) -> RecordWords:
    """The catalogue's words plus the short references of the items, the originals they were
    copied from and the records they are linked to."""
    ids: list[str] = []
    for item in items:
        ids.append(item.id)
        if item.derived_from:
            ids.append(item.derived_from)
        ids += [ref for kind, ref in item.links if kind in _RECORD_LINKS]
    return RecordWords(catalogue, record_labels(session, ids))


def media_list_lines(
    session: LogbookSession, items: Sequence[MediaItem], catalogue: Catalogue
) -> list[str]:
    """One line per item for `media list`: reference, kind, consent and file, in words."""
    words = media_words(session, items, catalogue)
    lines = []
    for item in items:
        flags = [
            flag for flag, on in ((_("purged"), item.purged), (_("copy"), item.is_derivative)) if on
        ]
        kind = named(MEDIA_KIND_NAMES, item.kind)
        flags.insert(0, words.consent(item.consent))
        lines.append(
            f"{words.ref(item.id):<6} {kind:<12} {item.original_name} ({'; '.join(flags)})"
        )
    return lines


def _position(item: MediaItem) -> str | None:
    if item.gps_lat_microdeg is None or item.gps_lon_microdeg is None:
        return None
    return f"{item.gps_lat_microdeg / 1e6:.6f}, {item.gps_lon_microdeg / 1e6:.6f}"


def media_lines(
    item: MediaItem, words: RecordWords, warnings: Sequence[EvidenceWarning] = ()
) -> list[tuple[str, str]]:
    """(label, value) pairs, in reading order, leaving out what the item does not have."""
    camera = " ".join(p for p in (item.camera_make, item.camera_model) if p) or None
    duration = (
        _("{seconds} s").format(seconds=item.duration_ms // 1000)
        if item.duration_ms is not None
        else None
    )
    size = (
        _("{width} × {height} pixels").format(width=item.width, height=item.height)
        if item.width and item.height
        else None
    )
    links = ", ".join(
        f"{named(LINK_KIND_NAMES, kind)} {words.ref(ref) if kind in _RECORD_LINKS else ref}"
        for kind, ref in item.links
    )
    lines: list[tuple[str, str | None]] = [
        (_("Reference"), words.refs.get(item.id)),
        (_("Id"), item.id),
        (_("Kind"), named(MEDIA_KIND_NAMES, item.kind)),
        (_("File"), item.original_name),
        (_("Size"), _("{count} bytes").format(count=item.size)),
        (_("Type"), item.mime),
        (_("SHA-256"), item.sha256),
        (_("Imported"), format_local(item.time_utc, item.tz)),
        (_("Taken"), item.capture_time),
        (_("Camera"), camera),
        (_("Image size"), size),
        (_("Position"), _position(item)),
        (_("Duration"), duration),
        (_("Metadata could not be read"), item.decode_error),
        (_("Consent"), words.consent(item.consent)),
        (_("Consent note"), item.consent_note),
        (_("Copy of"), words.ref(item.derived_from) if item.derived_from else None),
        (_("Linked to"), links or None),
        (_("Content purged"), item.purge_reason if item.purged else None),
    ]
    lines += [(_("Warning"), warning.text) for warning in warnings]
    return [(label, value) for label, value in lines if value not in (None, "")]
