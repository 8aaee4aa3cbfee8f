"""The report fonts: DejaVu Sans, shipped in `resources/fonts/`, registered with reportlab.

reportlab's built-in fonts have no Cyrillic, so Kazakh (ә ғ қ ң ө ұ ү һ і) and Russian would come
out as black boxes; DejaVu Sans covers both and is embedded (subset) in every PDF that uses it,
so the report reads the same on any machine. We ship the files rather than look for system fonts
because Windows and a PyInstaller bundle have no DejaVu.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from observer_app.resources import resource_path

REGULAR_NAME = "DejaVuSans"
BOLD_NAME = "DejaVuSans-Bold"
FAMILY_NAME = "DejaVuSans"

_FILES = {REGULAR_NAME: "DejaVuSans.ttf", BOLD_NAME: "DejaVuSans-Bold.ttf"}


@dataclass(frozen=True)
class FontNames:
    """The reportlab font names to use in styles (`fontName=...`)."""

    regular: str
    bold: str
    family: str


def register_fonts() -> FontNames:
    """Register the report fonts with reportlab; calling it again is cheap and harmless.

    reportlab keeps fonts in a process-wide registry, so this only adds what is missing. The
    family mapping makes `<b>` in a Paragraph pick the bold face; the italic slots map to the
    upright faces because we ship no oblique (better upright than a missing glyph).
    """
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file_name in _FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file_name))))
    for bold, italic, face in (
        (0, 0, REGULAR_NAME),
        (1, 0, BOLD_NAME),
        (0, 1, REGULAR_NAME),
        (1, 1, BOLD_NAME),
    ):
        addMapping(FAMILY_NAME, bold, italic, face)
    return FontNames(regular=REGULAR_NAME, bold=BOLD_NAME, family=FAMILY_NAME)
