"""Paged read models for a window's lists: incidents, media with their links, search results and
stations with their counts (the timeline's are in `timeline`).

Each list returns a `Page` of typed rows and a cursor for the next one (keyset, never OFFSET, so
rows recorded between two pages are neither repeated nor skipped); counts are separate calls,
each one indexed count. The shells import these, never the vault's queries.
"""

from __future__ import annotations

from observer_app.core.incidents import Incident
from observer_app.core.paging import DEFAULT_PAGE, Cursor, Page
from observer_app.logbook.search import query_words
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.timeline import shipped_catalogue
from observer_app.vault.queries import incidents as incident_queries
from observer_app.vault.queries import media as media_queries
from observer_app.vault.queries import search as search_queries
from observer_app.vault.queries import stations as station_queries
from observer_app.vault.queries.media import MEDIA_ORDERS as MEDIA_ORDERS
from observer_app.vault.queries.media import MediaItem as MediaItem
from observer_app.vault.queries.search import SearchHit as SearchHit
from observer_app.vault.queries.stations import StationListRow as StationListRow


def incidents_page(
    session: LogbookSession,
    after: Cursor | None = None,
    limit: int = DEFAULT_PAGE,
    *,
    station: str | None = None,
    category: str | None = None,
    severity: str | None = None,
    include_voided: bool = True,
) -> Page[Incident]:
    """Incidents of every feed, newest first by the time they happened."""
    return incident_queries.incidents_page(
        session.conn,
        after,
        limit,
        station=station,
        category=category,
        severity=severity,
        include_voided=include_voided,
    )


def count_incidents(
    session: LogbookSession,
    *,
    station: str | None = None,
    category: str | None = None,
    severity: str | None = None,
    include_voided: bool = True,
) -> int:
    return incident_queries.count_incidents(
        session.conn,
        station=station,
        category=category,
        severity=severity,
        include_voided=include_voided,
    )


def media_page(
    session: LogbookSession,
    after: Cursor | None = None,
    limit: int = DEFAULT_PAGE,
    *,
    link_kind: str | None = None,
    link_ref: str | None = None,
    station: str | None = None,
    kind: str | None = None,
    consent: str | None = None,
    order: str = "imported",
) -> Page[MediaItem]:
    """Media items with their links, oldest first by import (or capture) time; or those linked
    to one record, to one station (directly or through its records), of one kind or consent."""
    return media_queries.media_page(
        session.conn,
        after,
        limit,
        link_kind=link_kind,
        link_ref=link_ref,
        station=station,
        kind=kind,
        consent=consent,
        order=order,
    )


def count_media(
    session: LogbookSession,
    *,
    link_kind: str | None = None,
    link_ref: str | None = None,
    station: str | None = None,
    kind: str | None = None,
    consent: str | None = None,
) -> int:
    return media_queries.count_media(
        session.conn,
        link_kind=link_kind,
        link_ref=link_ref,
        station=station,
        kind=kind,
        consent=consent,
    )


def search_page(
    session: LogbookSession, text: str, after: Cursor | None = None, limit: int = DEFAULT_PAGE
) -> Page[SearchHit]:
    """Search hits newest first; an empty page when no word is long enough to look up. The
    shipped catalogue (its category names) is read once per process, not once per page."""
    words = query_words(shipped_catalogue(), text)
    return search_queries.search_page(session.conn, words, after, limit)


def count_hits(session: LogbookSession, text: str) -> int:
    return search_queries.count_hits(session.conn, query_words(shipped_catalogue(), text))


def stations_page(
    session: LogbookSession,
    after: Cursor | None = None,
    limit: int = DEFAULT_PAGE,
    *,
    feed: str | None = None,
) -> Page[StationListRow]:
    """Stations by number then code, with visit and incident counts."""
    return station_queries.stations_page(session.conn, after, limit, feed)


def count_stations(session: LogbookSession, *, feed: str | None = None) -> int:
    return station_queries.count_stations(session.conn, feed)
