"""What `whoami` tells: the holder's identity and where their feed stands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from observer_app.crypto.keys import format_fingerprint
from observer_app.logbook.session import LogbookSession
from observer_app.vault.identity_store import get_person
from observer_app.vault.journal import feed_head


@dataclass(frozen=True)
class FeedHead:
    """The last event of a feed: its seq (0 for none) and hash (None for none)."""

    seq: int
    hash: str | None


@dataclass(frozen=True)
class Holder:
    """The vault holder as the shells show them; `to_json` is the `whoami --json` contract."""

    name: str
    role: str
    accreditation: str | None
    feed: str
    age_recipient: str
    certificate_issuer: str
    feed_head: FeedHead

    @property
    def fingerprint(self) -> str:
        return format_fingerprint(self.feed)

    @property
    def fingerprint_short(self) -> str:
        return format_fingerprint(self.feed, short=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "accreditation": self.accreditation,
            "feed": self.feed,
            "fingerprint": self.fingerprint,
            "fingerprint_short": self.fingerprint_short,
            "age_recipient": self.age_recipient,
            "certificate_issuer": self.certificate_issuer,
            "feed_head": {"seq": self.feed_head.seq, "hash": self.feed_head.hash},
        }


def whoami(session: LogbookSession) -> Holder:
    identity = session.identity
    person = get_person(session.conn, identity.feed)
    if person is None:
        raise LookupError("the holder's identity event is missing")
    seq, head_hash = feed_head(session.conn, identity.feed)
    return Holder(
        name=person.name,
        role=identity.role,
        accreditation=person.accreditation,
        feed=identity.feed,
        age_recipient=person.age_recipient,
        certificate_issuer=identity.certificate.issuer.rfc4514_string(),
        feed_head=FeedHead(seq=seq, hash=head_hash),
    )
