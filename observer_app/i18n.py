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


def _language_code(setting: str) -> str | None:
    """`ru` for `ru_KZ.UTF-8`, `kk` for `kk-KZ`; None for `C`, `POSIX` or an unsupported one."""
    code = setting.replace("-", "_").split("_")[0].split(".")[0].split("@")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else None


# The variables gettext consults, in its order; `LANGUAGE` is a colon-separated preference list.
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _system_language() -> str | None:
    """The language of the system locale, read from the environment as gettext does.

    Not `locale.getlocale()` alone: it reports LC_CTYPE, which stays `C.UTF-8` (reported as
    `en_US`) when the user's locale (`ru_KZ.UTF-8`) is not generated on the machine, so a
    Russian-speaking user got English. Windows sets none of the variables: there the process
    locale is asked.
    """
    for variable in _LOCALE_VARIABLES:
        value = os.environ.get(variable, "")
        if not value:
            continue
        for part in value.split(":"):
            code = _language_code(part)
            if code is not None:
                return code
        if variable != "LANGUAGE":
            return None  # the first set variable decides (C, POSIX or an unsupported language)
    try:
        system = locale.getlocale()[0]
    except ValueError:
        return None
    return _language_code(system) if system else None


def detect_language(explicit: str | None = None) -> str:
    """Pick the UI language: explicit choice, then OBSERVER_LANG, then the system locale."""
    for candidate in (explicit, os.environ.get("OBSERVER_LANG")):
        if candidate:
            code = _language_code(candidate)
            if code is not None:
                return code
    return _system_language() or "en"


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
