"""The desktop window (PySide6 Widgets): a thin shell over the `logbook` services.

`application.py` starts it, `actions.py` holds every user command (the only place the window
writes), `workers.py` runs long service calls off the GUI thread; `models/`, `widgets/` and
`dialogs/` hold one class a module.
"""
