"""The pipe and the age threads beneath the transport: bounded, and failing loudly both ways.

Every blocking call here runs in a helper thread with a timeout, so that a deadlock fails the
test instead of hanging the suite.
"""

from __future__ import annotations

import errno
import io
import threading
from collections.abc import Callable

import pyrage
import pytest
from pyrage import x25519

from observer_app.handoff.age.stream import (
    AgeDecryptor,
    AgeEncryptor,
    AgeStreamError,
    BoundedPipe,
    PipeClosed,
)

TIMEOUT = 10


def in_thread(work: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    """Run `work` in a thread; the list receives its result or exception."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def finished(thread: threading.Thread) -> bool:
    thread.join(TIMEOUT)
    return not thread.is_alive()


def test_data_passes_through_in_order_and_ends_cleanly() -> None:
    pipe = BoundedPipe(capacity=1000)
    data = bytes(range(256)) * 40

    def produce() -> None:
        for start in range(0, len(data), 333):
            pipe.write(data[start : start + 333])
        pipe.close()

    producer, outcome = in_thread(produce)
    received = b""
    while chunk := pipe.read(100):
        assert len(chunk) <= 100
        received += chunk
    assert finished(producer) and outcome == [None]
    assert received == data
    assert pipe.peak_buffered <= 1000 + 333
    assert pipe.total_written == len(data)


def test_a_write_larger_than_the_capacity_is_split_and_bounded() -> None:
    pipe = BoundedPipe(capacity=64)
    producer, _outcome = in_thread(lambda: (pipe.write(b"x" * 1000), pipe.close()))
    assert pipe.read(-1) == b"x" * 1000
    assert finished(producer)
    assert pipe.peak_buffered <= 128


def test_a_full_pipe_blocks_the_writer_until_read() -> None:
    pipe = BoundedPipe(capacity=10)
    pipe.write(b"0123456789")
    writer, outcome = in_thread(lambda: pipe.write(b"abc"))
    writer.join(0.2)
    assert writer.is_alive()  # blocked: the pipe is full
    assert pipe.read(10) == b"0123456789"
    assert finished(writer) and outcome == [3]


def test_abort_wakes_a_blocked_writer_with_the_error() -> None:
    pipe = BoundedPipe(capacity=10)
    pipe.write(b"0123456789")
    writer, outcome = in_thread(lambda: pipe.write(b"more"))
    writer.join(0.1)
    pipe.abort(PipeClosed("reader went away"))
    assert finished(writer)
    assert isinstance(outcome[0], PipeClosed)


def test_abort_wakes_a_blocked_reader_and_drops_the_buffer() -> None:
    pipe = BoundedPipe(capacity=10)
    reader, outcome = in_thread(lambda: pipe.read(5))
    reader.join(0.1)
    assert reader.is_alive()
    pipe.abort(ValueError("producer failed"))
    assert finished(reader)
    assert isinstance(outcome[0], ValueError)
    with pytest.raises(ValueError, match="producer failed"):
        pipe.write(b"x")


def test_close_with_an_error_delivers_the_buffer_first() -> None:
    pipe = BoundedPipe()
    pipe.write(b"authentic")
    pipe.close(KeyError("then broken"))
    assert pipe.read(100) == b"authentic"
    with pytest.raises(KeyError):
        pipe.read(100)


def test_encryptor_round_trip_through_pyrage() -> None:
    identity = x25519.Identity.generate()
    sink = io.BytesIO()
    encryptor = AgeEncryptor(str(identity.to_public()), sink, capacity=4096)
    for _ in range(100):
        encryptor.write(b"y" * 10_000)
    encryptor.finish(poll=lambda: None)
    assert pyrage.decrypt(sink.getvalue(), [identity]) == b"y" * 1_000_000


def test_an_aborted_encryption_never_ends_as_a_valid_age_file() -> None:
    """The age thread must see an error, not a clean end: a clean end would finish a valid
    age file of a half-written tar."""
    identity = x25519.Identity.generate()
    sink = io.BytesIO()
    encryptor = AgeEncryptor(str(identity.to_public()), sink, capacity=4096)
    encryptor.write(b"z" * 200_000)
    encryptor.abort()
    assert encryptor.error is not None
    assert len(sink.getvalue()) > 64 * 1024  # a real half-written file, not an empty one
    with pytest.raises(pyrage.DecryptError, match="truncated"):
        pyrage.decrypt(sink.getvalue(), [identity])


def test_a_failing_sink_stops_the_producer_instead_of_blocking_it() -> None:
    class FullDisk:
        def write(self, data: bytes, /) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    encryptor = AgeEncryptor(str(x25519.Identity.generate().to_public()), FullDisk(), capacity=1024)

    def produce() -> None:
        for _ in range(10_000):
            encryptor.write(b"p" * 1024)

    producer, outcome = in_thread(produce)
    assert finished(producer)
    assert isinstance(outcome[0], AgeStreamError)
    assert "No space left" in str(encryptor.error)


def test_closing_a_decryptor_early_ends_its_thread() -> None:
    identity = x25519.Identity.generate()
    ciphertext = pyrage.encrypt(b"q" * 5_000_000, [identity.to_public()])
    decryptor = AgeDecryptor(
        str(identity), io.BytesIO(ciphertext), classify=lambda error, _n: error, capacity=8192
    )
    assert decryptor.read(100) == b"q" * 100
    closer, outcome = in_thread(decryptor.close)
    assert finished(closer) and outcome == [None]
    assert not [t for t in threading.enumerate() if t.name == "bundle-decrypt" and t.is_alive()]


def test_keys_are_checked_before_any_thread_starts() -> None:
    with pytest.raises(ValueError, match="not an age X25519 recipient"):
        AgeEncryptor("age1notakey", io.BytesIO())
    with pytest.raises(ValueError, match="not an age X25519 identity") as caught:
        AgeDecryptor("AGE-SECRET-KEY-1BROKEN", io.BytesIO(), classify=lambda e, _n: e)
    assert "BROKEN" not in str(caught.value)
