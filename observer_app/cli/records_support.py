"""Small helpers shared by the polling-day record commands (catalogue, labels, times)."""

from __future__ import annotations

from observer_app.core.catalogue import Catalogue, Label, load_catalogue
from observer_app.i18n import current_language
from observer_app.logbook.localtime import format_local


def catalogue() -> Catalogue:
    """The shipped catalogue, loaded and validated for this command (~ms; not cached)."""
    return load_catalogue()


def label(text: Label) -> str:
    return text.get(current_language())


def local(utc_text: str | None, zone: str) -> str:
    return format_local(utc_text, zone) if utc_text is not None else "-"


def short_id(full_id: str) -> str:
    """The first 13 characters (8 + the first hyphenated group): unique in practice, typeable."""
    return full_id[:13]
