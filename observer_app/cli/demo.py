"""`demo`: a vault with sample data to explore, with the passphrase it used."""

from __future__ import annotations

import secrets
from pathlib import Path

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import CliContext
from observer_app.cli.types import Subparsers
from observer_app.i18n import _
from observer_app.logbook.demo_data import populate_demo
from observer_app.logbook.session import open_session
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.header import KdfParams


def register(commands: Subparsers) -> None:
    demo = commands.add_parser("demo", help=_("create a demo vault with a sample polling day"))
    demo.add_argument(
        "--out",
        metavar="DIR",
        type=filesystem_path,
        help=_("folder to create (default: ./observer-demo)"),
    )
    demo.add_argument("--kdf-profile", choices=("default", "test"), default="default")
    demo.set_defaults(handler=run_demo)


def _free_folder(requested: str | None) -> Path:
    if requested:
        return Path(requested).expanduser().absolute()
    base = Path.cwd() / "observer-demo"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"observer-demo-{n}")
    return candidate


def run_demo(ctx: CliContext) -> int:
    target = _free_folder(ctx.args.out)
    passphrase = "demo-" + secrets.token_hex(4)
    kdf = KdfParams.for_tests() if ctx.args.kdf_profile == "test" else KdfParams.strong()
    init_vault(
        target,
        passphrase,
        NewIdentity(name="Aigerim Demo", accreditation="DEMO-0001"),
        kdf,
    )
    session = open_session(target, passphrase)
    try:
        done = populate_demo(session)
    finally:
        session.close()
    ctx.out(_("Demo vault created in {path}").format(path=target))
    ctx.out(_("Passphrase: {p}").format(p=passphrase))
    for line in done:
        ctx.out("  - " + line)
    ctx.out(_("Explore it:"))
    ctx.out(f"  export OBSERVER_VAULT={target} OBSERVER_PASSPHRASE={passphrase}")
    ctx.out("  observer-cli whoami && observer-cli log && observer-cli journal verify")
    ctx.out("  observer-cli protocol show --station 102 && observer-cli media list")
    ctx.out("  observer-cli report --out report.pdf --audience public --lang kk")
    ctx.out("  observer-cli verify report.pdf")
    return 0
