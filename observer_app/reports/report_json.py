"""The machine-readable report attached to the PDF, and the check that it belongs to the PDF.

The attachment holds the report's data for its audience: pseudonymised for `public`, with the
hashes of the signed events it derives from; the full signed events (payload and signature,
base64) and the feeds' public keys for `complaint` and `internal`, so that anyone can re-check
every record against its author's key without the vault.

"Matches the document": the report id, audience, language and journal heads that the pages
print are also written into the PDF's document information (`/Keywords`, a stamp this module
formats), which the signature covers. `attachment_matches` re-derives the stamp from the JSON
and compares: data lifted from another report, or edited before signing by someone holding a
key, does not pass.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader

from observer_app.core.audience import Audience
from observer_app.crypto.canonical_json import canonicalize
from observer_app.reports.builder import (
    AnswerView,
    IncidentView,
    MediaView,
    ReportView,
    StationView,
)
from observer_app.reports.data import Author

ATTACHMENT_NAME = "report.json"
FORMAT_NAME = "observer-logbook-report"
FORMAT_VERSION = 1
_STAMP_PREFIX = f"{FORMAT_NAME}/{FORMAT_VERSION}"


def document_stamp(report_id: str, audience: str, lang: str, heads: Sequence[Author]) -> str:
    """One line for the PDF's `/Keywords`: what the pages state, in a parseable form."""
    head_text = ",".join(f"{a.feed}:{a.head_seq}:{a.head_hash or '-'}" for a in heads)
    return f"{_STAMP_PREFIX} id={report_id} audience={audience} lang={lang} heads={head_text}"


def view_stamp(view: ReportView) -> str:
    return document_stamp(view.report_id, view.audience.value, view.lang, view.authors)


def build_document(view: ReportView, public_keys: dict[str, bytes]) -> dict[str, Any]:
    policy = view.policy
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "report_id": view.report_id,
        "audience": view.audience.value,
        "lang": view.lang,
        "generated_utc": view.generated_utc,
        "signer": {
            "name": view.signer.name,
            "accreditation": view.signer.accreditation,
            "feed": view.signer.feed,
            "fingerprint": view.fingerprint,
        },
        "journal_heads": [_head(a) for a in view.authors],
        "catalogue": {
            "version": view.catalogue_version,
            "legal_framework_date": view.legal_framework_date,
        },
        "period": {"from": view.period[0], "to": view.period[1]},
        "mission": view.mission.to_json() if view.mission else None,
        "stations": [_station(s, view.policy.show_annotations) for s in view.stations],
        "media": [_media(m) for m in view.media],
        "withheld": [w.to_json() for w in view.withheld],
        "complaint": (
            {"commission": view.commission, "incidents": list(view.complaint_incidents)}
            if view.audience is Audience.COMPLAINT
            else None
        ),
    }
    if policy.full_events:
        document["events"] = [
            {
                "feed": e.feed,
                "seq": e.seq,
                "hash": e.hash,
                "payload": base64.b64encode(e.payload).decode("ascii"),
                "signature": base64.b64encode(e.signature).decode("ascii"),
            }
            for e in view.events
        ]
        document["feeds"] = [
            {"feed": feed, "public_key": base64.b64encode(key).decode("ascii")}
            for feed, key in sorted(public_keys.items())
        ]
    else:
        document["events"] = [
            {"feed": e.feed, "seq": e.seq, "hash": e.hash, "type": e.type} for e in view.events
        ]
    return document


def encode_document(document: dict[str, Any]) -> bytes:
    """RFC 8785 canonical JSON (UTF-8): the same data always gives the same bytes."""
    return canonicalize(document, allow_floats=False)


def _head(author: Author) -> dict[str, Any]:
    return {"feed": author.feed, "seq": author.head_seq, "hash": author.head_hash}


def _station(view: StationView, annotations: bool) -> dict[str, Any]:
    """One station; with `annotations` (internal reports), the coordinator's assessments."""
    row = view.station
    return {
        "id": row.id,
        "feed": row.feed,
        "code": row.code,
        "number": row.number,
        "name": row.name,
        "address": row.address,
        "region": row.region,
        "commission": row.commission,
        "tz": row.tz,
        "visits": [v.to_json() for v in view.visits],
        "checklist": [_answer(a) for a in view.answers],
        "incidents": [_incident(i, annotations) for i in view.incidents],
        "observers": list(view.feeds),
        "protocols": [
            {
                "feed": copy.feed,
                "records": list(copy.protocol.records),
                "figures": dict(copy.protocol.figures),
                "ignored": dict(copy.protocol.ignored),
                **(
                    {"verified": sorted(f for f, ok in copy.protocol.verified.items() if ok)}
                    if annotations
                    else {}
                ),
                "evaluation": (
                    copy.protocol.evaluation.to_json() if copy.protocol.evaluation else None
                ),
            }
            for copy in view.protocols
        ],
        "media": [m.id for m in view.media],
    }


def _answer(view: AnswerView) -> dict[str, Any]:
    answer = view.answer
    return {
        **answer.entry_json(),
        "phase": answer.phase,
        "item": answer.item,
        "earlier": [{"value": value, "time_utc": time} for value, time in view.earlier],
    }


# The station an incident belongs to is its section's; the amendment count is its history's.
_INCIDENT_KEYS_LEFT_OUT = ("station", "amended")


def _incident(view: IncidentView, annotations: bool) -> dict[str, Any]:
    document = view.incident.to_json()
    for key in _INCIDENT_KEYS_LEFT_OUT:
        del document[key]
    if annotations:
        document["annotation"] = view.annotation.to_json() if view.annotation else None
    document.update(
        {
            "event_hash": view.hash,
            "history": [
                {
                    "kind": h.kind,
                    "time_utc": h.time_utc,
                    "tz": h.tz,
                    "event_hash": h.hash,
                    "changes": dict(h.changes),
                    "reason": h.reason,
                }
                for h in view.history
            ],
            "media": list(view.media),
        }
    )
    return document


def _media(media: MediaView) -> dict[str, Any]:
    return {
        "id": media.id,
        "feed": media.feed,
        "sha256": media.sha256,
        "size": media.size,
        "mime": media.mime,
        "kind": media.kind,
        "original_name": media.name,
        "capture_time": media.capture_time,
        "time_utc": media.time_utc,
        "tz": media.tz,
        "gps_microdeg": list(media.gps) if media.gps else None,
        "duration_ms": media.duration_ms,
        "decodable": media.decodable,
        "consent": media.consent,
        "consent_note": media.consent_note,
        "derived_from": media.derived_from,
        "purged": media.purged,
    }


# -- checking ---------------------------------------------------------------------------------


def stamp_from_document(document: Any) -> str:
    """The stamp the JSON implies; ValueError when the JSON is not a report of a known form."""
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ValueError("not an observer report")
    version = document.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ValueError("unknown report format version")
    heads = [
        Author(str(h["feed"]), "", None, int(h["seq"]), h.get("hash"))
        for h in document["journal_heads"]
    ]
    return document_stamp(
        str(document["report_id"]), str(document["audience"]), str(document["lang"]), heads
    )


def pdf_stamp(pdf: bytes) -> str | None:
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    try:
        keywords = reader.trailer["/Info"]["/Keywords"]
    except KeyError:
        return None
    return str(keywords)


def attachment_matches(pdf: bytes, data: bytes) -> bool:
    """The `attachment_check` for `verify_pdf`: the JSON states what the document states.

    Raises ValueError (counted as "no match" by the verifier) for data that is not JSON.
    """
    return document_matches(pdf, _decode(data))


def document_matches(pdf: bytes, document: Any) -> bool:
    """`attachment_matches` for data already decoded; ValueError for a malformed document."""
    try:
        expected = stamp_from_document(document)
    except (AttributeError, KeyError, TypeError) as error:
        raise ValueError("malformed report data") from error
    return pdf_stamp(pdf) == expected


class ReportDataCheck:
    """An `attachment_check` that keeps the document it decoded when it matched.

    A verifier that goes on to read the report's data (its id, signer, journal heads) takes it
    from here instead of extracting and decoding the attachment a second time. One instance per
    verification: `document` is the data of the last file checked, None unless it matched.
    """

    def __init__(self) -> None:
        self.document: dict[str, Any] | None = None

    def __call__(self, pdf: bytes, data: bytes) -> bool:
        self.document = None
        document = _decode(data)
        matches = document_matches(pdf, document)
        if matches and isinstance(document, dict):  # a matching stamp implies a dict
            self.document = document
        return matches


def _decode(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError("malformed report data") from error


def parse_attachment(data: bytes) -> dict[str, Any]:
    document = json.loads(data.decode("utf-8"))
    if not isinstance(document, dict):
        raise ValueError("not an observer report")
    return document
