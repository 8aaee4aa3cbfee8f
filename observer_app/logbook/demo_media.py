"""Pictures for the demo vault, drawn in memory (never written to disk outside the vault).

One is a photo of the posted results protocol (no person shown: publishable), the other a
scene with people whose consent was not asked, with an anonymised copy made from it, so the
demo shows how consent decides what a public report may contain.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from observer_app.core.consent import ConsentState
from observer_app.logbook import media
from observer_app.logbook.session import LogbookSession
from observer_app.media.redaction import Box
from observer_app.resources import resource_path


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(resource_path("fonts", "DejaVuSans.ttf")), size)
    except OSError:
        return ImageFont.load_default()


def _protocol_photo() -> bytes:
    image = Image.new("RGB", (1200, 1600), (236, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 60, 1120, 1540), fill=(252, 252, 248), outline=(60, 60, 60), width=4)
    draw.text((140, 110), "ХАТТАМА / ПРОТОКОЛ № 101", fill=(20, 20, 20), font=_font(52))
    rows = [
        ("P1", "1 450"),
        ("P2", "1 200"),
        ("P3", "812"),
        ("P4", "38"),
        ("P5", "340"),
        ("P6", "10"),
        ("P9", "14"),
        ("P10", "836"),
    ]
    for index, (field, value) in enumerate(rows):
        y = 260 + index * 120
        draw.line((140, y + 90, 1060, y + 90), fill=(150, 150, 150), width=2)
        draw.text((160, y), field, fill=(20, 20, 20), font=_font(48))
        draw.text((760, y), value, fill=(20, 20, 90), font=_font(48))
    return _jpeg(image)


def _scene_photo() -> bytes:
    image = Image.new("RGB", (1600, 1200), (180, 200, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 800, 1600, 1200), fill=(120, 110, 100))
    draw.rectangle((650, 520, 950, 860), fill=(240, 240, 240), outline=(40, 40, 40), width=6)
    for x in (250, 450, 1150, 1350):
        draw.ellipse((x - 70, 330, x + 70, 490), fill=(224, 186, 160))
        draw.rectangle((x - 90, 490, x + 90, 860), fill=(70, 90, 140))
    return _jpeg(image)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def add_demo_media(session: LogbookSession) -> None:
    media.import_stream(
        session,
        io.BytesIO(_protocol_photo()),
        "IMG_0101_protocol.jpg",
        media.Link("protocol", "101"),
        ConsentState.NO_PERSON,
    )
    scene = media.import_stream(
        session,
        io.BytesIO(_scene_photo()),
        "IMG_0102_queue.jpg",
        media.Link("station", "102"),
        ConsentState.NOT_ASKED,
    )
    faces = [Box(x - 95, 320, 190, 180) for x in (250, 450, 1150, 1350)]
    media.make_redacted_copy(session, scene.id, faces, "pixelate")
