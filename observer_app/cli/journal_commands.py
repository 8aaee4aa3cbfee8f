"""`log`, `journal verify` and `note`: reading and checking the journal."""

from __future__ import annotations

from dataclasses import replace

from observer_app.cli.context import CliContext
from observer_app.cli.records_support import add_observer_option, observer_feed
from observer_app.cli.text_input import add_text_option, load_text_files
from observer_app.cli.types import Subparsers
from observer_app.core.catalogue import load_catalogue
from observer_app.core.timeline_filter import ALL_EVENTS
from observer_app.i18n import _
from observer_app.logbook import notes
from observer_app.logbook.journal_check import verify_vault_journal
from observer_app.logbook.refs import record_label
from observer_app.logbook.search import timeline_filter
from observer_app.logbook.timeline import timeline


def register(commands: Subparsers) -> None:
    log = commands.add_parser("log", help=_("print the timeline"))
    log.add_argument("--json", action="store_true", help=_("print JSON"))
    log.add_argument("--station", metavar="CODE", help=_("only this station's records"))
    log.add_argument("--category", metavar="ID", help=_("only incidents of this category"))
    log.add_argument("--severity", metavar="S", help=_("only incidents of this severity"))
    log.add_argument(
        "--all",
        action="store_true",
        help=_("every feed the vault holds, each line naming its observer (the default)"),
    )
    add_observer_option(log)
    log.add_argument("--region", metavar="R", help=_("only stations of this region"))
    log.add_argument(
        "--from", dest="since", metavar="ISO", help=_("from this time (no offset = local time)")
    )
    log.add_argument(
        "--to", dest="until", metavar="ISO", help=_("until this time (no offset = local time)")
    )
    log.set_defaults(handler=run_log)

    journal = commands.add_parser("journal", help=_("check the journal"))
    journal_commands = journal.add_subparsers(dest="journal_command", metavar="ACTION")
    journal_commands.required = True
    verify = journal_commands.add_parser("verify", help=_("verify every feed"))
    verify.add_argument("--json", action="store_true", help=_("print JSON"))
    verify.set_defaults(handler=run_verify)

    note = commands.add_parser("note", help=_("free-text notes"))
    note_commands = note.add_subparsers(dest="note_command", metavar="ACTION")
    note_commands.required = True
    add = note_commands.add_parser("add", help=_("add a note"))
    add_text_option(add, "text", required=True, positional=True, help_text=_("the note"))
    add.add_argument("--station", metavar="CODE")
    add.set_defaults(handler=run_note_add)
    amend = note_commands.add_parser("amend", help=_("amend a note (history is kept)"))
    amend.add_argument("id")
    add_text_option(amend, "text", required=True, help_text=_("the new text"))
    amend.set_defaults(handler=run_note_amend)
    void = note_commands.add_parser("void", help=_("void a note (history is kept)"))
    void.add_argument("id")
    add_text_option(void, "reason", required=True, help_text=_("why it is voided"))
    void.set_defaults(handler=run_note_void)


def run_log(ctx: CliContext) -> int:
    args = ctx.args
    selection = ALL_EVENTS
    feed = observer_feed(ctx)
    filters = (args.station, args.category, args.severity, args.region, args.since, args.until)
    if feed is not None or any(value is not None for value in filters):
        selection = timeline_filter(
            ctx.session,
            load_catalogue(),
            args.station,
            args.category,
            args.severity,
            region=args.region,
            since=args.since,
            until=args.until,
        )
        selection = replace(selection, feed=feed)
    entries = timeline(ctx.session.conn, selection)
    if ctx.wants_json:
        ctx.out_json([entry.to_json() for entry in entries])
        return 0
    # Columns padded to the widest cell of the listing: names, times and references
    # (`I-12@Ержан Нурланов` on a coordinator) vary in length, and some lines have no reference.
    rows = [(entry.local_time, entry.author, entry.ref or "", entry.text) for entry in entries]
    widths = [max((len(row[column]) for row in rows), default=0) for column in range(3)]
    for when, author, ref, text in rows:
        ctx.out(f"{when:<{widths[0]}}  {author:<{widths[1]}}  {ref:<{widths[2]}}  {text}")
    return 0


def run_verify(ctx: CliContext) -> int:
    verdict = verify_vault_journal(ctx.session)
    if ctx.wants_json:
        ctx.out_json(verdict.to_json())
    elif verdict.valid:
        ctx.out(
            _("journal valid (feeds: {feeds}, events: {events})").format(
                feeds=verdict.feeds, events=verdict.events
            )
        )
    else:
        lines = verdict.messages()
        ctx.out(_("journal NOT valid: {first}").format(first=lines[0]))
        for line in lines[1:]:
            ctx.out(line)
    return 0 if verdict.valid else 1


def run_note_add(ctx: CliContext) -> int:
    load_text_files(ctx.args)
    note_id = notes.add_note(ctx.session, ctx.args.text, ctx.args.station)
    ctx.out(note_id)  # the first line stays the id: scripts read it
    ctx.out(_("Recorded note {ref}.").format(ref=record_label(ctx.session, note_id)))
    return 0


def run_note_amend(ctx: CliContext) -> int:
    load_text_files(ctx.args)
    session = ctx.session
    notes.amend_note(session, notes.resolve_note_id(session, ctx.args.id), ctx.args.text)
    return 0


def run_note_void(ctx: CliContext) -> int:
    load_text_files(ctx.args)
    session = ctx.session
    notes.void_note(session, notes.resolve_note_id(session, ctx.args.id), ctx.args.reason)
    return 0
