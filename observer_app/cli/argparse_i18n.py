"""argparse's own words ("usage:", "options:", "error:", ...) in the UI language, via our catalogue.

Why this module exists: argparse writes its headings and error lines from English msgids that it
passes to two module globals, bound once at import time by
`from gettext import gettext as _, ngettext`. Those look the msgid up in gettext's global default
domain ("messages"), which neither Python nor this project ships, so an observer running the CLI
in Kazakh got "usage:" and "error: the following arguments are required" wrapped around our
Kazakh text. ArgumentParser has no hook for its message catalogue: `formatter_class` only lays
out help, and overriding `error()` would not reach the texts built deep inside
`parse_known_args` ("invalid choice", "expected one argument", the argument-name prefix ...).
So `install()` rebinds `argparse._` and `argparse.ngettext` to functions that look the msgid up
in observer_app's catalogue, at call time, in whatever language `observer_app.i18n` has active.
A msgid the catalogue lacks (or the English UI) gives back argparse's English msgid unchanged,
which is what argparse's own lookup yields without a "messages" catalogue; falling back to the
msgid rather than to that global domain keeps one language per screen.

The msgids argparse can show to a user of the CLI (help output, parse errors and, from Python
3.13, deprecation warnings) are listed below as extraction markers, so `scripts/i18n.sh extract`
puts them into our catalogue. Messages argparse raises only for a programming mistake while the
parser is being built ("conflicting option string", "dest= is required", ...) are left out on
purpose: a user never sees them, and they stay English like any other traceback.
"""

from __future__ import annotations

import argparse

from observer_app import i18n
from observer_app.i18n import N_


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    """No-op marker for a plural msgid pair; named so that the extractor's `ngettext:1,2` sees it.

    Nothing is translated here: argparse itself calls `ngettext` with these msgids at parse time,
    and `install()` routes that call to the catalogue.
    """
    return singular, plural


#: Every msgid Python 3.11-3.14's argparse passes to `_()` on a user-visible path.
ARGPARSE_MESSAGES: tuple[str, ...] = (
    # Help output.
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("subcommands"),  # add_subparsers(title=...) / (description=...) default heading
    N_("show program's version number and exit"),  # 3.13+ (a plain literal before)
    N_("%(heading)s:"),  # 3.13+: every section heading goes through it
    N_(" (default: %(default)s)"),  # ArgumentDefaultsHelpFormatter, 3.13+
    # Error and warning lines.
    N_("%(prog)s: error: %(message)s\n"),
    N_("%(prog)s: warning: %(message)s\n"),  # 3.13+
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    # 3.14+ (suggest_on_error):
    N_("invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),  # argparse.FileType
    N_("command '%(parser_name)s' is deprecated"),  # 3.13+
    N_("option '%(option)s' is deprecated"),  # 3.13+
    N_("argument '%(argument_name)s' is deprecated"),  # 3.13+
)

#: The (singular, plural) msgids argparse passes to `ngettext()` on a user-visible path.
ARGPARSE_PLURALS: tuple[tuple[str, str], ...] = (
    ngettext("expected %s argument", "expected %s arguments"),  # nargs=N, too few values
)


def _argparse_gettext(message: str) -> str:
    """argparse's `_`: the UI-language text of `message`, or `message` itself.

    An empty or None message is returned as it is: Python 3.11's add_subparsers() passes its
    description (None by default) through `_`, and gettext("") would return the catalogue header.
    """
    if not message:
        return message
    return i18n._(message)


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    """argparse's `ngettext`: the UI-language form for `n`, or argparse's English form."""
    return i18n.ngettext(singular, plural, n)


def install() -> None:
    """Make argparse look its msgids up in observer_app's catalogue (idempotent, process-wide).

    Call it before parsers are built: headings such as "options" are translated when an
    ArgumentParser is created, the rest when help is formatted or an error is raised. With the
    English UI the output is byte-for-byte argparse's own.
    """
    # Plain rebinding (typeshed does not declare these private globals, hence vars()); doing it
    # again rebinds the same two functions, so a second call changes nothing.
    module_globals = vars(argparse)
    module_globals["_"] = _argparse_gettext
    module_globals["ngettext"] = _argparse_ngettext
