"""The one way to find files under the top-level `resources/` folder.

Works from a checkout or editable install (the folder beside the package), from an installed
wheel (shipped as the package `observer_app_resources`) and from a PyInstaller bundle
(`sys._MEIPASS/resources`).
"""

from __future__ import annotations

import sys
from importlib import resources as importlib_resources
from pathlib import Path


def resources_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    return Path(str(importlib_resources.files("observer_app_resources")))


def resource_path(*parts: str) -> Path:
    """Path of a resource file or folder, e.g. `resource_path("catalogue", "catalogue.json")`."""
    return resources_root().joinpath(*parts)
