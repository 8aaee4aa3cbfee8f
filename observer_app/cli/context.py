"""What every command gets: parsed arguments, the passphrase, the vault session and output."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from observer_app.cli.argv_text import is_encodable_text
from observer_app.core.file_names import readable_file_name
from observer_app.errors import ObserverError, UsageError, UserActionError, system_reason
from observer_app.i18n import _, set_language
from observer_app.logbook import known_vaults
from observer_app.logbook.session import LogbookSession, open_session
from observer_app.logbook.settings import load_settings

PASSPHRASE_ENV = "OBSERVER_PASSPHRASE"
NEW_PASSPHRASE_ENV = "OBSERVER_NEW_PASSPHRASE"
VAULT_ENV = "OBSERVER_VAULT"


def default_vault_path() -> Path:
    return known_vaults.default_vault_path()


def read_passphrase_file(path: Path) -> str:
    """The passphrase in `path` (UTF-8), without its line ending.

    A file that is not UTF-8 is a usage error (exit 2), not "the vault cannot be opened"
    (exit 3): no passphrase was given at all, and `init` and `passwd --new-passphrase-file`
    open no vault with it. The message never shows the content.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserActionError(
            _("cannot read the passphrase file {path}: {reason}").format(
                path=path, reason=system_reason(error)
            )
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(
            _("the passphrase file {path} is not UTF-8 text; save it as UTF-8").format(path=path)
        ) from None
    return text.rstrip("\r\n")


def passphrase_from_env(name: str) -> str | None:
    """The passphrase in environment variable `name`, if set; UsageError if not UTF-8 (Python
    hands undecodable bytes over as lone surrogates, which no key derivation can encode)."""
    value = os.environ.get(name)
    if value and not is_encodable_text(value):
        raise UsageError(_("{variable} is not UTF-8 text").format(variable=name))
    return value


def add_yes_option(parser: argparse.ArgumentParser) -> None:
    """`--yes` for a command that cannot be undone, so that scripts can run it."""
    parser.add_argument("--yes", action="store_true", help=_("do it without asking (for scripts)"))


def stdin_is_terminal() -> bool:
    """Whether a person can answer a question: the same test the passphrase prompt makes."""
    return bool(sys.stdin) and sys.stdin.isatty()


def ask_on_terminal(prompt: str) -> str:
    """Ask on stderr and read one line, so that stdout stays the command's output only.

    Stdout is flushed first: what the question is about (a fingerprint) must be on the screen
    before it, also when stdout is a pipe and so block-buffered.
    """
    sys.stdout.flush()
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()  # "" at end of input: treated as no answer
    return line.strip()


#: Answers taken as "yes" whatever the UI language: scripts and muscle memory type these.
_YES_ANSWERS = ("y", "yes")


class CliContext:
    """Hooks `is_interactive` and `ask` stand for the terminal, so tests can answer questions."""

    def __init__(
        self,
        args: argparse.Namespace,
        *,
        is_interactive: Callable[[], bool] = stdin_is_terminal,
        ask: Callable[[str], str] = ask_on_terminal,
    ) -> None:
        self.args = args
        self.is_interactive = is_interactive
        self.ask = ask
        self._session: LogbookSession | None = None

    def confirm(self, question: str) -> bool:
        """True only for an explicit yes; anything else (empty, end of input) means no."""
        answer = self.ask(question).strip().casefold()
        # Translators: the answers accepted as "yes" to a [y/N] question, separated by "|".
        localized = _("y|yes").casefold().split("|")
        return bool(answer) and answer in (*_YES_ANSWERS, *localized)

    def confirm_irreversible(self, what: str) -> None:
        """Go on only with consent: `--yes`, or a yes typed at a terminal. Without a terminal
        and without `--yes` it is a usage error (exit 2) and nothing is done."""
        if getattr(self.args, "yes", False):
            return
        if not self.is_interactive():
            raise UsageError(
                _("{what} cannot be undone; add --yes to confirm without a terminal.").format(
                    what=what
                )
            )
        if not self.confirm(_("{what} cannot be undone. Go on? [y/N] ").format(what=what)):
            raise UserActionError(_("not confirmed: nothing was changed"))

    def _confirm_at_terminal(self, question: str) -> bool:
        """A service's own yes/no question (`session.confirm`: an implausible time, a second
        enrollment), asked only when a person is there. The service words the whole question;
        the terminal adds only its answer hint."""
        if not self.is_interactive():
            return False
        # Translators: a yes/no question at the terminal followed by its answer hint.
        return self.confirm(_("{question} [y/N] ").format(question=question))

    @property
    def vault_path(self) -> Path:
        explicit = self.args.vault or os.environ.get(VAULT_ENV)
        return Path(explicit).expanduser() if explicit else default_vault_path()

    def passphrase(self, *, confirm: bool = False) -> str:
        if self.args.passphrase_file:
            return read_passphrase_file(Path(self.args.passphrase_file))
        from_env = passphrase_from_env(PASSPHRASE_ENV)
        if from_env:
            return from_env
        return prompt_passphrase(_("Passphrase: "), confirm=confirm)

    def new_passphrase(self) -> str:
        if getattr(self.args, "new_passphrase_file", None):
            return read_passphrase_file(Path(self.args.new_passphrase_file))
        from_env = passphrase_from_env(NEW_PASSPHRASE_ENV)
        if from_env:
            return from_env
        return prompt_passphrase(_("New passphrase: "), confirm=True)

    @property
    def session(self) -> LogbookSession:
        if self._session is None:
            follow = self._follows_vault_language()
            if follow:
                remembered = known_vaults.unlock_language(self.vault_path)
                if remembered is not None:
                    set_language(remembered)
            self._session = open_session(self.vault_path, self.passphrase())
            self._remember(self._session, follow)
            self._session.confirm = self._confirm_at_terminal
        return self._session

    def _follows_vault_language(self) -> bool:
        """Without --ui-lang or OBSERVER_LANG, messages follow the vault's language setting
        (before the passphrase, as the list of known vaults last saw that setting)."""
        return not (getattr(self.args, "ui_lang", None) or os.environ.get("OBSERVER_LANG"))

    @staticmethod
    def _remember(session: LogbookSession, follow_language: bool) -> None:
        """Adopt the vault's language setting and note the vault in the list of known vaults.

        The list is a convenience: a config folder that cannot be written (or a damaged list,
        which `vaults list` reports) must not fail a command that has opened its vault."""
        language = load_settings(session).ui_language
        if follow_language and language is not None:
            set_language(language)
        with contextlib.suppress(ObserverError, OSError):
            known_vaults.remember_vault(session.vault.path, language)

    @property
    def has_session(self) -> bool:
        return self._session is not None

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def out(self, text: str = "") -> None:
        print(readable_file_name(text))

    def out_json(self, document: Any) -> None:
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n")

    @property
    def wants_json(self) -> bool:
        return bool(getattr(self.args, "json", False))


def prompt_passphrase(prompt: str, *, confirm: bool) -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(
            _("no passphrase given: use --passphrase-file or {env}").format(env=PASSPHRASE_ENV)
        )
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Repeat: ")) != first:
        raise UsageError(_("the two passphrases differ"))
    return first


def print_error(text: str) -> None:
    """A line on stderr, with a file name's bytes that are not UTF-8 shown as U+FFFD (the one
    display rule, `readable_file_name`), not as surrogate escapes such as `\\udce9`."""
    print(readable_file_name(text), file=sys.stderr)
