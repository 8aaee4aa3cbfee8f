"""RFC 8785 canonical JSON: the published examples, the ES6 number corpus and strict parsing."""

from __future__ import annotations

import hashlib
import json
import math
import struct
from collections.abc import Iterator

import pytest

from observer_app.crypto.canonical_json import (
    MAX_SAFE_INTEGER,
    CanonicalJSONError,
    canonicalize,
    canonicalize_signed,
    format_number,
    loads_canonical,
)
from observer_app.errors import NotValidError


def _double(bits: int) -> float:
    value: float = struct.unpack(">d", bits.to_bytes(8, "big"))[0]
    return value


# RFC 8785 section 3.2.2 input, written with JSON's own escapes and number spellings.
RFC_SAMPLE_INPUT = (
    b"{\n"
    b'  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n'
    b'  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n'
    b'  "literals": [null, true, false]\n'
    b"}"
)
RFC_SAMPLE_OUTPUT = (
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
).encode()


def test_rfc8785_section_3_2_2_sample() -> None:
    value = json.loads(RFC_SAMPLE_INPUT)
    assert canonicalize(value) == RFC_SAMPLE_OUTPUT


def test_rfc8785_section_3_2_4_utf8_bytes() -> None:
    # The output bytes as RFC 8785 section 3.2.4 lists them: the euro sign is raw e2 82 ac.
    expected_hex = (
        "7b226c69746572616c73223a5b6e756c6c2c747275652c66616c73655d2c226e756d62657273223a5b"
        "3333333333333333332e333333333333332c31652b33302c342e352c302e3030322c31652d32375d2c"
        "22737472696e67223a22e282ac245c75303030665c6e4127425c225c5c5c5c5c222f227d"
    )
    assert RFC_SAMPLE_OUTPUT.hex() == expected_hex


def test_rfc8785_section_3_2_3_sorting() -> None:
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    order = list(json.loads(canonicalize(value)).values())
    assert order == [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",
        "Hebrew Letter Dalet With Dagesh",
    ]


# RFC 8785 Appendix B: IEEE-754 bit pattern -> ECMAScript serialization.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "expected"), APPENDIX_B)
def test_rfc8785_appendix_b_numbers(bits: str, expected: str) -> None:
    value = _double(int(bits, 16))
    assert format_number(value) == expected
    assert canonicalize([value]) == f"[{expected}]".encode()


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_rfc8785_appendix_b_nan_and_infinity_rejected(bits: str) -> None:
    with pytest.raises(ValueError):
        canonicalize({"x": _double(int(bits, 16))})


# The reference implementation's ES6 corpus (cyberphone/json-canonicalization, testdata
# es6testfile100m.txt): 168 fixed edge cases, 2000 consecutive patterns from the smallest
# normal number, then a SHA-256 chain. Its published SHA-256 over the first 100,000
# "hex,expected\n" lines pins every one of those serializations without shipping the file.
_ES6_STATIC = """
0000000000000000 8000000000000000 0000000000000001 8000000000000001
c46696695dbd1cc3 c43211ede4974a35 c3fce97ca0f21056 c3c7213080c1a6ac
c39280f39a348556 c35d9b1f5d20d557 c327af4c4a80aaac c2f2f2a36ecd5556
c2be51057e155558 c28840d131aaaaac c253670dc1555557 c21f0b4935555557
c1e8d5d42aaaaaac c1b3de4355555556 c17fca0555555556 c1496e6aaaaaaaab
c114585555555555 c0e046aaaaaaaaab c0aa0aaaaaaaaaaa c074d55555555555
c040aaaaaaaaaaab c00aaaaaaaaaaaab bfd5555555555555 bfa1111111111111
bf6b4e81b4e81b4f bf35d867c3ece2a5 bf0179ec9cbd821e becbf647612f3696
be965e9f80f29212 be61e54c672874db be2ca213d840baf8 bdf6e80fe033c8c6
bdc2533fe68fd3d2 bd8d51ffd74c861c bd5774ccac3d3817 bd22c3d6f030f9ac
bcee0624b3818f79 bcb804ea293472c7 bc833721ba905bd3 bc4ebe9c5db3c61e
bc18987d17c304e5 bbe3ad30dfcf371d bbaf7b816618582f bb792f9ab81379bf
bb442615600f9499 bb101e77800c76e1 bad9ca58cce0be35 baa4a1e0a3e6fe90
ba708180831f320d ba3a68cd9e985016 446696695dbd1cc3 443211ede4974a35
43fce97ca0f21056 43c7213080c1a6ac 439280f39a348556 435d9b1f5d20d557
4327af4c4a80aaac 42f2f2a36ecd5556 42be51057e155558 428840d131aaaaac
4253670dc1555557 421f0b4935555557 41e8d5d42aaaaaac 41b3de4355555556
417fca0555555556 41496e6aaaaaaaab 4114585555555555 40e046aaaaaaaaab
40aa0aaaaaaaaaaa 4074d55555555555 4040aaaaaaaaaaab 400aaaaaaaaaaaab
3fd5555555555555 3fa1111111111111 3f6b4e81b4e81b4f 3f35d867c3ece2a5
3f0179ec9cbd821e 3ecbf647612f3696 3e965e9f80f29212 3e61e54c672874db
3e2ca213d840baf8 3df6e80fe033c8c6 3dc2533fe68fd3d2 3d8d51ffd74c861c
3d5774ccac3d3817 3d22c3d6f030f9ac 3cee0624b3818f79 3cb804ea293472c7
3c833721ba905bd3 3c4ebe9c5db3c61e 3c18987d17c304e5 3be3ad30dfcf371d
3baf7b816618582f 3b792f9ab81379bf 3b442615600f9499 3b101e77800c76e1
3ad9ca58cce0be35 3aa4a1e0a3e6fe90 3a708180831f320d 3a3a68cd9e985016
4024000000000000 4014000000000000 3fe0000000000000 3fa999999999999a
3f747ae147ae147b 3f40624dd2f1a9fc 3f0a36e2eb1c432d 3ed4f8b588e368f1
3ea0c6f7a0b5ed8d 3e6ad7f29abcaf48 3e35798ee2308c3a 3ed539223589fa95
3ed4ff26cd5a7781 3ed4f95a762283ff 3ed4f8c60703520c 3ed4f8b72f19cd0d
3ed4f8b5b31c0c8d 3ed4f8b58d1c461a 3ed4f8b5894f7f0e 3ed4f8b588ee37f3
3ed4f8b588e47da4 3ed4f8b588e3849c 3ed4f8b588e36bb5 3ed4f8b588e36937
3ed4f8b588e368f8 3ed4f8b588e368f1 3ff0000000000000 bff0000000000000
bfeffffffffffffa bfeffffffffffffb 3feffffffffffffa 3feffffffffffffb
3feffffffffffffc 3feffffffffffffe bfefffffffffffff bfefffffffffffff
3fefffffffffffff 3fefffffffffffff 3fd3333333333332 3fd3333333333333
3fd3333333333334 0010000000000000 000ffffffffffffd 000fffffffffffff
7fefffffffffffff ffefffffffffffff 4340000000000000 c340000000000000
4430000000000000 44b52d02c7e14af5 44b52d02c7e14af6 44b52d02c7e14af7
444b1ae4d6e2ef4e 444b1ae4d6e2ef4f 444b1ae4d6e2ef50 3eb0c6f7a0b5ed8c
3eb0c6f7a0b5ed8d 41b3de4355555553 41b3de4355555554 41b3de4355555555
41b3de4355555556 41b3de4355555557 becbf647612f3696 43143ff3c1cb0959
"""
ES6_FIRST_100K_SHA256 = "22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7"


def _es6_corpus_bits() -> Iterator[int]:
    yield from (int(word, 16) for word in _ES6_STATIC.split())
    yield from range(0x0010000000000000, 0x0010000000000000 + 2000)
    block = bytes(32)
    while True:
        block = hashlib.sha256(block).digest()
        for offset in range(0, 32, 8):
            bits = int.from_bytes(block[offset : offset + 8], "little")
            value = _double(bits)
            if value != 0 and math.isfinite(value):
                yield bits


def test_es6_number_corpus_first_100k_lines() -> None:
    assert len(_ES6_STATIC.split()) == 168
    digest = hashlib.sha256()
    corpus = _es6_corpus_bits()
    for _ in range(100_000):
        bits = next(corpus)
        digest.update(f"{bits:x},{format_number(_double(bits))}\n".encode())
    assert digest.hexdigest() == ES6_FIRST_100K_SHA256


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-0.0, "0"),
        (123.0, "123"),
        (-1.25e300, "-1.25e+300"),
        (2.5e-5, "0.000025"),
    ],
)
def test_ecmascript_number_layout(value: float, expected: str) -> None:
    assert format_number(value) == expected


def test_strings_only_mandatory_escapes_lowercase_hex() -> None:
    controls = "".join(chr(c) for c in range(0x20))
    expected = (
        '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r'
        "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
        '\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"'
    )
    assert canonicalize(controls) == expected.encode()
    # Everything else stays raw, including DEL, '/', U+2028 and astral characters.
    raw = "\x7f/\u2028\u2029\U0001f600<>&'\"\\"
    assert canonicalize(raw) == ('"\x7f/\u2028\u2029\U0001f600<>&\'\\"\\\\"').encode()


def test_kazakh_and_russian_text_is_raw_utf8() -> None:
    value = {"станция": "Қазақстан", "letters": "ә ғ қ ң ө ұ ү һ і"}
    out = canonicalize(value)
    assert out == '{"letters":"ә ғ қ ң ө ұ ү һ і","станция":"Қазақстан"}'.encode()
    assert b"\\u" not in out
    assert loads_canonical(out) == value


def test_nested_structures_sorted_at_every_level() -> None:
    value = {"b": [{"z": 1, "a": [True, None]}, (1, 2)], "a": {"y": "x", "x": {}}}
    assert canonicalize(value) == b'{"a":{"x":{},"y":"x"},"b":[{"a":[true,null],"z":1},[1,2]]}'


def test_integers_limited_to_i_json_range() -> None:
    assert canonicalize(MAX_SAFE_INTEGER) == b"9007199254740991"
    assert canonicalize(-MAX_SAFE_INTEGER) == b"-9007199254740991"
    for too_big in (MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1, 10**21):
        with pytest.raises(ValueError):
            canonicalize(too_big)


@pytest.mark.parametrize(
    "bad",
    [
        {1: "x"},
        {("a",): 1},
        {"x": {1, 2}},
        {"x": b"bytes"},
        {"x": object()},
        "\ud800",
        {"\udc00": 1},
        math.nan,
        -math.inf,
    ],
)
def test_unrepresentable_values_rejected(bad: object) -> None:
    with pytest.raises(ValueError):
        canonicalize(bad)


def test_signed_payloads_reject_floats_anywhere() -> None:
    payload = {"lat_microdeg": 43_238_949, "dur_ms": 1500, "list": [1, "2", None, True]}
    assert canonicalize_signed(payload) == canonicalize(payload)
    for bad in ({"x": 1.0}, [[0.5]], {"a": {"b": [1, 2.5]}}, 3.0):
        with pytest.raises(ValueError, match="float"):
            canonicalize_signed(bad)
    assert canonicalize({"x": 1.0}) == b'{"x":1}'


def test_loads_canonical_round_trip() -> None:
    value = {"a": [1, 2.5, "é", None, True, False], "b": {"c": -7}}
    data = canonicalize(value)
    assert loads_canonical(data) == value
    assert loads_canonical(RFC_SAMPLE_OUTPUT) == {
        "literals": [None, True, False],
        "numbers": [333333333.3333333, 1e30, 4.5, 0.002, 1e-27],
        "string": '\u20ac$\x0f\nA\'B"\\\\"/',
    }


@pytest.mark.parametrize(
    "data",
    [
        RFC_SAMPLE_INPUT,  # whitespace, order, escapes, number spellings
        b'{"b":1,"a":2}',  # key order
        b'{"a":1, "b":2}',  # whitespace
        b'{"a":1}\n',  # trailing newline
        b'\xef\xbb\xbf{"a":1}',  # BOM
        b'{"a":1,"a":1}',  # duplicate member (even if identical)
        b'{"a":"\\u0041"}',  # needless escape
        b'{"a":"\\u20ac"}',  # non-ASCII must be raw
        b'{"a":"\\u001F"}',  # upper-case hex
        b'{"a":1.0}',  # number spelling
        b'{"a":1E+30}',
        b'{"a":-0}',
        b'{"a":9007199254740993}',  # outside I-JSON
        b'{"a":1e400}',  # overflows to Infinity
        b'{"a":NaN}',
        b'{"a":"\\ud800"}',  # lone surrogate
        b'{"a":"\xff"}',  # invalid UTF-8
        b'{"a":',  # truncated
        b"",
        b"[" * 100_000 + b"]" * 100_000,  # deeper than the parser allows
    ],
)
def test_loads_canonical_rejects_non_canonical_input(data: bytes) -> None:
    with pytest.raises(CanonicalJSONError) as caught:
        loads_canonical(data)
    assert isinstance(caught.value, NotValidError)
    assert isinstance(caught.value, ValueError)
    assert caught.value.exit_code == 1


def test_loads_canonical_without_floats() -> None:
    assert loads_canonical(b'{"a":[1,2]}', allow_floats=False) == {"a": [1, 2]}
    assert loads_canonical(b'{"a":1.5}') == {"a": 1.5}
    with pytest.raises(CanonicalJSONError):
        loads_canonical(b'{"a":1.5}', allow_floats=False)
    with pytest.raises(CanonicalJSONError):
        loads_canonical(b'{"a":1e+30}', allow_floats=False)


def test_loads_canonical_orders_non_ascii_names_by_utf16_units() -> None:
    """Code point order and UTF-16 order differ for an astral name against one in U+E000..
    U+FFFF: the standard encoder's sorted output (code points) must not pass as canonical."""
    astral, private = "\U0001f600", "\ue000"
    canonical = canonicalize({private: 1, astral: 2})
    assert canonical.decode().index(astral) < canonical.decode().index(private)
    assert loads_canonical(canonical) == {astral: 2, private: 1}
    by_code_point = json.dumps({astral: 2, private: 1}, ensure_ascii=False, sort_keys=True)
    with pytest.raises(CanonicalJSONError):
        loads_canonical(by_code_point.replace(" ", "").encode())
