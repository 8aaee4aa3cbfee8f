"""`station add|list|show`: the polling stations the observer covers."""

from __future__ import annotations

from observer_app.cli import station_import_commands
from observer_app.cli.context import CliContext
from observer_app.cli.records_support import (
    add_observer_option,
    catalogue,
    label,
    observer_feed,
)
from observer_app.cli.types import Subparsers
from observer_app.i18n import _
from observer_app.logbook import stations


def register(commands: Subparsers) -> None:
    station = commands.add_parser("station", help=_("polling stations"))
    actions = station.add_subparsers(dest="station_command", metavar="ACTION")
    actions.required = True
    add = actions.add_parser("add", help=_("add a polling station"))
    add.add_argument(
        "--number",
        metavar="CODE",
        required=True,
        help=_("the station's code, unique in the mission (101 or ALM-101)"),
    )
    add.add_argument("--name", required=True, help=_("the station's name"))
    add.add_argument("--address")
    add.add_argument(
        "--region",
        help=_("region: catalogue id or name in any language (e.g. almaty_city, Астана)"),
    )
    add.add_argument("--commission", help=_("the territorial commission"))
    add.add_argument("--tz", metavar="ZONE", help=_("IANA time zone (default: the region's)"))
    add.add_argument("--lat", metavar="DEGREES", help=_("the station's latitude, e.g. 43.2389"))
    add.add_argument("--lon", metavar="DEGREES", help=_("the station's longitude, e.g. 76.8897"))
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", help=_("list the stations"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(handler=run_list)
    show = actions.add_parser("show", help=_("show one station"))
    show.add_argument("code", metavar="CODE")
    add_observer_option(show)
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(handler=run_show)
    station_import_commands.register(actions)


def run_add(ctx: CliContext) -> int:
    args = ctx.args
    added = stations.add_station(
        ctx.session,
        catalogue(),
        args.number,
        args.name,
        address=args.address,
        region=args.region,
        commission=args.commission,
        tz=args.tz,
        position=stations.parse_position(args.lat, args.lon),
    )
    ctx.out(
        _("Station {code} added: {name} ({zone})").format(
            code=added.code, name=added.name, zone=added.tz
        )
    )
    return 0


def run_list(ctx: CliContext) -> int:
    rows = stations.list_stations(ctx.session)
    if ctx.wants_json:
        ctx.out_json([row.to_json() for row in rows])
        return 0
    if not rows:
        ctx.out(_("No stations yet: add one with 'station add'."))
    cat = catalogue()
    for row in rows:
        region = label(cat.region(row.region).label) if row.region else "-"
        ctx.out(f"{row.code:<10} {row.name}  ({region}, {row.tz})")
    return 0


def run_show(ctx: CliContext) -> int:
    summary = stations.station_summary(ctx.session, ctx.args.code, observer_feed(ctx))
    if ctx.wants_json:
        ctx.out_json(summary.to_json())
        return 0
    cat = catalogue()
    station = summary.station
    ctx.out(f"{station.code}  {station.name}")
    rows = [
        (_("Address"), station.address or "-"),
        (_("Region"), label(cat.region(station.region).label) if station.region else "-"),
        (_("Commission"), station.commission or "-"),
        (_("Time zone"), station.tz),
        (_("Visits"), str(len(summary.visits))),
        (_("Checklist answers"), str(summary.answers)),
        (_("Incidents"), str(summary.incidents)),
        (_("Observers"), ", ".join(summary.observers) or "-"),
    ]
    for name, value in rows:
        ctx.out(f"  {name}: {value}")
    return 0
