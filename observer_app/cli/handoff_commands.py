"""`handoff export|import|receipt|status`: bundles and receipts on a USB stick."""

from __future__ import annotations

import sys
from pathlib import Path

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import CliContext
from observer_app.cli.types import Subparsers
from observer_app.crypto.keys import format_fingerprint
from observer_app.errors import UsageError, UserActionError
from observer_app.handoff.bundle_export import export_bundle
from observer_app.handoff.bundle_import import ImportOutcome, import_bundle
from observer_app.handoff.parts import parse_part_name
from observer_app.handoff.receipts import accept_receipt, write_receipt
from observer_app.handoff.status import handoff_status
from observer_app.handoff.transport import DEFAULT_PART_SIZE, find_bundle_parts
from observer_app.i18n import _

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
        default=str(DEFAULT_PART_SIZE),
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

    receipt = actions.add_parser("receipt", help=_("record a coordinator's receipt (observer)"))
    receipt.add_argument("file", metavar="FILE", type=filesystem_path)
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
        result = export_bundle(
            ctx.session,
            Path(ctx.args.to),
            part_size=parse_size(ctx.args.part_size),
            progress=progress,
        )
    finally:
        progress.close()
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


def group_bundles(files: list[str]) -> list[list[Path]]:
    """The bundles named on the command line: parts grouped by bundle id, folders searched."""
    groups: dict[str, list[Path]] = {}
    singles: list[list[Path]] = []
    for name in files:
        path = Path(name)
        if path.is_dir():
            found = find_bundle_parts(path)
            if not found:
                raise UserActionError(_("no bundle found in {folder}").format(folder=path))
            for bundle_id, parts in found.items():
                groups.setdefault(bundle_id, []).extend(parts)
            continue
        if not path.exists():
            raise UserActionError(_("file not found: {path}").format(path=path))
        parsed = parse_part_name(path.name)
        if parsed is None:
            singles.append([path])
        else:
            groups.setdefault(parsed.bundle_id, []).append(path)
    return [sorted(set(parts)) for parts in groups.values()] + singles


def _describe(outcome: ImportOutcome) -> str:
    who = outcome.author_name or "-"
    if outcome.author:
        who += f" ({format_fingerprint(outcome.author, short=True)})"
    if outcome.status == "accepted":
        return _(
            "accepted: {who}: seq {first}..{last}, new events: {events}, new media items: {media}"
        ).format(
            who=who,
            first=outcome.from_seq,
            last=outcome.to_seq,
            events=outcome.new_events,
            media=outcome.new_media,
        )
    if outcome.status == "already_held":
        return _("already held: {who}: seq {first}..{last}; nothing changed").format(
            who=who, first=outcome.from_seq, last=outcome.to_seq
        )
    return _("refused: {reason}").format(reason=outcome.reason)


def run_import(ctx: CliContext) -> int:
    args = ctx.args
    receipt_dir = Path(args.receipt_to) if args.receipt_to else None
    if receipt_dir is not None and not receipt_dir.is_dir():
        raise UserActionError(_("folder not found: {folder}").format(folder=receipt_dir))
    session = ctx.session
    results = []
    refused = receipt_failed = False
    for parts in group_bundles(args.files):
        progress = _Progress(_("importing"))
        try:
            outcome = import_bundle(session, parts, progress=progress)
        finally:
            progress.close()
        document = outcome.to_json()
        document["receipt"] = None
        if outcome.ok and receipt_dir is not None and outcome.author and outcome.head_hash:
            try:
                path = write_receipt(
                    session,
                    receipt_dir,
                    author=outcome.author,
                    bundle_id=outcome.bundle_id or "",
                    up_to_seq=outcome.head_seq,
                    head_hash=outcome.head_hash,
                    media=outcome.receipt_media,
                    receipt_id=outcome.receipt_id,
                )
                document["receipt"] = str(path)
            except UserActionError as error:
                document["receipt_error"] = error.message
                receipt_failed = True
        refused = refused or not outcome.ok
        results.append(document)
        if not ctx.wants_json:
            names = ", ".join(p.name for p in parts)
            ctx.out(f"{names}: {_describe(outcome)}")
            if document["receipt"]:
                ctx.out("  " + _("receipt written: {path}").format(path=document["receipt"]))
            if document.get("receipt_error"):
                ctx.out("  " + _("no receipt: {reason}").format(reason=document["receipt_error"]))
    if ctx.wants_json:
        ctx.out_json(results)
    return 1 if refused else 4 if receipt_failed else 0


def run_receipt(ctx: CliContext) -> int:
    accepted = accept_receipt(ctx.session, Path(ctx.args.file))
    receipt = accepted.receipt
    if accepted.already_recorded:
        ctx.out(_("This receipt was recorded before; nothing changed."))
        return 0
    ctx.out(
        _(
            "Receipt recorded: {name} holds your logbook up to seq {seq} (media items: {media})"
        ).format(name=accepted.coordinator_name, seq=receipt.up_to_seq, media=len(receipt.media))
    )
    return 0


def run_status(ctx: CliContext) -> int:
    status = handoff_status(ctx.session)
    if ctx.wants_json:
        ctx.out_json(status)
        return 0
    if status["role"] == "coordinator":
        if not status["observers"]:
            ctx.out(_("No observers enrolled yet."))
        for observer in status["observers"]:
            revoked = " " + _("(revoked)") if observer["revoked"] else ""
            ctx.out(
                _(
                    "{fingerprint}  {name}{revoked}: held up to seq {seq}, {bundles} bundles, "
                    "last {last}"
                ).format(
                    fingerprint=format_fingerprint(observer["feed"], short=True),
                    name=observer["name"],
                    revoked=revoked,
                    seq=observer["held_seq"],
                    bundles=observer["bundles"],
                    last=observer["last_bundle_utc"] or "-",
                )
            )
        for alert in status["fork_alerts"]:
            ctx.out(
                _("FORK ALERT: {fingerprint} seq {seq}: held {held}, other {other}").format(
                    fingerprint=format_fingerprint(alert["feed"], short=True),
                    seq=alert["seq"],
                    held=alert["held_hash"],
                    other=alert["other_hash"],
                )
            )
        return 0
    if not status["enrolled"]:
        ctx.out(_("Not enrolled: nothing can be handed over before 'enroll accept'."))
        ctx.out(_("Events recorded: {count}").format(count=status["head_seq"]))
        return 0
    coordinator = status["coordinator"]
    ctx.out(
        _("Coordinator: {name} ({fingerprint})").format(
            name=coordinator["name"],
            fingerprint=format_fingerprint(coordinator["feed"], short=True),
        )
    )
    ctx.out(
        _("Acknowledged up to seq {ack} of {head}; events waiting: {events}").format(
            ack=status["acknowledged_seq"], head=status["head_seq"], events=status["events_waiting"]
        )
    )
    ctx.out(
        _("Media items waiting: {count} ({size} bytes)").format(
            count=status["media_waiting"], size=status["media_waiting_bytes"]
        )
    )
    last = status["last_receipt"]
    ctx.out(_("Last receipt: {when}").format(when=last["issued_utc"] if last else _("none yet")))
    return 0
