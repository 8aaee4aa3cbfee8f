"""Starting, watching and stopping the age child process (`child.py`): the parts that the
encrypting and the decrypting side share.

What the child inherits is kept to the minimum: three pipes and an empty environment (a
passphrase given in `OBSERVER_PASSPHRASE` must not show in the child's /proc/PID/environ).
A process forked from this one (a process pool verifying signatures) would inherit the write end
of a child's stdin and keep the child from ever seeing the end of its input, so forked copies
close these pipes at once. Every path ends with the child killed or finished, and reaped.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import signal
import subprocess
import sys
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import IO, cast

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

CHILD_SCRIPT = Path(__file__).with_name("child.py")
PIPE_SIZE = 1024 * 1024  # Linux's default ceiling for an unprivileged F_SETPIPE_SZ
STDERR_MAX = 64 * 1024  # the child writes one short line; more would be a crash report
PROBE_SECONDS = 30


def child_environment() -> dict[str, str]:
    """Nothing from ours: Python needs no variable on POSIX, only SYSTEMROOT on Windows."""
    root = os.environ.get("SYSTEMROOT")
    return {"SYSTEMROOT": root} if os.name == "nt" and root else {}


@functools.cache
def child_process_works(executable: str) -> bool:
    """Whether `executable -I` starts and imports pyrage (it may not: a frozen build, or pyrage
    installed only where `-I` does not look, such as the user site). Probed once per process."""
    if not executable or not CHILD_SCRIPT.is_file():
        return False
    try:
        probe = subprocess.run(
            [executable, "-I", "-c", "import pyrage"],
            env=child_environment(),
            capture_output=True,
            timeout=PROBE_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def children_can_start() -> bool:
    return not getattr(sys, "frozen", False) and child_process_works(sys.executable)


_live: weakref.WeakSet[AgeChild] = weakref.WeakSet()


def _close_pipes_after_fork() -> None:
    for child in list(_live):
        child.close_pipes()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_pipes_after_fork)


class AgeChild:
    """One running `child.py MODE` with unbuffered pipes: `stdin` to write its input,
    `stdout` (raw: one system call per read) to read its output, `stderr` for its report."""

    def __init__(self, mode: str, command: Sequence[str] | None = None) -> None:
        self.process = subprocess.Popen(
            list(command or (sys.executable, "-I", str(CHILD_SCRIPT), mode)),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
            close_fds=True,
            env=child_environment(),
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            # Its own session: Ctrl-C at the terminal reaches only this process, which then
            # decides how the child ends (killed, for an export, so that age never finishes).
            start_new_session=True,
        )
        self._report: tuple[str, str] | None = None
        self._report_read = False
        try:
            self.stdin = _pipe(self.process.stdin)
            self.stdout = cast(io.RawIOBase, _pipe(self.process.stdout))
            self.stderr = _pipe(self.process.stderr)
            for stream in (self.stdin, self.stdout):
                _widen(stream)
            _live.add(self)
        except BaseException:
            self.stop()
            raise

    @property
    def pid(self) -> int:
        return self.process.pid

    def write_all(self, data: bytes | bytearray | memoryview) -> None:
        """Write everything; OSError (BrokenPipeError, or EINVAL on Windows) when the child
        no longer reads."""
        view = memoryview(data)
        while view:
            written = self.stdin.write(view)
            if written is None:  # pragma: no cover - the pipe is blocking
                continue
            view = view[written:]

    def end_input(self) -> None:
        """A clean end of the input (encryption then writes age's final chunk)."""
        self.stdin.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.kill()

    def wait(self) -> int:
        return self.process.wait()

    def report(self) -> tuple[str, str] | None:
        """The child's `{"kind", "message"}` line, once it has ended; None if it said nothing
        readable (it was killed, or crashed). Read once, then remembered."""
        if not self._report_read:
            self._report_read = True
            try:
                line = self.stderr.read(STDERR_MAX).split(b"\n", 1)[0]
                fields = json.loads(line)
                self._report = str(fields["kind"]), str(fields["message"])
            except (OSError, ValueError, KeyError, TypeError):
                self._report = None
        return self._report

    def describe_exit(self, status: int) -> str:
        """How it ended, in words for an error message: a signal or a status with its report."""
        if status < 0:
            with contextlib.suppress(ValueError):
                return f"signal {signal.Signals(-status).name}"
            return f"signal {-status}"
        report = self.report()
        return f"status {status}" + ("" if report is None else f": {report[0]} {report[1]}")

    def close_pipes(self) -> None:
        for stream in (self.stdin, self.stdout, self.stderr):
            with contextlib.suppress(OSError):
                stream.close()

    def stop(self) -> None:
        """Kill (if still running), reap, close the pipes. Idempotent."""
        self.kill()
        self.process.wait()
        for name in ("stdin", "stdout", "stderr"):
            stream = getattr(self.process, name)
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        _live.discard(self)


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
