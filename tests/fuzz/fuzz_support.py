"""Shared pieces of the fuzz tests: example counts and byte-level mutation of real artifacts.

Mutations are what real damage and real attackers do to a file: flip bits, cut it short, insert
or delete bytes, duplicate or move a chunk, overwrite a byte with one that matters to parsers
(quotes, braces, digits, NUL, 0xff). Applied to a valid artifact, they reach deep into a parser
far more often than random bytes, which most parsers refuse at the first byte.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
from hypothesis import settings
from hypothesis import strategies as st
from pyrage import x25519

from observer_app.cli.main import EXIT_INTERNAL, main
from observer_app.crypto.age_keys import recipient_of
from observer_app.errors import ObserverError
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.setup import NewIdentity, init_vault
from observer_app.vault.header import KdfParams
from observer_app.vault.store import open_vault
from tests.conftest import PASSPHRASE
from tests.handoff.handoff_support import dump

CI_EXAMPLES = 100
LONG_EXAMPLES = 5000

_INTERESTING = b'\x00\xff\x7f\x80"{}[],:\\0123456789-.eE \n\r\t'


def examples(count: int) -> int:
    """`count` cases under the ci profile, proportionally more under `long`."""
    return max(1, count * settings().max_examples // CI_EXAMPLES)


def _apply(data: bytes, operation: tuple[str, int, int, bytes]) -> bytes:
    kind, a, b, extra = operation
    if not data:
        return extra
    at = a % (len(data) + 1)
    if kind == "flip":
        index = a % len(data)
        return data[:index] + bytes([data[index] ^ (1 << (b % 8))]) + data[index + 1 :]
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + extra + data[at:]
    if kind == "delete":
        return data[:at] + data[at + 1 + b % 64 :]
    if kind == "duplicate":
        start, end = sorted((a % len(data), b % len(data)))
        chunk = data[start : end + 1][:4096]
        target = (a + b) % (len(data) + 1)
        return data[:target] + chunk + data[target:]
    # "byte": overwrite one byte with a value parsers care about
    index = a % len(data)
    value = _INTERESTING[b % len(_INTERESTING)]
    return data[:index] + bytes([value]) + data[index + 1 :]


_OPERATION = st.tuples(
    st.sampled_from(["flip", "truncate", "insert", "delete", "duplicate", "byte"]),
    st.integers(min_value=0, max_value=2**32),
    st.integers(min_value=0, max_value=2**32),
    st.binary(min_size=1, max_size=16),
)


def mutations(data: bytes, max_operations: int = 4) -> st.SearchStrategy[bytes]:
    """Copies of `data` with 1..`max_operations` mutations, never `data` itself."""

    def mutate(operations: list[tuple[str, int, int, bytes]]) -> bytes:
        result = data
        for operation in operations:
            result = _apply(result, operation)
        return result

    mutated = st.lists(_OPERATION, min_size=1, max_size=max_operations).map(mutate)
    return mutated.filter(lambda result: result != data)


def mutations_within(
    data: bytes, start: int, end: int, max_operations: int = 4
) -> st.SearchStrategy[bytes]:
    """Copies of `data` mutated only in `data[start:end]`: aimed at one structure of a large file
    (a PDF's signature dictionary, its trailer), which whole-file mutations rarely hit."""
    head, tail = data[:start], data[end:]
    return mutations(data[start:end], max_operations).map(lambda middle: head + middle + tail)


def refuses_cleanly(
    session: LogbookSession, action: Callable[[], object], exit_codes: tuple[int, ...] = (1, 4)
) -> bool:
    """Run `action`: it succeeds (True), or refuses (False) with a one-line ObserverError of a
    documented exit code and leaves the vault exactly as it was (`handoff_support.dump`)."""
    before = dump(session)
    try:
        action()
    except ObserverError as error:
        assert error.message and "\n" not in error.message
        assert error.exit_code in exit_codes, (error.exit_code, error.message)
        assert dump(session) == before
        return False
    return True


@dataclass(frozen=True)
class CliRun:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliRun:
    """`observer-cli` in-process (a subprocess per case would eat the fuzz budget), in English.

    A refusal must be one `error:` line on stderr; exit 70 (internal fault) is never an outcome.
    """
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(["--ui-lang", "en", *args])
        except SystemExit as exit_:  # argparse usage errors
            code = int(exit_.code or 0)
    result = CliRun(code, out.getvalue(), err.getvalue())
    assert result.code != EXIT_INTERNAL, result.err
    return result


def new_session(root: Path, name: str, role: str) -> LogbookSession:
    """A cheap real vault `root/name` (test KDF, PASSPHRASE), opened; the caller closes it."""
    init_vault(root / name, PASSPHRASE, NewIdentity(name=name, role=role), KdfParams.for_tests())
    return LogbookSession(open_vault(root / name, PASSPHRASE))


def sealed_to(data: bytes, session: LogbookSession) -> bytes:
    """`data` encrypted to the vault's age recipient, as the program seals what it sends it."""
    return pyrage.encrypt(
        data, [x25519.Recipient.from_str(recipient_of(session.identity.age_identity))]
    )


def unsealed(data: bytes, session: LogbookSession) -> bytes:
    """The plaintext of something sealed to the vault (to mutate what is inside the age layer)."""
    identity = x25519.Identity.from_str(session.identity.age_identity.strip())
    return pyrage.decrypt(data, [identity])


class QuietRepr:
    """A test world that prints as its class name: Hypothesis reports fixtures it was given, and
    a world's artifacts (whole bundles, sealed packages) would bury the falsifying example."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # Hypothesis's pretty-printer
        printer.text(repr(self))
