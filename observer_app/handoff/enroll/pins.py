"""The pin an observer needs before anything can be handed over."""

from __future__ import annotations

from observer_app.errors import UserActionError
from observer_app.handoff.holder import HolderSession
from observer_app.i18n import _
from observer_app.vault.queries.pins import Pin, current_pin


def require_pin(session: HolderSession) -> Pin:
    pin = current_pin(session.conn, session.identity.feed)
    if pin is None:
        raise UserActionError(
            _("this vault is not enrolled: accept a setup package first ('enroll accept')")
        )
    return pin
