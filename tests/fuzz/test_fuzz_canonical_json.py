"""Canonical JSON reader: every input is either canonical JSON or a CanonicalJSONError.

`loads_canonical` documents one refusal type (CanonicalJSONError, a NotValidError and a
ValueError); anything else escaping it would be an exit 70 in every signed-document reader.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from observer_app.crypto.canonical_json import (
    MAX_SAFE_INTEGER,
    CanonicalJSONError,
    canonicalize,
    loads_canonical,
)
from tests.fuzz.fuzz_support import examples, mutations

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
    | st.text(max_size=20)
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)

SAMPLE = canonicalize(
    {
        "document": {"type": "receipt", "v": 1, "seq": [1, 2, 3], "name": 'Айгерим\u00e9"\\'},
        "signature": "MEUCIQ==",
    }
)


def _loads_or_refuses(data: bytes, allow_floats: bool) -> Any:
    try:
        value = loads_canonical(data, allow_floats=allow_floats)
    except CanonicalJSONError as error:
        assert error.message and "\n" not in error.message
        return None
    # Accepted input is canonical: it round-trips to exactly the same bytes.
    assert canonicalize(value, allow_floats=allow_floats) == data
    return value


@settings(max_examples=examples(300))
@given(JSON_VALUES)
def test_canonical_form_of_any_value_reads_back(value: Any) -> None:
    assert loads_canonical(canonicalize(value), allow_floats=False) == value


@settings(max_examples=examples(400))
@given(st.data())
def test_mutated_canonical_json_is_read_or_refused(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from([SAMPLE, canonicalize(data.draw(JSON_VALUES))]))
    _loads_or_refuses(data.draw(mutations(base)), allow_floats=data.draw(st.booleans()))


@settings(max_examples=examples(300))
@given(
    st.one_of(
        st.binary(max_size=64),
        st.text(alphabet='[]{}",:0123456789.eE-+ \\u\nnulltruefalse', max_size=64).map(str.encode),
        st.integers(min_value=1, max_value=5000).map(lambda depth: b"[" * depth + b"]" * depth),
        st.integers(min_value=1, max_value=5000).map(lambda n: b"1" * n),
    )
)
def test_arbitrary_bytes_are_read_or_refused(data: bytes) -> None:
    _loads_or_refuses(data, allow_floats=True)
    _loads_or_refuses(data, allow_floats=False)
