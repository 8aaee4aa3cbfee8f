"""Whole import pipelines on mutated real artifacts, against real vaults.

Artifacts are built once per module (enrolled observer, exported bundle, receipt) and mutated
two ways: the bytes on the stick (age ciphertext), and the plaintext inside re-encrypted to the
right recipient (which reaches the tar reader, the manifest and event parsers, and the document
readers behind age); enrollment documents have their own module, test_fuzz_enrollment.py. Each
case must end in success or a documented refusal (a refused ImportOutcome; an ObserverError with
a one-line message), and a refusal must leave the vault exactly as it was (every row of every
table and the blob files, `handoff_support.dump`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observer_app.handoff.bundle.exporter import export_bundle
from observer_app.handoff.bundle.importer import import_bundle
from observer_app.handoff.bundle.receipts import accept_receipt, write_receipt
from observer_app.handoff.parts.names import part_name
from observer_app.logbook.session import LogbookSession
from tests.fuzz.fuzz_support import (
    QuietRepr,
    examples,
    mutations,
    new_session,
    refuses_cleanly,
    sealed_to,
    unsealed,
)
from tests.handoff.handoff_support import add_notes, dump, enroll


@dataclass(repr=False)
class World(QuietRepr):
    coordinator: LogbookSession
    observer: LogbookSession
    stick: Path
    bundle: bytes  # the one part of a real bundle, as on the stick
    bundle_plain: bytes  # its decrypted tar stream
    receipt_plain: bytes  # a real receipt for that bundle, before sealing


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("pipeline")
    coordinator = new_session(root, "coordinator", "coordinator")
    observer = new_session(root, "observer", "observer")
    enroll(coordinator, observer, root / "enroll")
    add_notes(observer, 3)
    stick = root / "stick"
    stick.mkdir()
    [part] = export_bundle(observer, stick).paths
    bundle = part.read_bytes()
    part.unlink()
    outcome = import_bundle(coordinator, [_write(stick, bundle)])
    assert outcome.status == "accepted"
    receipt_path = write_receipt(
        coordinator,
        stick,
        author=outcome.author or "",
        bundle_id=outcome.bundle_id or "",
        up_to_seq=outcome.head_seq or 0,
        head_hash=outcome.head_hash or "",
        media=outcome.receipt_media,
        receipt_id=outcome.receipt_id or "",
    )
    receipt_plain = unsealed(receipt_path.read_bytes(), observer)
    receipt_path.unlink()
    add_notes(observer, 2, prefix="later")  # so that a bundle can also bring new events
    yield World(coordinator, observer, stick, bundle, unsealed(bundle, coordinator), receipt_plain)
    coordinator.close()
    observer.close()


def _write(folder: Path, data: bytes) -> Path:
    path = folder / part_name(secrets.token_hex(8), 1, 1)
    path.write_bytes(data)
    return path


def _imports_or_refuses(world: World, data: bytes) -> None:
    before = dump(world.coordinator)
    path = _write(world.stick, data)
    try:
        outcome = import_bundle(world.coordinator, [path])
    finally:
        path.unlink()
    if not outcome.ok:
        assert outcome.reason and "\n" not in outcome.reason and outcome.reason_code
        assert dump(world.coordinator) == before


@settings(max_examples=examples(60))
@given(st.data())
def test_mutated_bundle_parts_are_imported_or_refused(world: World, data: st.DataObject) -> None:
    _imports_or_refuses(world, data.draw(mutations(world.bundle)))


@settings(max_examples=examples(200))
@given(st.data())
def test_mutated_bundle_contents_are_imported_or_refused(world: World, data: st.DataObject) -> None:
    plain = data.draw(mutations(world.bundle_plain))
    _imports_or_refuses(world, sealed_to(plain, world.coordinator))


@settings(max_examples=examples(120))
@given(st.data())
def test_mutated_receipts_are_accepted_or_refused(world: World, data: st.DataObject) -> None:
    sealed = data.draw(
        st.one_of(
            mutations(world.receipt_plain).map(lambda plain: sealed_to(plain, world.observer)),
            mutations(sealed_to(world.receipt_plain, world.observer)),
        )
    )
    path = world.stick / "receipt.age"
    path.write_bytes(sealed)
    refuses_cleanly(world.observer, lambda: accept_receipt(world.observer, path))
