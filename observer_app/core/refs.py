"""Short references: `I-12`, the twelfth incident of its author's feed, typeable and readable.

An id's first 8 hex digits are its timestamp, so ids made in one session share a long prefix and
people had to type 12 or more characters. A short reference is a kind letter and the record's
number among the records of that kind in its author's feed. Authors work offline, so it is
unique only within a feed; where several feeds are shown it carries the author (`I-12@Ержан`).
It always holds a letter and a hyphen, so it can never be taken for an id prefix (hex only).

Which letter stands for which kind is a contract (listings, reports and scripts show them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

REF_KINDS: Final = {
    "incident": "I",
    "note": "N",
    "media": "M",
    "visit": "V",
    "answer": "A",
}
"""Record kind -> its letter."""

# A Cyrillic keyboard gives `А`, `М`, `І` (Kazakh) for the look-alike Latin letters; `И` is the
# key where Latin `B` sits but reads as "I" to a Russian speaker; `Н` reads as `N` (нота, note).
_LOOKALIKES: Final = str.maketrans({"А": "A", "М": "M", "І": "I", "И": "I", "Н": "N", "В": "V"})
_REF = re.compile(r"([A-Z])-([0-9]{1,9})", re.ASCII)


@dataclass(frozen=True)
class ShortRef:
    """A parsed reference: kind letter, number and, if typed, the author (name or fingerprint)."""

    letter: str
    number: int
    author: str | None = None

    @property
    def text(self) -> str:
        return format_ref(self.letter, self.number)


def format_ref(letter: str, number: int) -> str:
    return f"{letter}-{number}"


def parse_ref(typed: str) -> ShortRef | None:
    """The reference `typed` spells (`I-12`, `i-12`, `И-12`, `I-12@Ержан`), or None.

    The hyphen is required: an id never has one after its first character, so `A-12` can never
    be an id prefix typed in capitals, and `a12b34cd` is never read as a reference."""
    head, at, author = typed.strip().partition("@")
    match = _REF.fullmatch(head.strip().upper().translate(_LOOKALIKES))
    if match is None or match[1] not in REF_KINDS.values() or int(match[2]) < 1:
        return None
    qualifier = author.strip() if at else ""
    return ShortRef(match[1], int(match[2]), qualifier or None)


def with_author(ref: str, author: str | None) -> str:
    """`I-12@Ержан Нурланов` where several feeds are shown, `I-12` otherwise."""
    return f"{ref}@{author}" if author else ref
