"""One-line timeline descriptions of the enrollment and handoff events (`log`).

`logbook/timeline.py` merges `HANDOFF_DESCRIBERS` into its table. They read only the event
itself: in a coordinator's vault an observer's pins and acknowledgements arrive as part of
the observer's feed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from observer_app.crypto.keys import format_fingerprint
from observer_app.i18n import _
from observer_app.vault.journal import Event
from observer_app.vault.projection.enrollment import (
    COORDINATOR_PINNED,
    OBSERVER_ENROLLED,
    OBSERVER_REVOKED,
)
from observer_app.vault.projection.handoff import HANDOFF_ACKNOWLEDGED, HANDOFF_RECEIVED

Describer = Callable[[Event], str]


def _short(feed: object) -> str:
    text = str(feed or "")
    return format_fingerprint(text, short=True) if len(text) == 64 else "?"


def _enrolled(event: Event) -> str:
    stations = event.body.get("stations") or []
    return _("enrolled {name} ({fingerprint}), stations: {stations}").format(
        name=event.body.get("name", "?"),
        fingerprint=_short(event.body.get("observer")),
        stations=", ".join(str(s) for s in stations) or "-",
    )


def _revoked(event: Event) -> str:
    return _("revoked the key of {fingerprint}: {reason}").format(
        fingerprint=_short(event.body.get("observer")), reason=event.body.get("reason", "")
    )


def _pinned(event: Event) -> str:
    coordinator = event.body.get("coordinator") or {}
    mission = event.body.get("mission") or {}
    return _("pinned coordinator {name} ({fingerprint}) for {mission}").format(
        name=coordinator.get("name", "?"),
        fingerprint=_short(coordinator.get("feed")),
        mission=mission.get("name", "-"),
    )


def _acknowledged(event: Event) -> str:
    return _("receipt: the coordinator holds this logbook up to seq {seq}").format(
        seq=event.body.get("up_to_seq", "?")
    )


def _received(event: Event) -> str:
    return _(
        "bundle received from {fingerprint}: seq {first}..{last}, media items: {media}"
    ).format(
        fingerprint=_short(event.body.get("author")),
        first=event.body.get("from_seq", "?"),
        last=event.body.get("to_seq", "?"),
        media=event.body.get("media_count", 0),
    )


HANDOFF_DESCRIBERS: Mapping[str, Describer] = {
    OBSERVER_ENROLLED: _enrolled,
    OBSERVER_REVOKED: _revoked,
    COORDINATOR_PINNED: _pinned,
    HANDOFF_ACKNOWLEDGED: _acknowledged,
    HANDOFF_RECEIVED: _received,
}
