"""`init`, `passwd`, `whoami`: the vault and the identity of its holder."""

from __future__ import annotations

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import CliContext
from observer_app.cli.types import Subparsers
from observer_app.core.roles import ROLES, role_label
from observer_app.i18n import _
from observer_app.logbook.identity import whoami
from observer_app.logbook.passphrase import change_passphrase
from observer_app.logbook.setup import KdfProfile, NewIdentity, init_vault


def register(commands: Subparsers) -> None:
    init = commands.add_parser("init", help=_("create a new vault with your identity"))
    init.add_argument("--name", required=True, help=_("your full name"))
    init.add_argument("--accreditation", help=_("your accreditation number"))
    init.add_argument("--role", choices=ROLES, default="observer")
    init.add_argument("--organisation", help=_("organisation name (coordinator vaults)"))
    init.add_argument(
        "--kdf-profile",
        choices=[profile.value for profile in KdfProfile],
        default=KdfProfile.DEFAULT.value,
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
    created = init_vault(
        ctx.vault_path,
        ctx.passphrase(confirm=True),
        NewIdentity(
            name=args.name,
            role=args.role,
            accreditation=args.accreditation,
            organisation=args.organisation,
        ),
        KdfProfile(args.kdf_profile),
    )
    ctx.out(_("Created vault {path}").format(path=created.path))
    ctx.out(_("Your fingerprint: {fp}").format(fp=created.fingerprint))
    return 0


def run_passwd(ctx: CliContext) -> int:
    change_passphrase(ctx.session, ctx.new_passphrase())
    ctx.out(_("Passphrase changed."))
    return 0


def run_whoami(ctx: CliContext) -> int:
    holder = whoami(ctx.session)
    if ctx.wants_json:
        ctx.out_json(holder.to_json())
        return 0
    ctx.out(_("Name: {name}").format(name=holder.name))
    ctx.out(_("Role: {role}").format(role=role_label(holder.role)))
    ctx.out(_("Accreditation: {acc}").format(acc=holder.accreditation or "-"))
    ctx.out(_("Fingerprint: {fp}").format(fp=holder.fingerprint))
    ctx.out(_("Age recipient: {r}").format(r=holder.age_recipient))
    head = holder.feed_head
    ctx.out(_("Feed head: seq {seq}, {hash}").format(seq=head.seq, hash=head.hash))
    return 0
