"""Fixtures shared by the handoff tests: a coordinator vault and a folder playing the stick."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from observer_app.logbook.session import LogbookSession


@pytest.fixture
def coordinator(make_session: Callable[..., LogbookSession]) -> LogbookSession:
    return make_session(name="Coordinator", role="coordinator", folder="coordinator")


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    folder = tmp_path / "stick"
    folder.mkdir()
    return folder
