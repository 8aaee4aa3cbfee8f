"""One key per answer choice, in the UI language, with no two alike.

"Нет" and "Не знаю" both start with Н: the first choice gets Н, the second the next letter of
its label that is still free (е, з, ...), and a label with no free letter a digit. Keys are shown
on the buttons, so an observer learns them by looking.
"""

from __future__ import annotations

from collections.abc import Sequence


def choice_keys(labels: Sequence[str]) -> list[str]:
    """A lower-case key for each label, all different (letters of the label first)."""
    taken: set[str] = set()
    keys: list[str] = []
    digits = iter("123456789abcdefghijklmnopqrstuvwxyz")
    for label in labels:
        key = next(
            (ch for ch in label.lower() if ch.isalnum() and ch not in taken),
            None,
        )
        while key is None or key in taken:
            key = next(digits)
        taken.add(key)
        keys.append(key)
    return keys
