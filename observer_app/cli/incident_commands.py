"""`incident add|amend|void|show|list`: what went wrong, with its history kept visible."""

from __future__ import annotations

import argparse

from observer_app.cli.context import CliContext
from observer_app.cli.records_support import (
    add_observer_option,
    catalogue,
    label,
    local,
    named,
    observer_feed,
    observer_names,
    short_id,
)
from observer_app.cli.text_input import add_text_option, load_text_files
from observer_app.cli.types import Subparsers
from observer_app.core.incidents import Incident
from observer_app.errors import UsageError
from observer_app.i18n import _
from observer_app.logbook import incidents
from observer_app.logbook.annotations import AnnotationRow, annotations_for
from observer_app.logbook.incident_history import history_lines
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.record_words import RecordWords
from observer_app.logbook.refs import record_label, record_labels


def _fields(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--station", metavar="CODE", required=required)
    parser.add_argument(
        "--category",
        metavar="ID",
        required=required,
        help=_("incident category id such as ballot_stuffing"),
    )
    add_text_option(parser, "text", required=required, help_text=_("what was seen"))
    parser.add_argument(
        "--time", metavar="ISO", help=_("when it happened; no offset = station time")
    )
    parser.add_argument("--severity", metavar="S", help=_("critical, high, medium or low"))
    parser.add_argument("--seen", metavar="HOW", help=_("directly or reported"))
    add_text_option(
        parser, "person", names=True, help_text=_("a person involved (repeat for more)")
    )
    add_text_option(parser, "witness", names=True, help_text=_("a witness (repeat for more)"))
    parser.add_argument("--status", metavar="S", help=_("unmarked, confirmed or rejected"))
    parser.add_argument(
        "--follow-up",
        metavar="S",
        help=_("none_needed, needs_follow_up, complaint_filed or resolved"),
    )


def register(commands: Subparsers) -> None:
    group = commands.add_parser("incident", help=_("incidents"))
    actions = group.add_subparsers(dest="incident_command", metavar="ACTION")
    actions.required = True
    add = actions.add_parser("add", help=_("record an incident (prints its id)"))
    _fields(add, required=True)
    add.set_defaults(handler=run_add)
    amend = actions.add_parser("amend", help=_("amend an incident (history is kept)"))
    amend.add_argument("id")
    _fields(amend, required=False)
    amend.add_argument("--no-persons", action="store_true", help=_("remove all persons"))
    amend.add_argument("--no-witnesses", action="store_true", help=_("remove all witnesses"))
    add_text_option(amend, "reason", help_text=_("why it is amended"))
    amend.set_defaults(handler=run_amend)
    void = actions.add_parser("void", help=_("void an incident (history is kept)"))
    void.add_argument("id")
    add_text_option(void, "reason", required=True, help_text=_("why it is voided"))
    void.set_defaults(handler=run_void)
    show = actions.add_parser("show", help=_("show an incident with its history"))
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(handler=run_show)
    listing = actions.add_parser("list", help=_("list incidents, newest first"))
    listing.add_argument("--station", metavar="CODE")
    listing.add_argument("--category", metavar="ID")
    listing.add_argument("--severity", metavar="S")
    listing.add_argument("--limit", type=int, default=100, metavar="N")
    add_observer_option(listing)
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(handler=run_list)
    categories = actions.add_parser(
        "categories", help=_("list the incident categories with their names")
    )
    categories.add_argument("--json", action="store_true", help=_("print JSON"))
    categories.set_defaults(handler=run_categories)


def run_add(ctx: CliContext) -> int:
    load_text_files(ctx.args)
    args = ctx.args
    new_id = incidents.add_incident(
        ctx.session,
        catalogue(),
        args.station,
        args.category,
        args.text,
        time=args.time,
        severity=args.severity,
        seen=args.seen,
        persons=args.person or (),
        witnesses=args.witness or (),
        status=args.status,
        follow_up=args.follow_up,
    )
    ctx.out(new_id)  # the first line stays the id: scripts read it
    row = incidents.get_incident(ctx.session, new_id)
    ctx.out(
        _("Recorded incident {ref} at station {station}: {category}, {time}.").format(
            ref=record_label(ctx.session, new_id),
            station=row.station,
            category=RecordWords(catalogue()).category(row.category),
            time=local(row.occurred_utc, row.tz),
        )
    )
    return 0


def _list_change(values: list[str] | None, clear: bool) -> tuple[str, ...] | None:
    if clear and values:
        raise UsageError(_("Give either names or --no-persons/--no-witnesses, not both."))
    if clear:
        return ()
    return tuple(values) if values else None


def run_amend(ctx: CliContext) -> int:
    load_text_files(ctx.args)
    args = ctx.args
    session = ctx.session
    incident_id = incidents.resolve_incident_id(session, args.id)
    changes = IncidentChanges(
        station=args.station,
        category=args.category,
        text=args.text,
        time=args.time,
        severity=args.severity,
        seen=args.seen,
        status=args.status,
        follow_up=args.follow_up,
        persons=_list_change(args.person, args.no_persons),
        witnesses=_list_change(args.witness, args.no_witnesses),
    )
    changed = incidents.amend_incident(session, catalogue(), incident_id, changes, args.reason)
    ctx.out(
        _("Incident {id} amended: {fields}").format(
            id=short_id(incident_id), fields=", ".join(sorted(changed))
        )
    )
    return 0


def run_void(ctx: CliContext) -> int:
    load_text_files(ctx.args)
    session = ctx.session
    incident_id = incidents.resolve_incident_id(session, ctx.args.id)
    incidents.void_incident(session, incident_id, ctx.args.reason)
    ctx.out(_("Incident {id} voided.").format(id=short_id(incident_id)))
    return 0


def run_show(ctx: CliContext) -> int:
    session = ctx.session
    detail = incidents.incident_detail(session, incidents.resolve_incident_id(session, ctx.args.id))
    if ctx.wants_json:
        ctx.out_json(detail.to_json())
        return 0
    words = RecordWords(catalogue())
    row = detail.incident
    state = _("VOIDED: {reason}").format(reason=row.void_reason) if row.voided else ""
    ctx.out(f"{record_label(session, row.id)}  {row.id}  {state}".rstrip())
    rows = [
        (_("Observer"), detail.observer),
        (_("Station"), row.station),
        (_("Time"), local(row.occurred_utc, row.tz)),
        (_("Category"), words.category(row.category)),
        (_("Severity"), words.severity(row.severity)),
        (_("Seen"), words.field_value("seen", row.seen)),
        (_("Status"), words.field_value("status", row.status)),
        (_("Follow-up"), words.field_value("follow_up", row.follow_up)),
        (_("Persons involved"), ", ".join(row.persons) or "-"),
        (_("Witnesses"), ", ".join(row.witnesses) or "-"),
        (_("Text"), row.text),
    ]
    for name, value in rows:
        ctx.out(f"  {name}: {value}")
    if detail.annotation is not None:
        ctx.out("  " + _coordinator_words(words, detail.annotation))
    ctx.out(_("History:"))
    for line in history_lines(detail.history, words, row.tz):
        ctx.out(f"  {line.when}  #{line.seq}  {line.text}")
    return 0


def _coordinator_words(words: RecordWords, annotation: AnnotationRow) -> str:
    """`Coordinator: confirmed, needs follow-up (note)`, the same in `show` and `list`."""
    return _("Coordinator: {annotation}").format(annotation=_annotation_words(words, annotation))


def _annotation_words(words: RecordWords, annotation: AnnotationRow) -> str:
    """The coordinator's judgement in words: `confirmed, needs follow-up (note)`."""
    text = ", ".join(
        (
            words.field_value("status", annotation.status),
            words.field_value("follow_up", annotation.follow_up),
        )
    )
    return f"{text} ({annotation.note})" if annotation.note else text


def _line(
    words: RecordWords,
    row: Incident,
    ref: str,
    observer: str,
    annotation: AnnotationRow | None,
) -> str:
    voided = "  [" + _("voided") + "]" if row.voided else ""
    # Labelled, so that the coordinator's judgement is not read as the observer's own status.
    marked = "  [" + _coordinator_words(words, annotation) + "]" if annotation is not None else ""
    text = row.text if len(row.text) <= 70 else row.text[:69] + "…"
    return (
        f"{ref:<6} {short_id(row.id)}  {local(row.occurred_utc, row.tz)}  {row.station:<8} "
        f"{observer}  {words.severity(row.severity)}  {words.category(row.category)}: "
        f"{text}{voided}{marked}"
    )


def run_list(ctx: CliContext) -> int:
    args = ctx.args
    if args.limit < 1:
        raise UsageError(_("The limit must be at least 1."))
    cat = catalogue()
    rows = incidents.list_incidents(
        ctx.session,
        cat,
        args.station,
        args.category,
        args.severity,
        limit=args.limit,
        feed=observer_feed(ctx),
    )
    names = observer_names(ctx)
    marks = annotations_for(ctx.session, [row.id for row in rows])
    if ctx.wants_json:
        ctx.out_json(
            [
                {
                    **row.to_json(),
                    "observer": named(names, row.feed),
                    "annotation": marks[row.id].to_json() if row.id in marks else None,
                }
                for row in rows
            ]
        )
        return 0
    refs = record_labels(ctx.session, [row.id for row in rows])
    words = RecordWords(cat)
    for row in rows:
        ctx.out(_line(words, row, refs.get(row.id, ""), named(names, row.feed), marks.get(row.id)))
    return 0


def run_categories(ctx: CliContext) -> int:
    """The categories `--category` takes, by id and by name in the UI language."""
    cat = catalogue()
    if ctx.wants_json:
        ctx.out_json(
            [
                {
                    "id": c.id,
                    "label": label(c.label),
                    "default_severity": c.default_severity,
                }
                for c in cat.incident_categories
            ]
        )
        return 0
    words = RecordWords(cat)
    for c in cat.incident_categories:
        ctx.out(f"{c.id:<24} {label(c.label)} ({words.severity(c.default_severity)})")
    return 0
