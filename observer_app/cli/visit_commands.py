"""`visit start|end|pause|resume|list`: when the observer was at a station."""

from __future__ import annotations

from collections.abc import Callable

from observer_app.cli.context import CliContext
from observer_app.cli.records_support import (
    add_observer_option,
    local,
    named,
    observer_feed,
    observer_names,
    short_id,
)
from observer_app.cli.types import Subparsers
from observer_app.i18n import _
from observer_app.logbook import visits
from observer_app.logbook.refs import record_labels
from observer_app.logbook.session import LogbookSession

Action = Callable[[LogbookSession, str, str | None], str]


def register(commands: Subparsers) -> None:
    visit = commands.add_parser("visit", help=_("arrival, departure and breaks at a station"))
    actions = visit.add_subparsers(dest="visit_command", metavar="ACTION")
    actions.required = True
    for name, help_text, handler in (
        ("start", _("arrive at a station"), run_start),
        ("end", _("leave a station"), run_end),
        ("pause", _("start a break"), run_pause),
        ("resume", _("end a break"), run_resume),
    ):
        parser = actions.add_parser(name, help=help_text)
        parser.add_argument("--station", metavar="CODE", required=True)
        parser.add_argument(
            "--time", metavar="ISO", help=_("when (default: now); no offset = station time")
        )
        parser.set_defaults(handler=handler)
    listing = actions.add_parser("list", help=_("list visits"))
    listing.add_argument("--station", metavar="CODE")
    add_observer_option(listing)
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(handler=run_list)


def _run(ctx: CliContext, action: Action) -> int:
    ctx.out(action(ctx.session, ctx.args.station, ctx.args.time))
    return 0


def run_start(ctx: CliContext) -> int:
    return _run(ctx, visits.start_visit)


def run_end(ctx: CliContext) -> int:
    return _run(ctx, visits.end_visit)


def run_pause(ctx: CliContext) -> int:
    return _run(ctx, visits.pause_visit)


def run_resume(ctx: CliContext) -> int:
    return _run(ctx, visits.resume_visit)


def run_list(ctx: CliContext) -> int:
    rows = visits.list_visits(ctx.session, ctx.args.station, observer_feed(ctx))
    names = observer_names(ctx)
    if ctx.wants_json:
        ctx.out_json([{**row.to_json(), "observer": named(names, row.feed)} for row in rows])
        return 0
    refs = record_labels(ctx.session, [row.id for row in rows])
    for row in rows:
        ended = local(row.ended_utc, row.tz) if row.ended_utc else _("open")
        ctx.out(
            f"{refs.get(row.id, ''):<6} {short_id(row.id)}  {row.station:<10} "
            f"{local(row.started_utc, row.tz)} - {ended}  {named(names, row.feed)}"
        )
        for pause in row.breaks:
            until = local(pause.ended_utc, row.tz) if pause.ended_utc else _("open")
            ctx.out(
                "    "
                + _("break {start} - {end}").format(
                    start=local(pause.started_utc, row.tz), end=until
                )
            )
    return 0
