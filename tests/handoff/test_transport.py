"""Export and import of bundles through real pyrage, real tar and a temp folder as the stick."""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import BinaryIO

import pytest
from pyrage import x25519

from observer_app.errors import OperationCancelled, UsageError, UserActionError
from observer_app.handoff.parts.names import find_bundle_parts
from observer_app.handoff.parts.tar_stream import TarMember, write_tar
from observer_app.handoff.parts.transport import (
    estimate_bundle_size,
    read_bundle,
    write_bundle,
)

PART = 64 * 1024


def age_threads() -> list[threading.Thread]:
    """Background threads of this layer still running (other suites may run threads of their
    own, so the total count proves nothing)."""
    return [t for t in threading.enumerate() if t.name.startswith("bundle-") and t.is_alive()]


SECRET_TEXT = "Айгерим Сапарова saw ballot stuffing at station 101".encode()


@pytest.fixture
def identity() -> x25519.Identity:
    return x25519.Identity.generate()


def sample_members() -> list[tuple[str, bytes]]:
    return [
        ("manifest.json", b'{"v":1,"author":"' + SECRET_TEXT + b'"}'),
        ("events.jsonl", SECRET_TEXT * 500),
        ("media/0190a0b4-7c1e-7d2f-8a3b-4c5d6e7f8091-secret-name.jpg", os.urandom(5 * 2**20)),
        ("media/empty", b""),
        ("media/" + "Ы" * 100, os.urandom(513)),  # needs a pax header
    ]


def as_members(items: list[tuple[str, bytes]]) -> list[TarMember]:
    return [TarMember.from_bytes(name, data) for name, data in items]


def export(
    items: list[tuple[str, bytes]], recipient: str, stick: Path, **kwargs: object
) -> list[Path]:
    estimate = estimate_bundle_size(len(data) for _name, data in items)
    kwargs.setdefault("part_size", PART)
    return write_bundle(
        as_members(items),
        recipient,
        stick,
        estimated_size=estimate,
        **kwargs,  # type: ignore[arg-type]
    )


def read_all(parts: list[Path], identity: str) -> list[tuple[str, int, bytes]]:
    with read_bundle(parts, identity) as contents:
        received = [(m.name, m.size, m.stream.read()) for m in contents]
        assert contents.completed
    return received


def test_round_trip_across_many_tiny_parts(
    identity: x25519.Identity, stick: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    items = sample_members()
    seen: list[tuple[int, int]] = []

    parts = export(
        items, str(identity.to_public()), stick, progress=lambda d, t: seen.append((d, t))
    )

    assert len(parts) > 80
    assert sorted(stick.iterdir()) == parts
    assert all(p.stat().st_size == PART for p in parts[:-1])
    assert 0 < parts[-1].stat().st_size <= PART
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in parts)
    assert seen[-1] == (sum(p.stat().st_size for p in parts),) * 2
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    # The parts come in any order (a shell glob, a file dialog): the names put them in order.
    received = read_all(list(reversed(parts)), str(identity))
    assert received == [(name, len(data), data) for name, data in items]
    assert list(temp.iterdir()) == []  # no temp files, plaintext or not


def test_estimate_is_an_upper_bound_close_to_the_real_size(
    identity: x25519.Identity, stick: Path
) -> None:
    items = sample_members()
    parts = export(items, str(identity.to_public()), stick)
    real = sum(p.stat().st_size for p in parts)
    estimate = estimate_bundle_size(len(data) for _name, data in items)
    assert real <= estimate <= real + 16 * 1024


def test_names_and_bytes_on_the_stick_reveal_nothing(
    identity: x25519.Identity, stick: Path
) -> None:
    items = sample_members()
    parts = export(items, str(identity.to_public()), stick)

    bundle_ids = {re.fullmatch(r"olb-([0-9a-f]{16})-\d{3}-of-\d{3}\.age", p.name) for p in parts}
    assert None not in bundle_ids
    assert len({m.group(1) for m in bundle_ids if m}) == 1
    blob = b"".join(p.read_bytes() for p in parts)
    for name, data in items:
        assert name.encode() not in blob
        if data:
            assert data[:64] not in blob
    for needle in (SECRET_TEXT, "Айгерим".encode(), b"secret-name", b"manifest", b"ustar"):
        assert needle not in blob
    # A second bundle gets another random id.
    other = stick.parent / "other"
    other.mkdir()
    again = export(items[:1], str(identity.to_public()), other)
    assert again[0].name[:20] != parts[0].name[:20]


def test_stock_age_cli_opens_the_concatenated_parts(
    identity: x25519.Identity, stick: Path, tmp_path: Path
) -> None:
    items = sample_members()
    parts = export(items, str(identity.to_public()), stick)
    key_file = tmp_path / "identity.txt"
    key_file.touch(mode=0o600)
    key_file.write_text(f"# public key: {identity.to_public()}\n{identity}\n")

    decrypted = subprocess.run(
        ["age", "-d", "-i", str(key_file)],
        input=b"".join(p.read_bytes() for p in parts),
        capture_output=True,
        check=True,
    ).stdout

    expected = io.BytesIO()
    write_tar(as_members(items), expected, on_chunk=lambda: None)
    assert decrypted == expected.getvalue()
    listing = subprocess.run(
        ["tar", "-t"], input=decrypted, capture_output=True, check=True
    ).stdout.decode()
    assert listing.splitlines() == [name for name, _data in items]


def test_find_bundle_parts_groups_by_bundle(identity: x25519.Identity, stick: Path) -> None:
    first = export(sample_members()[:2], str(identity.to_public()), stick)
    second = export(sample_members()[:1], str(identity.to_public()), stick)
    (stick / "notes.txt").write_text("unrelated")
    (stick / first[0].name.replace("-of-", "-xx-")).write_text("not a part name")

    groups = find_bundle_parts(stick)

    assert sorted(groups.values()) == sorted([first, second])


def test_not_enough_free_space_refused_before_writing(
    identity: x25519.Identity, stick: Path
) -> None:
    def small_stick(path: Path) -> SimpleNamespace:
        assert path == stick
        return SimpleNamespace(free=3 * 2**20)

    with pytest.raises(UserActionError) as caught:
        export(sample_members(), str(identity.to_public()), stick, disk_usage=small_stick)

    message = caught.value.message
    found = re.fullmatch(
        rf"not enough free space on {re.escape(str(stick))} "
        r"\(need ([\d.]+) MB, have 3\.1 MB\)",
        message,
    )
    assert found is not None, message
    assert float(found.group(1)) > 5.3  # the bundle, plus allocation slack for 81 parts
    assert list(stick.iterdir()) == []


def test_enough_free_space_is_accepted(identity: x25519.Identity, stick: Path) -> None:
    items = sample_members()[:2]
    need = estimate_bundle_size(len(data) for _name, data in items) + 64 * 1024
    parts = export(
        items, str(identity.to_public()), stick, disk_usage=lambda _path: SimpleNamespace(free=need)
    )
    assert len(parts) == 1


@pytest.mark.parametrize("after_parts", [0, 30, 60, "all"])
def test_cancel_at_any_point_leaves_nothing(
    identity: x25519.Identity, stick: Path, tmp_path: Path, after_parts: int | str
) -> None:
    """From the first check to the last one (every part written and read back, just before the
    parts get their final names): nothing stays behind, the background thread is gone."""
    dry_run = tmp_path / "dry-run"
    dry_run.mkdir()
    total_parts = len(export(sample_members(), str(identity.to_public()), dry_run))
    threshold = total_parts if after_parts == "all" else after_parts
    created: list[Path] = []

    def recording_opener(path: Path) -> BinaryIO:
        created.append(path)
        return io.BufferedWriter(io.FileIO(path, "xb"))

    with pytest.raises(OperationCancelled):
        export(
            sample_members(),
            str(identity.to_public()),
            stick,
            cancel=lambda: len(created) >= threshold,
            opener=recording_opener,
        )

    assert list(stick.iterdir()) == []
    assert not age_threads()
    assert len(created) >= threshold


def failing_opener(limit: int, error: int) -> Callable[[Path], BinaryIO]:
    """Files that fail like a full (ENOSPC) or pulled (EIO) stick after `limit` bytes in all."""
    written = 0

    class Failing(io.BufferedWriter):
        def write(self, data: object) -> int:
            nonlocal written
            size = memoryview(data).nbytes  # type: ignore[arg-type]
            if written + size > limit:
                raise OSError(error, os.strerror(error))
            written += size
            return super().write(data)  # type: ignore[arg-type]

    def opener(path: Path) -> BinaryIO:
        return Failing(io.FileIO(path, "xb"))

    return opener


def test_disk_full_midway_gives_a_clear_error_and_leaves_nothing(
    identity: x25519.Identity, stick: Path
) -> None:
    with pytest.raises(UserActionError) as caught:
        export(
            sample_members(),
            str(identity.to_public()),
            stick,
            opener=failing_opener(2 * 2**20, errno.ENOSPC),
        )
    assert caught.value.message == (
        f"not enough free space on {stick}: the disk became full while writing"
    )
    assert list(stick.iterdir()) == []
    assert not age_threads()


def test_stick_pulled_midway_gives_a_clear_error(identity: x25519.Identity, stick: Path) -> None:
    with pytest.raises(UserActionError) as caught:
        export(
            sample_members(),
            str(identity.to_public()),
            stick,
            opener=failing_opener(300 * 1024, errno.EIO),
        )
    assert "the stick was removed or failed" in caught.value.message
    assert list(stick.iterdir()) == []


def test_a_stick_that_returns_other_bytes_is_caught_by_the_read_back(
    identity: x25519.Identity, stick: Path
) -> None:
    class Lying(io.BufferedWriter):
        def write(self, data: object) -> int:
            changed = bytearray(data)  # type: ignore[call-overload]
            changed[len(changed) // 2] ^= 0x01
            super().write(changed)
            return len(changed)

    with pytest.raises(UserActionError) as caught:
        export(
            sample_members(),
            str(identity.to_public()),
            stick,
            opener=lambda path: Lying(io.FileIO(path, "xb")),
        )
    assert "returned different bytes than were written (part 1)" in caught.value.message
    assert list(stick.iterdir()) == []


def test_a_failing_member_reader_propagates_and_leaves_nothing(
    identity: x25519.Identity, stick: Path
) -> None:
    class BlobDamaged(Exception):
        pass

    def broken_reader() -> BinaryIO:
        class Broken(io.BytesIO):
            def read(self, size: int | None = -1) -> bytes:
                if self.tell() > 200_000:
                    raise BlobDamaged("blob 42 failed its tag")
                return super().read(size)

        return Broken(os.urandom(10**6))

    members = [
        TarMember.from_bytes("events.jsonl", SECRET_TEXT),
        TarMember("media/x", 10**6, broken_reader),
    ]
    with pytest.raises(BlobDamaged):
        write_bundle(
            members,
            str(identity.to_public()),
            stick,
            estimated_size=estimate_bundle_size([len(SECRET_TEXT), 10**6]),
            part_size=PART,
        )
    assert list(stick.iterdir()) == []


def test_member_size_mismatch_is_a_programming_error(
    identity: x25519.Identity, stick: Path
) -> None:
    members = [TarMember("short", 10, lambda: io.BytesIO(b"123"))]
    with pytest.raises(ValueError, match="ended 7 bytes before its size"):
        write_bundle(
            members, str(identity.to_public()), stick, estimated_size=10**5, part_size=PART
        )
    assert list(stick.iterdir()) == []


def test_unsafe_member_names_are_refused_when_writing(
    identity: x25519.Identity, stick: Path
) -> None:
    for bad in ("/etc/passwd", "../x", "a//b", "a/./b", "", "dir/"):
        with pytest.raises(ValueError, match="bad member name"):
            write_bundle(
                [TarMember.from_bytes(bad, b"x")],
                str(identity.to_public()),
                stick,
                estimated_size=10**5,
                part_size=PART,
            )
    assert list(stick.iterdir()) == []


def test_members_are_streamed_one_after_the_other(identity: x25519.Identity, stick: Path) -> None:
    """Each member is opened only when its turn comes, and closed before the next one."""
    events: list[str] = []

    def opener(name: str, data: bytes) -> Callable[[], BinaryIO]:
        def open_member() -> BinaryIO:
            events.append(f"open {name}")

            class Tracked(io.BytesIO):
                def close(self) -> None:
                    events.append(f"close {name}")
                    super().close()

            return Tracked(data)

        return open_member

    def members() -> Iterator[TarMember]:
        for name, data in sample_members()[:3]:
            events.append(f"yield {name}")
            yield TarMember(name, len(data), opener(name, data))

    write_bundle(
        members(),
        str(identity.to_public()),
        stick,
        estimated_size=estimate_bundle_size([6 * 2**20]),
        part_size=PART,
    )
    names = [name for name, _data in sample_members()[:3]]
    assert events == [f"{e} {n}" for n in names for e in ("yield", "open", "close")]


def test_unread_member_data_is_skipped_and_old_streams_refuse_reads(
    identity: x25519.Identity, stick: Path
) -> None:
    items = sample_members()
    parts = export(items, str(identity.to_public()), stick)
    with read_bundle(parts, str(identity)) as contents:
        first = next(contents)
        assert first.stream.read(5) == items[0][1][:5]
        second = next(contents)
        with pytest.raises(ValueError, match="moved to the next member"):
            first.stream.read()
        assert second.name == items[1][0]
        assert second.stream.read() == items[1][1]
        third = next(contents)
        assert third.stream.read(1000) == items[2][1][:1000]
        rest = list(contents)
        assert [m.name for m in rest] == [name for name, _data in items[3:]]
        assert contents.completed


def test_leaving_the_import_early_stops_the_background_thread(
    identity: x25519.Identity, stick: Path
) -> None:
    parts = export(sample_members(), str(identity.to_public()), stick)
    with read_bundle(parts, str(identity)) as contents:
        next(contents)
        assert not contents.completed
    assert not age_threads()


def test_import_progress_runs_to_the_bundle_size(identity: x25519.Identity, stick: Path) -> None:
    parts = export(sample_members(), str(identity.to_public()), stick)
    seen: list[tuple[int, int]] = []
    with read_bundle(parts, str(identity), progress=lambda d, t: seen.append((d, t))) as contents:
        for member in contents:
            member.stream.read()
    size = sum(p.stat().st_size for p in parts)
    assert len(seen) > 3
    # Progress counts the archive bytes the reader took (the work done), against the parts'
    # size; at the end it says 100% of what was taken, a little less than the encrypted size.
    archive = seen[-1][0]
    assert seen[-1] == (archive, archive)
    assert 0 < size - archive < size // 100 + 1024
    assert all(t == size for _d, t in seen[:-1])
    done = [d for d, _t in seen]
    assert done == sorted(done)


def test_identity_file_text_with_comments_is_accepted(
    identity: x25519.Identity, stick: Path
) -> None:
    parts = export(sample_members()[:1], str(identity.to_public()), stick)
    text = f"# created: 2024-03-01\n# public key: {identity.to_public()}\n{identity}\n"
    assert read_all(parts, text)[0][0] == "manifest.json"


def test_wrong_arguments_are_refused_before_anything_is_written(
    identity: x25519.Identity, stick: Path
) -> None:
    recipient = str(identity.to_public())
    members = as_members(sample_members()[:1])
    with pytest.raises(UserActionError, match="folder not found"):
        write_bundle(members, recipient, stick / "missing", estimated_size=10**5)
    with pytest.raises(UsageError, match="part size must be between"):
        write_bundle(members, recipient, stick, estimated_size=10**5, part_size=100)
    with pytest.raises(UsageError, match="more than 999 parts"):
        write_bundle(members, recipient, stick, estimated_size=2 * 10**9, part_size=2**20)
    with pytest.raises(ValueError, match="not an age X25519 recipient"):
        write_bundle(members, "age1broken", stick, estimated_size=10**5)
    assert list(stick.iterdir()) == []
    assert not age_threads()
