"""Settings in the vault: typed with defaults, validated and bounded on write, tolerant on read."""

from __future__ import annotations

from pathlib import Path

import pytest

from observer_app.errors import UsageError
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.settings import (
    DEFAULT_AUTO_LOCK_MINUTES,
    MAX_WINDOW_BYTES,
    Settings,
    load_settings,
    save_settings,
    update_settings,
)
from observer_app.vault.store import open_vault


def _stored(session: LogbookSession) -> dict[str, str]:
    return {str(k): str(v) for k, v in session.conn.execute("SELECT key, value FROM settings")}


def test_defaults_then_round_trip_across_reopening(
    session: LogbookSession, vault_path: Path, passphrase: str
) -> None:
    assert load_settings(session) == Settings()
    assert load_settings(session).auto_lock_minutes == DEFAULT_AUTO_LOCK_MINUTES
    chosen = Settings(
        ui_language="kk",
        auto_lock_minutes=0,
        window_geometry=b"\x01\xd9\xd0\xcb\x00\x03" + bytes(range(256)),
        window_state=b"\x00\x00\x00\xff",
        last_station="ALM-101",
        column_widths={"timeline": (120, 80, 400), "incidents": (90,)},
    )
    save_settings(session, chosen)
    session.close()
    reopened = LogbookSession(open_vault(vault_path, passphrase))
    try:
        assert load_settings(reopened) == chosen
    finally:
        reopened.close()


def test_update_keeps_other_fields_and_defaults_are_not_stored(session: LogbookSession) -> None:
    update_settings(session, ui_language="ru", last_station="101")
    updated = update_settings(session, auto_lock_minutes=7)
    assert (updated.ui_language, updated.last_station, updated.auto_lock_minutes) == (
        "ru",
        "101",
        7,
    )
    assert load_settings(session) == updated
    update_settings(session, auto_lock_minutes=DEFAULT_AUTO_LOCK_MINUTES, last_station=None)
    assert set(_stored(session)) == {"ui_language"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ui_language": "de"}, "ui_language: not one of the known values"),
        ({"auto_lock_minutes": -1}, "auto_lock_minutes: not between 0 and 1440"),
        ({"auto_lock_minutes": 10_000}, "auto_lock_minutes"),
        ({"auto_lock_minutes": True}, "not an integer"),
        ({"window_geometry": b"x" * (MAX_WINDOW_BYTES + 1)}, "window_geometry"),
        ({"window_state": "not bytes"}, "window_state"),
        ({"last_station": "../../etc"}, "last_station: not in the expected form"),
        ({"column_widths": {"Timeline!": (1,)}}, "column_widths"),
        ({"column_widths": {"timeline": tuple(range(65))}}, "column_widths.timeline"),
        ({"column_widths": {"timeline": (-5,)}}, "column_widths.timeline"),
        ({"column_widths": {f"v{i}": (1,) for i in range(65)}}, "column_widths"),
        ({"colour": "red"}, "unknown setting colour"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(
    session: LogbookSession, changes: dict[str, object], message: str
) -> None:
    update_settings(session, auto_lock_minutes=7)
    before = _stored(session)
    with pytest.raises(UsageError, match=message):
        update_settings(session, **changes)
    assert _stored(session) == before


def test_unknown_and_unusable_stored_values_fall_back_to_defaults(session: LogbookSession) -> None:
    """A newer program's key is ignored; a value this one cannot use (wider range, damaged
    JSON, wrong type) gets its default, and the other settings still load."""
    update_settings(session, ui_language="kk", last_station="101")
    session.conn.executemany(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
        [
            ("theme_from_version_9", '"dark"'),
            ("auto_lock_minutes", "99999"),
            ("window_geometry", '"@@not base64@@"'),
            ("window_state", "{not json"),
            ("column_widths", '{"timeline": "wide"}'),
        ],
    )
    loaded = load_settings(session)
    assert loaded == Settings(ui_language="kk", last_station="101")


def test_a_handoff_failure_is_kept_as_one_bounded_line_until_cleared(
    session: LogbookSession,
) -> None:
    from observer_app.logbook.handoff import last_failure, remember_failure
    from observer_app.logbook.settings import MAX_NOTICE_CHARS

    assert last_failure(session) is None
    remember_failure(session, "/media/stick\nname\x00: is read-only")
    assert last_failure(session) == "/media/stick name : is read-only"
    remember_failure(session, "x" * (MAX_NOTICE_CHARS + 50))
    assert last_failure(session) == "x" * MAX_NOTICE_CHARS
    remember_failure(session, None)
    assert last_failure(session) is None
