"""Full-text search over incidents, notes and stations, in Cyrillic, Kazakh and Latin script."""

from __future__ import annotations

from typing import Any

from observer_app.core.catalogue import Catalogue
from observer_app.errors import UsageError
from observer_app.i18n import _
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import require_station
from observer_app.vault.queries import timeline as queries_timeline
from observer_app.vault.queries.search import SearchHit, match_expression
from observer_app.vault.queries.search import search as search_index


def search(session: LogbookSession, text: str, limit: int = 50) -> list[SearchHit]:
    """Newest first; every word of 3+ letters must occur (anywhere inside a word)."""
    if match_expression(text) is None:
        raise UsageError(_("Nothing to search for: give a word of at least 3 letters."))
    if limit < 1:
        raise UsageError(_("The limit must be at least 1."))
    return search_index(session.conn, text, limit)


def timeline_filter(
    session: LogbookSession,
    catalogue: Catalogue,
    station: str | None = None,
    category: str | None = None,
    severity: str | None = None,
) -> tuple[str, tuple[Any, ...]]:
    """The `log` filters, validated (unknown station: exit 4; bad category or severity: 2)."""
    return queries_timeline.timeline_filter(
        station=require_station(session, station).code if station is not None else None,
        category=catalogue.category(category).id if category is not None else None,
        severity=catalogue.severity(severity).id if severity is not None else None,
    )
