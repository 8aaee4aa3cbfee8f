"""Putting a report's pages together: the order of the parts and the page decorations.

The complaint letter comes first for a `complaint` (it is what the commission reads), then the
cover, the summary, one section per station, media not tied to a station, and the appendix.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from observer_app.core.audience import Audience
from observer_app.reports.builder import ReportView
from observer_app.reports.cover import (
    appendix,
    audience_label,
    audience_mark,
    complaint_letter,
    cover,
)
from observer_app.reports.labels import ReportTexts
from observer_app.reports.layout import DocumentInfo, PageDecor, Styles, make_styles, render
from observer_app.reports.media_section import Thumbnails, media_section
from observer_app.reports.report_json import view_stamp
from observer_app.reports.sections import station_section, summary


def compose(
    view: ReportView, texts: ReportTexts, styles: Styles, thumbnails: Thumbnails
) -> list[Flowable]:
    story: list[Flowable] = []
    if view.audience is Audience.COMPLAINT:
        story += complaint_letter(view, texts, styles)
    story += cover(view, texts, styles)
    story += summary(view, texts, styles)
    for station in view.stations:
        story += station_section(station, view, texts, styles, thumbnails)
    if view.other_media:
        story += media_section(
            list(view.other_media), view.signer_tz, view, texts, styles, thumbnails
        )
    story += appendix(view, texts, styles)
    return story


def render_pdf(view: ReportView, texts: ReportTexts, thumbnails: Thumbnails) -> bytes:
    """The unsigned PDF of `view`, in memory."""
    styles = make_styles()
    t = texts.gettext
    label = audience_label(texts, view.audience)
    mission = view.mission.name if view.mission else t("Election observation report")
    decor = PageDecor(
        audience=view.audience.value,
        mark=audience_mark(texts, view.audience),
        header_right=mission,
        footer_left=t("Report {id} · {audience}").format(id=view.report_id, audience=label),
        page_template=t("Page {page} of {pages}"),
    )
    info = DocumentInfo(
        title=t("Election observation report") + f" {view.report_id}",
        author=view.signer.name,
        subject=label,
        keywords=view_stamp(view),
    )
    return render(compose(view, texts, styles, thumbnails), decor, info, styles)
