"""`enroll request|issue|accept|revoke|list`: enrollment by USB stick, fingerprints read aloud.

`enroll issue` without `--fingerprint` asks the coordinator to confirm the fingerprint the
observer reads aloud when a person is at the terminal; from a script (stdin not a terminal) it
prints the fingerprint and issues, as it always did.
"""

from __future__ import annotations

from pathlib import Path

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import CliContext, add_yes_option
from observer_app.cli.types import Subparsers
from observer_app.core.fingerprint import format_fingerprint
from observer_app.errors import UserActionError
from observer_app.i18n import _
from observer_app.logbook import enrollment
from observer_app.logbook.enrollment import EnrolledObservers


def register(commands: Subparsers) -> None:
    group = commands.add_parser("enroll", help=_("enrollment with a coordinator (USB stick)"))
    actions = group.add_subparsers(dest="enroll_command", metavar="ACTION")
    actions.required = True

    request = actions.add_parser("request", help=_("write an enrollment request (observer)"))
    request.add_argument(
        "--out", required=True, metavar="DIR", type=filesystem_path, help=_("folder on the stick")
    )
    request.add_argument(
        "--recipient",
        metavar="AGE1...",
        help=_("encrypt the request to the coordinator's age recipient, if known"),
    )
    request.set_defaults(handler=run_request)

    issue = actions.add_parser("issue", help=_("enroll an observer: write a setup package"))
    issue.add_argument("request", metavar="REQUEST", type=filesystem_path)
    issue.add_argument(
        "--out", required=True, metavar="DIR", type=filesystem_path, help=_("folder on the stick")
    )
    issue.add_argument(
        "--stations", metavar="CODE,...", default="", help=_("stations assigned to the observer")
    )
    issue.add_argument(
        "--fingerprint", metavar="FP", help=_("refuse unless the request has this fingerprint")
    )
    add_yes_option(issue)
    issue.set_defaults(handler=run_issue)

    accept = actions.add_parser("accept", help=_("accept a setup package and pin the coordinator"))
    accept.add_argument("package", metavar="SETUP", type=filesystem_path)
    accept.add_argument(
        "--fingerprint",
        metavar="FP",
        help=_("the coordinator's fingerprint (needed to change coordinator)"),
    )
    accept.set_defaults(handler=run_accept)

    revoke = actions.add_parser("revoke", help=_("revoke an observer's key (coordinator)"))
    revoke.add_argument("fingerprint", metavar="FP")
    revoke.add_argument("--reason", required=True)
    add_yes_option(revoke)
    revoke.set_defaults(handler=run_revoke)

    listing = actions.add_parser(
        "list", help=_("enrolled observers (coordinator) or pinned coordinators (observer)")
    )
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(handler=run_list)


def _stations(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


def run_request(ctx: CliContext) -> int:
    written = enrollment.write_request(ctx.session, Path(ctx.args.out), ctx.args.recipient)
    ctx.out(_("Enrollment request written: {path}").format(path=written.path))
    ctx.out(_("Your fingerprint (read it aloud to the coordinator):"))
    ctx.out("  " + format_fingerprint(written.feed))
    if not written.sealed:
        ctx.out(
            _("The request names you and is not encrypted: delete it from the stick after use.")
        )
    return 0


def run_issue(ctx: CliContext) -> int:
    args = ctx.args
    session = ctx.session
    expected = args.fingerprint
    confirmed = expected is None and ctx.is_interactive()
    if confirmed:
        expected = _confirm_request_fingerprint(ctx, Path(args.request))
    issued = enrollment.issue_package(
        session,
        Path(args.request),
        Path(args.out),
        _stations(args.stations),
        expected,
        replace=args.yes,
    )
    if not confirmed:
        _show_request(ctx, issued.request)
    ctx.out(_("Setup package written: {path}").format(path=issued.path))
    ctx.out(
        _("Mission: {mission}; stations: {stations}").format(
            mission=issued.mission or "-", stations=", ".join(issued.stations) or "-"
        )
    )
    if issued.reenrolled:
        ctx.out(_("This observer was enrolled before; the new enrollment replaces the old one."))
    ctx.out(_("Your fingerprint (read it aloud to the observer):"))
    ctx.out("  " + format_fingerprint(session.identity.feed))
    return 0


def _show_request(ctx: CliContext, request: enrollment.EnrollmentRequest) -> None:
    ctx.out(
        _("Request from: {name} (accreditation {accreditation})").format(
            name=request.name, accreditation=request.accreditation or "-"
        )
    )
    ctx.out(_("Fingerprint (compare it with the one the observer reads aloud):"))
    ctx.out("  " + format_fingerprint(request.feed))


def _confirm_request_fingerprint(ctx: CliContext, request_path: Path) -> str:
    """The comparison read aloud, asked for when a person is at the keyboard.

    Returns the confirmed fingerprint so that issuing re-checks it: a request swapped on the
    stick between the question and the issue is refused rather than enrolled.
    """
    request = enrollment.read_request(ctx.session, request_path)
    _show_request(ctx, request)
    if not ctx.confirm(_("Does the observer read out this fingerprint? [y/N] ")):
        raise UserActionError(
            _("not confirmed: no setup package was written and nothing was recorded")
        )
    return request.feed


def _confirm_package_fingerprint(ctx: CliContext, package_path: Path) -> str:
    """As for `issue`: at a terminal, the coordinator's fingerprint is compared before it is
    pinned. Returns it, so that accepting re-checks it (a package swapped meanwhile is refused)."""
    package = enrollment.read_package(ctx.session, package_path)
    ctx.out(_("Setup package from: {name}").format(name=package.coordinator_name))
    ctx.out(_("Coordinator's fingerprint (compare it with the one the coordinator reads aloud):"))
    ctx.out("  " + format_fingerprint(package.coordinator))
    if not ctx.confirm(_("Does the coordinator read out this fingerprint? [y/N] ")):
        raise UserActionError(_("not confirmed: nothing was accepted or pinned"))
    return package.coordinator


def run_accept(ctx: CliContext) -> int:
    fingerprint = ctx.args.fingerprint
    if fingerprint is None and ctx.is_interactive():
        fingerprint = _confirm_package_fingerprint(ctx, Path(ctx.args.package))
    accepted = enrollment.accept_package(ctx.session, Path(ctx.args.package), fingerprint)
    if accepted.already_accepted:
        ctx.out(_("This setup package was accepted before; nothing changed."))
        return 0
    ctx.out(
        _("Coordinator pinned: {name} ({organisation})").format(
            name=accepted.coordinator_name, organisation=accepted.organisation
        )
    )
    ctx.out(_("Coordinator's fingerprint (compare it with the one the coordinator reads aloud):"))
    ctx.out("  " + format_fingerprint(accepted.coordinator))
    if accepted.changed_coordinator:
        ctx.out(_("This replaces the coordinator pinned before; your history is kept."))
    ctx.out(_("Mission: {mission}").format(mission=accepted.mission or "-"))
    if accepted.stations_added:
        ctx.out(_("Stations added: {codes}").format(codes=", ".join(accepted.stations_added)))
    if accepted.stations_kept:
        ctx.out(
            _("Stations already present (kept as they were): {codes}").format(
                codes=", ".join(accepted.stations_kept)
            )
        )
    ctx.out(_("Your reports are now signed with the certificate the organisation issued."))
    return 0


def run_revoke(ctx: CliContext) -> int:
    ctx.confirm_irreversible(
        _("Revoking the key {fingerprint}").format(fingerprint=ctx.args.fingerprint)
    )
    revoked = enrollment.revoke(ctx.session, ctx.args.fingerprint, ctx.args.reason)
    ctx.out(
        _("Revoked: {name} ({fingerprint}); bundles from this key are refused from now on").format(
            name=revoked.name, fingerprint=format_fingerprint(revoked.feed, short=True)
        )
    )
    return 0


def run_list(ctx: CliContext) -> int:
    listing = enrollment.enrollments(ctx.session)
    if ctx.wants_json:
        ctx.out_json(listing.to_json())
        return 0
    if isinstance(listing, EnrolledObservers):
        if not listing.observers:
            ctx.out(_("No observers enrolled yet: use 'enroll issue'."))
        for observer in listing.observers:
            flag = (
                _(" (revoked: {reason})").format(reason=observer.revoked_reason)
                if observer.revoked
                else ""
            )
            ctx.out(
                f"{format_fingerprint(observer.feed, short=True)}  {observer.name}"
                f"  [{', '.join(observer.stations) or '-'}]{flag}"
            )
        return 0
    if not listing.pins:
        ctx.out(_("Not enrolled yet: use 'enroll request', then 'enroll accept'."))
    for pin in listing.pins:
        mission = pin.mission["name"] if pin.mission else "-"
        ctx.out(
            f"{pin.time_utc}  {format_fingerprint(pin.coordinator, short=True)}"
            f"  {pin.coordinator_name}  {mission}"
        )
    return 0
