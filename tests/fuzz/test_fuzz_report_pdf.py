"""`verify` on mutated real signed reports: a verdict for every file, never an exception.

A report is made once per module through the real pipeline (the polling day of
tests/reports/report_samples.py, signed by a coordinator whose certificate the organisation CA
issued) and mutated: anywhere in the file, and aimed at the parts a verifier must read
exactly (the signature dictionary around the /Contents gap, the trailer and cross-reference
table at the end, the hexadecimal /Contents itself). The property is the one a signature is
for: a mutated file may be valid only if every signed byte is unchanged, i.e. the file has the
original's length and its bytes outside the /Contents gap equal the original's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import given, settings
from hypothesis import strategies as st

from observer_app.core.catalogue import load_catalogue
from observer_app.logbook.reports import known_trust_roots, make_report, verify_report
from observer_app.reports.audience import Audience
from observer_app.reports.data import ReportOptions
from tests.fuzz.fuzz_support import QuietRepr, examples, mutations, mutations_within, run_cli
from tests.reports import pdf_attacks as attacks
from tests.reports.report_samples import new_vault, populate

TAIL = 2048  # the last revision's cross-reference table and trailer, and the signature's end
AROUND = 512  # bytes each side of the /Contents gap: the signature dictionary's other keys


@dataclass(frozen=True, repr=False)
class Report(QuietRepr):
    pdf: bytes
    gap: tuple[int, int]  # the /Contents string, '<' to '>' inclusive: the unsigned bytes
    trust: Path
    work: Path


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Report]:
    root = tmp_path_factory.mktemp("pdf-fuzz")
    session = new_vault(root / "vault", "Coordinator Ким", role="coordinator")
    try:
        populate(session, load_catalogue(), root)
        path = make_report(session, ReportOptions(Audience.INTERNAL, "en"), root / "r.pdf").path
        trust = root / "org.pem"
        trust.write_bytes(known_trust_roots(session)[0].public_bytes(serialization.Encoding.PEM))
    finally:
        session.close()
    pdf = path.read_bytes()
    yield Report(pdf, attacks.inspect(pdf).gap, trust, root)


def _signed_bytes_unchanged(report: Report, data: bytes) -> bool:
    start, end = report.gap
    original = report.pdf
    return len(data) == len(original) and (
        data[:start] == original[:start] and data[end:] == original[end:]
    )


def _verdict_is_sound(report: Report, data: bytes) -> bool:
    """`verify` gives a one-line verdict, valid only for a file whose signed bytes are intact."""
    path = report.work / "case.pdf"
    path.write_bytes(data)
    verdict = verify_report(None, path, [report.trust])  # raises on nothing here
    assert verdict.pdf.reason and "\n" not in verdict.pdf.reason
    if verdict.valid:
        assert _signed_bytes_unchanged(report, data)
        assert verdict.trusted
    else:
        assert not verdict.trusted
    return verdict.valid


def test_the_intact_report_is_valid_and_trusted(report: Report) -> None:
    """The property below is not vacuous: the original passes, and only its gap is unsigned."""
    assert _verdict_is_sound(report, report.pdf)
    start, end = report.gap
    assert report.pdf[start : start + 1] == b"<" and report.pdf[end - 1 : end] == b">"


def _pdf_mutations(report: Report) -> st.SearchStrategy[bytes]:
    pdf, (start, end) = report.pdf, report.gap
    return st.one_of(
        mutations(pdf),
        mutations_within(pdf, max(0, start - AROUND), min(len(pdf), end + AROUND)),
        mutations_within(pdf, start, end, max_operations=2),
        mutations_within(pdf, len(pdf) - TAIL, len(pdf)),
    )


@settings(max_examples=examples(300))
@given(st.data())
def test_mutated_reports_get_a_sound_verdict(report: Report, data: st.DataObject) -> None:
    _verdict_is_sound(report, data.draw(_pdf_mutations(report)))


@st.composite
def _recased_contents(draw: st.DrawFn, report: Report) -> bytes:
    """The same signature with some hexadecimal letters of /Contents in the other case."""
    start, end = report.gap
    hex_text = bytearray(report.pdf[start + 1 : end - 1])
    letters = [i for i, byte in enumerate(hex_text) if chr(byte) in "ABCDEFabcdef"]
    for index in draw(st.lists(st.sampled_from(letters), min_size=1, max_size=64, unique=True)):
        hex_text[index] ^= 0x20  # 'A' <-> 'a'
    return report.pdf[: start + 1] + bytes(hex_text) + report.pdf[end - 1 :]


@settings(max_examples=examples(20))
@given(st.data())
def test_recased_signature_hex_stays_valid(report: Report, data: st.DataObject) -> None:
    """The positive side of the property: a change that leaves every signed byte (and the
    decoded signature) as it was is still valid, so `verify` refuses changes, not noise."""
    assert _verdict_is_sound(report, data.draw(_recased_contents(report)))


@settings(max_examples=examples(12))
@given(st.data())
def test_cli_verify_json_exits_0_or_1(report: Report, data: st.DataObject) -> None:
    pdf = data.draw(st.one_of(_pdf_mutations(report), _recased_contents(report)))
    path = report.work / "cli-case.pdf"
    path.write_bytes(pdf)
    no_vault = report.work / "no-vault"  # named and absent: `verify` runs without a vault
    result = run_cli(
        "--vault", str(no_vault), "verify", str(path), "--json", "--trust", str(report.trust)
    )
    verdict = json.loads(result.out)
    assert result.code == (0 if verdict["valid"] else 1), result.err
    if verdict["valid"]:
        assert _signed_bytes_unchanged(report, pdf)
