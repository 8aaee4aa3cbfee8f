"""`protocol record|show`: the results protocol, with every control relation evaluated."""

from __future__ import annotations

from pathlib import Path

from observer_app.cli.context import CliContext
from observer_app.cli.records_support import add_observer_option, catalogue, label, observer_feed
from observer_app.cli.types import Subparsers
from observer_app.core.catalogue import Catalogue
from observer_app.core.protocol import format_turnout
from observer_app.errors import UsageError
from observer_app.i18n import _, current_language
from observer_app.logbook import comparison, protocol_records, published_import
from observer_app.logbook.annotations import mark_verified
from observer_app.logbook.comparison import ObserverCopy
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

    compare = actions.add_parser(
        "compare", help=_("every observer's figures side by side, and the published result")
    )
    compare.add_argument("--station", metavar="CODE")
    compare.add_argument("--json", action="store_true", help=_("print JSON"))
    compare.set_defaults(handler=run_compare)

    published = actions.add_parser(
        "published", help=_("record the commission's published result of a station")
    )
    published.add_argument("--station", metavar="CODE")
    published.add_argument(
        "--set",
        metavar="NAME=VALUE",
        dest="assignments",
        action="extend",
        nargs="+",
        help=_("a published figure such as P3=812 (repeatable)"),
    )
    published.set_defaults(handler=run_published)
    published_actions = published.add_subparsers(dest="published_command", metavar="ACTION")
    imported = published_actions.add_parser(
        "import", help=_("import the commission's results table (CSV, one row per station)")
    )
    imported.add_argument("file", metavar="FILE.csv", type=Path)
    imported.set_defaults(handler=run_published_import)

    verify = actions.add_parser(
        "verify", help=_("mark an observer's figures as checked against the paper protocol")
    )
    verify.add_argument("--station", metavar="CODE", required=True)
    verify.add_argument("--observer", metavar="FP|NAME", required=True)
    verify.add_argument(
        "--field", metavar="NAME", dest="fields", action="extend", nargs="+", required=True
    )
    verify.add_argument("--unset", action="store_true", help=_("mark the figures as not verified"))
    verify.set_defaults(handler=run_verify)


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


def _copy_line(copy: ObserverCopy) -> str:
    figures = ", ".join(
        f"{name}={value}{' ✓' if copy.verified.get(name) else ''}"
        for name, value in copy.figures.items()
    )
    failed = (
        "  " + _("FAILED: {rules}").format(rules=", ".join(copy.failed_checks))
        if copy.failed_checks
        else ""
    )
    return f"  {copy.observer}: {figures or '-'}{failed}"


def run_compare(ctx: CliContext) -> int:
    result = comparison.compare(ctx.session, catalogue(), ctx.args.station)
    if ctx.wants_json:
        ctx.out_json(result.to_json())
        return 0
    if not result.stations:
        ctx.out(_("No protocol figures yet."))
        return 0
    for station in result.stations:
        ctx.out(f"{station.station}  {station.name}".rstrip())
        for copy in station.copies:
            ctx.out(_copy_line(copy))
        if station.published:
            published = ", ".join(f"{k}={v}" for k, v in station.published.items())
            ctx.out("  " + _("published: {figures}").format(figures=published))
        for field in station.fields:
            if not (field.disagreement or field.published_differs):
                continue
            values = ", ".join(
                f"{copy.observer} {field.values[copy.feed]}"
                for copy in station.copies
                if copy.feed in field.values
            )
            published_value = "-" if field.published is None else str(field.published)
            ctx.out(
                "  ! "
                + _("{field}: {values}; published {published}").format(
                    field=field.field, values=values or "-", published=published_value
                )
            )
    differs = result.published_differs
    ctx.out(
        _("Published result differs from the observers' copies at: {stations}").format(
            stations=", ".join(differs) or "-"
        )
    )
    return 0


def run_published(ctx: CliContext) -> int:
    if not ctx.args.station or not ctx.args.assignments:
        raise UsageError(
            _("Give --station CODE and --set NAME=VALUE, or 'protocol published import FILE.csv'.")
        )
    figures = comparison.record_published(
        ctx.session, catalogue(), ctx.args.station, ctx.args.assignments
    )
    ctx.out(
        _("Published result of station {code}: {figures}").format(
            code=ctx.args.station, figures=", ".join(f"{k}={v}" for k, v in figures.items())
        )
    )
    return 0


def run_published_import(ctx: CliContext) -> int:
    imported = published_import.import_published(ctx.session, catalogue(), ctx.args.file)
    ctx.out(
        _("Imported the published result of {stations} stations ({figures} figures).").format(
            stations=len(imported.stations), figures=imported.figures
        )
    )
    return 0


def run_verify(ctx: CliContext) -> int:
    feed = observer_feed(ctx)
    assert feed is not None  # --observer is required
    cat = catalogue()
    view = mark_verified(
        ctx.session, cat, ctx.args.station, feed, ctx.args.fields, verified=not ctx.args.unset
    )
    _print(ctx, cat, view)
    return 0
