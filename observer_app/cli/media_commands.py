"""`media ...`: import evidence, set consent, redact, export and purge."""

from __future__ import annotations

import errno
import sys
from dataclasses import dataclass
from pathlib import Path

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import CliContext, add_yes_option
from observer_app.cli.records_support import (
    add_observer_option,
    catalogue,
    named,
    observer_feed,
    observer_names,
)
from observer_app.cli.types import Subparsers
from observer_app.core.catalogue import load_catalogue
from observer_app.core.consent import ConsentState, parse_consent_state
from observer_app.core.file_names import readable_file_name
from observer_app.errors import ObserverError, UsageError, UserActionError, environment_error
from observer_app.i18n import _, ngettext
from observer_app.logbook import media
from observer_app.logbook.media import STYLES, Box
from observer_app.logbook.media_words import media_list_lines
from observer_app.logbook.refs import record_label
from observer_app.logbook.session import DatabaseError, LogbookSession


def register(commands: Subparsers) -> None:
    group = commands.add_parser("media", help=_("photos, video, audio and documents"))
    actions = group.add_subparsers(dest="media_command", metavar="ACTION")
    actions.required = True

    add = actions.add_parser("add", help=_("import files as evidence"))
    add.add_argument("files", nargs="+", metavar="FILE", type=filesystem_path)
    target = add.add_mutually_exclusive_group(required=True)
    target.add_argument("--station", metavar="CODE")
    target.add_argument("--incident", metavar="ID")
    target.add_argument("--protocol", metavar="CODE")
    target.add_argument("--answer", metavar="ID")
    add.add_argument("--consent", default=ConsentState.NOT_ASKED.value, metavar="STATE")
    add.add_argument("--note", help=_("who consented, and how"))
    add.add_argument("--json", action="store_true", help=_("print JSON"))
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help=_("list media items"))
    add_observer_option(listing)
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(handler=run_list)

    show = actions.add_parser("show", help=_("show one item with its history"))
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(handler=run_show)

    consent = actions.add_parser("consent", help=_("change an item's consent state"))
    consent.add_argument("id")
    consent.add_argument("state")
    consent.add_argument("--reason", required=True)
    consent.add_argument("--note")
    consent.set_defaults(handler=run_consent)

    redact = actions.add_parser("redact", help=_("make an anonymised copy of a photo"))
    redact.add_argument("id")
    redact.add_argument("--box", action="append", default=[], metavar="x,y,w,h")
    redact.add_argument(
        "--suggest-faces",
        action="store_true",
        help=_("print suggested face boxes (nothing is made from them alone)"),
    )
    redact.add_argument("--style", choices=STYLES, default="fill")
    redact.set_defaults(handler=run_redact)

    export = actions.add_parser("export", help=_("write an item to a file"))
    export.add_argument("id")
    export.add_argument("--out", required=True, metavar="FILE", type=filesystem_path)
    export.add_argument(
        "--publication",
        action="store_true",
        help=_("a copy without metadata, only where consent allows"),
    )
    export.set_defaults(handler=run_export)

    purge = actions.add_parser("purge", help=_("remove an item's content for good"))
    purge.add_argument("id")
    purge.add_argument("--reason", required=True)
    add_yes_option(purge)
    purge.set_defaults(handler=run_purge)


def _media_id(ctx: CliContext, prefix: str) -> str:
    return media.resolve_media_id(ctx.session, prefix)


@dataclass(frozen=True)
class _Attempt:
    """One file of `media add`: what it became, or why it was not imported."""

    file: str
    result: media.ImportResult | None = None
    error: ObserverError | None = None

    def to_json(self) -> dict[str, object]:
        # The keys of a success are those `media add --json` always printed, plus `error`;
        # a failure has the same keys (nulls) so that a script reading `id` does not crash.
        r = self.result
        return {
            "id": r.id if r else None,
            "sha256": r.sha256 if r else None,
            "file": self.file,
            "duplicate": r.duplicate if r else False,
            "decode_error": r.decode_error if r else None,
            "error": self.error.message if self.error else None,
            "warnings": [w.to_json() | {"text": w.text} for w in r.warnings] if r else [],
        }


def _per_file_error(error: OSError | DatabaseError) -> ObserverError | None:
    """A full disk or a busy vault, worded for one file (the command as a whole went on)."""
    actionable = environment_error(error)
    if actionable is None:
        return None
    full = getattr(error, "sqlite_errorcode", None) == 13 or (
        isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)
    )
    return UserActionError(_("the disk is full")) if full else actionable


def _import_one(
    session: LogbookSession, file: str, link: media.Link, state: ConsentState, note: str | None
) -> _Attempt:
    name = readable_file_name(str(Path(file)))  # shown and printed; opened by its real name
    try:
        return _Attempt(name, result=media.import_file(session, Path(file), link, state, note))
    except ObserverError as error:
        return _Attempt(name, error=error)
    except (OSError, DatabaseError) as error:
        failure = _per_file_error(error)
        if failure is None:
            raise
        return _Attempt(name, error=failure)


def run_add(ctx: CliContext) -> int:
    """Import every file given; one that fails does not hide or undo the others.

    Exit 0 when all were imported, else the exit code of the first file that failed. Wrong
    arguments (consent state, link, vault) fail before any file is read.
    """
    args = ctx.args
    session = ctx.session
    state = parse_consent_state(args.consent, names=catalogue().consent_states)
    kind, ref = next(
        (k, getattr(args, k))
        for k in ("station", "incident", "protocol", "answer")
        if getattr(args, k)
    )
    link = media.resolve_link(session, kind, ref)
    attempts: list[_Attempt] = []
    try:
        for file in args.files:
            attempt = _import_one(session, file, link, state, args.note)
            attempts.append(attempt)
            _report(ctx, attempt)
    finally:
        # Also on Ctrl-C or an internal fault: the JSON of what was imported so far.
        if ctx.wants_json:
            ctx.out_json([a.to_json() for a in attempts])
    failed = [a.error for a in attempts if a.error is not None]
    if not failed:
        return 0
    print(
        ngettext(
            "{imported} of {total} file imported; {failed} not imported",
            "{imported} of {total} files imported; {failed} not imported",
            len(attempts),
        ).format(imported=len(attempts) - len(failed), total=len(attempts), failed=len(failed)),
        file=sys.stderr,
    )
    return failed[0].exit_code


def _report(ctx: CliContext, attempt: _Attempt) -> None:
    """Each file as soon as it is done: a long import shows its progress, and what made it."""
    if attempt.error is not None:
        print(
            _("not imported: {file}: {reason}").format(
                file=attempt.file, reason=attempt.error.message
            ),
            file=sys.stderr,
            flush=True,
        )
        return
    result = attempt.result
    if ctx.wants_json or result is None:
        return
    note = _(" (already held: linked)") if result.duplicate else ""
    ctx.out(f"{result.id}  {result.sha256}  {attempt.file}{note}")
    sys.stdout.flush()
    for warning in result.warnings:
        print(
            _("warning: {file}: {text}").format(file=attempt.file, text=warning.text),
            file=sys.stderr,
            flush=True,
        )


def run_list(ctx: CliContext) -> int:
    items = media.media_items(ctx.session, observer_feed(ctx))
    names = observer_names(ctx)
    if ctx.wants_json:
        ctx.out_json([{**item.to_json(), "observer": named(names, item.feed)} for item in items])
        return 0
    lines = media_list_lines(ctx.session, items, load_catalogue())
    for item, line in zip(items, lines, strict=True):
        ctx.out(f"{line} {named(names, item.feed)}")
    return 0


def run_show(ctx: CliContext) -> int:
    from observer_app.logbook.evidence import media_warnings
    from observer_app.logbook.media_history import media_history
    from observer_app.logbook.media_words import media_lines, media_words

    session = ctx.session
    item = media.require_media(session, _media_id(ctx, ctx.args.id))
    history = media_history(session.conn, item.id)
    warnings = media_warnings(session, item)
    observer = named(observer_names(ctx), item.feed)
    if ctx.wants_json:
        document = item.to_json()
        document["history"] = [entry.to_json() for entry in history]
        document["warnings"] = [w.to_json() | {"text": w.text} for w in warnings]
        document["observer"] = observer
        ctx.out_json(document)
        return 0
    ctx.out(_("Observer: {name}").format(name=observer))
    words = media_words(session, [item], load_catalogue())
    for name, value in media_lines(item, words, warnings):
        ctx.out(f"{name}: {value}")
    ctx.out(_("History:"))
    for entry in history:
        ctx.out(f"  {entry.local_time}  {entry.text}")
    return 0


def run_consent(ctx: CliContext) -> int:
    media.set_consent(
        ctx.session, _media_id(ctx, ctx.args.id), ctx.args.state, ctx.args.reason, ctx.args.note
    )
    return 0


def run_redact(ctx: CliContext) -> int:
    session = ctx.session
    media_id = _media_id(ctx, ctx.args.id)
    if ctx.args.suggest_faces and not ctx.args.box:
        boxes = media.suggest_faces(session, media_id)
        if not boxes:
            ctx.out(_("no faces found; give boxes by hand with --box x,y,w,h"))
        for box in boxes:
            ctx.out(f"--box {box}")
        return 0
    try:
        boxes = [Box.parse(text) for text in ctx.args.box]
    except ValueError as error:
        raise UsageError(str(error)) from None
    ctx.out(media.make_redacted_copy(session, media_id, boxes, ctx.args.style))
    return 0


def run_export(ctx: CliContext) -> int:
    out = media.export(
        ctx.session,
        _media_id(ctx, ctx.args.id),
        Path(ctx.args.out),
        publication=ctx.args.publication,
    )
    ctx.out(_("written {path}").format(path=out))
    return 0


def run_purge(ctx: CliContext) -> int:
    media_id = _media_id(ctx, ctx.args.id)
    media.require_media(ctx.session, media_id)
    ctx.confirm_irreversible(
        _("Purging the content of {ref}").format(ref=record_label(ctx.session, media_id))
    )
    media.purge(ctx.session, media_id, ctx.args.reason)
    ctx.out(_("content purged; the record, hash and reason stay"))
    return 0
