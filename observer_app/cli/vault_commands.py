"""`init`, `passwd`, `whoami`: the vault and the identity of its holder."""

from __future__ import annotations

from pathlib import Path

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import CliContext
from observer_app.cli.types import Subparsers
from observer_app.core.roles import ROLES
from observer_app.crypto.keys import format_fingerprint
from observer_app.i18n import _
from observer_app.logbook.identity import whoami
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.header import KdfParams
from observer_app.vault.store import change_passphrase


def register(commands: Subparsers) -> None:
    init = commands.add_parser("init", help=_("create a new vault with your identity"))
    init.add_argument("--name", required=True, help=_("your full name"))
    init.add_argument("--accreditation", help=_("your accreditation number"))
    init.add_argument("--role", choices=ROLES, default="observer")
    init.add_argument("--organisation", help=_("organisation name (coordinator vaults)"))
    init.add_argument(
        "--kdf-profile",
        choices=("default", "test"),
        default="default",
        help=_("key-derivation strength; 'test' is weak and only for automated tests"),
    )
    init.set_defaults(handler=run_init)

    passwd = commands.add_parser("passwd", help=_("change the vault passphrase"))
    passwd.add_argument(
        "--new-passphrase-file",
        metavar="F",
        type=filesystem_path,
        help=_("read the new passphrase from F"),
    )
    passwd.set_defaults(handler=run_passwd)

    who = commands.add_parser("whoami", help=_("show the vault holder's identity"))
    who.add_argument("--json", action="store_true", help=_("print JSON"))
    who.set_defaults(handler=run_whoami)


def run_init(ctx: CliContext) -> int:
    args = ctx.args
    kdf = KdfParams.for_tests() if args.kdf_profile == "test" else KdfParams.strong()
    path: Path = ctx.vault_path
    feed = init_vault(
        path,
        ctx.passphrase(confirm=True),
        NewIdentity(
            name=args.name,
            role=args.role,
            accreditation=args.accreditation,
            organisation=args.organisation,
        ),
        kdf,
    )
    ctx.out(_("Created vault {path}").format(path=path))
    ctx.out(_("Your fingerprint: {fp}").format(fp=format_fingerprint(feed)))
    return 0


def run_passwd(ctx: CliContext) -> int:
    session = ctx.session
    change_passphrase(session.vault, ctx.new_passphrase())
    ctx.out(_("Passphrase changed."))
    return 0


def run_whoami(ctx: CliContext) -> int:
    info = whoami(ctx.session)
    if ctx.wants_json:
        ctx.out_json(info)
        return 0
    ctx.out(_("Name: {name}").format(name=info["name"]))
    ctx.out(_("Role: {role}").format(role=info["role"]))
    ctx.out(_("Accreditation: {acc}").format(acc=info["accreditation"] or "-"))
    ctx.out(_("Fingerprint: {fp}").format(fp=info["fingerprint"]))
    ctx.out(_("Age recipient: {r}").format(r=info["age_recipient"]))
    head = info["feed_head"]
    ctx.out(_("Feed head: seq {seq}, {hash}").format(seq=head["seq"], hash=head["hash"]))
    return 0
