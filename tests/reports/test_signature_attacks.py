"""The known attacks on PDF signatures, run against a real, trusted report (issue 10).

A coordinator's report (signed by the vault's key, its certificate issued by the organisation
CA) is forged in every published way that needs no key: incremental saving, signature wrapping,
shadow attacks (hide, replace, hide-and-replace), truncation and appended bytes. Each forgery is
checked by `verify` and by poppler's `pdfsig`: both must refuse it, so `verify` is at least as
strict as `pdfsig` on each. The "disguised" forgeries also redefine the signature dictionary so
that pyHanko itself reports "covers the entire file" (a test asserts it does): those are the
ones `verify` accepted as valid *and trusted* before it checked the byte layout itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.pdf_embedded import collect_embedded_signatures
from pyhanko.sign.validation.status import SignatureCoverageLevel

from observer_app.core.catalogue import load_catalogue
from observer_app.logbook.reports import (
    ReportVerdict,
    known_trust_roots,
    make_report,
    verify_report,
)
from observer_app.reports.audience import Audience
from observer_app.reports.data import ReportOptions
from observer_app.reports.report_json import ATTACHMENT_NAME
from observer_app.reports.signing import read_attachment
from observer_app.reports.verification import verify_pdf
from tests.conftest import Cli
from tests.reports import pdf_attacks as attacks
from tests.reports.conftest import Identity
from tests.reports.report_samples import make_nss_db, new_vault, page_count, pdfsig, populate

CHANGED = "The file was changed after it was signed."


@dataclass(frozen=True)
class Report:
    signed: attacks.Signed
    org_pem: Path
    nss: str


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Report]:
    root = tmp_path_factory.mktemp("attacks")
    session = new_vault(root / "vault", "Coordinator Ким", role="coordinator")
    try:
        populate(session, load_catalogue(), root)
        path = make_report(session, ReportOptions(Audience.INTERNAL, "en"), root / "r.pdf").path
        org_pem = root / "org.pem"
        org_pem.write_bytes(known_trust_roots(session)[0].public_bytes(serialization.Encoding.PEM))
    finally:
        session.close()
    yield Report(attacks.inspect(path.read_bytes()), org_pem, make_nss_db(root / "nss"))


def _write(tmp_path: Path, data: bytes, name: str = "forged.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _pdfsig_accepts(output: str) -> bool:
    """poppler's full acceptance (it exits 0 either way): intact and covering the whole file."""
    return "Signature is Valid" in output and "Total document signed" in output


def _pyhanko_coverage(pdf: bytes) -> SignatureCoverageLevel:
    (signature,) = collect_embedded_signatures(PdfFileReader(BytesIO(pdf), strict=True))
    return signature.evaluate_signature_coverage()


def _refused(report: Report, path: Path) -> ReportVerdict:
    """Both verifiers refuse `path`; ours says so in one line, with the trust file given."""
    verdict = verify_report(None, path, [report.org_pem])
    assert not verdict.valid and not verdict.trusted
    assert verdict.pdf.reason and "\n" not in verdict.pdf.reason
    assert not _pdfsig_accepts(pdfsig(path, report.nss))  # at least as strict as poppler
    return verdict


def test_the_intact_report_is_valid_and_trusted(report: Report, tmp_path: Path, cli: Cli) -> None:
    """The checks below refuse forgeries, not everything: the original passes them all."""
    path = _write(tmp_path, report.signed.pdf)
    verdict = verify_report(None, path, [report.org_pem])
    assert verdict.valid and verdict.trusted and verdict.pdf.attachment_ok
    assert _pdfsig_accepts(pdfsig(path, report.nss))
    result = cli("verify", str(path), "--json", "--trust", str(report.org_pem))
    assert result.code == 0, result.err
    assert result.json()["valid"] is True and result.json()["trusted"] is True


def test_the_attack_of_issue_10_is_refused(report: Report, tmp_path: Path, cli: Cli) -> None:
    forged = attacks.issue_attack(report.signed)
    path = _write(tmp_path, forged)
    # The forgery is real: a reader sees a seventh page and the replaced data ...
    original = _write(tmp_path, report.signed.pdf, "original.pdf")
    assert page_count(path) == page_count(original) + 1
    data = read_attachment(forged, ATTACHMENT_NAME)
    assert data is not None and all(not s["incidents"] for s in json.loads(data)["stations"])
    # ... pyHanko's own coverage check is fooled by the padded literal /Contents ...
    assert _pyhanko_coverage(forged) == SignatureCoverageLevel.ENTIRE_FILE
    assert (
        len(forged)
        == sum(report.signed.byte_range[1::2]) + 2 * len(_signature_contents(forged)) + 2
    )
    # ... poppler is not, and we are not.
    assert "Not total document signed" in pdfsig(path, report.nss)
    verdict = _refused(report, path)
    assert verdict.pdf.reason == CHANGED
    assert verdict.pdf.signer_name == "Coordinator Ким"  # whose signature it was, still said

    result = cli("verify", str(path), "--json", "--trust", str(report.org_pem))
    assert result.code == 1
    assert result.json()["valid"] is False and result.json()["trusted"] is False
    assert result.json()["reason"] == CHANGED


def _signature_contents(pdf: bytes) -> bytes:
    (signature,) = collect_embedded_signatures(PdfFileReader(BytesIO(pdf), strict=True))
    contents: bytes = signature.pkcs7_content
    return contents


Update = Callable[[attacks.Signed], dict[int, bytes]]

UPDATES: dict[str, Update] = {
    # incremental saving
    "new-page": attacks.new_page,
    "changed-attachment": attacks.changed_attachment,
    "new-attachment": attacks.new_attachment,
    # shadow attacks: only objects the signed revision already has are changed
    "shadow-hide": attacks.hidden_page,
    "shadow-replace": attacks.replaced_page_text,
    "shadow-hide-and-replace": attacks.swapped_page_content,
    "tiny-change": attacks.tiny_change,
}


@pytest.mark.parametrize("update", UPDATES.values(), ids=UPDATES.keys())
def test_a_revision_after_the_signed_one_is_refused(
    report: Report, tmp_path: Path, update: Update
) -> None:
    forged = attacks.incremental_update(report.signed.pdf, update(report.signed))
    assert _refused(report, _write(tmp_path, forged)).pdf.reason == CHANGED


@pytest.mark.parametrize("update", UPDATES.values(), ids=UPDATES.keys())
def test_a_disguised_revision_is_refused_though_pyhanko_sees_the_whole_file(
    report: Report, tmp_path: Path, update: Update
) -> None:
    forged = attacks.disguised_update(report.signed, update(report.signed))
    assert _pyhanko_coverage(forged) == SignatureCoverageLevel.ENTIRE_FILE
    assert _refused(report, _write(tmp_path, forged)).pdf.reason == CHANGED


def test_a_cross_reference_entry_alone_is_refused(report: Report, tmp_path: Path) -> None:
    """Shadow "hide" with no new object: page 1 re-pointed at its copy from before signing."""
    forged = attacks.xref_only_update(report.signed)
    assert not re.search(rb"\d+ 0 obj", forged[len(report.signed.pdf) :])  # no object written
    assert _refused(report, _write(tmp_path, forged)).pdf.reason == CHANGED


Forgery = Callable[[attacks.Signed], bytes]

WRAPPING: dict[str, Forgery] = {
    "literal-contents-in-gap": attacks.literal_in_gap,
    "gap-holds-another-entry": attacks.gap_with_object,
    "second-range-relocated": attacks.relocated_second_range,
}


@pytest.mark.parametrize("forge", WRAPPING.values(), ids=WRAPPING.keys())
def test_signature_wrapping_is_refused(report: Report, tmp_path: Path, forge: Forgery) -> None:
    _refused(report, _write(tmp_path, forge(report.signed)))


def test_a_literal_contents_in_the_gap_fools_pyhanko_but_not_us(
    report: Report, tmp_path: Path, cli: Cli
) -> None:
    forged = attacks.literal_in_gap(report.signed)
    assert len(forged) == len(report.signed.pdf)  # no revision added, nothing appended
    assert _pyhanko_coverage(forged) == SignatureCoverageLevel.ENTIRE_FILE
    path = _write(tmp_path, forged)
    assert _refused(report, path).pdf.reason == CHANGED
    result = cli("verify", str(path), "--json", "--trust", str(report.org_pem))
    assert result.code == 1 and result.json()["valid"] is False


ENDS: dict[str, Forgery] = {
    "one-newline-appended": lambda s: s.pdf + b"\n",
    "comment-appended": lambda s: s.pdf + b"% added later\n",
    "one-byte-cut": lambda s: s.pdf[:-1],
    "eof-marker-cut": lambda s: s.pdf[: s.pdf.rindex(b"%%EOF")],
}


@pytest.mark.parametrize("forge", ENDS.values(), ids=ENDS.keys())
def test_appended_and_truncated_copies_are_refused(
    report: Report, tmp_path: Path, forge: Forgery
) -> None:
    _refused(report, _write(tmp_path, forge(report.signed)))


def test_hex_digits_in_another_case_stay_valid_as_in_pdfsig(report: Report, tmp_path: Path) -> None:
    """The value of /Contents is the same in either case, so nothing signed or signing
    changed; both verifiers accept it (DESIGN.md "Facts measured"), so the gap check must too."""
    start, end = report.signed.gap
    pdf = report.signed.pdf
    lowered = pdf[:start] + pdf[start:end].lower() + pdf[end:]
    assert lowered != pdf
    path = _write(tmp_path, lowered)
    verdict = verify_report(None, path, [report.org_pem])
    assert verdict.valid and verdict.trusted
    assert _pdfsig_accepts(pdfsig(path, report.nss))


def test_a_signature_stretched_over_a_later_revision_is_not_valid(
    report: Report, self_signed: Identity
) -> None:
    """A byte range may cover every byte and still not make the signed revision the whole file:
    a revision after the signature dictionary's is what a reader shows. pyHanko calls such a
    file intact and entire, and poppler 22 (Debian 12) "Total document signed" and valid:
    `verify` is stricter than both and refuses it."""
    later = attacks.changed_attachment(report.signed)
    pdf = attacks.signed_over_later_revision(
        report.signed, later, self_signed.key, self_signed.cert
    )
    assert _pyhanko_coverage(pdf) == SignatureCoverageLevel.ENTIRE_FILE
    verdict = verify_pdf(pdf, [self_signed.cert])
    assert not verdict.valid and verdict.reason == CHANGED


def test_the_same_resignature_without_a_later_revision_is_valid(
    report: Report, tmp_path: Path, self_signed: Identity
) -> None:
    """The control for the test above: re-signed the same way, no later revision, valid."""
    pdf = attacks.signed_over_later_revision(report.signed, {}, self_signed.key, self_signed.cert)
    verdict = verify_pdf(pdf, [self_signed.cert])
    assert verdict.valid and verdict.trusted
    assert _pdfsig_accepts(pdfsig(_write(tmp_path, pdf), report.nss))
