"""`handoff export|import|receipt|status`: bundles and receipts on a USB stick."""

from __future__ import annotations

import sys
from pathlib import Path

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import CliContext, print_error
from observer_app.cli.types import Subparsers
from observer_app.core.fingerprint import format_fingerprint
from observer_app.errors import ObserverError, UsageError
from observer_app.i18n import _
from observer_app.logbook import handoff
from observer_app.logbook.handoff import CoordinatorStatus, ImportOutcome, ImportStatus

_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3}


def register(commands: Subparsers) -> None:
    group = commands.add_parser("handoff", help=_("hand data over on a USB stick"))
    actions = group.add_subparsers(dest="handoff_command", metavar="ACTION")
    actions.required = True

    export = actions.add_parser(
        "export", help=_("write what the coordinator has not acknowledged yet (observer)")
    )
    export.add_argument(
        "--to", required=True, metavar="DIR", type=filesystem_path, help=_("folder on the stick")
    )
    export.add_argument(
        "--part-size",
        metavar="SIZE",
        default=str(handoff.DEFAULT_PART_SIZE),
        help=_("largest part, in bytes or with K, M, G (default 2G)"),
    )
    export.add_argument("--json", action="store_true", help=_("print JSON"))
    export.set_defaults(handler=run_export)

    imp = actions.add_parser("import", help=_("import bundles (coordinator)"))
    imp.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        type=filesystem_path,
        help=_("bundle parts, or folders holding them"),
    )
    imp.add_argument(
        "--receipt-to",
        metavar="DIR",
        type=filesystem_path,
        help=_("write a receipt per accepted bundle here"),
    )
    imp.add_argument("--json", action="store_true", help=_("print JSON"))
    imp.set_defaults(handler=run_import)

    receipt = actions.add_parser(
        "receipt", help=_("record a coordinator's receipt, or every receipt in a folder (observer)")
    )
    receipt.add_argument("file", metavar="FILE|DIR", type=filesystem_path)
    receipt.set_defaults(handler=run_receipt)

    status = actions.add_parser("status", help=_("what waits to be handed over"))
    status.add_argument("--json", action="store_true", help=_("print JSON"))
    status.set_defaults(handler=run_status)


def parse_size(text: str) -> int:
    value = text.strip().lower().removesuffix("b").removesuffix("i")
    factor = _UNITS.get(value[-1:], 1)
    digits = value[:-1] if value[-1:] in _UNITS else value
    if not digits.isdigit():
        raise UsageError(_("not a size: {value}").format(value=text))
    return int(digits) * factor


class _Progress:
    """A percentage on stderr when it is a terminal; silent in scripts and tests."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._shown = -1
        self._enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self._enabled or total <= 0:
            return
        percent = min(100, done * 100 // total)
        if percent != self._shown:
            self._shown = percent
            print(f"\r{self._label} {percent:3d}%", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._enabled and self._shown >= 0:
            print(file=sys.stderr)


def run_export(ctx: CliContext) -> int:
    progress = _Progress(_("exporting"))
    try:
        result = handoff.export_bundle(
            ctx.session,
            Path(ctx.args.to),
            part_size=parse_size(ctx.args.part_size),
            progress=progress,
        )
    except ObserverError as error:
        # The window says it until a handoff succeeds, whichever shell tried (issue 16).
        handoff.remember_failure(ctx.session, str(error))
        raise
    finally:
        progress.close()
    handoff.remember_failure(ctx.session, None)
    if ctx.wants_json:
        ctx.out_json(result.to_json())
        return 0
    manifest = result.manifest
    ctx.out(
        _("Bundle written: events {first}..{last}, media items: {media} ({size} bytes)").format(
            first=manifest.from_seq,
            last=manifest.to_seq,
            media=len(manifest.media),
            size=manifest.media_bytes,
        )
    )
    for path in result.paths:
        ctx.out(f"  {path}")
    return 0


def _describe(outcome: ImportOutcome) -> str:
    who = outcome.author_name or "-"
    if outcome.author:
        who += f" ({format_fingerprint(outcome.author, short=True)})"
    if outcome.status is ImportStatus.ACCEPTED:
        return _(
            "accepted: {who}: seq {first}..{last}, new events: {events}, new media items: {media}"
        ).format(
            who=who,
            first=outcome.from_seq,
            last=outcome.to_seq,
            events=outcome.new_events,
            media=outcome.new_media,
        )
    if outcome.status is ImportStatus.ALREADY_HELD:
        return _("already held: {who}: seq {first}..{last}; nothing changed").format(
            who=who, first=outcome.from_seq, last=outcome.to_seq
        )
    return _("refused: {reason}").format(reason=outcome.reason)


def run_import(ctx: CliContext) -> int:
    args = ctx.args
    receipt_dir = handoff.receipt_folder(Path(args.receipt_to) if args.receipt_to else None)
    results = []
    bundles, empty = handoff.bundles_and_empty_folders([Path(name) for name in args.files])
    for folder in empty:
        print_error(_("no bundle found in {folder}").format(folder=folder))
    for parts in bundles:
        progress = _Progress(_("importing"))
        try:
            result = handoff.import_bundle(
                ctx.session, parts, receipt_dir=receipt_dir, progress=progress
            )
        finally:
            progress.close()
        results.append(result)
        if not ctx.wants_json:
            names = ", ".join(p.name for p in parts)
            ctx.out(f"{names}: {_describe(result.outcome)}")
            if result.receipt is not None:
                ctx.out("  " + _("receipt written: {path}").format(path=result.receipt))
            if result.receipt_error:
                ctx.out("  " + _("no receipt: {reason}").format(reason=result.receipt_error))
    if ctx.wants_json:
        ctx.out_json([result.to_json() for result in results])
    if any(not result.outcome.ok for result in results):
        return 1
    return 4 if any(result.receipt_error is not None for result in results) else 0


def run_receipt(ctx: CliContext) -> int:
    path = Path(ctx.args.file)
    results = handoff.accept_receipts(ctx.session, path)
    # From a folder every line names its file, even when the folder held just one receipt.
    from_folder = path.is_dir()
    for result in results:
        accepted = result.accepted
        prefix = f"{result.path.name}: " if from_folder else ""
        if accepted is None:
            ctx.out(prefix + _("not recorded: {reason}").format(reason=result.error))
        elif accepted.already_recorded:
            ctx.out(prefix + _("This receipt was recorded before; nothing changed."))
        else:
            ctx.out(
                prefix
                + _(
                    "Receipt recorded: {name} holds your logbook up to seq {seq} "
                    "(media items: {media})"
                ).format(
                    name=accepted.coordinator_name,
                    seq=accepted.receipt.up_to_seq,
                    media=len(accepted.receipt.media),
                )
            )
    return 0 if any(result.accepted is not None for result in results) else 1


def run_status(ctx: CliContext) -> int:
    status = handoff.handoff_status(ctx.session)
    if ctx.wants_json:
        ctx.out_json(status.to_json())
        return 0
    if isinstance(status, CoordinatorStatus):
        _show_coordinator_status(ctx, status)
        return 0
    coordinator = status.coordinator
    if coordinator is None:
        ctx.out(_("Not enrolled: nothing can be handed over before 'enroll accept'."))
        ctx.out(_("Events recorded: {count}").format(count=status.head_seq))
        return 0
    ctx.out(
        _("Coordinator: {name} ({fingerprint})").format(
            name=coordinator.name,
            fingerprint=format_fingerprint(coordinator.feed, short=True),
        )
    )
    ctx.out(
        _("Acknowledged up to seq {ack} of {head}; events waiting: {events}").format(
            ack=status.acknowledged_seq, head=status.head_seq, events=status.events_waiting
        )
    )
    ctx.out(
        _("Media items waiting: {count} ({size} bytes)").format(
            count=status.media_waiting, size=status.media_waiting_bytes
        )
    )
    last = status.last_receipt
    ctx.out(_("Last receipt: {when}").format(when=last.issued_utc if last else _("none yet")))
    return 0


def _show_coordinator_status(ctx: CliContext, status: CoordinatorStatus) -> None:
    if not status.observers:
        ctx.out(_("No observers enrolled yet."))
    for observer in status.observers:
        revoked = " " + _("(revoked)") if observer.revoked else ""
        ctx.out(
            _(
                "{fingerprint}  {name}{revoked}: held up to seq {seq}, {bundles} bundles, "
                "last {last}"
            ).format(
                fingerprint=format_fingerprint(observer.feed, short=True),
                name=observer.name,
                revoked=revoked,
                seq=observer.held_seq,
                bundles=observer.bundles,
                last=observer.last_bundle_utc or "-",
            )
        )
    for alert in status.fork_alerts:
        ctx.out(
            _("FORK ALERT: {fingerprint} seq {seq}: held {held}, other {other}").format(
                fingerprint=format_fingerprint(alert.feed, short=True),
                seq=alert.seq,
                held=alert.held_hash,
                other=alert.other_hash,
            )
        )
