"""Vocabulary entries as people type them: by id or by name, in any of the three languages.

An observer types `да`, `иә`, `Критическая` or `сыни` rather than `yes` or `critical`; the
window offers the same names. The stored value is always the entry's id (a contract), so this
is the one place where a typed word becomes an id, for every vocabulary of the catalogue
(answers, choices, frequencies, ratings, severities, seen, statuses, consent states, categories,
regions). Matching ignores case, `ё`/`е` and punctuation; an exact id or name wins, then an
entry whose name contains every typed word (`лично` finds "Видел(а) лично"). Several entries at
the best level are ambiguous: the caller lists them rather than guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from observer_app.errors import UsageError
from observer_app.i18n import _, current_language

if TYPE_CHECKING:  # catalogue_model imports this module: no import cycle at run time
    from observer_app.core.catalogue_model import Label

_WORD = re.compile(r"\w+")


class Named(Protocol):
    """Anything with an id and a label in three languages (terms, choices, categories...)."""

    @property
    def id(self) -> str: ...

    @property
    def label(self) -> Label: ...


T = TypeVar("T", bound=Named)


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").split())


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(_fold(text)))


def _names(entry: Named) -> tuple[str, ...]:
    return tuple(entry.label.as_dict().values())


def find_named(typed: str, entries: Iterable[T]) -> list[T]:
    """The entries `typed` names: one, several (ambiguous) or none; in catalogue order."""
    candidates = list(entries)
    wanted = _fold(typed)
    if not wanted:
        return []
    exact = [e for e in candidates if wanted in (_fold(e.id), *(_fold(n) for n in _names(e)))]
    if exact:
        return exact
    typed_words = _words(typed)
    if not typed_words:
        return []
    return [
        e
        for e in candidates
        if any(set(typed_words) <= set(_words(name)) for name in _names(e))
        or _words(e.id.replace("_", " ")) == typed_words
    ]


def named_list(entries: Iterable[Named], language: str | None = None) -> str:
    """`yes (Да), no (Нет)`: ids with their names in the UI language, for error messages."""
    lang = language or current_language()
    return ", ".join(f"{e.id} ({e.label.get(lang)})" for e in entries)


def ambiguous_error(typed: str, found: Iterable[Named]) -> UsageError:
    """Several entries match what was typed: list them with their names, guess none."""
    return UsageError(
        _("'{value}' could mean several entries: {choices}. Type one of these ids.").format(
            value=typed, choices=named_list(found)
        )
    )


def resolve_named(typed: str, entries: Sequence[T], unknown: str) -> T:
    """The one entry `typed` names; else a usage error: `unknown` (a template with `{value}`
    and `{allowed}`) listing every entry with its name, or the ambiguous entries."""
    found = find_named(typed, entries)
    if len(found) == 1:
        return found[0]
    if found:
        raise ambiguous_error(typed, found)
    raise UsageError(unknown.format(value=typed, allowed=named_list(entries)))
