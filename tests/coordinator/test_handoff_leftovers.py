"""Issue 17's handoff leftovers: receipts from a folder and only from the coordinator pinned
now, re-enrollment asks first, and import takes a bundle named twice once and passes over a
folder without bundles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from observer_app.crypto.keys import format_fingerprint
from observer_app.errors import NotValidError, UserActionError
from observer_app.handoff.enroll.accept import accept_package
from observer_app.handoff.enroll.issue import issue_package
from observer_app.handoff.enroll.request import write_request
from observer_app.logbook import handoff
from observer_app.logbook.session import LogbookSession
from observer_app.vault.queries.roster import enrolled_observer
from tests.handoff.handoff_support import add_notes, dump, enroll

MakeSession = Callable[..., LogbookSession]


@pytest.fixture
def pair(make_session: MakeSession, tmp_path: Path) -> tuple[LogbookSession, LogbookSession]:
    coordinator = make_session(name="Coordinator", role="coordinator", folder="coordinator")
    observer = make_session(name="Observer", folder="observer")
    enroll(coordinator, observer, tmp_path / "enroll")
    add_notes(observer, 2)
    return coordinator, observer


def _folder(base: Path, name: str) -> Path:
    path = base / name
    path.mkdir()
    return path


def test_receipts_are_read_from_a_folder_and_other_files_are_passed_over(
    pair: tuple[LogbookSession, LogbookSession], tmp_path: Path
) -> None:
    coordinator, observer = pair
    stick = _folder(tmp_path, "stick")
    receipts = _folder(tmp_path, "receipts")
    exported = handoff.export_bundle(observer, stick)
    imported = handoff.import_bundle(coordinator, exported.paths, receipt_dir=receipts)
    assert imported.receipt is not None
    stray = receipts / "olb-0000000000000000.age"
    stray.write_bytes(b"age-encryption.org/v1\nnot really\n")
    results = handoff.accept_receipts(observer, receipts)
    by_name = {r.path.name: r for r in results}
    assert by_name[imported.receipt.name].accepted is not None
    assert by_name[stray.name].accepted is None and by_name[stray.name].error
    status = handoff.handoff_status(observer)
    assert status.to_json()["events_waiting"] == 0
    empty = _folder(tmp_path, "empty")
    with pytest.raises(UserActionError, match="no receipt"):
        handoff.accept_receipts(observer, empty)


def test_a_receipt_from_the_coordinator_left_behind_is_refused(
    pair: tuple[LogbookSession, LogbookSession], make_session: MakeSession, tmp_path: Path
) -> None:
    coordinator, observer = pair
    stick = _folder(tmp_path, "stick")
    receipts = _folder(tmp_path, "receipts")
    exported = handoff.export_bundle(observer, stick)
    old = handoff.import_bundle(coordinator, exported.paths, receipt_dir=receipts).receipt
    assert old is not None
    second = make_session(name="Second", role="coordinator", folder="second")
    package = issue_package(second, write_request(observer, stick).path, stick)
    accept_package(observer, package.path, format_fingerprint(second.identity.feed))
    before = dump(observer)
    with pytest.raises(NotValidError, match="no longer pinned"):
        handoff.accept_receipt(observer, old)
    assert dump(observer) == before


def test_reissuing_an_enrollment_asks_first(
    pair: tuple[LogbookSession, LogbookSession], tmp_path: Path
) -> None:
    coordinator, observer = pair
    stick = _folder(tmp_path, "again")
    request = write_request(observer, stick)
    before = enrolled_observer(coordinator.conn, coordinator.identity.feed, observer.identity.feed)
    with pytest.raises(UserActionError, match="--yes"):
        issue_package(coordinator, request.path, stick)  # nobody to ask means no
    after = enrolled_observer(coordinator.conn, coordinator.identity.feed, observer.identity.feed)
    assert after == before
    questions: list[str] = []
    coordinator.confirm = lambda question: questions.append(question) is None
    issued = issue_package(coordinator, request.path, stick)
    assert issued.reenrolled and "Observer" in questions[0]


def test_a_bundle_named_twice_is_imported_once_and_empty_folders_are_passed_over(
    pair: tuple[LogbookSession, LogbookSession], tmp_path: Path
) -> None:
    _coordinator, observer = pair
    stick = _folder(tmp_path, "stick")
    exported = handoff.export_bundle(observer, stick, part_size=4096)
    empty = _folder(tmp_path, "empty")
    spelt_again = [stick / "." / p.name for p in exported.paths]
    bundles, passed = handoff.bundles_and_empty_folders([stick, empty, *spelt_again])
    assert len(bundles) == 1 and len(bundles[0]) == len(exported.paths)
    assert passed == [empty]
    with pytest.raises(UserActionError, match="no bundle found"):
        handoff.bundles_and_empty_folders([empty])
