"""Read-only queries over the projection tables: plain functions taking a connection.

They return frozen dataclasses so that the CLI, the GUI's models and the reports read the same
shapes; none of them writes.
"""
