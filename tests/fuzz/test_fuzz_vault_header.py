"""The vault header (vault.json) is outside data too: a file anyone with the folder can edit.

`read_header` documents HeaderError for a header that is missing, unreadable or newer; the
caller turns that into exit 3 ("the vault cannot be opened"). Anything else would be exit 70.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observer_app.vault.header import HEADER_NAME, HeaderError, KdfParams, VaultHeader, read_header
from tests.fuzz.fuzz_support import examples, mutations

VALID = VaultHeader(kdf=KdfParams.for_tests(), key_checks=("0123456789abcdef" * 2,)).to_json()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("header")


def reads_or_refuses(folder: Path, data: bytes) -> None:
    (folder / HEADER_NAME).write_bytes(data)
    try:
        header = read_header(folder)
    except HeaderError as error:
        assert error.reason in ("missing", "unreadable", "newer")
        return
    assert isinstance(header.kdf.salt, bytes)


def test_the_real_header_reads(folder: Path) -> None:
    (folder / HEADER_NAME).write_bytes(VALID)
    assert read_header(folder).key_checks == ("0123456789abcdef" * 2,)


@settings(max_examples=examples(400))
@given(mutations(VALID))
def test_mutated_headers_are_read_or_refused(folder: Path, data: bytes) -> None:
    reads_or_refuses(folder, data)


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=examples(300))
@given(
    st.sampled_from(["format", "version", "kdf", "key_checks", "kdf.name", "kdf.salt"]),
    _VALUES,
)
def test_headers_with_hostile_fields_are_read_or_refused(
    folder: Path, name: str, value: Any
) -> None:
    document = json.loads(VALID)
    if name.startswith("kdf."):
        document["kdf"][name[4:]] = value
    else:
        document[name] = value
    reads_or_refuses(folder, json.dumps(document).encode())


@pytest.mark.parametrize("depth", [10_000, 200_000])
def test_deeply_nested_header_is_refused(folder: Path, depth: int) -> None:
    reads_or_refuses(folder, b"[" * depth + b"]" * depth)
    reads_or_refuses(folder, b'{"format":' * depth)


@settings(max_examples=examples(200))
@given(
    st.sampled_from(["iterations", "memory_kib", "lanes", "salt"]),
    st.one_of(
        st.sampled_from([0, -1, 2**64, 10**400, "", "AA", "!!", None, [], 1.5]),
        st.floats(),
        st.integers(),
    ),
)
def test_headers_with_hostile_kdf_parameters_are_read_or_refused(
    folder: Path, name: str, value: Any
) -> None:
    """A header that reads must also derive: absurd work factors are refused up front."""
    document = json.loads(VALID)
    document["kdf"][name] = value
    (folder / HEADER_NAME).write_bytes(json.dumps(document).encode())
    try:
        header = read_header(folder)
    except HeaderError as error:
        assert error.reason == "unreadable"
        return
    assert header.kdf.iterations >= 1 and 8 * header.kdf.lanes <= header.kdf.memory_kib
    assert header.kdf.lanes >= 1 and len(header.kdf.salt) >= 16
