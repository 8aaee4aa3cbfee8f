"""How a fingerprint is shown to people: pure text, so the shells can show one without crypto.

A fingerprint is compared aloud or on paper (enrollment, key changes), hence groups of four.
"""

from __future__ import annotations


def format_fingerprint(fingerprint_hex: str, *, short: bool = False) -> str:
    """Human form: 16 groups of 4 uppercase hex digits; the short form is the first 8 groups."""
    digits = fingerprint_hex.replace(" ", "").upper()
    groups = [digits[i : i + 4] for i in range(0, len(digits), 4)]
    return " ".join(groups[:8] if short else groups)
