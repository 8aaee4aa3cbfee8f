"""The observation catalogue: what an observer records, in three languages, as data.

The catalogue lives in `resources/catalogue/catalogue.json` so that a new legal framework (the
election law changes; rules are versioned by date) is a data update, not a code change. Its ids
are contracts: journals, reports and scripts store `VOT06` or `ballot_stuffing`, so the loader
refuses anything it cannot fully understand and names the exact entry at fault instead of
failing later in the middle of polling day. Nothing is cached globally: callers hold the
`Catalogue` they loaded. The model classes live in `catalogue_model.py` and are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Final

from observer_app.core.catalogue_model import (
    _CHOICE_TYPES,
    _FIELD_ID,
    _ITEM_ID,
    _PHASE_CODE,
    _SNAKE_ID,
    _VOCABULARY_OF_TYPE,
    _ZONE_ID,
    FAMILY_WILDCARD,
    FIXED_VOCABULARIES,
    KNOWN_CONDITIONS,
    LANGUAGES,
    RULE_OPERATORS,
    SUPPORTED_FORMAT_VERSION,
    AnswerType,
    Catalogue,
    CatalogueError,
    ChecklistItem,
    Choice,
    ConsentStateInfo,
    ControlRule,
    IncidentCategory,
    Label,
    Phase,
    ProtocolField,
    Region,
    Term,
    TurnoutDefinition,
)
from observer_app.core.consent import ConsentState, MediaUse, can_person_set
from observer_app.core.timeutil import is_valid_zone
from observer_app.i18n import _
from observer_app.resources import resource_path

__all__ = [
    "FAMILY_WILDCARD",
    "FIXED_VOCABULARIES",
    "KNOWN_CONDITIONS",
    "LANGUAGES",
    "RULE_OPERATORS",
    "SUPPORTED_FORMAT_VERSION",
    "AnswerType",
    "Catalogue",
    "CatalogueError",
    "ChecklistItem",
    "Choice",
    "ConsentStateInfo",
    "ControlRule",
    "IncidentCategory",
    "Label",
    "Phase",
    "ProtocolField",
    "Region",
    "Term",
    "TurnoutDefinition",
    "default_catalogue_path",
    "load_catalogue",
    "parse_catalogue",
]


def default_catalogue_path() -> Path:
    return resource_path("catalogue", "catalogue.json")


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and fully validate a catalogue; the shipped one unless `path` is given."""
    source = path if path is not None else default_catalogue_path()
    try:
        raw_bytes = source.read_bytes()
    except OSError as exc:
        raise CatalogueError(
            _("Cannot read the catalogue {path}: {reason}").format(
                path=source, reason=exc.strerror or exc.__class__.__name__
            )
        ) from None
    try:
        document = json.loads(raw_bytes.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError:
        raise CatalogueError(
            _("The catalogue {path} is not UTF-8 text.").format(path=source)
        ) from None
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            _("The catalogue {path} is not valid JSON (line {line}, column {column}).").format(
                path=source, line=exc.lineno, column=exc.colno
            )
        ) from None
    except _DuplicateKeyError as exc:
        raise CatalogueError(
            _("The catalogue {path} repeats the key '{key}'.").format(path=source, key=exc.key)
        ) from None
    return parse_catalogue(document)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # json keeps the last of repeated keys silently; in a hand-edited file that hides mistakes.
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def parse_catalogue(document: object) -> Catalogue:
    """Validate an already-decoded catalogue document (see `load_catalogue`)."""
    if not isinstance(document, dict):
        raise _fail("catalogue", _("must be an object"))
    # The version comes first: a newer catalogue may be shaped differently, and the user must
    # learn "update the program", not about some key this version does not know.
    _check_format_version(document.get("format_version"))
    top = _object(document, "catalogue", _TOP_REQUIRED, _TOP_OPTIONAL)

    catalogue_version = _string(top, "catalogue_version", "catalogue")
    framework_date = _date(top, "legal_framework_date", "catalogue")
    note = (
        _string(top, "legal_framework_note", "catalogue") if "legal_framework_note" in top else ""
    )

    vocab_doc = _object(top["vocabularies"], "vocabularies", set(FIXED_VOCABULARIES), set())
    vocabularies = {
        name: _fixed_terms(vocab_doc[name], f"vocabularies.{name}", expected)
        for name, expected in FIXED_VOCABULARIES.items()
    }
    time_zones, default_zone = _time_zones(top["time_zones"])
    protocol = _object(top["protocol"], "protocol", {"fields", "rules", "turnout"}, set())
    fields = _protocol_fields(protocol["fields"])
    severities = {term.id for term in vocabularies["severity"]}

    return Catalogue(
        format_version=SUPPORTED_FORMAT_VERSION,
        catalogue_version=catalogue_version,
        legal_framework_date=framework_date,
        legal_framework_note=note,
        phases=_phases(top["phases"], vocabularies),
        yes_no_dk=vocabularies["yes_no_dk"],
        frequencies=vocabularies["frequency"],
        ratings=vocabularies["rating"],
        severities=vocabularies["severity"],
        incident_statuses=vocabularies["incident_status"],
        follow_ups=vocabularies["follow_up"],
        seen=vocabularies["seen"],
        incident_categories=_categories(top["incident_categories"], severities),
        consent_states=_consent_states(top["consent_states"]),
        media_uses=_fixed_terms(
            top["media_uses"], "media_uses", tuple(use.value for use in MediaUse)
        ),
        protocol_fields=fields,
        control_rules=_rules(protocol["rules"], fields),
        turnout=_turnout(protocol["turnout"], fields),
        regions=_regions(top["regions"], time_zones),
        time_zones=time_zones,
        default_time_zone=default_zone,
    )


_TOP_REQUIRED: Final = {
    "format_version",
    "catalogue_version",
    "legal_framework_date",
    "phases",
    "vocabularies",
    "incident_categories",
    "consent_states",
    "media_uses",
    "protocol",
    "regions",
    "time_zones",
}
_TOP_OPTIONAL: Final = {"legal_framework_note"}


def _fail(where: str, problem: str) -> CatalogueError:
    return CatalogueError(
        _("Catalogue entry {where}: {problem}").format(where=where, problem=problem)
    )


def _check_format_version(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail("format_version", _("must be a positive whole number"))
    if value > SUPPORTED_FORMAT_VERSION:
        raise CatalogueError(
            _(
                "The catalogue has format version {found}, newer than this program understands "
                "({supported}). Update Observer Logbook to use it."
            ).format(found=value, supported=SUPPORTED_FORMAT_VERSION)
        )


def _check_keys(obj: dict[str, object], where: str, required: set[str], optional: set[str]) -> None:
    for key in sorted(required):
        if key not in obj:
            raise _fail(where, _("'{key}' is missing").format(key=key))
    for key in obj:
        if key not in required and key not in optional:
            raise _fail(where, _("unknown key '{key}'").format(key=key))


def _object(value: object, where: str, required: set[str], optional: set[str]) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _fail(where, _("must be an object"))
    entry_id = value.get("id")
    _check_keys(
        value, _named(where, entry_id) if isinstance(entry_id, str) else where, required, optional
    )
    return value


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list) or not value:
        raise _fail(where, _("must be a non-empty list"))
    return value


def _string(obj: dict[str, object], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, _("'{key}' must be a non-empty text").format(key=key))
    return value


def _bool(obj: dict[str, object], key: str, where: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise _fail(where, _("'{key}' must be true or false").format(key=key))
    return value


def _date(obj: dict[str, object], key: str, where: str) -> dt.date:
    text = _string(obj, key, where)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(where, _("'{key}' must be a date such as 2022-11-05").format(key=key)) from None


def _identifier(obj: dict[str, object], where: str, pattern: re.Pattern[str]) -> str:
    value = obj.get("id")
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _fail(where, _("'id' is missing or malformed"))
    return value


def _label(value: object, where: str) -> Label:
    if not isinstance(value, dict):
        raise _fail(where, _("'label' must be an object with en, ru and kk texts"))
    texts: dict[str, str] = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if text is None:
            raise _fail(where, _("label '{lang}' is missing").format(lang=lang))
        if not isinstance(text, str) or not text.strip():
            raise _fail(where, _("label '{lang}' is empty").format(lang=lang))
        texts[lang] = text
    for lang in value:
        if lang not in LANGUAGES:
            raise _fail(where, _("label has an unsupported language '{lang}'").format(lang=lang))
    return Label(en=texts["en"], ru=texts["ru"], kk=texts["kk"])


def _claim(seen: set[str], value: str, where: str) -> None:
    if value in seen:
        raise _fail(where, _("the id '{id}' is used twice").format(id=value))
    seen.add(value)


def _named(where: str, entry_id: str) -> str:
    return f"{where} ({entry_id})"


def _terms(value: object, where: str) -> tuple[Term, ...]:
    terms: list[Term] = []
    seen: set[str] = set()
    for position, raw in enumerate(_list(value, where)):
        entry_where = f"{where}[{position}]"
        obj = _object(raw, entry_where, {"id", "label"}, set())
        term_id = _identifier(obj, entry_where, _SNAKE_ID)
        entry_where = _named(entry_where, term_id)
        _claim(seen, term_id, entry_where)
        terms.append(Term(id=term_id, label=_label(obj["label"], entry_where)))
    return tuple(terms)


def _fixed_terms(value: object, where: str, expected: tuple[str, ...]) -> tuple[Term, ...]:
    terms = _terms(value, where)
    found = tuple(term.id for term in terms)
    if found != expected:
        raise _fail(
            where,
            _("the ids must be exactly {expected} in this order").format(
                expected=", ".join(expected)
            ),
        )
    return terms


def _phases(value: object, vocabularies: dict[str, tuple[Term, ...]]) -> tuple[Phase, ...]:
    phases: list[Phase] = []
    phase_ids: set[str] = set()
    codes: set[str] = set()
    item_ids: set[str] = set()
    for position, raw in enumerate(_list(value, "phases")):
        where = f"phases[{position}]"
        obj = _object(raw, where, {"id", "code", "label", "items"}, set())
        phase_id = _identifier(obj, where, _SNAKE_ID)
        where = _named(where, phase_id)
        _claim(phase_ids, phase_id, where)
        code = obj.get("code")
        if not isinstance(code, str) or not _PHASE_CODE.fullmatch(code):
            raise _fail(where, _("'code' must be three capital letters"))
        _claim(codes, code, where)
        items = tuple(
            _item(
                raw_item,
                f"phases[{position}].items[{index}]",
                phase_id,
                code,
                vocabularies,
                item_ids,
            )
            for index, raw_item in enumerate(_list(obj["items"], f"{where}.items"))
        )
        phases.append(Phase(id=phase_id, code=code, label=_label(obj["label"], where), items=items))
    return tuple(phases)


_ITEM_KEYS: Final = {"id", "type", "label"}
_ITEM_OPTIONAL: Final = {"choices", "concern_when", "concern_above"}


def _item(
    raw: object,
    where: str,
    phase_id: str,
    code: str,
    vocabularies: dict[str, tuple[Term, ...]],
    item_ids: set[str],
) -> ChecklistItem:
    obj = _object(raw, where, _ITEM_KEYS, _ITEM_OPTIONAL)
    item_id = _identifier(obj, where, _ITEM_ID)
    where = _named(where, item_id)
    if not item_id.startswith(code):
        raise _fail(where, _("the id must start with the phase code {code}").format(code=code))
    _claim(item_ids, item_id, where)
    label = _label(obj["label"], where)

    type_text = obj.get("type")
    try:
        answer_type = AnswerType(str(type_text))
    except ValueError:
        raise _fail(
            where,
            _("unknown answer type '{type}'; allowed: {allowed}").format(
                type=type_text, allowed=", ".join(t.value for t in AnswerType)
            ),
        ) from None

    choices: tuple[Choice, ...] = ()
    if answer_type in _CHOICE_TYPES:
        if "choices" not in obj:
            raise _fail(where, _("a {type} item needs 'choices'").format(type=answer_type.value))
        choices = _choices(obj["choices"], where, answer_type)
    elif "choices" in obj:
        raise _fail(where, _("a {type} item takes no 'choices'").format(type=answer_type.value))
    elif answer_type in _VOCABULARY_OF_TYPE:
        terms = vocabularies[_VOCABULARY_OF_TYPE[answer_type]]
        choices = tuple(Choice(id=term.id, label=term.label) for term in terms)

    concern_when: frozenset[str] = frozenset()
    if "concern_when" in obj:
        if not choices:
            raise _fail(where, _("'concern_when' needs an item with a fixed set of answers"))
        concern_when = _concern_values(obj["concern_when"], where, {c.id for c in choices})

    concern_above: int | None = None
    if "concern_above" in obj:
        value = obj["concern_above"]
        if answer_type is not AnswerType.INTEGER:
            raise _fail(where, _("'concern_above' is only for integer items"))
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _fail(where, _("'concern_above' must be a whole number, 0 or more"))
        concern_above = value

    return ChecklistItem(
        id=item_id,
        phase=phase_id,
        type=answer_type,
        label=label,
        choices=choices,
        concern_when=concern_when,
        concern_above=concern_above,
    )


def _choices(value: object, where: str, answer_type: AnswerType) -> tuple[Choice, ...]:
    raw_choices = _list(value, f"{where}.choices")
    if len(raw_choices) < 2:
        raise _fail(where, _("a choice item needs at least two choices"))
    choices: list[Choice] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_choices):
        choice_where = f"{where}.choices[{position}]"
        obj = _object(raw, choice_where, {"id", "label"}, {"exclusive"})
        choice_id = _identifier(obj, choice_where, _SNAKE_ID)
        choice_where = _named(choice_where, choice_id)
        _claim(seen, choice_id, choice_where)
        exclusive = _bool(obj, "exclusive", choice_where)
        if exclusive and answer_type is not AnswerType.MULTI_CHOICE:
            raise _fail(choice_where, _("'exclusive' is only for multiple-choice items"))
        choices.append(
            Choice(id=choice_id, label=_label(obj["label"], choice_where), exclusive=exclusive)
        )
    return tuple(choices)


def _concern_values(value: object, where: str, allowed: set[str]) -> frozenset[str]:
    values = _list(value, f"{where}.concern_when")
    for entry in values:
        if not isinstance(entry, str) or entry not in allowed:
            raise _fail(
                where,
                _("'concern_when' names '{value}', which is not an answer of this item").format(
                    value=entry
                ),
            )
    return frozenset(str(entry) for entry in values)


def _categories(value: object, severities: set[str]) -> tuple[IncidentCategory, ...]:
    categories: list[IncidentCategory] = []
    seen: set[str] = set()
    for position, raw in enumerate(_list(value, "incident_categories")):
        where = f"incident_categories[{position}]"
        obj = _object(raw, where, {"id", "label", "default_severity"}, set())
        category_id = _identifier(obj, where, _SNAKE_ID)
        where = _named(where, category_id)
        _claim(seen, category_id, where)
        severity = obj.get("default_severity")
        if not isinstance(severity, str) or severity not in severities:
            raise _fail(
                where,
                _("'default_severity' must be one of {allowed}").format(
                    allowed=", ".join(FIXED_VOCABULARIES["severity"])
                ),
            )
        categories.append(
            IncidentCategory(
                id=category_id, label=_label(obj["label"], where), default_severity=severity
            )
        )
    return tuple(categories)


def _consent_states(value: object) -> tuple[ConsentStateInfo, ...]:
    expected = tuple(state.value for state in ConsentState)
    states: list[ConsentStateInfo] = []
    seen: set[str] = set()
    for position, raw in enumerate(_list(value, "consent_states")):
        where = f"consent_states[{position}]"
        obj = _object(raw, where, {"id", "label", "system_only"}, set())
        state_id = _identifier(obj, where, _SNAKE_ID)
        where = _named(where, state_id)
        _claim(seen, state_id, where)
        if state_id not in expected:
            raise _fail(
                where,
                _("unknown consent state; allowed: {allowed}").format(allowed=", ".join(expected)),
            )
        system_only = _bool(obj, "system_only", where)
        # The rule is code (core.consent); the data must not contradict it.
        if system_only == can_person_set(ConsentState(state_id)):
            raise _fail(where, _("'system_only' contradicts the consent rules"))
        states.append(
            ConsentStateInfo(
                id=state_id, label=_label(obj["label"], where), system_only=system_only
            )
        )
    missing = [state for state in expected if state not in seen]
    if missing:
        raise _fail(
            "consent_states",
            _("missing states: {missing}").format(missing=", ".join(missing)),
        )
    return tuple(states)


def _protocol_fields(value: object) -> tuple[ProtocolField, ...]:
    fields: list[ProtocolField] = []
    seen: set[str] = set()
    for position, raw in enumerate(_list(value, "protocol.fields")):
        where = f"protocol.fields[{position}]"
        obj = _object(raw, where, {"id", "label"}, {"family", "requires"})
        field_id = _identifier(obj, where, _FIELD_ID)
        where = _named(where, field_id)
        _claim(seen, field_id, where)
        requires = obj.get("requires")
        if requires is not None and requires not in KNOWN_CONDITIONS:
            raise _fail(
                where,
                _("'requires' must be one of {allowed}").format(
                    allowed=", ".join(sorted(KNOWN_CONDITIONS))
                ),
            )
        fields.append(
            ProtocolField(
                id=field_id,
                label=_label(obj["label"], where),
                family=_bool(obj, "family", where),
                requires=requires if isinstance(requires, str) else None,
            )
        )
    return tuple(fields)


def _field_terms(value: object, where: str, fields: tuple[ProtocolField, ...]) -> tuple[str, ...]:
    by_id = {f.id: f for f in fields}
    terms: list[str] = []
    for entry in _list(value, where):
        if not isinstance(entry, str):
            raise _fail(where, _("field names must be texts"))
        if entry.endswith(FAMILY_WILDCARD):
            known = by_id.get(entry[: -len(FAMILY_WILDCARD)])
            if known is None or not known.family:
                raise _fail(where, _("unknown protocol field '{field}'").format(field=entry))
        else:
            known = by_id.get(entry)
            if known is None:
                raise _fail(where, _("unknown protocol field '{field}'").format(field=entry))
            if known.family:
                raise _fail(
                    where,
                    _("'{field}' exists per candidate: write '{field}[*]'").format(field=entry),
                )
        if entry in terms:
            raise _fail(where, _("'{field}' is listed twice").format(field=entry))
        terms.append(entry)
    return tuple(terms)


def _rules(value: object, fields: tuple[ProtocolField, ...]) -> tuple[ControlRule, ...]:
    rules: list[ControlRule] = []
    seen: set[str] = set()
    for position, raw in enumerate(_list(value, "protocol.rules")):
        where = f"protocol.rules[{position}]"
        obj = _object(raw, where, {"id", "label", "lhs", "op", "rhs"}, set())
        rule_id = _identifier(obj, where, _SNAKE_ID)
        where = _named(where, rule_id)
        _claim(seen, rule_id, where)
        op = obj.get("op")
        if op not in RULE_OPERATORS:
            raise _fail(
                where, _("'op' must be one of {allowed}").format(allowed=", ".join(RULE_OPERATORS))
            )
        rules.append(
            ControlRule(
                id=rule_id,
                label=_label(obj["label"], where),
                lhs=_field_terms(obj["lhs"], f"{where}.lhs", fields),
                op=str(op),
                rhs=_field_terms(obj["rhs"], f"{where}.rhs", fields),
            )
        )
    return tuple(rules)


def _turnout(value: object, fields: tuple[ProtocolField, ...]) -> TurnoutDefinition:
    obj = _object(value, "protocol.turnout", {"numerator", "denominator"}, set())
    return TurnoutDefinition(
        numerator=_field_terms(obj["numerator"], "protocol.turnout.numerator", fields),
        denominator=_field_terms(obj["denominator"], "protocol.turnout.denominator", fields),
    )


def _time_zones(value: object) -> tuple[tuple[str, ...], str]:
    obj = _object(value, "time_zones", {"default", "allowed"}, set())
    zones: list[str] = []
    for position, entry in enumerate(_list(obj["allowed"], "time_zones.allowed")):
        where = f"time_zones.allowed[{position}]"
        if not isinstance(entry, str) or not _ZONE_ID.fullmatch(entry) or not is_valid_zone(entry):
            raise _fail(where, _("'{zone}' is not a known IANA time zone").format(zone=entry))
        if entry in zones:
            raise _fail(where, _("the zone '{zone}' is listed twice").format(zone=entry))
        zones.append(entry)
    default = obj["default"]
    if not isinstance(default, str) or default not in zones:
        raise _fail("time_zones.default", _("must be one of the allowed zones"))
    return tuple(zones), default


def _regions(value: object, zones: tuple[str, ...]) -> tuple[Region, ...]:
    regions: list[Region] = []
    seen: set[str] = set()
    for position, raw in enumerate(_list(value, "regions")):
        where = f"regions[{position}]"
        obj = _object(raw, where, {"id", "label", "kind", "zone"}, set())
        region_id = _identifier(obj, where, _SNAKE_ID)
        where = _named(where, region_id)
        _claim(seen, region_id, where)
        kind = obj.get("kind")
        if kind not in ("region", "city"):
            raise _fail(where, _("'kind' must be region or city"))
        zone = obj.get("zone")
        if not isinstance(zone, str) or zone not in zones:
            raise _fail(where, _("'zone' must be one of the allowed time zones"))
        regions.append(
            Region(id=region_id, label=_label(obj["label"], where), kind=str(kind), zone=zone)
        )
    return tuple(regions)
