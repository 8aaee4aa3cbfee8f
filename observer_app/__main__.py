"""`observer-app` / `python -m observer_app`: the desktop application's entry point."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from observer_app import __version__
from observer_app.i18n import _, detect_language, set_language
from observer_app.process_limits import forbid_core_dumps


def main(argv: Sequence[str] | None = None) -> int:
    forbid_core_dumps()
    args = list(sys.argv[1:] if argv is None else argv)
    set_language(detect_language(None))
    if "--version" in args:
        print(f"observer-app {__version__}")
        return 0
    print(
        _(
            "The Observer Logbook window is not available in this version yet. "
            "Use observer-cli (try: observer-cli demo)."
        ),
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
