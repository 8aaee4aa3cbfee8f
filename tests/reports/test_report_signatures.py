"""Signed reports checked by both verifiers: poppler's `pdfsig` and our `verify_report`.

Each audience verifies; altered, extended and truncated copies are rejected by both; a report
whose data does not match its pages, or names another signer, is not valid even though its
signature is; and trust is reported apart from validity (an unenrolled observer's report is
valid but not trusted; a coordinator's, issued by the organisation CA, is trusted).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from observer_app.core.audience import Audience
from observer_app.core.catalogue import Catalogue, load_catalogue
from observer_app.core.ids import new_id
from observer_app.crypto.keys import format_fingerprint
from observer_app.logbook.reports import known_trust_roots, make_report, verify_report
from observer_app.logbook.session import LogbookSession
from observer_app.reports.builder import build_view
from observer_app.reports.data import ReportOptions, gather
from observer_app.reports.document import render_pdf
from observer_app.reports.labels import ReportTexts
from observer_app.reports.report_json import (
    ATTACHMENT_NAME,
    attachment_matches,
    build_document,
    encode_document,
)
from observer_app.reports.signing import attach_json, read_attachment, sign_pdf
from observer_app.reports.verification import verify_pdf
from observer_app.vault.queries.media import list_media
from tests.reports.report_samples import make_nss_db, new_vault, pdfsig, populate


@dataclass(frozen=True)
class Signed:
    session: LogbookSession
    catalogue: Catalogue
    reports: dict[Audience, Path]
    nss_empty: str


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Signed]:
    root = tmp_path_factory.mktemp("signed")
    session = new_vault(root / "vault", "Ерлан Қасымов")
    catalogue = load_catalogue()
    populate(session, catalogue, root)
    reports = {
        audience: make_report(
            session, ReportOptions(audience, "kk"), root / f"{audience.value}.pdf"
        ).path
        for audience in Audience
    }
    yield Signed(session, catalogue, reports, make_nss_db(root / "nss"))
    session.close()


@pytest.mark.parametrize("audience", list(Audience), ids=lambda a: a.value)
def test_both_verifiers_accept_each_audience(signed: Signed, audience: Audience) -> None:
    path = signed.reports[audience]
    output = pdfsig(path, signed.nss_empty)
    assert "Signature is Valid" in output
    assert "Total document signed" in output
    assert "ETSI.CAdES.detached" in output
    assert "SHA-256" in output

    verdict = verify_report(None, path)
    assert verdict.valid and not verdict.trusted  # a self-signed observer: valid, not trusted
    assert verdict.pdf.attachment_ok is True
    assert verdict.pdf.signer_name == "Ерлан Қасымов"
    assert verdict.pdf.signer_fingerprint == format_fingerprint(signed.session.identity.feed)
    assert verdict.audience == audience.value and verdict.lang == "kk"
    seq, head = signed.session.conn.execute("SELECT head_seq, head_hash FROM feeds").fetchone()
    assert verdict.journal_heads == (
        {"feed": signed.session.identity.feed, "seq": seq, "hash": head},
    )

    pdf = path.read_bytes()
    plain = verify_pdf(
        pdf, [], attachment_name=ATTACHMENT_NAME, attachment_check=attachment_matches
    )
    assert plain.valid


def _signed_ranges(pdf: bytes) -> list[tuple[int, int]]:
    import re

    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert match is not None
    a, b, c, d = (int(g) for g in match.groups())
    return [(a, a + b), (c, c + d)]


def _attachment_offset(pdf: bytes) -> int:
    marker = pdf.index(b"/Type /EmbeddedFile")
    return pdf.index(b"stream", marker) + len(b"stream\n") + 20


def _page_offset(pdf: bytes) -> int:
    """A byte inside the first compressed page stream (what the first page shows)."""
    start = pdf.index(b"stream", pdf.index(b"/Filter [ /FlateDecode ]"))
    return start + len(b"stream\r\n") + 40


@pytest.mark.parametrize("locate", [_attachment_offset, _page_offset], ids=["data", "page"])
def test_a_changed_byte_is_rejected_by_both(
    signed: Signed, tmp_path: Path, locate: Callable[[bytes], int]
) -> None:
    pdf = signed.reports[Audience.PUBLIC].read_bytes()
    offset = locate(pdf)
    assert any(start <= offset < end for start, end in _signed_ranges(pdf))
    altered = bytearray(pdf)
    altered[offset] ^= 0x01
    path = tmp_path / "altered.pdf"
    path.write_bytes(bytes(altered))
    assert not verify_report(None, path).valid
    output = pdfsig(path, signed.nss_empty)
    assert "Signature is Valid" not in output
    assert "Digest Mismatch" in output  # pdfsig really checked it and found the change


def test_appended_and_truncated_copies_are_rejected_by_both(signed: Signed, tmp_path: Path) -> None:
    pdf = signed.reports[Audience.INTERNAL].read_bytes()
    for name, data, expected in (
        ("appended.pdf", pdf + b"\n% later\n", "Not total document signed"),
        ("truncated.pdf", pdf[: len(pdf) - 10], "Not total document signed"),
        ("half.pdf", pdf[: len(pdf) // 2], "Couldn't read xref table"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        verdict = verify_report(None, path)
        assert not verdict.valid, name
        assert "\n" not in verdict.pdf.reason
        output = pdfsig(path, signed.nss_empty)
        # Appended data: poppler validates the signed ranges, then says they are not the whole
        # file; truncated copies it cannot validate at all. Each case names its own finding.
        if name != "appended.pdf":
            assert "Signature is Valid" not in output, name
        assert expected in output, name


def _forge(
    session: LogbookSession, catalogue: Catalogue, tamper: Callable[[dict[str, Any]], None]
) -> bytes:
    """A report signed by the vault's own key whose JSON was edited before signing."""
    texts = ReportTexts.for_language("en", catalogue)
    identity = session.identity
    data = gather(
        session.conn,
        catalogue,
        ReportOptions(Audience.INTERNAL, "en"),
        list_media(session.conn),
        holder_feed=identity.feed,
        holder_tz=identity.default_tz,
        report_id=new_id(),
        generated_utc="2026-03-16T10:00:00.000Z",
    )
    view = build_view(data, texts, format_fingerprint(identity.feed))
    pdf = render_pdf(view, texts, lambda _item: None)
    document = build_document(view, {})
    tamper(document)
    with_data = attach_json(pdf, ATTACHMENT_NAME, encode_document(document), "data")
    return sign_pdf(with_data, identity.signing_key, identity.certificate, signer_name="x")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.update(report_id=new_id()),
        lambda d: d.update(audience="public"),
        lambda d: d["journal_heads"][0].update(seq=1),
        lambda d: d["signer"].update(fingerprint="0000 " * 15 + "0000"),
    ],
    ids=["other-report-id", "other-audience", "older-head", "other-signer"],
)
def test_data_that_does_not_match_the_document_is_not_valid(
    signed: Signed, tmp_path: Path, tamper: Callable[[dict[str, Any]], None]
) -> None:
    path = tmp_path / "forged.pdf"
    path.write_bytes(_forge(signed.session, signed.catalogue, tamper))
    assert "Signature is Valid" in pdfsig(path, signed.nss_empty)  # the signature is fine
    verdict = verify_report(None, path)
    assert not verdict.valid
    assert verdict.pdf.attachment_ok is False


def test_untampered_forge_helper_is_valid(signed: Signed, tmp_path: Path) -> None:
    """The helper itself makes valid reports, so the rejections above are the tampering's."""
    path = tmp_path / "plain.pdf"
    path.write_bytes(_forge(signed.session, signed.catalogue, lambda _d: None))
    assert verify_report(None, path).valid


def test_unsigned_report_and_missing_data_are_not_valid(signed: Signed, tmp_path: Path) -> None:
    texts = ReportTexts.for_language("en", signed.catalogue)
    identity = signed.session.identity
    data = gather(
        signed.session.conn,
        signed.catalogue,
        ReportOptions(Audience.PUBLIC, "en"),
        [],
        holder_feed=identity.feed,
        holder_tz=identity.default_tz,
        report_id=new_id(),
        generated_utc="2026-03-16T10:00:00.000Z",
    )
    pdf = render_pdf(build_view(data, texts, "x"), texts, lambda _item: None)
    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(pdf)
    assert not verify_report(None, unsigned).valid
    no_data = tmp_path / "no-data.pdf"
    no_data.write_bytes(sign_pdf(pdf, identity.signing_key, identity.certificate, signer_name="x"))
    verdict = verify_report(None, no_data)
    assert not verdict.valid and verdict.pdf.attachment_ok is False


def test_attachment_is_canonical_json(signed: Signed) -> None:
    data = read_attachment(signed.reports[Audience.PUBLIC].read_bytes(), ATTACHMENT_NAME)
    assert data is not None
    assert encode_document(json.loads(data)) == data


# -- trust ----------------------------------------------------------------------------------


def test_coordinator_report_is_trusted_through_the_organisation_ca(
    tmp_path: Path, signed: Signed
) -> None:
    coordinator = new_vault(tmp_path / "coord", "Coordinator Ким", role="coordinator")
    try:
        roots = known_trust_roots(coordinator)
        assert len(roots) == 1
        path = make_report(
            coordinator, ReportOptions(Audience.INTERNAL, "ru"), tmp_path / "c.pdf"
        ).path
        assert verify_report(coordinator, path).trusted
        untrusted = verify_report(None, path)
        assert untrusted.valid and not untrusted.trusted

        pem = tmp_path / "org.pem"
        pem.write_bytes(roots[0].public_bytes(serialization.Encoding.PEM))
        assert verify_report(None, path, [pem]).trusted

        nss = make_nss_db(tmp_path / "nss", pem.read_bytes())
        output = pdfsig(path, nss)
        assert "Signature is Valid" in output and "Certificate is Trusted" in output
        assert "Certificate is Trusted" not in pdfsig(path, signed.nss_empty)

        # the observer's self-signed report never becomes trusted through that root
        observer = verify_report(None, signed.reports[Audience.PUBLIC], [pem])
        assert observer.valid and not observer.trusted
    finally:
        coordinator.close()
