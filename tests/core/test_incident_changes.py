"""One formatter for an incident's amendment: labels for coded fields, the reader's words for
times and name lists, unknown (newer) fields by name, and fields left out on request."""

from __future__ import annotations

from collections.abc import Sequence

from observer_app.core.incident_changes import change_value, describe_changes, field_name


class _Wording:
    """A reader whose words are easy to recognise in the output."""

    def gettext(self, message: str) -> str:
        return message.upper()

    def category(self, category_id: str) -> str:
        return f"<category {category_id}>"

    def term(self, vocabulary: str, term_id: str) -> str:
        return f"<{vocabulary}:{term_id}>"

    def moment(self, utc_text: str) -> str:
        return f"<local {utc_text}>"

    def names(self, values: Sequence[str]) -> str:
        return " & ".join(values) or "nobody"


def test_each_kind_of_field_is_worded_by_its_rule() -> None:
    wording = _Wording()
    assert change_value("category", "ballot_stuffing", wording) == "<category ballot_stuffing>"
    # `status` is coded by the incident_status vocabulary, not one named like the field.
    assert change_value("status", "confirmed", wording) == "<incident_status:confirmed>"
    assert change_value("severity", "high", wording) == "<severity:high>"
    assert change_value("at", "2026-03-15T06:00:00Z", wording) == "<local 2026-03-15T06:00:00Z>"
    assert change_value("persons", ["A", "B"], wording) == "A & B"
    assert change_value("witnesses", [], wording) == "nobody"
    assert change_value("text", "урны пустые", wording) == "урны пустые"


def test_field_names_are_translated_and_unknown_ones_kept() -> None:
    wording = _Wording()
    assert field_name("follow_up", wording) == "FOLLOW-UP"
    assert field_name("persons", wording) == "PERSONS INVOLVED"
    assert field_name("from_a_newer_version", wording) == "from_a_newer_version"


def test_changes_are_joined_in_order_without_the_left_out_fields() -> None:
    changes = {"severity": "low", "tz": "Asia/Almaty", "witnesses": ["Ержан"]}
    assert (
        describe_changes(changes, _Wording(), arrow="=", leave_out=("tz",))
        == "SEVERITY = <severity:low>; WITNESSES = Ержан"
    )
    assert describe_changes(changes, _Wording(), arrow="→") == (
        "SEVERITY → <severity:low>; TIME ZONE → Asia/Almaty; WITNESSES → Ержан"
    )
