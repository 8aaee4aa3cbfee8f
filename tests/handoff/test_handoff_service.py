"""The handoff and enrollment services in `logbook`: typed results, one transaction per import."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from observer_app.errors import UserActionError
from observer_app.logbook import enrollment, handoff, search
from observer_app.logbook.handoff import ImportStatus
from observer_app.logbook.session import LogbookSession
from tests.handoff.handoff_support import add_notes, dump, enroll

MakeSession = Callable[..., LogbookSession]


@pytest.fixture
def observer(
    make_session: MakeSession, coordinator: LogbookSession, tmp_path: Path
) -> LogbookSession:
    session = make_session(name="Observer", folder="observer")
    enroll(coordinator, session, tmp_path / "enroll")
    return session


def test_an_import_is_accepted_then_already_held_and_leaves_no_transaction_open(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path, tmp_path: Path
) -> None:
    add_notes(observer, 3)
    exported = handoff.export_bundle(observer, stick)
    receipts = tmp_path / "receipts"
    receipts.mkdir()

    first = handoff.import_bundle(coordinator, exported.paths, receipt_dir=receipts)
    assert first.outcome.status is ImportStatus.ACCEPTED
    assert first.receipt is not None and first.receipt.parent == receipts
    assert first.to_json()["status"] == "accepted"
    assert first.to_json()["receipt"] == str(first.receipt)
    assert not coordinator.conn.in_transaction

    before = dump(coordinator)
    again = handoff.import_bundle(coordinator, exported.paths)
    assert again.outcome.status is ImportStatus.ALREADY_HELD
    assert again.receipt is None and again.to_json()["receipt"] is None
    assert not coordinator.conn.in_transaction  # rolled back, not left open
    assert dump(coordinator) == before


def test_a_refused_bundle_rolls_back_and_a_receipt_failure_is_reported_not_raised(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path, tmp_path: Path
) -> None:
    add_notes(observer, 2)
    exported = handoff.export_bundle(observer, stick)
    missing = tmp_path / "gone"
    accepted = handoff.import_bundle(coordinator, exported.paths, receipt_dir=missing)
    assert accepted.outcome.status is ImportStatus.ACCEPTED  # the bundle is in all the same
    assert accepted.receipt is None
    assert accepted.receipt_error is not None and str(missing) in accepted.receipt_error
    assert accepted.to_json()["receipt_error"] == accepted.receipt_error

    enrollment.revoke(coordinator, observer.identity.feed, "laptop seized")
    add_notes(observer, 1, "after")
    later = handoff.export_bundle(observer, stick)
    before = dump(coordinator)
    refused = handoff.import_bundle(coordinator, later.paths)
    assert refused.outcome.status is ImportStatus.REFUSED
    assert refused.outcome.reason_code == "revoked_key"
    assert not coordinator.conn.in_transaction
    assert dump(coordinator) == before


def test_bundles_in_groups_parts_by_bundle_and_names_what_is_missing(
    observer: LogbookSession, stick: Path, tmp_path: Path
) -> None:
    add_notes(observer, 2)
    exported = handoff.export_bundle(observer, stick, part_size=4096)
    assert len(exported.paths) > 1
    renamed = tmp_path / "renamed.bin"
    renamed.write_bytes(b"not a part name")

    from_folder = handoff.bundles_in([stick])
    assert from_folder == [sorted(exported.paths)]
    named = handoff.bundles_in([*reversed(exported.paths), renamed, exported.paths[0]])
    assert named == [sorted(exported.paths), [renamed]]

    with pytest.raises(UserActionError, match="file not found"):
        handoff.bundles_in([tmp_path / "nowhere.age"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserActionError, match="no bundle found"):
        handoff.bundles_in([empty])
    with pytest.raises(UserActionError, match="folder not found"):
        handoff.receipt_folder(tmp_path / "absent")
    assert handoff.receipt_folder(None) is None


def test_status_and_enrollment_listings_are_typed_by_role(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    add_notes(observer, 2)
    observer_status = handoff.handoff_status(observer)
    assert isinstance(observer_status, handoff.ObserverStatus) and observer_status.enrolled
    assert observer_status.events_waiting == observer_status.head_seq
    assert isinstance(handoff.handoff_status(coordinator), handoff.CoordinatorStatus)

    roster = enrollment.enrollments(coordinator)
    assert isinstance(roster, enrollment.EnrolledObservers)
    assert [o.feed for o in roster.observers] == [observer.identity.feed]
    pins = enrollment.enrollments(observer)
    assert isinstance(pins, enrollment.PinnedCoordinators)
    assert [p.coordinator for p in pins.pins] == [coordinator.identity.feed]


def test_an_import_leaves_the_search_index_in_one_segment_and_searchable(
    observer: LogbookSession, coordinator: LogbookSession, stick: Path
) -> None:
    """Each import's transaction writes index segments of its own and every search reads each
    one: an import merges them (a deep page of hits 15 ms -> 3.7 ms at 100,000 events)."""

    def segments() -> int:
        row = coordinator.conn.execute("SELECT count(DISTINCT segid) FROM search_index_idx")
        return int(row.fetchone()[0])

    for batch in range(3):
        add_notes(observer, 4, prefix=f"бюллетень {batch}")
        (stick / str(batch)).mkdir()
        exported = handoff.export_bundle(observer, stick / str(batch))
        assert handoff.import_bundle(coordinator, exported.paths).outcome.ok
        assert segments() == 1
    hits = search.search(coordinator, "бюллетень")
    assert len(hits) == 12
