"""Locked memory: the page caches of all a session's connections budgeted under RLIMIT_MEMLOCK.

`cipher_memory_security` makes SQLCipher `mlock` every block it allocates, so that keys and
decrypted pages never reach swap. An ordinary user may lock little (8 MiB is a common
`RLIMIT_MEMLOCK`), and past the limit `mlock` fails and SQLCipher carries on with the page left
swappable, saying nothing. One connection reading a 10,000-event vault with SQLite's default
cache (2,000 KiB) plus its lookaside pool already locked ~8,184 kB.

So the session plans: a fixed cost per connection (its lookaside pool, schema, statements and
SQLCipher's page buffers), a reserve for everything else SQLCipher locks (the key context,
temporary b-trees with `temp_store=MEMORY`), and the rest shared among the writer and the
worker connections as their page caches, the writer taking the rest once each worker has its
share (`WORKER_SHARE`). A plan that cannot give each connection a useful cache
is "too small": the caches get the minimum and the user is warned once (see
`LogbookSession.memory_warning`). A process without a limit gives each worker SQLite's default
cache and the writer `WRITER_CACHE_KIB`.
"""

from __future__ import annotations

from dataclasses import dataclass

from observer_app.process_limits import locked_memory_limit, locked_memory_now

KIB = 1024
DEFAULT_CACHE_KIB = 2000  # SQLite's own default (`cache_size = -2000`)
MIN_CACHE_KIB = 256  # 64 pages: below this a paged list re-reads its pages for every screen
FIXED_KIB_PER_CONNECTION = 640  # lookaside 293 KiB, schema, statements, codec buffers (measured)
RESERVE_KIB = 1024  # temp b-trees, the key context, sorting; not tied to one connection
# The writer is the session's own connection: it also reads every page the window lists (the
# timeline, search hits). A 100-row timeline page of a 100,000-event vault touched more pages
# than ~1,070 KiB keep: 15-25 ms with that cache, 8-10 ms from 2,400 KiB. The workers scan
# (imports, reports, thumbnails), for which a small cache costs little: each gets one
# `WORKER_SHARE`th of the caches' budget, the writer the rest, up to `WRITER_CACHE_KIB`.
WORKER_SHARE = 7
WRITER_CACHE_KIB = 4000
PAGE_OVERHEAD = 4096 + 320  # a 4 KiB page plus SQLite's page header, as locked
PAGE_SIZE = 4096


@dataclass(frozen=True)
class MemoryPlan:
    """How much page cache each connection gets, for how many connections, and whether that
    fits the limit (`limit_kib` None: no limit)."""

    limit_kib: int | None
    connections: int
    cache_kib: int  # each worker's
    sufficient: bool
    writer_kib: int | None = None  # None: as a worker's

    @property
    def writer_cache_kib(self) -> int:
        return self.cache_kib if self.writer_kib is None else self.writer_kib

    @property
    def planned_kib(self) -> int:
        """What all the connections together are expected to lock at most."""
        caches = self.writer_cache_kib + (self.connections - 1) * self.cache_kib
        return (
            RESERVE_KIB
            + self.connections * FIXED_KIB_PER_CONNECTION
            + caches * PAGE_OVERHEAD // PAGE_SIZE
        )


def plan_memory(connections: int) -> MemoryPlan:
    """The page-cache budget for `connections` connections under this process's limit."""
    return plan_for_limit(connections, locked_memory_limit())


def plan_for_limit(connections: int, limit: int | None) -> MemoryPlan:
    """The page-cache budget for `connections` connections under `limit` bytes (None: none)."""
    connections = max(connections, 1)
    if limit is None:
        return MemoryPlan(None, connections, DEFAULT_CACHE_KIB, True, WRITER_CACHE_KIB)
    limit_kib = limit // KIB
    spare = limit_kib - RESERVE_KIB - connections * FIXED_KIB_PER_CONNECTION
    pool = spare * PAGE_SIZE // PAGE_OVERHEAD if spare > 0 else 0
    equal = pool // connections
    if equal < MIN_CACHE_KIB:
        return MemoryPlan(limit_kib, connections, MIN_CACHE_KIB, False)
    if connections == 1:
        return MemoryPlan(
            limit_kib, 1, min(pool, DEFAULT_CACHE_KIB), True, min(pool, WRITER_CACHE_KIB)
        )
    worker = min(DEFAULT_CACHE_KIB, max(MIN_CACHE_KIB, pool // WORKER_SHARE))
    if worker >= equal:  # no room for a larger writer: equal shares
        return MemoryPlan(limit_kib, connections, min(equal, DEFAULT_CACHE_KIB), True)
    writer = min(WRITER_CACHE_KIB, pool - worker * (connections - 1))
    return MemoryPlan(limit_kib, connections, worker, True, writer)


def locking_failed(plan: MemoryPlan) -> bool:
    """Whether the kernel's count of locked memory has reached the limit, i.e. SQLCipher's
    `mlock` calls are (or are about to be) refused. Only measurable on Linux."""
    if plan.limit_kib is None:
        return False
    locked = locked_memory_now()
    if locked is None:
        return False
    return locked // KIB + FIXED_KIB_PER_CONNECTION // 2 >= plan.limit_kib
