"""Does the one signature cover the whole file? Decided from the bytes, not from pyHanko.

pyHanko's `ENTIRE_FILE` compares only lengths: the two signed ranges plus twice the length of the
signature dictionary's /Contents plus two must equal the file size. A forger can append a
revision that redefines the signature dictionary (same /ByteRange) with a zero-padded *literal*
/Contents sized to make that sum come out right, and add pages or replace the data attachment in
the same revision (issue 10); or fill half the gap with a literal /Contents and the rest with
anything. So we check the layout itself, which leaves a forger nothing to work with:

- /ByteRange is exactly `[0 a b c]` (integers, 0 < a < b) and ends at the end of the file;
- the gap `pdf[a:b]` is exactly `<`, hexadecimal digits, `>`: no literal string, no whitespace,
  no other object; and its decoded value is the /Contents pyHanko checked, so the gap *is* that
  signature dictionary's hexadecimal string;
- the revision that defines the signature dictionary is the file's last one: no revision after
  it, however small (the "shadow" attacks change or re-point objects the signed revision holds).

Every byte but the signature's own value is then signed, so what a reader finds in the file is
what the signer signed.
"""

from __future__ import annotations

import re

from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

_HEX_STRING = re.compile(rb"<((?:[0-9A-Fa-f]{2})*)>")


def covers_whole_file(pdf: bytes, signature: EmbeddedPdfSignature) -> bool:
    """True if `signature` (read from `pdf`) signs every byte of `pdf` but its own /Contents."""
    byte_range = _byte_range(signature.byte_range)
    if byte_range is None:
        return False
    gap_start, gap_end, second_length = byte_range
    if gap_end + second_length != len(pdf):
        return False
    gap = _HEX_STRING.fullmatch(pdf, gap_start, gap_end)
    if gap is None or bytes.fromhex(gap[1].decode("ascii")) != signature.pkcs7_content:
        return False
    revisions: int = signature.reader.xrefs.total_revisions
    return bool(signature.signed_revision == revisions - 1)


def _byte_range(value: object) -> tuple[int, int, int] | None:
    """`(a, b, c)` from a well-formed `[0 a b c]`, else None (the value is hostile input)."""
    if not isinstance(value, list) or len(value) != 4:
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in value):
        return None
    zero, first_length, second_start, second_length = (int(n) for n in value)
    if zero != 0 or not 0 < first_length < second_start or second_length < 0:
        return None
    return first_length, second_start, second_length
