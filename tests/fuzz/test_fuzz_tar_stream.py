"""The strict tar reader of bundles: every stream is read to its end or refused as NotValidError.

`TarMemberReader` documents NotValidError for every problem (the source's own exceptions pass
through; an in-memory source has none). Any other exception, or a member that yields more
bytes than it declared, is a finding.
"""

from __future__ import annotations

import io
import tarfile

from hypothesis import given, settings
from hypothesis import strategies as st

from observer_app.errors import NotValidError
from observer_app.handoff.parts.tar_stream import TarMember, TarMemberReader, write_tar
from tests.fuzz.fuzz_support import examples, mutations


def _tar(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    write_tar([TarMember.from_bytes(n, d) for n, d in members], out, on_chunk=lambda: None)
    return out.getvalue()


VALID = _tar(
    [
        ("manifest.json", b'{"document":{},"signature":""}'),
        ("events.jsonl", b'{"event":{},"signature":"AA=="}\n' * 3),
        ("media/" + "ab" * 32, bytes(range(256)) * 3),
        ("каталог/" + "я" * 100, b"x"),  # non-ASCII and long: a pax header
    ]
)


def read_everything(data: bytes) -> list[tuple[str, int]]:
    """Read every member to its end, as the import does; the members seen."""
    seen: list[tuple[str, int]] = []
    reader = TarMemberReader(io.BytesIO(data), on_read=lambda: None)
    for member in reader:
        body = member.stream.read()
        assert len(body) == member.size
        seen.append((member.name, member.size))
    assert reader.completed
    return seen


def reads_or_refuses(data: bytes) -> None:
    try:
        read_everything(data)
    except NotValidError as error:
        assert error.message and "\n" not in error.message


def test_the_valid_artifact_reads() -> None:
    assert [name for name, _size in read_everything(VALID)][:2] == ["manifest.json", "events.jsonl"]


@settings(max_examples=examples(600))
@given(mutations(VALID))
def test_mutated_tar_streams_are_read_or_refused(data: bytes) -> None:
    reads_or_refuses(data)


_PAX_KEYS = st.sampled_from(["path", "size", "linkpath", "mtime", "uid", "comment", "", "sizé"])
_PAX_VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-10, max_value=10**40).map(str),
    st.sampled_from(["0", "00", " 1", "1e3", "+5", "-1", ""]),
)


@st.composite
def near_valid_members(draw: st.DrawFn) -> bytes:
    """Hand-built headers: real tarfile headers with hostile types, names, sizes, pax records."""
    blocks = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        info = tarfile.TarInfo(draw(st.sampled_from(["a", "../a", "/etc/x", "m/ok", "a" * 300])))
        info.type = draw(
            st.sampled_from(
                [
                    tarfile.REGTYPE,
                    tarfile.AREGTYPE,
                    tarfile.DIRTYPE,
                    tarfile.SYMTYPE,
                    tarfile.XHDTYPE,
                    tarfile.GNUTYPE_LONGNAME,
                ]
            )
        )
        body = draw(st.binary(max_size=600))
        info.size = draw(st.sampled_from([len(body), 0, len(body) + 1, 2**33, 8**11 - 1]))
        pax = draw(st.dictionaries(_PAX_KEYS, _PAX_VALUES, max_size=3))
        try:
            header = info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
            if pax:
                header = (
                    tarfile.TarInfo._create_pax_generic_header(  # type: ignore[attr-defined]
                        pax, tarfile.XHDTYPE, "utf-8"
                    )
                    + header
                )
        except (ValueError, UnicodeError):
            header = bytes(512)
        blocks.append(header + body + bytes(-len(body) % 512))
    end = draw(st.sampled_from([bytes(1024), bytes(512), b"", bytes(10240), bytes(1024) + b"\x01"]))
    return b"".join(blocks) + end


@settings(max_examples=examples(500))
@given(near_valid_members())
def test_generated_tar_streams_are_read_or_refused(data: bytes) -> None:
    reads_or_refuses(data)


@settings(max_examples=examples(200))
@given(
    st.sampled_from(["size", "path"]),
    st.one_of(
        st.sampled_from(["9" * 5000, "²", "１２", "0" * 4400 + "1", "٣"]),
        st.text(alphabet="0123456789²³¹٠١٢٣", min_size=1, max_size=30),
    ),
)
def test_hostile_pax_records_are_read_or_refused(key: str, value: str) -> None:
    info = tarfile.TarInfo("a")
    info.size = 0
    pax = tarfile.TarInfo._create_pax_generic_header(  # type: ignore[attr-defined]
        {key: value}, tarfile.XHDTYPE, "utf-8"
    )
    reads_or_refuses(pax + info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape") + bytes(1024))
