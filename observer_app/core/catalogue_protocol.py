"""The catalogue's protocol section: the result protocol's fields, control rules and turnout.

The control rules and the turnout are arithmetic over field names (`Received`, `Votes[*]` for a
field that exists once per candidate), evaluated by `core.protocol` on polling night; every name
is checked here against the declared fields, so that a typo in the data is refused at load time
rather than silently comparing against nothing.
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
    FAMILY_WILDCARD,
    FIELD_ID,
    KNOWN_CONDITIONS,
    RULE_OPERATORS,
    SNAKE_ID,
    ControlRule,
    ProtocolField,
    TurnoutDefinition,
)
from observer_app.i18n import _


def parse_protocol_fields(value: object) -> tuple[ProtocolField, ...]:
    fields: list[ProtocolField] = []
    seen: set[str] = set()
    for position, raw in enumerate(entry_list(value, "protocol.fields")):
        where = f"protocol.fields[{position}]"
        obj = entry_object(raw, where, {"id", "label"}, {"family", "requires"})
        field_id = identifier_field(obj, where, FIELD_ID)
        where = named(where, field_id)
        claim_id(seen, field_id, where)
        requires = obj.get("requires")
        if requires is not None and requires not in KNOWN_CONDITIONS:
            raise fail(
                where,
                _("'requires' must be one of {allowed}").format(
                    allowed=", ".join(sorted(KNOWN_CONDITIONS))
                ),
            )
        fields.append(
            ProtocolField(
                id=field_id,
                label=parse_label(obj["label"], where),
                family=bool_field(obj, "family", where),
                requires=requires if isinstance(requires, str) else None,
            )
        )
    return tuple(fields)


def _field_terms(value: object, where: str, fields: tuple[ProtocolField, ...]) -> tuple[str, ...]:
    by_id = {f.id: f for f in fields}
    terms: list[str] = []
    for entry in entry_list(value, where):
        if not isinstance(entry, str):
            raise fail(where, _("field names must be texts"))
        if entry.endswith(FAMILY_WILDCARD):
            known = by_id.get(entry[: -len(FAMILY_WILDCARD)])
            if known is None or not known.family:
                raise fail(where, _("unknown protocol field '{field}'").format(field=entry))
        else:
            known = by_id.get(entry)
            if known is None:
                raise fail(where, _("unknown protocol field '{field}'").format(field=entry))
            if known.family:
                raise fail(
                    where,
                    _("'{field}' exists per candidate: write '{field}[*]'").format(field=entry),
                )
        if entry in terms:
            raise fail(where, _("'{field}' is listed twice").format(field=entry))
        terms.append(entry)
    return tuple(terms)


def parse_rules(value: object, fields: tuple[ProtocolField, ...]) -> tuple[ControlRule, ...]:
    rules: list[ControlRule] = []
    seen: set[str] = set()
    for position, raw in enumerate(entry_list(value, "protocol.rules")):
        where = f"protocol.rules[{position}]"
        obj = entry_object(raw, where, {"id", "label", "lhs", "op", "rhs"}, set())
        rule_id = identifier_field(obj, where, SNAKE_ID)
        where = named(where, rule_id)
        claim_id(seen, rule_id, where)
        op = obj.get("op")
        if op not in RULE_OPERATORS:
            raise fail(
                where, _("'op' must be one of {allowed}").format(allowed=", ".join(RULE_OPERATORS))
            )
        rules.append(
            ControlRule(
                id=rule_id,
                label=parse_label(obj["label"], where),
                lhs=_field_terms(obj["lhs"], f"{where}.lhs", fields),
                op=str(op),
                rhs=_field_terms(obj["rhs"], f"{where}.rhs", fields),
            )
        )
    return tuple(rules)


def parse_turnout(value: object, fields: tuple[ProtocolField, ...]) -> TurnoutDefinition:
    obj = entry_object(value, "protocol.turnout", {"numerator", "denominator"}, set())
    return TurnoutDefinition(
        numerator=_field_terms(obj["numerator"], "protocol.turnout.numerator", fields),
        denominator=_field_terms(obj["denominator"], "protocol.turnout.denominator", fields),
    )
