"""The catalogue's smaller sections: vocabularies, incident categories, consent states, places.

Each is a list of labelled ids; some of those ids are fixed by the code (vocabularies, media uses,
consent states), because the program and the command line rely on them, and the data may only
supply their labels. Time zones and regions are checked together, since every region must name one
of the allowed zones.
"""

from __future__ import annotations

from observer_app.core.catalogue_checks import (
    bool_field,
    claim_id,
    entry_list,
    entry_object,
    fail,
    identifier_field,
    named,
    parse_label,
)
from observer_app.core.catalogue_model import (
    FIXED_VOCABULARIES,
    SNAKE_ID,
    ZONE_ID,
    ConsentStateInfo,
    IncidentCategory,
    Region,
    Term,
)
from observer_app.core.consent import ConsentState, can_person_set
from observer_app.core.timeutil import is_valid_zone
from observer_app.i18n import _


def _terms(value: object, where: str) -> tuple[Term, ...]:
    terms: list[Term] = []
    seen: set[str] = set()
    for position, raw in enumerate(entry_list(value, where)):
        entry_where = f"{where}[{position}]"
        obj = entry_object(raw, entry_where, {"id", "label"}, set())
        term_id = identifier_field(obj, entry_where, SNAKE_ID)
        entry_where = named(entry_where, term_id)
        claim_id(seen, term_id, entry_where)
        terms.append(Term(id=term_id, label=parse_label(obj["label"], entry_where)))
    return tuple(terms)


def fixed_terms(value: object, where: str, expected: tuple[str, ...]) -> tuple[Term, ...]:
    terms = _terms(value, where)
    found = tuple(term.id for term in terms)
    if found != expected:
        raise fail(
            where,
            _("the ids must be exactly {expected} in this order").format(
                expected=", ".join(expected)
            ),
        )
    return terms


def parse_categories(value: object, severities: set[str]) -> tuple[IncidentCategory, ...]:
    categories: list[IncidentCategory] = []
    seen: set[str] = set()
    for position, raw in enumerate(entry_list(value, "incident_categories")):
        where = f"incident_categories[{position}]"
        obj = entry_object(raw, where, {"id", "label", "default_severity"}, set())
        category_id = identifier_field(obj, where, SNAKE_ID)
        where = named(where, category_id)
        claim_id(seen, category_id, where)
        severity = obj.get("default_severity")
        if not isinstance(severity, str) or severity not in severities:
            raise fail(
                where,
                _("'default_severity' must be one of {allowed}").format(
                    allowed=", ".join(FIXED_VOCABULARIES["severity"])
                ),
            )
        categories.append(
            IncidentCategory(
                id=category_id, label=parse_label(obj["label"], where), default_severity=severity
            )
        )
    return tuple(categories)


def parse_consent_states(value: object) -> tuple[ConsentStateInfo, ...]:
    expected = tuple(state.value for state in ConsentState)
    states: list[ConsentStateInfo] = []
    seen: set[str] = set()
    for position, raw in enumerate(entry_list(value, "consent_states")):
        where = f"consent_states[{position}]"
        obj = entry_object(raw, where, {"id", "label", "system_only"}, set())
        state_id = identifier_field(obj, where, SNAKE_ID)
        where = named(where, state_id)
        claim_id(seen, state_id, where)
        if state_id not in expected:
            raise fail(
                where,
                _("unknown consent state; allowed: {allowed}").format(allowed=", ".join(expected)),
            )
        system_only = bool_field(obj, "system_only", where)
        # The rule is code (core.consent); the data must not contradict it.
        if system_only == can_person_set(ConsentState(state_id)):
            raise fail(where, _("'system_only' contradicts the consent rules"))
        states.append(
            ConsentStateInfo(
                id=state_id, label=parse_label(obj["label"], where), system_only=system_only
            )
        )
    missing = [state for state in expected if state not in seen]
    if missing:
        raise fail(
            "consent_states",
            _("missing states: {missing}").format(missing=", ".join(missing)),
        )
    return tuple(states)


def parse_time_zones(value: object) -> tuple[tuple[str, ...], str]:
    obj = entry_object(value, "time_zones", {"default", "allowed"}, set())
    zones: list[str] = []
    for position, entry in enumerate(entry_list(obj["allowed"], "time_zones.allowed")):
        where = f"time_zones.allowed[{position}]"
        if not isinstance(entry, str) or not ZONE_ID.fullmatch(entry) or not is_valid_zone(entry):
            raise fail(where, _("'{zone}' is not a known IANA time zone").format(zone=entry))
        if entry in zones:
            raise fail(where, _("the zone '{zone}' is listed twice").format(zone=entry))
        zones.append(entry)
    default = obj["default"]
    if not isinstance(default, str) or default not in zones:
        raise fail("time_zones.default", _("must be one of the allowed zones"))
    return tuple(zones), default


def parse_regions(value: object, zones: tuple[str, ...]) -> tuple[Region, ...]:
    regions: list[Region] = []
    seen: set[str] = set()
    for position, raw in enumerate(entry_list(value, "regions")):
        where = f"regions[{position}]"
        obj = entry_object(raw, where, {"id", "label", "kind", "zone"}, set())
        region_id = identifier_field(obj, where, SNAKE_ID)
        where = named(where, region_id)
        claim_id(seen, region_id, where)
        kind = obj.get("kind")
        if kind not in ("region", "city"):
            raise fail(where, _("'kind' must be region or city"))
        zone = obj.get("zone")
        if not isinstance(zone, str) or zone not in zones:
            raise fail(where, _("'zone' must be one of the allowed time zones"))
        regions.append(
            Region(id=region_id, label=parse_label(obj["label"], where), kind=str(kind), zone=zone)
        )
    return tuple(regions)
