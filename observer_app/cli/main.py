"""`observer-cli`: the logbook's services from the shell, with the exit codes of the contract.

0 success; 1 not valid; 2 usage; 3 vault cannot be opened; 4 other user-actionable error;
70 internal fault (details logged inside the vault when one is open).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence

from observer_app import __version__
from observer_app.cli import (
    argparse_i18n,
    checklist_commands,
    coordinator_commands,
    demo,
    enroll_commands,
    handoff_commands,
    incident_commands,
    journal_commands,
    keys_commands,
    known_vaults_commands,
    media_commands,
    mission_commands,
    protocol_commands,
    report_commands,
    report_settings_commands,
    search_commands,
    station_commands,
    vault_commands,
    visit_commands,
    vocabulary_commands,
    wipe_commands,
)
from observer_app.cli.argv_text import filesystem_path, refuse_undecodable_text
from observer_app.cli.context import CliContext, print_error
from observer_app.cli.types import Subparsers
from observer_app.errors import ObserverError, UserActionError, environment_error, system_reason
from observer_app.i18n import _, detect_language, ngettext, set_language
from observer_app.logbook.faults import record_fault
from observer_app.logbook.session import DatabaseError, InvalidEventSkipped, LockedMemoryWarning
from observer_app.process_limits import forbid_core_dumps

COMMAND_MODULES: tuple[Callable[[Subparsers], None], ...] = (
    vault_commands.register,
    journal_commands.register,
    demo.register,
    mission_commands.register,
    station_commands.register,
    visit_commands.register,
    checklist_commands.register,
    incident_commands.register,
    protocol_commands.register,
    search_commands.register,
    media_commands.register,
    report_commands.register,
    report_settings_commands.register,
    enroll_commands.register,
    handoff_commands.register,
    keys_commands.register,
    known_vaults_commands.register,
    vocabulary_commands.register,
    wipe_commands.register,
    coordinator_commands.register,
)

EXIT_INTERNAL = 70


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="observer-cli",
        description=_("Observer Logbook: an encrypted, signed logbook for election observers."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"observer-cli {__version__}",
        help=_("show program's version number and exit"),  # argparse < 3.13 never translates it
    )
    parser.add_argument(
        "--vault",
        metavar="DIR",
        type=filesystem_path,
        help=_("vault folder (default: OBSERVER_VAULT)"),
    )
    parser.add_argument(
        "--passphrase-file", metavar="F", type=filesystem_path, help=_("read the passphrase from F")
    )
    parser.add_argument("--ui-lang", metavar="LANG", help=_("language of messages: en, ru, kk"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for register in COMMAND_MODULES:
        register(commands)
    return parser


def _pre_scan_language(argv: Sequence[str]) -> str | None:
    """The UI language must be set before the parser's help texts are built."""
    for index, arg in enumerate(argv):
        if arg == "--ui-lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--ui-lang="):
            return arg.split("=", 1)[1]
    return None


BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a command cut off by `| head`


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _flush_stdout(code: int) -> int:
    """Flush stdout while a failure can still be reported, not at interpreter exit.

    A block-buffered stdout (a pipe, without PYTHONUNBUFFERED) holds the output until the
    interpreter flushes it on its way out; a reader gone by then (`| head`) or a full disk gave
    "Exception ignored ... BrokenPipeError" and exit 120 instead of the contract's codes.
    """
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return BROKEN_PIPE
    except OSError as error:
        _silence_stdout()
        reason = system_reason(error)
        print(_("error: cannot write the output: {reason}").format(reason=reason), file=sys.stderr)
        return code or UserActionError.exit_code
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its output is flushed before the exit code is decided."""
    return _flush_stdout(_run(argv))


def _never_fail_on_unencodable_output() -> None:
    """A file or folder name with bytes that are not UTF-8 reaches us as lone surrogates; printed
    as-is it is a UnicodeEncodeError after the work is done. Shown escaped, it is still legible."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


def _run(argv: Sequence[str] | None) -> int:
    forbid_core_dumps()
    _never_fail_on_unencodable_output()
    argv = list(sys.argv[1:] if argv is None else argv)
    set_language(detect_language(_pre_scan_language(argv)))
    argparse_i18n.install()
    parser = build_parser()
    args = parser.parse_args(argv)
    context = CliContext(args)
    try:
        refuse_undecodable_text(parser, args)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InvalidEventSkipped)
            warnings.simplefilter("always", LockedMemoryWarning)
            try:
                code: int = args.handler(context)
            finally:
                if context.has_session:
                    context.session.check_locked_memory()
                _report_skipped(caught)
                _report_locked_memory(caught)
        return code
    except ObserverError as error:
        print_error(_("error: {message}").format(message=error.message))
        return error.exit_code
    except BrokenPipeError:
        # The reader of our output went away (`| head`): the work itself is done. Silence the
        # interpreter's own complaint when it flushes stdout at exit, and say so the Unix way.
        _silence_stdout()
        return BROKEN_PIPE
    except (OSError, DatabaseError) as error:
        actionable = environment_error(error)
        if actionable is None:
            return _internal_fault(context, error)
        print_error(_("error: {message}").format(message=actionable.message))
        return actionable.exit_code
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except Exception as error:
        return _internal_fault(context, error)
    finally:
        context.close()


def _report_skipped(caught: Sequence[warnings.WarningMessage]) -> None:
    """One line on stderr for all the invalid stored events the command's views skipped."""
    count = sum(1 for w in caught if issubclass(w.category, InvalidEventSkipped))
    if count:
        print(
            ngettext(
                "warning: {count} stored event is not valid and was left out; "
                "'journal verify' names it",
                "warning: {count} stored events are not valid and were left out; "
                "'journal verify' names them",
                count,
            ).format(count=count),
            file=sys.stderr,
        )


def _report_locked_memory(caught: Sequence[warnings.WarningMessage]) -> None:
    """The session's locked-memory warning (already in the UI language), once on stderr."""
    for message in {str(w.message) for w in caught if issubclass(w.category, LockedMemoryWarning)}:
        print(message, file=sys.stderr)


def _internal_fault(context: CliContext, error: Exception) -> int:
    """Say that it failed and where the details went, without echoing possibly secret text."""
    where = _("no vault was open, so the details were not saved")
    if context.has_session:
        try:
            fault_id = record_fault(context.session, error)
            where = _("details saved inside the vault as fault #{id}").format(id=fault_id)
        except Exception:
            where = _("the details could not be saved")
    print(
        _("internal error ({kind}); {where}").format(kind=type(error).__name__, where=where),
        file=sys.stderr,
    )
    return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())
