"""People known to this vault: the holder and, in a coordinator vault, every enrolled author."""

from __future__ import annotations

from typing import TYPE_CHECKING

from observer_app.vault.connection import Connection

if TYPE_CHECKING:
    from observer_app.vault.journal import Event

IDENTITY_DECLARED = "identity.declared"
CERTIFICATE_CHANGED = "identity.certificate"


def _declared(conn: Connection, event: Event) -> None:
    body = event.body
    conn.execute(
        "INSERT INTO people (feed, name, role, accreditation, age_recipient, certificate)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            event.feed,
            body["name"],
            body["role"],
            body.get("accreditation"),
            body["age_recipient"],
            body["certificate"].encode("ascii"),
        ),
    )


def _certificate(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE people SET certificate = ? WHERE feed = ?",
        (event.body["certificate"].encode("ascii"), event.feed),
    )


PROJECTORS = {IDENTITY_DECLARED: _declared, CERTIFICATE_CHANGED: _certificate}
TABLES = ("people",)
