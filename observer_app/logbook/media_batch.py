"""Import many files at once (an SD card's DCIM, a dropped folder), and afterwards delete the
originals whose copies in the vault are verified.

Each file is one `media.import_file`-style import of its own: hashed, encrypted, its metadata and
thumbnail made from the encrypted copy, committed in its own transaction. A file that fails is
one line of the summary and leaves nothing behind; the others are unaffected. A cancel stops the
file in progress with nothing kept of it; the files done before it stay (each is whole).

Folders are walked recursively without following links; hidden entries (`.Trashes`, macOS'
`._IMG_0001.JPG`) are skipped and counted. A name that is not UTF-8 is opened by its real bytes
and shown with those bytes replaced. The write lock is taken per file, not for the whole batch,
so that a window's reads wait at most for one file's commit.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import BinaryIO

from observer_app.core.evidence import EvidenceWarning
from observer_app.core.file_names import readable_file_name
from observer_app.core.progress import Cancel, Progress, never_cancel, no_progress
from observer_app.errors import ObserverError, OperationCancelled, UserActionError, system_reason
from observer_app.i18n import _, ngettext
from observer_app.logbook import media
from observer_app.logbook.session import LogbookSession
from observer_app.vault.blobs import find_blob
from observer_app.vault.queries.media import MediaItem

FileStarted = Callable[[int, int, str], None]
"""`file_started(index, count, name)`: file `index` (from 0) of `count` begins; `name` is
readable (undecodable bytes replaced)."""

#: Errors that mean the medium itself went away (a card pulled out, a stick unplugged).
_GONE_ERRNOS = frozenset({errno.EIO, errno.ENODEV, errno.ENXIO, errno.ESTALE, errno.ENOMEDIUM})
_HASH_CHUNK = 1024 * 1024


class Outcome(Enum):
    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    REFUSED = "refused"


@dataclass(frozen=True)
class Source:
    """One file to import, and the item it was found under (a dropped folder, the card)."""

    path: Path
    root: Path
    size: int

    @property
    def name(self) -> str:
        return readable_file_name(str(self.path))


@dataclass(frozen=True)
class FileOutcome:
    path: Path  # the real path (its name may hold undecodable bytes)
    name: str  # readable, for showing
    outcome: Outcome
    media_id: str | None = None
    sha256: str | None = None
    reason: str | None = None  # why it was refused
    warnings: tuple[EvidenceWarning, ...] = ()  # implausible time or place: kept, warned


@dataclass(frozen=True)
class Collected:
    """What a walk found: the files, hidden entries skipped, folders that could not be read."""

    sources: tuple[Source, ...]
    hidden: int = 0
    unreadable: tuple[FileOutcome, ...] = ()


@dataclass(frozen=True)
class BatchSummary:
    files: tuple[FileOutcome, ...]
    hidden: int = 0
    cancelled: bool = False
    not_started: int = 0  # files a cancel left untouched
    link: media.Link | None = None

    def of(self, outcome: Outcome) -> list[FileOutcome]:
        return [f for f in self.files if f.outcome is outcome]

    @property
    def media_ids(self) -> list[str]:
        """The items this batch imported or found held already, in the order of the files."""
        return [f.media_id for f in self.files if f.media_id is not None]

    @property
    def deletable(self) -> list[FileOutcome]:
        """Files whose content the vault holds (imported now or before): candidates for
        deleting the original once verified."""
        return [f for f in self.files if f.media_id is not None and f.sha256 is not None]

    def lines(self) -> list[str]:
        """The summary as a person reads it: the counts, then one line per file that was
        refused or drew a warning."""
        imported, duplicates = self.of(Outcome.IMPORTED), self.of(Outcome.DUPLICATE)
        refused = self.of(Outcome.REFUSED)
        lines = [
            ngettext("{count} file imported", "{count} files imported", len(imported)).format(
                count=len(imported)
            ),
            ngettext(
                "{count} already in the vault (linked, not stored twice)",
                "{count} already in the vault (linked, not stored twice)",
                len(duplicates),
            ).format(count=len(duplicates)),
            ngettext("{count} refused", "{count} refused", len(refused)).format(count=len(refused)),
        ]
        if self.cancelled:
            lines.append(
                ngettext(
                    "Cancelled: {count} file was not imported; the file in progress left "
                    "nothing behind.",
                    "Cancelled: {count} files were not imported; the file in progress left "
                    "nothing behind.",
                    self.not_started,
                ).format(count=self.not_started)
            )
        if self.hidden:
            lines.append(
                ngettext(
                    "{count} hidden file skipped", "{count} hidden files skipped", self.hidden
                ).format(count=self.hidden)
            )
        for each in self.files:
            if each.outcome is Outcome.REFUSED:
                lines.append(
                    _("refused: {file}: {reason}").format(file=each.name, reason=each.reason)
                )
            for warning in each.warnings:
                lines.append(_("warning: {file}: {text}").format(file=each.name, text=warning.text))
        return lines


def collect(paths: Sequence[Path]) -> Collected:
    """The files under `paths` (files as given, folders walked), in a stable order."""
    sources: list[Source] = []
    unreadable: list[FileOutcome] = []
    hidden = 0
    for root in paths:
        try:
            if root.is_dir() and not root.is_symlink():
                found, skipped, failed = _walk(root)
                sources.extend(found)
                hidden += skipped
                unreadable.extend(failed)
            else:
                # A file given alone: its folder plays the card (the file may vanish alone).
                sources.append(Source(root, root.parent, root.stat().st_size))
        except OSError as error:
            unreadable.append(_refused(root, _read_reason(error)))
    return Collected(tuple(sources), hidden, tuple(unreadable))


def _walk(root: Path) -> tuple[list[Source], int, list[FileOutcome]]:
    found: list[Source] = []
    failed: list[FileOutcome] = []
    hidden = 0
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            failed.append(_refused(folder, _read_reason(error)))
            continue
        folders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                hidden += 1
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                elif entry.is_file():
                    found.append(Source(Path(entry.path), root, entry.stat().st_size))
            except OSError as error:
                failed.append(_refused(Path(entry.path), _read_reason(error)))
        pending.extend(reversed(folders))  # depth first, in name order
    return found, hidden, failed


def import_batch(
    session: LogbookSession,
    paths: Sequence[Path],
    link: media.Link,
    *,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
    file_started: FileStarted | None = None,
    file_progress: Progress = no_progress,
) -> BatchSummary:
    """Import every file under `paths`, linked to `link`.

    `progress` covers the whole batch (bytes, plus a share per file for its metadata and
    thumbnail), `file_progress` the current file; both go through the Progress/Cancel pair.
    Damaged photos and recordings, image bombs, files gone since the walk and a card pulled out
    are refused, each with its reason; implausible capture times or places are warnings kept
    with the item (it is evidence; the observer decides)."""
    collected = collect(paths)
    sources = collected.sources
    weights = [source.size + _FILE_OVERHEAD for source in sources]
    total = sum(weights) or 1
    outcomes: list[FileOutcome] = list(collected.unreadable)
    done_before = 0
    progress(0, total)
    for index, source in enumerate(sources):
        if cancel():
            return _summary(outcomes, collected, link, len(sources) - index)
        if file_started is not None:
            file_started(index, len(sources), source.name)
        weight = weights[index]

        def each(done: int, of: int, start: int = done_before, weight: int = weight) -> None:
            file_progress(done, of)
            progress(start + (weight * min(done, of) // of if of > 0 else 0), total)

        try:
            outcomes.append(_import_one(session, source, link, each, cancel))
        except OperationCancelled:
            return _summary(outcomes, collected, link, len(sources) - index)
        done_before += weight
        progress(done_before, total)
    return _summary(outcomes, collected, link, 0)


#: A file's share of the overall progress beyond its bytes (metadata, thumbnail, commit).
_FILE_OVERHEAD = 256 * 1024


def _summary(
    outcomes: list[FileOutcome], collected: Collected, link: media.Link, not_started: int
) -> BatchSummary:
    return BatchSummary(
        tuple(outcomes),
        collected.hidden,
        cancelled=not_started > 0,
        not_started=not_started,
        link=link,
    )


def _import_one(
    session: LogbookSession, source: Source, link: media.Link, progress: Progress, cancel: Cancel
) -> FileOutcome:
    if not source.root.exists():
        return _refused(source.path, _card_gone(source.root))
    try:
        handle = open(source.path, "rb")  # noqa: SIM115 - closed in finally
    except FileNotFoundError:
        return _refused(source.path, _("the file is gone (removed after it was listed)"))
    except OSError as error:
        return _refused(source.path, _read_reason(error, source.root))
    try:
        with session.writing():
            result = media.import_stream(
                session,
                handle,
                readable_file_name(source.path.name),
                link,
                progress=progress,
                cancel=cancel,
                total=source.size,
                refuse_damaged=True,
            )
    except OperationCancelled:
        raise
    except ObserverError as error:
        reason = error.message
        if not source.root.exists():
            reason = _card_gone(source.root)
        return _refused(source.path, reason)
    except OSError as error:
        return _refused(source.path, _read_reason(error, source.root))
    finally:
        handle.close()
    return FileOutcome(
        source.path,
        source.name,
        Outcome.DUPLICATE if result.duplicate else Outcome.IMPORTED,
        media_id=result.id,
        sha256=result.sha256,
        warnings=result.warnings,
    )


def _refused(path: Path, reason: str) -> FileOutcome:
    return FileOutcome(path, readable_file_name(str(path)), Outcome.REFUSED, reason=reason)


def _card_gone(root: Path) -> str:
    return _("the card or folder {folder} was removed during the import").format(
        folder=readable_file_name(str(root))
    )


def _read_reason(error: OSError, root: Path | None = None) -> str:
    if root is not None and (error.errno in _GONE_ERRNOS or not root.exists()):
        return _card_gone(root)
    return _("cannot read it: {reason}").format(reason=system_reason(error))


# -- deleting the originals ------------------------------------------------------------------


@dataclass(frozen=True)
class Deletion:
    path: Path
    name: str
    deleted: bool
    reason: str | None = None  # why it was kept


@dataclass(frozen=True)
class DeletionSummary:
    files: tuple[Deletion, ...] = field(default=())

    @property
    def deleted(self) -> list[Deletion]:
        return [d for d in self.files if d.deleted]

    def lines(self) -> list[str]:
        deleted = self.deleted
        lines = [
            ngettext(
                "{count} original deleted from the card",
                "{count} originals deleted from the card",
                len(deleted),
            ).format(count=len(deleted))
        ]
        lines += [
            _("kept: {file}: {reason}").format(file=d.name, reason=d.reason)
            for d in self.files
            if not d.deleted
        ]
        return lines


def delete_verified_originals(
    session: LogbookSession,
    files: Sequence[FileOutcome],
    *,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> DeletionSummary:
    """Delete each original whose bytes hash to what the vault holds for its item, after
    checking that the vault's encrypted copy decrypts intact to that same hash. A file that
    differs, a purged item or anything unreadable is kept, with the reason.

    Deleting on flash memory is not secure erasure: the shells say so before calling this."""
    candidates = [f for f in files if f.media_id is not None and f.sha256 is not None]
    results: list[Deletion] = []
    for index, each in enumerate(candidates):
        if cancel():
            break
        progress(index, len(candidates))
        results.append(_delete_one(session, each))
    progress(len(results), len(candidates))
    return DeletionSummary(tuple(results))


def _delete_one(session: LogbookSession, each: FileOutcome) -> Deletion:
    assert each.media_id is not None
    try:
        item = media.require_media(session, each.media_id)
        held = _vault_sha256(session, item)
        if held != item.sha256:
            reason = _("the vault's copy could not be verified")
            return Deletion(each.path, each.name, False, reason)
        if _file_sha256(each.path) != item.sha256:
            return Deletion(each.path, each.name, False, _("it differs from the vault's copy"))
        os.unlink(each.path)
    except ObserverError as error:
        return Deletion(each.path, each.name, False, error.message)
    except FileNotFoundError:
        return Deletion(each.path, each.name, False, _("the file is no longer there"))
    except OSError as error:
        return Deletion(each.path, each.name, False, system_reason(error))
    return Deletion(each.path, each.name, True)


def _vault_sha256(session: LogbookSession, item: MediaItem) -> str:
    """The hash of the vault's copy, decrypted (every chunk authenticated on the way)."""
    record = find_blob(session.conn, item.sha256)
    if item.purged or record is None:
        raise UserActionError(_("the content of {id} was purged").format(id=item.id))
    digest = hashlib.sha256()
    with media.store(session).open(record.file, record.key) as reader:
        for chunk in _chunks(reader):
            digest.update(chunk)
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in _chunks(handle):
            digest.update(chunk)
    return digest.hexdigest()


def _chunks(stream: io.RawIOBase | BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(_HASH_CHUNK):
        yield chunk
