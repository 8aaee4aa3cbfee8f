"""While the vault is locked no window says whose logbook it is or what it holds.

A lock discards the main window, but Qt deletes it (and the dialogs it owns) only later, and a
question box may still be open in its own event loop; meanwhile the window system and its
taskbar, window switcher and screen readers can still read their titles. So every window
present at the lock is hidden at once and given a neutral title, with its accessible name and
description cleared. An unlock builds new windows with their own titles (restored with them).
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from observer_app.i18n import _


def locked_title() -> str:
    """The only title a window may have while the vault is locked."""
    return _("Observer Logbook — locked")


def conceal_windows() -> None:
    """Hide every top-level window and make its title and accessible texts neutral."""
    title = locked_title()
    for widget in QApplication.topLevelWidgets():
        widget.hide()
        widget.setWindowTitle(title)
        widget.setAccessibleName(title)
        widget.setAccessibleDescription("")
        widget.setToolTip("")
