"""age in a child process: the same results and failures as the threaded classes, the key
never on a command line, an aborted encryption never valid, and no child left behind.

Every blocking call runs with a timeout, so a deadlock fails the test instead of hanging.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pyrage
import pytest
from pyrage import x25519

from observer_app.errors import UserActionError
from observer_app.handoff.age.process import (
    ProcessAgeDecryptor,
    ProcessAgeEncryptor,
    ThreadedEncryption,
    start_decryptor,
    start_encryptor,
)
from observer_app.handoff.age.stream import AgeDecryptor, AgeStreamError, PipeClosed

TIMEOUT = 20


class FailingSource:
    """A ciphertext source that fails like a pulled stick after `fail_after` bytes."""

    def __init__(self, data: bytes, *, fail_after: int | None = None) -> None:
        self._stream = io.BytesIO(data)
        self._fail_after = fail_after
        self.position = 0

    def read(self, size: int = -1, /) -> bytes:
        if self._fail_after is not None and self.position >= self._fail_after:
            raise OSError(5, "Input/output error")
        data = self._stream.read(size if self._fail_after is None else min(size, 4096))
        self.position += len(data)
        return data


def read_all(decryptor: ProcessAgeDecryptor) -> bytes:
    """Read to the end in a thread with a timeout; re-raise what the reads raised."""
    result: list[bytes] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            while chunk := decryptor.read(70_000):
                result.append(chunk)
        except BaseException as error:
            failure.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert done.wait(TIMEOUT), "the decryptor blocked"
    if failure:
        raise failure[0]
    return b"".join(result)


def recording(seen: list[BaseException]) -> Callable[[BaseException, int], BaseException]:
    """A classifier that notes the raw error and passes it on unchanged."""

    def classify(error: BaseException, produced: int) -> BaseException:
        seen.append(error)
        return error

    return classify


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_round_trip_through_the_child_process() -> None:
    identity = x25519.Identity.generate()
    plaintext = os.urandom(3_000_000)
    ciphertext = pyrage.encrypt(plaintext, [identity.to_public()])
    decryptor = ProcessAgeDecryptor(str(identity), io.BytesIO(ciphertext), classify=lambda e, n: e)
    assert read_all(decryptor) == plaintext
    assert decryptor.read(10) == b""  # the clean end stays the end
    decryptor.close()


def test_readinto_fills_buffers_and_counts_like_read() -> None:
    identity = x25519.Identity.generate()
    plaintext = b"\xd2\x9a" * 200_000
    ciphertext = pyrage.encrypt(plaintext, [identity.to_public()])
    decryptor = ProcessAgeDecryptor(str(identity), io.BytesIO(ciphertext), classify=lambda e, n: e)
    received = bytearray()
    buffer = bytearray(50_000)
    while count := decryptor.readinto(memoryview(buffer)):
        assert 0 < count <= len(buffer)
        received += buffer[:count]
        assert decryptor._produced == len(received)
    decryptor.close()
    assert bytes(received) == plaintext


@pytest.mark.parametrize("decryptor_class", [AgeDecryptor, ProcessAgeDecryptor])
def test_a_cut_stream_delivers_the_authentic_chunks_then_the_classified_error(
    decryptor_class: type[AgeDecryptor] | type[ProcessAgeDecryptor],
) -> None:
    """Both decryptors, in a thread and in a child process, behave alike."""
    identity = x25519.Identity.generate()
    ciphertext = pyrage.encrypt(b"r" * 300_000, [identity.to_public()])
    seen: list[tuple[BaseException, int]] = []

    def classify(error: BaseException, produced: int) -> BaseException:
        seen.append((error, produced))
        return LookupError("classified")

    decryptor = decryptor_class(str(identity), io.BytesIO(ciphertext[:-10]), classify=classify)
    received = b""
    with pytest.raises(LookupError, match="classified"):
        while chunk := decryptor.read(65536):
            received += chunk
    with pytest.raises(LookupError, match="classified"):  # and again on every later read
        decryptor.read(1)
    decryptor.close()
    assert received == b"r" * 4 * 65536
    error, produced = seen[0]
    # The same error pyrage raises in-process, so one classifier serves both decryptors.
    assert type(error) is OSError and str(error) == "decryption error"
    assert produced == 4 * 65536


def test_the_wrong_identity_is_reported_as_pyrage_does() -> None:
    sender, other = x25519.Identity.generate(), x25519.Identity.generate()
    ciphertext = pyrage.encrypt(b"secret", [sender.to_public()])
    seen: list[BaseException] = []
    classify = recording(seen)

    decryptor = ProcessAgeDecryptor(str(other), io.BytesIO(ciphertext), classify=classify)
    with pytest.raises(pyrage.DecryptError):
        decryptor.read(100)
    decryptor.close()
    assert "no matching keys" in str(seen[0]).lower()


def test_a_failing_source_reaches_the_classifier_as_its_own_error() -> None:
    identity = x25519.Identity.generate()
    ciphertext = pyrage.encrypt(os.urandom(500_000), [identity.to_public()])
    source = FailingSource(ciphertext, fail_after=100_000)
    seen: list[BaseException] = []

    def classify(error: BaseException, produced: int) -> BaseException:
        seen.append(error)
        return LookupError("stick pulled")

    decryptor = ProcessAgeDecryptor(str(identity), source, classify=classify)
    with pytest.raises(LookupError, match="stick pulled"):
        read_all(decryptor)
    decryptor.close()
    assert isinstance(seen[0], OSError) and seen[0].errno == 5


def test_the_key_is_not_on_the_command_line_and_close_ends_the_child() -> None:
    identity = x25519.Identity.generate()
    ciphertext = pyrage.encrypt(b"q" * 5_000_000, [identity.to_public()])
    decryptor = ProcessAgeDecryptor(str(identity), io.BytesIO(ciphertext), classify=lambda e, n: e)
    assert decryptor.read(100) == b"q" * 100
    pid = decryptor.pid
    command_line = Path(f"/proc/{pid}/cmdline").read_bytes()
    environment = Path(f"/proc/{pid}/environ").read_bytes()
    assert b"AGE-SECRET-KEY" not in command_line + environment
    assert b"handoff/age/child.py" in command_line
    decryptor.close()
    assert not alive(pid)  # killed and reaped, not a zombie
    assert not [t for t in threading.enumerate() if t.name.startswith("bundle-") and t.is_alive()]
    with pytest.raises(PipeClosed):
        decryptor.read(1)
    decryptor.close()  # a second close is harmless


def test_a_broken_identity_is_refused_before_any_child_starts() -> None:
    with pytest.raises(ValueError, match="not an age X25519 identity") as caught:
        ProcessAgeDecryptor("AGE-SECRET-KEY-1BROKEN", io.BytesIO(), classify=lambda e, n: e)
    assert "BROKEN" not in str(caught.value)


def test_a_child_that_dies_without_a_word_is_an_error_not_an_end() -> None:
    identity = x25519.Identity.generate()
    ciphertext = pyrage.encrypt(b"z" * 1000, [identity.to_public()])
    decryptor = ProcessAgeDecryptor(
        str(identity),
        io.BytesIO(ciphertext),
        classify=lambda e, n: e,
        command=("/bin/sh", "-c", "cat > /dev/null; exit 9"),
    )
    with pytest.raises(UserActionError, match=r"stopped unexpectedly \(status 9\)"):
        decryptor.read(10)
    decryptor.close()


def test_import_uses_the_child_process() -> None:
    identity = x25519.Identity.generate()
    decryptor = start_decryptor(str(identity), io.BytesIO(b""), classify=lambda e, n: e)
    try:
        assert isinstance(decryptor, ProcessAgeDecryptor)
    finally:
        decryptor.close()


# -- encryption ----------------------------------------------------------------------------------


class GrowingSink:
    """An in-memory sink written by the drain thread."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.lock = threading.Lock()

    def write(self, data: bytes, /) -> int:
        with self.lock:
            self.data += data
        return len(data)

    def size(self) -> int:
        with self.lock:
            return len(self.data)


def test_encryption_round_trip_through_the_child_process() -> None:
    identity = x25519.Identity.generate()
    sink = GrowingSink()
    encryptor = ProcessAgeEncryptor(str(identity.to_public()), sink)
    plaintext = os.urandom(2_500_000)
    for start in range(0, len(plaintext), 100_000):
        encryptor.write(memoryview(plaintext)[start : start + 100_000])
    polls: list[int] = []
    encryptor.finish(poll=lambda: polls.append(1))
    assert pyrage.decrypt(bytes(sink.data), [identity]) == plaintext
    assert not alive(encryptor._child.pid)


def test_an_aborted_child_encryption_never_ends_as_a_valid_age_file() -> None:
    """Abort kills the child before its input could end cleanly: a clean end would finish a
    valid age file of a half-written tar."""
    identity = x25519.Identity.generate()
    sink = GrowingSink()
    encryptor = ProcessAgeEncryptor(str(identity.to_public()), sink)
    encryptor.write(os.urandom(400_000))
    waited = 0.0
    while sink.size() <= 64 * 1024 and waited < TIMEOUT:  # a real half-written file
        threading.Event().wait(0.01)
        waited += 0.01
    assert sink.size() > 64 * 1024
    encryptor.abort()
    assert not alive(encryptor._child.pid)
    with pytest.raises(pyrage.DecryptError, match="truncated"):
        pyrage.decrypt(bytes(sink.data), [identity])
    with pytest.raises(AgeStreamError):
        encryptor.write(b"more")


def test_a_failing_sink_stops_the_producer_and_keeps_the_cause() -> None:
    class FullDisk:
        def write(self, data: bytes, /) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    encryptor = ProcessAgeEncryptor(str(x25519.Identity.generate().to_public()), FullDisk())
    failure: list[BaseException] = []
    done = threading.Event()

    def produce() -> None:
        try:
            for _ in range(10_000):
                encryptor.write(b"p" * 65536)
        except BaseException as error:
            failure.append(error)
        finally:
            done.set()

    threading.Thread(target=produce, daemon=True).start()
    assert done.wait(TIMEOUT), "the producer blocked"
    assert isinstance(failure[0], AgeStreamError)
    assert isinstance(encryptor.error, OSError) and encryptor.error.errno == errno.ENOSPC
    encryptor.abort()


def test_a_child_encryptor_that_fails_is_an_error_at_finish() -> None:
    encryptor = ProcessAgeEncryptor(
        str(x25519.Identity.generate().to_public()),
        GrowingSink(),
        command=("/bin/sh", "-c", "cat > /dev/null; echo oops >&2; exit 7"),
    )
    encryptor.write(b"x" * 1000)
    with pytest.raises(UserActionError, match=r"stopped unexpectedly \(status 7\)"):
        encryptor.finish(poll=lambda: None)
    encryptor.abort()


def test_a_bad_recipient_is_refused_before_any_child_starts() -> None:
    with pytest.raises(ValueError, match="not an age X25519 recipient"):
        ProcessAgeEncryptor("age1notakey", GrowingSink())


def test_the_threaded_fallback_encrypts_the_same_way() -> None:
    identity = x25519.Identity.generate()
    sink = GrowingSink()
    encryption = ThreadedEncryption(str(identity.to_public()), sink)
    encryption.write(b"w" * 300_000)
    encryption.finish(poll=lambda: None)
    assert pyrage.decrypt(bytes(sink.data), [identity]) == b"w" * 300_000


def test_export_uses_the_child_process() -> None:
    encryption = start_encryptor(str(x25519.Identity.generate().to_public()), GrowingSink())
    try:
        assert isinstance(encryption, ProcessAgeEncryptor)
    finally:
        encryption.abort()


# -- what the child inherits, and children that die -----------------------------------------------


def test_the_child_inherits_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBSERVER_PASSPHRASE", "correct horse battery staple")
    identity = x25519.Identity.generate()
    ciphertext = pyrage.encrypt(b"q" * 3_000_000, [identity.to_public()])
    decryptor = ProcessAgeDecryptor(str(identity), io.BytesIO(ciphertext), classify=lambda e, n: e)
    assert decryptor.read(10) == b"q" * 10
    environment = Path(f"/proc/{decryptor.pid}/environ").read_bytes()
    decryptor.close()
    assert b"correct horse" not in environment
    assert b"OBSERVER_" not in environment


def test_a_killed_child_is_reported_as_such_not_as_a_damaged_bundle() -> None:
    identity = x25519.Identity.generate()
    ciphertext = pyrage.encrypt(os.urandom(6_000_000), [identity.to_public()])
    seen: list[BaseException] = []
    classify = recording(seen)

    decryptor = ProcessAgeDecryptor(str(identity), io.BytesIO(ciphertext), classify=classify)
    assert len(decryptor.read(1000)) > 0
    os.kill(decryptor.pid, signal.SIGKILL)
    with pytest.raises(UserActionError, match=r"stopped unexpectedly \(signal SIGKILL\)"):
        read_all(decryptor)
    decryptor.close()
    assert isinstance(seen[0], UserActionError)


def test_a_killed_encryption_child_is_reported_to_the_producer() -> None:
    encryptor = ProcessAgeEncryptor(str(x25519.Identity.generate().to_public()), GrowingSink())
    encryptor.write(b"a" * 1000)
    os.kill(encryptor._child.pid, signal.SIGKILL)
    failure: list[BaseException] = []
    done = threading.Event()

    def produce() -> None:
        try:
            for _ in range(1000):
                encryptor.write(b"b" * 65536)
            encryptor.finish(poll=lambda: None)
        except BaseException as error:
            failure.append(error)
        finally:
            done.set()

    threading.Thread(target=produce, daemon=True).start()
    assert done.wait(TIMEOUT), "the producer blocked"
    assert isinstance(failure[0], UserActionError)
    assert "SIGKILL" in str(failure[0])
    encryptor.abort()


def test_the_wrong_identity_on_a_large_bundle_is_still_the_wrong_identity() -> None:
    """The child stops at the header while the feeder is still writing: the feeder's broken
    pipe must not be mistaken for a failing source."""
    sender, other = x25519.Identity.generate(), x25519.Identity.generate()
    ciphertext = pyrage.encrypt(os.urandom(8_000_000), [sender.to_public()])
    seen: list[BaseException] = []
    classify = recording(seen)

    decryptor = ProcessAgeDecryptor(str(other), io.BytesIO(ciphertext), classify=classify)
    with pytest.raises(pyrage.DecryptError):
        read_all(decryptor)
    decryptor.close()
    assert "no matching keys" in str(seen[0]).lower()


def test_a_forked_process_does_not_keep_the_child_waiting() -> None:
    """A process pool forked while an import runs inherits the pipes; if it kept the write end
    of the child's stdin, the child would never see the end of a truncated bundle."""
    identity = x25519.Identity.generate()
    ciphertext = pyrage.encrypt(b"t" * 300_000, [identity.to_public()])
    decryptor = ProcessAgeDecryptor(
        str(identity), io.BytesIO(ciphertext[:-10]), classify=lambda e, n: LookupError("cut")
    )
    forked = os.fork()
    if forked == 0:  # the forked copy idles past the test's timeout, then leaves quietly
        threading.Event().wait(TIMEOUT + 10)
        os._exit(0)
    try:
        with pytest.raises(LookupError, match="cut"):
            read_all(decryptor)
    finally:
        os.kill(forked, signal.SIGKILL)
        os.waitpid(forked, 0)
        decryptor.close()
