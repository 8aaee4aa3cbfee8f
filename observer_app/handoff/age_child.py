"""The age decryption child process: run as a script by `age_process`, never imported.

Why a separate process: pyrage holds the GIL for the whole of a decryption, so in a thread it
stalls the importer's own work (verifying and storing thousands of events) instead of running
beside it. A child process has its own interpreter and decrypts truly in parallel.

Protocol, over the three standard streams (nothing else is inherited, nothing touches a file):
- stdin: the age identity (`AGE-SECRET-KEY-...`) on the first line, then the ciphertext;
- stdout: the plaintext, flushed before the process ends, so that the parent counts exactly the
  plaintext pyrage delivered before any failure (which locates a damaged chunk);
- exit status 0: the stream decrypted and ended cleanly. Otherwise one JSON line on stderr says
  why: {"kind": "decrypt" | "os" | "identity" | "other", "message": pyrage's words}. pyrage's
  messages name the failure, never key or plaintext; the identity's own error is not passed on.

The script imports nothing from `observer_app` (it runs with `python -I` and needs only pyrage),
disables core dumps (its memory holds a private key and plaintext) and ignores Ctrl-C: the parent
decides when it ends, by closing the pipes or killing it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys

IDENTITY_LINE_MAX = 256
FAILED = 3


def _report(kind: str, message: str) -> int:
    line = json.dumps({"kind": kind, "message": message}) + "\n"
    with contextlib.suppress(OSError):
        os.write(2, line.encode("utf-8"))
    return FAILED


def main() -> int:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, OSError, ValueError):  # pragma: no cover - Windows
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import pyrage
    from pyrage import x25519

    source = sys.stdin.buffer
    sink = sys.stdout.buffer
    try:
        identity = x25519.Identity.from_str(source.readline(IDENTITY_LINE_MAX).decode().strip())
    except Exception:
        return _report("identity", "")
    try:
        pyrage.decrypt_io(source, sink, [identity])
        sink.flush()
    except pyrage.DecryptError as error:
        return _failed(sink, "decrypt", error)
    except OSError as error:
        # pyrage reports a damaged or cut payload as a plain OSError; a closed stdout (the
        # parent stopped reading) is a subclass and ends here too, unheard.
        return _failed(sink, "os" if type(error) is OSError else "other", error)
    except Exception as error:
        return _failed(sink, "other", error)
    return 0


def _failed(sink: object, kind: str, error: BaseException) -> int:
    """Deliver the plaintext produced before the failure, then say why it stopped."""
    flush = getattr(sink, "flush", None)
    try:
        if flush is not None:
            flush()
    except OSError:
        pass
    return _report(kind, str(error) if kind != "other" else type(error).__name__)


if __name__ == "__main__":
    sys.exit(main())
