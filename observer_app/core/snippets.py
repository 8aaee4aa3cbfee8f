"""Search snippets: a few whole words around the first hit, the hit words in brackets.

The index's own `snippet()` cuts at trigram tokens, i.e. inside words ("…ллетене…"); a reader
wants whole words, so the snippet is made here from the record's text and the query's stems.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

_WORD = re.compile(r"\w+", re.UNICODE)
BEFORE: Final = 5
AFTER: Final = 6
ELLIPSIS: Final = "…"


def _is_hit(word: str, stems: Sequence[str]) -> bool:
    lowered = word.lower()
    return any(stem in lowered for stem in stems)


def has_hit(text: str, stems: Sequence[str]) -> bool:
    return any(_is_hit(m.group(), stems) for m in _WORD.finditer(text))


def snippet(text: str, stems: Sequence[str]) -> str:
    """`text` cut to the words around its first hit (or its start when nothing in it matches)."""
    words = list(_WORD.finditer(text))
    if not words:
        return text.strip()
    first = next((i for i, m in enumerate(words) if _is_hit(m.group(), stems)), 0)
    low, high = max(0, first - BEFORE), min(len(words), first + AFTER + 1)
    start = words[low].start()
    end = words[high - 1].end() if high < len(words) else len(text)
    pieces: list[str] = []
    cursor = start
    for match in words[low:high]:
        pieces.append(text[cursor : match.start()])
        word = match.group()
        pieces.append(f"[{word}]" if _is_hit(word, stems) else word)
        cursor = match.end()
    pieces.append(text[cursor:end])
    shown = " ".join("".join(pieces).split())
    return (ELLIPSIS if low > 0 else "") + shown + (ELLIPSIS if high < len(words) else "")
