"""What `whoami` tells: the holder's identity as a plain document (also the JSON contract)."""

from __future__ import annotations

from typing import Any

from observer_app.crypto.keys import format_fingerprint
from observer_app.logbook.session import LogbookSession
from observer_app.vault.identity_store import get_person
from observer_app.vault.journal import feed_head


def whoami(session: LogbookSession) -> dict[str, Any]:
    identity = session.identity
    person = get_person(session.conn, identity.feed)
    if person is None:
        raise LookupError("the holder's identity event is missing")
    seq, head_hash = feed_head(session.conn, identity.feed)
    return {
        "name": person.name,
        "role": identity.role,
        "accreditation": person.accreditation,
        "feed": identity.feed,
        "fingerprint": format_fingerprint(identity.feed),
        "fingerprint_short": format_fingerprint(identity.feed, short=True),
        "age_recipient": person.age_recipient,
        "certificate_issuer": identity.certificate.issuer.rfc4514_string(),
        "feed_head": {"seq": seq, "hash": head_hash},
    }
