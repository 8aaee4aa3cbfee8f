"""`vocabulary [NAME]`: every list of allowed values, by id and by name in the UI language.

Options such as `--severity`, `--seen`, `--consent`, `--region` and checklist answers take an
id or a name in any of the three languages; this shows what there is to type.
"""

from __future__ import annotations

from collections.abc import Sequence

from observer_app.cli.context import CliContext
from observer_app.cli.records_support import catalogue, label
from observer_app.cli.types import Subparsers
from observer_app.core.catalogue import Catalogue
from observer_app.core.catalogue_model import FIXED_VOCABULARIES
from observer_app.core.vocabulary import Named
from observer_app.errors import UsageError
from observer_app.i18n import _

_OTHER = ("media_use", "consent", "category", "region")


def _names() -> tuple[str, ...]:
    return (*FIXED_VOCABULARIES, *_OTHER)


def _entries(cat: Catalogue, name: str) -> Sequence[Named]:
    if name == "consent":
        return cat.consent_states
    if name == "category":
        return cat.incident_categories
    if name == "region":
        return cat.regions
    return cat.vocabulary(name)


def register(commands: Subparsers) -> None:
    parser = commands.add_parser(
        "vocabulary", help=_("list allowed values (ids and names) of every vocabulary")
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help=", ".join(_names()))
    parser.add_argument("--json", action="store_true", help=_("print JSON"))
    parser.set_defaults(handler=run_vocabulary)


def run_vocabulary(ctx: CliContext) -> int:
    cat = catalogue()
    wanted = ctx.args.name.strip().lower() if ctx.args.name else None
    if wanted is not None and wanted not in _names():
        raise UsageError(
            _("Unknown vocabulary '{value}'. Allowed: {allowed}.").format(
                value=ctx.args.name, allowed=", ".join(_names())
            )
        )
    chosen = [wanted] if wanted else list(_names())
    if ctx.wants_json:
        ctx.out_json(
            {
                name: [{"id": e.id, "label": label(e.label)} for e in _entries(cat, name)]
                for name in chosen
            }
        )
        return 0
    for name in chosen:
        if len(chosen) > 1:
            ctx.out(f"== {name}")
        for entry in _entries(cat, name):
            ctx.out(f"  {entry.id:<24} {label(entry.label)}")
    return 0
