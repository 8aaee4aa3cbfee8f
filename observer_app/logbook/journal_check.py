"""`journal verify`: the whole vault checked, pages first, then every feed and the replay.

One call for the shells: a damaged database page is a VaultOpenError (exit 3) before any
event is judged; otherwise the verdict says what is wrong, in the UI language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from observer_app.core.progress import Cancel, Progress, never_cancel, no_progress
from observer_app.i18n import _
from observer_app.logbook.session import LogbookSession
from observer_app.vault.verify import Problem, describe, verify_journal


@dataclass(frozen=True)
class JournalVerdict:
    """What `journal verify` found: valid only without problems and with a matching replay."""

    feeds: int
    events: int
    problems: tuple[Problem, ...]
    replay_matches: bool

    @property
    def valid(self) -> bool:
        return not self.problems and self.replay_matches

    def messages(self) -> list[str]:
        """One line per problem (feed, seq, reason), then the replay's, in the UI language."""
        lines = describe(self.problems)
        if not self.replay_matches:
            lines.append(_("the tables differ from a replay of the journal"))
        return lines

    def to_json(self) -> dict[str, Any]:
        """The JSON of `journal verify --json` (a contract)."""
        return {
            "valid": self.valid,
            "feeds": self.feeds,
            "events": self.events,
            "replay_matches": self.replay_matches,
            "problems": [{"feed": p.feed, "seq": p.seq, "reason": p.reason} for p in self.problems],
        }


def verify_vault_journal(
    session: LogbookSession, progress: Progress = no_progress, cancel: Cancel = never_cancel
) -> JournalVerdict:
    """Every page of the database, then every feed's signatures, chain and data, then replay."""
    session.check_database()
    report = verify_journal(session.conn, progress, cancel)
    return JournalVerdict(
        feeds=report.feeds,
        events=report.events,
        problems=tuple(report.problems),
        replay_matches=report.replay_matches,
    )
