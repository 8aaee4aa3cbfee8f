"""Which uses the consent state of a media item allows: the one place this rule lives.

Evidence practice (WITNESS) and Kazakh law (Civil Code art. 145; the CEC's 2020 ban on publishing
images of people without consent) pull in two directions: an original must stay whole and usable
as evidence, yet people in it must not be exposed without consent. So originals always serve
internal reports and official complaints, and publication is gated here; everything that
publishes (exports, public reports) asks `may_use` / `check_use` rather than deciding itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Final

from observer_app.core.vocabulary import Named, ambiguous_error, find_named, named_list
from observer_app.errors import UsageError, UserActionError
from observer_app.i18n import _


class ConsentState(StrEnum):
    """Consent state of a media item; the values are the stored ids (a contract)."""

    NO_PERSON = "no_person"
    NOT_ASKED = "not_asked"
    VERBAL = "verbal"
    WRITTEN = "written"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    MINOR = "minor"
    GUARDIAN_WRITTEN = "guardian_written"
    OFFICIAL_ON_DUTY = "official_on_duty"
    ANONYMISED = "anonymised"


class MediaUse(StrEnum):
    INTERNAL = "internal"
    COMPLAINT = "complaint"
    PUBLICATION = "publication"


# States in which the item itself may be published: nobody is shown, or consent was given and
# (being the current state) not withdrawn since.
PUBLISHABLE_STATES: Final = frozenset(
    {
        ConsentState.NO_PERSON,
        ConsentState.VERBAL,
        ConsentState.WRITTEN,
        ConsentState.GUARDIAN_WRITTEN,
    }
)

# Only the redaction process marks an item anonymised: a person claiming it would bypass the rule.
SYSTEM_ONLY_STATES: Final = frozenset({ConsentState.ANONYMISED})


def can_person_set(state: ConsentState) -> bool:
    """Whether a person (rather than the redaction process) may put an item into `state`."""
    return state not in SYSTEM_ONLY_STATES


def refusal_reason(state: ConsentState, use: MediaUse, *, is_derivative: bool) -> str | None:
    """Why `use` is not allowed for an item in `state`, or None when it is allowed."""
    if use is not MediaUse.PUBLICATION:
        return None  # Evidence stays usable internally and in complaints whatever the consent.
    if state in PUBLISHABLE_STATES:
        return None
    if state is ConsentState.ANONYMISED:
        if is_derivative:
            return None
        return _(
            "Only an anonymised copy made by the redaction process may be published; "
            "this item is an original."
        )
    return _publication_refusal(state)


def _publication_refusal(state: ConsentState) -> str:
    alternative = _("Publish an anonymised copy instead.")
    reasons = {
        ConsentState.NOT_ASKED: _(
            "People in this item can be identified and their consent was not asked."
        ),
        ConsentState.REFUSED: _("The people shown refused consent to publication."),
        ConsentState.WITHDRAWN: _("The consent given for this item was withdrawn."),
        ConsentState.MINOR: _("A minor is shown without a guardian's written consent."),
        ConsentState.OFFICIAL_ON_DUTY: _(
            "An official on duty is shown; the legal position is unclear, so it is not "
            "published by default."
        ),
    }
    return f"{reasons[state]} {alternative}"


def may_use(state: ConsentState, use: MediaUse, *, is_derivative: bool) -> bool:
    """Whether an item in `state` (an original, or a derivative copy) may serve `use`."""
    return refusal_reason(state, use, is_derivative=is_derivative) is None


def check_use(state: ConsentState, use: MediaUse, *, is_derivative: bool) -> None:
    """Raise `UserActionError` (exit 4, "consent forbids") with the reason when not allowed."""
    reason = refusal_reason(state, use, is_derivative=is_derivative)
    if reason is not None:
        raise UserActionError(reason)


def allowed_uses(state: ConsentState, *, is_derivative: bool | None = None) -> frozenset[MediaUse]:
    """Every use an item in `state` allows.

    `is_derivative` defaults to what the state implies: `anonymised` items are derivatives
    (only redaction makes them), every other state describes an original.
    """
    derivative = (state is ConsentState.ANONYMISED) if is_derivative is None else is_derivative
    return frozenset(use for use in MediaUse if may_use(state, use, is_derivative=derivative))


def parse_consent_state(
    raw: str, *, by_person: bool = True, names: Sequence[Named] = ()
) -> ConsentState:
    """A consent state from user input: its id, or its name in any language from `names` (the
    catalogue's consent states); a person may not choose a system-only state."""
    text = raw.strip().lower()
    if text not in {s.value for s in ConsentState}:
        found = find_named(raw, names)
        if len(found) > 1:
            raise ambiguous_error(raw, found)
        text = found[0].id if found else text
    try:
        state = ConsentState(text)
    except ValueError:
        allowed = [s for s in ConsentState if not by_person or can_person_set(s)]
        shown = {entry.id: entry for entry in names}
        raise UsageError(
            _("Unknown consent state '{value}'. Allowed: {allowed}.").format(
                value=raw,
                allowed=named_list([shown[s.value] for s in allowed if s.value in shown])
                if shown
                else ", ".join(allowed),
            )
        ) from None
    if by_person and not can_person_set(state):
        raise UsageError(
            _("The state '{state}' is set only by the redaction process, never by hand.").format(
                state=state.value
            )
        )
    return state


def parse_media_use(raw: str) -> MediaUse:
    try:
        return MediaUse(raw.strip().lower())
    except ValueError:
        raise UsageError(
            _("Unknown media use '{value}'. Allowed: {allowed}.").format(
                value=raw, allowed=", ".join(use.value for use in MediaUse)
            )
        ) from None
