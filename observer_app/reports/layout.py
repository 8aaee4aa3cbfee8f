"""Page layout with reportlab platypus: styles, the page frame, and robust building blocks.

What may come from a user (names, notes, incident texts, file names) is always escaped and set
in a `Paragraph`, never drawn raw: paragraphs wrap, split long words (hashes, pasted URLs) and
flow over pages, so no text can push a table row beyond a page. Tables holding user text split
inside rows (`splitInRow`) for the same reason. Thumbnails are embedded as the JPEG bytes they
arrive as (reportlab passes JPEG through unchanged), which is why they must already be the
metadata-free re-encodings made from decoded pixels, never an original file.

Every page carries the audience mark at the top and "report id · audience · page X of Y" at the
bottom; the page count is known only at the end, so the canvas keeps each page and draws the
decorations when it saves.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from observer_app.reports.fonts import FontNames, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
THUMB_MAX_HEIGHT = 62 * mm

GRID = colors.HexColor("#9a9a9a")
HEADER_FILL = colors.HexColor("#e8e8e8")
FAILED_FILL = colors.HexColor("#f6c9c9")
CONCERN_INK = colors.HexColor("#a10000")
MUTED_INK = colors.HexColor("#555555")
PLACEHOLDER_FILL = colors.HexColor("#d6d6d6")

MARK_COLOURS = {
    "public": colors.HexColor("#1d5e20"),
    "complaint": colors.HexColor("#a10000"),
    "internal": colors.HexColor("#7a4b00"),
}


@dataclass(frozen=True)
class Styles:
    fonts: FontNames
    body: ParagraphStyle
    lead: ParagraphStyle
    lead_muted: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    number: ParagraphStyle
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    concern: ParagraphStyle
    indented: ParagraphStyle
    evidence: ParagraphStyle
    centered: ParagraphStyle


def make_styles() -> Styles:
    fonts = register_fonts()

    def style(name: str, size: float, **extra: Any) -> ParagraphStyle:
        options: dict[str, Any] = {
            "fontName": fonts.regular,
            "fontSize": size,
            "leading": size * 1.3,
            "splitLongWords": 1,
        }
        options.update(extra)
        return ParagraphStyle(name, **options)

    return Styles(
        fonts=fonts,
        body=style("body", 9.5, spaceAfter=2),
        # The first lines of an entry: kept on the page of the text that follows them.
        lead=style("lead", 9.5, spaceAfter=1, keepWithNext=1),
        lead_muted=style("lead_muted", 7.5, textColor=MUTED_INK, keepWithNext=1),
        small=style("small", 7.5),
        muted=style("muted", 7.5, textColor=MUTED_INK),
        cell=style("cell", 8),
        cell_bold=style("cell_bold", 8, fontName=fonts.bold),
        number=style("number", 8, alignment=TA_RIGHT),
        title=style("title", 20, fontName=fonts.bold, spaceAfter=8, leading=25),
        # Headings stay on the page of what follows them (keepWithNext).
        h1=style("h1", 15, fontName=fonts.bold, spaceBefore=6, spaceAfter=6, keepWithNext=1),
        h2=style("h2", 12, fontName=fonts.bold, spaceBefore=8, spaceAfter=4, keepWithNext=1),
        h3=style("h3", 10, fontName=fonts.bold, spaceBefore=6, spaceAfter=3, keepWithNext=1),
        evidence=style("evidence", 7.5, leftIndent=12, textColor=MUTED_INK, spaceAfter=4),
        concern=style("concern", 9.5, textColor=CONCERN_INK),
        indented=style("indented", 9, leftIndent=12, textColor=colors.HexColor("#222222")),
        centered=style("centered", 8.5, alignment=TA_CENTER),
    )


def text(value: object) -> str:
    """User text made safe for Paragraph markup; line breaks kept."""
    return escape(str(value)).replace("\r\n", "\n").replace("\n", "<br/>")


def para(markup: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup, style)


CELL_PADDING = 3  # points each side, as `table` sets them
_MIN_HEADER_SIZE = 5.5


def header_cell(label: str, width: float, styles: Styles) -> Paragraph:
    """A column header whose every word fits its column: the size goes down until the longest
    word does (down to 5.5 pt), so that the layout never breaks a word ("Критическ/ая");
    lines still break between words."""
    font = styles.fonts.bold
    room = width - 2 * CELL_PADDING
    longest = max(label.split() or [""], key=lambda word: stringWidth(word, font, 8))
    size = styles.cell_bold.fontSize
    while size > _MIN_HEADER_SIZE and stringWidth(longest, font, size) > room:
        size -= 0.25
    style = ParagraphStyle(
        f"header{size}", parent=styles.cell_bold, fontSize=size, leading=size * 1.2
    )
    return Paragraph(text(label), style)


def table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    header: bool = True,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A grid that repeats its header on each page and may split inside a tall row."""
    result = Table(
        [list(row) for row in rows],
        colWidths=list(widths),
        repeatRows=1 if header else 0,
        splitInRow=1,
        hAlign="LEFT",
    )
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
    commands.extend(extra)
    result.setStyle(TableStyle(commands))
    return result


def fixed_table(
    rows: Sequence[Sequence[str]], widths: Sequence[float], fonts: FontNames, size: float = 6
) -> Table:
    """A long listing of fixed-format values (ids, hashes): plain strings, no wrapping.

    Hundreds of rows of Paragraphs cost seconds of layout; these cells are laid out at a
    glance. Values are sized to fit (a SHA-256 at 6 pt is 84 mm); anything longer, which only
    a hostile peer's event could carry, is shortened with an ellipsis rather than overflow.
    """
    fitted = [
        [
            _fit(value, fonts.regular, size, width - 4)
            for value, width in zip(row, widths, strict=True)
        ]
        for row in rows
    ]
    return table(
        fitted,
        widths,
        extra=[
            ("FONT", (0, 0), (-1, -1), fonts.regular, size, size * 1.25),
            ("FONT", (0, 0), (-1, 0), fonts.bold, size, size * 1.25),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ],
    )


def key_value_table(rows: Sequence[tuple[str, str]], styles: Styles) -> Table:
    """Label / value pairs (values are markup, already escaped)."""
    return table(
        [[para(label, styles.cell_bold), para(value, styles.cell)] for label, value in rows],
        [48 * mm, FRAME_WIDTH - 48 * mm],
        header=False,
    )


def thumbnail(jpeg: bytes, max_width: float, max_height: float = THUMB_MAX_HEIGHT) -> Image:
    """An image flowable for a re-encoded JPEG, scaled to fit and keeping its proportions.

    A last guard: should a JPEG still carry an EXIF, XMP, IPTC or comment segment (GPS, camera
    serials), it is re-encoded from its pixels here rather than embedded as it is.
    """
    if _has_metadata(jpeg):
        with PILImage.open(io.BytesIO(jpeg)) as source:
            clean = io.BytesIO()
            source.convert("RGB").save(clean, "JPEG", quality=85)
        jpeg = clean.getvalue()
    with PILImage.open(io.BytesIO(jpeg)) as probe:
        if probe.format != "JPEG":
            raise ValueError("report thumbnails must be JPEG")
        width, height = probe.size
    scale = min(max_width / width, max_height / height)
    return Image(io.BytesIO(jpeg), width=width * scale, height=height * scale)


# APP1 (EXIF, XMP) to APP15 and COM; APP0 (JFIF) carries only the pixel density.
_METADATA_MARKERS = frozenset(range(0xE1, 0xF0)) | {0xFE}


def _has_metadata(jpeg: bytes) -> bool:
    """Whether the segments before the image data include anything beyond JFIF and tables."""
    if not jpeg.startswith(b"\xff\xd8"):
        return True
    position = 2
    while position + 4 <= len(jpeg):
        if jpeg[position] != 0xFF:
            return True  # not a well-formed header: treat as suspect and re-encode
        marker = jpeg[position + 1]
        if marker == 0xDA:  # start of scan: the header is over
            return False
        if marker in _METADATA_MARKERS:
            return True
        length = int.from_bytes(jpeg[position + 2 : position + 4], "big")
        position += 2 + length
    return True


def placeholder(message: str, width: float, styles: Styles) -> Table:
    """A grey box that says what stands there instead of a picture, and why."""
    box = Table(
        [[para(text(message), styles.centered)]],
        colWidths=[width],
        rowHeights=[width * 0.55],
    )
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), PLACEHOLDER_FILL),
                ("BOX", (0, 0), (-1, -1), 0.6, GRID),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return box


def media_grid(cells: Sequence[Sequence[Flowable]], columns: int = 2) -> Table:
    """Pictures with their captions, `columns` to a row; rows split between pages."""
    cell_width = FRAME_WIDTH / columns
    rows: list[list[Any]] = []
    for start in range(0, len(cells), columns):
        row: list[Any] = [list(cell) for cell in cells[start : start + columns]]
        row.extend("" for _ in range(columns - len(row)))
        rows.append(row)
    grid = Table(rows, colWidths=[cell_width] * columns, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return grid


@dataclass(frozen=True)
class PageDecor:
    """What every page shows around the content (all already translated)."""

    audience: str
    mark: str
    header_right: str
    footer_left: str
    page_template: str  # "Page {page} of {pages}"


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    author: str
    subject: str
    keywords: str


def render(story: list[Flowable], decor: PageDecor, info: DocumentInfo, styles: Styles) -> bytes:
    """Lay out `story` on A4 pages and return the PDF bytes (nothing touches the disk).

    Streams are written binary rather than ASCII85: without reportlab's optional C accelerator
    the pure-Python ASCII85 encoder took a third of the time of a report with 100 photos and
    made every picture a quarter larger. reportlab reads this setting when it writes.
    """
    rl_config.useA85 = 0
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=info.title,
        author=info.author,
        subject=info.subject,
        keywords=info.keywords,
        creator="Observer Logbook",
        pageCompression=1,
    )
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_WIDTH, PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_decorated_canvas(decor, styles.fonts))
    return buffer.getvalue()


def _decorated_canvas(decor: PageDecor, fonts: FontNames) -> type[Canvas]:
    class DecoratedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
        """Keeps every page until the end, then draws marks and "page X of Y" on each."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _decorate(self, decor, fonts, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return DecoratedCanvas


def _fit(value: str, font: str, size: float, width: float) -> str:
    """Shorten a header text with an ellipsis so that it never runs off the page."""
    if stringWidth(value, font, size) <= width:
        return value
    while value and stringWidth(value + "…", font, size) > width:
        value = value[:-1]
    return value + "…"


def header_lines(value: str, fonts: FontNames, width: float) -> list[tuple[str, float]]:
    """The page header's right text, never cut: a smaller size first, then two lines (split
    between words); only a single word wider than the room is shortened."""
    size = 8.0
    while size > 6 and stringWidth(value, fonts.regular, size) > width:
        size -= 0.5
    if stringWidth(value, fonts.regular, size) <= width:
        return [(value, size)]
    words = value.split()
    best = len(words) // 2 or 1
    for cut in range(1, len(words)):
        first = " ".join(words[:cut])
        if stringWidth(first, fonts.regular, size) <= width:
            best = cut
    first, second = " ".join(words[:best]), " ".join(words[best:])
    return [
        (_fit(first, fonts.regular, size, width), size),
        (_fit(second, fonts.regular, size, width), size),
    ]


def _decorate(canvas: Canvas, decor: PageDecor, fonts: FontNames, number: int, total: int) -> None:
    canvas.saveState()
    top = PAGE_HEIGHT - 12 * mm
    colour = MARK_COLOURS.get(decor.audience, colors.black)
    # The audience mark is never shortened: shrink it instead if a translation is long.
    size = 9.0
    while size > 6 and stringWidth(decor.mark, fonts.bold, size) > FRAME_WIDTH * 0.7:
        size -= 0.5
    mark = _fit(decor.mark, fonts.bold, size, FRAME_WIDTH)
    canvas.setFillColor(colour)
    canvas.setFont(fonts.bold, size)
    canvas.drawString(MARGIN_X, top, mark)
    canvas.setFillColor(MUTED_INK)
    canvas.setFont(fonts.regular, 8)
    right_width = FRAME_WIDTH - stringWidth(mark, fonts.bold, size) - 8 * mm
    for offset, line in enumerate(reversed(header_lines(decor.header_right, fonts, right_width))):
        canvas.setFont(fonts.regular, line[1])
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, top + offset * 3 * mm, line[0])
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(0.8)
    canvas.line(MARGIN_X, top - 2.5 * mm, PAGE_WIDTH - MARGIN_X, top - 2.5 * mm)
    bottom = 11 * mm
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN_X, bottom + 4 * mm, PAGE_WIDTH - MARGIN_X, bottom + 4 * mm)
    page_text = decor.page_template.format(page=number, pages=total)
    canvas.setFillColor(colors.black)
    canvas.setFont(fonts.regular, 7.5)
    canvas.drawRightString(PAGE_WIDTH - MARGIN_X, bottom, page_text)
    left_width = FRAME_WIDTH - stringWidth(page_text, fonts.regular, 7.5) - 6 * mm
    canvas.drawString(MARGIN_X, bottom, _fit(decor.footer_left, fonts.regular, 7.5, left_width))
    canvas.restoreState()
