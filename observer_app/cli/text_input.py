"""Free text from a file or standard input, so that observations need not pass through argv.

Arguments land in shell history and in `ps` output, visible to anyone watching the laptop. Every
free-text option `--X S` therefore has a twin `--X-file PATH` (`-` = standard input). Commands
register both with `add_text_option` and call `load_text_files` before opening the vault: a file
that cannot be read then fails before anything is recorded (and before the passphrase is
stretched), and handlers keep reading one attribute whichever way the text came.
"""

from __future__ import annotations

import argparse
import sys
from typing import IO, Final

from observer_app.cli.argv_text import filesystem_path
from observer_app.errors import UsageError, UserActionError, system_reason
from observer_app.i18n import _

STDIN_PATH: Final = "-"
MAX_TEXT_BYTES: Final = 1024 * 1024
# Parser default listing the (attribute, holds-a-list) pairs registered on one subcommand.
_REGISTRY: Final = "text_file_options"


def add_text_option(
    parser: argparse.ArgumentParser,
    name: str,
    *,
    help_text: str,
    required: bool = False,
    positional: bool = False,
    names: bool = False,
) -> None:
    """Add `--NAME S` (or a positional NAME) and `--NAME-file PATH`; one of them, never both.

    `names=True` keeps `--NAME` repeatable and reads the file as one name per line.
    `required=True` demands exactly one of the two (argparse exits 2 otherwise).
    """
    flag = name.replace("_", "-")
    group = parser.add_mutually_exclusive_group(required=required)
    if positional:
        group.add_argument(name, nargs="?", metavar=name.upper(), help=help_text)
    else:
        group.add_argument(
            f"--{flag}",
            dest=name,
            metavar="S",
            action="append" if names else "store",
            help=help_text,
        )
    if names:
        file_help = _(
            "read them from PATH, one per line; '-' reads standard input, which keeps them "
            "out of shell history and ps (use it when the shell may be watched)"
        )
    else:
        file_help = _(
            "read it from PATH (UTF-8); '-' reads standard input, which keeps it out of "
            "shell history and ps (use it when the shell may be watched)"
        )
    group.add_argument(
        f"--{flag}-file",
        dest=f"{name}_file",
        metavar="PATH",
        type=filesystem_path,
        help=file_help,
    )
    registered = parser.get_default(_REGISTRY) or ()
    parser.set_defaults(**{_REGISTRY: (*registered, (name, names))})


def load_text_files(args: argparse.Namespace, stdin: IO[str] | None = None) -> None:
    """Replace every given `--X-file` by its content in `args.X` (a list of lines for names).

    `stdin` defaults to `sys.stdin` as it is at call time; only one option may read it.
    """
    options: tuple[tuple[str, bool], ...] = getattr(args, _REGISTRY, None) or ()
    given = [(name, names, path) for name, names in options if (path := _file_of(args, name))]
    if sum(1 for _name, _names, path in given if path == STDIN_PATH) > 1:
        raise UsageError(_("only one option can read standard input ('-')"))
    source = sys.stdin if stdin is None else stdin
    for name, names, path in given:
        text = read_text_file(path, source)
        setattr(args, name, split_names(text) if names else text)


def _file_of(args: argparse.Namespace, name: str) -> str | None:
    path = getattr(args, f"{name}_file", None)
    return str(path) if path is not None else None


def read_text_file(path: str, stdin: IO[str] | None) -> str:
    """UTF-8 text of PATH (or of `stdin` for `-`): BOM dropped, one trailing newline dropped.

    Raises UserActionError (exit 4) naming the path when it cannot be read, is larger than
    MAX_TEXT_BYTES or is not UTF-8; the message never quotes the content.
    """
    shown = _("standard input") if path == STDIN_PATH else path
    data = _read_stdin(stdin) if path == STDIN_PATH else _read_path(path)
    if len(data) > MAX_TEXT_BYTES:
        raise UserActionError(
            _("{path} is larger than {limit} MiB; nothing was recorded").format(
                path=shown, limit=MAX_TEXT_BYTES // (1024 * 1024)
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UserActionError(
            _("{path} is not UTF-8 text (bad byte at offset {offset}); save it as UTF-8").format(
                path=shown, offset=error.start
            )
        ) from None
    text = text.removeprefix("\ufeff")
    for ending in ("\r\n", "\n"):
        if text.endswith(ending):
            return text[: -len(ending)]
    return text


def split_names(text: str) -> list[str]:
    """One name per non-blank line, surrounding spaces dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _read_path(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_TEXT_BYTES + 1)
    except OSError as error:
        raise UserActionError(
            _("cannot read {path}: {reason}").format(path=path, reason=system_reason(error))
        ) from None


def _read_stdin(stdin: IO[str] | None) -> bytes:
    if stdin is None or stdin.closed:
        raise UsageError(_("there is no standard input to read the text from"))
    if stdin.isatty():
        print(
            _("Type the text, then press Ctrl-D on an empty line (Ctrl-Z, Enter on Windows)."),
            file=sys.stderr,
        )
    try:
        raw = getattr(stdin, "buffer", None)
        if raw is not None:
            return bytes(raw.read(MAX_TEXT_BYTES + 1))
        # A text stream without a byte buffer (rare: embedded or replaced streams).
        return stdin.read(MAX_TEXT_BYTES + 1).encode("utf-8")
    except OSError as error:
        raise UserActionError(
            _("cannot read standard input: {reason}").format(reason=system_reason(error))
        ) from None
