"""What the handoff services need of an open vault, and checks every handoff command shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from observer_app.core.changes import ChangeNotifier
from observer_app.crypto import keys
from observer_app.errors import UsageError, UserActionError
from observer_app.i18n import _
from observer_app.vault.connection import Connection
from observer_app.vault.identity_store import HolderIdentity, get_person
from observer_app.vault.journal import Event
from observer_app.vault.store import Vault


class HolderSession(Protocol):
    """What the handoff services need of an open vault; `LogbookSession` is one.

    A protocol rather than the class itself, because features sit below the application layer
    and must not import it (DESIGN.md "Shape").
    """

    changes: ChangeNotifier
    # Asks the person a yes/no question; nobody to ask means no.
    confirm: Callable[[str], bool]

    @property
    def vault(self) -> Vault: ...

    @property
    def identity(self) -> HolderIdentity: ...

    @property
    def conn(self) -> Connection: ...

    def reload_identity(self) -> None: ...

    def append_in_transaction(
        self,
        event_type: str,
        body: Mapping[str, Any],
        tz: str | None = None,
        time_utc: str | None = None,
    ) -> Event: ...


def require_role(session: HolderSession, role: str) -> None:
    if session.identity.role != role:
        if role == "coordinator":
            raise UserActionError(_("this needs a coordinator's vault; this one is an observer's"))
        raise UserActionError(_("this needs an observer's vault; this one is a coordinator's"))


def parse_fingerprint(text: str) -> str:
    try:
        return keys.normalize_fingerprint(text)
    except ValueError:
        raise UsageError(
            _("a fingerprint has 64 hex digits (16 groups of 4): {value}").format(value=text)
        ) from None


def holder_name(conn: Connection, feed: str) -> tuple[str, str | None]:
    person = get_person(conn, feed)
    if person is None:
        raise LookupError("the holder's identity event is missing")
    return person.name, person.accreditation
