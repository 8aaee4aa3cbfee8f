"""`enroll issue` asks the coordinator to confirm the fingerprint read aloud, at a terminal.

The command runs in-process with the terminal hooks of `CliContext` answered by the test, against
real vaults; one test drives the real terminal path through a pseudo-terminal, and one the
non-interactive path through a real subprocess with stdin not a terminal.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from observer_app.cli.context import CliContext
from observer_app.cli.main import build_parser
from observer_app.crypto.keys import format_fingerprint
from observer_app.errors import ObserverError
from observer_app.handoff.enroll.issue import issue_package
from observer_app.handoff.enroll.request import write_request
from observer_app.logbook.session import LogbookSession
from observer_app.vault.queries.roster import list_enrolled
from tests.conftest import PASSPHRASE, Cli
from tests.handoff.handoff_support import dump

QUESTION = "Does the observer read out this fingerprint? [y/N] "


@dataclass
class Run:
    code: int
    out: str
    questions: list[str] = field(default_factory=list)
    shown_before_question: str = ""


@pytest.fixture
def observer(make_session: Callable[..., LogbookSession]) -> LogbookSession:
    return make_session(name="Айгерим Сапарова", accreditation="KZ-77", folder="observer")


@pytest.fixture
def request_file(observer: LogbookSession, stick: Path) -> Path:
    return write_request(observer, stick).path


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def password(tmp_path: Path) -> Path:
    path = tmp_path / "pw"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


@pytest.fixture
def issue_argv(
    coordinator: LogbookSession, request_file: Path, out: Path, password: Path
) -> list[str]:
    """`observer-cli --vault V --passphrase-file F enroll issue REQUEST --out OUT`."""
    return [
        "--vault",
        str(coordinator.vault.path),
        "--passphrase-file",
        str(password),
        "enroll",
        "issue",
        str(request_file),
        "--out",
        str(out),
    ]


def run_in_process(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    *,
    interactive: bool,
    answer: str | None = None,
) -> Run:
    """`observer-cli ARGV` in-process, with the terminal played by the test."""
    args = build_parser().parse_args(argv)
    capsys.readouterr()
    result = Run(code=-1, out="")

    def ask(prompt: str) -> str:
        assert answer is not None, "asked although no answer was expected"
        result.questions.append(prompt)
        result.shown_before_question = capsys.readouterr().out
        return answer

    ctx = CliContext(args, is_interactive=lambda: interactive, ask=ask)
    try:
        result.code = args.handler(ctx)
    except ObserverError as error:
        result.code = error.exit_code
    finally:
        ctx.close()
    result.out = capsys.readouterr().out
    return result


@pytest.fixture
def issue(issue_argv: list[str], capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """`enroll issue ... [extra]` in-process, with the terminal played by the test."""

    def run(*extra: str, interactive: bool, answer: str | None = None) -> Run:
        return run_in_process([*issue_argv, *extra], capsys, interactive=interactive, answer=answer)

    return run


def packages(out: Path) -> list[Path]:
    return sorted(out.glob("olb-*"))


def enrolled(coordinator: LogbookSession) -> list[str]:
    return [o.feed for o in list_enrolled(coordinator.conn, coordinator.identity.feed)]


@pytest.mark.parametrize("answer", ["n", "", "no", "yes please", "0A5F"])
def test_anything_but_yes_writes_nothing_and_exits_4(
    issue: Callable[..., Run],
    coordinator: LogbookSession,
    observer: LogbookSession,
    out: Path,
    answer: str,
) -> None:
    before = dump(coordinator)
    run = issue(interactive=True, answer=answer)
    assert run.code == 4
    assert run.questions == [QUESTION]
    spoken = format_fingerprint(observer.identity.feed)
    assert spoken in run.shown_before_question  # the fingerprint is shown before the question
    assert "Айгерим Сапарова" in run.shown_before_question
    assert packages(out) == []
    assert dump(coordinator) == before  # nothing recorded either


@pytest.mark.parametrize("answer", ["y", "Y", "yes", " YES "])
def test_yes_issues_the_package(
    issue: Callable[..., Run],
    coordinator: LogbookSession,
    observer: LogbookSession,
    out: Path,
    answer: str,
) -> None:
    run = issue(interactive=True, answer=answer)
    assert run.code == 0
    assert run.questions == [QUESTION]
    (package,) = packages(out)
    assert f"Setup package written: {package}" in run.out
    assert format_fingerprint(coordinator.identity.feed) in run.out
    # The observer's fingerprint was shown once, before the question, not again after it.
    assert format_fingerprint(observer.identity.feed) not in run.out
    assert enrolled(coordinator) == [observer.identity.feed]


def test_a_request_swapped_after_the_question_is_refused(
    issue_argv: list[str],
    coordinator: LogbookSession,
    make_session: Callable[..., LogbookSession],
    request_file: Path,
    tmp_path: Path,
    out: Path,
) -> None:
    """The yes confirms one fingerprint: another request put on the stick meanwhile is refused."""
    intruder = make_session(name="Someone Else", folder="intruder")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = write_request(intruder, elsewhere).path
    before = dump(coordinator)

    def swap_then_yes(prompt: str) -> str:
        request_file.write_bytes(other.read_bytes())
        return "y"

    args = build_parser().parse_args(issue_argv)
    ctx = CliContext(args, is_interactive=lambda: True, ask=swap_then_yes)
    try:
        with pytest.raises(ObserverError, match="fingerprint") as refused:
            args.handler(ctx)
    finally:
        ctx.close()
    assert refused.value.exit_code == 1
    assert packages(out) == []
    assert dump(coordinator) == before
    assert enrolled(coordinator) == []


def test_a_wrong_fingerprint_is_refused_without_asking(
    issue: Callable[..., Run], coordinator: LogbookSession, out: Path
) -> None:
    before = dump(coordinator)
    run = issue("--fingerprint", "0" * 64, interactive=True)  # asking would fail the test
    assert run.code == 1
    assert packages(out) == []
    assert dump(coordinator) == before


def test_the_right_fingerprint_issues_without_asking(
    issue: Callable[..., Run], coordinator: LogbookSession, observer: LogbookSession, out: Path
) -> None:
    spoken = format_fingerprint(observer.identity.feed)
    run = issue("--fingerprint", spoken, interactive=True)
    assert run.code == 0
    assert len(packages(out)) == 1
    assert spoken in run.out
    assert enrolled(coordinator) == [observer.identity.feed]


def test_not_interactive_issues_as_before(
    issue: Callable[..., Run], coordinator: LogbookSession, observer: LogbookSession, out: Path
) -> None:
    run = issue(interactive=False)  # asking would fail the test
    assert run.code == 0
    assert len(packages(out)) == 1
    assert format_fingerprint(observer.identity.feed) in run.out
    assert enrolled(coordinator) == [observer.identity.feed]


def test_a_script_with_stdin_not_a_terminal_is_not_asked(
    coordinator: LogbookSession,
    observer: LogbookSession,
    request_file: Path,
    out: Path,
    password: Path,
) -> None:
    cli = Cli(coordinator.vault.path, password)  # stdin is /dev/null
    result = cli("enroll", "issue", str(request_file), "--out", str(out))
    assert result.code == 0, result.err
    assert "[y/N]" not in result.out + result.err
    assert format_fingerprint(observer.identity.feed) in result.out
    assert len(packages(out)) == 1


@pytest.mark.parametrize(("typed", "code", "written"), [(b"n\n", 4, 0), (b"y\n", 0, 1)])
def test_a_real_terminal_is_asked(
    issue_argv: list[str],
    coordinator: LogbookSession,
    observer: LogbookSession,
    out: Path,
    typed: bytes,
    code: int,
    written: int,
) -> None:
    """The default hooks: stdin a pseudo-terminal, the question on stderr, the answer typed."""
    before = dump(coordinator)
    main_end, terminal = os.openpty()
    try:
        os.write(main_end, typed)  # typed ahead; read when the question is asked
        env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVER_")}
        proc = subprocess.run(
            [sys.executable, "-m", "observer_app.cli.main", "--ui-lang", "en", *issue_argv],
            stdin=terminal,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    finally:
        os.close(terminal)
        os.close(main_end)
    assert proc.returncode == code, proc.stderr
    assert QUESTION.strip() in proc.stderr
    assert format_fingerprint(observer.identity.feed) in proc.stdout
    assert len(packages(out)) == written
    if not written:
        assert dump(coordinator) == before


# -- enroll accept: the observer compares the coordinator's fingerprint before it is pinned ------


@pytest.fixture
def package_file(coordinator: LogbookSession, request_file: Path, out: Path) -> Path:
    return issue_package(coordinator, request_file, out, ()).path


def accept_in_process(
    observer: LogbookSession,
    package: Path,
    password: Path,
    capsys: pytest.CaptureFixture[str],
    answer: str,
) -> Run:
    vault = ["--vault", str(observer.vault.path), "--passphrase-file", str(password)]
    argv = [*vault, "enroll", "accept", str(package)]
    return run_in_process(argv, capsys, interactive=True, answer=answer)


def test_accept_at_a_terminal_asks_and_no_pins_nothing(
    observer: LogbookSession,
    coordinator: LogbookSession,
    package_file: Path,
    password: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = dump(observer)
    run = accept_in_process(observer, package_file, password, capsys, "n")
    assert run.code == 4
    assert run.questions == ["Does the coordinator read out this fingerprint? [y/N] "]
    assert format_fingerprint(coordinator.identity.feed) in run.shown_before_question
    assert dump(observer) == before  # nothing pinned, nothing recorded


def test_accept_at_a_terminal_pins_after_yes(
    observer: LogbookSession,
    coordinator: LogbookSession,
    package_file: Path,
    password: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = accept_in_process(observer, package_file, password, capsys, "y")
    assert run.code == 0
    assert "Coordinator pinned" in run.out
    assert format_fingerprint(coordinator.identity.feed) in run.shown_before_question
