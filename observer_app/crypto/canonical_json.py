"""Canonical JSON (RFC 8785, JCS): the one byte form of everything the project signs or hashes.

A signature or a hash is only reproducible if every program, in any language, turns the same
value into the same bytes. JCS fixes that: object members sorted by their UTF-16 code units, no
whitespace, only the escapes JSON requires (non-ASCII text stays raw UTF-8), and numbers written
the way ECMAScript's `Number.prototype.toString` writes them.

Two narrowings on top of the RFC, both so that a verifier in another language cannot disagree:
integers must lie in I-JSON's exactly representable range (|n| <= 2**53 - 1), and signed
payloads (`canonicalize_signed`, `loads_canonical(..., allow_floats=False)`) contain no floats
at all (coordinates are integer microdegrees, durations milliseconds).

`loads_canonical` is the reading side: it accepts only input that is already canonical, so a
signed document cannot carry a second, differently-parsed meaning in reordered keys, duplicate
members or alternative number spellings.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from json.encoder import encode_basestring

from observer_app.errors import NotValidError
from observer_app.i18n import _

__all__ = [
    "MAX_SAFE_INTEGER",
    "CanonicalJSONError",
    "canonicalize",
    "canonicalize_signed",
    "format_number",
    "loads_canonical",
]

MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalJSONError(NotValidError, ValueError):
    """Input bytes that are not canonical JSON (or not JSON at all).

    A NotValidError for the CLI's exit code 1, and a ValueError so that parsers which treat any
    malformed input alike can catch one type.
    """


def canonicalize(value: object, *, allow_floats: bool = True) -> bytes:
    """The RFC 8785 UTF-8 bytes of `value` (dict with str keys, list/tuple, str, int, float,
    bool, None).

    Raises ValueError for anything JCS cannot express: NaN, infinities, non-str keys, integers
    outside the I-JSON range, strings holding lone surrogates, other types; and for floats when
    `allow_floats` is false.
    """
    parts: list[str] = []
    _encode(value, parts, allow_floats)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("canonical JSON cannot hold a lone surrogate") from None


def canonicalize_signed(value: object) -> bytes:
    """Like `canonicalize`, but a float anywhere is an error: signed payloads hold no floats."""
    return canonicalize(value, allow_floats=False)


def loads_canonical(data: bytes, *, allow_floats: bool = True) -> object:
    """Parse `data`, accepting it only if it is exactly the canonical form of what it holds.

    Raises CanonicalJSONError (a NotValidError) for invalid UTF-8 or JSON, duplicate member
    names, values JCS cannot express, floats when `allow_floats` is false, and any deviation
    from the canonical bytes (whitespace, key order, escapes, number spelling).
    """
    data = bytes(data)
    plain = [True]  # no float, no integer out of range, only ASCII member names (see below)

    def members(pairs: list[tuple[str, object]]) -> dict[str, object]:
        if plain[0] and not all(name.isascii() for name, _value in pairs):
            plain[0] = False
        return _reject_duplicates(pairs)

    def integer(digits: str) -> int:
        number = int(digits)
        if not -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER:
            plain[0] = False
        return number

    def floating(digits: str) -> float:
        plain[0] = False
        return float(digits)

    try:
        text = data.decode("utf-8")
        value = json.loads(
            text,
            object_pairs_hook=members,
            parse_int=integer,
            parse_constant=_reject_constant,
            parse_float=floating if allow_floats else _reject_float,
        )
    except (ValueError, RecursionError):
        # JSONDecodeError and UnicodeDecodeError are ValueErrors, as are our hooks' rejections.
        raise CanonicalJSONError(_("The data is not valid JSON.")) from None
    if plain[0] and _plain_form(value) == data:
        # Without floats, out-of-range integers or non-ASCII names, the standard encoder writes
        # exactly the canonical bytes (ASCII names sort alike by code point and by UTF-16 code
        # unit; strings are escaped by the same `encode_basestring`), in C: reading a page of
        # 100 events spent a third of its time re-encoding them in Python. Anything else, or
        # any difference, is decided by the exact encoder below.
        return value
    try:
        canonical = canonicalize(value, allow_floats=allow_floats)
    except (ValueError, RecursionError):
        raise CanonicalJSONError(
            _("The JSON data holds a value that canonical JSON does not allow.")
        ) from None
    if canonical != data:
        raise CanonicalJSONError(_("The JSON data is not in canonical form (RFC 8785)."))
    return value


def _plain_form(value: object) -> bytes | None:
    """The standard encoder's compact, sorted form of `value`; None where it cannot write it
    (a lone surrogate, nesting too deep)."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return text.encode("utf-8")
    except (ValueError, RecursionError):
        return None


def format_number(number: float) -> str:
    """ECMAScript Number.prototype.toString of a finite double (RFC 8785 section 3.2.2.3).

    Python's repr already yields the shortest digit string that round-trips (ties to even, as
    ECMAScript asks); only the placement of the decimal point and exponent differs.
    """
    if not math.isfinite(number):
        raise ValueError("canonical JSON cannot hold NaN or Infinity")
    if number == 0:
        return "0"  # also -0
    sign = "-" if number < 0 else ""
    mantissa, _e, exponent = float.__repr__(abs(number)).partition("e")
    int_part, _dot, fraction = mantissa.partition(".")
    digits = int_part + fraction
    point = len(int_part) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    # ECMAScript names: k digits, value = digits * 10**(n - k).
    k, n = len(digits), point
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{head}e{'+' if e >= 0 else '-'}{abs(e)}"


def _encode(value: object, parts: list[str], allow_floats: bool) -> None:
    # Order matters: bool is a subclass of int.
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, str):
        parts.append(encode_basestring(value))
    elif isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise ValueError("integer outside the I-JSON range +/-(2**53 - 1)")
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        if not allow_floats:
            raise ValueError("signed payloads must not contain floats")
        parts.append(format_number(value))
    elif isinstance(value, Mapping):
        _encode_object(value, parts, allow_floats)
    elif isinstance(value, list | tuple):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _encode(item, parts, allow_floats)
        parts.append("]")
    else:
        raise ValueError(f"canonical JSON cannot hold a {type(value).__name__}")


def _encode_object(value: Mapping[object, object], parts: list[str], allow_floats: bool) -> None:
    for key in value:
        if not isinstance(key, str):
            raise ValueError("canonical JSON object keys must be str")
    if all(str(key).isascii() for key in value):
        # ASCII code points are single UTF-16 code units: plain order is RFC 8785's order (and
        # event keys are ASCII; encoding each key cost a fifth of reading a timeline page).
        keys = sorted(value, key=str)
    else:
        try:
            # UTF-16BE bytes compare exactly like the UTF-16 code units RFC 8785 sorts by.
            keys = sorted(value, key=lambda key: str(key).encode("utf-16-be"))
        except UnicodeEncodeError:
            raise ValueError("canonical JSON cannot hold a lone surrogate") from None
    parts.append("{")
    for index, key in enumerate(keys):
        if index:
            parts.append(",")
        parts.append(encode_basestring(str(key)))
        parts.append(":")
        _encode(value[key], parts, allow_floats)
    parts.append("}")


def _reject_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate member name")
    return result


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _reject_float(text: str) -> object:
    raise ValueError("float in a payload that must not hold floats")
