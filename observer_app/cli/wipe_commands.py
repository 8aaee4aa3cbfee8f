"""`wipe [--confirm]`: the emergency wipe from the shell (issue 16), for scripts and panic.

No passphrase is needed. When one is at hand without asking (`--passphrase-file` or
`OBSERVER_PASSPHRASE`), the records that still wait for handoff are counted first, so that the
warning can say how many will be lost; a prompt for it is never shown (speed matters more).
"""

from __future__ import annotations

import sys
from pathlib import Path

from observer_app.cli.context import (
    PASSPHRASE_ENV,
    CliContext,
    passphrase_from_env,
    read_passphrase_file,
)
from observer_app.cli.types import Subparsers
from observer_app.errors import ObserverError, UsageError, UserActionError
from observer_app.i18n import _, ngettext
from observer_app.logbook import wipe
from observer_app.logbook.session import open_session


def register(commands: Subparsers) -> None:
    parser = commands.add_parser(
        "wipe",
        help=_("destroy this vault for good (emergency wipe; no passphrase needed)"),
    )
    parser.add_argument(
        "--confirm", action="store_true", help=_("wipe without asking (for scripts)")
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON"))
    parser.set_defaults(handler=run)


def _waiting(ctx: CliContext, path: Path) -> int | None:
    """Records waiting for handoff, when the passphrase is at hand without a prompt."""
    try:
        if ctx.args.passphrase_file:
            passphrase: str | None = read_passphrase_file(Path(ctx.args.passphrase_file))
        else:
            passphrase = passphrase_from_env(PASSPHRASE_ENV)
        if not passphrase:
            return None
        session = open_session(path, passphrase)
    except ObserverError:
        return None
    try:
        return wipe.records_waiting(session)
    except ObserverError:
        return None
    finally:
        session.close()


def _warn(waiting: int | None) -> None:
    if waiting is None:
        message = _(
            "Records that wait for handoff cannot be counted without the passphrase; "
            "whatever was not handed over is lost."
        )
    elif waiting:
        message = ngettext(
            "{count} record waits for handoff and will be lost.",
            "{count} records wait for handoff and will be lost.",
            waiting,
        ).format(count=waiting)
    else:
        return
    print(_("warning: {message}").format(message=message), file=sys.stderr, flush=True)


def _confirmed(ctx: CliContext, path: Path) -> bool:
    """A typed word, not a y: a wipe must never follow a reflex."""
    # Translators: the word a person types to confirm the emergency wipe (capitals are fine).
    word = _("WIPE")
    answer = ctx.ask(
        _("This destroys the vault in {path} for good. Type {word} to go on: ").format(
            path=path, word=word
        )
    )
    return answer.strip().casefold() in {word.casefold(), "wipe"}


def run(ctx: CliContext) -> int:
    path = ctx.vault_path
    if not wipe.is_vault(path):
        raise UserActionError(
            _("{path} is not a vault folder; nothing was wiped.").format(path=path)
        )
    _warn(_waiting(ctx, path))
    if not ctx.args.confirm:
        if not ctx.is_interactive():
            raise UsageError(_("wipe cannot be undone; add --confirm to wipe without a terminal."))
        if not _confirmed(ctx, path):
            raise UserActionError(_("not confirmed: nothing was changed"))
    outcome = wipe.wipe(path)
    if ctx.wants_json:
        ctx.out_json(outcome.to_json())
        return 0
    ctx.out(
        _("The vault in {path} was destroyed; it is gone from this computer's list.").format(
            path=outcome.path
        )
    )
    return 0
