"""The handoff service: bundles and receipts on a USB stick, and what still waits.

What the CLI and the window call for `handoff export|import|receipt|status`. The rules live in
`handoff/bundle/` (export, import, receipts, status) and `handoff/parts/` (files on the stick);
this module puts one user action together from them: an import of what the user named (part
files or folders), each bundle with its receipt when asked, reported bundle by bundle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from observer_app.core.progress import Cancel, Progress
from observer_app.errors import NotValidError, UserActionError
from observer_app.handoff.bundle import exporter, importer, receipts, status
from observer_app.handoff.bundle.exporter import ExportResult as ExportResult
from observer_app.handoff.bundle.importer import ImportOutcome as ImportOutcome
from observer_app.handoff.bundle.importer import ImportStatus as ImportStatus
from observer_app.handoff.bundle.receipts import AcceptedReceipt as AcceptedReceipt
from observer_app.handoff.bundle.status import CoordinatorStatus as CoordinatorStatus
from observer_app.handoff.bundle.status import HandoffStatus as HandoffStatus
from observer_app.handoff.bundle.status import ObserverStatus as ObserverStatus
from observer_app.handoff.documents import FILE_PREFIX
from observer_app.handoff.parts.names import find_bundle_parts, parse_part_name
from observer_app.handoff.parts.transport import DEFAULT_PART_SIZE as DEFAULT_PART_SIZE
from observer_app.i18n import _
from observer_app.logbook.drives import REAL_STICK, StickAccess
from observer_app.logbook.media import make_missing_thumbnails
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.settings import MAX_NOTICE_CHARS, load_settings, update_settings
from observer_app.vault.connection import Transaction
from observer_app.vault.projection import search as search_index
from observer_app.vault.projection.handoff import HANDOFF_ACKNOWLEDGED as HANDOFF_ACKNOWLEDGED


def export_bundle(
    session: LogbookSession,
    folder: Path,
    *,
    part_size: int = DEFAULT_PART_SIZE,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    stick: StickAccess = REAL_STICK,
) -> ExportResult:
    """Write what the pinned coordinator has not acknowledged yet into `folder` (observer).

    `stick` is the OS calls on the stick (the real ones by default; see `StickAccess`)."""
    return exporter.export_bundle(
        session,
        folder,
        part_size=part_size,
        progress=progress,
        cancel=cancel,
        disk_usage=stick.disk_usage,
        opener=stick.opener,
    )


def receipt_folder(path: Path | None) -> Path | None:
    """The folder receipts go to, checked before any bundle is imported (None: no receipts)."""
    if path is not None and not path.is_dir():
        raise UserActionError(_("folder not found: {folder}").format(folder=path))
    return path


def bundles_in(files: Sequence[Path]) -> list[list[Path]]:
    """The bundles the user named: parts grouped by bundle id, folders searched.

    A file whose name is not a part name is taken as a bundle of one part (renamed on the
    stick); age and the manifest decide whether it is one.
    """
    return bundles_and_empty_folders(files)[0]


def bundles_and_empty_folders(files: Sequence[Path]) -> tuple[list[list[Path]], list[Path]]:
    """`bundles_in`, and the folders named that hold no bundle (passed over, for the caller to
    mention). A bundle named twice (its folder and a part, or a part twice, also through
    another spelling of the path) is imported once. Nothing found at all is an error."""
    groups: dict[str, list[Path]] = {}
    singles: dict[Path, list[Path]] = {}
    empty: list[Path] = []
    for path in files:
        if path.is_dir():
            found = find_bundle_parts(path)
            if not found:
                empty.append(path)
            for bundle_id, parts in found.items():
                groups.setdefault(bundle_id, []).extend(parts)
            continue
        if not path.exists():
            raise UserActionError(_("file not found: {path}").format(path=path))
        parsed = parse_part_name(path.name)
        if parsed is None:
            singles.setdefault(path.resolve(), [path])
        else:
            groups.setdefault(parsed.bundle_id, []).append(path)
    bundles = [_distinct(parts) for parts in groups.values()] + list(singles.values())
    if not bundles:
        folders = ", ".join(str(folder) for folder in empty)
        raise UserActionError(_("no bundle found in {folder}").format(folder=folders))
    return bundles, empty


def _distinct(parts: list[Path]) -> list[Path]:
    """Each part once, however its path was spelt (`stick/x`, `stick/./x`)."""
    by_file: dict[Path, Path] = {}
    for part in parts:
        by_file.setdefault(part.resolve(), part)
    return sorted(by_file.values())


@dataclass(frozen=True)
class BundleImport:
    """One bundle imported (or refused), and the receipt written for it, if any."""

    parts: tuple[Path, ...]
    outcome: ImportOutcome
    receipt: Path | None = None
    receipt_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        document = self.outcome.to_json()
        document["receipt"] = None if self.receipt is None else str(self.receipt)
        if self.receipt_error is not None:
            document["receipt_error"] = self.receipt_error
        return document


def import_bundle(
    session: LogbookSession,
    parts: Sequence[Path],
    *,
    receipt_dir: Path | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> BundleImport:
    """Import one bundle (coordinator); when accepted and `receipt_dir` is given, write its
    receipt there. A receipt that cannot be written is reported, not raised: the bundle is in."""
    outcome = importer.import_bundle(session, parts, progress=progress, cancel=cancel)
    if outcome.ok and outcome.new_events:
        with Transaction(session.conn):
            search_index.merge_index(session.conn)
    if outcome.ok and outcome.new_media:
        # The bundle carried originals only: make the previews the window and reports show.
        make_missing_thumbnails(session, outcome.receipt_media, cancel)
    if not (outcome.ok and receipt_dir is not None and outcome.author and outcome.head_hash):
        return BundleImport(tuple(parts), outcome)
    try:
        path = receipts.write_receipt(
            session,
            receipt_dir,
            author=outcome.author,
            bundle_id=outcome.bundle_id or "",
            up_to_seq=outcome.head_seq,
            head_hash=outcome.head_hash,
            media=outcome.receipt_media,
            receipt_id=outcome.receipt_id,
        )
    except UserActionError as error:
        return BundleImport(tuple(parts), outcome, receipt_error=error.message)
    return BundleImport(tuple(parts), outcome, receipt=path)


def accept_receipt(session: LogbookSession, path: Path) -> AcceptedReceipt:
    """Record a coordinator's receipt (observer): the next export starts after it."""
    return receipts.accept_receipt(session, path)


@dataclass(frozen=True)
class ReceiptFile:
    """One file `handoff receipt` tried: recorded (or held already), or why not."""

    path: Path
    accepted: AcceptedReceipt | None = None
    error: str | None = None


def accept_receipts(session: LogbookSession, path: Path) -> list[ReceiptFile]:
    """Record the receipt in `path`, or every receipt in the folder `path` (observer).

    A folder on the stick may hold other documents too (a setup package, another observer's
    receipt): each file that is not a receipt for this vault is reported and passed over, so
    one stale file never stops the others. A single file keeps its error (exit 1)."""
    if not path.is_dir():
        return [ReceiptFile(path, accept_receipt(session, path))]
    candidates = sorted(
        p
        for p in path.iterdir()
        if p.name.startswith(FILE_PREFIX) and p.suffix == ".age" and p.is_file()
    )
    if not candidates:
        raise UserActionError(_("no receipt found in {folder}").format(folder=path))
    results: list[ReceiptFile] = []
    for candidate in candidates:
        try:
            results.append(ReceiptFile(candidate, accept_receipt(session, candidate)))
        except NotValidError as error:
            results.append(ReceiptFile(candidate, error=error.message))
    return results


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def remember_failure(session: LogbookSession, failure: str | None) -> None:
    """Keep in the vault why the last handoff failed (None: one succeeded since), so that the
    window says it until a handoff succeeds, also after the application was closed.

    The text is made one line and bounded (a folder's name may hold anything)."""
    text = None
    if failure is not None:
        text = _CONTROL.sub(" ", failure).strip()[:MAX_NOTICE_CHARS] or None
    update_settings(session, handoff_failure=text)


def last_failure(session: LogbookSession) -> str | None:
    """Why the last handoff failed, when none succeeded since; else None."""
    return load_settings(session).handoff_failure


def handoff_status(session: LogbookSession) -> HandoffStatus:
    """What waits to be handed over (observer), or what arrived (coordinator)."""
    return status.handoff_status(session)
