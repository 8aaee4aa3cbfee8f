"""Enrollment documents from the stick, mutated: `enroll issue` and `enroll accept` on them.

A real request (the observer's, plain as `enroll request` writes it by default) and a real setup
package (the coordinator's answer, sealed to the observer) are made once per module and mutated:
as they lie on the stick, and for the package also inside the age layer (the plaintext mutated
and sealed again to the observer, which reaches the document parser and its certificate
checks). The request is also sent sealed to the coordinator, as `--recipient` makes it. Each
case is issued or accepted, or refused as not valid (exit 1) with one line, and a refusal leaves
the vault exactly as it was. A few cases run through `observer-cli enroll` in-process.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observer_app.handoff.enroll.accept import accept_package
from observer_app.handoff.enroll.issue import issue_package
from observer_app.handoff.enroll.request import write_request
from observer_app.logbook.session import LogbookSession
from tests.conftest import PASSPHRASE
from tests.fuzz.fuzz_support import (
    QuietRepr,
    examples,
    mutations,
    new_session,
    refuses_cleanly,
    run_cli,
    sealed_to,
    unsealed,
)

NOT_VALID = (1,)


@dataclass(repr=False)
class World(QuietRepr):
    coordinator: LogbookSession
    observer: LogbookSession
    stick: Path
    request: bytes  # as `enroll request` writes it: signed JSON, not sealed
    package: bytes  # as `enroll issue` writes it: sealed to the observer


def build_world(root: Path) -> World:
    """A coordinator and an observer who has asked to enroll and not yet accepted."""
    coordinator = new_session(root, "coordinator", "coordinator")
    observer = new_session(root, "observer", "observer")
    stick = root / "stick"
    stick.mkdir()
    request_path = write_request(observer, stick).path
    package_path = issue_package(coordinator, request_path, stick).path
    world = World(
        coordinator, observer, stick, request_path.read_bytes(), package_path.read_bytes()
    )
    request_path.unlink()
    package_path.unlink()
    return world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = build_world(tmp_path_factory.mktemp("enrollment"))
    yield built
    built.coordinator.close()
    built.observer.close()


def _requests(world: World) -> st.SearchStrategy[bytes]:
    return st.one_of(
        mutations(world.request),
        mutations(world.request).map(lambda plain: sealed_to(plain, world.coordinator)),
        mutations(sealed_to(world.request, world.coordinator)),
    )


def _packages(world: World) -> st.SearchStrategy[bytes]:
    plain = unsealed(world.package, world.observer)
    return st.one_of(
        mutations(plain).map(lambda changed: sealed_to(changed, world.observer)),
        mutations(world.package),
    )


def on_stick(world: World, data: bytes, name: str) -> Path:
    path = world.stick / name
    path.write_bytes(data)
    return path


@settings(max_examples=examples(150))
@given(st.data())
def test_mutated_requests_are_issued_or_refused(world: World, data: st.DataObject) -> None:
    path = on_stick(world, data.draw(_requests(world)), "request.json")
    out = world.stick / "issued"
    out.mkdir(exist_ok=True)
    issued: list[Path] = []
    refuses_cleanly(
        world.coordinator,
        lambda: issued.append(issue_package(world.coordinator, path, out, replace=True).path),
        NOT_VALID,
    )
    for package in issued:  # an issued package is sealed to the requester it names
        package.unlink()


@settings(max_examples=examples(150))
@given(st.data())
def test_mutated_packages_are_accepted_or_refused(world: World, data: st.DataObject) -> None:
    path = on_stick(world, data.draw(_packages(world)), "setup.age")
    refuses_cleanly(world.observer, lambda: accept_package(world.observer, path), NOT_VALID)


def test_the_real_documents_are_issued_and_accepted(world: World) -> None:
    """The properties above are not vacuous: the unmutated documents go through."""
    out = world.stick / "issued"
    out.mkdir(exist_ok=True)
    issued = issue_package(
        world.coordinator, on_stick(world, world.request, "ok.json"), out, replace=True
    )
    assert issued.request.feed == world.observer.identity.feed
    issued.path.unlink()
    accepted = accept_package(world.observer, on_stick(world, world.package, "ok.age"))
    assert accepted.coordinator == world.coordinator.identity.feed


@dataclass(frozen=True, repr=False)
class Vaults(QuietRepr):
    coordinator: tuple[str, ...]  # --vault and --passphrase-file of each
    observer: tuple[str, ...]
    world: World


@pytest.fixture(scope="module")
def vaults(tmp_path_factory: pytest.TempPathFactory) -> Vaults:
    """A second pair for the command line, closed: `observer-cli` opens the vaults itself."""
    root = tmp_path_factory.mktemp("enrollment-cli")
    built = build_world(root)
    built.coordinator.close()
    built.observer.close()
    passphrase = root / "passphrase.txt"
    passphrase.write_text(PASSPHRASE + "\n", encoding="utf-8")

    def options(name: str) -> tuple[str, ...]:
        return ("--vault", str(root / name), "--passphrase-file", str(passphrase))

    return Vaults(options("coordinator"), options("observer"), built)


@settings(max_examples=examples(8))
@given(st.data())
def test_cli_enroll_issue_and_accept_exit_0_or_1(vaults: Vaults, data: st.DataObject) -> None:
    world = vaults.world
    request = on_stick(world, data.draw(mutations(world.request)), "cli-request.json")
    out = world.stick / "cli-issued"
    out.mkdir(exist_ok=True)
    issued = run_cli(*vaults.coordinator, "enroll", "issue", str(request), "--out", str(out))
    package = on_stick(world, data.draw(mutations(world.package)), "cli-setup.age")
    accepted = run_cli(*vaults.observer, "enroll", "accept", str(package))
    for result in (issued, accepted):
        assert result.code in (0, 1), result.err
        if result.code == 1:
            assert len(result.err.strip().splitlines()) == 1, result.err
