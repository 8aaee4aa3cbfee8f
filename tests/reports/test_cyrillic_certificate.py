"""Names as observers really have them: a long Kazakh full name (over 64 UTF-8 bytes) and an
accreditation number in Cyrillic. `init` used to fail with an internal error (exit 70) on both,
because certificates held them as cryptography's defaults (64 bytes; PrintableString)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli
from tests.reports.report_samples import make_nss_db, pdfsig

LONG_NAME = "Сапарова Айгерим Нурлановна Қасымқызы"  # 37 letters, 71 bytes in UTF-8
ACCREDITATION = "АК-123/2026 №5"


def test_a_kazakh_name_and_cyrillic_accreditation_sign_a_verifiable_report(
    cli: Cli, tmp_path: Path
) -> None:
    created = cli(
        "init", "--name", LONG_NAME, "--accreditation", ACCREDITATION, "--kdf-profile", "test"
    )
    assert created.code == 0, created.err
    who = cli("whoami", "--json", check=True).json()
    assert (who["name"], who["accreditation"]) == (LONG_NAME, ACCREDITATION)
    cli("station", "add", "--number", "101", "--name", "Мектеп № 12", check=True)
    cli("note", "add", "Есік 07:00-де ашылды", "--station", "101", check=True)
    report = tmp_path / "report.pdf"
    cli("report", "--out", str(report), "--audience", "complaint", "--lang", "kk", check=True)

    verdict = cli("verify", str(report), "--json", check=True).json()
    assert verdict["valid"] is True
    assert verdict["signer_name"] == LONG_NAME
    poppler = pdfsig(report, make_nss_db(tmp_path / "nss"))
    assert "Signature is Valid" in poppler
    assert LONG_NAME in poppler
