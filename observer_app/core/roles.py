"""The roles a vault's holder can have: one vocabulary for the CLI, the window and the schemas."""

from __future__ import annotations

from typing import Final

ROLES: Final = ("observer", "coordinator")
