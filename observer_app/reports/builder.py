"""The report as its audience may see it: the gathered data with the audience rules applied.

Both renderings of a report, the pages and the JSON attachment, are made from this one view,
so that what the PDF shows and what its data says cannot drift apart, and so that a public
report's pseudonyms, missing GPS and withheld media are decided exactly once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from observer_app.core.audience import Audience
from observer_app.core.checklist_answer import ChecklistAnswer
from observer_app.core.evidence import EvidenceWarning
from observer_app.core.incidents import Incident
from observer_app.core.refs import with_author
from observer_app.reports.audience import (
    AudiencePolicy,
    Pseudonyms,
    Withheld,
    policy_for,
    split_media,
)
from observer_app.reports.data import (
    Author,
    IncidentEntry,
    MediaRecord,
    ProtocolData,
    ReportData,
    StationData,
)
from observer_app.reports.labels import ReportTexts
from observer_app.vault.journal import Event
from observer_app.vault.queries.annotations import AnnotationRow
from observer_app.vault.queries.mission import MissionRow
from observer_app.vault.queries.stations import StationRow
from observer_app.vault.queries.visits import VisitRow

_LIST_FIELDS = ("persons", "witnesses")
_TEXT_FIELDS = ("text", "reason")


@dataclass(frozen=True)
class MediaView:
    id: str
    feed: str
    sha256: str
    size: int
    mime: str
    kind: str
    name: str | None  # original file name; None when the audience may not see it
    capture_time: str | None
    time_utc: str
    tz: str
    gps: tuple[int, int] | None  # microdegrees; None when absent or not for this audience
    duration_ms: int | None
    decodable: bool
    consent: str
    consent_note: str | None
    derived_from: str | None
    purged: bool
    warnings: tuple[EvidenceWarning, ...] = ()  # implausible capture time or place


@dataclass(frozen=True)
class HistoryView:
    kind: str  # "amended" or "voided"
    time_utc: str
    tz: str
    hash: str
    changes: Mapping[str, Any]
    reason: str | None


@dataclass(frozen=True)
class IncidentView:
    incident: Incident  # as the audience may see it: text scrubbed, names pseudonymised
    hash: str | None  # of the event that reported it
    history: tuple[HistoryView, ...]
    media: tuple[str, ...]
    annotation: AnnotationRow | None = None  # the coordinator's assessment, if any

    @property
    def standing(self) -> bool:
        """Not voided, and rejected neither by its observer nor by the coordinator."""
        status = self.annotation.status if self.annotation else self.incident.status
        return not self.incident.voided and status != "rejected"


@dataclass(frozen=True)
class AnswerView:
    answer: ChecklistAnswer  # the one in force, pseudonymised for the audience
    earlier: tuple[tuple[Any, str], ...]  # superseded (value, time_utc), oldest first


@dataclass(frozen=True)
class ObserverProtocol:
    """One observer's copy of a station's protocol (observers' copies may differ)."""

    feed: str
    protocol: ProtocolData


@dataclass(frozen=True)
class StationView:
    """One polling station, once, with the records of every observer who recorded it
    (stations are matched by code: each feed holds its own copy of the station)."""

    station: StationRow
    feeds: tuple[str, ...]  # the feeds with records here, in the report's author order
    visits: tuple[VisitRow, ...]
    answers: tuple[AnswerView, ...]
    incidents: tuple[IncidentView, ...]
    protocols: tuple[ObserverProtocol, ...]
    media: tuple[MediaView, ...]


@dataclass(frozen=True)
class ReportView:
    report_id: str
    audience: Audience
    policy: AudiencePolicy
    lang: str
    generated_utc: str
    signer: Author
    signer_tz: str
    fingerprint: str
    authors: tuple[Author, ...]
    mission: MissionRow | None
    period: tuple[str | None, str | None]
    stations: tuple[StationView, ...]
    other_media: tuple[MediaView, ...]
    withheld: tuple[Withheld, ...]
    commission: str | None
    complaint_incidents: tuple[str, ...]
    events: tuple[Event, ...]
    catalogue_version: str
    legal_framework_date: str
    refs: Mapping[str, str] = field(default_factory=dict)  # record id -> `I-12`, `I-12@name`
    contact: str | None = None
    legal_basis: str | None = None
    legal_basis_date: str | None = None  # ISO date
    # The organisation the report speaks for (a coordinator's report of observers' records);
    # None: the signer's own report, in the first person.
    organisation: str | None = None
    letter_per_station: bool = False

    @property
    def several_observers(self) -> bool:
        """Records come from more than one feed: each names its observer."""
        return len({feed for s in self.stations for feed in s.feeds}) > 1

    @property
    def observers(self) -> tuple[Author, ...]:
        """The authors whose records the report shows (the signer when there are none)."""
        feeds = {feed for s in self.stations for feed in s.feeds}
        shown = tuple(a for a in self.authors if a.feed in feeds)
        return shown or (self.signer,)

    def author_name(self, feed: str) -> str:
        return next((a.name for a in self.authors if a.feed == feed), feed[:16])

    def author(self, feed: str) -> Author | None:
        return next((a for a in self.authors if a.feed == feed), None)

    def ref(self, record_id: str) -> str:
        """A record by its short reference, else by its short id."""
        return self.refs.get(record_id) or record_id[:13]

    @property
    def media(self) -> list[MediaView]:
        return [m for s in self.stations for m in s.media] + list(self.other_media)

    @property
    def incidents(self) -> list[IncidentView]:
        return [i for s in self.stations for i in s.incidents]

    def station_of(self, incident_id: str) -> StationView | None:
        for station in self.stations:
            if any(i.incident.id == incident_id for i in station.incidents):
                return station
        return None


def build_view(data: ReportData, texts: ReportTexts, fingerprint: str) -> ReportView:
    """Apply the audience rules to `data`; everything later renders only this view."""
    options = data.options
    policy = policy_for(options.audience)
    authors = _shown_authors(data, texts, policy)
    names = _pseudonyms(data, texts, authors) if policy.pseudonymise else None
    signer = next(a for a in authors if a.feed == data.signer.feed)
    shown, withheld = split_media(data.all_media, policy)
    shown_ids = {m.id for m in shown}
    stations = tuple(
        _merged(
            [_station(s, policy, names, shown_ids) for s in group],
            [a.feed for a in authors],
            data.signer.feed,
        )
        for group in _by_code(data.stations)
    )
    incidents = [i for s in stations for i in s.incidents]
    if options.incidents:  # the ones the user named, as far as the report covers them
        chosen = tuple(
            i.incident.id
            for i in incidents
            if i.incident.id in options.incidents and not i.incident.voided
        )
    else:  # every incident still standing
        chosen = tuple(i.incident.id for i in incidents if i.standing)
    return ReportView(
        report_id=data.report_id,
        audience=options.audience,
        policy=policy,
        lang=options.lang,
        generated_utc=data.generated_utc,
        signer=signer,
        signer_tz=data.signer_tz,
        fingerprint=fingerprint,
        authors=authors,
        mission=data.mission,
        period=(options.period_from, options.period_to),
        stations=stations,
        other_media=tuple(_media(m, policy) for m in data.other_media if m.id in shown_ids),
        withheld=tuple(withheld),
        commission=options.commission,
        complaint_incidents=chosen if options.audience is Audience.COMPLAINT else (),
        events=tuple(data.events),
        catalogue_version=texts.catalogue.catalogue_version,
        legal_framework_date=texts.catalogue.legal_framework_date.isoformat(),
        refs=_refs(data, authors),
        contact=options.contact,
        legal_basis=options.legal_basis,
        legal_basis_date=options.legal_basis_date or (data.mission.date if data.mission else None),
        organisation=options.on_behalf_of,
        letter_per_station=options.letter_per_station,
    )


def _shown_authors(
    data: ReportData, texts: ReportTexts, policy: AudiencePolicy
) -> tuple[Author, ...]:
    """The authors as the audience may see them. A public report names no observer and no
    accreditation number (observers are exposed to pressure): the organisation when the vault
    names one, else "observer 1", "observer 2"; a complaint must be signed by a person."""
    if not policy.pseudonymise:
        return tuple(data.authors)
    on_behalf_of = data.options.on_behalf_of
    if on_behalf_of:
        # The organisation's report: the signer stands for the organisation; its observers
        # are numbered in a fixed order (by feed), so "observer 2" is the same person in every
        # report the organisation publishes from this vault.
        observers = [a for a in data.authors if a.feed != data.signer.feed]
        numbers = {a.feed: n for n, a in enumerate(observers, start=1)}
        return tuple(
            replace(
                author,
                name=on_behalf_of
                if author.feed == data.signer.feed
                else texts.gettext("observer {number}").format(number=numbers[author.feed]),
                accreditation=None,
            )
            for author in data.authors
        )
    organisation = data.options.organisation
    shown = []
    for number, author in enumerate(data.authors, start=1):
        name = organisation or texts.gettext("observer {number}").format(number=number)
        if organisation and len(data.authors) > 1:
            name = f"{organisation} ({number})"
        shown.append(replace(author, name=name, accreditation=None))
    return tuple(shown)


def _refs(data: ReportData, authors: Sequence[Author]) -> dict[str, str]:
    """Short references, with the author's shown name where the report holds several feeds."""
    several = len({feed for _ref, feed in data.refs.values()}) > 1
    names = {a.feed: a.name for a in authors}
    return {
        record_id: with_author(ref, names.get(feed, feed[:16]) if several else None)
        for record_id, (ref, feed) in data.refs.items()
    }


def _by_code(sections: Sequence[StationData]) -> list[list[StationData]]:
    """The gathered sections (one per feed and station) grouped by station code, in the order
    their codes first appear."""
    groups: dict[str, list[StationData]] = {}
    for section in sections:
        groups.setdefault(section.station.code, []).append(section)
    return list(groups.values())


def _merged(parts: Sequence[StationView], feeds: Sequence[str], holder: str) -> StationView:
    """One station from every feed's copy: the holder's own row names it (a coordinator's
    list is the mission's), else the first observer's; the records of all, in time order."""
    row = next((p.station for p in parts if p.station.feed == holder), parts[0].station)
    if row.commission is None:
        commission = next((p.station.commission for p in parts if p.station.commission), None)
        row = replace(row, commission=commission)
    order = {feed: index for index, feed in enumerate(feeds)}
    parts = sorted(parts, key=lambda p: order.get(p.station.feed, len(order)))
    catalogue_order = {a.answer.id: n for p in parts for n, a in enumerate(p.answers)}
    return StationView(
        station=row,
        feeds=tuple(p.station.feed for p in parts if _has_records(p)),
        visits=tuple(sorted((v for p in parts for v in p.visits), key=lambda v: v.started_utc)),
        answers=tuple(
            sorted(
                (a for p in parts for a in p.answers),
                key=lambda a: (catalogue_order[a.answer.id], order.get(a.answer.feed, 0)),
            )
        ),
        incidents=tuple(
            sorted(
                (i for p in parts for i in p.incidents),
                key=lambda i: (i.incident.occurred_utc, i.incident.id),
            )
        ),
        protocols=tuple(
            copy
            for p in parts
            for copy in p.protocols
            if copy.protocol.figures or copy.protocol.ignored
        ),
        media=tuple(m for p in parts for m in p.media),
    )


def _has_records(part: StationView) -> bool:
    return bool(
        part.visits
        or part.answers
        or part.incidents
        or part.media
        or any(p.protocol.figures or p.protocol.ignored for p in part.protocols)
    )


def _pseudonyms(data: ReportData, texts: ReportTexts, shown: Sequence[Author]) -> Pseudonyms:
    names = Pseudonyms(texts.gettext("witness {number}"), texts.gettext("person {number}"))
    # The observers first: where an incident's text names its own observer (or gives the
    # accreditation number), the public text says the pseudonym the report uses for them.
    stand_in = {a.feed: a.name for a in shown}
    for author in data.authors:
        names.add_named(author.name, stand_in.get(author.feed, author.name))
        if author.accreditation:
            names.add_named(author.accreditation, stand_in.get(author.feed, author.name))
    entries = sorted(
        (i for s in data.stations for i in s.incidents),
        key=lambda i: (i.row.occurred_utc, i.row.id),
    )
    for entry in entries:
        for event in entry.history:
            body = event.body.get("changes", event.body)
            for role, key in (("witness", "witnesses"), ("person", "persons")):
                values = body.get(key)
                if isinstance(values, list):
                    names.add((str(v) for v in values), role)
        names.add(entry.row.witnesses, "witness")
        names.add(entry.row.persons, "person")
    return names


def _station(
    data: StationData,
    policy: AudiencePolicy,
    names: Pseudonyms | None,
    shown: set[str],
) -> StationView:
    media = tuple(
        _media(m, policy, data.evidence.get(m.id, ())) for m in data.media if m.id in shown
    )
    media_of: dict[str, list[str]] = {}
    for item in data.media:
        if item.id in shown:
            for kind, ref in item.links:
                if kind == "incident":
                    media_of.setdefault(ref, []).append(item.id)
    return StationView(
        station=data.station,
        feeds=(data.station.feed,),
        visits=tuple(data.visits),
        answers=tuple(_answers(data, names)),
        incidents=tuple(
            _incident(e, names, tuple(media_of.get(e.row.id, ()))) for e in data.incidents
        ),
        protocols=(ObserverProtocol(data.station.feed, data.protocol),),
        media=media,
    )


def _scrub(text: str | None, names: Pseudonyms | None) -> str | None:
    if text is None or names is None:
        return text
    return names.scrub(text)


def _answers(data: StationData, names: Pseudonyms | None) -> list[AnswerView]:
    earlier: dict[str, list[tuple[Any, str]]] = {}
    for row in data.superseded:
        value = _scrub(row.value, names) if isinstance(row.value, str) else row.value
        earlier.setdefault(row.item, []).append((value, row.time_utc))
    return [
        AnswerView(
            answer=replace(
                row,
                value=_scrub(row.value, names) if isinstance(row.value, str) else row.value,
                note=_scrub(row.note, names),
            ),
            earlier=tuple(earlier.get(row.item, ())),
        )
        for row in data.answers
    ]


def _incident(
    entry: IncidentEntry, names: Pseudonyms | None, media: tuple[str, ...]
) -> IncidentView:
    row = entry.row
    first = entry.history[0] if entry.history and entry.history[0].type.endswith("added") else None
    history = tuple(
        HistoryView(
            kind=event.type.removeprefix("incident."),
            time_utc=event.time_utc,
            tz=event.tz,
            hash=event.hash,
            changes=_changes(event.body.get("changes", {}), names),
            reason=_scrub(_text_or_none(event.body.get("reason")), names),
        )
        for event in entry.history
        if event is not first
    )
    shown = replace(
        row,
        text=_scrub(row.text, names) or "",
        persons=tuple(names.labels(row.persons)) if names else row.persons,
        witnesses=tuple(names.labels(row.witnesses)) if names else row.witnesses,
        void_reason=_scrub(row.void_reason, names),
    )
    return IncidentView(
        incident=shown,
        hash=first.hash if first is not None else None,
        history=history,
        media=media,
        annotation=entry.annotation,
    )


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _changes(changes: object, names: Pseudonyms | None) -> dict[str, Any]:
    if not isinstance(changes, Mapping):
        return {}
    result: dict[str, Any] = {}
    for key, value in changes.items():
        if names is not None and key in _LIST_FIELDS and isinstance(value, list):
            result[key] = names.labels(str(v) for v in value)
        elif key in _TEXT_FIELDS and isinstance(value, str):
            result[key] = _scrub(value, names)
        else:
            result[key] = value
    return result


def _media(
    item: MediaRecord, policy: AudiencePolicy, warnings: Sequence[EvidenceWarning] = ()
) -> MediaView:
    gps: tuple[int, int] | None = None
    if policy.show_gps and item.gps_lat_microdeg is not None and item.gps_lon_microdeg is not None:
        gps = (item.gps_lat_microdeg, item.gps_lon_microdeg)
    return MediaView(
        id=item.id,
        feed=item.feed,
        sha256=item.sha256,
        size=item.size,
        mime=item.mime,
        kind=item.kind,
        name=item.original_name if policy.show_media_details else None,
        capture_time=item.capture_time,
        time_utc=item.time_utc,
        tz=item.tz,
        gps=gps,
        duration_ms=item.duration_ms,
        decodable=item.decode_error is None,
        consent=item.consent,
        consent_note=item.consent_note if policy.show_media_details else None,
        derived_from=item.derived_from,
        purged=item.purged,
        warnings=tuple(warnings),
    )


def chosen_incidents(view: ReportView) -> Sequence[IncidentView]:
    wanted = set(view.complaint_incidents)
    return sorted(
        (i for i in view.incidents if i.incident.id in wanted),
        key=lambda i: i.incident.occurred_utc,
    )
