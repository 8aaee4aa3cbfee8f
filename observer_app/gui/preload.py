"""Load the main window's modules while the unlock dialog waits for the passphrase.

Importing them (and Babel's locale data) takes most of a second; done on a plain thread after the
dialog shows, it overlaps with typing instead of adding to the time from Enter to the window.
Only modules are loaded here, never a widget, and no vault data is touched.
"""

from __future__ import annotations

import importlib
import threading

from observer_app.i18n import current_language

_thread: threading.Thread | None = None


def _load(language: str) -> None:
    importlib.import_module("observer_app.gui.main_window")
    from observer_app.core.catalogue import load_catalogue
    from observer_app.logbook.localtime import format_local

    load_catalogue()
    format_local("2026-01-01T00:00:00Z", "Asia/Almaty", language)


def preload_window_modules() -> None:
    """Start loading once per process (later calls do nothing)."""
    global _thread
    if _thread is not None:
        return
    # Not a daemon: exiting while it imports Qt modules would crash the interpreter.
    _thread = threading.Thread(target=_load, args=(current_language(),), daemon=False)
    _thread.start()


def wait_for_preload() -> None:
    """For benchmarks: as if the passphrase took as long to type as the modules to load."""
    if _thread is not None:
        _thread.join()
