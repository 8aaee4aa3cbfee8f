"""Read-models benchmark (issue 12): 100,000 events from 20 feeds, then what a window's lists ask.

Goals: every page of 100 rows < 20 ms (the first page and one deep in the list, of the timeline
unfiltered and with each filter, of incidents, media (5,000 photos with links), search hits and
stations with counts),
every count < 50 ms, and memory flat in the number of events (the peak of Python allocations
while reading pages, compared between half the events and all of them).

The holder's feed and 19 more are real feeds: each other author is made by `init_vault` in a
scratch vault, its signed `identity.declared` event stored in the benchmark vault, and its events
appended with its own key, in batches of one transaction each (projections and the full-text
index maintained exactly as in use). The vault uses the cheap test KDF. At the end the
migration's timeline indexes are dropped and the first page measured again: the figure "before".
Run: `.venv/bin/python benchmarks/bench_read_models.py` (`--events N` for a shorter run;
`--root /tmp/perf_bench/read-models` keeps the built vault there and measures it again on the
next run without building it, which takes minutes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from observer_app.core.catalogue import AnswerType, load_catalogue
from observer_app.core.ids import new_id
from observer_app.core.paging import Cursor, Page
from observer_app.core.timeline_filter import ALL_EVENTS, TimelineFilter
from observer_app.core.timeutil import format_utc, parse_utc
from observer_app.logbook import read_models, stations
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.logbook.timeline import timeline_count, timeline_page
from observer_app.vault import journal
from observer_app.vault.connection import Transaction
from observer_app.vault.header import KdfParams
from observer_app.vault.projection import search as search_index
from observer_app.vault.queries import timeline as queries_timeline
from observer_app.vault.store import open_vault

PASSPHRASE = "benchmark passphrase"
FEEDS = 20
STATIONS = 50
MEDIA = 5_000  # the holder's photos, each linked to a station and one of its own incidents
BATCH = 5000
PAGE = 100
PAGE_GOAL_MS = 20.0
COUNT_GOAL_MS = 50.0
results: list[bool] = []


def measure(label: str, action: Callable[[], Any], goal_ms: float | None, runs: int = 20) -> float:
    action()  # warm caches, as a window that is already open would have them
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    median = statistics.median(samples)
    if goal_ms is None:
        print(f"{label:<62} median {median:8.2f} ms")
    else:
        ok = median < goal_ms
        results.append(ok)
        verdict = "ok" if ok else "not ok"
        print(f"{label:<62} median {median:8.2f} ms (goal < {goal_ms:.0f} ms)  {verdict}")
    return median


def authors(root: Path) -> list[tuple[journal.Author, journal.Event, bytes]]:
    """19 more real authors: their key, their signed identity event, their public key."""
    made = []
    for index in range(FEEDS - 1):
        path = root / f"author-{index}"
        init_vault(path, PASSPHRASE, NewIdentity(name=f"Observer {index}"), KdfParams.for_tests())
        other = LogbookSession(open_vault(path, PASSPHRASE))
        first = next(journal.read_events(other.conn, other.identity.feed))
        made.append((other.identity.author, first, other.identity.public_key_der))
        other.close()
    return made


class Filler:
    """The stations, the 20 authors, and events appended up to a total, in batches."""

    def __init__(self, session: LogbookSession, root: Path, rng: random.Random) -> None:
        self.session, self.rng = session, rng
        catalogue = load_catalogue()
        self.codes = [f"{100 + i}" for i in range(STATIONS)]
        for code in self.codes:
            stations.add_station(session, catalogue, code, f"Школа № {code}", region="almaty_city")
        self.categories = list(catalogue.incident_categories)
        self.items = [
            (phase.id, item.id)
            for phase in catalogue.phases
            for item in phase.items
            if item.type is AnswerType.YES_NO_DK
        ]
        others = authors(root)
        with Transaction(session.conn):
            for _author, first, key in others:
                journal.store_event(session.conn, first, key)
        self.feeds = [session.identity.author, *(author for author, _e, _k in others)]
        self.own: dict[str, list[tuple[str, str]]] = {}  # live incidents: (id, station)
        self.day_start = parse_utc("2026-03-15T01:00:00Z").timestamp()

    def body(self, index: int, author: journal.Author, at: str) -> tuple[str, dict[str, Any]]:
        rng, mine = self.rng, self.own.setdefault(author.feed, [])
        roll = index // FEEDS % 10  # each author gets every kind (its own voids included)
        if roll < 5:
            category = rng.choice(self.categories)
            mine.append((new_id(), rng.choice(self.codes)))
            return "incident.added", {
                "id": mine[-1][0],
                "station": mine[-1][1],
                "category": category.id,
                "severity": category.default_severity,
                "seen": "directly",
                "status": "unmarked",
                "follow_up": "none_needed",
                "text": f"инцидент {index} бюллетень",
                "persons": [],
                "witnesses": [],
                "at": at,
            }
        if roll == 5 and mine:
            target, station = mine.pop()
            return "incident.voided", {"target": target, "station": station, "reason": "дубль"}
        if roll < 8:
            phase, item = rng.choice(self.items)
            return "checklist.answered", {
                "id": new_id(),
                "station": rng.choice(self.codes),
                "phase": phase,
                "item": item,
                "value": "yes",
                "note": None,
            }
        return "note.added", {
            "id": new_id(),
            "station": rng.choice(self.codes),
            "text": f"заметка {index}",
        }

    def fill(self, total: int) -> int:
        conn = self.session.conn
        stored = int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
        for offset in range(stored, total, BATCH):
            with Transaction(conn):
                for index in range(offset, min(total, offset + BATCH)):
                    author = self.feeds[index % FEEDS]
                    moment = self.day_start + self.rng.randrange(16 * 3600)
                    at = format_utc(dt.datetime.fromtimestamp(moment, dt.UTC))
                    kind, body = self.body(index, author, at)
                    journal.append(conn, author, kind, body, "Asia/Almaty", time_utc=at)
                # Each batch stands for a bundle import, which merges the search index.
                search_index.merge_index(conn)
        return max(stored, total)


def add_media(session: LogbookSession, codes: list[str]) -> None:
    """`MEDIA` photo records (metadata and links as an import writes them; the lists never read
    the encrypted files), appended once: a kept vault built before media gets them here."""
    conn = session.conn
    if int(conn.execute("SELECT count(*) FROM media").fetchone()[0]):
        return
    own = [
        str(row[0])
        for row in conn.execute(
            "SELECT id FROM incidents WHERE feed = ? ORDER BY rowid", (session.identity.feed,)
        )
    ]
    rng = random.Random(7)
    with Transaction(conn):
        for index in range(MEDIA):
            links = [{"kind": "station", "ref": codes[index % len(codes)]}]
            if own:
                links.append({"kind": "incident", "ref": own[index % len(own)]})
            body = {
                "id": new_id(),
                "sha256": rng.randbytes(32).hex(),
                "size": 2_000_000 + index,
                "mime": "image/jpeg",
                "kind": "photo",
                "original_name": f"IMG_{index:05d}.jpg",
                "metadata": {"width": 4000, "height": 3000, "orientation": 1},
                "consent": "no_person",
                "links": links,
            }
            journal.append(conn, session.identity.author, "media.added", body, "Asia/Almaty")
        search_index.merge_index(conn)


def deep(fetch: Callable[[Cursor | None], Page[Any]], pages: int) -> Cursor | None:
    """The cursor `pages` pages into a list (or its last page's)."""
    cursor: Cursor | None = None
    for _ in range(pages):
        page = fetch(cursor)
        if page.next is None:
            break
        cursor = page.next
    return cursor


def timeline_figures(session: LogbookSession, codes: list[str], feed: str) -> None:
    conn = session.conn
    filters = {
        "all feeds": ALL_EVENTS,
        "own feed": TimelineFilter(feed=session.identity.feed),
        "one observer": TimelineFilter(feed=feed),
        "station": TimelineFilter(station=codes[17]),
        "phase": TimelineFilter(phase="voting"),
        "category": TimelineFilter(category="ballot_stuffing"),
        "severity": TimelineFilter(severity="critical"),
        "category + severity": TimelineFilter(category="ballot_stuffing", severity="critical"),
        "period (two hours)": TimelineFilter(
            since_utc="2026-03-15T05:00:00.000Z", until_utc="2026-03-15T07:00:00.000Z"
        ),
        "voided only": TimelineFilter(voided=True),
        "not voided": TimelineFilter(voided=False),
    }
    measure(
        "timeline all feeds: first page, SQL only (no parse, no check)",
        lambda: queries_timeline.timeline_page(conn, ALL_EVENTS, None, PAGE, newest_first=True),
        None,
    )
    for name, selection in filters.items():
        total = timeline_count(conn, selection)
        for newest in (True, False):
            order = "newest" if newest else "oldest"

            def fetch(c: Cursor | None, s: TimelineFilter = selection, n: bool = newest) -> Any:
                return timeline_page(conn, s, c, PAGE, newest_first=n)

            measure(
                f"timeline {name}: first page ({order} first)",
                lambda f=fetch: f(None),
                PAGE_GOAL_MS,
            )
        cursor = deep(fetch, max(1, total // PAGE // 2))
        measure(
            f"timeline {name}: page deep in the list ({total} rows)",
            lambda f=fetch, c=cursor: f(c),
            PAGE_GOAL_MS,
        )
        measure(
            f"timeline {name}: count", lambda s=selection: timeline_count(conn, s), COUNT_GOAL_MS
        )


def other_figures(session: LogbookSession, codes: list[str]) -> None:
    lists: dict[str, tuple[Callable[[Cursor | None], Page[Any]], Callable[[], int]]] = {
        "incidents": (
            lambda c: read_models.incidents_page(session, c, PAGE),
            lambda: read_models.count_incidents(session),
        ),
        "incidents of a station": (
            lambda c: read_models.incidents_page(session, c, PAGE, station=codes[17]),
            lambda: read_models.count_incidents(session, station=codes[17]),
        ),
        "incidents, category + severity": (
            lambda c: read_models.incidents_page(
                session, c, PAGE, category="ballot_stuffing", severity="critical"
            ),
            lambda: read_models.count_incidents(
                session, category="ballot_stuffing", severity="critical"
            ),
        ),
        "search hits, common word": (
            lambda c: read_models.search_page(session, "бюллетень", c, PAGE),
            lambda: read_models.count_hits(session, "бюллетень"),
        ),
        "media with links": (
            lambda c: read_models.media_page(session, c, PAGE),
            lambda: read_models.count_media(session),
        ),
        "media of a station (directly or by its records)": (
            lambda c: read_models.media_page(session, c, PAGE, station=codes[17]),
            lambda: read_models.count_media(session, station=codes[17]),
        ),
        "stations with counts": (
            lambda c: read_models.stations_page(session, c, PAGE),
            lambda: read_models.count_stations(session),
        ),
    }
    for name, (fetch, count) in lists.items():
        total = count()
        measure(f"{name}: first page", lambda f=fetch: f(None), PAGE_GOAL_MS)
        cursor = deep(fetch, max(1, total // PAGE // 2))
        measure(
            f"{name}: page deep in the list ({total} rows)",
            lambda f=fetch, c=cursor: f(c),
            PAGE_GOAL_MS,
        )
        measure(f"{name}: count", count, COUNT_GOAL_MS)


def read_peak(session: LogbookSession) -> int:
    """Peak Python allocations while paging the whole timeline, page by page."""
    tracemalloc.start()
    cursor: Cursor | None = None
    while True:
        page = timeline_page(session.conn, ALL_EVENTS, cursor, PAGE)
        if page.next is None:
            break
        cursor = page.next
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def build(vault_dir: Path, root: Path, count: int) -> int:
    """Build the vault (twice half the events, measuring the memory peak at half) and return
    that peak; kept beside the vault so that a kept vault is measured again without a build."""
    init_vault(vault_dir, PASSPHRASE, NewIdentity(name="Bench"), KdfParams.for_tests())
    session = LogbookSession(open_vault(vault_dir, PASSPHRASE))
    start = time.perf_counter()
    filler = Filler(session, root, random.Random(2026))
    filler.fill(count // 2)
    half_peak = read_peak(session)
    built = filler.fill(count)
    print(f"{built} events from {FEEDS} feeds built in {time.perf_counter() - start:.0f} s")
    session.close()
    (root / "half-peak.txt").write_text(str(half_peak))
    return half_peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument(
        "--root",
        type=Path,
        help="keep the built vault in this folder and reuse it when run again"
        " (e.g. /tmp/perf_bench/read-models); a newer schema is migrated on open",
    )
    args = parser.parse_args()
    if args.root is None:
        with tempfile.TemporaryDirectory() as tmp:
            run(Path(tmp), args.events)
    else:
        args.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        run(args.root, args.events)
    print("all figures ok" if all(results) else "some figures not ok")


def run(root: Path, count: int) -> None:
    vault_dir = root / "vault"
    if (root / "half-peak.txt").exists():
        half_peak = int((root / "half-peak.txt").read_text())
        print(f"reusing the vault built in {vault_dir}")
    else:
        half_peak = build(vault_dir, root, count)
    codes = [f"{100 + i}" for i in range(STATIONS)]
    session = LogbookSession(open_vault(vault_dir, PASSPHRASE))
    add_media(session, codes)
    held = int(session.conn.execute("SELECT count(*) FROM events").fetchone()[0])
    print(f"{held} events from {FEEDS} feeds")
    other_feed = str(
        session.conn.execute(
            "SELECT feed FROM feeds WHERE feed <> ? ORDER BY feed LIMIT 1",
            (session.identity.feed,),
        ).fetchone()[0]
    )
    timeline_figures(session, codes, other_feed)
    other_figures(session, codes)
    full_peak = read_peak(session)
    flat = full_peak < 1.5 * half_peak + 256 * 1024
    results.append(flat)
    print(
        f"{'memory paging the whole timeline: half / all events':<62} peak "
        f"{half_peak / 2**20:.1f} / {full_peak / 2**20:.1f} MiB (goal: flat)  "
        f"{'ok' if flat else 'not ok'}"
    )
    # Dropped inside a transaction that is rolled back: a kept vault keeps its indexes.
    session.conn.execute("BEGIN")
    for index in ("events_time", "events_feed_time"):
        session.conn.execute(f"DROP INDEX {index}")
    measure(
        "before (without migration 9's timeline indexes): first page",
        lambda: timeline_page(session.conn, ALL_EVENTS, None, PAGE, newest_first=True),
        None,
        runs=3,
    )
    session.conn.execute("ROLLBACK")
    session.close()


if __name__ == "__main__":
    main()
