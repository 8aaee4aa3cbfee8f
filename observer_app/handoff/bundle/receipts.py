"""Receipts: the coordinator's signed word that it holds an observer's feed up to a seq.

The coordinator writes one per bundle it accepted (or already held), signed with its key and
sealed to the observer: author, up to which seq, that event's hash, and the media hashes it
received. The observer checks the signature against a coordinator it pinned and the hash against
its own journal, then records `handoff.acknowledged`; the next export starts after that seq.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observer_app.core.ids import new_id
from observer_app.core.schema import List, Object, UtcTime
from observer_app.core.timeutil import format_utc, utc_now
from observer_app.errors import NotValidError, UserActionError
from observer_app.handoff.documents import (
    DocumentError,
    check_document,
    field,
    open_document,
    read_document_file,
    seal,
    sign_document,
    unseal,
    write_document_file,
)
from observer_app.handoff.holder import HolderSession, require_role
from observer_app.i18n import _
from observer_app.vault.connection import Transaction
from observer_app.vault.event_fields import FEED, HASH, ID, SEQ, required
from observer_app.vault.projection.handoff import HANDOFF_ACKNOWLEDGED, MAX_RECEIPT_MEDIA
from observer_app.vault.queries.handoff import event_hash, receipt_recorded
from observer_app.vault.queries.pins import current_pin, pin_history
from observer_app.vault.queries.roster import enrolled_observer

RECEIPT_TYPE = "handoff-receipt"
RECEIPT_CONTENT = Object(
    {
        "receipt_id": required(ID),
        "bundle_id": required(ID),
        "issued_utc": required(UtcTime()),
        "coordinator": required(FEED),
        "author": required(FEED),
        "up_to_seq": required(SEQ),
        "head_hash": required(HASH),
        "media": required(List(HASH, MAX_RECEIPT_MEDIA)),
    }
)
_HEX64 = re.compile(r"[0-9a-f]{64}", re.ASCII)


@dataclass(frozen=True)
class Receipt:
    receipt_id: str
    bundle_id: str
    issued_utc: str
    coordinator: str
    author: str
    up_to_seq: int
    head_hash: str
    media: tuple[str, ...]

    def content(self) -> dict[str, Any]:
        return {
            "receipt_id": self.receipt_id,
            "bundle_id": self.bundle_id,
            "issued_utc": self.issued_utc,
            "coordinator": self.coordinator,
            "author": self.author,
            "up_to_seq": self.up_to_seq,
            "head_hash": self.head_hash,
            "media": list(self.media),
        }


def write_receipt(
    session: HolderSession,
    out_dir: Path,
    *,
    author: str,
    bundle_id: str,
    up_to_seq: int,
    head_hash: str,
    media: tuple[str, ...],
    receipt_id: str | None = None,
) -> Path:
    """Sign and seal a receipt for `author` (an observer enrolled here) into `out_dir`."""
    require_role(session, "coordinator")
    observer = enrolled_observer(session.conn, session.identity.feed, author)
    if observer is None:
        raise UserActionError(_("the author is not enrolled with this coordinator"))
    receipt = Receipt(
        receipt_id=receipt_id or new_id(),
        bundle_id=bundle_id,
        issued_utc=format_utc(utc_now()),
        coordinator=session.identity.feed,
        author=author,
        up_to_seq=up_to_seq,
        head_hash=head_hash,
        media=media,
    )
    data = sign_document(session.identity.signing_key, RECEIPT_TYPE, receipt.content())
    return write_document_file(out_dir, seal(data, observer.age_recipient), "age")


def _invalid(reason: str) -> NotValidError:
    return NotValidError(_("the receipt is not valid: {reason}").format(reason=reason))


def _parse(data: bytes) -> tuple[Receipt, Any]:
    opened = open_document(data, RECEIPT_TYPE)
    document = opened.document
    check_document(document, RECEIPT_CONTENT)
    media = field(document, "media", list)
    hashes = [field(document, "head_hash", str), *media]
    if not all(isinstance(h, str) and _HEX64.fullmatch(h) for h in hashes):
        raise DocumentError(_("a hash in it is malformed"))
    receipt = Receipt(
        receipt_id=field(document, "receipt_id", str),
        bundle_id=field(document, "bundle_id", str),
        issued_utc=field(document, "issued_utc", str),
        coordinator=field(document, "coordinator", str),
        author=field(document, "author", str),
        up_to_seq=field(document, "up_to_seq", int),
        head_hash=document["head_hash"],
        media=tuple(media),
    )
    return receipt, opened


@dataclass(frozen=True)
class AcceptedReceipt:
    receipt: Receipt
    coordinator_name: str
    already_recorded: bool


def accept_receipt(session: HolderSession, path: Path) -> AcceptedReceipt:
    """Verify a receipt (pinned coordinator, this journal) and record `handoff.acknowledged`."""
    require_role(session, "observer")
    conn, identity = session.conn, session.identity
    data = unseal(
        read_document_file(path),
        identity.age_identity,
        _("the receipt is encrypted to someone else"),
    )
    try:
        receipt, opened = _parse(data)
    except DocumentError as error:
        raise _invalid(error.message) from None
    pins = [p for p in pin_history(conn, identity.feed) if p.coordinator == receipt.coordinator]
    if not pins:
        raise _invalid(_("it is signed by a coordinator this vault has not pinned"))
    pin = pins[-1]
    now = current_pin(conn, identity.feed)
    if now is None or now.coordinator != receipt.coordinator:
        # A coordinator the observer moved away from no longer decides what was handed over.
        raise _invalid(_("it is signed by a coordinator this vault is no longer pinned to"))
    if not opened.signed_by(pin.coordinator_key):
        raise _invalid(_("bad signature"))
    if receipt.author != identity.feed:
        raise _invalid(_("it acknowledges another observer's logbook"))
    if event_hash(conn, identity.feed, receipt.up_to_seq) != receipt.head_hash:
        raise _invalid(
            _("it does not match this logbook's event seq {seq}").format(seq=receipt.up_to_seq)
        )
    if receipt_recorded(conn, identity.feed, receipt.receipt_id):
        return AcceptedReceipt(receipt, pin.coordinator_name, True)
    with Transaction(conn):
        session.append_in_transaction(
            HANDOFF_ACKNOWLEDGED,
            {
                "coordinator": receipt.coordinator,
                "receipt_id": receipt.receipt_id,
                "bundle_id": receipt.bundle_id,
                "up_to_seq": receipt.up_to_seq,
                "head_hash": receipt.head_hash,
                "media": list(receipt.media),
                "issued_utc": receipt.issued_utc,
            },
        )
    return AcceptedReceipt(receipt, pin.coordinator_name, False)
