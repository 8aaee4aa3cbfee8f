"""`annotate`, `summary` and `export csv`: the coordinator's work on the observers' records."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from observer_app.cli.context import CliContext
from observer_app.cli.records_support import catalogue, label
from observer_app.cli.text_input import add_text_option, load_text_files
from observer_app.cli.types import Subparsers
from observer_app.errors import ObserverError
from observer_app.i18n import _
from observer_app.logbook.annotations import annotate
from observer_app.logbook.csv_export import export_csv
from observer_app.logbook.record_words import RecordWords
from observer_app.logbook.refs import record_label
from observer_app.logbook.summary import Summary, summary


def register(commands: Subparsers) -> None:
    mark = commands.add_parser(
        "annotate", help=_("the coordinator's status of an observer's incident (signed)")
    )
    mark.add_argument("id", metavar="ID")
    mark.add_argument(
        "--status", metavar="S", required=True, help=_("unmarked, confirmed or rejected")
    )
    mark.add_argument(
        "--follow-up",
        metavar="S",
        help=_("none_needed, needs_follow_up, complaint_filed or resolved"),
    )
    add_text_option(mark, "note", help_text=_("the coordinator's note"))
    mark.set_defaults(handler=run_annotate)

    overview = commands.add_parser("summary", help=_("the coordinator's night at a glance"))
    overview.add_argument("--json", action="store_true", help=_("print JSON"))
    overview.set_defaults(handler=run_summary)

    export = commands.add_parser("export", help=_("export the vault's findings"))
    formats = export.add_subparsers(dest="export_format", metavar="FORMAT")
    formats.required = True
    as_csv = formats.add_parser(
        "csv", help=_("incidents, checklists, protocols, media index, annotations as CSV")
    )
    as_csv.add_argument("--out", metavar="DIR", type=Path, required=True)
    as_csv.add_argument("--json", action="store_true", help=_("print JSON"))
    as_csv.set_defaults(handler=run_export_csv)


def run_annotate(ctx: CliContext) -> int:
    load_text_files(ctx.args)
    args = ctx.args
    cat = catalogue()
    row = annotate(ctx.session, cat, args.id, args.status, args.follow_up, args.note)
    words = RecordWords(cat)
    ctx.out(
        _("Incident {ref} marked: {status}, {follow_up}.").format(
            ref=record_label(ctx.session, row.target),
            status=words.field_value("status", row.status),
            follow_up=words.field_value("follow_up", row.follow_up),
        )
    )
    return 0


def _counts(
    ctx: CliContext, title: str, counts: dict[str, int], name: Callable[[str], str]
) -> None:
    ctx.out(title)
    if not counts:
        ctx.out("  -")
    for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        ctx.out(f"  {count:>6}  {name(key)}")


def run_summary(ctx: CliContext) -> int:
    cat = catalogue()
    result: Summary = summary(ctx.session, cat)
    if ctx.wants_json:
        ctx.out_json(result.to_json())
        return 0
    words = RecordWords(cat)

    def region(key: str) -> str:
        if not key:
            return _("no region")
        try:
            return label(cat.region(key).label)
        except ObserverError:
            return key  # a region of another catalogue version: shown as it is

    def phase(key: str) -> str:
        try:
            return label(cat.phase(key).label)
        except ObserverError:
            return key

    _counts(ctx, _("Incidents by category:"), result.by_category, words.category)
    _counts(ctx, _("Incidents by severity:"), result.by_severity, words.severity)
    _counts(ctx, _("Incidents by region:"), result.by_region, region)
    _counts(ctx, _("Checklist concerns by phase:"), result.concerns_by_phase, phase)
    for title, stations in (
        (_("Stations with failed control relations:"), result.failed_relations),
        (_("Stations where observers disagree:"), result.disagreements),
        (_("Stations whose published result differs:"), result.published_differs),
    ):
        ctx.out(f"{title} {', '.join(stations) or '-'}")
    ctx.out(_("Observers:"))
    for standing in result.observers:
        owes = [
            _("visit: {stations}").format(stations=", ".join(standing.owes_visit)),
            _("checklist: {stations}").format(stations=", ".join(standing.owes_checklist)),
            _("protocol: {stations}").format(stations=", ".join(standing.owes_protocol)),
        ]
        owed = [
            text
            for text, stations in zip(
                owes,
                (standing.owes_visit, standing.owes_checklist, standing.owes_protocol),
                strict=True,
            )
            if stations
        ]
        last = standing.last_handoff_utc or _("never")
        ctx.out(
            "  "
            + _("{name}: last handoff {when} ({bundles} bundles); still owes: {owes}").format(
                name=standing.name,
                when=last,
                bundles=standing.bundles,
                owes="; ".join(owed) or "-",
            )
        )
    return 0


def run_export_csv(ctx: CliContext) -> int:
    print(
        _(
            "Warning: the CSV files leave the vault unencrypted; keep them on an encrypted "
            "drive and delete them when done."
        ),
        file=sys.stderr,
    )
    exported = export_csv(ctx.session, catalogue(), ctx.args.out)
    if ctx.wants_json:
        ctx.out_json(exported.to_json())
        return 0
    for path in exported.files:
        ctx.out(_("{path}: {rows} rows").format(path=path, rows=exported.rows[path.name]))
    return 0
