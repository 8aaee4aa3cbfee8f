"""`report-settings`: what reports say about their author, kept in the vault's settings.

The organisation a public report names instead of the observer, the applicant's contact and
the law a complaint cites (with the day it is cited as in force). Without options it shows them.
"""

from __future__ import annotations

from observer_app.cli.context import CliContext
from observer_app.cli.types import Subparsers
from observer_app.i18n import _
from observer_app.logbook.settings import Settings, load_settings, update_settings

_FIELDS = {
    "organisation": "report_organisation",
    "contact": "report_contact",
    "legal_basis": "legal_basis",
    "legal_basis_date": "legal_basis_date",
}


def register(commands: Subparsers) -> None:
    parser = commands.add_parser(
        "report-settings",
        help=_("organisation, applicant's contact and legal basis that reports use"),
    )
    parser.add_argument("--organisation", help=_("named on public reports instead of the observer"))
    parser.add_argument("--contact", help=_("the applicant's contact a complaint gives"))
    parser.add_argument("--legal-basis", help=_("the law a complaint cites"))
    parser.add_argument(
        "--legal-basis-date",
        metavar="YYYY-MM-DD",
        help=_("the day the law is cited as in force (default: the mission's date)"),
    )
    parser.add_argument(
        "--clear",
        action="append",
        default=[],
        choices=sorted(name.replace("_", "-") for name in _FIELDS),
        help=_("forget one of them (repeat for each)"),
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON"))
    parser.set_defaults(handler=run)


def _shown(settings: Settings) -> dict[str, str | None]:
    return {name: getattr(settings, field) for name, field in _FIELDS.items()}


def run(ctx: CliContext) -> int:
    args = ctx.args
    changes: dict[str, str | None] = {
        field: getattr(args, name) for name, field in _FIELDS.items() if getattr(args, name)
    }
    changes.update({_FIELDS[name.replace("-", "_")]: None for name in args.clear})
    settings = update_settings(ctx.session, **changes) if changes else load_settings(ctx.session)
    shown = _shown(settings)
    if ctx.wants_json:
        ctx.out_json(shown)
        return 0
    labels = {
        "organisation": _("Organisation (public reports)"),
        "contact": _("Applicant's contact (complaints)"),
        "legal_basis": _("Legal basis (complaints)"),
        "legal_basis_date": _("Law cited as in force on"),
    }
    unset = _("not set")
    for name, value in shown.items():
        ctx.out(f"{labels[name]}: {value or unset}")
    return 0
