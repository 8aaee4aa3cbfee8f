"""Everything a report says in its own language: fixed texts, catalogue labels, dates, numbers.

A report's language is chosen per report (`--lang`) and is independent of the UI language, so
nothing here calls the UI's `_`: fixed texts go through `translator_for(lang)` (callers write
`texts.gettext("...")`, which pybabel extracts like any gettext call), catalogue labels come from
the catalogue in that language, and dates and numbers are formatted by Babel for that locale.
Times are always shown in the place's own zone (stored UTC plus IANA zone), 24-hour.
"""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from babel.dates import format_skeleton, format_timedelta
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit

from observer_app.core.answers import answer_from_json, format_answer
from observer_app.core.catalogue import Catalogue, Label
from observer_app.core.protocol import basis_points
from observer_app.core.timeutil import day_skeleton, parse_utc, zone
from observer_app.errors import ObserverError
from observer_app.i18n import translator_for

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақ тілі"}


@dataclass(frozen=True)
class ReportTexts:
    """The report's language: one object handed to every part that renders text."""

    lang: str
    catalogue: Catalogue
    translator: gettext.NullTranslations

    @classmethod
    def for_language(cls, lang: str, catalogue: Catalogue) -> ReportTexts:
        return cls(lang=lang, catalogue=catalogue, translator=translator_for(lang))

    # -- fixed texts ---------------------------------------------------------------------------

    def gettext(self, message: str) -> str:
        return self.translator.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translator.ngettext(singular, plural, count)

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.lang, self.lang)

    # -- dates and numbers ---------------------------------------------------------------------

    def local(self, utc_text: str, zone_name: str) -> dt.datetime:
        return parse_utc(utc_text).astimezone(zone(zone_name))

    def datetime(self, utc_text: str, zone_name: str) -> str:
        """`Nov 28, 2026, 07:45` / `28 нояб. 2026 г., 07:45` / `2026 ж. 28 қар., 07:45`."""
        moment = self.local(utc_text, zone_name)
        return (
            f"{format_skeleton(day_skeleton(self.lang), moment, locale=self.lang)}, "
            f"{format_skeleton('Hm', moment, locale=self.lang)}"
        )

    def time(self, utc_text: str, zone_name: str) -> str:
        return format_skeleton("Hm", self.local(utc_text, zone_name), locale=self.lang)

    def camera_time(self, text: str, zone_name: str) -> str:
        """A capture time from a file: in the place's zone when the file gave an offset, else
        as the camera's clock showed it (marked as such)."""
        try:
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = moment.astimezone(zone(zone_name))
        except (ValueError, OverflowError):  # not a time, or beyond year 1..9999 in that zone
            return text
        shown = (
            f"{format_skeleton(day_skeleton(self.lang), moment, locale=self.lang)}, "
            f"{format_skeleton('Hms', moment, locale=self.lang)}"
        )
        if moment.tzinfo is None:
            return self.gettext("{time} (camera clock)").format(time=shown)
        return shown

    def date(self, day: dt.date) -> str:
        return format_skeleton("yMMMMd", day, locale=self.lang)

    def utc(self, utc_text: str) -> str:
        return f"{self.datetime(utc_text, 'UTC')} UTC"

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.lang)

    def percent(self, value: Fraction) -> str:
        """One decimal, exact rounding (no floats on the way)."""
        points = basis_points(value)  # hundredths of a percent
        tenths = (points + 5) // 10
        return format_percent(Decimal(tenths) / 1000, format="#,##0.0%", locale=self.lang)

    def size(self, size: int) -> str:
        if size < 1024 * 1024:
            kilobytes = max(1, (size + 512) // 1024)
            return format_unit(kilobytes, "digital-kilobyte", length="short", locale=self.lang)
        tenths = (size * 10 + 512 * 1024) // (1024 * 1024)
        return format_unit(
            Decimal(tenths) / 10, "digital-megabyte", length="short", locale=self.lang
        )

    def duration(self, milliseconds: int) -> str:
        return format_timedelta(
            dt.timedelta(milliseconds=milliseconds), threshold=2, locale=self.lang
        )

    def coordinate(self, lat_microdeg: int, lon_microdeg: int) -> str:
        """`43.238949, 76.889709`: exact from integer microdegrees, never through a float."""
        return f"{_microdegrees(lat_microdeg)}, {_microdegrees(lon_microdeg)}"

    # -- catalogue labels ----------------------------------------------------------------------

    def label(self, label: Label) -> str:
        return label.get(self.lang)

    def term(self, vocabulary: str, term_id: str) -> str:
        for term in self.catalogue.vocabulary(vocabulary):
            if term.id == term_id:
                return term.label.get(self.lang)
        return term_id  # recorded with a newer catalogue: show the id rather than nothing

    def category(self, category_id: str) -> str:
        for category in self.catalogue.incident_categories:
            if category.id == category_id:
                return category.label.get(self.lang)
        return category_id

    def consent(self, state_id: str) -> str:
        for state in self.catalogue.consent_states:
            if state.id == state_id:
                return state.label.get(self.lang)
        return state_id

    def phase(self, phase_id: str) -> str:
        for phase in self.catalogue.phases:
            if phase.id == phase_id:
                return phase.label.get(self.lang)
        return phase_id

    def item(self, item_id: str) -> str:
        for item in self.catalogue.items():
            if item.id == item_id:
                return item.label.get(self.lang)
        return item_id

    def answer(self, item_id: str, value: object) -> str:
        """A stored checklist answer as a reader of this language reads it."""
        try:
            item = self.catalogue.item(item_id)
            return format_answer(item, answer_from_json(item, value), self.lang)
        except ObserverError:
            if isinstance(value, list):
                return ", ".join(str(part) for part in value)
            return str(value)

    def field(self, name: str) -> str:
        """`P11[A]` -> the label of P11; other fields by id."""
        base = name.split("[", 1)[0]
        for field in self.catalogue.protocol_fields:
            if field.id == base:
                return field.label.get(self.lang)
        return name

    def rule(self, rule_id: str) -> str:
        for rule in self.catalogue.control_rules:
            if rule.id == rule_id:
                return rule.label.get(self.lang)
        return rule_id


def _microdegrees(value: int) -> str:
    sign = "-" if value < 0 else ""
    whole, fraction = divmod(abs(value), 1_000_000)
    return f"{sign}{whole}.{fraction:06d}"
