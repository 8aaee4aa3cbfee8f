"""Search stems: a query word reduced to the part its inflected forms share.

The search index holds trigrams, so a stem matches any word that contains it: "бюллетень" must be
looked up as "бюллетен" to find "бюллетеней", "жәшікке" as "жәшік" to find "жәшік". Russian and
English words go through the Snowball stemmers; Kazakh, whose endings Snowball does not cover, is
reduced with a list of its case, plural and possessive endings. A word counts as Kazakh when it
holds a letter Russian does not have (ә ғ қ ң ө ұ ү һ і); other Cyrillic words are Russian, Latin
ones English.

A stem is always a prefix of the word as typed (lower-cased) and at least `MIN_STEM` letters long
(Snowball may rewrite a last letter, "happy" -> "happi"; the common prefix is kept instead), so a
stem can only widen what a word finds, never miss the word itself. Kazakh stems that end in a
voiceless consonant also come with its voiced twin (к/г, қ/ғ, п/б: "жәшік", "жәшігі"), which the
language alternates before a vowel.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import snowballstemmer  # type: ignore[import-untyped]

MIN_STEM: Final = 3
KAZAKH_LETTERS: Final = frozenset("әғқңөұүһі")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# A Kazakh word is stem + plural + possessive + case (учаске-лер-і-нде), so at most one ending
# of each group is taken off, from the end inwards, each the longest that fits. The lists favour
# finding over precision: a stem a little too short still finds every form, at worst more words.
_CASE_ENDINGS: Final = (
    "ның", "нің", "дың", "дің", "тың", "тің",  # genitive
    "ны", "ні", "ды", "ді", "ты", "ті",  # accusative (and the past tense of verbs)
    "ға", "ге", "қа", "ке", "на", "не",  # dative
    "нда", "нде", "да", "де", "та", "те",  # locative
    "нан", "нен", "дан", "ден", "тан", "тен",  # ablative
    "мен", "бен", "пен",  # instrumental
    "ша", "ше",  # equative
    "ған", "ген", "қан", "кен",  # participles of verbs
)  # fmt: skip
_POSSESSIVE_ENDINGS: Final = (
    "ымыз", "іміз", "ыңыз", "іңіз", "мыз", "міз", "ңыз", "ңіз",
    "ым", "ім", "ың", "ің", "сы", "сі", "ы", "і",
)  # fmt: skip
_PLURAL_ENDINGS: Final = ("лар", "лер", "дар", "дер", "тар", "тер")
_KAZAKH_GROUPS: Final = tuple(
    tuple(sorted(group, key=len, reverse=True))
    for group in (_CASE_ENDINGS, _POSSESSIVE_ENDINGS, _PLURAL_ENDINGS)
)
_VOICED: Final = {"к": "г", "қ": "ғ", "п": "б", "г": "к", "ғ": "қ", "б": "п"}


@lru_cache(maxsize=4)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


def _common_prefix(word: str, stem: str) -> str:
    length = 0
    for a, b in zip(word, stem, strict=False):
        if a != b:
            break
        length += 1
    return word[: max(length, MIN_STEM)]


def _kazakh_stem(word: str) -> str:
    stem = word
    for endings in _KAZAKH_GROUPS:
        ending = next(
            (e for e in endings if stem.endswith(e) and len(stem) - len(e) >= MIN_STEM), None
        )
        if ending is not None:
            stem = stem[: -len(ending)]
    return stem


def is_kazakh(word: str) -> bool:
    return not KAZAKH_LETTERS.isdisjoint(word.lower())


def stems(word: str) -> tuple[str, ...]:
    """The forms to look `word` up by (one, or two for a Kazakh consonant alternation).

    Words shorter than `MIN_STEM` have none: a trigram index cannot look them up.
    """
    lowered = word.lower()
    if len(lowered) < MIN_STEM:
        return ()
    if is_kazakh(lowered):
        stem = _kazakh_stem(lowered)
        twin = _VOICED.get(stem[-1])
        return (stem, stem[:-1] + twin) if twin else (stem,)
    language = "russian" if _CYRILLIC.search(lowered) else "english"
    return (_common_prefix(lowered, _stemmer(language).stemWord(lowered)),)
