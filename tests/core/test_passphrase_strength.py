"""The passphrase estimator knows Russian and Kazakh words and the Cyrillic keyboard."""

from __future__ import annotations

import pytest

from observer_app.core.passphrase_strength import estimate
from observer_app.i18n import set_language


@pytest.mark.parametrize(
    "weak", ["пароль123", "йцукен", "qwerty", "ааааааааа", "фывапролд", "12345678", "сәлем"]
)
def test_weak_passphrases_in_any_script(weak: str) -> None:
    assert estimate(weak).score <= 1, weak
    assert estimate(weak).hints


@pytest.mark.parametrize(
    "strong", ["жасыл алма таудың басында", "correct horse battery staple", "Кот-шахматист#42 едет"]
)
def test_several_unusual_words_are_strong(strong: str) -> None:
    assert estimate(strong).score >= 3, strong


def test_common_words_count_less_than_random_letters() -> None:
    assert estimate("парольпароль").bits < estimate("ыжкрвтмблщь").bits


def test_hints_and_level_in_the_ui_language() -> None:
    set_language("kk")
    try:
        strength = estimate("йцукен")
        assert strength.label == "өте әлсіз"
        assert any("йцукен" in hint and "пернетақта" in hint for hint in strength.hints)
    finally:
        set_language("en")
