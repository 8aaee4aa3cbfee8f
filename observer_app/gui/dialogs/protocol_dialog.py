"""The results protocol of a station, copied field by field, with every control relation
evaluated live as digits are typed: a failed one red, with its equation and both sides, and its
fields marked. Ctrl+Enter records the fields that changed; Esc keeps a draft."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIntValidator
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from observer_app.core.catalogue import Catalogue
from observer_app.core.protocol import Check, evaluate
from observer_app.errors import ObserverError, UserActionError
from observer_app.gui.actions import Commands
from observer_app.gui.dialogs.draft_form import DraftForm
from observer_app.gui.widgets.photo_attachments import PhotoAttachments
from observer_app.i18n import _, current_language
from observer_app.logbook.media import Link, media_items
from observer_app.logbook.mission import ballot, get_mission
from observer_app.logbook.protocol_records import protocol_view

MAX_TYPED = 10_000_000
RED = "background: #fde2e1;"


def _field_id(name: str) -> str:
    return name.split("[", 1)[0]


class ProtocolDialog(DraftForm):
    draft_kind = "protocol"

    def __init__(
        self,
        commands: Commands,
        catalogue: Catalogue,
        station: str,
        *,
        draft_id: str | None = None,
        draft: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(commands, draft_id, parent)
        self.catalogue = catalogue
        self.station = station
        self.ballot = ballot(commands.session)
        mission = get_mission(commands.session)
        names = {c.id: c.name for c in mission.candidates} if mission else {}
        view = protocol_view(commands.session, catalogue, station)
        self.recorded: dict[str, int] = dict(view.figures)
        self.setWindowTitle(_("Results protocol of station {code}").format(code=station))
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        # Labels above their fields: the long Russian and Kazakh names of protocol lines were
        # clipped beside them (seen in the screenshots).
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        language = current_language()
        for name in view.expected:
            label_text = catalogue.protocol_field(_field_id(name)).label.get(language)
            if "[" in name:
                candidate = name[name.index("[") + 1 : -1]
                label_text = f"{label_text}: {names.get(candidate, candidate)}"
            edit = QLineEdit(str(self.recorded[name]) if name in self.recorded else "")
            edit.setValidator(QIntValidator(0, MAX_TYPED, edit))
            edit.setAccessibleName(f"{name} {label_text}")
            edit.setMaximumWidth(120)
            edit.textEdited.connect(lambda text: self.reevaluate())
            edit.returnPressed.connect(self.focusNextChild)
            label = QLabel(f"{name} · {label_text}")
            label.setWordWrap(True)
            label.setBuddy(edit)
            form.addRow(label, edit)
            self.fields[name] = edit
        fields_page = QWidget()
        fields_page.setLayout(form)
        scroll = QScrollArea()
        scroll.setAccessibleName(_("The protocol's figures"))
        scroll.setWidgetResizable(True)
        scroll.setWidget(fields_page)
        self.checks_box = QWidget()
        self.checks = QVBoxLayout(self.checks_box)
        self.check_labels: dict[str, QLabel] = {}
        for rule in catalogue.control_rules:
            label = QLabel()
            label.setWordWrap(True)
            label.setAccessibleName(_("Control relation {rule}").format(rule=rule.id))
            self.checks.addWidget(label)
            self.check_labels[rule.id] = label
        self.turnout = QLabel()
        self.checks.addWidget(self.turnout)
        self.checks.addStretch(1)
        # The photo of the protocol as posted at the station: linked to it at once.
        photo_title = QLabel(_("Photo of the posted protocol:"))
        photo_title.setWordWrap(True)
        self.checks.addWidget(photo_title)
        self.photos = PhotoAttachments(commands, lambda: Link("protocol", station), self)
        self.photos.install_shortcut(self)
        feed = commands.session.identity.feed
        self.photos.set_media(
            [
                item.id
                for item in media_items(commands.session, feed)
                if ("protocol", station) in item.links and not item.purged
            ]
        )
        self.checks.addWidget(self.photos)
        self.setAcceptDrops(True)
        grid = QGridLayout()
        grid.addWidget(scroll, 0, 0)
        grid.addWidget(self.checks_box, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(grid, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(1000, 640)
        if draft is not None:
            for name, value in draft.get("fields", {}).items():
                if name in self.fields and isinstance(value, str):
                    self.fields[name].setText(value)
        self.reevaluate()
        first = next(iter(self.fields.values()), None)
        if first is not None:
            first.setFocus()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.photos.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.photos.dropEvent(event)

    # -- live checks -------------------------------------------------------------------------

    def typed(self) -> dict[str, int]:
        """The figures as they stand in the form (empty fields left out)."""
        figures: dict[str, int] = {}
        for name, edit in self.fields.items():
            text = edit.text().strip()
            if text.isdigit() and int(text) <= MAX_TYPED:
                figures[name] = int(text)
        return figures

    def reevaluate(self) -> None:
        try:
            result = evaluate(
                self.typed(), self.catalogue, self.ballot.candidates, self.ballot.against_all
            )
        except ObserverError as error:
            self.show_problem(str(error))
            return
        wrong: set[str] = set()
        for check in result.checks:
            label = self.check_labels[check.rule.id]
            label.setText(self._check_text(check))
            label.setStyleSheet("color: #b00020; font-weight: bold;" if check.ok is False else "")
            if check.ok is False:
                wrong.update(_field_id(term) for term in (*check.rule.lhs, *check.rule.rhs))
        for name, edit in self.fields.items():
            edit.setStyleSheet(RED if _field_id(name) in wrong else "")
        basis = result.turnout_basis_points
        self.turnout.setText(
            _("Turnout: {percent}%").format(percent=f"{basis / 100:.2f}")
            if basis is not None
            else _("Turnout: not known yet")
        )

    def _check_text(self, check: Check) -> str:
        expression = check.rule.expression()
        if check.ok is None:
            return "… " + _("{expression}: waiting for {fields}").format(
                expression=expression, fields=", ".join(check.missing)
            )
        sides = f"{check.lhs} {'=' if check.rule.op == '==' else '≤'} {check.rhs}"
        if check.ok:
            return "✓ " + f"{expression} ({sides})"
        shown = f"{check.lhs} {'≠' if check.rule.op == '==' else '>'} {check.rhs}"
        return "✗ " + _("{expression} fails: {sides}").format(expression=expression, sides=shown)

    # -- DraftForm ---------------------------------------------------------------------------

    def content(self) -> Mapping[str, Any]:
        return {"fields": {name: edit.text() for name, edit in self.fields.items()}}

    def draft_station(self) -> str | None:
        return self.station

    def is_empty(self) -> bool:
        return self.typed() == self.recorded

    def record(self) -> str:
        changed = {
            name: value for name, value in self.typed().items() if self.recorded.get(name) != value
        }
        if not changed:
            raise UserActionError(_("Nothing to record: no field changed."))
        self.commands.record_protocol(self.station, changed, self.draft_id)
        self.recorded.update(changed)
        return self.station
