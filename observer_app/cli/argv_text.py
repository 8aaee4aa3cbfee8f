"""Command-line text that is not UTF-8 is refused before anything is written.

Python decodes argv bytes that are not UTF-8 with surrogateescape: `note add $'\\xff'` gives a
string holding a lone surrogate, which SQLite, JSON and the journal's canonical form cannot
encode. Deep inside a command that was an internal error (exit 70), possibly after the vault was
opened. So every argument that carries text is checked right after parsing and refused as a
usage error (exit 2) naming the option, never quoting the value (it may be observation text).

File and folder names are the exception: on Linux they are bytes, and an undecodable one is a
real file that `open()` finds again from the surrogate escapes. Arguments naming files are
declared with `type=filesystem_path`; every other argument that takes a value is text.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from observer_app.errors import UsageError
from observer_app.i18n import _


def filesystem_path(value: str) -> str:
    """argparse `type` of an argument naming a file or folder: taken as it is (any bytes)."""
    return value


def is_encodable_text(text: str) -> bool:
    """Whether `text` is valid Unicode that UTF-8 can store (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refuse_undecodable_text(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """UsageError naming the first text argument of the chosen command that is not UTF-8."""
    for action in _chosen_actions(parser, args):
        if action.nargs == 0 or action.type is filesystem_path:
            continue
        value = getattr(args, action.dest, None)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and not is_encodable_text(item) for item in values):
            name = action.option_strings[-1] if action.option_strings else action.metavar
            raise UsageError(
                _(
                    "{option} holds bytes that are not UTF-8 text (check the terminal's or "
                    "script's encoding); nothing was recorded"
                ).format(option=name or action.dest)
            )


def _chosen_actions(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> Iterator[argparse.Action]:
    """The actions of `parser` and of the subcommands `args` chose, outermost first."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = action.choices.get(getattr(args, action.dest, None) or "")
            if isinstance(chosen, argparse.ArgumentParser):
                yield from _chosen_actions(chosen, args)
        else:
            yield action
