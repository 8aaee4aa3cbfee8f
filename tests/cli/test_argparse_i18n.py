"""argparse's own words in the CLI ("usage:", "options:", "error: ...") follow the UI language.

The help and error tests run the real entry point `observer_app.cli.main.main` in-process and read
the expected words from the shipped catalogue, so they check the wiring and that a translation
exists: they fail while the catalogue still gives argparse's English back. The coverage test reads
the running Python's argparse.py, so a Python upgrade that adds a user-visible message fails here
until the message is listed in observer_app/cli/argparse_i18n.py.
"""

from __future__ import annotations

import argparse
import gettext
import itertools
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_python
from babel.messages.frontend import parse_keywords

from observer_app.cli import argparse_i18n
from observer_app.cli.main import main
from observer_app.i18n import current_language, set_language, translator_for

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("ru", "kk")
CYRILLIC = re.compile("[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")

#: English that argparse would print in help or an error line if a msgid went untranslated.
ENGLISH = (
    "usage:",
    "options:",
    "positional arguments",
    "show this help message",
    "show program's version",
    "error:",
    "the following arguments are required",
    "argument ",
    "invalid choice",
    "choose from",
)

#: msgids argparse raises only for a programming mistake while a parser is built, never while
#: parsing a user's command line; argparse_i18n leaves them out of the catalogue on purpose.
DEVELOPER_ONLY = frozenset(
    {
        ".__call__() not defined",
        "conflicting subparser: %s",
        "conflicting subparser alias: %s",
        'argument "-" with mode %r',  # FileType misconfigured; shown as "invalid ... value"
        "cannot merge actions - two groups are named %r",
        "'required' is an invalid argument for positionals",
        "invalid option string %(option)r: must start with a character %(prefix_chars)r",
        "dest= is required for options like %r",
        "invalid conflict_resolution value: %r",
        "conflicting option string: %s",
        "mutually exclusive arguments must be optional",
        "cannot have multiple subparser arguments",
        "%r is not callable",
    }
)


@pytest.fixture(autouse=True)
def _restore_ui_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """main() sets the process-wide UI language; give the next test the one it had before."""
    for name in ("OBSERVER_LANG", "OBSERVER_VAULT", "OBSERVER_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # one help line per option, whatever the terminal
    before = current_language()
    yield
    set_language(before)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


def _translated(lang: str, msgid: str) -> str:
    text = translator_for(lang).gettext(msgid)
    assert text != msgid, f"no {lang} translation of argparse's {msgid!r} in the catalogue yet"
    return text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_help_speaks_the_ui_language(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, "--ui-lang", lang, "--help")
    assert code == 0
    assert out.startswith(_translated(lang, "usage: ") + "observer-cli ")
    assert "\n" + _translated(lang, "options") + ":\n" in out
    assert "\n" + _translated(lang, "positional arguments") + ":\n" in out
    assert _translated(lang, "show this help message and exit") in out
    assert _translated(lang, "show program's version number and exit") in out
    leaked = [word for word in ENGLISH if word in out]
    assert not leaked, f"argparse English in the {lang} help: {leaked}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_from_the_environment_reaches_argparse_too(
    lang: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OBSERVER_LANG", lang)
    code, out, _err = _run(capsys, "station", "--help")
    assert code == 0
    assert out.startswith(_translated(lang, "usage: ") + "observer-cli station ")
    assert "usage:" not in out and "options:" not in out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_required_argument_is_reported_in_the_ui_language(
    lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "--ui-lang", lang)
    assert code == 2
    assert out == ""
    message = _translated(lang, "the following arguments are required: %s") % "COMMAND"
    line = _translated(lang, "%(prog)s: error: %(message)s\n") % {
        "prog": "observer-cli",
        "message": message,
    }
    assert err.startswith(_translated(lang, "usage: ") + "observer-cli ")
    assert err.endswith(line)
    assert CYRILLIC.search(line)
    leaked = [word for word in ENGLISH if word in err]
    assert not leaked, f"argparse English in the {lang} error: {leaked}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_bad_choice_names_the_argument_in_the_ui_language(
    lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = _run(capsys, "--ui-lang", lang, "init", "--role", "boss")
    assert code == 2
    last = err.strip().splitlines()[-1]
    argument = _translated(lang, "argument %(argument_name)s: %(message)s")
    prefix = argument.split("%(message)s")[0] % {"argument_name": "--role"}
    choice = _translated(lang, "invalid choice: %(value)r (choose from %(choices)s)")
    assert last.startswith("observer-cli init: ")
    assert prefix in last
    assert choice.split("%(value)r")[0] + "'boss'" in last
    leaked = [word for word in ENGLISH if word in err]
    assert not leaked, f"argparse English in the {lang} error: {leaked}"


def test_english_ui_keeps_argparse_output_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "--ui-lang", "en")
    assert code == 2
    assert err.startswith("usage: observer-cli ")
    assert err.endswith("observer-cli: error: the following arguments are required: COMMAND\n")


def test_install_is_idempotent_and_falls_back_to_the_msgid() -> None:
    argparse_i18n.install()
    gettext_hook, ngettext_hook = vars(argparse)["_"], vars(argparse)["ngettext"]
    argparse_i18n.install()
    assert vars(argparse)["_"] is gettext_hook
    assert vars(argparse)["ngettext"] is ngettext_hook
    assert gettext_hook is not gettext.gettext and ngettext_hook is not gettext.ngettext
    set_language("ru")
    unknown = "a message argparse might add one day: %s"
    assert gettext_hook(unknown) == unknown
    assert ngettext_hook("%s new thing", "%s new things", 1) == "%s new thing"
    assert ngettext_hook("%s new thing", "%s new things", 5) == "%s new things"
    # Python 3.11 passes add_subparsers()'s description, None by default, through `_`; and
    # gettext("") would answer with the catalogue's header instead of an empty string.
    assert gettext_hook(None) is None
    assert gettext_hook("") == ""


def test_plural_msgid_follows_the_ui_language() -> None:
    argparse_i18n.install()
    singular, plural = argparse_i18n.ARGPARSE_PLURALS[0]
    for lang in LANGUAGES:
        set_language(lang)
        translator = translator_for(lang)
        for n in (1, 2, 5):
            expected = translator.ngettext(singular, plural, n)
            assert expected not in (singular, plural), f"no {lang} translation of {singular!r}"
            assert vars(argparse)["ngettext"](singular, plural, n) == expected


def _script_keywords() -> dict[str, Any]:
    """Babel's default keywords plus the `-k` options of scripts/i18n.sh."""
    script = (ROOT / "scripts" / "i18n.sh").read_text(encoding="utf-8")
    declared = re.search(r"^KEYWORDS=\((.*)\)$", script, re.MULTILINE)
    assert declared
    words = shlex.split(declared.group(1))
    specs = [value for flag, value in itertools.pairwise(words) if flag == "-k"]
    keywords: dict[str, Any] = dict(DEFAULT_KEYWORDS)
    keywords.update(parse_keywords(specs))
    return keywords


def _calls(path: Path, keywords: dict[str, Any]) -> set[str | tuple[str, ...]]:
    """What the extractor finds in `path`: a msgid, or a (singular, plural) pair."""
    found: set[str | tuple[str, ...]] = set()
    with path.open("rb") as handle:
        for _line, _func, message, _comments in extract_python(handle, keywords, [], {}):
            if isinstance(message, str):
                found.add(message)
            elif message is not None and all(isinstance(part, str) for part in message):
                found.add(tuple(message))
    return found


def test_the_catalogue_extraction_sees_every_marker() -> None:
    source = ROOT / "observer_app" / "cli" / "argparse_i18n.py"
    extracted = _calls(source, _script_keywords())
    assert set(argparse_i18n.ARGPARSE_MESSAGES) <= extracted
    assert set(argparse_i18n.ARGPARSE_PLURALS) <= extracted


def test_every_user_visible_argparse_msgid_is_listed() -> None:
    """The running Python's argparse.py, read as the extractor would read it."""
    used: set[str] = set()
    with open(argparse.__file__, "rb") as handle:
        keywords = {"_": None, "ngettext": (1, 2)}
        for _line, _func, message, _comments in extract_python(handle, keywords, [], {}):
            first = message[0] if isinstance(message, (tuple, list)) else message
            if isinstance(first, str):  # `_(variable)` yields None: nothing to list
                used.add(first)
    assert len(used) > 25, "argparse no longer calls _() on literals: rethink argparse_i18n"
    listed = set(argparse_i18n.ARGPARSE_MESSAGES) | {s for s, _p in argparse_i18n.ARGPARSE_PLURALS}
    missing = sorted(used - listed - DEVELOPER_ONLY)
    assert not missing, f"argparse msgids neither listed nor developer-only: {missing}"
