"""The USB handoff: the sticks this computer sees (or any folder), their free space, and one
button per step: an observer writes what waits and later reads the coordinator's receipts; a
coordinator imports bundles and writes their receipts back to the same stick.

Every step runs on the generic worker with progress and cancel. A failure (stick pulled, full,
read-only) is said in words and kept in `failure` (the window shows it in its status bar until
a handoff succeeds); the services write atomically, so nothing is lost and the next try works.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.progress import Cancel, Progress
from observer_app.core.timeline_filter import TimelineFilter
from observer_app.errors import ObserverError, UserActionError
from observer_app.gui.dialogs.folder_picker import FolderPicker
from observer_app.gui.workers import Worker
from observer_app.i18n import _, ngettext
from observer_app.logbook import handoff
from observer_app.logbook.drives import REAL_STICK, StickAccess, free_space, removable_drives
from observer_app.logbook.localtime import format_local
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.timeline import timeline_page

MEGABYTE = 1024 * 1024
# Room kept beyond the media waiting: the journal, the manifest and age's framing.
MARGIN_BYTES = 4 * MEGABYTE
RECORDS_SHOWN = 100  # the newest; the count above covers the rest


def size_text(size: int) -> str:
    return _("{size} MB").format(size=f"{size / MEGABYTE:.1f}")


class HandoffDialog(QDialog):
    done_step = Signal(str)
    """What a step did, once it succeeded."""
    failed = Signal(str)
    """Why a step failed (also kept in `failure` until a step succeeds)."""

    def __init__(
        self,
        session: LogbookSession,
        folder: Path | None = None,
        parent: QWidget | None = None,
        *,
        stick: StickAccess = REAL_STICK,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.stick = stick
        self.observer = isinstance(handoff.handoff_status(session), handoff.ObserverStatus)
        self.setWindowTitle(_("USB handoff"))
        self.drive = QComboBox()
        self.drive.setEditable(True)
        self.drive.setAccessibleName(_("The stick or folder"))
        for drive in removable_drives():
            self.drive.addItem(str(drive.path))
        if folder is not None:
            self.drive.setEditText(str(folder))
        choose = QPushButton(_("C&hoose a folder…"))
        choose.clicked.connect(self.choose_folder)
        label = QLabel(_("&Stick:"))
        label.setBuddy(self.drive)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.drive, 1)
        row.addWidget(choose)
        self.space = QLabel()
        self.state = QLabel()
        self.state.setObjectName("state")
        self.state.setWordWrap(True)
        self.records = QListWidget()
        self.records.setAccessibleName(_("Your latest records and whether they are acknowledged"))
        self.records.setMaximumHeight(160)
        self.records.setVisible(self.observer)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.outcome = QLabel()
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        font = self.outcome.font()
        font.setBold(True)
        self.outcome.setFont(font)
        self.steps: list[QPushButton] = []
        buttons = QHBoxLayout()
        if self.observer:
            self.export_button = self._step(_("&Write to the stick"), self.export, buttons)
            self.receipt_button = self._step(_("&Read receipts"), self.read_receipts, buttons)
        else:
            self.import_button = self._step(_("&Import bundles"), self.import_bundles, buttons)
        buttons.addStretch(1)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.space)
        layout.addWidget(self.state)
        layout.addWidget(self.records)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addLayout(buttons)
        self.worker: Worker | None = None
        self.failure: str | None = None
        self.drive.currentTextChanged.connect(lambda _text: self.show_space())
        self.setMinimumWidth(640)
        self.refresh()
        self.drive.setFocus()

    def _step(self, text: str, slot: Any, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        row.addWidget(button)
        self.steps.append(button)
        return button

    # -- where -------------------------------------------------------------------------------

    def folder(self) -> Path:
        return Path(self.drive.currentText().strip()).expanduser()

    def choose_folder(self) -> None:
        picker = FolderPicker(_("The stick or folder for the handoff"), self.folder(), self)
        picker.chosen.connect(lambda path: self.drive.setEditText(str(path)))
        picker.open()

    def show_space(self) -> None:
        try:
            free = free_space(self.folder(), self.stick.disk_usage)
            self.space.setText(_("Free: {size}").format(size=size_text(free)))
        except UserActionError as error:
            self.space.setText(error.message)

    def refresh(self) -> None:
        """What waits (observer) or what is held (coordinator), and whether it is acknowledged."""
        self.show_space()
        status = handoff.handoff_status(self.session)
        if isinstance(status, handoff.ObserverStatus):
            if not status.enrolled:
                text = _("Not enrolled yet: nothing can be handed over.")
            else:
                text = ngettext(
                    "{count} record waiting for handoff",
                    "{count} records waiting for handoff",
                    status.events_waiting,
                ).format(count=status.events_waiting)
                text += "\n" + _(
                    "Acknowledged by the coordinator: records 1 to {seq} of {head}."
                ).format(seq=status.acknowledged_seq, head=status.head_seq)
                if status.media_waiting_bytes:
                    text += "\n" + _("Media waiting: {size}").format(
                        size=size_text(status.media_waiting_bytes)
                    )
            self._list_records(status.acknowledged_seq)
        else:
            text = "\n".join(
                _("{name}: {held} records held, {bundles} bundles").format(
                    name=o.name, held=o.held_seq, bundles=o.bundles
                )
                for o in status.observers
            ) or _("No observer enrolled yet.")
        self.state.setText(text)

    def _list_records(self, acknowledged_seq: int) -> None:
        """The holder's newest records, each marked acknowledged by the coordinator or not."""
        page = timeline_page(
            self.session.conn,
            TimelineFilter(feed=self.session.identity.feed),
            limit=RECORDS_SHOWN,
            newest_first=True,
        )
        self.records.clear()
        for entry in page.rows:
            if entry.event.seq <= acknowledged_seq:
                mark = _("✓ acknowledged")
            elif entry.event.type == handoff.HANDOFF_ACKNOWLEDGED:
                # A receipt recorded here: it travels with the next bundle, alone it waits for
                # nothing (the count above leaves it out too).
                mark = _("✓ receipt recorded")
            else:
                mark = _("… waiting for handoff")
            shown = format_local(entry.event.time_utc, entry.event.tz)
            self.records.addItem(f"{mark} — {shown}: {entry.text}")

    # -- steps -------------------------------------------------------------------------------

    def _run(self, call: Any, succeeded: Any) -> None:
        if self.worker is not None and self.worker.running:
            return
        session = self.session

        def work(progress: Progress, cancel: Cancel) -> Any:
            with session.worker(cancel) as stop, session.writing():
                return call(progress, stop)

        for button in self.steps:
            button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setValue(0)
        self.outcome.setText(_("Working…"))
        self.worker = Worker(work, self)
        self.worker.signals.progressed.connect(self._progressed)
        self.worker.signals.succeeded.connect(lambda result: self._succeeded(succeeded(result)))
        self.worker.signals.failed.connect(self._failed)
        self.worker.start()

    def export(self) -> None:
        folder = self.folder()
        try:
            free = free_space(folder, self.stick.disk_usage)
        except UserActionError as error:
            self._failed(error)
            return
        status = handoff.handoff_status(self.session)
        needed = (getattr(status, "media_waiting_bytes", 0) or 0) + MARGIN_BYTES
        if free < needed:
            self._failed(
                UserActionError(
                    _(
                        "Not enough free space on {folder}: {free} free, about {needed} needed; "
                        "free some room or choose another stick"
                    ).format(folder=folder, free=size_text(free), needed=size_text(needed))
                )
            )
            return
        session, stick = self.session, self.stick

        def call(progress: Progress, cancel: Cancel) -> Any:
            return handoff.export_bundle(
                session, folder, progress=progress, cancel=cancel, stick=stick
            )

        def said(result: handoff.ExportResult) -> str:
            return ngettext(
                "{count} part written and read back; safe to remove the stick.",
                "{count} parts written and read back; safe to remove the stick.",
                len(result.paths),
            ).format(count=len(result.paths))

        self._run(call, said)

    def read_receipts(self) -> None:
        folder = self.folder()
        session = self.session

        def call(progress: Progress, cancel: Cancel) -> Any:
            return handoff.accept_receipts(session, folder)

        def said(results: list[handoff.ReceiptFile]) -> str:
            accepted = [r for r in results if r.accepted is not None]
            lines = [
                ngettext(
                    "{count} receipt recorded.", "{count} receipts recorded.", len(accepted)
                ).format(count=len(accepted))
            ]
            lines += [f"{r.path.name}: {r.error}" for r in results if r.error]
            return "\n".join(lines)

        self._run(call, said)

    def import_bundles(self) -> None:
        folder = self.folder()
        session = self.session

        def call(progress: Progress, cancel: Cancel) -> Any:
            bundles = handoff.bundles_in([folder])
            return [
                handoff.import_bundle(
                    session, parts, receipt_dir=folder, progress=progress, cancel=cancel
                )
                for parts in bundles
            ]

        def said(imports: list[handoff.BundleImport]) -> str:
            lines = []
            for done in imports:
                outcome = done.outcome
                who = outcome.author_name or _("unknown observer")
                if outcome.ok:
                    line = _("{name}: {new} new records, {media} new media").format(
                        name=who, new=outcome.new_events, media=outcome.new_media
                    )
                    if done.receipt is not None:
                        line += "; " + _("receipt written to the stick")
                    elif done.receipt_error:
                        line += "; " + _("no receipt: {reason}").format(reason=done.receipt_error)
                else:
                    line = _("{name}: refused: {reason}").format(name=who, reason=outcome.reason)
                lines.append(line)
            return "\n".join(lines)

        self._run(call, said)

    def cancel(self) -> None:
        if self.worker is not None and self.worker.running:
            self.worker.cancel()
            return
        self.reject()

    # -- results -----------------------------------------------------------------------------

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _finish(self) -> None:
        for button in self.steps:
            button.setEnabled(True)
        self.progress.setVisible(False)
        self.refresh()

    def _succeeded(self, text: str) -> None:
        self.failure = None
        self.outcome.setStyleSheet("")
        self.outcome.setText(text)
        self._finish()
        self.done_step.emit(text)

    def _failed(self, error: Exception) -> None:
        reason = str(error) if isinstance(error, ObserverError) else type(error).__name__
        self.failure = _("The handoff failed: {reason}. Nothing was lost; try again.").format(
            reason=reason
        )
        self.outcome.setStyleSheet("color: #b00020")
        self.outcome.setText(self.failure)
        self._finish()
        self.failed.emit(self.failure)
