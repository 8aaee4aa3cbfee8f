"""Translation of user-facing text (gettext) and the choice of the UI language.

One active translation per process, chosen at start-up from `--ui-lang`, `OBSERVER_LANG` or the
system locale. Strings are looked up at call time, so services pick up the language the shell set.
Reports in another language use `translator_for(lang)` explicitly instead of the UI language.
"""

from __future__ import annotations

import gettext
import locale
import os

from observer_app.resources import resource_path

DOMAIN = "observer_app"
SUPPORTED_LANGUAGES = ("en", "ru", "kk")

_active: gettext.NullTranslations = gettext.NullTranslations()
_active_language = "en"


def translator_for(language: str) -> gettext.NullTranslations:
    """A translation object for one language; English (the source language) needs none."""
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    if language == "en":
        return gettext.NullTranslations()
    locale_dir = resource_path("locale")
    return gettext.translation(
        DOMAIN, localedir=str(locale_dir), languages=[language], fallback=True
    )


def detect_language(explicit: str | None = None) -> str:
    """Pick the UI language: explicit choice, then OBSERVER_LANG, then the system locale."""
    for candidate in (explicit, os.environ.get("OBSERVER_LANG")):
        if candidate:
            code = candidate.split("_")[0].split(".")[0].lower()
            if code in SUPPORTED_LANGUAGES:
                return code
    try:
        system = locale.getlocale()[0] or os.environ.get("LANG", "")
    except ValueError:
        system = os.environ.get("LANG", "")
    code = (system or "").split("_")[0].split(".")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else "en"


def set_language(language: str) -> None:
    """Make `language` the UI language of this process."""
    global _active, _active_language
    _active = translator_for(language)
    _active_language = language


def current_language() -> str:
    return _active_language


def _(message: str) -> str:
    """Translate `message` into the UI language."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translated where shown)."""
    return message
