"""Bundles that must be refused on import, each with its one-line reason.

The bundle is made once per test with real pyrage and then damaged on the "stick" the way it
happens in the field: a copy cut short, a part left behind, files renamed, a flipped bit, the
wrong coordinator. Members the reader yields before the damage shows are authentic but the
bundle is not whole: the iteration must still end in an error, never in completion.
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import threading
from pathlib import Path

import pyrage
import pytest
from pyrage import x25519

from observer_app.errors import NotValidError, ObserverError, UsageError, UserActionError
from observer_app.handoff.age.stream import AGE_CHUNK, AGE_TAG, payload_start
from observer_app.handoff.parts.tar_stream import TarMember
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


TRUNCATED = "bundle truncated: it ends early (the last part is incomplete or missing)"
NOT_FOR_US = "bundle not encrypted to this coordinator"
ITEMS = [("manifest.json", b'{"v":1}'), ("events.jsonl", b"e" * 3000)]


@pytest.fixture(scope="module")
def identity() -> x25519.Identity:
    return x25519.Identity.generate()


@pytest.fixture(scope="module")
def media() -> bytes:
    return os.urandom(3 * 2**20)


@pytest.fixture
def parts(identity: x25519.Identity, media: bytes, tmp_path: Path) -> list[Path]:
    stick = tmp_path / "stick"
    stick.mkdir()
    items = [*ITEMS, ("media/a.jpg", media)]
    return write_bundle(
        [TarMember.from_bytes(name, data) for name, data in items],
        str(identity.to_public()),
        stick,
        estimated_size=estimate_bundle_size(len(data) for _n, data in items),
        part_size=PART,
    )


def consume(paths: list[Path], identity: str) -> list[str]:
    """Read everything like an importer would; return the names fully read."""
    names: list[str] = []
    with read_bundle(paths, identity) as contents:
        for member in contents:
            while member.stream.read(2**16):
                pass
            names.append(member.name)
        assert contents.completed
    return names


def refusal(paths: list[Path], identity: x25519.Identity | str) -> ObserverError:
    with pytest.raises(ObserverError) as caught:
        consume(paths, str(identity))
    assert not age_threads()
    return caught.value


def swap_files(a: Path, b: Path) -> None:
    temp = a.with_name("swap.tmp")
    a.rename(temp)
    b.rename(a)
    temp.rename(b)


def test_the_intact_bundle_is_accepted(parts: list[Path], identity: x25519.Identity) -> None:
    assert consume(parts, str(identity)) == ["manifest.json", "events.jsonl", "media/a.jpg"]


@pytest.mark.parametrize("keep", [0.5, 0.0])
def test_truncated_last_part(parts: list[Path], identity: x25519.Identity, keep: float) -> None:
    last = parts[-1]
    data = last.read_bytes()
    last.write_bytes(data[: int(len(data) * keep)] if keep else data[:-1])
    error = refusal(parts, identity)
    assert isinstance(error, NotValidError) and error.message == TRUNCATED


def test_truncated_at_a_chunk_boundary(
    parts: list[Path], identity: x25519.Identity, tmp_path: Path
) -> None:
    """Cut exactly between two age chunks, in one file that is not named as a part."""
    whole = b"".join(p.read_bytes() for p in parts)
    start = payload_start(whole[:2048])
    assert start is not None
    cut = tmp_path / "bundle.age"
    cut.write_bytes(whole[: start + 20 * (AGE_CHUNK + AGE_TAG)])
    error = refusal([cut], identity)
    assert isinstance(error, NotValidError) and error.message == TRUNCATED


def test_the_whole_bundle_as_one_concatenated_file_is_accepted(
    parts: list[Path], identity: x25519.Identity, tmp_path: Path
) -> None:
    whole = tmp_path / "bundle.age"
    whole.write_bytes(b"".join(p.read_bytes() for p in parts))
    assert len(consume([whole], str(identity))) == 3


def test_missing_middle_part(parts: list[Path], identity: x25519.Identity) -> None:
    parts[4].unlink()
    error = refusal(parts[:4] + parts[5:], identity)
    assert isinstance(error, NotValidError)
    assert error.message == f"bundle incomplete: part 5 of {len(parts)} missing"


def test_missing_last_parts(parts: list[Path], identity: x25519.Identity) -> None:
    total = len(parts)
    error = refusal(parts[:-2], identity)
    assert error.message == f"bundle incomplete: parts {total - 1}, {total} of {total} missing"


def test_a_shortened_middle_part(parts: list[Path], identity: x25519.Identity) -> None:
    parts[3].write_bytes(parts[3].read_bytes()[:-100])
    error = refusal(parts, identity)
    assert error.message == f"bundle truncated: part 4 of {len(parts)} is incomplete"


def test_swapped_parts(parts: list[Path], identity: x25519.Identity) -> None:
    swap_files(parts[6], parts[9])
    error = refusal(parts, identity)
    assert isinstance(error, NotValidError)
    # 64 KiB parts never align with age's 64 KiB + 16 chunks: the failing chunk spans two.
    assert (
        error.message == f"bundle damaged: part 6 or 7 of {len(parts)} failed the integrity check"
    )


def test_swapped_first_parts(parts: list[Path], identity: x25519.Identity) -> None:
    swap_files(parts[0], parts[1])
    error = refusal(parts, identity)
    assert error.message == (
        "bundle damaged: not an age-encrypted bundle, or its start (part 1) is damaged"
    )


def test_a_flipped_byte(parts: list[Path], identity: x25519.Identity) -> None:
    target = parts[20]
    data = bytearray(target.read_bytes())
    data[40_000] ^= 0x04
    target.write_bytes(bytes(data))
    error = refusal(parts, identity)
    assert isinstance(error, NotValidError)
    # The failing 64 KiB chunk spans parts 21 and 22; which of them holds the bad byte is unknown.
    assert error.message == (
        f"bundle damaged: part 21 or 22 of {len(parts)} failed the integrity check"
    )


def test_a_flipped_byte_names_its_part(
    identity: x25519.Identity, media: bytes, tmp_path: Path
) -> None:
    stick = tmp_path / "big-parts"
    stick.mkdir()
    big = write_bundle(
        [TarMember.from_bytes("media/a.jpg", media)],
        str(identity.to_public()),
        stick,
        estimated_size=estimate_bundle_size([len(media)]),
        part_size=2**20,
    )
    data = bytearray(big[1].read_bytes())
    data[500_000] ^= 0x01
    big[1].write_bytes(bytes(data))
    error = refusal(big, identity)
    assert error.message == "bundle damaged: part 2 of 4 failed the integrity check"


def test_members_before_the_damage_are_read_but_the_bundle_never_completes(
    parts: list[Path], identity: x25519.Identity
) -> None:
    target = parts[30]
    data = bytearray(target.read_bytes())
    data[100] ^= 0x80
    target.write_bytes(bytes(data))
    read: list[str] = []
    with pytest.raises(NotValidError), read_bundle(parts, str(identity)) as contents:
        try:
            for member in contents:
                member.stream.read()
                read.append(member.name)
        finally:
            assert not contents.completed
    # Whatever decrypted before the damage is delivered first, however the threads ran.
    assert read == ["manifest.json", "events.jsonl"]


def test_wrong_identity(parts: list[Path]) -> None:
    error = refusal(parts, x25519.Identity.generate())
    assert isinstance(error, NotValidError) and error.message == NOT_FOR_US


def test_parts_of_two_bundles(parts: list[Path], identity: x25519.Identity) -> None:
    other = parts[2].with_name(parts[2].name.replace(parts[2].name[4:20], "0" * 16))
    parts[2].rename(other)
    error = refusal([*parts[:2], other, *parts[3:]], identity)
    assert error.message == "the files given belong to different bundles"


def test_an_unfinished_export_is_not_a_part(parts: list[Path], identity: x25519.Identity) -> None:
    leftover = parts[0].with_name(parts[0].name[:24] + ".partial")
    parts[0].rename(leftover)
    error = refusal([leftover, *parts[1:]], identity)
    assert error.message == f"{leftover.name} is an unfinished export, not a bundle part"


def test_a_stray_file_among_the_parts(
    parts: list[Path], identity: x25519.Identity, tmp_path: Path
) -> None:
    stray = tmp_path / "holiday.jpg"
    stray.write_bytes(b"jpeg")
    error = refusal([*parts, stray], identity)
    assert error.message == "holiday.jpg is not a bundle part"


def test_a_part_given_twice(parts: list[Path], identity: x25519.Identity, tmp_path: Path) -> None:
    copy = tmp_path / parts[1].name
    shutil.copy(parts[1], copy)
    error = refusal([*parts, copy], identity)
    assert error.message == "part 2 of the bundle is given twice"


def test_no_files(identity: x25519.Identity) -> None:
    assert isinstance(refusal([], identity), UsageError)


def test_a_part_vanishing_during_import_is_a_read_error(
    identity: x25519.Identity, tmp_path: Path
) -> None:
    """Sizes are checked first; a part that disappears afterwards (stick pulled) is reported as
    unreadable, not as a damaged bundle. The bundle is larger than what the decryption thread
    may buffer ahead (4 MiB), so the last part is still unread when it vanishes."""
    stick = tmp_path / "stick"
    stick.mkdir()
    media = os.urandom(8 * 2**20)
    parts = write_bundle(
        [TarMember.from_bytes("media/a.jpg", media)],
        str(identity.to_public()),
        stick,
        estimated_size=estimate_bundle_size([len(media)]),
        part_size=PART,
    )
    with pytest.raises(UserActionError) as caught, read_bundle(parts, str(identity)) as contents:
        parts[-1].unlink()
        for member in contents:
            member.stream.read()
    assert caught.value.message.startswith(f"could not read {parts[-1]}:")


# -- validly encrypted, but not what write_bundle makes (a malicious or broken sender) ----------


def encrypted_file(tmp_path: Path, identity: x25519.Identity, plaintext: bytes) -> list[Path]:
    path = tmp_path / "crafted.age"
    path.write_bytes(pyrage.encrypt(plaintext, [identity.to_public()]))
    return [path]


def tar_bytes(*entries: tarfile.TarInfo, data: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info in entries:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return buffer.getvalue()


def regular(name: str, size: int = 0, pax: dict[str, str] | None = None) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.pax_headers = pax or {}
    return info


@pytest.mark.parametrize(
    ("plaintext", "reason"),
    [
        (b"not a tar archive at all" * 100, "bundle damaged: invalid header"),
        (tar_bytes(regular("a", 5), data=b"hello")[:515], "bundle damaged: the archive ends early"),
        (
            tar_bytes(regular("../../etc/cron.d/x", 1), data=b"x"),
            "bundle damaged: unsafe member name",
        ),
        (tar_bytes(regular("/abs", 1), data=b"x"), "bundle damaged: unsafe member name"),
        (
            tar_bytes(regular("a", 5), data=b"hello") + b"\x00" * 100 + b"trailing",
            "bundle damaged: data after the end of the archive",
        ),
        (
            tar_bytes(regular("a", 5), data=b"hello")[:1536],
            "bundle damaged: the archive ends early",
        ),
        # Numeric pax values are checked before int(): more than 4300 digits made int() raise
        # a bare ValueError, and str.isdigit() passes digits int() does not read ('²').
        (
            tar_bytes(regular("a", 1, {"size": "9" * 5000}), data=b"x"),
            "bundle damaged: invalid header",
        ),
        (
            tar_bytes(regular("a", 1, {"size": "\u00b2"}), data=b"x"),
            "bundle damaged: invalid header",
        ),
        (
            tar_bytes(regular("a", 1, {"mtime": "1" * 5000}), data=b"x"),
            "bundle damaged: invalid header",
        ),
        (
            tar_bytes(regular("a", 1, {"uid": "-1"}), data=b"x"),
            "bundle damaged: invalid header",
        ),
    ],
    ids=[
        "garbage",
        "cut-in-member",
        "dotdot",
        "absolute",
        "trailing",
        "no-end",
        "pax-size-5000-digits",
        "pax-size-superscript-digit",
        "pax-mtime-5000-digits",
        "pax-negative-uid",
    ],
)
def test_crafted_archives_are_refused(
    tmp_path: Path, identity: x25519.Identity, plaintext: bytes, reason: str
) -> None:
    error = refusal(encrypted_file(tmp_path, identity, plaintext), identity)
    assert isinstance(error, NotValidError) and error.message == reason


def test_symlink_entry_is_refused(tmp_path: Path, identity: x25519.Identity) -> None:
    link = tarfile.TarInfo("media/link")
    link.type = tarfile.SYMTYPE
    link.linkname = "/etc/passwd"
    error = refusal(encrypted_file(tmp_path, identity, tar_bytes(link)), identity)
    assert error.message == "bundle damaged: unexpected entry type"


def test_an_archive_from_pythons_tarfile_is_read(tmp_path: Path, identity: x25519.Identity) -> None:
    """The reader is strict, not idiosyncratic: a plain pax archive with long names works."""
    name = "media/" + "д" * 120
    plaintext = tar_bytes(regular(name, 5), data=b"hello")
    assert consume(encrypted_file(tmp_path, identity, plaintext), str(identity)) == [name]


def test_fractional_pax_times_are_read(tmp_path: Path, identity: x25519.Identity) -> None:
    """The numeric check is not stricter than pax: tarfile writes a float mtime as '1.5'."""
    info = regular("a", 1)
    info.mtime = 1.5
    plaintext = tar_bytes(info, data=b"x")
    assert b"mtime=1.5" in plaintext
    assert consume(encrypted_file(tmp_path, identity, plaintext), str(identity)) == ["a"]
