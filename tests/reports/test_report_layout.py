"""Long texts, long names and many photos never break the layout.

A report of extreme content must build, render page by page with `pdftoppm`, lose no text
(pdftotext finds the end of a 30,000-character incident and every piece of an unbroken
500-character token), embed every photo, and keep a sane page count.
"""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

import pytest
from PIL import Image

from observer_app.core.audience import Audience
from observer_app.core.catalogue import load_catalogue
from observer_app.core.consent import ConsentState
from observer_app.logbook import checklist, incidents, media, mission, stations
from observer_app.logbook.reports import make_report
from observer_app.logbook.session import LogbookSession
from observer_app.reports.data import ReportOptions
from tests.reports.report_samples import flat, page_count, pdf_text, run, tr

PHOTOS = 40
_RANDOM = random.Random(5)
TOKEN = "".join(_RANDOM.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(500))
LONG_NAME = "Мектеп-гимназия " + "Өнерқәсіпшілікұйымдастырушылар" * 10
LONG_WITNESS = "Айнұр " + "Сейдахметова-Құрманғалиқызы" * 6
ENDING = "Осымен баяндама аяқталды, барлығы тіркелді."


def _photo(index: int) -> bytes:
    """Distinct pictures, some with extreme proportions (a panorama, a tall strip)."""
    sizes = [(640, 480), (480, 640), (3000, 150), (150, 2400)]
    width, height = sizes[index % len(sizes)]
    image = Image.new("RGB", (width, height), (index * 5 % 256, 90, 160))
    for x in range(0, width, 37):
        image.putpixel((x, (x * index) % height), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _long_text() -> str:
    sentence = "Бақылаушы көрді, что члены комиссии переносили пачки бюллетеней. "
    paragraphs = [sentence * 40 for _ in range(12)]
    paragraphs.insert(5, TOKEN)
    return "\n\n".join(paragraphs) + "\n" + ENDING


@pytest.fixture
def extreme(session: LogbookSession, tmp_path: Path) -> LogbookSession:
    catalogue = load_catalogue()
    mission.set_mission(session, "Сайлау " * 80, "2026-03-15", ["A=" + "Кандидат " * 30], False)
    stations.add_station(
        session, catalogue, "ALM-101", LONG_NAME, address="Көше " * 60, commission="ТИК " * 40
    )
    checklist.answer_item(session, catalogue, "ALM-101", "VOT15", "bad", note="Ескерту. " * 600)
    text = _long_text()
    assert len(text) > 30_000
    incident = incidents.add_incident(
        session,
        catalogue,
        "ALM-101",
        "ballot_stuffing",
        text,
        time="2026-03-15T14:00",
        witnesses=[f"{LONG_WITNESS} {n}" for n in range(25)],
    )
    for index in range(PHOTOS):
        path = tmp_path / f"photo-{index}.jpg"
        path.write_bytes(_photo(index))
        link = media.Link("incident", incident) if index % 2 else media.Link("station", "ALM-101")
        media.import_file(session, path, link, ConsentState.NO_PERSON)
    return session


@pytest.mark.parametrize("audience", [Audience.INTERNAL, Audience.PUBLIC], ids=lambda a: a.value)
def test_extreme_content_lays_out_and_renders(
    extreme: LogbookSession, tmp_path: Path, audience: Audience
) -> None:
    path = make_report(extreme, ReportOptions(audience, "kk"), tmp_path / "long.pdf").path
    pages = page_count(path)
    assert 10 <= pages <= 60, pages

    images = run("pdfimages", "-list", path).splitlines()[2:]
    assert len(images) == PHOTOS
    assert all(line.split()[8] == "jpeg" for line in images)  # thumbnails passed through

    out = tmp_path / "png"
    out.mkdir()
    assert "Error" not in run("pdftoppm", "-r", "50", "-png", path, out / "p")
    rendered = sorted(out.iterdir())
    assert len(rendered) == pages
    assert all(p.stat().st_size > 1000 for p in rendered)

    text = pdf_text(path)
    assert ENDING in flat(text)  # nothing of the long text was lost
    assert TOKEN in re.sub(r"\s+", "", text)  # the unbroken token wrapped, not clipped
    compact = re.sub(r"\s+", "", text)
    assert "Өнерқәсіпшілікұйымдастырушылар" * 10 in compact  # the long station name, whole
    if audience is Audience.INTERNAL:
        assert re.sub(r"\s+", "", f"{LONG_WITNESS} 24") in compact
    else:
        witness = tr("kk", "witness {number}").format(number=25)
        assert "Сейдахметова" not in text and witness in flat(text)
    footer = tr("kk", "Page {page} of {pages}")
    for number in range(1, pages + 1):
        assert footer.format(page=number, pages=pages) in text
