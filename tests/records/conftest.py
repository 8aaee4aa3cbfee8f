"""Fixtures for the polling-day records: the shipped catalogue and a vault with stations."""

from __future__ import annotations

import pytest

from observer_app.core.catalogue import Catalogue, load_catalogue
from observer_app.logbook import mission, stations
from observer_app.logbook.session import LogbookSession


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def day(session: LogbookSession, catalogue: Catalogue) -> LogbookSession:
    """A vault with a mission (candidates A, B; no 'against all') and stations 101 and AKT-7."""
    mission.set_mission(session, "Test mission", "2026-03-15", ["A=Alpha", "B=Beta"], False)
    stations.add_station(session, catalogue, "101", "Школа № 5", region="almaty_city")
    stations.add_station(session, catalogue, "AKT-7", "Ақтөбе мектебі", region="aktobe")
    return session
