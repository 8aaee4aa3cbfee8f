"""`demo`: a vault with sample data to explore, with the passphrase it used."""

from __future__ import annotations

from pathlib import Path

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import CliContext
from observer_app.cli.types import Subparsers
from observer_app.i18n import _
from observer_app.logbook.demo_data import create_demo_vault
from observer_app.logbook.setup import KdfProfile


def register(commands: Subparsers) -> None:
    demo = commands.add_parser("demo", help=_("create a demo vault with a sample polling day"))
    demo.add_argument(
        "--out",
        metavar="DIR",
        type=filesystem_path,
        help=_("folder to create (default: ./observer-demo)"),
    )
    demo.add_argument(
        "--kdf-profile",
        choices=[profile.value for profile in KdfProfile],
        default=KdfProfile.DEFAULT.value,
    )
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
    demo = create_demo_vault(_free_folder(ctx.args.out), KdfProfile(ctx.args.kdf_profile))
    target, passphrase = demo.path, demo.passphrase
    ctx.out(_("Demo vault created in {path}").format(path=target))
    ctx.out(_("Passphrase: {p}").format(p=passphrase))
    for line in demo.done:
        ctx.out("  - " + line)
    ctx.out(_("Explore it:"))
    ctx.out(f"  export OBSERVER_VAULT={target} OBSERVER_PASSPHRASE={passphrase}")
    ctx.out("  observer-cli whoami && observer-cli log && observer-cli journal verify")
    ctx.out("  observer-cli protocol show --station 102 && observer-cli media list")
    ctx.out("  observer-cli report --out report.pdf --audience public --lang kk")
    ctx.out("  observer-cli verify report.pdf")
    return 0
