"""age decryption in a child process, read as a stream: what `handoff import` uses.

pyrage holds the GIL while it decrypts. In a thread (`age_stream.AgeDecryptor`) it therefore
takes turns with the importer instead of running beside it, and an import of a bundle with
thousands of events ran at less than half the speed of the stock `age` command. The child
(`age_child.py`, run with `python -I`) decrypts on the other core; this side only moves bytes,
and reading and writing pipes release the GIL.

The plaintext travels through an anonymous pipe between the two processes (kernel memory, never
a file); the private key goes the same way, never through argv or the environment. Failures
behave exactly as with the threaded decryptor: the reader first gets all plaintext produced
before the failure, then the exception `classify(error, produced)` returns, again on every later
read. A frozen build (no Python interpreter to start) falls back to the threaded decryptor.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Protocol, cast

import pyrage

from observer_app.handoff.age_stream import (
    AgeDecryptor,
    AgeStreamError,
    Classifier,
    PipeClosed,
    SupportsRead,
    parse_identity,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

CHILD_SCRIPT = Path(__file__).with_name("age_child.py")
FEED_CHUNK = 1024 * 1024
PIPE_SIZE = 1024 * 1024  # Linux's default ceiling for an unprivileged F_SETPIPE_SZ
STDERR_MAX = 64 * 1024


class PlaintextStream(Protocol):
    """What the tar reader needs from a decryptor."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readinto(self, buffer: memoryview, /) -> int: ...

    def close(self) -> None: ...


def start_decryptor(
    identity: str, source: SupportsRead, *, classify: Classifier
) -> PlaintextStream:
    """A decryptor of the age stream from `source`: in a child process where one can start."""
    if getattr(sys, "frozen", False) or not CHILD_SCRIPT.is_file():
        return AgeDecryptor(identity, source, classify=classify)
    return ProcessAgeDecryptor(identity, source, classify=classify)


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
        command: tuple[str, ...] | None = None,
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
            list(command or (sys.executable, "-I", str(CHILD_SCRIPT))),
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


def _write_all(stream: IO[bytes], data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = stream.write(view)
        if written is None:  # pragma: no cover - the pipe is blocking
            continue
        view = view[written:]
