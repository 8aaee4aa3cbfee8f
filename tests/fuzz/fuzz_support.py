"""Shared pieces of the fuzz tests: example counts and byte-level mutation of real artifacts.

Mutations are what real damage and real attackers do to a file: flip bits, cut it short, insert
or delete bytes, duplicate or move a chunk, overwrite a byte with one that matters to parsers
(quotes, braces, digits, NUL, 0xff). Applied to a valid artifact, they reach deep into a parser
far more often than random bytes, which most parsers refuse at the first byte.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

CI_EXAMPLES = 100
LONG_EXAMPLES = 5000

_INTERESTING = b'\x00\xff\x7f\x80"{}[],:\\0123456789-.eE \n\r\t'


def examples(count: int) -> int:
    """`count` cases under the ci profile, proportionally more under `long`."""
    return max(1, count * settings().max_examples // CI_EXAMPLES)


def _apply(data: bytes, operation: tuple[str, int, int, bytes]) -> bytes:
    kind, a, b, extra = operation
    if not data:
        return extra
    at = a % (len(data) + 1)
    if kind == "flip":
        index = a % len(data)
        return data[:index] + bytes([data[index] ^ (1 << (b % 8))]) + data[index + 1 :]
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + extra + data[at:]
    if kind == "delete":
        return data[:at] + data[at + 1 + b % 64 :]
    if kind == "duplicate":
        start, end = sorted((a % len(data), b % len(data)))
        chunk = data[start : end + 1][:4096]
        target = (a + b) % (len(data) + 1)
        return data[:target] + chunk + data[target:]
    # "byte": overwrite one byte with a value parsers care about
    index = a % len(data)
    value = _INTERESTING[b % len(_INTERESTING)]
    return data[:index] + bytes([value]) + data[index + 1 :]


_OPERATION = st.tuples(
    st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate", "byte"]),
    st.integers(min_value=0, max_value=2**32),
    st.integers(min_value=0, max_value=2**32),
    st.binary(min_size=1, max_size=16),
)


def mutations(data: bytes, max_operations: int = 4) -> st.SearchStrategy[bytes]:
    """Copies of `data` with 1..`max_operations` mutations, never `data` itself."""

    def mutate(operations: list[tuple[str, int, int, bytes]]) -> bytes:
        result = data
        for operation in operations:
            result = _apply(result, operation)
        return result

    mutated = st.lists(_OPERATION, min_size=1, max_size=max_operations).map(mutate)
    return mutated.filter(lambda result: result != data)
