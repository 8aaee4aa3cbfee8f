"""How hard a passphrase is to guess, offline, for Latin and Cyrillic (Russian, Kazakh) alike.

zxcvbn knows only English words and the Latin keyboard; an observer who types "пароль123" or
"йцукен" on a Russian layout would be told it is fine. This estimator is deliberately simple:
it splits the passphrase into runs (common words in the three languages, keyboard rows of the
Latin and Cyrillic layouts, alphabetical or digit sequences, repeats) and counts the bits an
attacker needs for each run, the rest by the size of the alphabet used. Hints are translated.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final

from observer_app.i18n import N_, _

COMMON_WORDS: Final = frozenset(
    """
    password passw0rd qwerty admin welcome letmein monkey dragon master login secret love
    iloveyou sunshine princess football freedom shadow hello summer winter observer election
    vote kazakhstan almaty astana
    пароль привет любовь солнце наташа максим андрей россия москва секрет админ qwerty123
    выборы наблюдатель голос казахстан алматы астана мама папа кошка собака
    құпия сөз сәлем махаббат қазақстан алматы астана сайлау байқаушы ана әке мысық ит
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
KEYBOARD_ROWS: Final = (
    "1234567890-=",
    "qwertyuiop[]",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "йцукенгшщзхъ",
    "фывапролджэ",
    "ячсмитьбю.",
    "әіңғүұқөһ",
)
ALPHABETS: Final = ("abcdefghijklmnopqrstuvwxyz", "абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
WORD_BITS: Final = 11.0
"""A common word costs an attacker about as much as one pick from 2,000."""

LEVELS: Final = (
    N_("very weak"),
    N_("weak"),
    N_("fair"),
    N_("strong"),
    N_("very strong"),
)
_THRESHOLDS: Final = (28.0, 40.0, 55.0, 70.0)


@dataclass(frozen=True)
class Strength:
    """`score` 0 (very weak) to 4 (very strong), estimated `bits`, `hints` in the UI language."""

    score: int
    bits: float
    hints: tuple[str, ...]

    @property
    def label(self) -> str:
        return _(LEVELS[self.score])


def _alphabet_size(text: str) -> int:
    size = 0
    if re.search(r"[a-z]", text):
        size += 26
    if re.search(r"[A-Z]", text):
        size += 26
    if re.search(r"[0-9]", text):
        size += 10
    if re.search(r"[а-яёәіңғүұқөһ]", text):
        size += 42
    if re.search(r"[А-ЯЁӘІҢҒҮҰҚӨҺ]", text):
        size += 42
    if re.search(r"[^a-zA-Z0-9а-яёәіңғүұқөһА-ЯЁӘІҢҒҮҰҚӨҺ]", text):
        size += 33
    return max(size, 1)


def _sequence_length(text: str, start: int) -> int:
    """How long the run from `start` follows a keyboard row, the alphabet or the digits."""
    lower = text.lower()
    best = 1
    for line in (*KEYBOARD_ROWS, *ALPHABETS):
        for step in (1, -1):
            ordered = line if step == 1 else line[::-1]
            position = ordered.find(lower[start])
            if position < 0:
                continue
            length = 1
            while (
                start + length < len(lower)
                and position + length < len(ordered)
                and lower[start + length] == ordered[position + length]
            ):
                length += 1
            best = max(best, length)
    return best


_LONGEST_WORD: Final = max(len(word) for word in COMMON_WORDS)


def _common_word_at(text: str, start: int) -> str | None:
    """The longest common word (3+ letters) that starts at `start`, also inside a longer run
    ("парольпароль" is two of them)."""
    for length in range(min(_LONGEST_WORD, len(text) - start), 2, -1):
        if text[start : start + length] in COMMON_WORDS:
            return text[start : start + length]
    return None


def estimate(passphrase: str) -> Strength:
    lower = passphrase.lower()
    size = _alphabet_size(passphrase)
    per_char = math.log2(size)
    bits = 0.0
    found_word = found_row = found_repeat = False
    i = 0
    while i < len(lower):
        word = _common_word_at(lower, i)
        if word is not None:
            bits += WORD_BITS
            found_word = True
            i += len(word)
            continue
        repeat = 1
        while i + repeat < len(lower) and lower[i + repeat] == lower[i]:
            repeat += 1
        if repeat >= 3:
            bits += per_char + math.log2(repeat)
            found_repeat = True
            i += repeat
            continue
        run = _sequence_length(passphrase, i)
        if run >= 3:
            bits += per_char / 2 + math.log2(run)
            found_row = True
            i += run
            continue
        bits += per_char
        i += 1
    score = sum(bits >= threshold for threshold in _THRESHOLDS)
    hints: list[str] = []
    if len(passphrase) < 12:
        hints.append(_("Make it longer: at least 12 characters, better four words or more."))
    if found_word:
        hints.append(_("Common words and names are guessed first: add unusual ones."))
    if found_row:
        hints.append(_("Avoid keyboard rows and sequences such as qwerty, йцукен or 12345."))
    if found_repeat:
        hints.append(_("Avoid repeated characters."))
    if score < 3 and not hints:
        hints.append(_("Add another word that nobody would guess goes with the others."))
    return Strength(score, bits, tuple(hints))
