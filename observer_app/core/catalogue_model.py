"""The observation catalogue's model: phases, items, categories, rules, labels in three languages.

The loader that builds it from data and validates it lives in `catalogue.py`.

The catalogue lives in `resources/catalogue/catalogue.json` so that a new legal framework (the
election law changes; rules are versioned by date) is a data update, not a code change. Its ids
are contracts: journals, reports and scripts store `VOT06` or `ballot_stuffing`, so the loader
refuses anything it cannot fully understand and names the exact entry at fault instead of
failing later in the middle of polling day. Nothing is cached globally: callers hold the
`Catalogue` they loaded.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from observer_app.core.vocabulary import resolve_named
from observer_app.errors import UsageError, UserActionError
from observer_app.i18n import _

SUPPORTED_FORMAT_VERSION: Final = 1
LANGUAGES: Final = ("en", "ru", "kk")
# Conditions a protocol field may depend on; `against_all` is a property of the mission's ballot.
KNOWN_CONDITIONS: Final = frozenset({"against_all"})
RULE_OPERATORS: Final = ("==", "<=")

# Vocabularies whose ids the program and the command line rely on (issue contracts): the data
# supplies the labels, the code fixes the ids and their order (severity order is used to sort).
FIXED_VOCABULARIES: Final[dict[str, tuple[str, ...]]] = {
    "yes_no_dk": ("yes", "no", "dk"),
    "frequency": ("none", "few", "half", "most", "all"),
    "rating": ("very_good", "good", "bad", "very_bad"),
    "severity": ("critical", "high", "medium", "low"),
    "incident_status": ("unmarked", "confirmed", "rejected"),
    "follow_up": ("none_needed", "needs_follow_up", "complaint_filed", "resolved"),
    "seen": ("directly", "reported"),
}

SNAKE_ID = re.compile(r"[a-z][a-z0-9_]*", re.ASCII)
PHASE_CODE = re.compile(r"[A-Z]{3}", re.ASCII)
ITEM_ID = re.compile(r"([A-Z]{3})[0-9]{2}", re.ASCII)
FIELD_ID = re.compile(r"[A-Z][A-Za-z0-9]*", re.ASCII)
ZONE_ID = re.compile(r"[A-Za-z_]+/[A-Za-z_]+", re.ASCII)
FAMILY_WILDCARD: Final = "[*]"


class CatalogueError(UserActionError):
    """The catalogue file is missing, unreadable, too new, or has a bad entry (named)."""


class AnswerType(StrEnum):
    YES_NO_DK = "yes_no_dk"
    TIME = "time"
    INTEGER = "integer"
    FREQUENCY = "frequency"
    RATING = "rating"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    TEXT = "text"


# Answer types whose allowed values come from a shared vocabulary rather than the item itself.
VOCABULARY_OF_TYPE: Final = {
    AnswerType.YES_NO_DK: "yes_no_dk",
    AnswerType.FREQUENCY: "frequency",
    AnswerType.RATING: "rating",
}
CHOICE_TYPES: Final = frozenset({AnswerType.SINGLE_CHOICE, AnswerType.MULTI_CHOICE})


@dataclass(frozen=True)
class Label:
    """One text in each supported language; the loader guarantees all three are non-empty."""

    en: str
    ru: str
    kk: str

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to English for a language the catalogue lacks."""
        return self.as_dict().get(lang) or self.en

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "ru": self.ru, "kk": self.kk}


@dataclass(frozen=True)
class Term:
    """An entry of a vocabulary (severity, frequency, media use, ...)."""

    id: str
    label: Label


@dataclass(frozen=True)
class Choice:
    """An allowed answer of an enumerated item; `exclusive` ones ("nobody") stand alone."""

    id: str
    label: Label
    exclusive: bool = False


@dataclass(frozen=True)
class ChecklistItem:
    """One question of a phase. For enumerated types `choices` holds every allowed value."""

    id: str
    phase: str
    type: AnswerType
    label: Label
    choices: tuple[Choice, ...] = ()
    # Answers that signal a problem ("problem if yes" / "problem if no"), for highlighting.
    concern_when: frozenset[str] = frozenset()
    # For integer items: a count above this value signals a problem (e.g. group voting > 0).
    concern_above: int | None = None

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(choice.id for choice in self.choices)

    def choice(self, choice_id: str) -> Choice | None:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None


@dataclass(frozen=True)
class Phase:
    id: str
    code: str
    label: Label
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class IncidentCategory:
    id: str
    label: Label
    default_severity: str


@dataclass(frozen=True)
class ConsentStateInfo:
    """Label data for a consent state; the rules themselves live in `core.consent`."""

    id: str
    label: Label
    system_only: bool


@dataclass(frozen=True)
class ProtocolField:
    """A line of the results protocol. A `family` field (P11) exists once per candidate."""

    id: str
    label: Label
    family: bool = False
    requires: str | None = None


@dataclass(frozen=True)
class ControlRule:
    """`sum(lhs) op sum(rhs)`; a term `P11[*]` is the sum over all candidates."""

    id: str
    label: Label
    lhs: tuple[str, ...]
    op: str
    rhs: tuple[str, ...]

    def expression(self) -> str:
        """Human-readable form such as `P2 = P3 + P4 + P5 + P6`."""
        shown_op = "=" if self.op == "==" else "≤"
        return f"{' + '.join(self.lhs)} {shown_op} {' + '.join(self.rhs)}"


@dataclass(frozen=True)
class TurnoutDefinition:
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]


@dataclass(frozen=True)
class Region:
    id: str
    label: Label
    kind: str
    zone: str


@dataclass(frozen=True)
class _Index:
    items: dict[str, ChecklistItem]
    phase_of_item: dict[str, Phase]
    phases: dict[str, Phase]
    categories: dict[str, IncidentCategory]
    fields: dict[str, ProtocolField]
    rules: dict[str, ControlRule]
    regions: dict[str, Region]
    consent_states: dict[str, ConsentStateInfo]


@dataclass(frozen=True)
class Catalogue:
    format_version: int
    catalogue_version: str
    legal_framework_date: dt.date
    legal_framework_note: str
    phases: tuple[Phase, ...]
    yes_no_dk: tuple[Term, ...]
    frequencies: tuple[Term, ...]
    ratings: tuple[Term, ...]
    severities: tuple[Term, ...]
    incident_statuses: tuple[Term, ...]
    follow_ups: tuple[Term, ...]
    seen: tuple[Term, ...]
    incident_categories: tuple[IncidentCategory, ...]
    consent_states: tuple[ConsentStateInfo, ...]
    media_uses: tuple[Term, ...]
    protocol_fields: tuple[ProtocolField, ...]
    control_rules: tuple[ControlRule, ...]
    turnout: TurnoutDefinition
    regions: tuple[Region, ...]
    time_zones: tuple[str, ...]
    default_time_zone: str
    _index: _Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        phase_of_item = {item.id: phase for phase in self.phases for item in phase.items}
        index = _Index(
            items={item.id: item for phase in self.phases for item in phase.items},
            phase_of_item=phase_of_item,
            phases={phase.id: phase for phase in self.phases},
            categories={category.id: category for category in self.incident_categories},
            fields={f.id: f for f in self.protocol_fields},
            rules={rule.id: rule for rule in self.control_rules},
            regions={region.id: region for region in self.regions},
            consent_states={state.id: state for state in self.consent_states},
        )
        object.__setattr__(self, "_index", index)

    # -- checklist ---------------------------------------------------------------------------

    def items(self) -> Iterator[ChecklistItem]:
        """Every checklist item, phase by phase, in catalogue order."""
        for phase in self.phases:
            yield from phase.items

    def item(self, item_id: str) -> ChecklistItem:
        """The item with this id (case-insensitive, `vot06` finds `VOT06`)."""
        found = self._index.items.get(item_id.strip().upper())
        if found is None:
            raise UsageError(_("Unknown checklist item '{value}'.").format(value=item_id))
        return found

    def phase(self, phase_id: str) -> Phase:
        found = self._index.phases.get(phase_id.strip().lower())
        if found is None:
            raise _unknown(
                _("Unknown phase '{value}'. Allowed: {allowed}."), phase_id, self._index.phases
            )
        return found

    def phase_of(self, item_id: str) -> Phase:
        return self._index.phase_of_item[self.item(item_id).id]

    # -- incidents ---------------------------------------------------------------------------

    def category(self, category_id: str) -> IncidentCategory:
        """By id or by name in any language (`вброс бюллетеней` finds `ballot_stuffing`)."""
        found = self._index.categories.get(category_id.strip().lower())
        if found is None:
            return resolve_named(
                category_id,
                self.incident_categories,
                _("Unknown incident category '{value}'. Allowed: {allowed}."),
            )
        return found

    def vocabulary(self, name: str) -> tuple[Term, ...]:
        """A fixed vocabulary by name: one of `FIXED_VOCABULARIES` or `media_use`."""
        vocabularies = {
            "yes_no_dk": self.yes_no_dk,
            "frequency": self.frequencies,
            "rating": self.ratings,
            "severity": self.severities,
            "incident_status": self.incident_statuses,
            "follow_up": self.follow_ups,
            "seen": self.seen,
            "media_use": self.media_uses,
        }
        return vocabularies[name]

    def term(self, vocabulary: str, term_id: str) -> Term:
        """The entry `term_id` (an id, or a name in any language) of a vocabulary, or a usage
        error listing the allowed ids with their names."""
        terms = self.vocabulary(vocabulary)
        found = {term.id: term for term in terms}.get(term_id.strip().lower())
        if found is None:
            return resolve_named(
                term_id, terms, _("'{value}' is not allowed here. Allowed: {allowed}.")
            )
        return found

    def severity(self, severity_id: str) -> Term:
        return self.term("severity", severity_id)

    # -- consent -----------------------------------------------------------------------------

    def consent_state(self, state_id: str) -> ConsentStateInfo:
        found = self._index.consent_states.get(state_id.strip().lower())
        if found is None:
            return resolve_named(
                state_id,
                self.consent_states,
                _("Unknown consent state '{value}'. Allowed: {allowed}."),
            )
        return found

    # -- protocol ----------------------------------------------------------------------------

    def protocol_field(self, field_id: str) -> ProtocolField:
        found = self._index.fields.get(field_id)
        if found is None:
            raise _unknown(
                _("Unknown protocol field '{value}'. Allowed: {allowed}."),
                field_id,
                self._index.fields,
            )
        return found

    def rule(self, rule_id: str) -> ControlRule:
        found = self._index.rules.get(rule_id)
        if found is None:
            raise _unknown(
                _("Unknown control rule '{value}'. Allowed: {allowed}."), rule_id, self._index.rules
            )
        return found

    # -- places ------------------------------------------------------------------------------

    def region(self, region_id: str) -> Region:
        """By id or by name in any language; `Алматы` is both a city and a region, so it lists
        the two (`Алматы қаласы` or `almaty_city` picks one)."""
        found = self._index.regions.get(region_id.strip().lower())
        if found is None:
            return resolve_named(
                region_id, self.regions, _("Unknown region '{value}'. Allowed: {allowed}.")
            )
        return found

    def check_time_zone(self, zone_name: str) -> str:
        """`zone_name` if it is an allowed station zone, else a usage error listing them."""
        name = zone_name.strip()
        if name not in self.time_zones:
            raise UsageError(
                _("Time zone '{value}' is not allowed for a station. Allowed: {allowed}.").format(
                    value=zone_name, allowed=", ".join(self.time_zones)
                )
            )
        return name


def _unknown(template: str, value: str, known: Iterable[str]) -> UsageError:
    return UsageError(template.format(value=value, allowed=", ".join(known)))
