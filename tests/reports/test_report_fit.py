"""Reports fit for the field (issue 13): short references, observer safety, a complaint that
reads like one, and a layout that never breaks a word, cuts the header or strands a group.

Read back with `pdftotext` in Russian and Kazakh; one vault, a few reports, module-scoped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from observer_app.core.audience import Audience
from observer_app.core.catalogue import load_catalogue
from observer_app.core.timeutil import DEFAULT_ZONE
from observer_app.logbook.reports import make_report
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.settings import update_settings
from observer_app.reports.cover import fingerprint_lines
from observer_app.reports.data import ReportOptions
from observer_app.reports.layout import CELL_PADDING, header_cell, header_lines, make_styles
from observer_app.reports.report_json import ATTACHMENT_NAME
from observer_app.reports.signing import read_attachment
from tests.conftest import Cli
from tests.reports.report_samples import (
    COMMISSION,
    STUFFING_TEXT,
    Sample,
    flat,
    new_vault,
    pdf_text,
    populate,
    run,
    tr,
)

OBSERVER = "Айгерим Сапарова"
ORGANISATION = "Общественный фонд «Адал сайлау»"
CONTACT = "г. Алматы, ул. Абая, 10; +7 700 000 00 00"


@dataclass(frozen=True)
class Reports:
    sample: Sample
    pdfs: dict[str, Path]

    def text(self, key: str) -> str:
        return flat(pdf_text(self.pdfs[key]))

    def data(self, key: str) -> str:
        attachment = read_attachment(self.pdfs[key].read_bytes(), ATTACHMENT_NAME)
        assert attachment is not None
        return attachment.decode("utf-8")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reports]:
    root = tmp_path_factory.mktemp("fit")
    session: LogbookSession = new_vault(root / "vault", OBSERVER)
    try:
        catalogue = load_catalogue()
        sample = populate(session, catalogue, root)
        pdfs = {
            "public-ru": make_report(
                session, ReportOptions(Audience.PUBLIC, "ru"), root / "public-ru.pdf"
            ).path,
            "complaint-ru": make_report(
                session, ReportOptions(Audience.COMPLAINT, "ru"), root / "complaint-ru.pdf"
            ).path,
        }
        update_settings(
            session,
            report_organisation=ORGANISATION,
            report_contact=CONTACT,
            legal_basis_date="2026-01-01",
        )
        pdfs["public-kk"] = make_report(
            session, ReportOptions(Audience.PUBLIC, "kk"), root / "public-kk.pdf"
        ).path
        pdfs["internal-kk"] = make_report(
            session, ReportOptions(Audience.INTERNAL, "kk"), root / "internal-kk.pdf"
        ).path
        pdfs["complaint-kk"] = make_report(
            session,
            ReportOptions(Audience.COMPLAINT, "kk", incidents=(sample.stuffing, sample.voided)),
            root / "complaint-kk.pdf",
        ).path
        yield Reports(sample, pdfs)
    finally:
        session.close()


def test_public_report_names_no_observer_and_no_accreditation(reports: Reports) -> None:
    for key in ("public-ru", "public-kk"):
        for part in (*OBSERVER.split(), "KZ-5"):
            assert part not in reports.text(key), (key, part)
            assert part not in reports.data(key), (key, part)
    assert tr("ru", "observer {number}").format(number=1) in reports.text("public-ru")
    assert ORGANISATION in reports.text("public-kk")  # the vault's setting names the organisation


def test_complaint_keeps_the_observer_who_signs_it(reports: Reports) -> None:
    text = reports.text("complaint-ru")
    assert OBSERVER in text and "KZ-5" in text


def test_one_complaint_letter_per_commission(reports: Reports) -> None:
    text = reports.text("complaint-ru")
    assert text.count(tr("ru", "COMPLAINT")) == 2  # 101 (its commission) and AKT-7 (none named)
    first = flat(pdf_text(reports.pdfs["complaint-ru"], 1, 1))
    assert COMMISSION in first and flat(STUFFING_TEXT) in first
    assert "AKT-7" not in first  # the other commission's station is in the other letter
    assert "101, 101" not in text
    # the date is filled in, in Russian: the day of signing in the signer's zone, not the
    # machine's (at 20:00 UTC it is already tomorrow in Almaty)
    generated = dt.datetime.fromisoformat(json.loads(reports.data("complaint-ru"))["generated_utc"])
    signed_day = generated.astimezone(ZoneInfo(DEFAULT_ZONE)).day
    assert f"{tr('ru', 'Date:')} {signed_day} " in first
    # the law, dated: the polling day when no setting says otherwise; no double full stop
    assert "Конституционный закон Республики Казахстан" in first
    assert "15 марта 2026 г.)" in first and ".." not in first
    # the letter's own appendix follows it, in Russian, with the cited records' references
    second = flat(pdf_text(reports.pdfs["complaint-ru"], 2, 2))
    assert tr("ru", "Appendix to the complaint: records and their hashes") in second
    assert re.search(r"\bI-\d+\b", second)


def test_complaint_leaves_out_voided_incidents_and_counts_evidence(reports: Reports) -> None:
    first = flat(pdf_text(reports.pdfs["complaint-kk"], 1, 1))
    assert "Дубликат" not in first  # named with --incident, but voided: left out
    assert CONTACT in first  # the applicant's contact from the settings
    assert "2026 ж. 1 қаңтар" in first  # the legal basis date from the settings, in Kazakh
    # the stuffing incident has the not-asked photo and its anonymised copy
    assert re.search(r"Дәлелдер: 2 медиафайл \(M-\d+, M-\d+\)", first)


def test_incidents_and_appendix_carry_short_references_and_event_names(
    reports: Reports,
) -> None:
    text = reports.text("complaint-ru")
    assert re.search(r"\d+\. I-\d+ · ", text)  # the incident list of a station
    assert tr("ru", "incident recorded") in text and "incident.added" not in text
    assert "checklist.answered" not in text


def test_checklist_answers_carry_their_date(reports: Reports) -> None:
    text = pdf_text(reports.pdfs["complaint-ru"])
    generated = dt.datetime.fromisoformat(json.loads(reports.data("complaint-ru"))["generated_utc"])
    year = str(generated.astimezone(ZoneInfo(DEFAULT_ZONE)).year)  # answered moments ago, there
    answer_lines = [line for line in text.splitlines() if line.startswith("ARR01 ")]
    assert answer_lines and all(year in line for line in answer_lines)


def test_legend_names_every_symbol_the_table_uses(reports: Reports) -> None:
    text = reports.text("public-ru")
    legend = tr(
        "ru",
        "✓ holds, ✗ failed (highlighted), … figures for this relation missing, — no protocol "
        "recorded.",
    )
    assert legend in text


def test_fingerprint_is_two_lines_of_eight_groups() -> None:
    groups = " ".join(f"{n:04X}" for n in range(16))
    lines = fingerprint_lines(groups).split("<br/>")
    assert [len(line.split("&nbsp;")) for line in lines] == [8, 8]


@pytest.mark.parametrize(
    ("label", "width_mm"),
    [
        ("Сайлаушылардың келуі", 30),  # turnout, kk
        ("Критическая", 22),  # a severity column of the summary
        ("Подведение итогов (территориальная комиссия)", 37),  # a phase of the ratings
    ],
)
def test_header_words_fit_their_column(label: str, width_mm: int) -> None:
    styles = make_styles()
    width = width_mm * mm
    cell = header_cell(label, width, styles)
    size = cell.style.fontSize
    for word in label.split():
        assert stringWidth(word, styles.fonts.bold, size) <= width - 2 * CELL_PADDING, word


def test_implausible_photos_are_flagged_with_their_capture_year(reports: Reports) -> None:
    """The GPS photo of the samples was taken in 2008, abroad: the internal report says so in
    words, other audiences flag it; both print the capture date with its year."""
    internal = reports.text("internal-kk")
    assert "елден тыс" in internal and "камераның сағатын тексеріңіз" in internal
    public = reports.text("public-ru")
    assert tr("ru", "time or place of capture questionable") in public
    assert "2008" in public and "за пределами страны" not in public


def test_signatures_stay_valid(reports: Reports) -> None:
    for path in reports.pdfs.values():
        assert "Signature is Valid" in run("pdfsig", path)


def test_report_settings_cli_in_russian(cli_vault: Cli) -> None:
    ru = Cli(vault=cli_vault.vault, passphrase_file=cli_vault.passphrase_file, lang="ru")
    ru("report-settings", "--contact", CONTACT, "--legal-basis-date", "2026-03-01", check=True)
    shown = ru("report-settings", "--json", check=True).json()
    assert shown["contact"] == CONTACT and shown["legal_basis_date"] == "2026-03-01"
    listed = ru("report-settings", check=True).out
    assert tr("ru", "Applicant's contact (complaints)") in listed and CONTACT in listed
    bad = ru("report-settings", "--legal-basis-date", "2026-02-30")
    assert bad.code == 2 and "legal_basis_date" in bad.err
    ru("report-settings", "--clear", "contact", check=True)
    assert json.loads(ru("report-settings", "--json", check=True).out)["contact"] is None


def test_a_long_page_header_is_set_smaller_or_on_two_lines_never_cut() -> None:
    fonts = make_styles().fonts
    title = "Внеочередные выборы депутатов маслихата Бостандыкского района города Алматы 2026"
    lines = header_lines(title, fonts, 90 * mm)
    assert " ".join(line for line, _size in lines) == title  # every word, none shortened
    assert len(lines) == 2 and all(size >= 6 for _line, size in lines)
    assert all(stringWidth(line, fonts.regular, size) <= 90 * mm for line, size in lines)
    assert header_lines("Выборы 2026", fonts, 90 * mm) == [("Выборы 2026", 8.0)]
