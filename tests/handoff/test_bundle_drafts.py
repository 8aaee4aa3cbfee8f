"""Drafts and settings stay in the observer's vault: a bundle carries the journal and media only.

A draft is not an observation until it is saved; a setting is this laptop's preference. Neither
may reach the coordinator, nor a report (which, like a bundle, reads only journal-derived
tables: the second test holds both features to that).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from observer_app.handoff.bundle.exporter import export_bundle
from observer_app.handoff.bundle.importer import import_bundle
from observer_app.logbook import drafts, notes
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.settings import update_settings
from tests.handoff.handoff_support import dump, enroll

SECRET_DRAFT = "черновик: не отправлять координатору"


def test_a_bundle_carries_no_draft_and_no_setting(
    make_session: Callable[..., LogbookSession],
    coordinator: LogbookSession,
    tmp_path: Path,
    stick: Path,
) -> None:
    observer = make_session(name="Observer", folder="observer")
    enroll(coordinator, observer, tmp_path / "enroll")
    notes.add_note(observer, "сохранённая заметка")
    drafts.save_draft(observer, "note", {"text": SECRET_DRAFT})
    update_settings(observer, ui_language="kk", auto_lock_minutes=3, last_station="101")

    outcome = import_bundle(coordinator, export_bundle(observer, stick).paths)
    assert (
        outcome.head_seq
        == observer.conn.execute(
            "SELECT head_seq FROM feeds WHERE feed = ?", (observer.identity.feed,)
        ).fetchone()[0]
    )

    tables = dump(coordinator)["tables"]
    assert any("сохранённая заметка" in repr(row) for row in tables["notes"])  # it did arrive
    assert tables["drafts"] == [] and tables["settings"] == []
    assert not any(SECRET_DRAFT in repr(rows) for rows in tables.values())


def test_bundles_and_reports_never_read_drafts_or_settings() -> None:
    """Nothing in `handoff` or `reports` imports the draft or settings services or queries, or
    names their tables in SQL: what they export is built from the journal alone."""
    root = Path(__file__).resolve().parents[2] / "observer_app"
    forbidden_modules = {
        "observer_app.logbook.drafts",
        "observer_app.logbook.settings",
        "observer_app.vault.queries.drafts",
        "observer_app.vault.queries.settings",
    }
    offenders = []
    for package in ("handoff", "reports"):
        for source in sorted((root / package).rglob("*.py")):
            tree = ast.parse(source.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
                    if names & forbidden_modules:
                        offenders.append(f"{source.name}: imports {node.module}")
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    text = node.value.casefold()
                    if any(
                        f"{verb} {table}" in text
                        for verb in ("from", "join")
                        for table in ("drafts", "settings")
                    ):
                        offenders.append(f"{source.name}: SQL over drafts or settings")
    assert offenders == []
