"""UUIDv7 ids (RFC 9562 layout, order, uniqueness) and the CLI's unique-prefix matching."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from observer_app.core.ids import (
    MIN_PREFIX,
    UuidV7Generator,
    is_uuid,
    match_prefix,
    new_id,
    timestamp_ms,
)
from observer_app.errors import UsageError


def test_new_id_has_rfc9562_version_7_layout() -> None:
    before = time.time_ns() // 1_000_000
    value = new_id()
    after = time.time_ns() // 1_000_000
    parsed = uuid.UUID(value)
    assert str(parsed) == value  # lowercase, hyphenated
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert before <= parsed.int >> 80 <= after
    assert before <= timestamp_ms(value) <= after
    assert is_uuid(value)


def test_ids_are_unique_and_strictly_increasing_in_a_burst() -> None:
    ids = [new_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)


def test_ids_from_threads_are_unique() -> None:
    results: list[list[str]] = [[] for _ in range(4)]

    def work(out: list[str]) -> None:
        out.extend(new_id() for _ in range(5000))

    threads = [threading.Thread(target=work, args=(out,)) for out in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [value for out in results for value in out]
    assert len(set(every)) == len(every)
    for out in results:
        assert out == sorted(out)


def test_monotonic_when_clock_stands_still_or_steps_back() -> None:
    times = iter([1000, 1000, 1000, 999, 500, 1001])
    gen = UuidV7Generator(clock_ms=lambda: next(times))
    ids = [gen.new_id() for _ in range(6)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 6
    assert [timestamp_ms(i) for i in ids] == [1000, 1000, 1000, 1000, 1000, 1001]


def test_random_overflow_moves_to_next_millisecond() -> None:
    gen = UuidV7Generator(clock_ms=lambda: 5000, randbits=lambda n: 0)
    first = gen.new_id()
    # Reaching 2**74 by real increments takes ~2**41 ids; start next to the edge instead.
    gen._last_random = (1 << 74) - 2
    edge, overflowed = gen.new_id(), gen.new_id()
    assert edge == "00000000-1388-7fff-bfff-ffffffffffff"
    assert timestamp_ms(overflowed) == 5001
    assert first < edge < overflowed
    assert uuid.UUID(overflowed).version == 7


def test_known_layout_from_fixed_inputs() -> None:
    gen = UuidV7Generator(clock_ms=lambda: 0x017F22E279B0, randbits=lambda n: 0)
    assert gen.new_id() == "017f22e2-79b0-7000-8000-000000000000"


def test_is_uuid() -> None:
    assert is_uuid("017f22e2-79b0-7cc3-98c4-dc0c0c07398f")
    assert not is_uuid("017F22E2-79B0-7CC3-98C4-DC0C0C07398F")
    assert not is_uuid("017f22e279b07cc398c4dc0c0c07398f")
    assert not is_uuid("017f22e2-79b0-7cc3-98c4-dc0c0c07398")
    assert not is_uuid("017f22e2-79b0-7cc3-98c4-dc0c0c07398f\n")
    assert not is_uuid("")


def test_timestamp_ms_rejects_non_v7() -> None:
    with pytest.raises(ValueError):
        timestamp_ms(str(uuid.uuid4()))


IDS = [
    "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b",
    "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c",
    "0190a1b3-0000-7000-8000-000000000000",
]


def test_match_prefix_unique() -> None:
    assert MIN_PREFIX == 8
    assert match_prefix("0190a1b3", IDS) == IDS[2]
    assert match_prefix("0190A1B3", IDS) == IDS[2]
    assert match_prefix("  0190a1b3 ", IDS) == IDS[2]
    assert match_prefix("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b", IDS) == IDS[0]
    # Hyphens are not significant: the user may type the digits without them.
    assert match_prefix("0190a1b2c3d47e5f8a6b7c8d9e0f1a2c", IDS) == IDS[1]
    # The same id twice is not ambiguous.
    assert match_prefix("0190a1b3", [*IDS, IDS[2]]) == IDS[2]


@pytest.mark.parametrize("prefix", ["0190a1b", "0190-a1b", "", "-------"])
def test_match_prefix_too_short(prefix: str) -> None:
    with pytest.raises(UsageError, match="at least 8") as caught:
        match_prefix(prefix, IDS)
    assert caught.value.exit_code == 2


def test_match_prefix_not_hex() -> None:
    with pytest.raises(UsageError, match="not an id"):
        match_prefix("0190a1bz", IDS)


def test_match_prefix_nothing() -> None:
    with pytest.raises(UsageError, match="No item"):
        match_prefix("ffffffff", IDS)
    with pytest.raises(UsageError, match="No item"):
        match_prefix("0190a1b2", [])


def test_match_prefix_ambiguous() -> None:
    with pytest.raises(UsageError, match="2 items") as caught:
        match_prefix("0190a1b2", IDS)
    assert caught.value.exit_code == 2
    with pytest.raises(UsageError, match="3 items"):
        match_prefix("0190a1b2", [*IDS, "0190a1b2-ffff-7000-8000-000000000000"])
    assert match_prefix("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c", IDS) == IDS[1]
