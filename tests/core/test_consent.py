"""Consent-to-use rules, exhaustively over every state, use and kind of item (DOMAIN.md)."""

from __future__ import annotations

import itertools

import pytest

from observer_app.core.catalogue import load_catalogue
from observer_app.core.consent import (
    ConsentState,
    MediaUse,
    allowed_uses,
    can_person_set,
    check_use,
    may_use,
    parse_consent_state,
    parse_media_use,
    refusal_reason,
)
from observer_app.errors import UsageError, UserActionError

# Written from DOMAIN.md "Media and consent", independently of the implementation:
# state -> (original may be published, derivative copy may be published).
PUBLICATION = {
    "no_person": (True, True),
    "not_asked": (False, False),
    "verbal": (True, True),
    "written": (True, True),
    "refused": (False, False),
    "withdrawn": (False, False),
    "minor": (False, False),
    "guardian_written": (True, True),
    "official_on_duty": (False, False),
    "anonymised": (False, True),  # only a derivative made by redaction carries it
}


def test_the_states_are_exactly_those_of_the_domain() -> None:
    assert [state.value for state in ConsentState] == list(PUBLICATION)
    assert [use.value for use in MediaUse] == ["internal", "complaint", "publication"]
    assert ConsentState("minor") is ConsentState.MINOR
    assert str(ConsentState.GUARDIAN_WRITTEN) == "guardian_written"


CASES = list(itertools.product(ConsentState, MediaUse, (False, True)))


@pytest.mark.parametrize(
    ("state", "use", "is_derivative"),
    CASES,
    ids=[f"{s.value}-{u.value}-{'derivative' if d else 'original'}" for s, u, d in CASES],
)
def test_every_state_use_and_kind(state: ConsentState, use: MediaUse, is_derivative: bool) -> None:
    if use is MediaUse.PUBLICATION:
        expected = PUBLICATION[state.value][1 if is_derivative else 0]
    else:
        expected = True  # evidence serves internal reports and complaints in any state
    assert may_use(state, use, is_derivative=is_derivative) is expected
    reason = refusal_reason(state, use, is_derivative=is_derivative)
    if expected:
        assert reason is None
        check_use(state, use, is_derivative=is_derivative)  # does not raise
    else:
        assert reason and len(reason) > 20
        with pytest.raises(UserActionError) as info:
            check_use(state, use, is_derivative=is_derivative)
        assert info.value.exit_code == 4
        assert info.value.message == reason


def test_refusal_reasons_are_specific() -> None:
    reasons = {
        state: refusal_reason(state, MediaUse.PUBLICATION, is_derivative=False)
        for state in ConsentState
        if not PUBLICATION[state.value][0]
    }
    assert len(set(reasons.values())) == len(reasons)  # one distinct reason per state
    assert "withdrawn" in str(reasons[ConsentState.WITHDRAWN])
    assert "minor" in str(reasons[ConsentState.MINOR])
    assert "official" in str(reasons[ConsentState.OFFICIAL_ON_DUTY])
    assert "anonymised copy" in str(reasons[ConsentState.NOT_ASKED])
    assert "original" in str(reasons[ConsentState.ANONYMISED])


def test_allowed_uses() -> None:
    everything = frozenset(MediaUse)
    evidence_only = frozenset({MediaUse.INTERNAL, MediaUse.COMPLAINT})
    for state in ConsentState:
        expected = everything if PUBLICATION[state.value][0] else evidence_only
        assert allowed_uses(state, is_derivative=False) == expected, state
    # By default the state says what kind of item it is: anonymised means a redacted copy.
    assert allowed_uses(ConsentState.ANONYMISED) == everything
    assert allowed_uses(ConsentState.NOT_ASKED) == evidence_only
    assert allowed_uses(ConsentState.WRITTEN) == everything
    assert allowed_uses(ConsentState.NOT_ASKED, is_derivative=True) == evidence_only


def test_only_redaction_sets_anonymised() -> None:
    assert [s.value for s in ConsentState if not can_person_set(s)] == ["anonymised"]
    assert all(can_person_set(s) for s in ConsentState if s is not ConsentState.ANONYMISED)


def test_parse_consent_state() -> None:
    assert parse_consent_state("written") is ConsentState.WRITTEN
    assert parse_consent_state(" Guardian_Written ") is ConsentState.GUARDIAN_WRITTEN
    assert parse_consent_state("anonymised", by_person=False) is ConsentState.ANONYMISED
    with pytest.raises(UsageError, match="only by the redaction process"):
        parse_consent_state("anonymised")
    with pytest.raises(UsageError) as info:
        parse_consent_state("implied")
    assert "no_person" in info.value.message and "official_on_duty" in info.value.message
    assert "anonymised" not in info.value.message  # not offered to a person
    with pytest.raises(UsageError) as info:
        parse_consent_state("implied", by_person=False)
    assert "anonymised" in info.value.message


def test_parse_media_use() -> None:
    assert parse_media_use("Publication") is MediaUse.PUBLICATION
    with pytest.raises(UsageError, match="internal, complaint, publication"):
        parse_media_use("press")


def test_catalogue_labels_every_state_and_use() -> None:
    catalogue = load_catalogue()
    for state in ConsentState:
        info = catalogue.consent_state(state.value)
        assert info.system_only is not can_person_set(state)
        assert info.label.kk and info.label.ru
    assert [use.id for use in catalogue.media_uses] == [use.value for use in MediaUse]
