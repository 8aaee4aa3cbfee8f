"""The report's front and back: the complaint letter, the cover, and the appendix of hashes.

The cover carries everything needed to judge the report without the vault: who observed and
who signed (with the signing key's fingerprint), which stations and period, for which audience,
and the journal heads (feed, seq, hash) the report was built from. The appendix lists every
included item with its hash and every withheld item with its reason only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Final

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from observer_app.core.audience import Audience
from observer_app.crypto.keys import format_fingerprint
from observer_app.i18n import N_
from observer_app.reports.audience import WITHHELD_CONSENT, WITHHELD_PURGED, Withheld
from observer_app.reports.builder import IncidentView, ReportView, StationView, chosen_incidents
from observer_app.reports.data import ReportOptions, period_for
from observer_app.reports.labels import ReportTexts
from observer_app.reports.layout import (
    FRAME_WIDTH,
    Styles,
    fixed_table,
    key_value_table,
    para,
    table,
    text,
)
from observer_app.reports.report_json import ATTACHMENT_NAME


def audience_label(texts: ReportTexts, audience: Audience) -> str:
    labels = {
        Audience.PUBLIC: texts.gettext("Public"),
        Audience.COMPLAINT: texts.gettext("Complaint"),
        Audience.INTERNAL: texts.gettext("Internal"),
    }
    return labels[audience]


def audience_mark(texts: ReportTexts, audience: Audience) -> str:
    marks = {
        Audience.PUBLIC: texts.gettext("FOR PUBLICATION: personal data removed"),
        Audience.COMPLAINT: texts.gettext("CONFIDENTIAL: for the election commission"),
        Audience.INTERNAL: texts.gettext("INTERNAL: contains personal data"),
    }
    return marks[audience]


def _audience_note(texts: ReportTexts, audience: Audience) -> str:
    notes = {
        Audience.PUBLIC: texts.gettext(
            "Prepared for publication: only media whose consent allows publication are shown, "
            "GPS positions are removed, and private persons are named 'witness 1', 'person 1'."
        ),
        Audience.COMPLAINT: texts.gettext(
            "Contains all evidence, including personal data. Confidential: for the election "
            "commission the complaint is addressed to."
        ),
        Audience.INTERNAL: texts.gettext(
            "Contains all records and evidence, including personal data and positions. For the "
            "organisation's internal use."
        ),
    }
    return notes[audience]


def period_text(view: ReportView, texts: ReportTexts) -> str:
    start, end = period_for(
        ReportOptions(view.audience, view.lang, (), view.period[0], view.period[1]),
        view.signer_tz,
    )
    if start is None and end is None:
        return texts.gettext("All records")
    first = texts.datetime(start, view.signer_tz) if start else "…"
    last = texts.datetime(end, view.signer_tz) if end else "…"
    return f"{first} – {last}"


def _mission_text(view: ReportView, texts: ReportTexts) -> str:
    if view.mission is None:
        return texts.gettext("No mission declared")
    try:
        day = texts.date(dt.date.fromisoformat(view.mission.date))
    except ValueError:
        day = view.mission.date
    return f"{text(view.mission.name)} ({text(day)})"


def person_words(name: str, accreditation: str | None, texts: ReportTexts) -> str:
    """A person with their accreditation number, as plain text."""
    if not accreditation:
        return name
    return texts.gettext("{name}, accreditation {number}").format(name=name, number=accreditation)


def _person(name: str, accreditation: str | None, texts: ReportTexts) -> str:
    return text(person_words(name, accreditation, texts))


def fingerprint_lines(fingerprint: str) -> str:
    """The fingerprint as two lines of eight groups: read aloud in halves, and never wrapped
    by the layout so that one group stands alone on a line."""
    groups = fingerprint.split()
    half = (len(groups) + 1) // 2
    return "<br/>".join("&nbsp;".join(part) for part in (groups[:half], groups[half:]) if part)


def signer_text(view: ReportView, texts: ReportTexts) -> str:
    """Who signs: the person, and in an organisation's report on whose behalf."""
    person = _person(view.signer.name, view.signer.accreditation, texts)
    if not view.organisation or view.signer.name == view.organisation:
        return person
    return texts.gettext("{person}, on behalf of {organisation}").format(
        person=person, organisation=text(view.organisation)
    )


def _observed_by(view: ReportView, feed: str, seen: str, texts: ReportTexts) -> str:
    """Who recorded an incident and how they know, in the third person: the organisation's
    letter cites its observer (name and accreditation; a pseudonym in public) and never lets
    the signer claim to have seen it (the catalogue's "seen" words are the observer's own,
    first person in Kazakh)."""
    author = view.author(feed)
    observer = feed[:16]
    if author is not None:
        observer = author.name
        if author.accreditation:
            observer = texts.gettext("{name} (accreditation {number})").format(
                name=author.name, number=author.accreditation
            )
    if seen == "directly":
        return texts.gettext("The observer {observer} saw it directly and recorded it.").format(
            observer=observer
        )
    if seen == "reported":
        return texts.gettext("The observer {observer} recorded it as reported by others.").format(
            observer=observer
        )
    return texts.gettext("The observer {observer} recorded it ({seen}).").format(
        observer=observer, seen=texts.term("seen", seen)
    )


def cover(view: ReportView, texts: ReportTexts, styles: Styles) -> list[Flowable]:
    t = texts.gettext
    observers = view.observers
    stations = "; ".join(
        f"{text(s.station.code)} — {text(s.station.name)}" for s in view.stations
    ) or t("None")
    heads = "<br/>".join(
        t("{name}: feed {feed}, seq {seq}, hash {hash}").format(
            name=text(a.name),
            feed=format_fingerprint(a.feed, short=True),
            seq=a.head_seq,
            hash=a.head_hash or "-",
        )
        for a in view.authors
    )
    rows = [(t("Organisation"), text(view.organisation))] if view.organisation else []
    rows += [
        (t("Mission / election"), _mission_text(view, texts)),
        (
            t("Observer") if len(observers) == 1 else t("Observers"),
            "<br/>".join(_person(a.name, a.accreditation, texts) for a in observers),
        ),
        (t("Signed by"), signer_text(view, texts)),
        (t("Signer fingerprint"), fingerprint_lines(view.fingerprint)),
        (t("Stations"), stations),
        (t("Period"), text(period_text(view, texts))),
        (
            t("Audience"),
            f"<b>{text(audience_label(texts, view.audience))}</b>. "
            f"{text(_audience_note(texts, view.audience))}",
        ),
        (t("Language"), text(texts.language_name)),
        (
            t("Generated"),
            f"{text(texts.utc(view.generated_utc))}<br/>"
            f"{text(texts.datetime(view.generated_utc, view.signer_tz))} ({text(view.signer_tz)})",
        ),
        (t("Journal head"), heads),
        (
            t("Catalogue"),
            t("version {version}, legal framework as of {date}").format(
                version=text(view.catalogue_version),
                date=text(texts.date(dt.date.fromisoformat(view.legal_framework_date))),
            ),
        ),
        (t("Report id"), view.report_id),
    ]
    title = t("Election observation report")
    if view.organisation:
        title = t("Election observation report of {organisation}").format(
            organisation=view.organisation
        )
    return [
        para(text(title), styles.title),
        para(_mission_text(view, texts), styles.h2),
        Spacer(1, 4 * mm),
        key_value_table(rows, styles),
        Spacer(1, 5 * mm),
        para(
            text(
                t(
                    "This PDF is signed electronically and carries its data as the attached "
                    "file {name}. Any change to the file breaks the signature. Check it with "
                    "'observer-cli verify' or a PDF reader that checks signatures."
                ).format(name=ATTACHMENT_NAME)
            ),
            styles.muted,
        ),
        PageBreak(),
    ]


def _codes(stations: Sequence[StationView]) -> str:
    """Station codes once each, in report order (two feeds may hold the same station)."""
    return ", ".join(dict.fromkeys(s.station.code for s in stations))


def complaint_groups(view: ReportView) -> list[tuple[str | None, list[IncidentView]]]:
    """The complaint's incidents by the commission they are addressed to: one letter per
    commission (a commission examines only its own stations). `--commission` addresses one
    letter with everything; a station with no commission recorded gets a letter of its own,
    and so does every station when the complaint is made with one letter per station."""
    incidents = chosen_incidents(view)
    if view.commission and not view.letter_per_station:
        return [(view.commission, list(incidents))]
    groups: dict[tuple[str | None, str], list[IncidentView]] = {}
    for incident in incidents:
        station = view.station_of(incident.incident.id)
        commission = view.commission or (station.station.commission if station else None)
        code = station.station.code if station else "?"
        key = (commission, code if view.letter_per_station or not commission else "")
        groups.setdefault(key, []).append(incident)
    if not groups:
        commissions = {s.station.commission for s in view.stations}
        return [(commissions.pop() if len(commissions) == 1 else None, [])]
    return [(commission, items) for (commission, _code), items in groups.items()]


def complaint_letter(view: ReportView, texts: ReportTexts, styles: Styles) -> list[Flowable]:
    story: list[Flowable] = []
    for commission, incidents in complaint_groups(view):
        story += _letter(view, commission, incidents, texts, styles)
        story += _letter_appendix(view, incidents, texts, styles)
    return story


def _letter(
    view: ReportView,
    commission: str | None,
    incidents: Sequence[IncidentView],
    texts: ReportTexts,
    styles: Styles,
) -> list[Flowable]:
    t = texts.gettext
    stations = [
        s for s in view.stations if any(view.station_of(i.incident.id) is s for i in incidents)
    ]
    if not stations:
        stations = list(view.stations)
    codes = _codes(stations)
    addressee = commission or texts.ngettext(
        "Precinct election commission of polling station {codes}",
        "Precinct election commissions of polling stations {codes}",
        len(stations),
    ).format(codes=codes)
    applicant = signer_text(view, texts)
    story: list[Flowable] = [
        para(text(t("To:")) + " " + text(addressee), styles.body),
        para(text(t("From:")) + " " + applicant, styles.body),
    ]
    if view.contact:
        story.append(para(text(t("Contact:")) + " " + text(view.contact), styles.body))
    story += [
        Spacer(1, 8 * mm),
        para(text(t("COMPLAINT")), styles.title),
        para(
            text(
                texts.ngettext(
                    "about violations of the election legislation at polling station {codes}",
                    "about violations of the election legislation at polling stations {codes}",
                    len(stations),
                ).format(codes=codes)
            ),
            styles.h3,
        ),
        Spacer(1, 3 * mm),
        para(text(_opening(view, texts)), styles.body),
    ]
    if not incidents:
        story.append(para(text(t("No incidents were selected.")), styles.indented))
    for number, incident in enumerate(incidents, start=1):
        record = incident.incident
        station = view.station_of(record.id)
        code = station.station.code if station else "?"
        head = t(
            "{time}, polling station {code}: {category} (severity: {severity}; {seen})."
        ).format(
            time=texts.datetime(record.occurred_utc, record.tz),
            code=code,
            category=texts.category(record.category),
            severity=texts.term("severity", record.severity),
            seen=texts.term("seen", record.seen),
        )
        if view.organisation:  # whose record this is, never the signer's own sight
            head = t("{time}, polling station {code}: {category} (severity: {severity}).").format(
                time=texts.datetime(record.occurred_utc, record.tz),
                code=code,
                category=texts.category(record.category),
                severity=texts.term("severity", record.severity),
            )
            head += " " + _observed_by(view, record.feed, record.seen, texts)
        reference = t("record {ref}").format(ref=view.ref(record.id))
        story.append(
            para(
                f"<b>{number}. {text(head)}</b> {text(record.text)} ({text(reference)})",
                styles.indented,
            )
        )
        story.append(para(text(_evidence(view, incident, texts)), styles.muted))
    story += [
        Spacer(1, 3 * mm),
        para(text(legal_basis_text(view, texts)), styles.body),
        para(text(_request(view, texts)), styles.body),
        para(
            text(
                t(
                    "Attached: the list of records with their hashes (next page) and the signed "
                    "observation report {id}."
                ).format(id=view.report_id)
            ),
            styles.body,
        ),
        Spacer(1, 12 * mm),
        table(
            [
                [
                    para(text(t("Date:")) + " " + text(_letter_date(view, texts)), styles.cell),
                    "",
                    para(text(t("Signature:")), styles.cell),
                ],
                ["", "", para(f"({text(_signature_name(view, texts))})", styles.muted)],
            ],
            [FRAME_WIDTH * 0.4, FRAME_WIDTH * 0.15, FRAME_WIDTH * 0.45],
            header=False,
            extra=[
                ("GRID", (0, 0), (-1, -1), 0, "white"),
                ("LINEBELOW", (2, 0), (2, 0), 0.6, "black"),
                ("TOPPADDING", (0, 0), (-1, 0), 14),
            ],
        ),
        PageBreak(),
    ]
    return story


def _signature_name(view: ReportView, texts: ReportTexts) -> str:
    if not view.organisation or view.signer.name == view.organisation:
        return view.signer.name
    return texts.gettext("{person}, on behalf of {organisation}").format(
        person=view.signer.name, organisation=view.organisation
    )


def _opening(view: ReportView, texts: ReportTexts) -> str:
    """The first sentence: an observer speaks of what they recorded; an organisation of what
    its observers recorded (the coordinator who signs saw none of it)."""
    if view.organisation:
        return texts.gettext(
            "{organisation} reports the following violations of the election legislation "
            "that its accredited observers recorded:"
        ).format(organisation=view.organisation)
    return texts.gettext(
        "I, {name}, an accredited observer, report the following violations that I recorded:"
    ).format(name=view.signer.name)


def _request(view: ReportView, texts: ReportTexts) -> str:
    if view.organisation:
        return texts.gettext(
            "{organisation} asks the commission to examine this complaint, to take the "
            "measures the law provides, and to inform it of its decision in writing."
        ).format(organisation=view.organisation)
    return texts.gettext(
        "I ask the commission to examine this complaint, to take the measures the law "
        "provides, and to inform me of its decision in writing."
    )


def _letter_date(view: ReportView, texts: ReportTexts) -> str:
    local = texts.local(view.generated_utc, view.signer_tz)
    return texts.date(local.date())


def _evidence(view: ReportView, incident: IncidentView, texts: ReportTexts) -> str:
    """The media the report shows for this incident, counted and named by reference."""
    if not incident.media:
        return texts.gettext("No media evidence is attached to this record.")
    return texts.ngettext(
        "Evidence: {count} media item ({refs}), listed in the attached report.",
        "Evidence: {count} media items ({refs}), listed in the attached report.",
        len(incident.media),
    ).format(
        count=texts.number(len(incident.media)),
        refs=", ".join(view.ref(m) for m in incident.media),
    )


def legal_basis_text(view: ReportView, texts: ReportTexts) -> str:
    """The law the complaint invokes, dated: the holder's setting, else the catalogue's law,
    cited as in force on the given day (the mission's date unless set)."""
    law = view.legal_basis or texts.gettext(
        "the Constitutional Law of the Republic of Kazakhstan «On Elections in the "
        "Republic of Kazakhstan»"
    )
    if not view.legal_basis_date:
        return texts.gettext("Legal basis: {law}").format(law=law)
    try:
        day = texts.date(dt.date.fromisoformat(view.legal_basis_date))
    except ValueError:
        day = view.legal_basis_date
    return texts.gettext("Legal basis: {law} (as in force on {date})").format(law=law, date=day)


def _letter_appendix(
    view: ReportView, incidents: Sequence[IncidentView], texts: ReportTexts, styles: Styles
) -> list[Flowable]:
    """Right after the letter, in its language: each cited record and evidence item with the
    hash a commission can check against the signed report."""
    t = texts.gettext
    story: list[Flowable] = [
        para(text(t("Appendix to the complaint: records and their hashes")), styles.h2),
    ]
    cell, small = styles.cell, styles.small
    rows: list[list[object]] = [
        [para(text(t(label)), styles.cell_bold) for label in ("Reference", "Record")]
        + [para("SHA-256", styles.cell_bold)]
    ]
    media = {m.id: m for m in view.media}
    for incident in incidents:
        record = incident.incident
        rows.append(
            [
                para(text(view.ref(record.id)), cell),
                para(text(texts.category(record.category)), cell),
                para(f"<font size='6'>{incident.hash or '-'}</font>", small),
            ]
        )
        for media_id in incident.media:
            item = media.get(media_id)
            if item is not None:
                rows.append(
                    [
                        para(text(view.ref(media_id)), cell),
                        para(text(t("media item")), cell),
                        para(f"<font size='6'>{item.sha256}</font>", small),
                    ]
                )
    if len(rows) == 1:
        story.append(para(text(t("None.")), styles.body))
    else:
        # A reference carries its observer's name where several observers' records are cited.
        ref_width = 40 * mm if view.several_observers else 20 * mm
        story.append(table(rows, [ref_width, 82 * mm - ref_width, FRAME_WIDTH - 82 * mm]))
    story.append(PageBreak())
    return story


def withheld_reason(item: Withheld, texts: ReportTexts) -> str:
    if item.reason == WITHHELD_CONSENT:
        reason = texts.gettext("consent does not allow publication ({state})").format(
            state=texts.consent(item.consent or "")
        )
    elif item.reason == WITHHELD_PURGED:
        reason = texts.gettext("content purged")
    else:
        reason = item.reason
    if item.replaced_by:
        reason += "; " + texts.gettext("anonymised copy {id} shown instead").format(
            id=item.replaced_by
        )
    return reason


EVENT_NAMES: Final[Mapping[str, str]] = {
    "identity.declared": N_("identity declared"),
    "identity.certificate": N_("certificate changed"),
    "mission.set": N_("mission set"),
    "station.added": N_("station added"),
    "visit.started": N_("arrival"),
    "visit.ended": N_("departure"),
    "visit.paused": N_("break"),
    "visit.resumed": N_("end of break"),
    "checklist.answered": N_("checklist answer"),
    "incident.added": N_("incident recorded"),
    "incident.amended": N_("incident amended"),
    "incident.voided": N_("incident voided"),
    "protocol.recorded": N_("protocol figures"),
    "media.added": N_("media item added"),
    "media.derived": N_("anonymised copy"),
    "media.linked": N_("media item linked"),
    "media.consent": N_("consent changed"),
    "media.purged": N_("media content purged"),
    "note.added": N_("note added"),
    "note.amended": N_("note amended"),
    "note.voided": N_("note voided"),
}
"""Event types as the appendix names them, in the report's language (a newer peer's type is
shown as it is)."""


def event_name(texts: ReportTexts, event_type: str) -> str:
    name = EVENT_NAMES.get(event_type)
    return texts.gettext(name) if name else event_type


def appendix(view: ReportView, texts: ReportTexts, styles: Styles) -> list[Flowable]:
    t = texts.gettext
    cell, small = styles.cell, styles.small
    story: list[Flowable] = [
        PageBreak(),
        para(text(t("Appendix: hashes and withheld items")), styles.h1),
        para(text(t("Media included")), styles.h2),
    ]
    media_rows = [[t("Reference"), t("Media id"), t("Type"), "SHA-256"]]
    media_rows += [[view.ref(m.id), m.id, m.mime, m.sha256] for m in view.media]
    widths = [16 * mm, 46 * mm, 24 * mm, 88 * mm]
    if view.several_observers:
        # References carry the observer's name: their room comes from the type, which the
        # media section above states in words.
        media_rows = [[ref, media_id, sha256] for ref, media_id, _mime, sha256 in media_rows]
        widths = [34 * mm, 52 * mm, 88 * mm]
    if view.media:
        story.append(fixed_table(media_rows, widths, styles.fonts))
    else:
        story.append(para(text(t("None.")), styles.body))
    story.append(para(text(t("Signed events the report derives from")), styles.h2))
    event_rows = [[t("Seq"), t("Event"), t("Record"), t("Event SHA-256")]]
    several = view.several_observers
    for event in view.events:
        item = str(event.body.get("id") or event.body.get("target") or "")
        # Sequence numbers count within a feed: with several observers each row names whose
        # (a record's reference names its author; an identity event names the author).
        record = view.ref(item) if item else (view.author_name(event.feed) if several else "")
        event_rows.append([str(event.seq), event_name(texts, event.type), record, event.hash])
    widths = (
        [10 * mm, 30 * mm, 46 * mm, 88 * mm] if several else [10 * mm, 48 * mm, 28 * mm, 88 * mm]
    )
    story.append(fixed_table(event_rows, widths, styles.fonts))
    story.append(para(text(t("Items withheld for this audience")), styles.h2))
    if view.withheld:
        rows: list[list[object]] = [[para(text(t("Id")), cell), para(text(t("Reason")), cell)]]
        rows += [
            [para(w.id, small), para(text(withheld_reason(w, texts)), small)] for w in view.withheld
        ]
        story.append(table(rows, [62 * mm, FRAME_WIDTH - 62 * mm]))
    else:
        story.append(para(text(t("None.")), styles.body))
    return story
