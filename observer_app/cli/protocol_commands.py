"""`protocol record|show`: the results protocol, with every control relation evaluated."""

from __future__ import annotations

from observer_app.cli.context import CliContext
from observer_app.cli.records_support import add_observer_option, catalogue, label, observer_feed
from observer_app.cli.types import Subparsers
from observer_app.core.catalogue import Catalogue
from observer_app.core.protocol import format_turnout
from observer_app.i18n import _, current_language
from observer_app.logbook import protocol_records
from observer_app.logbook.protocol_records import ProtocolView


def register(commands: Subparsers) -> None:
    group = commands.add_parser("protocol", help=_("the results protocol of a station"))
    actions = group.add_subparsers(dest="protocol_command", metavar="ACTION")
    actions.required = True
    record = actions.add_parser("record", help=_("record protocol figures and check them"))
    record.add_argument("--station", metavar="CODE", required=True)
    record.add_argument(
        "--set",
        metavar="NAME=VALUE",
        dest="assignments",
        action="extend",
        nargs="+",
        required=True,
        help=_("a figure such as P3=812 or P11[A]=240 (repeatable)"),
    )
    record.add_argument("--json", action="store_true", help=_("print JSON"))
    record.set_defaults(handler=run_record)
    show = actions.add_parser("show", help=_("show the figures and checks"))
    show.add_argument("--station", metavar="CODE", required=True)
    add_observer_option(show)
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(handler=run_show)


def _print(ctx: CliContext, cat: Catalogue, view: ProtocolView) -> None:
    if ctx.wants_json:
        ctx.out_json(view.to_json())
        return
    ctx.out(_("Station {code}").format(code=view.station))
    if view.feed != ctx.session.identity.feed:
        ctx.out("  " + _("Observer: {name}").format(name=view.observer))
    figures = ", ".join(
        f"{name}={value}{' ✓' if view.verified.get(name) else ''}"
        for name, value in view.figures.items()
    )
    ctx.out("  " + _("Figures: {figures}").format(figures=figures or "-"))
    for check in view.evaluation.checks:
        if check.ok is True:
            state = _("OK")
            detail = f"({check.lhs} / {check.rhs})"
        elif check.ok is False:
            state = _("FAILED")
            detail = f"({check.lhs} / {check.rhs})"
        else:
            state = _("unknown")
            detail = _("missing: {fields}").format(fields=", ".join(check.missing))
        ctx.out(f"  {state:<8} {check.rule.expression():<28} {detail}  {label(check.rule.label)}")
    turnout = view.evaluation.turnout
    if turnout is not None:
        ctx.out(
            "  " + _("Turnout: {value}").format(value=format_turnout(turnout, current_language()))
        )
    else:
        ctx.out(
            "  "
            + _("Turnout: unknown (missing: {fields})").format(
                fields=", ".join(view.evaluation.turnout_missing) or "-"
            )
        )
    if view.ignored:
        ctx.out(
            "  "
            + _("Not in this mission's ballot (ignored): {fields}").format(
                fields=", ".join(sorted(view.ignored))
            )
        )
    failed = len(view.evaluation.failed)
    if failed:
        ctx.out(_("{count} control relations FAILED.").format(count=failed))


def run_record(ctx: CliContext) -> int:
    cat = catalogue()
    view = protocol_records.record_protocol(
        ctx.session, cat, ctx.args.station, ctx.args.assignments
    )
    _print(ctx, cat, view)
    return 0


def run_show(ctx: CliContext) -> int:
    cat = catalogue()
    views = protocol_records.protocol_views(ctx.session, cat, ctx.args.station, observer_feed(ctx))
    if ctx.wants_json:
        # The first copy's fields at the top (the holder's, or the only observer's), as for
        # one feed; `observers` holds every observer's copy.
        ctx.out_json({**views[0].to_json(), "observers": [view.to_json() for view in views]})
        return 0
    for view in views:
        _print(ctx, cat, view)
    return 0
