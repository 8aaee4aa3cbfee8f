"""Entity ids: UUIDv7 strings made by their author, and the CLI's unique-prefix lookup.

UUIDv7 (RFC 9562) puts a millisecond Unix timestamp in the top 48 bits, so ids sort by creation
time (index-friendly, readable order in listings) while the remaining 74 random bits keep ids
made offline on different laptops from colliding. Within one process ids are also strictly
increasing (RFC 9562 section 6.2, method 2: a same-millisecond id adds a random increment to the
previous one's random bits), so events made in one burst keep their order.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable

from observer_app.errors import UsageError
from observer_app.i18n import _, ngettext

__all__ = ["MIN_PREFIX", "UuidV7Generator", "is_uuid", "match_prefix", "new_id", "timestamp_ms"]

MIN_PREFIX = 8
"""Fewest hex digits the CLI accepts as an id prefix."""

_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_PREFIX_RE = re.compile(r"[0-9a-f-]*")
_RANDOM_BITS = 74  # 12 bits rand_a + 62 bits rand_b
_MAX_MS = (1 << 48) - 1


class UuidV7Generator:
    """A monotonic UUIDv7 source; the clock and randomness are injectable for tests."""

    def __init__(
        self,
        clock_ms: Callable[[], int] | None = None,
        randbits: Callable[[int], int] = secrets.randbits,
    ) -> None:
        self._clock_ms = clock_ms or (lambda: time.time_ns() // 1_000_000)
        self._randbits = randbits
        self._lock = threading.Lock()
        self._last_ms = -1
        self._last_random = 0

    def new_id(self) -> str:
        with self._lock:
            now = self._clock_ms()
            if now > self._last_ms:
                # Top random bit clear: leaves room to count up within this millisecond.
                ms, rand = now, self._randbits(_RANDOM_BITS - 1)
            else:
                # Same millisecond, or the clock stepped back: keep counting from the last id.
                ms, rand = self._last_ms, self._last_random + 1 + self._randbits(32)
                if rand >> _RANDOM_BITS:
                    ms, rand = ms + 1, self._randbits(_RANDOM_BITS - 1)
            if not 0 <= ms <= _MAX_MS:
                raise ValueError("clock outside the UUIDv7 timestamp range")
            self._last_ms, self._last_random = ms, rand
        return _format(ms, rand)


def _format(ms: int, rand: int) -> str:
    rand_a, rand_b = rand >> 62, rand & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_default_generator = UuidV7Generator()


def new_id() -> str:
    """A fresh UUIDv7 string (lowercase, hyphenated), increasing within this process."""
    return _default_generator.new_id()


def is_uuid(value: str) -> bool:
    """True for a UUID in the canonical lowercase hyphenated form that `new_id` produces."""
    return _UUID_RE.fullmatch(value) is not None


def timestamp_ms(uuid7: str) -> int:
    """The Unix time in milliseconds a UUIDv7 was made at (its author's clock, not proof)."""
    if not is_uuid(uuid7) or uuid7[14] != "7":
        raise ValueError("not a UUIDv7")
    return int(uuid7[:8] + uuid7[9:13], 16)


def match_prefix(prefix: str, candidates: Iterable[str]) -> str:
    """The one candidate id that starts with `prefix` (case and hyphens are not significant).

    Raises UsageError if the prefix has fewer than MIN_PREFIX hex digits, is not hex, matches
    nothing, or matches more than one id.
    """
    wanted = prefix.strip().lower()
    digits = wanted.replace("-", "")
    if _PREFIX_RE.fullmatch(wanted) is None:
        raise UsageError(_("{prefix} is not an id or an id prefix.").format(prefix=prefix))
    if len(digits) < MIN_PREFIX:
        raise UsageError(
            _("An id prefix needs at least {count} characters: {prefix}").format(
                count=MIN_PREFIX, prefix=prefix
            )
        )
    matches = {c for c in candidates if c.lower().replace("-", "").startswith(digits)}
    if not matches:
        raise UsageError(_("No item has an id starting with {prefix}.").format(prefix=prefix))
    if len(matches) > 1:
        message = ngettext(
            "{count} item has an id starting with {prefix}; type more characters.",
            "{count} items have ids starting with {prefix}; type more characters.",
            len(matches),
        )
        raise UsageError(message.format(count=len(matches), prefix=prefix))
    return matches.pop()
