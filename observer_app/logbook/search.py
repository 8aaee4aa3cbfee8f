"""Full-text search over incidents, notes and stations, in Cyrillic, Kazakh and Latin script.

A query word is looked up by its stems (`core.stems`) and, where it occurs in the name of an
incident category in any of the catalogue's languages, also finds incidents of that category:
"вброс", "stuffing" and "толтыру" all find a `ballot_stuffing` incident whatever its text says.
"""

from __future__ import annotations

import re

from observer_app.core.catalogue import Catalogue, IncidentCategory, load_catalogue
from observer_app.core.paging import MAX_PAGE, Cursor
from observer_app.core.stems import stems
from observer_app.core.timeline_filter import TimelineFilter
from observer_app.errors import UsageError
from observer_app.handoff.holder import parse_fingerprint
from observer_app.i18n import _
from observer_app.logbook.localtime import resolve_time
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import require_station
from observer_app.vault.queries.search import QueryWord, SearchHit, match_expression, search_page
from observer_app.vault.queries.search import search as search_index

_WORD = re.compile(r"\w+", re.UNICODE)


def _names(category: IncidentCategory) -> list[str]:
    texts = [category.id.replace("_", " "), *category.label.as_dict().values()]
    return [word.lower() for text in texts for word in _WORD.findall(text)]


def query_words(catalogue: Catalogue, text: str) -> list[QueryWord]:
    """Each word of `text` with its stems and the categories whose names hold one of them."""
    names = {category.id: _names(category) for category in catalogue.incident_categories}
    words = []
    for word in _WORD.findall(text):
        word_stems = stems(word)
        categories = tuple(
            category
            for category, category_words in names.items()
            if any(stem in name for stem in word_stems for name in category_words)
        )
        words.append(QueryWord(word_stems, categories))
    return words


def search(
    session: LogbookSession,
    text: str,
    limit: int = 50,
    *,
    catalogue: Catalogue | None = None,
    observer: str | None = None,
) -> list[SearchHit]:
    """Newest first; every word of 3+ letters must be found (in the text or a category name);
    of one author only when `observer` (a feed) is given."""
    words = query_words(catalogue or load_catalogue(), text)
    if match_expression(words) is None:
        raise UsageError(_("Nothing to search for: give a word of at least 3 letters."))
    if limit < 1:
        raise UsageError(_("The limit must be at least 1."))
    if observer is None:
        return search_index(session.conn, words, limit)
    found: list[SearchHit] = []
    cursor: Cursor | None = None
    while len(found) < limit:
        page = search_page(session.conn, words, cursor, MAX_PAGE)
        found.extend(hit for hit in page.rows if hit.feed == observer)
        if page.next is None:
            break
        cursor = page.next
    return found[:limit]


def timeline_filter(
    session: LogbookSession,
    catalogue: Catalogue,
    station: str | None = None,
    category: str | None = None,
    severity: str | None = None,
    *,
    feed: str | None = None,
    phase: str | None = None,
    since: str | None = None,
    until: str | None = None,
    voided: bool | None = None,
    region: str | None = None,
) -> TimelineFilter:
    """The timeline's filters, validated: unknown station exit 4; a bad category, severity,
    phase, fingerprint or time exit 2. Times without an offset are in the holder's zone."""
    if phase is not None and phase not in {known.id for known in catalogue.phases}:
        raise UsageError(
            _("Unknown checklist phase '{value}'. Allowed: {allowed}.").format(
                value=phase, allowed=", ".join(known.id for known in catalogue.phases)
            )
        )
    if feed is not None:
        feed = parse_fingerprint(feed)
    zone = session.identity.default_tz
    return TimelineFilter(
        feed=feed,
        station=require_station(session, station).code if station is not None else None,
        phase=phase,
        category=catalogue.category(category).id if category is not None else None,
        severity=catalogue.severity(severity).id if severity is not None else None,
        since_utc=resolve_time(since, zone) if since is not None else None,
        until_utc=resolve_time(until, zone) if until is not None else None,
        voided=voided,
        region=catalogue.region(region).id if region is not None else None,
    )
