"""Checklist answers: turning what an observer typed into a value the journal can keep.

Answers are normalised once, at the edge, so that the journal, reports and statistics never see
"Yes", " 7:05" or "police,Police" and never have to guess. Error messages list the allowed
values but never repeat what was typed: in a text-like field that could be observation text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from observer_app.core.catalogue import AnswerType, ChecklistItem
from observer_app.core.vocabulary import find_named, named_list
from observer_app.errors import UsageError
from observer_app.i18n import _

# str for enumerated, time and text answers; int for integers; a tuple of choice ids (in
# catalogue order) for multiple choice.
AnswerValue = str | int | tuple[str, ...]
# The JSON form stored in journal events (a tuple becomes a list).
AnswerJson = str | int | list[str]

# A sanity bound, not a rule of the law: no polling-station count reaches it, a typo might.
MAX_INTEGER: Final = 999_999_999
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_TIME_OF_DAY = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?", re.ASCII)
_ENUMERATED: Final = frozenset(
    {
        AnswerType.YES_NO_DK,
        AnswerType.FREQUENCY,
        AnswerType.RATING,
        AnswerType.SINGLE_CHOICE,
    }
)


def normalize_answer(item: ChecklistItem, raw: str) -> AnswerValue:
    """Validate `raw` against the item's answer type and return its normal form."""
    text = raw.strip()
    if item.type in _ENUMERATED:
        return _one_of(item, text)
    if item.type is AnswerType.MULTI_CHOICE:
        return _many_of(item, text)
    if item.type is AnswerType.INTEGER:
        return _integer(item, text)
    if item.type is AnswerType.TIME:
        return _time(item, text)
    if not text:
        raise UsageError(_("The answer to {item} must not be empty.").format(item=item.id))
    return text


def _allowed(item: ChecklistItem) -> str:
    return named_list(item.choices)


def _choice_id(item: ChecklistItem, text: str) -> str | None:
    """The choice `text` names (its id, or its name in ru, kk or en, any case), if exactly one."""
    if text.lower() in item.choice_ids:
        return text.lower()
    found = find_named(text, item.choices)
    if len(found) > 1:
        raise UsageError(
            _("The answer to {item} could mean several choices: {choices}.").format(
                item=item.id, choices=named_list(found)
            )
        )
    return found[0].id if found else None


def _one_of(item: ChecklistItem, text: str) -> str:
    value = _choice_id(item, text)
    if value is None:
        raise UsageError(
            _("The answer to {item} must be one of: {allowed}.").format(
                item=item.id, allowed=_allowed(item)
            )
        )
    return value


def _many_of(item: ChecklistItem, text: str) -> tuple[str, ...]:
    found = [_choice_id(item, part.strip()) for part in text.split(",")]
    parts = [part for part in found if part is not None]
    if not text or len(parts) != len(found):
        raise UsageError(
            _(
                "The answer to {item} must be one or more of: {allowed} (separated by commas)."
            ).format(item=item.id, allowed=_allowed(item))
        )
    chosen = set(parts)
    exclusive = [c.id for c in item.choices if c.exclusive and c.id in chosen]
    if exclusive and len(chosen) > 1:
        raise UsageError(
            _("In the answer to {item}, '{choice}' cannot be combined with other choices.").format(
                item=item.id, choice=exclusive[0]
            )
        )
    # Catalogue order, duplicates dropped: equal selections compare and display equally.
    return tuple(choice_id for choice_id in item.choice_ids if choice_id in chosen)


def _integer(item: ChecklistItem, text: str) -> int:
    # Not int(): it accepts "+5", "1_000" and non-ASCII digits.
    if not _DIGITS.fullmatch(text) or int(text) > MAX_INTEGER:
        raise UsageError(
            _("The answer to {item} must be a whole number from 0 to {maximum}.").format(
                item=item.id, maximum=MAX_INTEGER
            )
        )
    return int(text)


def _time(item: ChecklistItem, text: str) -> str:
    """`HH:MM` (local time of day, kept local) or an ISO 8601 date and time (kept as given)."""
    match = _TIME_OF_DAY.fullmatch(text)
    if match:
        hour, minute = int(match[1]), int(match[2])
        second = int(match[3]) if match[3] is not None else None
        if hour < 24 and minute < 60 and (second is None or second < 60):
            if second is None:
                return f"{hour:02d}:{minute:02d}"
            return f"{hour:02d}:{minute:02d}:{second:02d}"
    elif _has_time_part(text):
        try:
            dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return text
    raise UsageError(
        _(
            "The answer to {item} must be a time such as 07:30 or an ISO date and time such as "
            "2026-03-15T07:30."
        ).format(item=item.id)
    )


def _has_time_part(text: str) -> bool:
    # fromisoformat also accepts a bare date, which is not a time.
    return len(text) > 10 and text[10] in "Tt "


def answer_to_json(value: AnswerValue) -> AnswerJson:
    """The JSON form of a normalised answer, for journal events."""
    if isinstance(value, tuple):
        return list(value)
    return value


def answer_from_json(item: ChecklistItem, data: object) -> AnswerValue:
    """Re-validate a stored answer against the (possibly newer) catalogue item."""
    if isinstance(data, list) and item.type is AnswerType.MULTI_CHOICE:
        if not all(isinstance(part, str) for part in data):
            raise UsageError(_("The stored answer to {item} is malformed.").format(item=item.id))
        return normalize_answer(item, ",".join(str(part) for part in data))
    if isinstance(data, bool) or not isinstance(data, str | int):
        raise UsageError(_("The stored answer to {item} is malformed.").format(item=item.id))
    if isinstance(data, int) != (item.type is AnswerType.INTEGER):
        raise UsageError(_("The stored answer to {item} is malformed.").format(item=item.id))
    return normalize_answer(item, str(data))


def is_concern(item: ChecklistItem, value: AnswerValue) -> bool:
    """Whether the answer signals a problem (for highlighting in lists and reports)."""
    if isinstance(value, int):
        return item.concern_above is not None and value > item.concern_above
    if isinstance(value, tuple):
        return any(choice_id in item.concern_when for choice_id in value)
    return value in item.concern_when


def format_answer(item: ChecklistItem, value: AnswerValue, lang: str) -> str:
    """The answer as shown to a reader of `lang`: choice labels, numbers and times as they are."""
    if isinstance(value, tuple):
        return ", ".join(_choice_label(item, choice_id, lang) for choice_id in value)
    if isinstance(value, int):
        return str(value)
    if item.choices:
        return _choice_label(item, value, lang)
    return value


def _choice_label(item: ChecklistItem, choice_id: str, lang: str) -> str:
    choice = item.choice(choice_id)
    return choice.label.get(lang) if choice is not None else choice_id
