"""What a report will withhold, told before it is made: the window shows it next to the
Generate button so that nobody learns only from the PDF that a photo was left out.

The same `gather` and audience rules (`reports.audience.split_media`) that `make_report` uses
decide, so the preview cannot disagree with the report; only the pages are not laid out.
"""

from __future__ import annotations

from dataclasses import dataclass

from observer_app.core.catalogue import Catalogue, load_catalogue
from observer_app.core.timeutil import format_utc, utc_now
from observer_app.i18n import current_language
from observer_app.logbook.reports import ReportOptions
from observer_app.logbook.session import LogbookSession
from observer_app.reports.audience import policy_for, split_media
from observer_app.reports.cover import withheld_reason
from observer_app.reports.data import gather
from observer_app.reports.labels import ReportTexts
from observer_app.vault.queries.media import list_media


@dataclass(frozen=True)
class WithheldItem:
    """One item the report will leave out: its id, kind and why, in the UI language."""

    id: str
    kind: str
    reason: str
    # How the observer knows the item: its short reference and file name ("M-3 IMG_0102.jpg");
    # ids of items made the same minute share their first digits and tell nothing apart.
    label: str = ""


@dataclass(frozen=True)
class ReportPreview:
    withheld: tuple[WithheldItem, ...]
    shown_media: int


def preview_withheld(
    session: LogbookSession, options: ReportOptions, catalogue: Catalogue | None = None
) -> ReportPreview:
    """The media the audience rules will withhold from a report with these options."""
    catalogue = catalogue or load_catalogue()
    identity = session.identity
    data = gather(
        session.conn,
        catalogue,
        options,
        list_media(session.conn),
        holder_feed=identity.feed,
        holder_tz=identity.default_tz,
        report_id="preview",
        generated_utc=format_utc(utc_now()),
    )
    shown, withheld = split_media(data.all_media, policy_for(options.audience))
    texts = ReportTexts.for_language(current_language(), catalogue)
    names = {m.id: m.original_name for m in data.all_media}

    def label(item_id: str) -> str:
        ref = data.refs.get(item_id, (item_id[:13], ""))[0]
        name = names.get(item_id)
        return f"{ref} {name}" if name else ref

    return ReportPreview(
        withheld=tuple(
            WithheldItem(item.id, item.kind, withheld_reason(item, texts), label(item.id))
            for item in withheld
        ),
        shown_media=len(shown),
    )
