"""The Russian and Kazakh catalogues are complete, safe to format, compiled, and actually used.

Messages are extracted from the source here, with the keywords of scripts/i18n.sh, so a string
added to the code without a translation fails this suite even if nobody re-ran the extract step.
A translation that drops, renames or invents a `{field}` would raise KeyError (or print a raw
brace) at the moment an observer needs the message, so fields are compared exactly, as electrum
guards its catalogues against broken format fields.
"""

from __future__ import annotations

import gettext
import io
import itertools
import re
import shlex
import string
import tokenize
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from observer_app.i18n import translator_for

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "observer_app"
LOCALE = ROOT / "resources" / "locale"
LANGUAGES = ("ru", "kk")
KAZAKH_LETTERS = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")
CYRILLIC = re.compile("[А-Яа-яЁё]")
PLURALS = {
    "ru": (3, {1: 0, 2: 1, 4: 1, 5: 2, 11: 2, 12: 2, 14: 2, 21: 0, 22: 1, 25: 2, 101: 0, 111: 2}),
    "kk": (2, {0: 1, 1: 0, 2: 1, 5: 1, 21: 1}),
}
Msgid = str | tuple[str, ...]


def _script_keywords() -> dict[str, Any]:
    """Babel's default keywords plus the `-k` options of scripts/i18n.sh (one source of truth)."""
    script = (ROOT / "scripts" / "i18n.sh").read_text(encoding="utf-8")
    declared = re.search(r"^KEYWORDS=\((.*)\)$", script, re.MULTILINE)
    assert declared, "scripts/i18n.sh must declare KEYWORDS=(-k ...)"
    words = shlex.split(declared.group(1))
    specs = [value for flag, value in itertools.pairwise(words) if flag == "-k"]
    keywords: dict[str, Any] = dict(DEFAULT_KEYWORDS)
    keywords.update(parse_keywords(specs))
    return keywords


@pytest.fixture(scope="module")
def msgids() -> set[Msgid]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    found: set[Msgid] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SOURCE), method_map, options_map, keywords=_script_keywords()
    ):
        if isinstance(message, tuple):
            if all(isinstance(part, str) and part for part in message):
                found.add(message)
        elif message:
            found.add(message)
    assert len(found) > 300, "extraction found suspiciously few messages"
    return found


def _read(lang: str) -> Catalog:
    with (LOCALE / lang / "LC_MESSAGES" / "observer_app.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.fixture(scope="module")
def catalogues() -> dict[str, Catalog]:
    return {lang: _read(lang) for lang in LANGUAGES}


def _key(message: Message) -> Msgid:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id


def _forms(message: Message) -> list[str]:
    value = message.string
    if isinstance(value, (list, tuple)):
        return [form or "" for form in value]
    return [value or ""]


def _entries(catalog: Catalog) -> Iterator[Message]:
    return (message for message in catalog if message.id)


def _fields(text: str) -> set[str]:
    """Top-level replacement fields of a str.format template; ValueError if braces are broken."""
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name}


class _Anything:
    """Stands for any argument: accepts every format spec, so only field names are tested."""

    def __format__(self, spec: str) -> str:
        return "X"

    def __getitem__(self, key: object) -> _Anything:
        return self

    def __getattr__(self, name: str) -> _Anything:
        return self


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_source_message_has_a_translation(
    lang: str, msgids: set[Msgid], catalogues: dict[str, Catalog]
) -> None:
    catalog = catalogues[lang]
    entries: dict[Msgid, Message] = {}
    for message in _entries(catalog):
        entries[_key(message)] = message
        if isinstance(message.id, (list, tuple)):
            # Python's gettext() falls back to the n=1 form of a plural entry with that msgid.
            entries.setdefault(message.id[0], message)
    untranslated = []
    for msgid in sorted(msgids, key=str):
        found = entries.get(msgid)
        if found is None:
            untranslated.append(msgid)
            continue
        message = found
        if message.fuzzy or not all(form.strip() for form in _forms(message)):
            untranslated.append(msgid)
        elif isinstance(msgid, tuple):
            assert len(_forms(message)) == catalog.num_plurals, msgid
    assert not untranslated, (
        f"{len(untranslated)} message(s) lack a {lang} translation; run "
        f"'bash scripts/i18n.sh extract', translate, then compile: {untranslated[:10]}"
    )
    assert not catalog.fuzzy, "the catalogue header is marked fuzzy: pybabel would skip it"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_forms_header(lang: str, catalogues: dict[str, Catalog]) -> None:
    count, expected = PLURALS[lang]
    catalog = catalogues[lang]
    assert catalog.num_plurals == count
    choose = gettext.c2py(catalog.plural_expr)
    assert {n: choose(n) for n in expected} == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_exactly_the_format_fields(
    lang: str, catalogues: dict[str, Catalog]
) -> None:
    broken = []
    for message in _entries(catalogues[lang]):
        ids = list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]
        wanted = set().union(*(_fields(text) for text in ids))
        for form in _forms(message):
            try:
                ok = _fields(form) == wanted
                form.format(**dict.fromkeys(wanted, _Anything()))
            except (ValueError, KeyError, IndexError) as error:
                broken.append((ids[0], form, repr(error)))
                continue
            if not ok:
                broken.append((ids[0], form, f"fields {sorted(_fields(form))} != {sorted(wanted)}"))
    assert not broken, broken


@pytest.mark.parametrize("lang", LANGUAGES)
def test_leading_and_trailing_spaces_are_kept(lang: str, catalogues: dict[str, Catalog]) -> None:
    """Prompts such as 'Passphrase: ' and suffixes such as ' (already held: linked)'."""
    for message in _entries(catalogues[lang]):
        source = message.id if isinstance(message.id, str) else message.id[0]
        for form in _forms(message):
            assert (form[:1] == " ") == (source[:1] == " "), (source, form)
            assert (form[-1:] == " ") == (source[-1:] == " "), (source, form)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_mo_matches_the_po(lang: str, catalogues: dict[str, Catalog]) -> None:
    """The program loads the .mo; a .po edited without 'scripts/i18n.sh compile' fails here."""
    buffer = io.BytesIO()
    write_mo(buffer, catalogues[lang])
    buffer.seek(0)
    fresh = gettext.GNUTranslations(buffer)
    with (LOCALE / lang / "LC_MESSAGES" / "observer_app.mo").open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    # The header entry ("") only carries dates and tool names; the plural rule is compared below.
    fresh_map = {k: v for k, v in fresh._catalog.items() if k != ""}  # type: ignore[attr-defined]
    shipped_map = {k: v for k, v in shipped._catalog.items() if k != ""}  # type: ignore[attr-defined]
    stale = sorted(str(k) for k in fresh_map.keys() ^ shipped_map.keys())
    stale += sorted(
        str(k) for k in fresh_map.keys() & shipped_map.keys() if fresh_map[k] != shipped_map[k]
    )
    assert not stale, f"{lang} .mo is out of date; run 'bash scripts/i18n.sh compile': {stale[:10]}"
    assert [shipped.plural(n) for n in range(200)] == [fresh.plural(n) for n in range(200)]  # type: ignore[attr-defined]


def test_the_program_loads_the_translations() -> None:
    for lang in LANGUAGES:
        translator = translator_for(lang)
        assert isinstance(translator, gettext.GNUTranslations), lang
        assert CYRILLIC.search(translator.gettext("wrong passphrase"))


def test_kazakh_is_kazakh_and_russian_is_russian(catalogues: dict[str, Catalog]) -> None:
    """Guards against a Russian text pasted into kk, or the two files swapped."""
    kk_texts = [f for m in _entries(catalogues["kk"]) for f in _forms(m) if CYRILLIC.search(f)]
    kazakh = [text for text in kk_texts if KAZAKH_LETTERS.search(text)]
    assert len(kazakh) > len(kk_texts) // 2
    ru_texts = [f for m in _entries(catalogues["ru"]) for f in _forms(m)]
    assert not [text for text in ru_texts if KAZAKH_LETTERS.search(text)]
    assert sum(1 for text in ru_texts if CYRILLIC.search(text)) > len(ru_texts) * 3 // 4


def test_no_translatable_call_hides_inside_an_f_string() -> None:
    """Babel on Python 3.11 cannot see `t('To:')` inside an f-string, so it is never translated."""
    call = re.compile(r"(?<![\w.])(?:_|t|gettext|ngettext)\(\s*['\"]")
    hidden = []
    for path in sorted(SOURCE.rglob("*.py")):
        with path.open("rb") as handle:
            for token in tokenize.tokenize(handle.readline):
                prefix = re.split("[\"']", token.string, maxsplit=1)[0].lower()
                is_f_string = token.type == tokenize.STRING and "f" in prefix
                if is_f_string and call.search(token.string):
                    hidden.append(f"{path.relative_to(ROOT)}:{token.start[0]}")
    assert not hidden, f"translatable strings inside f-strings are not extracted: {hidden}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cli_prints_a_translated_error_for_a_wrong_passphrase(
    lang: str, cli_vault: Any, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nope\n", encoding="utf-8")
    result = type(cli_vault)(cli_vault.vault, wrong, lang)("whoami")
    translator = translator_for(lang)
    expected = translator.gettext("error: {message}").format(
        message=translator.gettext("wrong passphrase")
    )
    assert result.code == 3
    assert result.err.strip() == expected
    assert "wrong passphrase" not in result.err and "error" not in result.err
