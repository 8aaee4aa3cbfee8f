"""The catalogue's checklist: phases, their items, the items' choices and concern rules.

Item ids (`VOT06`) are stored in journals and printed in reports, so an item must start with its
phase code, be unique across all phases, and have exactly the answers its type allows; an item
whose answers come from a shared vocabulary gets that vocabulary's terms as its choices here, so
that the rest of the program never looks them up again. The largest section, hence its own module.
"""

from __future__ import annotations

from typing import Final

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
    CHOICE_TYPES,
    ITEM_ID,
    PHASE_CODE,
    SNAKE_ID,
    VOCABULARY_OF_TYPE,
    AnswerType,
    ChecklistItem,
    Choice,
    Phase,
    Term,
)
from observer_app.i18n import _


def parse_phases(value: object, vocabularies: dict[str, tuple[Term, ...]]) -> tuple[Phase, ...]:
    phases: list[Phase] = []
    phase_ids: set[str] = set()
    codes: set[str] = set()
    item_ids: set[str] = set()
    for position, raw in enumerate(entry_list(value, "phases")):
        where = f"phases[{position}]"
        obj = entry_object(raw, where, {"id", "code", "label", "items"}, set())
        phase_id = identifier_field(obj, where, SNAKE_ID)
        where = named(where, phase_id)
        claim_id(phase_ids, phase_id, where)
        code = obj.get("code")
        if not isinstance(code, str) or not PHASE_CODE.fullmatch(code):
            raise fail(where, _("'code' must be three capital letters"))
        claim_id(codes, code, where)
        items = tuple(
            _item(
                raw_item,
                f"phases[{position}].items[{index}]",
                phase_id,
                code,
                vocabularies,
                item_ids,
            )
            for index, raw_item in enumerate(entry_list(obj["items"], f"{where}.items"))
        )
        phases.append(
            Phase(id=phase_id, code=code, label=parse_label(obj["label"], where), items=items)
        )
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
    obj = entry_object(raw, where, _ITEM_KEYS, _ITEM_OPTIONAL)
    item_id = identifier_field(obj, where, ITEM_ID)
    where = named(where, item_id)
    if not item_id.startswith(code):
        raise fail(where, _("the id must start with the phase code {code}").format(code=code))
    claim_id(item_ids, item_id, where)
    label = parse_label(obj["label"], where)

    type_text = obj.get("type")
    try:
        answer_type = AnswerType(str(type_text))
    except ValueError:
        raise fail(
            where,
            _("unknown answer type '{type}'; allowed: {allowed}").format(
                type=type_text, allowed=", ".join(t.value for t in AnswerType)
            ),
        ) from None

    choices: tuple[Choice, ...] = ()
    if answer_type in CHOICE_TYPES:
        if "choices" not in obj:
            raise fail(where, _("a {type} item needs 'choices'").format(type=answer_type.value))
        choices = _choices(obj["choices"], where, answer_type)
    elif "choices" in obj:
        raise fail(where, _("a {type} item takes no 'choices'").format(type=answer_type.value))
    elif answer_type in VOCABULARY_OF_TYPE:
        terms = vocabularies[VOCABULARY_OF_TYPE[answer_type]]
        choices = tuple(Choice(id=term.id, label=term.label) for term in terms)

    concern_when: frozenset[str] = frozenset()
    if "concern_when" in obj:
        if not choices:
            raise fail(where, _("'concern_when' needs an item with a fixed set of answers"))
        concern_when = _concern_values(obj["concern_when"], where, {c.id for c in choices})

    concern_above: int | None = None
    if "concern_above" in obj:
        value = obj["concern_above"]
        if answer_type is not AnswerType.INTEGER:
            raise fail(where, _("'concern_above' is only for integer items"))
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise fail(where, _("'concern_above' must be a whole number, 0 or more"))
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
    raw_choices = entry_list(value, f"{where}.choices")
    if len(raw_choices) < 2:
        raise fail(where, _("a choice item needs at least two choices"))
    choices: list[Choice] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_choices):
        choice_where = f"{where}.choices[{position}]"
        obj = entry_object(raw, choice_where, {"id", "label"}, {"exclusive"})
        choice_id = identifier_field(obj, choice_where, SNAKE_ID)
        choice_where = named(choice_where, choice_id)
        claim_id(seen, choice_id, choice_where)
        exclusive = bool_field(obj, "exclusive", choice_where)
        if exclusive and answer_type is not AnswerType.MULTI_CHOICE:
            raise fail(choice_where, _("'exclusive' is only for multiple-choice items"))
        choices.append(
            Choice(id=choice_id, label=parse_label(obj["label"], choice_where), exclusive=exclusive)
        )
    return tuple(choices)


def _concern_values(value: object, where: str, allowed: set[str]) -> frozenset[str]:
    values = entry_list(value, f"{where}.concern_when")
    for entry in values:
        if not isinstance(entry, str) or entry not in allowed:
            raise fail(
                where,
                _("'concern_when' names '{value}', which is not an answer of this item").format(
                    value=entry
                ),
            )
    return frozenset(str(entry) for entry in values)
