"""The observer's day in one window: stations and visits, the timeline, the selected record.

Built for one open session and thrown away when the vault locks (the next unlock builds a new
one), so no widget outlives the key. It learns of changes from the session's notifications,
never by polling, and writes only through `Commands`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShortcut
from PySide6.QtWidgets import QDialog, QMainWindow, QMessageBox, QSplitter, QWidget

from observer_app.core.catalogue import Catalogue
from observer_app.core.changes import Change
from observer_app.core.timeline_filter import TimelineFilter
from observer_app.errors import ObserverError, UserActionError
from observer_app.gui.actions import Commands, make_actions
from observer_app.gui.change_relay import ChangeRelay
from observer_app.gui.dialogs.checklist_dialog import ChecklistDialog
from observer_app.gui.dialogs.consent_dialog import ConsentDialog
from observer_app.gui.dialogs.draft_form import DraftForm
from observer_app.gui.dialogs.enrollment_dialog import EnrollmentDialog
from observer_app.gui.dialogs.evidence_import_dialog import EvidenceImportDialog
from observer_app.gui.dialogs.gallery_dialog import GalleryDialog
from observer_app.gui.dialogs.handoff_dialog import HandoffDialog
from observer_app.gui.dialogs.incident_dialog import IncidentDialog
from observer_app.gui.dialogs.note_dialog import NoteDialog
from observer_app.gui.dialogs.protocol_dialog import ProtocolDialog
from observer_app.gui.dialogs.redaction_dialog import RedactionDialog
from observer_app.gui.dialogs.report_dialog import ReportDialog
from observer_app.gui.dialogs.search_dialog import SearchDialog
from observer_app.gui.dialogs.settings_dialog import SettingsDialog
from observer_app.gui.dialogs.verify_dialog import VerifyDialog
from observer_app.gui.dialogs.visit_dialog import VisitCall, VisitDialog
from observer_app.gui.dialogs.void_dialog import VoidDialog
from observer_app.gui.dialogs.wipe_dialog import WipeDialog
from observer_app.gui.dropped_files import dropped_paths
from observer_app.gui.models.timeline_model import TimelineModel, TimelineRow
from observer_app.gui.record_refs import EDITABLE_KINDS, RecordRef
from observer_app.gui.widgets.details_panel import DetailsPanel
from observer_app.gui.widgets.station_panel import StationPanel
from observer_app.gui.widgets.status_line import StatusLine
from observer_app.gui.widgets.timeline_view import TimelineView
from observer_app.i18n import _
from observer_app.logbook.drafts import list_drafts, restore_draft
from observer_app.logbook.drives import REAL_STICK, StickAccess
from observer_app.logbook.identity import whoami
from observer_app.logbook.incidents import get_incident
from observer_app.logbook.notes import note_text
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.settings import load_settings
from observer_app.logbook.visits import list_visits


@dataclass(frozen=True)
class Place:
    """Where the holder was, kept across a lock: ids only, never text (the forms that were
    open are drafts in the vault by then, named here by kind and draft id)."""

    station: str | None = None
    timeline_row: int | None = None
    forms: tuple[tuple[str, str], ...] = ()


class MainWindow(QMainWindow):
    lock_requested = Signal()
    quit_requested = Signal()
    settings_changed = Signal(object)
    wipe_confirmed = Signal()

    def __init__(
        self,
        session: LogbookSession,
        catalogue: Catalogue,
        place: Place | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.catalogue = catalogue
        self.commands = Commands(session, catalogue)
        self.open_forms: list[QDialog] = []
        session.confirm = self._confirm
        self.holder_name = whoami(session).name
        self.setWindowTitle(_("Observer Logbook — {name}").format(name=self.holder_name))
        self.stations = StationPanel(session)
        self.timeline = TimelineView(TimelineModel(session))
        self.details = DetailsPanel(session, catalogue)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.stations)
        splitter.addWidget(self.timeline)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 2)
        splitter.setSizes([240, 700, 420])
        splitter.setObjectName("main_splitter")
        self.splitter = splitter
        self.setCentralWidget(splitter)
        self.status_line = StatusLine(session)
        self.setStatusBar(self.status_line)
        self.actions_by_name = make_actions(self, self._handlers())
        self._build_menus()
        self.setAcceptDrops(True)  # files and folders dropped here open the import
        self.stations.station_changed.connect(self._station_changed)
        self.timeline.entry_selected.connect(self._entry_selected)
        self.relay = ChangeRelay(self)
        self.relay.changed.connect(self.on_changes, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = session.changes.subscribe(self.relay)
        self.timeline.timeline.reload()
        self._restore(place or Place(load_settings(session).last_station))

    # -- building ----------------------------------------------------------------------------

    def _handlers(self) -> dict[str, Callable[[], object]]:
        return {
            "new_incident": lambda: self.new_incident(),
            "new_note": lambda: self.new_note(),
            "arrive": lambda: self.visit("arrive"),
            "depart": lambda: self.visit("depart"),
            "pause": lambda: self.visit("pause"),
            "checklist": self.open_checklist,
            "protocol": lambda: self.open_protocol(),
            "import_media": lambda: self.open_import(),
            "gallery": self.open_gallery,
            "redact": self.redact_selected,
            "consent": self.consent_selected,
            "amend": self.amend_selected,
            "void": self.void_selected,
            "search": self.open_search,
            "settings": self.open_settings,
            "make_report": self.open_report,
            "verify_report": self.open_verify,
            "handoff": self.open_handoff,
            "enroll": self.open_enrollment,
            "lock": self.lock_requested.emit,
            "quit": self._quit,
        }

    # -- commands ----------------------------------------------------------------------------

    def default_station(self) -> str | None:
        """The current visit's station, else the last one used, else the one selected."""
        open_visits = [
            visit
            for visit in list_visits(self.session)
            if visit.ended_utc is None and visit.feed == self.session.identity.feed
        ]
        if open_visits:
            return max(open_visits, key=lambda visit: visit.started_utc).station
        return load_settings(self.session).last_station or self.stations.current_code

    def _track(self, form: QDialog) -> QDialog:
        """Open a dialog of this window; Ctrl+L works inside it too (a modal dialog blocks the
        window's own shortcuts), and its content becomes a draft then."""
        lock = self.actions_by_name["lock"].shortcut()
        QShortcut(lock, form, self.lock_requested.emit)
        self.open_forms.append(form)
        form.finished.connect(lambda result: self._untrack(form))
        form.open()
        return form

    def _untrack(self, form: QDialog) -> None:
        if form in self.open_forms:
            self.open_forms.remove(form)
        form.deleteLater()

    def _waiting_draft(self, kind: str) -> tuple[str | None, Mapping[str, Any] | None]:
        """The newest draft of a new record of this kind that no open form holds."""
        held = {getattr(form, "draft_id", None) for form in self.open_forms}
        for summary in list_drafts(self.session, kind):
            if summary.target is None and summary.id not in held:
                try:
                    return summary.id, restore_draft(self.session, summary.id).content
                except ObserverError:
                    continue
        return None, None

    def new_incident(
        self, draft_id: str | None = None, draft: Mapping[str, Any] | None = None
    ) -> IncidentDialog:
        if draft_id is None:
            draft_id, draft = self._waiting_draft("incident")
        dialog = IncidentDialog(
            self.commands,
            self.catalogue,
            station=self.default_station(),
            draft_id=draft_id,
            draft=draft,
            parent=self,
        )
        self._track(dialog)
        return dialog

    def new_note(
        self, draft_id: str | None = None, draft: Mapping[str, Any] | None = None
    ) -> NoteDialog:
        if draft_id is None:
            draft_id, draft = self._waiting_draft("note")
        dialog = NoteDialog(
            self.commands,
            station=self.default_station(),
            draft_id=draft_id,
            draft=draft,
            parent=self,
        )
        self._track(dialog)
        return dialog

    def visit(self, what: str) -> VisitDialog:
        code = self.stations.current_code or self.default_station()
        call: VisitCall
        if what == "arrive":
            title, call = _("Arrival at the station"), self.commands.arrive
        elif what == "depart":
            title, call = _("Departure from the station"), self.commands.depart
        else:
            title, call = _("Break"), self._pause_or_resume
        dialog = VisitDialog(self.session, title, call, code, parent=self)
        self._track(dialog)
        return dialog

    def _pause_or_resume(self, code: str, time: str | None) -> str:
        for visit in list_visits(self.session, code):
            if visit.ended_utc is None and visit.open_break is not None:
                return self.commands.resume(code, time)
        return self.commands.pause(code, time)

    def amend_selected(self) -> QDialog | None:
        ref = self.details.current
        if ref is None or ref.kind not in EDITABLE_KINDS:
            self.statusBar().showMessage(_("Select an incident or a note first."), 5000)
            return None
        try:
            if ref.kind == "incident":
                incident = get_incident(self.session, ref.id)
                if incident.feed != self.session.identity.feed or incident.voided:
                    raise UserActionError(_("Only your own records that stand can be amended."))
                form: QDialog = IncidentDialog(
                    self.commands, self.catalogue, incident=incident, parent=self
                )
            else:
                form = NoteDialog(
                    self.commands, note_id=ref.id, text=note_text(self.session, ref.id), parent=self
                )
        except ObserverError as error:
            self.show_error(error)
            return None
        return self._track(form)

    def void_selected(self) -> QDialog | None:
        ref = self.details.current
        if ref is None or ref.kind not in EDITABLE_KINDS:
            self.statusBar().showMessage(_("Select an incident or a note first."), 5000)
            return None
        record_id = ref.id
        if ref.kind == "incident":
            title = _("Void the incident")

            def call(reason: str) -> None:
                self.commands.void_incident(record_id, reason)
        else:
            title = _("Void the note")

            def call(reason: str) -> None:
                self.commands.void_note(record_id, reason)

        return self._track(VoidDialog(title, call, parent=self))

    def open_checklist(self) -> ChecklistDialog | None:
        code = self.stations.current_code or self.default_station()
        if code is None:
            self.statusBar().showMessage(_("Add a station first (observer-cli station add)."), 5000)
            return None
        dialog = ChecklistDialog(self.commands, self.catalogue, code, parent=self)
        self._track(dialog)
        return dialog

    def open_protocol(
        self,
        station: str | None = None,
        draft_id: str | None = None,
        draft: Mapping[str, Any] | None = None,
    ) -> ProtocolDialog | None:
        code = station or self.stations.current_code or self.default_station()
        if code is None:
            self.statusBar().showMessage(_("Add a station first (observer-cli station add)."), 5000)
            return None
        if draft_id is None:
            held = {getattr(form, "draft_id", None) for form in self.open_forms}
            waiting = [
                d
                for d in list_drafts(self.session, "protocol")
                if d.station == code and d.id not in held
            ]
            if waiting:
                draft_id = waiting[0].id
                draft = restore_draft(self.session, draft_id).content
        dialog = ProtocolDialog(
            self.commands, self.catalogue, code, draft_id=draft_id, draft=draft, parent=self
        )
        self._track(dialog)
        return dialog

    def open_import(self, paths: Sequence[Path] = ()) -> EvidenceImportDialog:
        """Import photos and files (issue 15), linked to the current station by default."""
        station = self.stations.current_code or self.default_station()
        dialog = EvidenceImportDialog(
            self.commands, self.catalogue, station=station, paths=paths, parent=self
        )
        self._track(dialog)
        return dialog

    def open_gallery(self) -> GalleryDialog:
        """The evidence gallery (issue 15): every item; its filters narrow it."""
        dialog = GalleryDialog(
            self.session,
            self.catalogue,
            on_redact=self.open_redaction,
            on_edit_consent=self.open_consent,
            parent=self,
        )
        self._track(dialog)
        return dialog

    # -- consent and redaction (issue 15) ----------------------------------------------------

    def selected_media(self) -> str | None:
        """The media item selected in the timeline (or opened from a search), if any."""
        ref = self.details.current
        return ref.id if ref is not None and ref.kind == "media" else None

    def redact_selected(self) -> RedactionDialog | None:
        media_id = self.selected_media()
        if media_id is None:
            self.statusBar().showMessage(_("Select a photo in the timeline first."), 5000)
            return None
        return self.open_redaction(media_id)

    def open_redaction(self, media_id: str) -> RedactionDialog:
        """The redaction tool for a photo (the gallery's viewer opens it too)."""
        dialog = RedactionDialog(self.commands, media_id, parent=self)
        dialog.saved.connect(
            lambda new_id: self.statusBar().showMessage(_("The anonymised copy was saved."), 5000)
        )
        self._track(dialog)
        return dialog

    def consent_selected(self) -> ConsentDialog | None:
        media_id = self.selected_media()
        if media_id is None:
            self.statusBar().showMessage(_("Select a media item in the timeline first."), 5000)
            return None
        return self.open_consent(media_id)

    def open_consent(self, media_id: str) -> ConsentDialog | None:
        """The consent editor of a media item (the gallery's viewer opens it too)."""
        try:
            dialog = ConsentDialog(self.commands, media_id, parent=self)
        except ObserverError as error:
            self.show_error(error)
            return None
        self._track(dialog)
        return dialog

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.open_import(paths)

    def open_search(self) -> SearchDialog:
        dialog = SearchDialog(self.session, self.catalogue, parent=self)
        dialog.opened.connect(self.open_record)
        self._track(dialog)
        return dialog

    def open_record(self, ref: RecordRef) -> None:
        """Show a record found elsewhere (search): a station is selected, a record detailed."""
        if ref.kind == "station":
            self.stations.select(ref.id)
            return
        self.timeline.clearSelection()
        self.details.show_record(ref)

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.commands, parent=self)
        dialog.changed.connect(self.settings_changed.emit)
        dialog.wipe_requested.connect(self.open_wipe)
        self._track(dialog)
        return dialog

    # -- reports and what leaves the laptop (issue 16) ---------------------------------------

    def open_report(self) -> ReportDialog:
        dialog = ReportDialog(self.session, self.catalogue, parent=self)
        self._track(dialog)
        return dialog

    def open_verify(self) -> VerifyDialog:
        dialog = VerifyDialog(self.session, parent=self)
        self._track(dialog)
        return dialog

    def open_handoff(self, stick: StickAccess = REAL_STICK) -> HandoffDialog:
        """The handoff dialog; `stick` replaces the OS calls on the stick (tests only)."""
        dialog = HandoffDialog(self.session, parent=self, stick=stick)
        dialog.failed.connect(self._handoff_failed)
        dialog.done_step.connect(lambda _text: self._handoff_failed(None))
        self._track(dialog)
        return dialog

    def _handoff_failed(self, failure: str | None) -> None:
        """Say (or stop saying) that the last handoff failed, and keep it in the vault."""
        self.commands.remember_handoff(failure)
        self.status_line.show_handoff_failure(failure)

    def open_enrollment(self) -> EnrollmentDialog:
        dialog = EnrollmentDialog(self.session, parent=self)
        self._track(dialog)
        return dialog

    def open_wipe(self) -> WipeDialog:
        dialog = WipeDialog(self.session, parent=self)
        dialog.confirmed.connect(self.wipe_confirmed.emit)
        self._track(dialog)
        return dialog

    def reopen_form(self, kind: str, draft_id: str) -> None:
        """Open the form a draft was typed in again (after an unlock), with its content."""
        try:
            draft = restore_draft(self.session, draft_id)
            target = draft.summary.target
            if kind == "incident" and target is None:
                self.new_incident(draft_id, draft.content)
            elif kind == "incident" and target is not None:
                incident = get_incident(self.session, target)
                form: QDialog = IncidentDialog(
                    self.commands,
                    self.catalogue,
                    incident=incident,
                    draft_id=draft_id,
                    draft=draft.content,
                    parent=self,
                )
                self._track(form)
            elif kind == "note" and target is None:
                self.new_note(draft_id, draft.content)
            elif kind == "protocol" and draft.summary.station is not None:
                self.open_protocol(draft.summary.station, draft_id, draft.content)
            elif kind == "note" and target is not None:
                form = NoteDialog(
                    self.commands,
                    note_id=target,
                    text=note_text(self.session, target),
                    draft_id=draft_id,
                    draft=draft.content,
                    parent=self,
                )
                self._track(form)
        except ObserverError:
            return  # the draft stays listed; nothing is lost by not reopening it

    def _confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, _("Observer Logbook"), question)
        return answer == QMessageBox.StandardButton.Yes

    def _build_menus(self) -> None:
        a = self.actions_by_name
        menus = (
            (
                _("&Record"),
                (
                    "new_incident",
                    "new_note",
                    "checklist",
                    "protocol",
                    "import_media",
                    "gallery",
                    "redact",
                    "consent",
                    None,
                    "amend",
                    "void",
                ),
            ),
            (_("S&tation"), ("arrive", "depart", "pause")),
            (_("&Logbook"), ("search", "settings", None, "lock", "quit")),
            (_("Re&ports"), ("make_report", "verify_report", None, "handoff", "enroll")),
        )
        bar = self.menuBar()
        for title, names in menus:
            menu = bar.addMenu(title)
            for name in names:
                if name is None:
                    menu.addSeparator()
                else:
                    menu.addAction(a[name])
        toolbar = self.addToolBar(_("Main toolbar"))
        toolbar.setObjectName("main_toolbar")
        for name in ("new_incident", "new_note", "arrive", "depart", "search", "lock"):
            toolbar.addAction(a[name])

    def _restore(self, place: Place) -> None:
        settings = load_settings(self.session)
        if settings.window_geometry:
            self.restoreGeometry(QByteArray(settings.window_geometry))
        else:
            self.resize(1280, 720)
        if settings.window_state:
            self.restoreState(QByteArray(settings.window_state))
        if place.station is not None:
            self.stations.select(place.station)
        for kind, draft_id in place.forms:
            self.reopen_form(kind, draft_id)
        if (
            place.timeline_row is not None
            and place.timeline_row < self.timeline.timeline.rowCount()
        ):
            self.timeline.selectRow(place.timeline_row)

    # -- reacting ----------------------------------------------------------------------------

    def _station_changed(self, code: str | None) -> None:
        self.timeline.timeline.set_selection(TimelineFilter(station=code))
        self.details.show_nothing()

    def _entry_selected(self, entry: TimelineRow | None) -> None:
        if entry is None:
            self.details.show_nothing()
        else:
            self.details.show_entry(entry)

    def on_changes(self, changes: tuple[Change, ...]) -> None:
        """Something was committed: reread what shows it (the first page, counts)."""
        if self._unsubscribe is None:
            return  # closed meanwhile
        shown = self.details.current
        self.stations.reload()
        self.timeline.timeline.reload()
        self.details.refresh()
        self.status_line.refresh()
        if shown is not None:
            self._reselect(shown)

    def _reselect(self, ref: RecordRef) -> None:
        """Keep the record that was selected selected (on the rows already loaded)."""
        model = self.timeline.timeline
        for row in range(model.rowCount()):
            if model.entry(row).ref == ref:
                self.timeline.selectRow(row)
                return

    def show_error(self, error: ObserverError) -> None:
        QMessageBox.warning(self, _("Observer Logbook"), str(error))

    # -- leaving -----------------------------------------------------------------------------

    def place(self) -> Place:
        """Where the holder is; every open form is saved as a draft and closed."""
        forms: list[tuple[str, str]] = []
        for form in list(self.open_forms):
            if isinstance(form, DraftForm):
                form.timer.stop()
                form.keep_draft()
                if form.draft_id is not None:
                    forms.append((form.draft_kind, form.draft_id))
            form.done(QDialog.DialogCode.Rejected)
        index = self.timeline.currentIndex()
        return Place(
            self.stations.current_code, index.row() if index.isValid() else None, tuple(forms)
        )

    def save_window_state(self) -> None:
        self.commands.update_settings(
            window_geometry=bytes(self.saveGeometry().data()),
            window_state=bytes(self.saveState().data()),
            last_station=self.stations.current_code,
        )

    def _quit(self) -> None:
        self.close()

    def detach(self) -> None:
        """Stop listening to the session (before it closes); the window is discarded after."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._unsubscribe is not None:
            self.place()  # open forms become drafts
            self.save_window_state()
            self.detach()
            self.quit_requested.emit()
        super().closeEvent(event)
