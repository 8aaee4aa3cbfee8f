"""Issue 17's defects, reproduced: after importing two observers who recorded station 101
with different figures, every view shows both observers' records, named, and `--observer`
narrows them to one."""

from __future__ import annotations

import pytest

from observer_app.core.timeline_filter import TimelineFilter
from observer_app.errors import UsageError
from observer_app.logbook import checklist, incidents, media, stations, visits
from observer_app.logbook.observers import resolve_observer
from observer_app.logbook.protocol_records import protocol_views
from observer_app.logbook.search import search, timeline_filter
from observer_app.logbook.timeline import timeline
from tests.coordinator.conftest import Night


def test_protocol_show_holds_each_observers_copy_named(night: Night) -> None:
    views = protocol_views(night.coordinator, night.catalogue, "101")
    by_name = {view.observer: view for view in views}
    assert set(by_name) == {"Айгерим Сапарова", "Данияр Ахметов"}
    assert by_name["Айгерим Сапарова"].figures["P3"] == 600
    assert by_name["Данияр Ахметов"].figures["P3"] == 610
    only = protocol_views(night.coordinator, night.catalogue, "101", night.obs2.identity.feed)
    assert [view.observer for view in only] == ["Данияр Ахметов"]


def test_checklist_show_holds_each_observers_answers(night: Night) -> None:
    sheets = checklist.station_checklists(night.coordinator, night.catalogue, "101")
    assert {sheet.observer for sheet in sheets} == {"Айгерим Сапарова", "Данияр Ахметов"}
    for sheet in sheets:
        answered = [line for line in sheet.lines if line.current is not None]
        assert [line.item.id for line in answered] == ["OPN02"]


def test_station_show_counts_every_observers_visits_and_answers(night: Night) -> None:
    summary = stations.station_summary(night.coordinator, "101")
    assert len(summary.visits) == 2
    assert summary.answers == 2
    assert summary.incidents == 2
    assert set(summary.observers) == {"Айгерим Сапарова", "Данияр Ахметов"}
    one = stations.station_summary(night.coordinator, "101", night.obs1.identity.feed)
    assert (len(one.visits), one.answers, one.incidents) == (1, 1, 1)


def test_listings_filter_by_observer(night: Night) -> None:
    coord, feed1 = night.coordinator, night.obs1.identity.feed
    assert len(visits.list_visits(coord, "101")) == 2
    assert {v.feed for v in visits.list_visits(coord, None, feed1)} == {feed1}
    assert len(incidents.list_incidents(coord, night.catalogue)) == 3
    mine = incidents.list_incidents(coord, night.catalogue, feed=night.obs2.identity.feed)
    assert len(mine) == 2
    assert {hit.feed for hit in search(coord, "бюллетеней", observer=feed1)} == {feed1}
    assert len(search(coord, "бюллетеней")) == 2
    assert media.media_items(coord, feed1) == []


def test_an_observer_is_found_by_name_part_or_fingerprint(night: Night) -> None:
    feed2 = night.obs2.identity.feed
    assert resolve_observer(night.coordinator, "данияр") == feed2
    assert resolve_observer(night.coordinator, feed2[:16].upper()) == feed2
    with pytest.raises(UsageError):
        resolve_observer(night.coordinator, "Nobody Here")
    with pytest.raises(UsageError):
        resolve_observer(night.coordinator, "а")  # in every name: ambiguous


def test_log_all_filters_by_observer_region_and_period(night: Night) -> None:
    coord = night.coordinator
    names = {entry.author for entry in timeline(coord.conn)}
    assert {"Айгерим Сапарова", "Данияр Ахметов", "Гульнара Координатор"} <= names
    aktobe = timeline_filter(coord, night.catalogue, region="aktobe")
    texts = [entry.text for entry in timeline(coord.conn, aktobe)]
    assert any("Очередь" in text for text in texts)
    assert not any("Вброс" in text for text in texts)
    obs1 = TimelineFilter(feed=night.obs1.identity.feed)
    assert {entry.author for entry in timeline(coord.conn, obs1)} == {"Айгерим Сапарова"}
    # The period is of the events' own times (when they were recorded).
    everything = list(timeline(coord.conn))
    middle = everything[len(everything) // 2].event.time_utc
    later = timeline_filter(coord, night.catalogue, since=middle)
    assert 0 < len(list(timeline(coord.conn, later))) < len(everything)
    before = timeline_filter(coord, night.catalogue, until="2020-01-01T00:00")
    assert list(timeline(coord.conn, before)) == []


def test_station_list_names_each_station_once(night: Night) -> None:
    codes = [row.code for row in stations.list_stations(night.coordinator)]
    assert codes == ["101", "205"]  # declared by the coordinator and by both observers
    (row,) = [r for r in stations.list_stations(night.coordinator) if r.code == "101"]
    assert row.feed == night.coordinator.identity.feed
