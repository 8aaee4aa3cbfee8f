"""`checklist answer|show|items`: the observation forms of each phase."""

from __future__ import annotations

from observer_app.cli.context import CliContext
from observer_app.cli.records_support import (
    add_observer_option,
    catalogue,
    label,
    local,
    observer_feed,
)
from observer_app.cli.text_input import add_text_option, load_text_files
from observer_app.cli.types import Subparsers
from observer_app.core.catalogue import Catalogue
from observer_app.i18n import _
from observer_app.logbook import checklist
from observer_app.logbook.refs import record_label
from observer_app.logbook.stations import require_station


def register(commands: Subparsers) -> None:
    group = commands.add_parser("checklist", help=_("checklist answers per phase"))
    actions = group.add_subparsers(dest="checklist_command", metavar="ACTION")
    actions.required = True
    answer = actions.add_parser("answer", help=_("answer a checklist item"))
    answer.add_argument("--station", metavar="CODE", required=True)
    answer.add_argument("--item", metavar="ID", required=True, help=_("item id such as OPN02"))
    add_text_option(
        answer, "value", required=True, help_text=_("the answer (free text for text items)")
    )
    add_text_option(answer, "note", help_text=_("a note on the answer"))
    answer.set_defaults(handler=run_answer)
    show = actions.add_parser("show", help=_("show a station's answers"))
    show.add_argument("--station", metavar="CODE", required=True)
    show.add_argument("--phase", metavar="P")
    add_observer_option(show)
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(handler=run_show)
    items = actions.add_parser("items", help=_("list the catalogue's items and answer types"))
    items.add_argument("--phase", metavar="P")
    items.add_argument("--json", action="store_true", help=_("print JSON"))
    items.set_defaults(handler=run_items)


def run_answer(ctx: CliContext) -> int:
    load_text_files(ctx.args)
    args = ctx.args
    cat = catalogue()
    answer_id = checklist.answer_item(
        ctx.session, cat, args.station, args.item, args.value, args.note
    )
    ctx.out(answer_id)  # the first line stays the id: scripts read it
    line = next(
        line
        for line in checklist.checklist(ctx.session, cat, args.station)
        if line.current is not None and line.current.id == answer_id
    )
    ctx.out(
        _("Recorded answer {ref} at station {station}: {item} {label}: {value}.").format(
            ref=record_label(ctx.session, answer_id),
            station=require_station(ctx.session, args.station).code,
            item=line.item.id,
            label=label(line.item.label),
            value=line.display(),
        )
    )
    return 0


def run_show(ctx: CliContext) -> int:
    cat = catalogue()
    station = require_station(ctx.session, ctx.args.station)
    sheets = checklist.station_checklists(
        ctx.session, cat, station.code, ctx.args.phase, observer_feed(ctx)
    )
    if ctx.wants_json:
        # `answers` stays the first sheet's (the holder's, or the only observer's) for scripts
        # written against one feed; `observers` holds every sheet.
        ctx.out_json(
            {
                "station": station.code,
                "answers": [line.to_json() for line in sheets[0].lines],
                "observers": [sheet.to_json() for sheet in sheets],
            }
        )
        return 0
    for sheet in sheets:
        if len(sheets) > 1 or sheet.feed != ctx.session.identity.feed:
            ctx.out(_("Observer: {name}").format(name=sheet.observer))
        _print_sheet(ctx, cat, sheet.lines)
    return 0


def _print_sheet(
    ctx: CliContext, cat: Catalogue, lines: tuple[checklist.ChecklistLine, ...]
) -> None:
    phase = None
    for line in lines:
        if line.phase != phase:
            phase = line.phase
            ctx.out(f"== {label(cat.phase(phase).label)}")
        shown = line.display()
        marker = "!" if line.concern else " "
        value = shown if shown is not None else "-"
        ctx.out(f"{marker} {line.item.id}  {label(line.item.label)}: {value}")
        if line.current is not None and line.current.note:
            ctx.out("        " + _("note: {text}").format(text=line.current.note))
        if line.superseded:
            earlier = ", ".join(
                f"{checklist.format_stored(line.item, row)} ({local(row.time_utc, row.tz)})"
                for row in line.superseded
            )
            ctx.out("        " + _("earlier: {answers}").format(answers=earlier))


def run_items(ctx: CliContext) -> int:
    cat = catalogue()
    phases = [cat.phase(ctx.args.phase)] if ctx.args.phase else list(cat.phases)
    if ctx.wants_json:
        ctx.out_json(
            [
                {
                    "item": item.id,
                    "phase": phase.id,
                    "type": str(item.type),
                    "label": label(item.label),
                    "choices": list(item.choice_ids),
                }
                for phase in phases
                for item in phase.items
            ]
        )
        return 0
    for phase in phases:
        ctx.out(f"== {phase.id}: {label(phase.label)}")
        for item in phase.items:
            allowed = f" [{'|'.join(item.choice_ids)}]" if item.choice_ids else ""
            ctx.out(f"  {item.id}  ({item.type}{allowed})  {label(item.label)}")
    return 0
