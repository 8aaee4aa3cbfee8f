"""Records in words: catalogue ids, vocabularies and roles by their names in the UI language.

One place turns `ballot_stuffing`, `critical`, `ARR01`, `given` or `coordinator` into what a
reader of Russian or Kazakh calls them, for the timeline, `incident show|list`, `media show` and
the coming window alike. An id this catalogue does not know (a newer peer's) is shown as it is,
so nothing vanishes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from observer_app.core.answers import answer_from_json, format_answer
from observer_app.core.catalogue import Catalogue, Label
from observer_app.core.incidents import VOCABULARY_OF_FIELD
from observer_app.errors import ObserverError, UsageError
from observer_app.i18n import N_, _, current_language

ROLE_NAMES: Mapping[str, str] = {"observer": N_("observer"), "coordinator": N_("coordinator")}
AUDIENCE_NAMES: Mapping[str, str] = {
    "public": N_("public"),
    "complaint": N_("complaint"),
    "internal": N_("internal"),
}
MEDIA_KIND_NAMES: Mapping[str, str] = {
    "photo": N_("photo"),
    "video": N_("video"),
    "audio": N_("audio recording"),
    "document": N_("document"),
    "other": N_("other file"),
}
LINK_KIND_NAMES: Mapping[str, str] = {
    "station": N_("station"),
    "incident": N_("incident"),
    "protocol": N_("protocol"),
    "answer": N_("checklist answer"),
}
REDACTION_NAMES: Mapping[str, str] = {
    "fill": N_("filled boxes"),
    "blur": N_("blur"),
    "pixelate": N_("pixelation"),
}


def named(names: Mapping[str, str], value: object) -> str:
    """A fixed vocabulary's value by its translated name; an unknown value as it is."""
    text = str(value)
    return _(names[text]) if text in names else text


@dataclass(frozen=True)
class RecordWords:
    """The catalogue's names in the UI language (the language is read at each call)."""

    catalogue: Catalogue
    refs: Mapping[str, str] = field(default_factory=dict)
    """Record id -> its short reference (`I-12`), for the records the described events name."""

    def ref(self, record_id: object) -> str:
        """A record by its short reference; by its short id when it has none (a record this
        vault does not hold)."""
        text = str(record_id or "")
        return self.refs.get(text) or text[:13]

    def label(self, text: Label) -> str:
        return text.get(current_language())

    def category(self, category_id: object) -> str:
        try:
            return self.label(self.catalogue.category(str(category_id)).label)
        except UsageError:
            return str(category_id)

    def term(self, vocabulary: str, term_id: object) -> str:
        try:
            return self.label(self.catalogue.term(vocabulary, str(term_id)).label)
        except UsageError:
            return str(term_id)

    def field_value(self, field: str, value: object) -> str:
        """An incident field's coded value by name (`severity`, `seen`, `status`, ...)."""
        if field == "category":
            return self.category(value)
        return self.term(VOCABULARY_OF_FIELD[field], value)

    def severity(self, severity_id: object) -> str:
        return self.term("severity", severity_id)

    def item(self, item_id: object) -> str:
        """A checklist item by its question (`ARR01` -> "Time the station opened")."""
        try:
            return self.label(self.catalogue.item(str(item_id)).label)
        except UsageError:
            return str(item_id)

    def answer(self, item_id: object, value: Any) -> str:
        """A stored answer (`given`, `["police"]`, `06:15`) as the reader says it."""
        try:
            item = self.catalogue.item(str(item_id))
            return format_answer(item, answer_from_json(item, value), current_language())
        except ObserverError:
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)

    def consent(self, state_id: object) -> str:
        try:
            return self.label(self.catalogue.consent_state(str(state_id)).label)
        except UsageError:
            return str(state_id)

    def media_use(self, use_id: object) -> str:
        return self.term("media_use", use_id)
