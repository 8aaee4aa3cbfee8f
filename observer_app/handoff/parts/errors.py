"""Kinds of unreadable bundle the transport layer tells apart, so callers need not parse text.

Each is a NotValidError (exit 1) whose message is already translated; the bundle importer maps
the class to its refusal code (`truncated`, `not_for_this_coordinator`; anything else is
`damaged`).
"""

from __future__ import annotations

from observer_app.errors import NotValidError


class BundleTruncated(NotValidError):
    """The bundle ends early: a part is missing, short, or the age stream stops before its end."""


class NotForThisRecipient(NotValidError):
    """The bundle is not encrypted to the identity that tried to open it."""
