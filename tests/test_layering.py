"""The layering contracts in pyproject.toml hold on the real tree, and they catch a shell that
reaches past logbook: `lint-imports` is run on the checkout and on a copy with one planted
forbidden import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    # The tree's own package, not the installed one; wide enough that no line is wrapped.
    env = dict(os.environ, PYTHONPATH=str(tree), COLUMNS="250")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_tree_keeps_every_contract() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_a_shell_importing_the_vault_directly_is_caught(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "observer_app", tmp_path / "observer_app", ignore=shutil.ignore_patterns("*.pyc")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    commands = tmp_path / "observer_app" / "cli" / "station_commands.py"
    # station_commands reaches the vault through logbook (allowed); now directly as well.
    commands.write_text(
        commands.read_text(encoding="utf-8")
        + "\nfrom observer_app.vault.store import open_vault\n",
        encoding="utf-8",
    )
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 2 kept, 1 broken." in result.stdout
    assert "observer_app.cli.station_commands -> observer_app.vault.store" in result.stdout


def test_no_shell_is_excepted_from_the_layering() -> None:
    """Every command goes through logbook (issue 11): no direct import may come back behind an
    exception in the contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    shells = next(c for c in contracts if c["id"] == "shells")
    sources = {line.split(" -> ")[0] for line in shells.get("ignore_imports", [])}
    assert sources == set()
