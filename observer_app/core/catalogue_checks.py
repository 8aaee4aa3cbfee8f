"""The catalogue loader's primitive checks: one value of the expected shape, or a named error.

Every section parser needs the same few checks (an object with exactly these keys, a non-empty
list, a text, an id of the right form, a label in all three languages, an id not used twice), and
every one must name the entry at fault in the same way (`phases[2] (voting)`), so that a wrong
hand edit is found at once. Keeping them in one place keeps the wording of those messages one.
"""

from __future__ import annotations

import datetime as dt
import re

from observer_app.core.catalogue_model import LANGUAGES, CatalogueError, Label
from observer_app.i18n import _


def fail(where: str, problem: str) -> CatalogueError:
    return CatalogueError(
        _("Catalogue entry {where}: {problem}").format(where=where, problem=problem)
    )


def check_keys(obj: dict[str, object], where: str, required: set[str], optional: set[str]) -> None:
    for key in sorted(required):
        if key not in obj:
            raise fail(where, _("'{key}' is missing").format(key=key))
    for key in obj:
        if key not in required and key not in optional:
            raise fail(where, _("unknown key '{key}'").format(key=key))


def entry_object(
    value: object, where: str, required: set[str], optional: set[str]
) -> dict[str, object]:
    if not isinstance(value, dict):
        raise fail(where, _("must be an object"))
    entry_id = value.get("id")
    check_keys(
        value, named(where, entry_id) if isinstance(entry_id, str) else where, required, optional
    )
    return value


def entry_list(value: object, where: str) -> list[object]:
    if not isinstance(value, list) or not value:
        raise fail(where, _("must be a non-empty list"))
    return value


def string_field(obj: dict[str, object], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise fail(where, _("'{key}' must be a non-empty text").format(key=key))
    return value


def bool_field(obj: dict[str, object], key: str, where: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise fail(where, _("'{key}' must be true or false").format(key=key))
    return value


def date_field(obj: dict[str, object], key: str, where: str) -> dt.date:
    text = string_field(obj, key, where)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(where, _("'{key}' must be a date such as 2022-11-05").format(key=key)) from None


def identifier_field(obj: dict[str, object], where: str, pattern: re.Pattern[str]) -> str:
    value = obj.get("id")
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise fail(where, _("'id' is missing or malformed"))
    return value


def parse_label(value: object, where: str) -> Label:
    if not isinstance(value, dict):
        raise fail(where, _("'label' must be an object with en, ru and kk texts"))
    texts: dict[str, str] = {}
    for lang in LANGUAGES:
        text = value.get(lang)
        if text is None:
            raise fail(where, _("label '{lang}' is missing").format(lang=lang))
        if not isinstance(text, str) or not text.strip():
            raise fail(where, _("label '{lang}' is empty").format(lang=lang))
        texts[lang] = text
    for lang in value:
        if lang not in LANGUAGES:
            raise fail(where, _("label has an unsupported language '{lang}'").format(lang=lang))
    return Label(en=texts["en"], ru=texts["ru"], kk=texts["kk"])


def claim_id(seen: set[str], value: str, where: str) -> None:
    if value in seen:
        raise fail(where, _("the id '{id}' is used twice").format(id=value))
    seen.add(value)


def named(where: str, entry_id: str) -> str:
    return f"{where} ({entry_id})"
