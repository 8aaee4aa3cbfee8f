"""`report` and `verify`: making a signed PDF report and checking one.

`verify` works without a vault: trust comes from `--trust` files. When a vault is named
(`--vault` or OBSERVER_VAULT) and its passphrase can be had (file, environment, or a prompt on a
terminal), the organisation certificates it knows are trusted as well.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import PASSPHRASE_ENV, VAULT_ENV, CliContext
from observer_app.cli.types import Subparsers
from observer_app.core.audience import Audience, parse_audience
from observer_app.i18n import SUPPORTED_LANGUAGES, _, current_language
from observer_app.logbook.incidents import resolve_incident_id
from observer_app.logbook.session import LogbookSession


def register(commands: Subparsers) -> None:
    report = commands.add_parser("report", help=_("make a signed PDF report"))
    report.add_argument(
        "--out", required=True, metavar="FILE.pdf", type=filesystem_path, help=_("the PDF to write")
    )
    report.add_argument(
        "--audience",
        required=True,
        choices=[a.value for a in Audience],
        help=_("public (for publication), complaint (to a commission) or internal"),
    )
    report.add_argument(
        "--station",
        action="append",
        default=[],
        metavar="CODE",
        help=_("only this station (repeat for several); default: all"),
    )
    report.add_argument(
        "--lang",
        choices=SUPPORTED_LANGUAGES,
        help=_("language of the report (default: the language of messages)"),
    )
    report.add_argument("--from", dest="period_from", metavar="ISO", help=_("period start"))
    report.add_argument("--to", dest="period_to", metavar="ISO", help=_("period end"))
    report.add_argument(
        "--commission", metavar="S", help=_("the commission a complaint is addressed to")
    )
    report.add_argument(
        "--letter-per-station",
        action="store_true",
        help=_("a complaint: one letter per polling station (default: one per commission)"),
    )
    report.add_argument(
        "--incident",
        action="append",
        default=[],
        metavar="ID",
        help=_("an incident the complaint names (repeat; default: every live incident)"),
    )
    report.set_defaults(handler=run_report)

    verify = commands.add_parser("verify", help=_("check a signed report"))
    verify.add_argument("file", metavar="FILE.pdf", type=filesystem_path)
    verify.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="CERT.pem",
        type=filesystem_path,
        help=_("trust this organisation certificate (repeat for several)"),
    )
    verify.add_argument("--json", action="store_true", help=_("print JSON"))
    verify.set_defaults(handler=run_verify)


def run_report(ctx: CliContext) -> int:
    # Imported here: PDF layout and signing take ~0.6 s to import, which every other
    # command would pay at start-up.
    from observer_app.logbook.reports import ReportOptions, make_report

    args = ctx.args
    session = ctx.session
    chosen = tuple(resolve_incident_id(session, prefix) for prefix in args.incident)
    options = ReportOptions(
        audience=parse_audience(args.audience),
        lang=args.lang or current_language(),
        stations=tuple(args.station),
        period_from=args.period_from,
        period_to=args.period_to,
        commission=args.commission,
        incidents=chosen,
        letter_per_station=args.letter_per_station,
    )
    result = make_report(session, options, Path(args.out))
    ctx.out(
        _("Report {id} written to {path} ({size} bytes), signed.").format(
            id=result.report_id, path=result.path, size=result.size
        )
    )
    return 0


def _optional_session(ctx: CliContext) -> LogbookSession | None:
    """The vault's session if the user pointed at a vault and a passphrase is at hand."""
    if not (ctx.args.vault or os.environ.get(VAULT_ENV)):
        return None
    has_passphrase = ctx.args.passphrase_file or os.environ.get(PASSPHRASE_ENV)
    if not has_passphrase and not (sys.stdin and sys.stdin.isatty()):
        return None
    if not ctx.vault_path.exists():
        return None
    return ctx.session


def run_verify(ctx: CliContext) -> int:
    from observer_app.logbook.reports import verify_report

    args = ctx.args
    verdict = verify_report(_optional_session(ctx), Path(args.file), [Path(p) for p in args.trust])
    pdf = verdict.pdf
    if ctx.wants_json:
        ctx.out_json(verdict.to_json())
        return 0 if verdict.valid else 1
    if not verdict.valid:
        ctx.out(_("NOT VALID: {reason}").format(reason=pdf.reason))
        return 1
    ctx.out(_("VALID: {reason}").format(reason=pdf.reason))
    ctx.out(_("Trusted: {answer}").format(answer=_("yes") if pdf.trusted else _("no")))
    ctx.out(_("Signer: {name}").format(name=pdf.signer_name or "-"))
    ctx.out(_("Fingerprint: {fp}").format(fp=pdf.signer_fingerprint or "-"))
    when = pdf.signing_time.isoformat() if pdf.signing_time else "-"
    ctx.out(_("Signed at: {time}").format(time=when))
    ctx.out(
        _("Report: {id} ({audience}, {lang})").format(
            id=verdict.report_id, audience=verdict.audience, lang=verdict.lang
        )
    )
    for head in verdict.journal_heads:
        ctx.out(
            _("Journal head: feed {feed}, seq {seq}, hash {hash}").format(
                feed=head.get("feed"), seq=head.get("seq"), hash=head.get("hash")
            )
        )
    return 0
