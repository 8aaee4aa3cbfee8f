"""Locked memory: the page caches of all a session's connections budgeted under RLIMIT_MEMLOCK.

`cipher_memory_security` makes SQLCipher `mlock` every block it allocates, so that keys and
decrypted pages never reach swap. An ordinary user may lock little (8 MiB is a common
`RLIMIT_MEMLOCK`), and past the limit `mlock` fails and SQLCipher carries on with the page left
swappable, saying nothing. One connection reading a 10,000-event vault with SQLite's default
cache (2,000 KiB) plus its lookaside pool already locked ~8,184 kB.

So the session plans: a fixed cost per connection (its lookaside pool, schema, statements and
SQLCipher's page buffers), a reserve for everything else SQLCipher locks (the key context,
temporary b-trees with `temp_store=MEMORY`), and the rest shared among the writer and the
worker connections as their page caches. A plan that cannot give each connection a useful cache
is "too small": the caches get the minimum and the user is warned once (see
`LogbookSession.memory_warning`). Root, or a process without a limit, keeps SQLite's default.
"""

from __future__ import annotations

from dataclasses import dataclass

from observer_app.process_limits import locked_memory_limit, locked_memory_now

KIB = 1024
DEFAULT_CACHE_KIB = 2000  # SQLite's own default (`cache_size = -2000`)
MIN_CACHE_KIB = 256  # 64 pages: below this a paged list re-reads its pages for every screen
FIXED_KIB_PER_CONNECTION = 640  # lookaside 293 KiB, schema, statements, codec buffers (measured)
RESERVE_KIB = 1024  # temp b-trees, the key context, sorting; not tied to one connection
PAGE_OVERHEAD = 4096 + 320  # a 4 KiB page plus SQLite's page header, as locked
PAGE_SIZE = 4096


@dataclass(frozen=True)
class MemoryPlan:
    """How much page cache each connection gets, for how many connections, and whether that
    fits the limit (`limit_kib` None: no limit)."""

    limit_kib: int | None
    connections: int
    cache_kib: int
    sufficient: bool

    @property
    def planned_kib(self) -> int:
        """What all the connections together are expected to lock at most."""
        per_page = self.cache_kib * PAGE_OVERHEAD // PAGE_SIZE
        return RESERVE_KIB + self.connections * (FIXED_KIB_PER_CONNECTION + per_page)


def plan_memory(connections: int) -> MemoryPlan:
    """The page-cache budget for `connections` connections under this process's limit."""
    return plan_for_limit(connections, locked_memory_limit())


def plan_for_limit(connections: int, limit: int | None) -> MemoryPlan:
    """The page-cache budget for `connections` connections under `limit` bytes (None: none)."""
    connections = max(connections, 1)
    if limit is None:
        return MemoryPlan(None, connections, DEFAULT_CACHE_KIB, True)
    limit_kib = limit // KIB
    spare = limit_kib - RESERVE_KIB - connections * FIXED_KIB_PER_CONNECTION
    share = spare // connections * PAGE_SIZE // PAGE_OVERHEAD if spare > 0 else 0
    if share < MIN_CACHE_KIB:
        return MemoryPlan(limit_kib, connections, MIN_CACHE_KIB, False)
    return MemoryPlan(limit_kib, connections, min(share, DEFAULT_CACHE_KIB), True)


def locking_failed(plan: MemoryPlan) -> bool:
    """Whether the kernel's count of locked memory has reached the limit, i.e. SQLCipher's
    `mlock` calls are (or are about to be) refused. Only measurable on Linux."""
    if plan.limit_kib is None:
        return False
    locked = locked_memory_now()
    if locked is None:
        return False
    return locked // KIB + FIXED_KIB_PER_CONNECTION // 2 >= plan.limit_kib
