"""People known to this vault: the holder and, in a coordinator vault, every enrolled author."""

from __future__ import annotations

from typing import TYPE_CHECKING

from observer_app.core.roles import ROLES
from observer_app.core.schema import Text
from observer_app.vault.connection import Connection
from observer_app.vault.event_fields import (
    AGE_RECIPIENT,
    BASE64_KEY,
    NAME,
    PEM,
    EventSchema,
    body,
    optional,
    required,
)

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
SCHEMAS = {
    IDENTITY_DECLARED: EventSchema(
        body(
            name=required(NAME),
            role=required(Text(32, vocabulary=ROLES)),
            accreditation=optional(Text(200)),
            public_key=required(BASE64_KEY),
            certificate=required(PEM),
            age_recipient=required(AGE_RECIPIENT),
        )
    ),
    CERTIFICATE_CHANGED: EventSchema(body(certificate=required(PEM))),
}
TABLES = ("people",)
