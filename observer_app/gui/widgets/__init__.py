"""Widgets of the main window, one a module."""
