"""The desktop window (PySide6 Widgets): a thin shell over the `logbook` services.

`application.py` starts it, `actions.py` holds every user command (the only place the window
writes), `workers.py` runs long service calls off the GUI thread; `models/`, `widgets/` and
`dialogs/` hold one class a module.
"""

from observer_app.gui.none_refcount import keep_none_alive

keep_none_alive()  # before any Qt call: see none_refcount.py
