"""Drafts: saved, listed, restored, discarded; deleted with the record that was typed in them,
in the same transaction; never a journal event, never a projection `journal verify` compares."""

from __future__ import annotations

import pytest

from observer_app.core.catalogue import Catalogue
from observer_app.errors import UsageError, UserActionError
from observer_app.logbook import checklist, drafts, incidents, notes, protocol_records
from observer_app.logbook.session import LogbookSession
from observer_app.vault.projection import projection_tables
from observer_app.vault.store import open_vault
from observer_app.vault.verify import verify_journal

INCIDENT_FORM = {
    "category": "ballot_stuffing",
    "text": "Наблюдатель видел, как в урну бросили пачку бюллетеней",
    "persons": ["Иванов"],
    "severity": None,
}


def _events(session: LogbookSession) -> int:
    return int(session.conn.execute("SELECT count(*) FROM events").fetchone()[0])


def test_save_list_restore_discard(day: LogbookSession) -> None:
    before = _events(day)
    first = drafts.save_draft(day, "incident", INCIDENT_FORM, station="101")
    second = drafts.save_draft(day, "note", {"text": "первая строка"})
    assert [d.id for d in drafts.list_drafts(day)] == [second, first]  # newest first
    assert [d.id for d in drafts.list_drafts(day, "incident")] == [first]
    listed = drafts.list_drafts(day, "incident")[0]
    assert (listed.kind, listed.station, listed.target) == ("incident", "101", None)

    again = drafts.save_draft(
        day, "incident", {**INCIDENT_FORM, "text": "исправлено"}, draft_id=first
    )
    assert again == first
    restored = drafts.restore_draft(day, first)
    assert restored.content["text"] == "исправлено"
    assert restored.content["persons"] == ["Иванов"]
    assert restored.summary.created_utc == listed.created_utc
    assert restored.summary.updated_utc >= listed.updated_utc

    drafts.discard_draft(day, second)
    assert [d.id for d in drafts.list_drafts(day)] == [first]
    with pytest.raises(UserActionError, match="no draft"):
        drafts.restore_draft(day, second)
    assert _events(day) == before  # a draft is not an observation: no journal event


def test_bad_drafts_are_refused_and_store_nothing(day: LogbookSession) -> None:
    deep: dict[str, object] = {"a": {}}
    node = deep["a"]
    for _ in range(10):
        assert isinstance(node, dict)
        node["a"] = {}
        node = node["a"]
    bad = [
        ("poem", {"text": "x"}, "unknown draft kind"),
        ("note", {"text": "x" * (300 * 1024)}, "too large"),
        ("note", deep, "nested too deeply"),
        ("note", {"ratio": float("nan")}, "not valid"),
        ("note", {"blob": b"bytes"}, "not valid"),
    ]
    for kind, content, message in bad:
        with pytest.raises(UsageError, match=message):
            drafts.save_draft(day, kind, content)
    with pytest.raises(UsageError, match="station"):
        drafts.save_draft(day, "incident", {"text": "x"}, station="../etc")
    note = drafts.save_draft(day, "note", {"text": "x"})
    with pytest.raises(UsageError, match="not a draft of this kind"):
        drafts.save_draft(day, "incident", {"text": "y"}, draft_id=note)
    with pytest.raises(UserActionError, match="no draft"):
        drafts.save_draft(
            day, "note", {"text": "y"}, draft_id="0190f4c2-0000-7000-8000-000000000000"
        )
    assert [d.id for d in drafts.list_drafts(day)] == [note]
    assert drafts.restore_draft(day, note).content == {"text": "x"}


def test_saving_each_record_deletes_its_draft(day: LogbookSession, catalogue: Catalogue) -> None:
    keep = drafts.save_draft(day, "note", {"text": "другой черновик"})

    note_draft = drafts.save_draft(day, "note", {"text": "заметка"})
    notes.add_note(day, "заметка", draft_id=note_draft)

    incident_draft = drafts.save_draft(day, "incident", INCIDENT_FORM, station="101")
    incident_id = incidents.add_incident(
        day, catalogue, "101", "ballot_stuffing", INCIDENT_FORM["text"], draft_id=incident_draft
    )
    amend_draft = drafts.save_draft(day, "incident", {"text": "уточнение"}, target=incident_id)
    incidents.amend_incident(
        day,
        catalogue,
        incident_id,
        incidents.IncidentChanges(text="уточнение"),
        draft_id=amend_draft,
    )

    section_draft = drafts.save_draft(day, "checklist", {"VOT05": "1"}, station="101")
    checklist.answer_item(day, catalogue, "101", "VOT05", "1", draft_id=section_draft)

    protocol_draft = drafts.save_draft(day, "protocol", {"voters_on_list": 1000}, station="101")
    protocol_records.record_protocol(day, catalogue, "101", ["P1=1000"], draft_id=protocol_draft)
    assert [d.id for d in drafts.list_drafts(day)] == [keep]


def test_a_refused_record_keeps_its_draft(day: LogbookSession, catalogue: Catalogue) -> None:
    draft = drafts.save_draft(day, "incident", INCIDENT_FORM, station="101")
    with pytest.raises(UsageError):
        incidents.add_incident(day, catalogue, "101", "no-such-category", "текст", draft_id=draft)
    with pytest.raises(UsageError):
        incidents.add_incident(day, catalogue, "101", "ballot_stuffing", "   ", draft_id=draft)
    assert drafts.restore_draft(day, draft).content == INCIDENT_FORM


def test_the_draft_goes_only_if_the_record_commits(
    day: LogbookSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after the event was appended rolls back both: the record and the deletion."""
    draft = drafts.save_draft(day, "note", {"text": "важное"})
    before = _events(day)

    def fail(*args: object) -> bool:
        raise OSError("disk gone")

    monkeypatch.setattr("observer_app.logbook.session.drafts.delete_draft", fail)
    with pytest.raises(OSError):
        notes.add_note(day, "важное", draft_id=draft)
    monkeypatch.undo()
    assert _events(day) == before
    assert drafts.restore_draft(day, draft).content == {"text": "важное"}


def test_drafts_survive_closing_and_are_not_projections(
    day: LogbookSession, passphrase: str
) -> None:
    """`journal verify` rebuilds the projections from the journal: drafts and settings are no
    projection, so a vault full of them still verifies (and the rebuild leaves them alone)."""
    draft = drafts.save_draft(day, "incident", INCIDENT_FORM, station="101")
    assert "drafts" not in projection_tables() and "settings" not in projection_tables()
    path = day.vault.path
    day.close()
    reopened = LogbookSession(open_vault(path, passphrase))
    try:
        assert drafts.restore_draft(reopened, draft).content == INCIDENT_FORM
        report = verify_journal(reopened.conn)
        assert report.ok and report.replay_matches
        assert drafts.restore_draft(reopened, draft).content == INCIDENT_FORM
    finally:
        reopened.close()
