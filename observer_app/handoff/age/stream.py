"""age encryption as a stream in this process: bounded in-memory pipes and background threads.

`handoff export` and `import` run age in a child process (`process`); this module is the
fallback where no child can be started (a frozen build), and provides the pieces both share
(key parsing, failure classification, sizes).

pyrage's `encrypt_io` and `decrypt_io` pull from a reader and push into a writer until the end,
so a tar producer (which wants to *write*) and a tar consumer (which wants to *read*) cannot be
chained to them directly. Each direction therefore runs pyrage in its own thread and talks to the
caller through `BoundedPipe`, which holds at most a few MiB: memory stays bounded whatever the
bundle size, and no plaintext goes through a file. pyrage holds the GIL while it works, so only
work that releases the GIL (file I/O, hashing) runs in parallel with it; `ThreadedWriter` moves
such work off the encryption thread.

Failure has to travel both ways. Either side can `abort` the pipe with an exception; the other
side then gets that exception from its next `read` or `write` instead of blocking for ever or,
worse, seeing a clean end of stream (an encryptor that saw a clean end would write a valid age
file of a half-written tar).
"""

from __future__ import annotations

import enum
import threading
from collections import deque
from collections.abc import Callable
from typing import Protocol

import pyrage
from pyrage import x25519

DEFAULT_CAPACITY = 4 * 1024 * 1024
AGE_CHUNK = 64 * 1024
AGE_TAG = 16
AGE_NONCE = 16
AGE_HEADER_MAX = 1024  # one X25519 stanza plus rage's random "grease" stanza stay well below


class SupportsRead(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class SupportsReadInto(SupportsRead, Protocol):
    def readinto(self, buffer: memoryview, /) -> int: ...


class SupportsWrite(Protocol):
    def write(self, data: bytes, /) -> int: ...


class PipeClosed(Exception):
    """The other end of a pipe went away (the consumer stopped reading)."""


class AgeStreamError(Exception):
    """The age thread stopped with an error; the caller looks for the cause where it arose."""


class BoundedPipe:
    """A byte pipe between two threads that buffers at most `capacity` bytes.

    `write` blocks while the buffer is full, `read` blocks while it is empty. `close` marks the
    end of the data (reads drain the buffer, then return b""); `abort` drops the buffer and makes
    every later or blocked `read`/`write` raise the given exception, from either side.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self._capacity = capacity
        self._lock = threading.Lock()
        self._readable = threading.Condition(self._lock)
        self._writable = threading.Condition(self._lock)
        self._chunks: deque[bytes] = deque()
        self._head = 0  # offset of the next unread byte in _chunks[0]
        self._buffered = 0
        self._eof = False
        self._error: BaseException | None = None
        self._final_error: BaseException | None = None  # raised at the end instead of b""
        self._readers_waiting = 0
        self._writers_waiting = 0
        self.peak_buffered = 0
        self.total_written = 0

    def write(self, data: bytes | bytearray | memoryview, /) -> int:
        chunk = bytes(data)
        for start in range(0, len(chunk), self._capacity):
            piece = chunk if len(chunk) <= self._capacity else chunk[start : start + self._capacity]
            with self._lock:
                while self._error is None and self._buffered >= self._capacity:
                    self._writers_waiting += 1
                    self._writable.wait()
                    self._writers_waiting -= 1
                if self._error is not None:
                    raise self._error
                if self._eof:
                    raise ValueError("write to a closed pipe")
                self._chunks.append(piece)
                self._buffered += len(piece)
                self.total_written += len(piece)
                self.peak_buffered = max(self.peak_buffered, self._buffered)
                if self._readers_waiting:
                    self._readable.notify()
        return len(chunk)

    def read(self, size: int = -1, /) -> bytes:
        if size is None or size < 0:
            return self._read_all()
        if size == 0:
            return b""
        with self._lock:
            while not self._chunks and not self._eof and self._error is None:
                self._readers_waiting += 1
                self._readable.wait()
                self._readers_waiting -= 1
            if self._error is not None:
                raise self._error
            if not self._chunks:
                if self._final_error is not None:
                    raise self._final_error
                return b""
            chunk = self._chunks[0]
            available = len(chunk) - self._head
            if self._head == 0 and available <= size:
                data = chunk
                self._chunks.popleft()
            else:
                take = min(size, available)
                data = chunk[self._head : self._head + take]
                self._head += take
                if self._head == len(chunk):
                    self._chunks.popleft()
                    self._head = 0
            self._buffered -= len(data)
            # Waking the writer only once half the room is free saves thread switches.
            if self._writers_waiting and self._buffered <= self._capacity // 2:
                self._writable.notify()
            return data

    def readinto(self, buffer: memoryview, /) -> int:
        """Fill `buffer` with what is at hand (at least one byte; 0 only at the end): one copy
        and one call for many small chunks, which is what makes import fast."""
        view = buffer.cast("B") if buffer.format != "B" else buffer
        if not len(view):
            return 0
        with self._lock:
            while not self._chunks and not self._eof and self._error is None:
                self._readers_waiting += 1
                self._readable.wait()
                self._readers_waiting -= 1
            if self._error is not None:
                raise self._error
            if not self._chunks and self._final_error is not None:
                raise self._final_error
            filled = 0
            while self._chunks and filled < len(view):
                chunk = self._chunks[0]
                take = min(len(view) - filled, len(chunk) - self._head)
                view[filled : filled + take] = memoryview(chunk)[self._head : self._head + take]
                filled += take
                self._head += take
                if self._head == len(chunk):
                    self._chunks.popleft()
                    self._head = 0
            self._buffered -= filled
            if self._writers_waiting and self._buffered <= self._capacity // 2:
                self._writable.notify()
            return filled

    def _read_all(self) -> bytes:
        parts = []
        while block := self.read(self._capacity):
            parts.append(block)
        return b"".join(parts)

    def close(self, error: BaseException | None = None) -> None:
        """No more data will be written: readers get what is buffered, then the end (b""), or
        `error` if given (the writer failed after producing what is buffered)."""
        with self._lock:
            self._eof = True
            self._final_error = error
            self._readable.notify_all()

    def abort(self, error: BaseException) -> None:
        """Fail both ends with `error` (the first abort wins) and free the buffer."""
        with self._lock:
            if self._error is None:
                self._error = error
            self._chunks.clear()
            self._head = 0
            self._buffered = 0
            self._readable.notify_all()
            self._writable.notify_all()


def parse_recipient(recipient: str) -> x25519.Recipient:
    try:
        return x25519.Recipient.from_str(recipient.strip())
    except Exception as exc:
        raise ValueError("not an age X25519 recipient (age1...)") from exc


def parse_identity(identity: str) -> x25519.Identity:
    """Accepts the `AGE-SECRET-KEY-...` line alone or an identity file's text (with comments)."""
    lines = [line.strip() for line in identity.splitlines()]
    keys = [line for line in lines if line.startswith("AGE-SECRET-KEY-")]
    try:
        return x25519.Identity.from_str(keys[0] if len(keys) == 1 else identity.strip())
    except Exception:
        # Not chained: pyrage's message might echo the key.
        raise ValueError("not an age X25519 identity (AGE-SECRET-KEY-...)") from None


class AgeEncryptor:
    """A writable stream whose bytes arrive, age-encrypted to `recipient`, in `sink`.

    The producer calls `write` in its own thread; pyrage runs in a background thread and calls
    `sink.write` there. `finish` marks the end and waits; `abort` stops everything.
    """

    def __init__(
        self, recipient: str, sink: SupportsWrite, *, capacity: int = DEFAULT_CAPACITY
    ) -> None:
        self._recipient = parse_recipient(recipient)
        self._sink = sink
        self._pipe = BoundedPipe(capacity)
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="bundle-encrypt", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            pyrage.encrypt_io(self._pipe, self._sink, [self._recipient])
        except BaseException as exc:
            self.error = exc
            self._pipe.abort(AgeStreamError("age encryption stopped"))

    def write(self, data: bytes | bytearray | memoryview, /) -> int:
        return self._pipe.write(data)

    def finish(self, poll: Callable[[], None], interval: float = 0.05) -> None:
        """End the input and wait for the last bytes to reach the sink.

        `poll` runs every `interval` seconds meanwhile (progress, cancel); if it raises, the
        caller is expected to `abort`.
        """
        self._pipe.close()
        while self._thread.is_alive():
            self._thread.join(interval)
            poll()
        if self.error is not None:
            raise AgeStreamError("age encryption failed") from self.error

    def abort(self) -> None:
        """Stop the background thread (it sees an error, never a clean end) and wait for it."""
        self._pipe.abort(PipeClosed("export stopped"))
        self._thread.join()


class ThreadedWriter:
    """Passes what is written to it on to `sink` from a background thread.

    Export uses it between age and the part files so that writing, hashing, fsyncing and
    reading back a part (which release the GIL) overlap with encryption (which does not).
    """

    def __init__(self, sink: SupportsWrite, *, capacity: int = DEFAULT_CAPACITY // 2) -> None:
        self._sink = sink
        self._pipe = BoundedPipe(capacity)
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="bundle-write", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while data := self._pipe.read(AGE_CHUNK + AGE_TAG):
                self._sink.write(data)
        except BaseException as exc:
            self.error = exc
            self._pipe.abort(AgeStreamError("writing stopped"))

    def write(self, data: bytes | bytearray | memoryview, /) -> int:
        return self._pipe.write(data)

    def finish(self, poll: Callable[[], None], interval: float = 0.05) -> None:
        """Wait until everything written reached the sink; `poll` as in AgeEncryptor.finish."""
        self._pipe.close()
        while self._thread.is_alive():
            self._thread.join(interval)
            poll()
        if self.error is not None:
            raise AgeStreamError("writing failed") from self.error

    def abort(self) -> None:
        self._pipe.abort(PipeClosed("export stopped"))
        self._thread.join()


class AgeFailure(enum.Enum):
    """Why age decryption stopped, as far as pyrage tells."""

    NO_MATCHING_IDENTITY = "no-matching-identity"
    BAD_HEADER = "bad-header"
    STREAM = "stream"  # a payload chunk failed authentication, or the stream ends early
    TRUNCATED = "truncated"  # the stream ends exactly between two chunks
    OTHER = "other"


def describe_failure(error: BaseException) -> AgeFailure:
    """Sort a pyrage decryption error; pyrage only tells them apart by type and message."""
    if isinstance(error, pyrage.DecryptError):
        if "no matching keys" in str(error).lower():
            return AgeFailure.NO_MATCHING_IDENTITY
        return AgeFailure.BAD_HEADER
    if type(error) is OSError:
        if str(error) == "decryption error":
            return AgeFailure.STREAM
        if str(error) == "age file is truncated":
            return AgeFailure.TRUNCATED
    return AgeFailure.OTHER


# classify(error, plaintext_bytes_produced) -> the exception the reader should see
Classifier = Callable[[BaseException, int], BaseException]


class AgeDecryptor:
    """A readable stream of the plaintext of the age file read from `source`.

    pyrage runs in a background thread. When it fails, `classify` turns its error (and how much
    plaintext it had produced, which locates the failure) into the exception the reader gets
    once it has read the plaintext produced before the failure. The reader must therefore not act
    on anything until `read` returned b"" (the end, reached only after pyrage succeeded).
    """

    def __init__(
        self,
        identity: str,
        source: SupportsRead,
        *,
        classify: Classifier,
        capacity: int = DEFAULT_CAPACITY,
    ) -> None:
        self._identity = parse_identity(identity)
        self._source = source
        self._classify = classify
        self._pipe = BoundedPipe(capacity)
        self._thread = threading.Thread(target=self._run, name="bundle-decrypt", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            pyrage.decrypt_io(self._source, self._pipe, [self._identity])
        except BaseException as exc:
            try:
                reported = self._classify(exc, self._pipe.total_written)
            except BaseException as classify_error:
                reported = classify_error
            # What was decrypted before the failure is authentic: deliver it, then the error,
            # so what a reader sees does not depend on thread timing.
            self._pipe.close(reported)
        else:
            self._pipe.close()

    def read(self, size: int = -1, /) -> bytes:
        return self._pipe.read(size)

    def readinto(self, buffer: memoryview, /) -> int:
        return self._pipe.readinto(buffer)

    def close(self) -> None:
        """Stop decrypting (if still running) and wait for the thread."""
        self._pipe.abort(PipeClosed("import stopped"))
        self._thread.join()


def encrypted_size_upper_bound(plaintext_size: int) -> int:
    """At most how many bytes age writes for `plaintext_size` bytes (one X25519 recipient)."""
    chunks = max(1, -(-plaintext_size // AGE_CHUNK))
    return AGE_HEADER_MAX + AGE_NONCE + plaintext_size + chunks * AGE_TAG


def payload_start(header_bytes: bytes) -> int | None:
    """Offset of the first payload chunk, from the start of an age file (None: no header).

    The header ends with the line `--- <mac>`; the 16-byte payload nonce follows it.
    """
    mac_line = header_bytes.find(b"\n--- ")
    if mac_line < 0:
        return None
    end = header_bytes.find(b"\n", mac_line + 1)
    if end < 0:
        return None
    return end + 1 + AGE_NONCE
