"""System error reasons are worded in the UI language, not the C library's English."""

from __future__ import annotations

import errno
from collections.abc import Iterator

import pytest

from observer_app.errors import system_reason
from observer_app.i18n import set_language


@pytest.fixture
def russian() -> Iterator[None]:
    set_language("ru")
    yield
    set_language("en")


@pytest.mark.parametrize(
    ("code", "english"),
    [
        (errno.ENOENT, "No such file or directory"),
        (errno.EACCES, "Permission denied"),
        (errno.ENOSPC, "No space left on device"),
        (errno.EROFS, "Read-only file system"),
        (errno.EISDIR, "Is a directory"),
    ],
)
def test_common_reasons_are_translated(russian: None, code: int, english: str) -> None:
    reason = system_reason(OSError(code, english))
    assert reason != english and any("а" <= ch <= "я" for ch in reason)


def test_a_rare_reason_falls_back_to_the_systems_text() -> None:
    assert system_reason(OSError(errno.ELOOP, "Too many levels")) == "Too many levels"
