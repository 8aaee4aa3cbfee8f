"""Media in a report: upright thumbnails with captions, other media listed, placeholders said.

The thumbnail bytes come from the vault (re-encoded from decoded pixels, without metadata); a
photo that cannot be decoded, or whose content was purged, gets a grey box that says so, so a
reader never mistakes a missing picture for an empty one.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from observer_app.core.audience import Audience
from observer_app.reports.builder import MediaView, ReportView
from observer_app.reports.labels import ReportTexts
from observer_app.reports.layout import (
    FRAME_WIDTH,
    Styles,
    media_grid,
    para,
    placeholder,
    table,
    text,
    thumbnail,
)

Thumbnails = Callable[[MediaView], bytes | None]


def media_section(
    media: list[MediaView],
    zone_name: str,
    view: ReportView,
    texts: ReportTexts,
    styles: Styles,
    thumbnails: Thumbnails,
) -> list[Flowable]:
    t = texts.gettext
    story: list[Flowable] = [para(text(t("Media")), styles.h2)]
    if not media:
        return [*story, para(text(t("No media shown.")), styles.body)]
    pictures = [m for m in media if m.kind == "photo"]
    others = [m for m in media if m.kind != "photo"]
    width = FRAME_WIDTH / 2 - 8
    cells: list[list[Flowable]] = []
    for item in pictures:
        jpeg = thumbnails(item)
        if jpeg is not None:
            picture: Flowable = thumbnail(jpeg, width)
        else:
            if item.purged:
                reason = t("content purged")
            elif item.decodable:
                reason = t("no preview available")  # e.g. a photo too large to preview
            else:
                reason = t("the picture cannot be decoded")
            picture = placeholder(t("Placeholder: {reason}").format(reason=reason), width, styles)
        cells.append([picture, para(_caption(item, zone_name, view, texts), styles.small)])
    if cells:
        story.append(media_grid(cells))
    if others:
        headers = (t("Type"), t("Size"), t("Duration"), t("Details"))
        rows: list[list[object]] = [[para(text(h), styles.cell_bold) for h in headers]]
        for item in others:
            duration = texts.duration(item.duration_ms) if item.duration_ms is not None else "—"
            rows.append(
                [
                    para(text(f"{_kind(item.kind, texts)} ({item.mime})"), styles.cell),
                    para(text(texts.size(item.size)), styles.cell),
                    para(text(duration), styles.cell),
                    para(_caption(item, zone_name, view, texts), styles.small),
                ]
            )
        story.append(table(rows, [32 * mm, 18 * mm, 22 * mm, FRAME_WIDTH - 72 * mm]))
    return story


def _caption(item: MediaView, zone_name: str, view: ReportView, texts: ReportTexts) -> str:
    t = texts.gettext
    lines = [f"<b>{text(view.ref(item.id))}</b> · {text(item.id)}"]
    if item.capture_time:
        lines.append(
            text(t("Taken: {time}").format(time=texts.camera_time(item.capture_time, zone_name)))
        )
    lines.append(text(t("Added: {time}").format(time=texts.datetime(item.time_utc, item.tz))))
    lines.append(f"SHA-256: {item.sha256}")
    consent = t("Consent: {state}").format(state=texts.consent(item.consent))
    if item.consent_note:
        consent += f" ({item.consent_note})"
    lines.append(text(consent))
    if item.derived_from:
        lines.append(text(t("Anonymised copy of {id}").format(id=view.ref(item.derived_from))))
    if item.gps is not None:
        lines.append(text(t("GPS: {position}").format(position=texts.coordinate(*item.gps))))
    if item.name is not None:
        lines.append(text(t("File: {name}").format(name=item.name)))
    lines += _evidence_flags(item, view, texts)
    if item.purged:
        lines.append(text(t("Content purged; the record and hash are kept.")))
    elif not item.decodable:
        lines.append(text(t("The file does not decode.")))
    return "<br/>".join(lines)


def _evidence_flags(item: MediaView, view: ReportView, texts: ReportTexts) -> list[str]:
    """The item's implausible time or place: worded in full in an internal report (where the
    positions are shown too), flagged only for other audiences."""
    if not item.warnings:
        return []
    if view.audience is Audience.INTERNAL:
        return [
            "<font color='#a10000'>⚠ " + text(w.worded(texts.gettext)) + "</font>"
            for w in item.warnings
        ]
    flag = texts.gettext("time or place of capture questionable")
    return [f"<font color='#a10000'>⚠ {text(flag)}</font>"]


def _kind(kind: str, texts: ReportTexts) -> str:
    t = texts.gettext
    names = {
        "photo": t("photo"),
        "video": t("video"),
        "audio": t("audio"),
        "document": t("document"),
        "other": t("other file"),
    }
    return names.get(kind, kind)
