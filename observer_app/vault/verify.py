"""`journal verify`: every feed's signatures, seq continuity and hash chain, every event valid as
data (`event_schema`: schema, and on replay the authorisation rule), and replay = tables.

An event that is not valid as data is reported but does not stop the feed's chain check: it is
still part of the signed chain, and the replay skips it exactly as an import would have refused it.

Signature checks dominate the cost (~145 µs each), so they run in a process pool across the
machine's cores once a journal is large enough for that to pay off. The pool never forks: a
forked child of a process that runs Qt (or any) threads inherits their locks held and their
state half-changed, and a copy of every decrypted page in memory. Its workers are started
fresh (`forkserver` where the platform has it, else `spawn`) and receive only public keys,
payloads and signatures.
"""

from __future__ import annotations

import base64
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice

from observer_app.core.progress import Cancel, Progress
from observer_app.crypto import keys
from observer_app.errors import EventSchemaError, OperationCancelled
from observer_app.i18n import _
from observer_app.vault import migrations, projection
from observer_app.vault.connection import Connection, connect_scratch
from observer_app.vault.event_schema import check_event, valid_for_replay
from observer_app.vault.journal import Event, EventFormatError, parse_event, read_events
from observer_app.vault.projection.people import IDENTITY_DECLARED

PARALLEL_THRESHOLD = 4000
BATCH = 2000


@dataclass(frozen=True)
class Problem:
    feed: str
    seq: int | None
    reason: str
    chain: bool = True
    """False for an event that is intact and signed but not valid as data."""


@dataclass
class VerifyReport:
    feeds: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)
    replay_matches: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems and self.replay_matches


def verify_journal(
    conn: Connection,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> VerifyReport:
    report = VerifyReport()
    total = int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    feeds = conn.execute("SELECT feed, public_key, head_seq, head_hash FROM feeds ORDER BY feed")
    feed_rows = feeds.fetchall()
    known_feeds = {str(row[0]) for row in feed_rows}
    for (stray,) in conn.execute("SELECT DISTINCT feed FROM events").fetchall():
        if stray not in known_feeds:
            report.problems.append(Problem(str(stray), None, _("events of an unknown feed")))
    pool = _pool(total)
    try:
        for feed, public_key_der, head_seq, head_hash in feed_rows:
            report.feeds += 1
            _verify_feed(
                conn,
                report,
                str(feed),
                bytes(public_key_der),
                int(head_seq),
                str(head_hash),
                2 * total,  # progress: every event checked, then every event replayed
                pool,
                progress,
                cancel,
            )
    finally:
        if pool is not None:
            pool.shutdown()
    if not any(p.chain for p in report.problems):
        refused: dict[tuple[str, int], Problem] = {(p.feed, p.seq or 0): p for p in report.problems}

        def note(error: EventSchemaError) -> None:
            refused.setdefault((error.feed, error.seq), _invalid(error))

        replayed = _counted(read_events(conn), total, progress, cancel)
        report.replay_matches = replay_matches(conn, note, replayed)
        report.problems = sorted(refused.values(), key=lambda p: (p.feed, p.seq or 0))
    return report


def _invalid(error: EventSchemaError) -> Problem:
    reason = _("{type} is not valid: {field}: {reason}").format(
        type=error.event_type[:64], field=error.path, reason=error.reason
    )
    return Problem(error.feed, error.seq, reason, chain=False)


def _pool(total: int) -> ProcessPoolExecutor | None:
    workers = min(os.cpu_count() or 1, 4)
    if total < PARALLEL_THRESHOLD or workers < 2:
        return None
    return ProcessPoolExecutor(max_workers=workers, mp_context=pool_context())


def pool_context() -> multiprocessing.context.BaseContext:
    """How the pool starts its workers: never `fork` (see the module's docstring)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _verify_feed(
    conn: Connection,
    report: VerifyReport,
    feed: str,
    public_key_der: bytes,
    head_seq: int,
    head_hash: str,
    total: int,
    pool: ProcessPoolExecutor | None,
    progress: Progress | None,
    cancel: Cancel | None,
) -> None:
    if keys.fingerprint(keys.load_public_key_der(public_key_der)) != feed:
        report.problems.append(Problem(feed, None, _("the feed id is not its key's fingerprint")))
        return
    rows = conn.execute(
        "SELECT seq, hash, prev, time_utc, tz, type, payload, signature, station, record, phase"
        " FROM events"
        " WHERE feed = ? ORDER BY seq",
        (feed,),
    )
    expected_seq, prev_hash = 1, None
    pending: list[tuple[int, bytes, bytes]] = []
    invalid: list[Problem] = []
    for seq, stored_hash, _prev, time_utc, tz, kind, payload, signature, *derived in rows:
        if cancel is not None and cancel():
            raise OperationCancelled(_("verification cancelled"))
        payload, signature = bytes(payload), bytes(signature)
        checked = _check_event(
            feed,
            int(seq),
            expected_seq,
            prev_hash,
            str(stored_hash),
            (time_utc, tz, kind, *derived),
            payload,
            signature,
        )
        if isinstance(checked, str):
            # Signatures are checked in batches: an earlier event still waiting in the batch
            # may be the first bad one, and the report must name the first.
            if _signatures_ok(report, feed, public_key_der, pending, pool):
                report.problems.append(Problem(feed, int(seq), checked))
            return
        event = checked
        try:
            check_event(event)
        except EventSchemaError as error:
            invalid.append(_invalid(error))
        if seq == 1:
            declared_key = base64.b64encode(public_key_der).decode("ascii")
            if event.type != IDENTITY_DECLARED or event.body.get("public_key") != declared_key:
                report.problems.append(Problem(feed, 1, _("the feed does not start with its key")))
                return
        pending.append((int(seq), payload, signature))
        prev_hash, expected_seq = str(stored_hash), expected_seq + 1
        report.events += 1
        if len(pending) >= BATCH:
            if not _signatures_ok(report, feed, public_key_der, pending, pool):
                return
            pending = []
            if progress is not None:
                progress(report.events, total)
    if pending and not _signatures_ok(report, feed, public_key_der, pending, pool):
        return
    report.problems.extend(invalid)
    if expected_seq - 1 != head_seq or prev_hash != head_hash:
        report.problems.append(
            Problem(feed, head_seq, _("the feed head does not match its last event"))
        )
    if progress is not None:
        progress(report.events, total)


def _check_event(
    feed: str,
    seq: int,
    expected_seq: int,
    prev_hash: str | None,
    stored_hash: str,
    columns: tuple[str | None, ...],
    payload: bytes,
    signature: bytes,
) -> Event | str:
    """The event, parsed, if its place in the chain and its stored columns are right, else
    what is wrong (the signature is checked later, in batches)."""
    if seq != expected_seq:
        return _("missing seq {first}..{last}").format(first=expected_seq, last=seq - 1)
    if hashlib.sha256(payload).hexdigest() != stored_hash:
        return _("the event's hash does not match its content")
    try:
        event = parse_event(payload, signature)
    except EventFormatError as error:
        return _("malformed event: {reason}").format(reason=str(error))
    if event.feed != feed or event.seq != seq:
        return _("the event's content names another position (feed or seq)")
    if event.prev != prev_hash:
        return _("the hash chain is broken (prev does not match)")
    stored = (event.time_utc, event.tz, event.type, event.station, event.record, event.phase)
    if stored != columns:
        return _("the event's stored columns differ from its signed content")
    return event


def _signatures_ok(
    report: VerifyReport,
    feed: str,
    public_key_der: bytes,
    batch: list[tuple[int, bytes, bytes]],
    pool: ProcessPoolExecutor | None,
) -> bool:
    if pool is None:
        bad = _first_bad_signature(public_key_der, batch)
    else:
        chunks = list(_chunks(batch, max(1, len(batch) // 4)))
        results = pool.map(_first_bad_signature, [public_key_der] * len(chunks), chunks)
        bad = next((seq for seq in results if seq is not None), None)
    if bad is not None:
        report.problems.append(Problem(feed, bad, _("bad signature")))
        return False
    return True


def _first_bad_signature(
    public_key_der: bytes, batch: list[tuple[int, bytes, bytes]]
) -> int | None:
    public_key = keys.load_public_key_der(public_key_der)
    for seq, payload, signature in batch:
        if not keys.verify(public_key, signature, payload):
            return seq
    return None


def _chunks(
    items: list[tuple[int, bytes, bytes]], size: int
) -> Iterator[list[tuple[int, bytes, bytes]]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _counted(
    events: Iterator[Event], total: int, progress: Progress | None, cancel: Cancel | None
) -> Iterator[Event]:
    """The replay's events, reporting `total + n` of `2 * total` every BATCH and stopping
    (OperationCancelled) on cancel; nothing is written but the in-memory scratch copy."""
    for replayed, event in enumerate(events, 1):
        if replayed % BATCH == 0:
            if cancel is not None and cancel():
                raise OperationCancelled(_("verification cancelled"))
            if progress is not None:
                progress(total + replayed, 2 * total)
        yield event
    if progress is not None:
        progress(2 * total, 2 * total)


def replay_matches(
    conn: Connection,
    refused: Callable[[EventSchemaError], None] = lambda error: None,
    events: Iterable[Event] | None = None,
) -> bool:
    """Replay the journal into an empty in-memory schema and compare it with the tables.

    Replaying into memory (never to disk: an in-memory database does not spill) is several times
    faster than rebuilding the encrypted tables in place, and it also proves that projections
    depend on the events alone, not on storage tables such as keys or blobs. Events that are
    not valid (as data, or against the records replayed so far) go to `refused` and are skipped.
    """
    scratch = connect_scratch()
    try:
        scratch.execute("PRAGMA temp_store = MEMORY")
        migrations.migrate(scratch)
        _plain_copies(scratch)
        scratch.execute("BEGIN")
        source = read_events(conn) if events is None else events
        projection.rebuild(scratch, valid_for_replay(scratch, source, refused))
        scratch.execute("COMMIT")
        return projection.snapshot(scratch) == projection.snapshot(conn)
    finally:
        scratch.close()


def _plain_copies(scratch: Connection) -> None:
    """Make the scratch schema hold only what the comparison reads, cheaply: no triggers (they
    keep derived tables such as `record_events`, never a projection table: a trigger that did
    would make every replay differ), and each virtual table (the search index) as a plain table
    of the same columns, since the comparison reads its rows, not its index. Tokenizing every
    text was a third of the replay's time."""
    triggers = scratch.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for (name,) in triggers:
        scratch.execute(f'DROP TRIGGER "{name}"')
    for table in projection.projection_tables():
        sql = scratch.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        if sql is None or not str(sql[0]).upper().startswith("CREATE VIRTUAL TABLE"):
            continue
        columns = [str(row[1]) for row in scratch.execute(f'PRAGMA table_info("{table}")')]
        scratch.execute(f'DROP TABLE "{table}"')
        scratch.execute(f'CREATE TABLE "{table}" ({", ".join(columns)})')


def describe(problems: Iterable[Problem]) -> list[str]:
    return [
        _("feed {feed} seq {seq}: {reason}").format(
            feed=keys.format_fingerprint(p.feed, short=True),
            seq=p.seq if p.seq else "-",
            reason=p.reason,
        )
        for p in problems
    ]
