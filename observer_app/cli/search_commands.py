"""`search TEXT`: full-text search over incidents, notes and stations."""

from __future__ import annotations

from observer_app.cli.context import CliContext
from observer_app.cli.records_support import (
    add_observer_option,
    named,
    observer_feed,
    observer_names,
    short_id,
)
from observer_app.cli.types import Subparsers
from observer_app.i18n import _
from observer_app.logbook.search import search


def register(commands: Subparsers) -> None:
    parser = commands.add_parser("search", help=_("search incidents, notes and stations"))
    parser.add_argument("text", nargs="+", metavar="TEXT")
    parser.add_argument("--limit", type=int, default=50, metavar="N")
    add_observer_option(parser)
    parser.add_argument("--json", action="store_true", help=_("print JSON"))
    parser.set_defaults(handler=run_search)


def run_search(ctx: CliContext) -> int:
    hits = search(ctx.session, " ".join(ctx.args.text), ctx.args.limit, observer=observer_feed(ctx))
    names = observer_names(ctx)
    if ctx.wants_json:
        ctx.out_json([{**hit.to_json(), "observer": named(names, hit.feed)} for hit in hits])
        return 0
    kinds = {"incident": _("incident"), "note": _("note"), "station": _("station")}
    for hit in hits:
        voided = "  [" + _("voided") + "]" if hit.voided else ""
        ctx.out(
            f"{kinds.get(hit.kind, hit.kind):<9} {short_id(hit.ref)}  {hit.station or '-':<8} "
            f"{named(names, hit.feed)}: {hit.snippet}{voided}"
        )
    if not hits:
        ctx.out(_("Nothing found."))
    return 0
