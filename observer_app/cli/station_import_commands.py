"""`station import FILE.csv`: hooked into the `station` command group by `station_commands`."""

from __future__ import annotations

from pathlib import Path

from observer_app.cli.argv_text import filesystem_path
from observer_app.cli.context import CliContext
from observer_app.cli.records_support import catalogue
from observer_app.cli.types import Subparsers
from observer_app.i18n import _
from observer_app.logbook.station_import import import_stations


def register(actions: Subparsers) -> None:
    """Add `import` to the `station` actions."""
    parser = actions.add_parser(
        "import",
        help=_(
            "add stations from a CSV file (columns: code, name, address, region, commission, tz)"
        ),
    )
    parser.add_argument("file", metavar="FILE.csv", type=filesystem_path)
    parser.set_defaults(handler=run_import)


def run_import(ctx: CliContext) -> int:
    result = import_stations(ctx.session, catalogue(), Path(ctx.args.file))
    ctx.out(
        _("Stations added: {added}; already present (skipped): {skipped}").format(
            added=len(result.added), skipped=len(result.skipped)
        )
    )
    return 0
