"""`vaults list|forget|clear`: the list of vault folders this computer has opened.

The CLI adds a vault to the list each time it opens one; none of these commands opens a vault.
"""

from __future__ import annotations

from pathlib import Path

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import CliContext
from observer_app.cli.types import Subparsers
from observer_app.i18n import _
from observer_app.logbook import known_vaults


def register(commands: Subparsers) -> None:
    parser = commands.add_parser(
        "vaults", help=_("the vault folders this computer has opened (no vault is opened)")
    )
    actions = parser.add_subparsers(dest="vaults_action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help=_("list them, most recently opened first"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(handler=run_list)
    forget = actions.add_parser("forget", help=_("remove one vault from the list (not the vault)"))
    forget.add_argument(
        "folder",
        nargs="?",
        metavar="DIR",
        type=filesystem_path,
        help=_("the vault folder (default: the --vault folder)"),
    )
    forget.set_defaults(handler=run_forget)
    clear = actions.add_parser("clear", help=_("delete the whole list (the vaults stay)"))
    clear.set_defaults(handler=run_clear)


def run_list(ctx: CliContext) -> int:
    entries = known_vaults.list_known_vaults()
    if ctx.wants_json:
        ctx.out_json([entry.to_json() for entry in entries])
        return 0
    for entry in entries:
        ctx.out(f"{entry.ui_language or '-':<3} {entry.path}")
    if not entries:
        ctx.out(_("No vaults are remembered on this computer."))
    return 0


def run_forget(ctx: CliContext) -> int:
    folder = Path(ctx.args.folder) if ctx.args.folder else ctx.vault_path
    if known_vaults.forget_vault(folder):
        ctx.out(_("Forgot {path}; the vault itself is unchanged.").format(path=folder))
    else:
        ctx.out(_("{path} was not in the list.").format(path=folder))
    return 0


def run_clear(ctx: CliContext) -> int:
    if known_vaults.clear_known_vaults():
        ctx.out(_("The list of known vaults is cleared; the vaults themselves are unchanged."))
    else:
        ctx.out(_("No vaults were remembered on this computer."))
    return 0
