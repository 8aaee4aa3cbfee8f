"""The people whose records a vault holds, by feed: how views name them and how `--observer`
finds one.

A coordinator's vault holds many feeds; every merged view names the observer of each record
(`people`, filled from each feed's signed `identity.declared`), and `--observer` takes a
fingerprint (full, short, with or without spaces, any case; 8+ hex digits as a prefix) or a
name (any case; a part of a name when only one person matches).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from observer_app.core.fingerprint import format_fingerprint
from observer_app.errors import UsageError
from observer_app.i18n import _
from observer_app.logbook.session import LogbookSession

_HEX = re.compile(r"[0-9a-f]{8,64}", re.ASCII)


@dataclass(frozen=True)
class Person:
    """One feed the vault holds, as views name it."""

    feed: str
    name: str
    role: str
    accreditation: str | None

    @property
    def short_fingerprint(self) -> str:
        return format_fingerprint(self.feed, short=True)

    def to_json(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "fingerprint": format_fingerprint(self.feed),
            "name": self.name,
            "role": self.role,
            "accreditation": self.accreditation,
        }


def people(session: LogbookSession) -> list[Person]:
    """Everyone whose feed the vault holds, by name."""
    rows = session.conn.execute(
        "SELECT feed, name, role, accreditation FROM people ORDER BY name, feed"
    ).fetchall()
    return [Person(str(r[0]), str(r[1]), str(r[2]), r[3]) for r in rows]


def names_by_feed(session: LogbookSession) -> dict[str, str]:
    """feed -> name, for naming the observer on each line of a view."""
    return {person.feed: person.name for person in people(session)}


def observer_name(names: dict[str, str], feed: str) -> str:
    """The name a view prints for a feed; a feed nobody declared shows its short fingerprint."""
    return names.get(feed) or format_fingerprint(feed, short=True)


def resolve_observer(session: LogbookSession, text: str | None) -> str | None:
    """The feed that `--observer FP|NAME` means (None: no filter); a usage error (exit 2) when
    nobody or several people match, listing the choices."""
    if text is None:
        return None
    wanted = " ".join(text.split())
    everyone = people(session)
    digits = wanted.replace(" ", "").lower()
    if _HEX.fullmatch(digits):
        by_fingerprint = [p for p in everyone if p.feed.startswith(digits)]
        if len(by_fingerprint) == 1:
            return by_fingerprint[0].feed
    folded = wanted.casefold()
    exact = [p for p in everyone if p.name.casefold() == folded]
    matches = exact or [p for p in everyone if folded and folded in p.name.casefold()]
    if len(matches) == 1:
        return matches[0].feed
    choices = "; ".join(f"{p.name} ({p.short_fingerprint})" for p in (matches or everyone))
    if matches:
        raise UsageError(
            _("Several people match {observer}: {choices}").format(observer=wanted, choices=choices)
        )
    raise UsageError(
        _("Nobody in this vault matches {observer}; known: {choices}").format(
            observer=wanted, choices=choices or "-"
        )
    )
