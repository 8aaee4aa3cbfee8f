"""Small helpers the forms share: the time prefilled in a station's zone, lists typed one per
line."""

from __future__ import annotations

from observer_app.core.timeutil import format_utc, to_local, utc_now


def clock_now(zone_name: str) -> str:
    """The time of day now in the zone, as the forms prefill it (`19:40`)."""
    return to_local(format_utc(utc_now()), zone_name).strftime("%H:%M")


def clock_of(utc_text: str, zone_name: str) -> str:
    return to_local(utc_text, zone_name).strftime("%H:%M")


def lines_of(text: str) -> list[str]:
    """Names typed one per line (empty lines dropped)."""
    return [line.strip() for line in text.splitlines() if line.strip()]
