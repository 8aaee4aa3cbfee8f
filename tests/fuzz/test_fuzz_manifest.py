"""Bundle manifests and event lines: parsed, or refused with the documented error type.

`parse_manifest` documents DocumentError (a NotValidError) for every malformed manifest;
`split_event_line` documents ValueError. Inputs: mutations of a really signed manifest, and
manifests signed correctly but with hostile field values (what a compromised observer's laptop
could send: the signature is fine, the data is not).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from observer_app.crypto import keys
from observer_app.handoff.bundle.manifest import (
    MANIFEST_TYPE,
    MediaEntry,
    event_line,
    new_manifest,
    parse_manifest,
    sign_manifest,
    split_event_line,
)
from observer_app.handoff.documents import DocumentError, sign_document
from tests.fuzz.fuzz_support import examples, mutations

KEY = keys.generate_signing_key()
HASH = "ab" * 32
MANIFEST = new_manifest(
    author="01" * 32,
    coordinator="02" * 32,
    from_seq=3,
    to_seq=5,
    after_hash=HASH,
    head_hash="cd" * 32,
    media=[MediaEntry("ef" * 32, 1234)],
)
SIGNED = sign_manifest(MANIFEST, KEY)

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1),
    st.sampled_from([0, 1, -1, 2**53 - 1, HASH, HASH.upper(), HASH[:-1], "", "1"]),
    st.text(max_size=10),
    st.lists(st.integers(min_value=0, max_value=3), max_size=2),
    st.dictionaries(st.sampled_from(["sha256", "size"]), st.sampled_from([HASH, 5, -1, None])),
)
FIELDS = [*MANIFEST.content(), "type", "v"]


def parses_or_refuses(data: bytes) -> None:
    try:
        manifest, _opened = parse_manifest(data)
    except DocumentError as error:
        assert error.message and "\n" not in error.message
        return
    assert manifest.event_count == manifest.to_seq - manifest.from_seq + 1 >= 1
    assert all(entry.size >= 0 for entry in manifest.media)


def test_the_real_manifest_parses() -> None:
    assert parse_manifest(SIGNED)[0] == MANIFEST


@settings(max_examples=examples(500))
@given(mutations(SIGNED))
def test_mutated_manifests_are_parsed_or_refused(data: bytes) -> None:
    parses_or_refuses(data)


@settings(max_examples=examples(400))
@given(st.dictionaries(st.sampled_from(FIELDS), HOSTILE, max_size=4), st.data())
def test_signed_manifests_with_hostile_fields_are_parsed_or_refused(
    changes: dict[str, Any], data: st.DataObject
) -> None:
    content = {**MANIFEST.content(), **changes}
    if data.draw(st.booleans()):
        content["media"] = data.draw(st.lists(HOSTILE, max_size=3))
    for name in data.draw(st.lists(st.sampled_from(FIELDS), max_size=2)):
        content.pop(name, None)
    kind = content.pop("type", MANIFEST_TYPE)
    content.pop("v", None)
    try:
        signed = sign_document(KEY, kind if isinstance(kind, str) else MANIFEST_TYPE, content)
    except ValueError:
        return  # not expressible as canonical JSON: cannot be on a stick either
    parses_or_refuses(signed)


LINE = event_line(b'{"seq":1,"type":"note.added"}', b"\x30\x45" + bytes(69))


@settings(max_examples=examples(400))
@given(mutations(LINE))
def test_mutated_event_lines_split_or_refuse(line: bytes) -> None:
    try:
        payload, _signature = split_event_line(line)
    except ValueError:
        return
    # The signed bytes are cut out verbatim (base64 may be spelt with extra padding).
    assert line.startswith(b'{"event":' + payload + b',"signature":"')
    assert line.endswith(b'"}\n')
