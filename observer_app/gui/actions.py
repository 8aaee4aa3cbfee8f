"""Every user command of the window, and the only place the window writes state.

`Commands` turns what a dialog gathered into one logbook service call (records, visits, drafts,
settings); widgets and dialogs never call a writing service themselves. `ACTIONS` lists the
menu/toolbar commands with their shortcuts; `make_actions` builds the QActions with the shortcut
shown in the menu entry (Qt does that) and in the tooltip.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from observer_app.core.catalogue import Catalogue
from observer_app.core.media_terms import RedactionStyle
from observer_app.core.progress import Cancel, Progress
from observer_app.i18n import N_, _
from observer_app.logbook import (
    checklist,
    drafts,
    handoff,
    incidents,
    media,
    media_batch,
    notes,
    protocol_records,
    visits,
)
from observer_app.logbook import settings as settings_service
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.protocol_records import ProtocolView
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.settings import Settings


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str  # untranslated (N_), translated when the action is built
    shortcut: str


ACTIONS: Final = (
    ActionSpec("new_incident", N_("New &incident…"), "Ctrl+N"),
    ActionSpec("new_note", N_("New &note…"), "Ctrl+Shift+N"),
    ActionSpec("arrive", N_("&Arrival at the station…"), "Ctrl+Shift+A"),
    ActionSpec("depart", N_("&Departure from the station…"), "Ctrl+Shift+D"),
    ActionSpec("pause", N_("Start or end a &break…"), "Ctrl+Shift+B"),
    ActionSpec("checklist", N_("&Checklist…"), "Ctrl+K"),
    ActionSpec("protocol", N_("Results &protocol…"), "Ctrl+P"),
    ActionSpec("import_media", N_("Import p&hotos and files…"), "Ctrl+Shift+I"),
    ActionSpec("gallery", N_("Evidence &gallery…"), "Ctrl+G"),
    ActionSpec("redact", N_("Anon&ymised copy of the selected photo…"), "Ctrl+Shift+Y"),
    ActionSpec("consent", N_("C&onsent for the selected item…"), "Ctrl+Shift+K"),
    ActionSpec("amend", N_("A&mend the selected record…"), "Ctrl+E"),
    ActionSpec("void", N_("&Void the selected record…"), "Ctrl+Shift+Del"),
    ActionSpec("search", N_("&Search…"), "Ctrl+F"),
    ActionSpec("settings", N_("Se&ttings…"), "Ctrl+,"),
    # Reports and what leaves the laptop (issue 16)
    ActionSpec("make_report", N_("Make a signed &report…"), "Ctrl+Shift+R"),
    ActionSpec("verify_report", N_("&Verify a report…"), "Ctrl+Shift+V"),
    ActionSpec("handoff", N_("USB &handoff…"), "Ctrl+Shift+H"),
    ActionSpec("enroll", N_("&Enrollment…"), "Ctrl+Shift+E"),
    ActionSpec("lock", N_("&Lock"), "Ctrl+L"),
    ActionSpec("quit", N_("&Quit"), "Ctrl+Q"),
)


def plain_text(text: str) -> str:
    """A menu text without its mnemonic and ellipsis, for tooltips and accessible names."""
    return text.replace("&", "").rstrip("…")


def make_actions(
    parent: QWidget, handlers: Mapping[str, Callable[[], object]]
) -> dict[str, QAction]:
    """The window's QActions in the UI language, each with its shortcut and tooltip."""
    built: dict[str, QAction] = {}
    for spec in ACTIONS:
        text = _(spec.text)
        action = QAction(text, parent)
        sequence = QKeySequence(spec.shortcut)
        action.setShortcut(sequence)
        shown = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{plain_text(text)} ({shown})")
        action.setStatusTip(action.toolTip())
        action.setObjectName(spec.name)
        if spec.name in handlers:
            action.triggered.connect(handlers[spec.name])
        built[spec.name] = action
    return built


class Commands:
    """The writing services of one open session, as the window calls them."""

    def __init__(self, session: LogbookSession, catalogue: Catalogue) -> None:
        self.session = session
        self.catalogue = catalogue

    # -- records -----------------------------------------------------------------------------

    def add_incident(self, fields: Mapping[str, Any], draft_id: str | None) -> str:
        """Record the incident and remember its station as the last one used."""
        incident_id = incidents.add_incident(
            self.session,
            self.catalogue,
            fields["station"],
            fields["category"],
            fields["text"],
            time=fields.get("time") or None,
            severity=fields.get("severity"),
            seen=fields.get("seen"),
            persons=fields.get("persons", ()),
            witnesses=fields.get("witnesses", ()),
            follow_up=fields.get("follow_up"),
            draft_id=draft_id,
        )
        settings_service.update_settings(self.session, last_station=fields["station"])
        self.link_media(fields.get("media", ()), media.Link("incident", incident_id))
        return incident_id

    def amend_incident(
        self,
        incident_id: str,
        changes: IncidentChanges,
        reason: str | None,
        draft_id: str | None,
    ) -> dict[str, Any]:
        return incidents.amend_incident(
            self.session, self.catalogue, incident_id, changes, reason, draft_id=draft_id
        )

    def void_incident(self, incident_id: str, reason: str) -> None:
        incidents.void_incident(self.session, incident_id, reason)

    def add_note(self, text: str, station: str | None, draft_id: str | None) -> str:
        return notes.add_note(self.session, text, station, draft_id=draft_id)

    def amend_note(self, note_id: str, text: str, draft_id: str | None) -> None:
        notes.amend_note(self.session, note_id, text)
        if draft_id is not None:
            self.discard_draft(draft_id)

    def void_note(self, note_id: str, reason: str) -> None:
        notes.void_note(self.session, note_id, reason)

    def answer(self, code: str, item_id: str, raw_value: str, note: str | None) -> str:
        """Record one checklist answer as it is given (no "submit" to forget)."""
        return checklist.answer_item(self.session, self.catalogue, code, item_id, raw_value, note)

    def record_protocol(
        self, code: str, figures: Mapping[str, int], draft_id: str | None
    ) -> ProtocolView:
        assignments = [f"{name}={value}" for name, value in figures.items()]
        return protocol_records.record_protocol(
            self.session, self.catalogue, code, assignments, draft_id=draft_id
        )

    # -- visits ------------------------------------------------------------------------------

    def arrive(self, code: str, time: str | None) -> str:
        return visits.start_visit(self.session, code, time)

    def depart(self, code: str, time: str | None) -> str:
        return visits.end_visit(self.session, code, time)

    def pause(self, code: str, time: str | None) -> str:
        return visits.pause_visit(self.session, code, time)

    def resume(self, code: str, time: str | None) -> str:
        return visits.resume_visit(self.session, code, time)

    # -- drafts and settings -----------------------------------------------------------------

    def save_draft(
        self,
        kind: str,
        content: Mapping[str, Any],
        draft_id: str | None,
        *,
        station: str | None = None,
        target: str | None = None,
    ) -> str:
        return drafts.save_draft(
            self.session, kind, content, draft_id=draft_id, station=station, target=target
        )

    def discard_draft(self, draft_id: str) -> None:
        drafts.discard_draft(self.session, draft_id)

    def update_settings(self, **changes: Any) -> Settings:
        return settings_service.update_settings(self.session, **changes)

    def remember_handoff(self, failure: str | None) -> None:
        """Why the last handoff failed (None: a step succeeded), kept in the vault."""
        handoff.remember_failure(self.session, failure)

    # -- evidence (issue 15) -----------------------------------------------------------------

    def media_link(self, kind: str, ref: str) -> media.Link:
        """The record a file will be attached to, checked (on the GUI thread)."""
        return media.resolve_link(self.session, kind, ref)

    def link_media(self, media_ids: Sequence[str], link: media.Link) -> None:
        """Attach items already in the vault (a form's photos, once its record is saved)."""
        for media_id in media_ids:
            media.link_item(self.session, media_id, link)

    def import_media(
        self,
        paths: Sequence[Path],
        link: media.Link,
        progress: Progress,
        cancel: Cancel,
        file_started: media_batch.FileStarted,
        file_progress: Progress,
    ) -> media_batch.BatchSummary:
        """On a worker thread: every file under `paths`, imported and linked to `link`."""
        with self.session.worker(cancel) as stop:
            return media_batch.import_batch(
                self.session,
                paths,
                link,
                progress=progress,
                cancel=stop,
                file_started=file_started,
                file_progress=file_progress,
            )

    def delete_originals(
        self, files: Sequence[media_batch.FileOutcome], progress: Progress, cancel: Cancel
    ) -> media_batch.DeletionSummary:
        """On a worker thread: delete the originals whose copies in the vault verify."""
        with self.session.worker(cancel) as stop:
            return media_batch.delete_verified_originals(
                self.session, files, progress=progress, cancel=stop
            )

    # -- consent and redaction (issue 15) ----------------------------------------------------

    def set_consent(self, media_id: str, state: str, reason: str, note: str | None) -> None:
        """A person's consent decision for an original (`note`: who gave it, and how)."""
        media.set_consent(self.session, media_id, state, reason, note)

    def suggest_faces(self, media_id: str, progress: Progress, cancel: Cancel) -> list[media.Box]:
        """On a worker thread: the detector's face boxes for a photo (nothing is written)."""
        with self.session.worker(cancel) as stop:
            return media.suggest_faces(self.session, media_id, progress, stop)

    def make_redacted_copy(
        self,
        media_id: str,
        boxes: Sequence[media.Box],
        style: RedactionStyle,
        progress: Progress,
        cancel: Cancel,
    ) -> str:
        """On a worker thread: the anonymised copy as a new derived item; returns its id."""
        with self.session.worker(cancel) as stop, self.session.writing():
            return media.make_redacted_copy(self.session, media_id, boxes, style, progress, stop)
