"""Sample content for the demo vault: what a realistic polling day leaves in the logbook."""

from __future__ import annotations

from observer_app.i18n import _
from observer_app.logbook import notes
from observer_app.logbook.session import LogbookSession


def populate_demo(session: LogbookSession) -> list[str]:
    """Fill the demo vault; returns one line per thing done, for the user to read."""
    done = []
    first = notes.add_note(session, "06:30 Прибыл на участок 101, двери ещё закрыты.")
    notes.add_note(session, "Сайлау учаскесі 102: бақылаушыларға орын жеткіліксіз.")
    notes.amend_note(session, first, "06:30 Прибыл на участок 101, двери закрыты до 06:45.")
    done.append(_("added 2 notes in Russian and Kazakh, amended one"))
    return done
