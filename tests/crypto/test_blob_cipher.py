"""The media blob cipher: known answers, the documented layout, round trips, random access,
and rejection of every splice, truncation and tamper the STREAM construction is meant to stop."""

from __future__ import annotations

import hashlib
import io
import random
import tracemalloc
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from observer_app.crypto.blob_cipher import (
    CHUNK_SIZE,
    HEADER_SIZE,
    TAG_SIZE,
    BlobIntegrityError,
    BlobWriter,
    ciphertext_size,
    decrypt_stream,
    encrypt_stream,
    new_blob_key,
    plaintext_size,
)
from observer_app.crypto.blob_reader import BlobReader
from observer_app.errors import NotValidError, OperationCancelled

KEY = bytes(range(32))
PREFIX = bytes.fromhex("a0a1a2a3a4a5a6")
SEALED = CHUNK_SIZE + TAG_SIZE
MiB = CHUNK_SIZE


def plaintext(size: int, seed: int = 0) -> bytes:
    """Deterministic, non-periodic-per-chunk test data (251 is prime)."""
    pattern = bytes((i + seed) % 256 for i in range(251))
    return (pattern * (size // 251 + 1))[:size]


def encrypt(data: bytes, key: bytes = KEY, prefix: bytes | None = PREFIX) -> bytes:
    out = io.BytesIO()
    written = encrypt_stream(io.BytesIO(data), out, key, nonce_prefix=prefix)
    assert written == len(out.getvalue()) == ciphertext_size(len(data))
    return out.getvalue()


def decrypt(blob: bytes, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    assert decrypt_stream(io.BytesIO(blob), out, key) == len(out.getvalue())
    return out.getvalue()


def read_all(blob: bytes, key: bytes = KEY) -> bytes:
    with BlobReader(io.BytesIO(blob), key) as reader:
        return reader.read()


def reference_encrypt(data: bytes, key: bytes, prefix: bytes) -> bytes:
    """The layout of docs/formats/blob-cipher.md, written independently with plain AES-GCM."""
    header = b"\x01" + prefix
    chunks = [data[i : i + CHUNK_SIZE] for i in range(0, len(data), CHUNK_SIZE)] or [b""]
    out = [header]
    for index, chunk in enumerate(chunks):
        last = b"\x01" if index == len(chunks) - 1 else b"\x00"
        nonce = prefix + index.to_bytes(4, "big") + last
        out.append(AESGCM(key).encrypt(nonce, chunk, header))
    return b"".join(out)


# SHA-256 of the whole blob file for KEY, PREFIX and plaintext(size), pinned once.
KNOWN_ANSWERS = {
    0: "464a35e3e0ec0b92c386621ee4a913840753efa29b4615528065f7a6f9f5fbcf",
    5: "18592ba55752d5ab5d71c5d4eceb8c9447656cc884704310f0d03fcf884f402e",
    MiB: "1b445c7e7d5485c6484d82c08ce788545b668c411dc0fc6614de18c59b13a78a",
    MiB + 1: "6ae784e8cbefdae8e9d49cdfa8e9c180a803b2bf01e0998407ce4cfdead7a742",
}


@pytest.mark.parametrize(("size", "digest"), KNOWN_ANSWERS.items())
def test_known_answer_vectors(size: int, digest: str) -> None:
    blob = encrypt(plaintext(size))
    assert hashlib.sha256(blob).hexdigest() == digest
    assert blob == reference_encrypt(plaintext(size), KEY, PREFIX)
    assert decrypt(blob) == plaintext(size)


def test_vectors_printed_in_the_format_document() -> None:
    assert encrypt(b"").hex() == "01a0a1a2a3a4a5a6847911f7ee0e4a24c306b8aba51e4a4b"
    assert encrypt(b"hello").hex() == ("01a0a1a2a3a4a5a61f042572d7d52b3cd857ad70d29e48a81edb53ed7d")


def test_documented_first_chunk_layout() -> None:
    blob = encrypt(plaintext(MiB + 1))
    assert blob[:HEADER_SIZE] == b"\x01" + PREFIX
    first = blob[HEADER_SIZE : HEADER_SIZE + SEALED]
    nonce = PREFIX + b"\x00\x00\x00\x00" + b"\x00"  # counter 0, not last
    assert AESGCM(KEY).decrypt(nonce, first, blob[:HEADER_SIZE]) == plaintext(MiB)
    last = blob[HEADER_SIZE + SEALED :]
    assert len(last) == 1 + TAG_SIZE
    nonce = PREFIX + b"\x00\x00\x00\x01" + b"\x01"  # counter 1, last
    assert AESGCM(KEY).decrypt(nonce, last, blob[:HEADER_SIZE]) == plaintext(MiB + 1)[MiB:]
    # Empty plaintext is exactly one empty final chunk: a bare tag after the header.
    empty = encrypt(b"")
    assert len(empty) == HEADER_SIZE + TAG_SIZE
    nonce = PREFIX + b"\x00\x00\x00\x00\x01"
    assert AESGCM(KEY).decrypt(nonce, empty[HEADER_SIZE:], empty[:HEADER_SIZE]) == b""


SIZES = [0, 1, 5, MiB - 1, MiB, MiB + 1, 2 * MiB, 2 * MiB + 5, 3 * MiB - 1]


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_around_chunk_boundaries(size: int) -> None:
    data = plaintext(size, seed=size)
    blob = encrypt(data, prefix=None)
    assert plaintext_size(len(blob)) == size
    assert decrypt(blob) == data
    with BlobReader(io.BytesIO(blob), KEY) as reader:
        assert reader.size == size
        assert reader.read() == data
        assert reader.read(10) == b""


def test_writer_matches_stream_for_any_write_pattern() -> None:
    data = plaintext(2 * MiB + 777)
    expected = encrypt(data)
    for step in (1000, MiB - 1, MiB, MiB + 3, len(data)):
        out = io.BytesIO()
        with BlobWriter(out, KEY, nonce_prefix=PREFIX) as writer:
            for offset in range(0, len(data), step):
                writer.write(data[offset : offset + step])
        assert out.getvalue() == expected
        assert writer.bytes_written == len(expected)
        with pytest.raises(ValueError):
            writer.write(b"more")


def test_fresh_prefix_each_blob() -> None:
    data = plaintext(100)
    first, second = encrypt(data, prefix=None), encrypt(data, prefix=None)
    assert first[1:HEADER_SIZE] != second[1:HEADER_SIZE]
    assert first[HEADER_SIZE:] != second[HEADER_SIZE:]
    assert len(new_blob_key()) == 32
    assert new_blob_key() != new_blob_key()


def test_sizes_are_consistent() -> None:
    for size in [*SIZES, 10 * MiB + 12345]:
        assert plaintext_size(ciphertext_size(size)) == size
    for bad in (0, HEADER_SIZE, HEADER_SIZE + TAG_SIZE - 1, HEADER_SIZE + SEALED + 5):
        with pytest.raises(BlobIntegrityError):
            plaintext_size(bad)


def test_random_access_reads_equal_slices() -> None:
    data = plaintext(3 * MiB + MiB // 2, seed=7)
    blob = encrypt(data)
    rng = random.Random(1234)
    with BlobReader(io.BytesIO(blob), KEY) as reader:
        for _ in range(300):
            start = rng.randrange(len(data) + 10)
            length = rng.choice([0, 1, 100, 65536, MiB, MiB + 1, 2 * MiB + 3])
            assert reader.seek(start) == start
            assert reader.read(length) == data[start : start + length]
            assert reader.tell() == max(start, min(len(data), start + length))
        # Boundaries, relative seeks and the end.
        reader.seek(MiB - 2)
        assert reader.read(4) == data[MiB - 2 : MiB + 2]
        reader.seek(-10, io.SEEK_END)
        assert reader.read() == data[-10:]
        reader.seek(MiB)
        reader.seek(-5, io.SEEK_CUR)
        assert reader.read(5) == data[MiB - 5 : MiB]
        buffer = bytearray(7)
        reader.seek(2 * MiB - 3)
        assert reader.readinto(buffer) == 7
        assert bytes(buffer) == data[2 * MiB - 3 : 2 * MiB + 4]
        with pytest.raises(ValueError):
            reader.seek(-1)
    # The standard buffered wrapper works on top (how Qt or PIL would consume it).
    with io.BufferedReader(BlobReader(io.BytesIO(blob), KEY)) as buffered:
        buffered.seek(MiB + 5)
        assert buffered.read(100) == data[MiB + 5 : MiB + 105]


def test_reader_owns_and_closes_its_source() -> None:
    source = io.BytesIO(encrypt(plaintext(10)))
    reader = BlobReader(source, KEY)
    reader.close()
    assert source.closed
    with pytest.raises(ValueError):
        reader.read(1)
    bad = io.BytesIO(encrypt(plaintext(10))[:-1])
    with pytest.raises(BlobIntegrityError):
        BlobReader(bad, KEY)
    assert bad.closed


def assert_rejected(blob: bytes, key: bytes = KEY, *, at_open: bool = True) -> None:
    """Every reading path refuses the blob; none returns silently shorter or altered data."""
    with pytest.raises(BlobIntegrityError) as caught:
        decrypt(blob, key)
    assert isinstance(caught.value, NotValidError)
    assert caught.value.exit_code == 1
    if at_open:
        with pytest.raises(BlobIntegrityError):
            BlobReader(io.BytesIO(blob), key)
    else:
        with pytest.raises(BlobIntegrityError), BlobReader(io.BytesIO(blob), key) as reader:
            reader.read()


THREE_CHUNKS = plaintext(2 * MiB + 1000, seed=3)


@pytest.fixture(scope="module")
def blob3() -> bytes:
    return encrypt(THREE_CHUNKS)


def test_untampered_blob_passes(blob3: bytes) -> None:
    assert decrypt(blob3) == THREE_CHUNKS
    assert read_all(blob3) == THREE_CHUNKS


@pytest.mark.parametrize(
    "cut",
    [
        HEADER_SIZE + 2 * SEALED,  # drop the final chunk exactly at a chunk boundary
        HEADER_SIZE + SEALED,  # drop the last two chunks
        HEADER_SIZE + 2 * SEALED + 500,  # mid final chunk
        HEADER_SIZE + SEALED + 12345,  # mid middle chunk
        HEADER_SIZE + 2 * SEALED + 8,  # inside the final tag area
        HEADER_SIZE + 2 * SEALED + TAG_SIZE,  # leaves a bare tag after full chunks
        HEADER_SIZE,  # header only
        3,  # inside the header
        0,  # empty file
    ],
)
def test_truncation_rejected(blob3: bytes, cut: int) -> None:
    assert_rejected(blob3[:cut])


@pytest.mark.parametrize("extra", [b"\x00", bytes(TAG_SIZE), bytes(SEALED), b"x" * 1000])
def test_appended_data_rejected(blob3: bytes, extra: bytes) -> None:
    assert_rejected(blob3 + extra)


def test_dropping_a_middle_chunk_rejected(blob3: bytes) -> None:
    spliced = blob3[: HEADER_SIZE + SEALED] + blob3[HEADER_SIZE + 2 * SEALED :]
    assert_rejected(spliced, at_open=False)


def test_swapping_chunks_rejected(blob3: bytes) -> None:
    first = blob3[HEADER_SIZE : HEADER_SIZE + SEALED]
    second = blob3[HEADER_SIZE + SEALED : HEADER_SIZE + 2 * SEALED]
    swapped = blob3[:HEADER_SIZE] + second + first + blob3[HEADER_SIZE + 2 * SEALED :]
    assert_rejected(swapped, at_open=False)
    # The reader opens (the final chunk is intact) but refuses each swapped chunk.
    with BlobReader(io.BytesIO(swapped), KEY) as reader:
        assert reader.size == len(THREE_CHUNKS)
        reader.seek(2 * MiB)
        assert reader.read() == THREE_CHUNKS[2 * MiB :]
        for position in (0, MiB):
            reader.seek(position)
            with pytest.raises(BlobIntegrityError):
                reader.read(1)


@pytest.mark.parametrize("other_key", [KEY, bytes(32)], ids=["same-key", "other-key"])
def test_chunk_from_another_blob_rejected(blob3: bytes, other_key: bytes) -> None:
    other = encrypt(THREE_CHUNKS, key=other_key, prefix=bytes.fromhex("b0b1b2b3b4b5b6"))
    middle = slice(HEADER_SIZE + SEALED, HEADER_SIZE + 2 * SEALED)
    spliced = blob3[: middle.start] + other[middle] + blob3[middle.stop :]
    assert_rejected(spliced, at_open=False)
    # Their final chunk in place of ours: refused on open.
    assert_rejected(blob3[: HEADER_SIZE + 2 * SEALED] + other[HEADER_SIZE + 2 * SEALED :])
    # Our chunks under their header (prefix): every chunk fails.
    assert_rejected(other[:HEADER_SIZE] + blob3[HEADER_SIZE:], key=other_key)


@pytest.mark.parametrize(
    "position",
    [1, HEADER_SIZE - 1, HEADER_SIZE, HEADER_SIZE + SEALED - 1, -1, -TAG_SIZE - 1],
    ids=["prefix", "prefix-end", "chunk0", "tag0", "last-tag", "last-data"],
)
def test_flipped_bit_rejected(blob3: bytes, position: int) -> None:
    tampered = bytearray(blob3)
    tampered[position] ^= 0x10
    at_open = position in (1, HEADER_SIZE - 1) or position < 0
    assert_rejected(bytes(tampered), at_open=at_open)


def test_version_byte(blob3: bytes) -> None:
    with pytest.raises(BlobIntegrityError, match="newer"):
        decrypt(b"\x02" + blob3[1:])
    assert_rejected(b"\x00" + blob3[1:])


def test_wrong_key_rejected(blob3: bytes) -> None:
    assert_rejected(blob3, key=bytes(32))
    with pytest.raises(ValueError):
        decrypt(blob3, key=KEY[:16])
    with pytest.raises(ValueError):
        encrypt(b"x", prefix=b"short")


def test_empty_final_chunk_after_full_chunks_rejected() -> None:
    # A correctly keyed blob that ends with an empty final chunk after a full one: not the
    # canonical encoding of 1 MiB (whose single full chunk is the last), so it is refused.
    header = b"\x01" + PREFIX
    aead = AESGCM(KEY)
    chunk0 = aead.encrypt(PREFIX + b"\x00\x00\x00\x00\x00", plaintext(MiB), header)
    chunk1 = aead.encrypt(PREFIX + b"\x00\x00\x00\x01\x01", b"", header)
    assert_rejected(header + chunk0 + chunk1)


def test_writer_aborted_by_exception_leaves_rejectable_output() -> None:
    out = io.BytesIO()
    with pytest.raises(RuntimeError), BlobWriter(out, KEY) as writer:
        writer.write(plaintext(MiB + 10))
        raise RuntimeError("disk full")
    assert_rejected(out.getvalue())


class Trickle(io.RawIOBase):
    """A source that returns at most `step` bytes a read, like a pipe."""

    def __init__(self, data: bytes, step: int) -> None:
        super().__init__()
        self._data, self._pos, self._step = data, 0, step

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        size = self._step if size is None or size < 0 else min(size, self._step)
        piece = self._data[self._pos : self._pos + size]
        self._pos += len(piece)
        return piece


def test_short_reads_from_source() -> None:
    data = plaintext(2 * MiB + 3)
    out = io.BytesIO()
    encrypt_stream(Trickle(data, 100_000), out, KEY, nonce_prefix=PREFIX)
    assert out.getvalue() == encrypt(data)
    back = io.BytesIO()
    decrypt_stream(Trickle(out.getvalue(), 70_001), back, KEY)
    assert back.getvalue() == data


def test_progress_plaintext_callback_and_cancel() -> None:
    data = plaintext(2 * MiB + 3)
    seen: list[bytes] = []
    progress: list[int] = []
    encrypt_stream(io.BytesIO(data), io.BytesIO(), KEY, progress.append, None, seen.append)
    assert b"".join(seen) == data
    assert [len(chunk) for chunk in seen] == [MiB, MiB, 3]
    assert progress == [MiB, 2 * MiB, len(data)]

    calls = iter([False, True])
    out = io.BytesIO()
    with pytest.raises(OperationCancelled):
        encrypt_stream(io.BytesIO(data), out, KEY, cancel=lambda: next(calls))
    assert_rejected(out.getvalue())  # the partial output has no final chunk

    blob = encrypt(data)
    done: list[int] = []
    assert decrypt_stream(io.BytesIO(blob), io.BytesIO(), KEY, done.append) == len(data)
    assert done == [MiB, 2 * MiB, len(data)]
    with pytest.raises(OperationCancelled):
        decrypt_stream(io.BytesIO(blob), io.BytesIO(), KEY, cancel=lambda: True)


class PatternSource(io.RawIOBase):
    """`size` bytes of deterministic data produced on demand (never held in memory)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self._left = size
        self._block = plaintext(MiB, seed=9)

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        size = self._left if size is None or size < 0 else min(size, self._left)
        size = min(size, len(self._block))
        self._left -= size
        return self._block[:size]


class HashSink:
    def __init__(self) -> None:
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return len(data)


def test_memory_stays_bounded_for_64_mib(tmp_path: Path) -> None:
    size = 64 * MiB
    expected = hashlib.sha256()
    source = PatternSource(size)
    while chunk := source.read(MiB):
        expected.update(chunk)
    blob_path = tmp_path / "blob"  # ciphertext only: nothing plaintext touches the disk

    tracemalloc.start()
    try:
        with blob_path.open("wb") as out:
            encrypt_stream(PatternSource(size), out, KEY)
        encrypt_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        sink = HashSink()
        with blob_path.open("rb") as src:
            assert decrypt_stream(src, sink, KEY) == size
        decrypt_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        reader_sink = HashSink()
        with BlobReader(blob_path.open("rb"), KEY) as reader:
            while piece := reader.read(256 * 1024):
                reader_sink.write(piece)
        reader_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert blob_path.stat().st_size == ciphertext_size(size)
    assert sink.digest.hexdigest() == expected.hexdigest()
    assert reader_sink.digest.hexdigest() == expected.hexdigest()
    limit = 8 * MiB
    assert encrypt_peak < limit, encrypt_peak
    assert decrypt_peak < limit, decrypt_peak
    assert reader_peak < limit, reader_peak
