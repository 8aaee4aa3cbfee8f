"""`keys export-age-identity|export-org-cert`: the few keys that may leave the vault, on request."""

from __future__ import annotations

import sys
from pathlib import Path

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import CliContext
from observer_app.cli.types import Subparsers
from observer_app.i18n import _
from observer_app.logbook import keys


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
    out = keys.export_age_identity(ctx.session, Path(ctx.args.out))
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
    written = keys.export_org_cert(ctx.session, Path(ctx.args.out))
    ctx.out(
        _("Organisation certificate written: {path} ({subject})").format(
            path=written.path, subject=written.subject
        )
    )
    return 0
