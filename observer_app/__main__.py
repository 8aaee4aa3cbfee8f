"""`observer-app` / `python -m observer_app`: the desktop application's entry point."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from observer_app.process_limits import forbid_core_dumps


def main(argv: Sequence[str] | None = None) -> int:
    forbid_core_dumps()
    from observer_app.gui.application import run  # Qt loads only for the window

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(main())
