"""`observer-cli report` and `observer-cli verify` as real subprocesses.

The three audiences in three languages, each accepted by `verify` (with and without a vault)
and by `pdfsig`; altered copies refused with exit 1 and one line; usage mistakes exit 2; a
coordinator's report is trusted through the organisation certificate its vault holds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from observer_app.core.catalogue import load_catalogue
from observer_app.logbook.session import LogbookSession
from observer_app.vault.store import open_vault
from tests.reports.report_samples import flat, make_nss_db, pdf_text, pdfsig, populate

PASSPHRASE = "correct horse battery staple"  # as in tests/conftest.py


def _populate(vault: Path, work: Path) -> None:
    session = LogbookSession(open_vault(vault, PASSPHRASE))
    try:
        populate(session, load_catalogue(), work)
    finally:
        session.close()


def _bare_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The CLI with no vault in sight (no --vault, no OBSERVER_* variables)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVER_")}
    return subprocess.run(
        [sys.executable, "-m", "observer_app.cli.main", "--ui-lang", "en", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def day_cli(cli_vault, tmp_path: Path):  # type: ignore[no-untyped-def]
    _populate(cli_vault.vault, tmp_path)
    return cli_vault


def test_three_audiences_in_three_languages_verify(day_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    whoami = day_cli("whoami", "--json", check=True).json()
    nss = make_nss_db(tmp_path / "nss")
    for audience, lang, word in (
        ("public", "kk", "Сайлау учаскесіне келген уақыт"),
        ("complaint", "ru", "Время прибытия на избирательный участок"),
        ("internal", "en", "Arrival time at the polling station"),
    ):
        out = tmp_path / f"{audience}-{lang}.pdf"
        made = day_cli(
            "report", "--out", str(out), "--audience", audience, "--lang", lang,
            "--commission", "УИК № 101",
        )  # fmt: skip
        assert made.code == 0, made.err
        assert out.exists() and (out.stat().st_mode & 0o777) == 0o600
        assert word in flat(pdf_text(out))
        assert "Signature is Valid" in pdfsig(out, nss)

        checked = day_cli("verify", str(out))
        assert checked.code == 0, checked.err
        assert checked.out.startswith("VALID")
        assert "Trusted: no" in checked.out
        assert "Signer: Данияр Ахметов" in checked.out
        assert whoami["fingerprint"] in checked.out
        assert f"({audience}, {lang})" in checked.out

        as_json = day_cli("verify", str(out), "--json")
        assert as_json.code == 0
        verdict = as_json.json()
        assert verdict["valid"] is True and verdict["trusted"] is False
        assert verdict["signer_fingerprint"] == whoami["fingerprint"]
        assert verdict["audience"] == audience and verdict["lang"] == lang
        assert verdict["journal_heads"][0]["feed"] == whoami["feed"]
        assert verdict["signing_time"]

        bare = _bare_cli("verify", str(out))
        assert bare.returncode == 0 and bare.stdout.startswith("VALID"), bare.stderr


def test_altered_copy_exits_1_with_one_line(day_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.pdf"
    day_cli("report", "--out", str(out), "--audience", "internal", "--lang", "en", check=True)
    data = out.read_bytes()
    for name, altered in (
        ("appended.pdf", data + b"%%EOF\n"),
        ("truncated.pdf", data[:-100]),
        ("flipped.pdf", data[:2000] + bytes([data[2000] ^ 1]) + data[2001:]),
    ):
        path = tmp_path / name
        path.write_bytes(altered)
        result = day_cli("verify", str(path))
        assert result.code == 1, name
        assert result.out.startswith("NOT VALID: ") and result.out.count("\n") == 1, result.out
        assert result.err == ""
        as_json = day_cli("verify", str(path), "--json")
        assert as_json.code == 1 and as_json.json()["valid"] is False

    missing = _bare_cli("verify", str(tmp_path / "nope.pdf"))
    assert missing.returncode == 4
    assert missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr


def test_usage_mistakes_exit_2(day_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = str(tmp_path / "x.pdf")
    unknown = day_cli("report", "--out", out, "--audience", "public", "--station", "999")
    assert unknown.code == 2 and "999" in unknown.err
    assert unknown.err.count("\n") == 1
    bad_time = day_cli("report", "--out", out, "--audience", "public", "--from", "noon")
    assert bad_time.code == 2
    bad_audience = day_cli("report", "--out", out, "--audience", "press")
    assert bad_audience.code == 2
    assert not Path(out).exists()


def test_coordinator_report_is_trusted_with_the_vault(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("init", "--name", "Coordinator", "--role", "coordinator", "--kdf-profile", "test",
        check=True)  # fmt: skip
    out = tmp_path / "c.pdf"
    cli("report", "--out", str(out), "--audience", "internal", check=True)
    with_vault = cli("verify", str(out))
    assert with_vault.code == 0 and "Trusted: yes" in with_vault.out
    without = _bare_cli("verify", str(out))
    assert without.returncode == 0 and "Trusted: no" in without.stdout
