"""The roles a vault's holder can have: one vocabulary for the CLI, the window and the schemas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from observer_app.i18n import N_, _

ROLES: Final = ("observer", "coordinator")

ROLE_LABELS: Final[Mapping[str, str]] = {
    "observer": N_("Observer"),
    "coordinator": N_("Coordinator"),
}


def role_label(role: str) -> str:
    """The role's name in the UI language (an unknown role as it is)."""
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role
