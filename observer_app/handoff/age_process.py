"""age in a child process, as streams: what `handoff export` and `handoff import` use.

pyrage holds the GIL while it works. In a thread (`age_stream.AgeEncryptor`, `AgeDecryptor`)
it therefore takes turns with the rest of the export or import instead of running beside it:
an import of a bundle with thousands of events ran at less than half the speed of the stock
`age` command. The child (`age_child.py`, run with `python -I`) runs age on the other core;
this side only moves bytes, and reading and writing pipes release the GIL.

Plaintext travels through anonymous pipes between the two processes (kernel memory, never a
file); the private key goes the same way, never through argv or the environment. Failures
behave as with the threaded classes: a reader first gets all plaintext produced before a
failure, then the exception `classify(error, produced)` returns, again on every later read; an
encryption that is aborted kills the child before its input could end cleanly, so it never
writes a valid age file of a half-written tar. A frozen build (no Python interpreter to start)
falls back to the threaded classes.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Protocol, cast

import pyrage

from observer_app.handoff.age_stream import (
    AgeDecryptor,
    AgeEncryptor,
    AgeStreamError,
    Classifier,
    PipeClosed,
    SupportsRead,
    SupportsWrite,
    ThreadedWriter,
    parse_identity,
    parse_recipient,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

CHILD_SCRIPT = Path(__file__).with_name("age_child.py")
FEED_CHUNK = 1024 * 1024
DRAIN_CHUNK = 1024 * 1024
PIPE_SIZE = 1024 * 1024  # Linux's default ceiling for an unprivileged F_SETPIPE_SZ
STDERR_MAX = 64 * 1024


class PlaintextStream(Protocol):
    """What the tar reader needs from a decryptor."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readinto(self, buffer: memoryview, /) -> int: ...

    def close(self) -> None: ...


class Encryption(Protocol):
    """What the tar writer and `write_bundle` need from an encryptor."""

    def write(self, data: bytes | bytearray | memoryview, /) -> int: ...

    def finish(self, poll: Callable[[], None], interval: float = 0.05) -> None: ...

    def abort(self) -> None: ...


def _children_can_start() -> bool:
    return not getattr(sys, "frozen", False) and CHILD_SCRIPT.is_file()


def _child_command(mode: str) -> list[str]:
    return [sys.executable, "-I", str(CHILD_SCRIPT), mode]


def start_decryptor(
    identity: str, source: SupportsRead, *, classify: Classifier
) -> PlaintextStream:
    """A decryptor of the age stream from `source`: in a child process where one can start."""
    if not _children_can_start():
        return AgeDecryptor(identity, source, classify=classify)
    return ProcessAgeDecryptor(identity, source, classify=classify)


def start_encryptor(recipient: str, sink: SupportsWrite) -> Encryption:
    """An encryptor to `recipient` whose output goes to `sink` from a background thread (the
    thread that makes parts durable): in a child process where one can start."""
    if not _children_can_start():
        return ThreadedEncryption(recipient, sink)
    return ProcessAgeEncryptor(recipient, sink)


class ThreadedEncryption:
    """The fallback: pyrage in a thread, its output passed on by a second thread."""

    def __init__(self, recipient: str, sink: SupportsWrite) -> None:
        parse_recipient(recipient)
        self._sink = ThreadedWriter(sink)
        try:
            self._encryptor = AgeEncryptor(recipient, self._sink)
        except BaseException:
            self._sink.abort()
            raise

    def write(self, data: bytes | bytearray | memoryview, /) -> int:
        return self._encryptor.write(data)

    def finish(self, poll: Callable[[], None], interval: float = 0.05) -> None:
        self._encryptor.finish(poll, interval)
        self._sink.finish(poll, interval)

    def abort(self) -> None:
        # From the stick's end backwards: the writing thread first, then age.
        self._sink.abort()
        self._encryptor.abort()


class ProcessAgeEncryptor:
    """A writable stream whose bytes arrive, age-encrypted to `recipient`, in `sink`.

    The producer's `write` goes into the child's stdin; a drain thread passes the child's output
    to `sink`. `finish` ends the input cleanly and waits; `abort` kills the child first, so the
    age stream it leaves behind has no final chunk and is never valid.
    """

    def __init__(
        self, recipient: str, sink: SupportsWrite, *, command: Sequence[str] | None = None
    ) -> None:
        key_line = (str(parse_recipient(recipient)) + "\n").encode("ascii")
        self._sink = sink
        self.error: BaseException | None = None
        self._aborted = False
        self._process = subprocess.Popen(
            list(command or _child_command("encrypt")),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
            close_fds=True,
        )
        self._stdin = _pipe(self._process.stdin)
        self._stdout = _pipe(self._process.stdout)
        self._stderr = _pipe(self._process.stderr)
        for stream in (self._stdin, self._stdout):
            _widen(stream)
        self._drain = threading.Thread(target=self._run, name="bundle-encrypt", daemon=True)
        self._drain.start()
        try:
            _write_all(self._stdin, key_line)
        except OSError:
            self.abort()
            raise AgeStreamError("age encryption did not start") from None

    def _run(self) -> None:
        try:
            while data := self._stdout.read(DRAIN_CHUNK):
                self._sink.write(data)
        except BaseException as error:
            self.error = error
            self._kill()

    def write(self, data: bytes | bytearray | memoryview, /) -> int:
        if self.error is not None or self._aborted:
            raise AgeStreamError("age encryption stopped")
        try:
            _write_all(self._stdin, data)
        except OSError:
            raise AgeStreamError("age encryption stopped") from None
        return len(data)

    def finish(self, poll: Callable[[], None], interval: float = 0.05) -> None:
        """End the input and wait for the last bytes to reach the sink; `poll` runs every
        `interval` seconds meanwhile (progress, cancel); if it raises, call `abort`."""
        if self.error is not None or self._aborted:
            raise AgeStreamError("age encryption stopped")
        try:
            self._stdin.close()
        except OSError:
            raise AgeStreamError("age encryption stopped") from None
        while self._drain.is_alive():
            self._drain.join(interval)
            poll()
        status = self._process.wait()
        if self.error is not None:
            raise AgeStreamError("age encryption failed") from self.error
        if status != 0:
            report = self._stderr.read(STDERR_MAX).split(b"\n", 1)[0].decode(errors="replace")
            raise AgeStreamError(f"the age encryption process ended with status {status}: {report}")
        self._close_pipes()

    def abort(self) -> None:
        """Kill the child (it never sees a clean end of its input) and wait for both threads."""
        self._aborted = True
        self._kill()
        self._drain.join()
        self._process.wait()
        with contextlib.suppress(OSError):
            self._stdin.close()
        self._close_pipes()

    def _kill(self) -> None:
        if self._process.poll() is None:
            with contextlib.suppress(OSError):
                self._process.kill()

    def _close_pipes(self) -> None:
        for stream in (self._stdout, self._stderr):
            with contextlib.suppress(OSError):
                stream.close()


class ProcessAgeDecryptor:
    """A readable stream of the plaintext of the age file read from `source`, decrypted by a
    child process. A feeder thread copies `source` into the child; the caller reads the child's
    output in its own thread. As with AgeDecryptor, nothing read may be acted on before `read`
    returned b"", which happens only when the child decrypted the whole stream."""

    def __init__(
        self,
        identity: str,
        source: SupportsRead,
        *,
        classify: Classifier,
        command: Sequence[str] | None = None,
    ) -> None:
        key_line = (str(parse_identity(identity)) + "\n").encode("ascii")
        self._source = source
        self._classify = classify
        self._produced = 0
        self._final: BaseException | None = None
        self._ended = False
        self._closed = False
        self._feed_error: BaseException | None = None
        self._process = subprocess.Popen(
            list(command or _child_command("decrypt")),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
            close_fds=True,
        )
        self._stdin = _pipe(self._process.stdin)
        # bufsize=0: a raw FileIO, whose read and readinto make one system call each.
        self._stdout = cast(io.RawIOBase, _pipe(self._process.stdout))
        self._stderr = _pipe(self._process.stderr)
        for stream in (self._stdin, self._stdout):
            _widen(stream)
        self._feeder = threading.Thread(
            target=self._feed, args=(key_line,), name="bundle-decrypt-feed", daemon=True
        )
        self._feeder.start()

    # -- the feeder thread ---------------------------------------------------------------------

    def _feed(self, key_line: bytes) -> None:
        try:
            _write_all(self._stdin, key_line)
            del key_line
            while data := self._source.read(FEED_CHUNK):
                _write_all(self._stdin, data)
        except BrokenPipeError:
            pass  # the child stopped early; its exit status says why
        except BaseException as error:  # a source that failed (a pulled stick)
            self._feed_error = error
        finally:
            with contextlib.suppress(OSError):
                self._stdin.close()

    # -- the reader's side ---------------------------------------------------------------------

    def read(self, size: int = -1, /) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(FEED_CHUNK), b""))
        if size == 0:
            return b""
        self._check_open()
        data = self._stdout.read(size) if not self._ended else b""
        if data:
            self._produced += len(data)
            return data
        self._finish()
        return b""

    def readinto(self, buffer: memoryview, /) -> int:
        view = buffer.cast("B") if buffer.format != "B" else buffer
        if not len(view):
            return 0
        self._check_open()
        count = self._stdout.readinto(view) if not self._ended else 0
        if count:
            self._produced += count
            return count
        self._finish()
        return 0

    def _check_open(self) -> None:
        if self._final is not None:
            raise self._final
        if self._closed:
            raise PipeClosed("import stopped")

    def _finish(self) -> None:
        """The child's output ended: a clean end, or the classified failure (kept for later
        reads, as a pipe closed with an error would)."""
        if self._ended:
            return
        status = self._process.wait()
        self._feeder.join()
        if status == 0 and self._feed_error is None:
            self._ended = True
            return
        error = self._feed_error or self._child_error(status)
        try:
            self._final = self._classify(error, self._produced)
        except BaseException as classify_error:
            self._final = classify_error
        raise self._final

    def _child_error(self, status: int) -> BaseException:
        report = self._stderr.read(STDERR_MAX).split(b"\n", 1)[0]
        try:
            fields = json.loads(report)
            kind, message = str(fields["kind"]), str(fields["message"])
        except (ValueError, KeyError, TypeError):
            return AgeStreamError(f"the age decryption process ended with status {status}")
        if kind == "decrypt":
            return pyrage.DecryptError(message)
        if kind == "os":
            return OSError(message)
        return AgeStreamError(f"age decryption failed ({kind}: {message})")

    def close(self) -> None:
        """Stop the child (if still running), wait for it and the feeder; idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._feeder.join()
        for stream in (self._stdout, self._stderr):
            stream.close()


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    if stream is None:  # pragma: no cover - Popen was asked for pipes
        raise RuntimeError("the age child has no pipe")
    return stream


def _widen(stream: IO[bytes] | io.RawIOBase) -> None:
    """Ask for 1 MiB pipes (64 KiB by default): fewer wake-ups per megabyte. Best effort."""
    if fcntl is None:  # pragma: no cover - Windows
        return
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)


def _write_all(stream: IO[bytes], data: bytes | bytearray | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = stream.write(view)
        if written is None:  # pragma: no cover - the pipe is blocking
            continue
        view = view[written:]
