"""Who a report is for: public, complaint or internal (the rules for each are `reports.audience`).

A vocabulary of its own so that the shells can offer and parse it without importing the report
machinery (which takes ~0.6 s to import).
"""

from __future__ import annotations

from enum import StrEnum

from observer_app.errors import UsageError
from observer_app.i18n import _


class Audience(StrEnum):
    PUBLIC = "public"
    COMPLAINT = "complaint"
    INTERNAL = "internal"


def parse_audience(text: str) -> Audience:
    try:
        return Audience(text.strip().lower())
    except ValueError:
        raise UsageError(
            _("Unknown audience '{value}'. Allowed: {allowed}.").format(
                value=text, allowed=", ".join(a.value for a in Audience)
            )
        ) from None
