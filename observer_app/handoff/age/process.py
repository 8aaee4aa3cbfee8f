"""age in a child process, as streams: what `handoff export` and `handoff import` use.

pyrage holds the GIL while it works. In a thread (`stream.AgeEncryptor`, `AgeDecryptor`)
it therefore takes turns with the rest of the export or import instead of running beside it:
an import of a bundle with thousands of events ran at less than half the speed of the stock
`age` command. The child (`child.py`, run with `python -I`, see `child_process`) runs
age on the other core; this side only moves bytes, and reading and writing pipes release the GIL.

Plaintext travels through anonymous pipes between the two processes (kernel memory, never a
file); the private key goes the same way, never through argv or the environment. Failures
behave as with the threaded classes: a reader first gets all plaintext produced before a
failure, then the exception `classify(error, produced)` returns, again on every later read; an
encryption that is aborted kills the child before its input could end cleanly, so it never
writes a valid age file of a half-written tar. A child that dies on its own (killed, out of
memory) is reported as such, with exit code 4. Where no child can start (a frozen build, pyrage
not importable with `-I`) the threaded classes are used.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import Protocol

import pyrage

from observer_app.errors import UserActionError
from observer_app.handoff.age.child_process import AgeChild, children_can_start
from observer_app.handoff.age.stream import (
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
from observer_app.i18n import _

FEED_CHUNK = 1024 * 1024
DRAIN_CHUNK = 1024 * 1024


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


def start_decryptor(
    identity: str, source: SupportsRead, *, classify: Classifier
) -> PlaintextStream:
    """A decryptor of the age stream from `source`: in a child process where one can start."""
    if not children_can_start():
        return AgeDecryptor(identity, source, classify=classify)
    return ProcessAgeDecryptor(identity, source, classify=classify)


def start_encryptor(recipient: str, sink: SupportsWrite) -> Encryption:
    """An encryptor to `recipient` whose output goes to `sink` from a background thread (the
    thread that makes parts durable): in a child process where one can start."""
    if not children_can_start():
        return ThreadedEncryption(recipient, sink)
    return ProcessAgeEncryptor(recipient, sink)


class ThreadedEncryption:
    """The fallback: pyrage in a thread, its output passed on by a second thread."""

    def __init__(self, recipient: str, sink: SupportsWrite) -> None:
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


def _stopped_unexpectedly(child: AgeChild, status: int) -> UserActionError:
    return UserActionError(
        _("the age process stopped unexpectedly ({detail}); nothing was changed").format(
            detail=child.describe_exit(status)
        )
    )


class ProcessAgeEncryptor:
    """A writable stream whose bytes arrive, age-encrypted to `recipient`, in `sink`.

    The producer's `write` goes into the child's stdin; a drain thread passes the child's output
    to `sink`. `finish` ends the input cleanly and waits; `abort` kills the child first, so the
    age stream it leaves behind has no final chunk and is never valid. A failing sink (a full
    stick) stops the child and makes the producer's next `write` fail; `error` keeps the cause.
    """

    def __init__(
        self, recipient: str, sink: SupportsWrite, *, command: Sequence[str] | None = None
    ) -> None:
        key_line = (str(parse_recipient(recipient)) + "\n").encode("ascii")
        self._sink = sink
        self.error: BaseException | None = None
        self._aborted = False
        self._child = AgeChild("encrypt", command)
        self._drain = threading.Thread(target=self._run, name="bundle-encrypt", daemon=True)
        try:
            self._drain.start()
            self._child.write_all(key_line)
        except OSError:
            self.abort()
            raise self._unexpected() from None
        except BaseException:
            self.abort()
            raise

    def _run(self) -> None:
        try:
            while data := self._child.stdout.read(DRAIN_CHUNK):
                self._sink.write(data)
        except BaseException as error:
            self.error = error  # set before the kill: the producer then knows why it failed
            self._child.kill()

    def _unexpected(self) -> BaseException:
        """Why the child no longer takes input: the sink failed (cause in `error`), or it died."""
        if self.error is not None or self._aborted:
            return AgeStreamError("age encryption stopped")
        self._child.kill()
        return _stopped_unexpectedly(self._child, self._child.wait())

    def write(self, data: bytes | bytearray | memoryview, /) -> int:
        if self.error is not None or self._aborted:
            raise AgeStreamError("age encryption stopped")
        try:
            self._child.write_all(data)
        except OSError:
            raise self._unexpected() from None
        return len(data)

    def finish(self, poll: Callable[[], None], interval: float = 0.05) -> None:
        """End the input and wait for the last bytes to reach the sink; `poll` runs every
        `interval` seconds meanwhile (progress, cancel); if it raises, call `abort`."""
        if self.error is not None or self._aborted:
            raise AgeStreamError("age encryption stopped")
        try:
            self._child.end_input()
        except OSError:
            raise self._unexpected() from None
        while self._drain.is_alive():
            self._drain.join(interval)
            poll()
        status = self._child.wait()
        if self.error is not None:
            raise AgeStreamError("age encryption failed") from self.error
        if status != 0:
            raise _stopped_unexpectedly(self._child, status)
        self._child.stop()

    def abort(self) -> None:
        """Kill the child (it never sees a clean end of its input) and wait for the thread."""
        self._aborted = True
        self._child.kill()
        if self._drain.is_alive():
            self._drain.join()
        self._child.stop()


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
        self._key_line = (str(parse_identity(identity)) + "\n").encode("ascii")
        self._source = source
        self._classify = classify
        self._produced = 0
        self._final: BaseException | None = None
        self._ended = False
        self._closed = False
        self._source_error: BaseException | None = None
        self._child = AgeChild("decrypt", command)
        self._feeder = threading.Thread(target=self._feed, name="bundle-decrypt-feed", daemon=True)
        try:
            self._feeder.start()
        except BaseException:
            self._child.stop()
            raise

    @property
    def pid(self) -> int:
        return self._child.pid

    # -- the feeder thread ---------------------------------------------------------------------

    def _feed(self) -> None:
        key_line, self._key_line = self._key_line, b""
        try:
            self._child.write_all(key_line)
            del key_line
            while True:
                try:
                    data = self._source.read(FEED_CHUNK)
                except BaseException as error:  # the source failed (a pulled stick)
                    self._source_error = error
                    return
                if not data:
                    return
                self._child.write_all(data)
        except OSError:
            pass  # the child stopped reading; its exit status says why
        finally:
            with contextlib.suppress(OSError):
                self._child.end_input()

    # -- the reader's side ---------------------------------------------------------------------

    def read(self, size: int = -1, /) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(FEED_CHUNK), b""))
        if size == 0:
            return b""
        self._check_open()
        data = self._child.stdout.read(size) if not self._ended else b""
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
        count = self._child.stdout.readinto(view) if not self._ended else 0
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
        status = self._child.wait()
        self._feeder.join()
        if status == 0 and self._source_error is None:
            self._ended = True
            return
        error = self._source_error or self._child_error(status)
        try:
            self._final = self._classify(error, self._produced)
        except BaseException as classify_error:
            self._final = classify_error
        raise self._final

    def _child_error(self, status: int) -> BaseException:
        """pyrage's own exception, rebuilt from the child's report, so that one classifier
        serves both decryptors; anything else is a child that died."""
        report = self._child.report() if status > 0 else None
        if report is not None and report[0] == "decrypt":
            return pyrage.DecryptError(report[1])
        if report is not None and report[0] == "os":
            return OSError(report[1])
        return _stopped_unexpectedly(self._child, status)

    def close(self) -> None:
        """Stop the child (if still running), wait for it and the feeder; idempotent."""
        if self._closed:
            return
        self._closed = True
        self._child.kill()
        self._feeder.join()
        self._child.stop()
