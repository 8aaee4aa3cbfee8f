"""What a report is built from: one read-only snapshot of the vault, gathered before rendering.

Gathering first and rendering second keeps the layout free of SQL and lets the JSON attachment
and the pages come from the very same data. Records are taken per author and station (a
coordinator's vault holds several observers' feeds), filtered by station codes and by a period
whose bounds, when typed without an offset, mean each station's local time (the CLI contract).
Media items are handed in by the logbook layer (reports do not reach into it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from observer_app.core.audience import Audience
from observer_app.core.catalogue import Catalogue
from observer_app.core.checklist_answer import ChecklistAnswer
from observer_app.core.evidence import EvidenceWarning, recorded_warnings
from observer_app.core.incidents import Incident
from observer_app.core.protocol import (
    ProtocolEvaluation,
    evaluate,
    expected_fields,
    field_name,
)
from observer_app.core.timeutil import format_utc, parse_user_time
from observer_app.errors import ObserverError, UsageError
from observer_app.i18n import _
from observer_app.reports.sources import source_events
from observer_app.vault.connection import Connection
from observer_app.vault.identity_store import get_person
from observer_app.vault.journal import Event
from observer_app.vault.queries.annotations import AnnotationRow, annotations_of
from observer_app.vault.queries.checklist import answers
from observer_app.vault.queries.incidents import incident_histories, newest_incidents
from observer_app.vault.queries.mission import MissionRow, current_mission
from observer_app.vault.queries.protocol import figure_history, verified_fields
from observer_app.vault.queries.refs import refs_by_feed
from observer_app.vault.queries.stations import StationRow, list_stations, station_position
from observer_app.vault.queries.visits import VisitRow, list_visits


@dataclass(frozen=True)
class ReportOptions:
    audience: Audience
    lang: str = "en"
    stations: tuple[str, ...] = ()
    period_from: str | None = None
    period_to: str | None = None
    commission: str | None = None
    # For a complaint: the incidents it names (full ids); empty means every live incident.
    incidents: tuple[str, ...] = ()
    # What a public report names instead of the observer (the organisation); None: "observer 1".
    organisation: str | None = None
    # The complaint's applicant contact (address, phone, e-mail), from the vault's settings.
    contact: str | None = None
    # The law the complaint invokes, and the day it is cited as in force (ISO; None: the
    # mission's date, the law that governed the election day).
    legal_basis: str | None = None
    legal_basis_date: str | None = None
    # A complaint: one letter per station instead of one per commission.
    letter_per_station: bool = False
    # The organisation the signer speaks for: set (by the logbook layer, from the vault's
    # role and organisation) when the report is a coordinator's, made of observers' records.
    on_behalf_of: str | None = None


class MediaRecord(Protocol):
    """A media item as the reports read it (the vault's `MediaItem` has these fields)."""

    @property
    def id(self) -> str: ...
    @property
    def feed(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def mime(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def original_name(self) -> str: ...
    @property
    def capture_time(self) -> str | None: ...
    @property
    def gps_lat_microdeg(self) -> int | None: ...
    @property
    def gps_lon_microdeg(self) -> int | None: ...
    @property
    def duration_ms(self) -> int | None: ...
    @property
    def decode_error(self) -> str | None: ...
    @property
    def consent(self) -> str: ...
    @property
    def consent_note(self) -> str | None: ...
    @property
    def derived_from(self) -> str | None: ...
    @property
    def purged(self) -> bool: ...
    @property
    def time_utc(self) -> str: ...
    @property
    def tz(self) -> str: ...
    @property
    def links(self) -> tuple[tuple[str, str], ...]: ...


@dataclass(frozen=True)
class Author:
    feed: str
    name: str
    accreditation: str | None
    head_seq: int
    head_hash: str | None


@dataclass(frozen=True)
class IncidentEntry:
    row: Incident
    history: tuple[Event, ...]  # the report, then amendments and the void, in order
    # The coordinator's latest status, follow-up and note on it (a coordinator's vault only).
    annotation: AnnotationRow | None = None


@dataclass(frozen=True)
class ProtocolData:
    figures: dict[str, int]
    records: tuple[str, ...]
    evaluation: ProtocolEvaluation | None
    ignored: dict[str, int]
    # field -> a coordinator's latest "checked against the paper" mark (absent: never marked)
    verified: Mapping[str, bool] = field(default_factory=dict)


@dataclass
class StationData:
    station: StationRow
    visits: list[VisitRow]
    answers: list[ChecklistAnswer]  # in force, catalogue order
    superseded: list[ChecklistAnswer]
    incidents: list[IncidentEntry]  # by time
    protocol: ProtocolData
    media: list[MediaRecord] = field(default_factory=list)
    # media id -> what is implausible about its capture time or place (core.evidence)
    evidence: dict[str, tuple[EvidenceWarning, ...]] = field(default_factory=dict)


@dataclass
class ReportData:
    report_id: str
    generated_utc: str
    options: ReportOptions
    signer: Author
    signer_tz: str
    authors: list[Author]
    mission: MissionRow | None
    stations: list[StationData]
    other_media: list[MediaRecord]
    events: list[Event]  # every event the report derives from, by feed and seq
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (`I-12`, feed)

    @property
    def all_media(self) -> list[MediaRecord]:
        return [m for s in self.stations for m in s.media] + list(self.other_media)


def gather(
    conn: Connection,
    catalogue: Catalogue,
    options: ReportOptions,
    media: Sequence[MediaRecord],
    *,
    holder_feed: str,
    holder_tz: str,
    report_id: str,
    generated_utc: str,
) -> ReportData:
    mission = current_mission(conn, holder_feed)
    stations = _chosen_stations(conn, options.stations)
    histories: dict[str, dict[str, list[Event]]] = {}
    for feed in sorted({row.feed for row in stations}):
        histories[feed] = incident_histories(conn, feed)
    sections = [
        _station_data(conn, catalogue, mission, row, options, histories[row.feed])
        for row in stations
    ]
    other = _place_media(media, sections, options)
    for section in sections:
        section.evidence = _evidence(conn, mission, section)
    feeds = sorted({s.station.feed for s in sections} | {holder_feed})
    authors = [_author(conn, feed) for feed in feeds]
    scanned = sorted(set(feeds) | ({mission.feed} if mission else set()))
    entity_ids = _entity_ids(sections, other)
    return ReportData(
        report_id=report_id,
        generated_utc=generated_utc,
        options=options,
        signer=next(a for a in authors if a.feed == holder_feed),
        signer_tz=holder_tz,
        authors=authors,
        mission=mission,
        stations=sections,
        other_media=other,
        events=source_events(conn, scanned, entity_ids, mission),
        refs=refs_by_feed(conn, entity_ids),
    )


def _chosen_stations(conn: Connection, codes: Sequence[str]) -> list[StationRow]:
    rows = list_stations(conn)
    if not codes:
        return rows
    wanted = list(dict.fromkeys(code.strip() for code in codes))
    known = {row.code for row in rows}
    for code in wanted:
        if code not in known:
            raise UsageError(_("No station with code {code}.").format(code=code))
    order = {code: index for index, code in enumerate(wanted)}
    return sorted((r for r in rows if r.code in order), key=lambda r: (order[r.code], r.feed))


@dataclass(frozen=True)
class _Period:
    start: str | None
    end: str | None

    def holds(self, utc_text: str | None) -> bool:
        if utc_text is None:
            return self.start is None and self.end is None
        return (self.start is None or utc_text >= self.start) and (
            self.end is None or utc_text <= self.end
        )


def period_for(options: ReportOptions, zone_name: str) -> tuple[str | None, str | None]:
    """The period's bounds as stored UTC text, reading zone-less times in `zone_name`."""

    def bound(text: str | None) -> str | None:
        if text is None:
            return None
        try:
            return format_utc(parse_user_time(text, zone_name))
        except ValueError:
            raise UsageError(
                _("'{value}' is not an ISO 8601 time such as 2026-03-15T07:30.").format(value=text)
            ) from None

    start, end = bound(options.period_from), bound(options.period_to)
    if start is not None and end is not None and end < start:
        raise UsageError(_("The end of the period is before its start."))
    return start, end


def _station_data(
    conn: Connection,
    catalogue: Catalogue,
    mission: MissionRow | None,
    row: StationRow,
    options: ReportOptions,
    histories: dict[str, list[Event]],
) -> StationData:
    period = _Period(*period_for(options, row.tz))
    visits = [
        v
        for v in list_visits(conn, row.feed, row.code)
        if period.holds(v.started_utc) or (v.ended_utc is not None and period.holds(v.ended_utc))
    ]
    all_answers = [a for a in answers(conn, row.feed, row.code) if period.holds(a.time_utc)]
    latest: dict[str, ChecklistAnswer] = {}
    for answer in all_answers:  # oldest first: the last one per item is the one in force
        latest[answer.item] = answer
    order = {item.id: index for index, item in enumerate(catalogue.items())}
    current = sorted(latest.values(), key=lambda a: (order.get(a.item, len(order)), a.item))
    kept = {a.id for a in current}
    rows = [
        i
        for i in reversed(newest_incidents(conn, station=row.code, limit=None))
        if i.feed == row.feed and period.holds(i.occurred_utc)
    ]
    annotations = annotations_of(conn, [i.id for i in rows])
    incidents = [
        IncidentEntry(i, tuple(histories.get(i.id, ())), annotations.get(i.id)) for i in rows
    ]
    return StationData(
        station=row,
        visits=visits,
        answers=current,
        superseded=[a for a in all_answers if a.id not in kept],
        incidents=incidents,
        protocol=_protocol(conn, catalogue, mission, row, period),
    )


def _protocol(
    conn: Connection,
    catalogue: Catalogue,
    mission: MissionRow | None,
    row: StationRow,
    period: _Period,
) -> ProtocolData:
    values: dict[str, int] = {}
    records: list[str] = []
    for value in figure_history(conn, row.feed, row.code):
        if period.holds(value.time_utc):
            values[value.field] = value.value
            if value.record not in records:
                records.append(value.record)
    candidates = mission.candidate_ids if mission else ()
    against_all = mission.against_all if mission else False
    usable: dict[str, int] = {}
    ignored: dict[str, int] = {}
    for name, number in values.items():
        try:
            usable[field_name(name, catalogue, candidates, against_all)] = number
        except ObserverError:
            ignored[name] = number
    order = expected_fields(catalogue, candidates, against_all)
    ordered = {name: usable[name] for name in order if name in usable}
    ordered.update(sorted((k, v) for k, v in usable.items() if k not in ordered))
    evaluation = evaluate(ordered, catalogue, candidates, against_all) if ordered else None
    marks = verified_fields(conn, row.feed, row.code) if ordered else {}
    return ProtocolData(ordered, tuple(records), evaluation, ignored, marks)


def _place_media(
    items: Sequence[MediaRecord], sections: list[StationData], options: ReportOptions
) -> list[MediaRecord]:
    """Put each item under the station it belongs to; the rest is returned (only kept when the
    report covers every station). An item appears once, under its first matching link."""
    by_code: dict[tuple[str, str], StationData] = {}
    by_entity: dict[str, StationData] = {}
    for section in sections:
        by_code.setdefault((section.station.feed, section.station.code), section)
        by_code.setdefault(("", section.station.code), section)
        for incident in section.incidents:
            by_entity[incident.row.id] = section
        for answer in section.answers + section.superseded:
            by_entity[answer.id] = section
    other: list[MediaRecord] = []
    for item in items:
        target: StationData | None = None
        for kind, ref in item.links:
            if kind in ("station", "protocol"):
                target = by_code.get((item.feed, ref)) or by_code.get(("", ref))
                if target is not None:
                    period = _Period(*period_for(options, target.station.tz))
                    if not period.holds(media_moment(item, target.station.tz)):
                        target = None
            else:
                target = by_entity.get(ref)
            if target is not None:
                break
        if target is not None:
            target.media.append(item)
        elif not options.stations and not (options.period_from or options.period_to):
            other.append(item)
    return other


def _evidence(
    conn: Connection, mission: MissionRow | None, section: StationData
) -> dict[str, tuple[EvidenceWarning, ...]]:
    position = station_position(conn, section.station.id)
    found: dict[str, tuple[EvidenceWarning, ...]] = {}
    for item in section.media:
        warnings = recorded_warnings(
            capture_time=item.capture_time,
            lat_microdeg=item.gps_lat_microdeg,
            lon_microdeg=item.gps_lon_microdeg,
            zone_name=section.station.tz,
            mission_date=mission.date if mission else None,
            station_position=position,
        )
        if warnings:
            found[item.id] = tuple(warnings)
    return found


def media_moment(item: MediaRecord, zone_name: str) -> str:
    """When the item was taken, as stored UTC text: the camera's time (read in the station's
    zone when the file records no offset), else when it was imported. A camera's time that is
    not a time, or lies beyond what a datetime holds once in UTC (a reset clock at 0001-01-01
    east of Greenwich), is the camera's word only: the import time places the item then."""
    if item.capture_time:
        try:
            return format_utc(parse_user_time(item.capture_time, zone_name))
        except (ValueError, OverflowError):
            pass
    return item.time_utc


def _author(conn: Connection, feed: str) -> Author:
    person = get_person(conn, feed)
    row = conn.execute("SELECT head_seq, head_hash FROM feeds WHERE feed = ?", (feed,)).fetchone()
    seq, head = (0, None) if row is None else (int(row[0]), str(row[1]))
    if person is None:
        return Author(feed, feed[:16], None, seq, head)
    return Author(feed, person.name, person.accreditation, seq, head)


def _entity_ids(sections: list[StationData], other: list[MediaRecord]) -> set[str]:
    ids: set[str] = set()
    for s in sections:
        ids.add(s.station.id)
        for visit in s.visits:
            ids.add(visit.id)
            ids.update(b.id for b in visit.breaks)
        ids.update(a.id for a in s.answers + s.superseded)
        ids.update(i.row.id for i in s.incidents)
        ids.update(s.protocol.records)
        ids.update(m.id for m in s.media)
    ids.update(m.id for m in other)
    return ids
