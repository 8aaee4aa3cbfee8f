"""The age child process: run as a script by `process`, never imported.

Why a separate process: pyrage holds the GIL for the whole of an encryption or decryption, so
in a thread it stalls the exporter's or importer's own work (reading blobs, verifying and
storing thousands of events) instead of running beside it. A child process has its own
interpreter and works truly in parallel.

Usage: `python -I child.py decrypt|encrypt`. Protocol, over the three standard streams
(nothing else is inherited, nothing touches a file):
- stdin: the key on the first line (decrypt: the identity `AGE-SECRET-KEY-...`; encrypt: the
  recipient `age1...`), then the input;
- stdout: the output, flushed before the process ends; when decrypting, the parent thereby
  counts exactly the plaintext pyrage delivered before a failure (which locates a damaged chunk);
- exit status 0: the whole input was processed and the output ended cleanly. Encryption writes
  the final age chunk only after a clean end of stdin, so a child killed earlier never leaves a
  valid age file. Otherwise one JSON line on stderr says why: {"kind": "decrypt" | "os" |
  "identity" | "other", "message": pyrage's words}. pyrage's messages name the failure, never
  key or plaintext; the key's own parsing error is not passed on.

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
from typing import IO

KEY_LINE_MAX = 256
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
    encrypting = sys.argv[1:] == ["encrypt"]
    try:
        key = source.readline(KEY_LINE_MAX).decode().strip()
        if encrypting:
            recipient = x25519.Recipient.from_str(key)
        else:
            identity = x25519.Identity.from_str(key)
    except Exception:
        return _report("identity", "")
    del key
    try:
        if encrypting:
            pyrage.encrypt_io(source, sink, [recipient])
        else:
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


def _failed(sink: IO[bytes], kind: str, error: BaseException) -> int:
    """Deliver the plaintext produced before the failure, then say why it stopped."""
    with contextlib.suppress(OSError):
        sink.flush()
    return _report(kind, str(error) if kind != "other" else type(error).__name__)


if __name__ == "__main__":
    sys.exit(main())
