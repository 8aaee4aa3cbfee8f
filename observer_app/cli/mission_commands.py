"""`mission set|show`: the mission's name, polling date and ballot (candidates, against all)."""

from __future__ import annotations

from observer_app.cli.context import CliContext
from observer_app.cli.types import Subparsers
from observer_app.i18n import _
from observer_app.logbook import mission


def register(commands: Subparsers) -> None:
    group = commands.add_parser("mission", help=_("the mission and its ballot"))
    actions = group.add_subparsers(dest="mission_command", metavar="ACTION")
    actions.required = True
    set_parser = actions.add_parser("set", help=_("declare the mission (replaces the earlier)"))
    set_parser.add_argument("--name", required=True)
    set_parser.add_argument("--date", metavar="YYYY-MM-DD", required=True, help=_("polling day"))
    set_parser.add_argument(
        "--candidate",
        metavar="ID=NAME",
        action="append",
        default=[],
        help=_("a choice on the ballot (repeat for each)"),
    )
    set_parser.add_argument(
        "--against-all", action="store_true", help=_("the ballot has the option 'against all'")
    )
    set_parser.set_defaults(handler=run_set)
    show = actions.add_parser("show", help=_("show the mission"))
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(handler=run_show)


def run_set(ctx: CliContext) -> int:
    args = ctx.args
    declared = mission.set_mission(
        ctx.session, args.name, args.date, args.candidate, args.against_all
    )
    ctx.out(
        _("Mission set: {name}, {date}, {count} candidates").format(
            name=declared.name, date=declared.date, count=len(declared.candidates)
        )
    )
    return 0


def run_show(ctx: CliContext) -> int:
    current = mission.get_mission(ctx.session)
    if ctx.wants_json:
        ctx.out_json(current.to_json() if current is not None else None)
        return 0
    if current is None:
        ctx.out(_("No mission is set: use 'mission set'."))
        return 0
    ctx.out(f"{current.name}  ({current.date})")
    for candidate in current.candidates:
        ctx.out(f"  P11[{candidate.id}]  {candidate.name}")
    if current.against_all:
        ctx.out("  P12  " + _("against all"))
    return 0
