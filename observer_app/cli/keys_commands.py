"""`keys export-age-identity|export-org-cert`: the few keys that may leave the vault, on request."""

from __future__ import annotations

import sys
from pathlib import Path

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import CliContext
from observer_app.cli.types import Subparsers
from observer_app.core.timeutil import format_utc, utc_now
from observer_app.crypto.age_keys import recipient_of
from observer_app.crypto.certificates import certificate_to_pem
from observer_app.errors import UserActionError
from observer_app.handoff.documents import write_private_file
from observer_app.i18n import _
from observer_app.vault.identity_store import load_organisation_ca
from observer_app.vault.queries.pins import current_pin


def register(commands: Subparsers) -> None:
    group = commands.add_parser("keys", help=_("export keys for other tools"))
    actions = group.add_subparsers(dest="keys_command", metavar="ACTION")
    actions.required = True

    age = actions.add_parser(
        "export-age-identity",
        help=_("write the age secret key (to open bundles with the 'age' tool)"),
    )
    age.add_argument("--out", required=True, metavar="FILE", type=filesystem_path)
    age.set_defaults(handler=run_export_age_identity)

    org = actions.add_parser(
        "export-org-cert", help=_("write the organisation certificate (PEM) for verifying reports")
    )
    org.add_argument("--out", required=True, metavar="FILE", type=filesystem_path)
    org.set_defaults(handler=run_export_org_cert)


def run_export_age_identity(ctx: CliContext) -> int:
    identity = ctx.session.identity
    out = Path(ctx.args.out)
    text = "\n".join(
        (
            f"# created: {format_utc(utc_now())}",
            f"# public key: {recipient_of(identity.age_identity)}",
            identity.age_identity.strip(),
            "",
        )
    )
    write_private_file(out, text.encode("ascii"))
    print(
        _(
            "warning: {path} unlocks every bundle, setup package and receipt ever encrypted to "
            "this vault. Keep it off USB sticks, on an encrypted disk only, and delete it when "
            "done."
        ).format(path=out),
        file=sys.stderr,
    )
    ctx.out(_("age identity written: {path} (readable by you only)").format(path=out))
    return 0


def run_export_org_cert(ctx: CliContext) -> int:
    session = ctx.session
    own = load_organisation_ca(session.conn)
    if own is not None:
        certificate = own[1]
    else:
        pin = current_pin(session.conn, session.identity.feed)
        if pin is None:
            raise UserActionError(
                _("this vault holds no organisation certificate: it is not enrolled")
            )
        certificate = pin.organisation_ca
    out = Path(ctx.args.out)
    write_private_file(out, certificate_to_pem(certificate))
    ctx.out(
        _("Organisation certificate written: {path} ({subject})").format(
            path=out, subject=certificate.subject.rfc4514_string()
        )
    )
    return 0
