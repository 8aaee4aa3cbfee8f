"""Why a bundle was refused: a reason code for scripts and one line for people.

The transport layer refuses with NotValidError subclasses (`parts.errors`); `classify`
gives each its code by class, never by parsing translated text.
"""

from __future__ import annotations

import enum

from observer_app.errors import NotValidError
from observer_app.handoff.parts.errors import BundleTruncated, NotForThisRecipient


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
    INVALID_EVENT = "invalid_event"


class BundleRefused(NotValidError):
    def __init__(self, code: Refusal, message: str) -> None:
        super().__init__(message)
        self.code = code


def damaged(message: str) -> BundleRefused:
    return BundleRefused(Refusal.DAMAGED, message)


def classify(error: NotValidError) -> BundleRefused:
    """The refusal for any NotValidError raised while reading a bundle."""
    if isinstance(error, BundleRefused):
        return error
    if isinstance(error, NotForThisRecipient):
        return BundleRefused(Refusal.NOT_FOR_THIS_COORDINATOR, error.message)
    if isinstance(error, BundleTruncated):
        return BundleRefused(Refusal.TRUNCATED, error.message)
    return BundleRefused(Refusal.DAMAGED, error.message)
