"""The body of a report: the summary, then one section per station with its media.

Free text is set in flowing paragraphs (never inside a table row), so a very long incident text
simply continues on the next page. Problems are marked in words as well as colour (a failed
control relation says "failed"), because reports get photocopied in black and white.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from observer_app.core.answers import answer_from_json, is_concern
from observer_app.core.incident_changes import describe_changes
from observer_app.errors import ObserverError
from observer_app.reports.builder import IncidentView, ReportView, StationView
from observer_app.reports.figures import protocol_summary, station_protocol
from observer_app.reports.labels import ReportTexts
from observer_app.reports.layout import (
    FAILED_FILL,
    FRAME_WIDTH,
    Styles,
    header_cell,
    para,
    table,
    text,
)
from observer_app.reports.media_section import Thumbnails, media_section
from observer_app.vault.queries.annotations import AnnotationRow


def summary(view: ReportView, texts: ReportTexts, styles: Styles) -> list[Flowable]:
    t = texts.gettext
    story: list[Flowable] = [para(text(t("Summary")), styles.h1)]
    live = [i.incident for i in view.incidents if not i.incident.voided]
    voided = len(view.incidents) - len(live)
    story.append(
        para(
            text(
                t(
                    "{stations} stations, {incidents} incidents ({voided} voided), {media} media "
                    "items shown, {withheld} withheld."
                ).format(
                    stations=texts.number(len(view.stations)),
                    incidents=texts.number(len(view.incidents)),
                    voided=texts.number(voided),
                    media=texts.number(len(view.media)),
                    withheld=texts.number(len(view.withheld)),
                )
            ),
            styles.body,
        )
    )
    story.append(para(text(t("Incidents by category and severity")), styles.h2))
    severities = [term.id for term in texts.catalogue.severities]
    counts = Counter((i.category, i.severity) for i in live)
    side = (FRAME_WIDTH - 70 * mm) / (len(severities) + 1)
    header = [para(text(t("Category")), styles.cell_bold)] + [
        header_cell(texts.term("severity", s), side, styles) for s in severities
    ]
    header.append(header_cell(t("Total"), side, styles))
    rows: list[list[object]] = [header]
    known = [c.id for c in texts.catalogue.incident_categories]
    categories = [c for c in known if any(k[0] == c for k in counts)]
    categories += sorted({k[0] for k in counts} - set(known))
    for category in categories:
        row: list[object] = [para(text(texts.category(category)), styles.cell)]
        row += [para(texts.number(counts[(category, s)]), styles.number) for s in severities]
        total = sum(n for (c, _s), n in counts.items() if c == category)
        row.append(para(texts.number(total), styles.number))
        rows.append(row)
    total_row: list[object] = [para(text(t("Total")), styles.cell_bold)]
    total_row += [
        para(texts.number(sum(counts[(c, s)] for c in categories)), styles.number)
        for s in severities
    ]
    total_row.append(para(texts.number(len(live)), styles.number))
    rows.append(total_row)
    story.append(table(rows, [70 * mm] + [side] * (len(severities) + 1)))
    story += _ratings(view, texts, styles)
    story += protocol_summary(view, texts, styles)
    return story


def _rating_items(texts: ReportTexts) -> list[tuple[str, str]]:
    """(phase id, item id) of each phase's overall rating question."""
    return [
        (phase.id, item.id)
        for phase in texts.catalogue.phases
        for item in phase.items
        if item.type.value == "rating"
    ]


def _ratings(view: ReportView, texts: ReportTexts, styles: Styles) -> list[Flowable]:
    t = texts.gettext
    items = _rating_items(texts)
    story: list[Flowable] = [para(text(t("Checklist ratings per phase")), styles.h2)]
    first = 46 * mm if view.several_observers else 30 * mm
    width = (FRAME_WIDTH - first) / max(1, len(items))
    header = [para(text(t("Station")), styles.cell_bold)] + [
        header_cell(texts.phase(phase), width, styles) for phase, _item in items
    ]
    rows: list[list[object]] = [header]
    extra: list[tuple[object, ...]] = []
    for r, (station, feed) in enumerate(_rating_rows(view), start=1):
        answers = {a.answer.item: a.answer for a in station.answers if a.answer.feed == feed}
        label = station.station.code
        if view.several_observers and feed:
            label += " · " + view.author_name(feed)
        row: list[object] = [para(text(label), styles.cell)]
        for c, (_phase, item_id) in enumerate(items, start=1):
            answer = answers.get(item_id)
            if answer is None:
                row.append("—")
                continue
            row.append(para(text(texts.answer(item_id, answer.value)), styles.cell))
            if _concern(texts, item_id, answer.value):
                extra.append(("BACKGROUND", (c, r), (c, r), FAILED_FILL))
        rows.append(row)
    story.append(table(rows, [first] + [width] * len(items), extra=extra))
    return story


def _rating_rows(view: ReportView) -> list[tuple[StationView, str]]:
    """One row per station and observer who answered there (a station with no answers: one)."""
    rows: list[tuple[StationView, str]] = []
    for station in view.stations:
        feeds = list(dict.fromkeys(a.answer.feed for a in station.answers))
        rows += [(station, feed) for feed in feeds] or [(station, "")]
    return rows


def _concern(texts: ReportTexts, item_id: str, value: object) -> bool:
    try:
        item = texts.catalogue.item(item_id)
        return is_concern(item, answer_from_json(item, value))
    except ObserverError:
        return False


# -- stations ---------------------------------------------------------------------------------


def station_section(
    station: StationView,
    view: ReportView,
    texts: ReportTexts,
    styles: Styles,
    thumbnails: Thumbnails,
) -> list[Flowable]:
    t = texts.gettext
    row = station.station
    title = t("Polling station {code}: {name}").format(code=row.code, name=row.name)
    details = [
        value
        for value in (row.address, _region(texts, row.region), row.commission, row.tz)
        if value
    ]
    if view.several_observers and station.feeds:
        details.append(
            texts.ngettext("observer: {names}", "observers: {names}", len(station.feeds)).format(
                names=", ".join(view.author_name(feed) for feed in station.feeds)
            )
        )
    story: list[Flowable] = [
        CondPageBreak(60 * mm),
        para(text(title), styles.h1),
        para(text(" · ".join(details)), styles.muted),
    ]
    story += _visits(station, view, texts, styles)
    story += _checklist(station, view, texts, styles)
    story += _incidents(station, view, texts, styles)
    story += station_protocol(station, view, texts, styles)
    story += media_section(list(station.media), station.station.tz, view, texts, styles, thumbnails)
    return story


def _region(texts: ReportTexts, region: str | None) -> str | None:
    for known in texts.catalogue.regions:
        if known.id == region:
            return texts.label(known.label)
    return region


def _observer_note(report: ReportView, feed: str, texts: ReportTexts) -> str:
    """ "(observer NAME)" after a record where the report holds several observers' records."""
    if not report.several_observers:
        return ""
    name = report.author_name(feed)
    if report.policy.pseudonymise:  # the pseudonym says "observer 2" already
        return f" ({name})"
    return " (" + texts.gettext("observer: {name}").format(name=name) + ")"


def _visits(
    station: StationView, report: ReportView, texts: ReportTexts, styles: Styles
) -> list[Flowable]:
    t = texts.gettext
    story: list[Flowable] = [para(text(t("Visits")), styles.h2)]
    if not station.visits:
        return [*story, para(text(t("No visits recorded.")), styles.body)]
    for visit in station.visits:
        arrived = texts.datetime(visit.started_utc, visit.tz)
        left = t("not ended")
        if visit.ended_utc is not None:
            same_day = (
                texts.local(visit.ended_utc, visit.tz).date()
                == texts.local(visit.started_utc, visit.tz).date()
            )
            left = (
                texts.time(visit.ended_utc, visit.tz)
                if same_day
                else texts.datetime(visit.ended_utc, visit.tz)
            )
        line = t("Arrived {arrived}, left {left}").format(arrived=arrived, left=left)
        breaks = ", ".join(
            f"{texts.time(b.started_utc, visit.tz)}–"
            f"{texts.time(b.ended_utc, visit.tz) if b.ended_utc else '…'}"
            for b in visit.breaks
        )
        if breaks:
            line += "; " + t("breaks: {breaks}").format(breaks=breaks)
        line += _observer_note(report, visit.feed, texts)
        story.append(para(text(line), styles.body))
    return story


def _checklist(
    station: StationView, report: ReportView, texts: ReportTexts, styles: Styles
) -> list[Flowable]:
    t = texts.gettext
    story: list[Flowable] = [para(text(t("Checklist")), styles.h2)]
    if not station.answers:
        return [*story, para(text(t("No checklist answers recorded.")), styles.body)]
    phase = None
    for view in station.answers:
        answer = view.answer
        if answer.phase != phase:
            phase = answer.phase
            story.append(para(text(texts.phase(phase)), styles.h3))
        concern = _concern(texts, answer.item, answer.value)
        value = text(texts.answer(answer.item, answer.value))
        if concern:
            value = f"<font color='#a10000'><b>{value}</b> ⚠</font>"
        story.append(
            para(
                f"<b>{text(answer.item)}</b> {text(texts.item(answer.item))}: {value} "
                f"<font size='7' color='#555555'>{text(texts.datetime(answer.time_utc, answer.tz))}"
                f"{text(_observer_note(report, answer.feed, texts))}</font>",
                styles.body,
            )
        )
        if answer.note:
            story.append(para(text(t("Note: {note}").format(note=answer.note)), styles.indented))
        for value_before, time in view.earlier:
            story.append(
                para(
                    text(
                        t("Earlier answer: {value} ({time})").format(
                            value=texts.answer(answer.item, value_before),
                            time=texts.datetime(time, answer.tz),
                        )
                    ),
                    styles.muted,
                )
            )
    return story


def _incidents(
    station: StationView, report: ReportView, texts: ReportTexts, styles: Styles
) -> list[Flowable]:
    t = texts.gettext
    story: list[Flowable] = [para(text(t("Incidents")), styles.h2)]
    if not station.incidents:
        return [*story, para(text(t("No incidents recorded.")), styles.body)]
    for number, incident in enumerate(station.incidents, start=1):
        story += _incident(number, incident, report, texts, styles)
    return story


def _assessment(annotation: AnnotationRow, report: ReportView, texts: ReportTexts) -> str:
    """The coordinator's judgement of an observer's incident, beside what the observer wrote."""
    t = texts.gettext
    words = t("Coordinator's assessment ({name}): {status}; follow-up: {follow_up}").format(
        name=report.author_name(annotation.feed),
        status=texts.term("incident_status", annotation.status),
        follow_up=texts.term("follow_up", annotation.follow_up),
    )
    if annotation.note:
        words += " — " + annotation.note
    return words


def _incident(
    number: int, view: IncidentView, report: ReportView, texts: ReportTexts, styles: Styles
) -> list[Flowable]:
    t = texts.gettext
    incident = view.incident
    view_ref = report.ref(incident.id)
    head = " · ".join(
        [
            texts.datetime(incident.occurred_utc, incident.tz),
            texts.category(incident.category),
            texts.term("severity", incident.severity),
            texts.term("seen", incident.seen),
        ]
    )
    markup = f"{number}. {text(view_ref)} · {text(head)}"
    if incident.voided:
        voided = text(t("VOIDED"))
        markup = f"<strike>{markup}</strike> <font color='#a10000'>{voided}</font>"
    status = t("Status: {status}; follow-up: {follow_up}; recorded {recorded}").format(
        status=texts.term("incident_status", incident.status),
        follow_up=texts.term("follow_up", incident.follow_up),
        recorded=texts.datetime(incident.recorded_utc, incident.tz),
    )
    if report.several_observers:
        author = report.author_name(incident.feed)
        status = t("Recorded by {author}").format(author=author) + "; " + status
    lines: list[Flowable] = [
        para(f"<b>{markup}</b>", styles.lead),
        para(text(status), styles.lead_muted),
    ]
    if view.annotation is not None and report.policy.show_annotations:
        lines.append(para(text(_assessment(view.annotation, report, texts)), styles.lead_muted))
    lines.append(para(text(incident.text), styles.indented))
    if incident.persons:
        lines.append(
            para(
                text(t("Persons involved: {names}").format(names=", ".join(incident.persons))),
                styles.indented,
            )
        )
    if incident.witnesses:
        lines.append(
            para(
                text(t("Witnesses: {names}").format(names=", ".join(incident.witnesses))),
                styles.indented,
            )
        )
    for entry in view.history:
        when = texts.datetime(entry.time_utc, entry.tz)
        if entry.kind == "voided":
            line = t("Voided {time}: {reason}").format(time=when, reason=entry.reason or "")
        else:
            changes = describe_changes(entry.changes, _ChangeWording(texts), arrow="→")
            line = t("Amended {time}: {changes}").format(time=when, changes=changes)
            if entry.reason:
                line += " (" + entry.reason + ")"
        lines.append(para(text(line), styles.muted))
    refs = [f"id {incident.id}"]
    if view.media:
        refs.append(t("media: {ids}").format(ids=", ".join(report.ref(m) for m in view.media)))
    lines.append(para(text(" · ".join(refs)), styles.muted))
    lines.append(Spacer(1, 2 * mm))
    return lines


class _ChangeWording:
    """An amendment as the report words it, in the report's language (times as recorded)."""

    def __init__(self, texts: ReportTexts) -> None:
        self._texts = texts

    def gettext(self, message: str) -> str:
        return self._texts.gettext(message)

    def category(self, category_id: str) -> str:
        return self._texts.category(category_id)

    def term(self, vocabulary: str, term_id: str) -> str:
        return self._texts.term(vocabulary, term_id)

    def moment(self, utc_text: str) -> str:
        return utc_text

    def names(self, values: Sequence[str]) -> str:
        return ", ".join(values)
