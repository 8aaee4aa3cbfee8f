"""Media blob framing: a damaged blob is BlobIntegrityError, never other errors or wrong bytes.

`decrypt_stream` and `BlobReader` document BlobIntegrityError (a NotValidError) for every
damaged, truncated, spliced or foreign blob. Whatever they do return must be the original
plaintext: authenticated encryption leaves no third outcome.
"""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from observer_app.crypto.blob_cipher import (
    CHUNK_SIZE,
    BlobIntegrityError,
    decrypt_stream,
    encrypt_stream,
)
from observer_app.crypto.blob_reader import BlobReader
from tests.fuzz.fuzz_support import examples, mutations

KEY = bytes(range(32))
SMALL = bytes(range(256)) * 5
TWO_CHUNKS = bytes(CHUNK_SIZE) + b"tail"


def _encrypt(data: bytes) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, KEY, nonce_prefix=b"\x01" * 7)
    return out.getvalue()


BLOBS = {SMALL: _encrypt(SMALL), b"": _encrypt(b""), TWO_CHUNKS: _encrypt(TWO_CHUNKS)}


def _decrypt(blob: bytes) -> bytes | None:
    out = io.BytesIO()
    try:
        decrypt_stream(io.BytesIO(blob), out, KEY)
    except BlobIntegrityError as error:
        assert error.message
        return None
    return out.getvalue()


def _random_access(blob: bytes, offset: int) -> bytes | None:
    try:
        with BlobReader(io.BytesIO(blob), KEY) as reader:
            reader.seek(offset)
            tail = reader.read()
            reader.seek(0)
            return reader.read(offset) + tail
    except BlobIntegrityError as error:
        assert error.message
        return None


@settings(max_examples=examples(300))
@given(st.sampled_from([SMALL, b""]).flatmap(lambda p: st.tuples(st.just(p), mutations(BLOBS[p]))))
def test_mutated_blobs_are_refused_or_exact(case: tuple[bytes, bytes]) -> None:
    plaintext, blob = case
    assert _decrypt(blob) in (None, plaintext)
    assert _random_access(blob, len(blob) // 3) in (None, plaintext)


@settings(max_examples=examples(40))
@given(mutations(BLOBS[TWO_CHUNKS], max_operations=2))
def test_mutated_two_chunk_blobs_are_refused_or_exact(blob: bytes) -> None:
    assert _decrypt(blob) in (None, TWO_CHUNKS)
    assert _random_access(blob, CHUNK_SIZE - 2) in (None, TWO_CHUNKS)


@settings(max_examples=examples(200))
@given(st.binary(max_size=200))
def test_arbitrary_bytes_are_refused(blob: bytes) -> None:
    assert _decrypt(blob) is None
    assert _random_access(blob, 0) is None
