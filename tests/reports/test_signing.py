"""Fonts, the data attachment, PAdES signing and verification, checked with the real tools.

Every verdict is cross-checked against poppler's `pdfsig` (which exits 0 even on failure, so we
read its text) and, for content, `pdftotext`/`pdffonts`/`pdfdetach`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, SimpleDocTemplate

from observer_app.crypto.keys import fingerprint, format_fingerprint
from observer_app.reports.fonts import register_fonts
from observer_app.reports.signing import attach_json, read_attachment, sign_pdf
from observer_app.reports.verification import verify_pdf


class Identity(Protocol):
    """What the conftest fixtures hand out (a key, its certificate, the issuing chain)."""

    @property
    def key(self) -> ec.EllipticCurvePrivateKey: ...
    @property
    def cert(self) -> x509.Certificate: ...
    @property
    def chain(self) -> tuple[x509.Certificate, ...]: ...


class Pki(Protocol):
    def self_signed(self, common_name: str) -> Identity: ...
    def ca(self, common_name: str) -> Identity: ...
    def leaf(
        self, ca: Identity, common_name: str, key_usage: x509.KeyUsage | None = ...
    ) -> Identity: ...


KAZAKH_LETTERS = "ә ғ қ ң ө ұ ү һ і"
KAZAKH_WORD = "Қазақстан"
RUSSIAN_TEXT = "Наблюдатель на избирательном участке"
ATTACHMENT = "report.json"
DATA = '{"audience":"public","stations":["101"],"note":"Қазақстан"}'.encode()


def build_report_pdf() -> bytes:
    """A small report-like PDF in DejaVu Sans with Kazakh and Russian text.

    Page content is left uncompressed so that a test can change one byte of real page text.
    """
    fonts = register_fonts()
    body = ParagraphStyle("body", fontName=fonts.regular, fontSize=11, leading=14)
    heading = ParagraphStyle("heading", fontName=fonts.bold, fontSize=14, leading=18)
    story = [
        Paragraph(f"{KAZAKH_WORD}: {KAZAKH_LETTERS}", heading),
        Paragraph(RUSSIAN_TEXT, body),
        Paragraph("Polling station 101, visit 07:45–09:10", body),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, pageCompression=0, invariant=1, title="Observer report"
    ).build(story)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    return build_report_pdf()


def run_tool(*args: str | Path, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [str(arg) for arg in args], capture_output=True, text=True, timeout=120, cwd=cwd
    )
    return result.stdout + result.stderr


def pdfsig(path: Path, nssdir: str, *extra: str, cwd: Path | None = None) -> str:
    """pdfsig's report on `path`, with NSS data from `nssdir` only (never ~/.pki).

    Not `-no-ocsp`: poppler 22.12 then reports "Unknown issue with Certificate" even for a chain
    to a trusted root. Our certificates carry no OCSP or AIA address, so nothing goes online.
    """
    return run_tool("pdfsig", "-nssdir", nssdir, *extra, path, cwd=cwd)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def sign_report(identity: Identity, pdf: bytes) -> bytes:
    with_data = attach_json(pdf, ATTACHMENT, DATA, "Report data")
    return sign_pdf(
        with_data,
        identity.key,
        identity.cert,
        identity.chain,
        signer_name=identity.cert.subject.rfc4514_string(),
        reason="Observer report",
        location="Алматы",
    )


def signed_ranges(pdf: bytes) -> list[tuple[int, int]]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert match is not None
    a, b, c, d = (int(group) for group in match.groups())
    return [(a, a + b), (c, c + d)]


def is_signed_byte(pdf: bytes, offset: int) -> bool:
    return any(start <= offset < end for start, end in signed_ranges(pdf))


@pytest.fixture(scope="module")
def signed_self(self_signed: Identity, report_pdf: bytes) -> bytes:
    return sign_report(self_signed, report_pdf)


@pytest.fixture(scope="module")
def signed_enrolled(enrolled: Identity, report_pdf: bytes) -> bytes:
    return sign_report(enrolled, report_pdf)


# --- fonts -------------------------------------------------------------------------------------


def test_kazakh_and_russian_text_extracts_and_font_is_embedded(
    tmp_path: Path, report_pdf: bytes
) -> None:
    path = write(tmp_path, "report.pdf", report_pdf)
    text = run_tool("pdftotext", "-enc", "UTF-8", path, "-")
    assert KAZAKH_WORD in text
    for letter in KAZAKH_LETTERS.split():
        assert letter in text
    assert RUSSIAN_TEXT in text
    fonts = run_tool("pdffonts", path)
    dejavu_lines = [line for line in fonts.splitlines() if "DejaVuSans" in line]
    assert any("DejaVuSans-Bold" in line for line in dejavu_lines)
    # columns: name type encoding emb sub uni object-id; every DejaVu face is embedded
    assert dejavu_lines and all(line.split()[-5] == "yes" for line in dejavu_lines)


def test_register_fonts_is_idempotent() -> None:
    first = register_fonts()
    second = register_fonts()
    assert first == second
    registered = pdfmetrics.getRegisteredFontNames()
    assert first.regular in registered and first.bold in registered
    assert pdfmetrics.getFont(first.regular).face.name != pdfmetrics.getFont(first.bold).face.name


# --- attachment --------------------------------------------------------------------------------


def test_attachment_round_trip_and_standard_tools_see_it(tmp_path: Path, report_pdf: bytes) -> None:
    with_data = attach_json(report_pdf, ATTACHMENT, DATA, "Report data")
    assert read_attachment(with_data, ATTACHMENT) == DATA
    assert read_attachment(with_data, "other.json") is None
    assert read_attachment(report_pdf, ATTACHMENT) is None

    path = write(tmp_path, "with-data.pdf", with_data)
    assert f"1: {ATTACHMENT}" in run_tool("pdfdetach", "-list", path)
    saved = tmp_path / "saved.json"
    run_tool("pdfdetach", "-save", "1", "-o", saved, path)
    assert saved.read_bytes() == DATA


def test_attachment_survives_signing(signed_self: bytes) -> None:
    assert read_attachment(signed_self, ATTACHMENT) == DATA


def test_attaching_after_signing_is_refused(signed_self: bytes) -> None:
    with pytest.raises(ValueError, match="already signed"):
        attach_json(signed_self, "late.json", b"{}", "late")


def test_signing_with_someone_elses_certificate_is_refused(
    self_signed: Identity, enrolled: Identity, report_pdf: bytes
) -> None:
    with pytest.raises(ValueError, match="does not belong"):
        sign_pdf(report_pdf, self_signed.key, enrolled.cert, signer_name="x")


# --- valid signatures --------------------------------------------------------------------------


def test_self_signed_report_is_valid_but_not_trusted(
    tmp_path: Path, self_signed: Identity, signed_self: bytes, empty_nssdir: str
) -> None:
    before = dt.datetime.now(dt.UTC)
    output = pdfsig(write(tmp_path, "signed.pdf", signed_self), empty_nssdir)
    assert "Signature is Valid" in output
    assert "- Total document signed" in output
    assert "ETSI.CAdES.detached" in output
    assert "SHA-256" in output
    assert "Certificate is Trusted" not in output

    verdict = verify_pdf(signed_self, [], attachment_name=ATTACHMENT)
    assert verdict.valid and not verdict.trusted
    assert verdict.attachment_ok is True
    assert verdict.signer_name == "Айгерим Сәрсенова"
    assert verdict.certificate == self_signed.cert
    assert verdict.signer_fingerprint == format_fingerprint(
        fingerprint(self_signed.key.public_key())
    )
    assert re.fullmatch(r"([0-9A-F]{4} ){15}[0-9A-F]{4}", verdict.signer_fingerprint or "")
    assert verdict.signing_time is not None
    assert abs(verdict.signing_time - before) < dt.timedelta(minutes=5)
    assert "\n" not in verdict.reason


def test_signature_is_ecdsa_p256_with_sha256(
    tmp_path: Path, self_signed: Identity, signed_self: bytes, empty_nssdir: str
) -> None:
    """pdfsig prints no algorithm name, so dump the CMS blob it extracted and read that."""
    path = write(tmp_path, "signed.pdf", signed_self)
    output = pdfsig(path, empty_nssdir, "-dump", cwd=tmp_path)
    assert "signed.pdf.sig0" in output
    content = cms.ContentInfo.load((tmp_path / "signed.pdf.sig0").read_bytes())
    signer_info = content["content"]["signer_infos"][0]
    assert signer_info["signature_algorithm"].signature_algo == "ecdsa"
    assert signer_info["digest_algorithm"]["algorithm"].native == "sha256"
    certificates = [c.chosen.dump() for c in content["content"]["certificates"]]
    signer_cert = x509.load_der_x509_certificate(certificates[0])
    public_key = signer_cert.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert isinstance(public_key.curve, ec.SECP256R1)
    assert signer_cert == self_signed.cert


def test_enrolled_report_is_trusted_with_the_org_root(
    tmp_path: Path,
    pki: Pki,
    org_ca: Identity,
    enrolled: Identity,
    report_pdf: bytes,
    signed_enrolled: bytes,
    org_nssdir: str,
) -> None:
    trusted = verify_pdf(signed_enrolled, [org_ca.cert], attachment_name=ATTACHMENT)
    assert trusted.valid and trusted.trusted
    assert trusted.signer_name == "Ерлан Қасымов"
    assert trusted.certificate == enrolled.cert

    untrusted = verify_pdf(signed_enrolled, [])
    assert untrusted.valid and not untrusted.trusted
    assert untrusted.reason != trusted.reason

    stranger = pki.ca("Another Org CA")
    assert not verify_pdf(signed_enrolled, [stranger.cert]).trusted
    # a self-signed report never becomes trusted through an unrelated root
    mallory_report = sign_report(pki.self_signed("Mallory"), report_pdf)
    assert not verify_pdf(mallory_report, [org_ca.cert]).trusted

    output = pdfsig(write(tmp_path, "enrolled.pdf", signed_enrolled), org_nssdir)
    assert "Signature is Valid" in output
    assert "- Total document signed" in output
    assert "Certificate is Trusted" in output


def _key_usage(**bits: bool) -> x509.KeyUsage:
    names = [
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ]
    return x509.KeyUsage(**{name: bits.get(name, False) for name in names})


@pytest.mark.parametrize(
    ("key_usage", "trusted"),
    [
        (None, True),  # no extension: any use allowed (RFC 5280)
        (_key_usage(digital_signature=True), True),
        (_key_usage(content_commitment=True), True),
        (_key_usage(key_agreement=True), False),  # not a signing certificate
    ],
    ids=["absent", "digital-signature", "non-repudiation", "key-agreement-only"],
)
def test_trust_needs_a_signing_key_usage(
    pki: Pki,
    org_ca: Identity,
    report_pdf: bytes,
    key_usage: x509.KeyUsage | None,
    trusted: bool,
) -> None:
    leaf = pki.leaf(org_ca, "Observer", key_usage)
    verdict = verify_pdf(sign_report(leaf, report_pdf), [org_ca.cert])
    assert verdict.valid
    assert verdict.trusted is trusted


def test_pdfsig_does_not_trust_enrolled_report_without_the_org_root(
    tmp_path: Path, signed_enrolled: bytes, empty_nssdir: str
) -> None:
    output = pdfsig(write(tmp_path, "enrolled.pdf", signed_enrolled), empty_nssdir)
    assert "Signature is Valid" in output
    assert "Certificate is Trusted" not in output


# --- attachment checks -------------------------------------------------------------------------


def test_attachment_hook_decides_validity(signed_self: bytes) -> None:
    seen: list[bytes] = []

    def matches(pdf: bytes, data: bytes) -> bool:
        seen.append(data)
        return pdf == signed_self

    assert verify_pdf(signed_self, [], attachment_name=ATTACHMENT, attachment_check=matches).valid
    assert seen == [DATA]

    rejected = verify_pdf(
        signed_self, [], attachment_name=ATTACHMENT, attachment_check=lambda _pdf, _data: False
    )
    assert not rejected.valid and rejected.attachment_ok is False
    assert rejected.signer_name == "Айгерим Сәрсенова"

    def parses_as_list(_pdf: bytes, data: bytes) -> bool:
        return isinstance(json.loads(data[:-1]), list)  # truncated JSON: ValueError

    choked = verify_pdf(
        signed_self, [], attachment_name=ATTACHMENT, attachment_check=parses_as_list
    )
    assert not choked.valid and choked.attachment_ok is False

    assert verify_pdf(signed_self, []).attachment_ok is None


def test_signed_report_without_attachment_is_not_valid(
    self_signed: Identity, report_pdf: bytes
) -> None:
    signed = sign_pdf(report_pdf, self_signed.key, self_signed.cert, signer_name="x")
    assert verify_pdf(signed, []).valid
    verdict = verify_pdf(signed, [], attachment_name=ATTACHMENT)
    assert not verdict.valid
    assert verdict.attachment_ok is False


# --- altered, extended, truncated, unsigned, re-signed ------------------------------------------


def _flip_page_text(pdf: bytes) -> int:
    """Offset of the last octal digit of the first glyph code shown on the page (a real text
    change: the page then shows a different letter)."""
    text_object = pdf.index(b"BT 1 0 0 1")
    string_start = pdf.index(b"(\\", text_object)
    return string_start + 4


def _flip_attachment(pdf: bytes) -> int:
    marker = pdf.index(b"/Type /EmbeddedFile")
    stream = pdf.index(b"stream", marker)
    return stream + len(b"stream\n") + 5


def _flip_title(pdf: bytes) -> int:
    return pdf.index(b"(Observer report)") + 10


@pytest.mark.parametrize(
    "locate", [_flip_page_text, _flip_attachment, _flip_title], ids=["page", "attachment", "info"]
)
def test_change_inside_signed_ranges_is_rejected_by_both(
    tmp_path: Path, signed_self: bytes, empty_nssdir: str, locate: Callable[[bytes], int]
) -> None:
    offset = locate(signed_self)
    assert is_signed_byte(signed_self, offset)
    altered = bytearray(signed_self)
    altered[offset] = ord("3") if altered[offset] != ord("3") else ord("5")

    verdict = verify_pdf(bytes(altered), [], attachment_name=ATTACHMENT)
    assert not verdict.valid and not verdict.trusted
    output = pdfsig(write(tmp_path, "altered.pdf", bytes(altered)), empty_nssdir)
    assert "Signature is Valid" not in output
    assert "Digest Mismatch" in output


def test_appended_bytes_are_rejected_by_both(
    tmp_path: Path, signed_self: bytes, empty_nssdir: str
) -> None:
    extended = signed_self + b"\n% appended later\n"
    verdict = verify_pdf(extended, [])
    assert not verdict.valid
    assert verdict.signer_name == "Айгерим Сәрсенова"
    output = pdfsig(write(tmp_path, "extended.pdf", extended), empty_nssdir)
    assert "Not total document signed" in output


def test_incremental_update_after_signing_is_not_valid(
    tmp_path: Path, signed_self: bytes, empty_nssdir: str
) -> None:
    """A well-formed later revision that changes what the page shows."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_self))
    info = writer.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("Forged report")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    updated = out.getvalue()
    assert updated.startswith(signed_self)

    assert not verify_pdf(updated, []).valid
    output = pdfsig(write(tmp_path, "updated.pdf", updated), empty_nssdir)
    assert "Not total document signed" in output


@pytest.mark.parametrize("cut", [1, 7, 0.5], ids=["1-byte", "eof-marker", "half"])
def test_truncation_is_rejected_by_both(
    tmp_path: Path, signed_self: bytes, empty_nssdir: str, cut: float
) -> None:
    keep = len(signed_self) - int(cut) if cut >= 1 else int(len(signed_self) * cut)
    truncated = signed_self[:keep]
    assert not verify_pdf(truncated, []).valid
    output = pdfsig(write(tmp_path, "truncated.pdf", truncated), empty_nssdir)
    assert "Signature is Valid" not in output
    expected = "Couldn't read xref table" if cut < 1 else "Not total document signed"
    assert expected in output


def test_unsigned_and_garbage_are_not_valid(report_pdf: bytes) -> None:
    unsigned = verify_pdf(report_pdf, [])
    assert not unsigned.valid and not unsigned.trusted
    assert unsigned.signer_name is None and unsigned.certificate is None
    assert unsigned.reason != verify_pdf(b"not a pdf", []).reason
    assert not verify_pdf(b"", []).valid


def test_resigned_report_is_not_valid(
    tmp_path: Path, pki: Pki, org_ca: Identity, signed_enrolled: bytes, empty_nssdir: str
) -> None:
    """Someone lifts the no-changes lock and adds their own signature: the last signature then
    covers the whole file, yet the report is no longer what its author signed."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_enrolled))
    del writer.root["/Perms"]
    writer.update_root()  # type: ignore[no-untyped-call]
    unlocked = io.BytesIO()
    writer.write(unlocked)  # type: ignore[no-untyped-call]

    mallory = pki.self_signed("Mallory")
    mallory_signer = signers.SimpleSigner(
        signing_cert=_asn1(mallory.cert),
        signing_key=_asn1_key(mallory.key),
        cert_registry=SimpleCertificateStore(),  # type: ignore[no-untyped-call]
    )
    resigned = (
        signers.PdfSigner(
            signers.PdfSignatureMetadata(field_name="Countersignature", md_algorithm="sha256"),
            signer=mallory_signer,
        )
        .sign_pdf(IncrementalPdfFileWriter(io.BytesIO(unlocked.getvalue())), output=io.BytesIO())
        .getvalue()
    )

    verdict = verify_pdf(resigned, [org_ca.cert], attachment_name=ATTACHMENT)
    assert not verdict.valid and not verdict.trusted
    assert "2" in verdict.reason
    output = pdfsig(write(tmp_path, "resigned.pdf", resigned), empty_nssdir)
    assert "Signature #2" in output
    assert "Not total document signed" in output


def _asn1(cert: x509.Certificate) -> object:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key: ec.EllipticCurvePrivateKey) -> object:
    from asn1crypto import keys as asn1_keys

    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)


def test_fingerprint_is_of_the_public_key_not_the_certificate(
    self_signed: Identity, signed_self: bytes
) -> None:
    spki = self_signed.key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    expected = hashlib.sha256(spki).hexdigest().upper()
    verdict = verify_pdf(signed_self, [])
    assert (verdict.signer_fingerprint or "").replace(" ", "") == expected
    cert_hash = hashlib.sha256(
        self_signed.cert.public_bytes(serialization.Encoding.DER)
    ).hexdigest()
    assert cert_hash.upper() != expected
