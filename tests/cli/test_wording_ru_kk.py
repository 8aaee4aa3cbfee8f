"""Issue 13 wording through the real CLI: a missing vault reads as a sentence in Russian (not
"хранилища … нет"), and the Kazakh journal check calls a feed «тізбек», never «таспа» (a tape)."""

from __future__ import annotations

import dataclasses

from tests.conftest import Cli


def test_a_missing_vault_reads_naturally_in_russian(cli: Cli) -> None:
    russian = dataclasses.replace(cli, lang="ru")
    result = russian("whoami")
    assert result.code == 3
    assert f"по пути {cli.vault} хранилище не найдено" in result.err
    assert "хранилища" not in result.err


def test_the_kazakh_journal_check_says_tizbek_for_a_feed(cli_vault: Cli) -> None:
    kazakh = dataclasses.replace(cli_vault, lang="kk")
    result = kazakh("journal", "verify", check=True)
    assert "тізбек" in result.out
    assert "таспа" not in result.out
