"""Small helpers shared by the polling-day record commands (catalogue, labels, times)."""

from __future__ import annotations

import argparse

from observer_app.cli.context import CliContext
from observer_app.core.catalogue import Catalogue, Label, load_catalogue
from observer_app.i18n import _, current_language
from observer_app.logbook.localtime import format_local
from observer_app.logbook.observers import names_by_feed, observer_name, resolve_observer


def catalogue() -> Catalogue:
    """The shipped catalogue, loaded and validated for this command (~ms; not cached)."""
    return load_catalogue()


def label(text: Label) -> str:
    return text.get(current_language())


def local(utc_text: str | None, zone: str) -> str:
    return format_local(utc_text, zone) if utc_text is not None else "-"


def short_id(full_id: str) -> str:
    """The first 13 characters (8 + the first hyphenated group): unique in practice, typeable."""
    return full_id[:13]


def add_observer_option(parser: argparse.ArgumentParser) -> None:
    """`--observer FP|NAME`, the filter every merged view takes."""
    parser.add_argument(
        "--observer",
        metavar="FP|NAME",
        help=_("only this observer's records (fingerprint or name)"),
    )


def observer_feed(ctx: CliContext) -> str | None:
    """The feed `--observer` names (None when not given); a usage error when nobody matches."""
    return resolve_observer(ctx.session, getattr(ctx.args, "observer", None))


def observer_names(ctx: CliContext) -> dict[str, str]:
    return names_by_feed(ctx.session)


def named(names: dict[str, str], feed: str) -> str:
    return observer_name(names, feed)
