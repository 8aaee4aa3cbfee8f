"""Files the user asked for outside the vault (exports, reports): atomic, durable, private.

A report or exported photo is written beside its target as a temp file, fsynced and renamed,
so a pulled stick or a full disk never leaves a half file under the real name; mode 0600
because what the user exports is sensitive until they decide otherwise.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from pathlib import Path
from typing import Protocol

from observer_app.core.progress import Cancel, Progress, never_cancel, no_progress
from observer_app.errors import OperationCancelled, UserActionError, system_reason
from observer_app.i18n import _
from observer_app.vault.fs import FILE_MODE, fsync_dir

CHUNK = 1024 * 1024


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def write_user_file(
    out: Path,
    source: Readable | bytes,
    *,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
    total: int = 0,
) -> None:
    """Stream `source` into `out` atomically; a clear error (exit 4) on any OS failure.

    `progress(bytes written, total)` after each chunk (`total`: the length of bytes given, else
    as told); `cancel()` is asked before each chunk, and a cancel removes the partial file."""
    if out.is_dir():
        raise UserActionError(_("{path} is a folder").format(path=out))
    if isinstance(source, bytes):
        total = len(source)
    stream: Readable = io.BytesIO(source) if isinstance(source, bytes) else source
    temp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.partial")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        written = 0
        with os.fdopen(fd, "wb") as handle:
            while True:
                if cancel():
                    raise OperationCancelled(_("export cancelled; no file was written"))
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                handle.write(chunk)
                written += len(chunk)
                progress(written, max(total, written))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    except BaseException as error:
        # Whatever stopped the copy (a full disk, a damaged blob, a cancel), no partial
        # plaintext may stay behind on the target drive.
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(error, OSError):
            raise UserActionError(
                _("cannot write {path}: {reason}").format(path=out, reason=system_reason(error))
            ) from None
        raise
    fsync_dir(out.parent)
