"""Why a bundle was refused: a reason code for scripts and one line for people.

The transport layer refuses with plain NotValidError messages; `classify` gives them their
code by matching the transport's own message templates after translation, so it holds in
every UI language.
"""

from __future__ import annotations

import enum
import re

from observer_app.errors import NotValidError
from observer_app.i18n import _, ngettext


class Refusal(enum.StrEnum):
    UNKNOWN_AUTHOR = "unknown_author"
    REVOKED_KEY = "revoked_key"
    BAD_SIGNATURE = "bad_signature"
    NOT_FOR_THIS_COORDINATOR = "not_for_this_coordinator"
    GAP = "gap"
    FORK = "fork"
    WRONG_HASH = "wrong_hash"
    TRUNCATED = "truncated"
    DAMAGED = "damaged"


class BundleRefused(NotValidError):
    def __init__(self, code: Refusal, message: str) -> None:
        super().__init__(message)
        self.code = code


def damaged(message: str) -> BundleRefused:
    return BundleRefused(Refusal.DAMAGED, message)


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[a-z_]+\}", template)
    return re.compile(".*".join(re.escape(part) for part in parts) + r"\Z", re.DOTALL)


def _truncated_templates() -> list[str]:
    templates = [
        _("bundle truncated: it ends early (the last part is incomplete or missing)"),
        _("bundle truncated: part {part} of {total} is incomplete"),
    ]
    for count in (1, 2, 5):  # every plural form of the languages we ship
        templates.append(
            ngettext(
                "bundle incomplete: part {parts} of {total} missing",
                "bundle incomplete: parts {parts} of {total} missing",
                count,
            )
        )
    return templates


def classify(error: NotValidError) -> BundleRefused:
    """The refusal for any NotValidError raised while reading a bundle."""
    if isinstance(error, BundleRefused):
        return error
    message = error.message
    if message == _("bundle not encrypted to this coordinator"):
        return BundleRefused(Refusal.NOT_FOR_THIS_COORDINATOR, message)
    if any(_pattern(template).match(message) for template in _truncated_templates()):
        return BundleRefused(Refusal.TRUNCATED, message)
    return BundleRefused(Refusal.DAMAGED, message)
