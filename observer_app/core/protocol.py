"""Results-protocol arithmetic: the checks that catch a falsified or sloppy protocol.

The relations are data (`protocol.rules` in the catalogue) because the protocol form follows the
law in force; this module only knows how to read them. A relation whose figures are not all
recorded yet is reported as undecided (`ok is None`) with the missing fields named, never as
passed: an observer copying a protocol line by line must see what is still to be entered.
Turnout is an exact `Fraction` (no floats in anything that may be signed); basis points and a
display string are derived from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from observer_app.core.catalogue import FAMILY_WILDCARD, Catalogue, ControlRule, ProtocolField
from observer_app.errors import UsageError
from observer_app.i18n import _

AGAINST_ALL: Final = "against_all"
MAX_FIGURE: Final = 999_999_999
FIGURE_NAME: Final = re.compile(r"([A-Za-z][A-Za-z0-9]*)(?:\[([^\[\]\s=,*]+)\])?")
"""A protocol field as stored: `P3`, or per candidate `P11[A]`."""
CANDIDATE_ID: Final = re.compile(r"[^\[\]\s=,*]+")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)


@dataclass(frozen=True)
class Check:
    """One control relation evaluated: `ok` is None while `missing` names absent fields."""

    rule: ControlRule
    ok: bool | None
    missing: list[str]
    lhs: int | None
    rhs: int | None

    @property
    def rule_id(self) -> str:
        return self.rule.id

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule.id,
            "ok": self.ok,
            "missing": list(self.missing),
            "lhs": self.lhs,
            "rhs": self.rhs,
            "expression": self.rule.expression(),
        }


@dataclass(frozen=True)
class ProtocolEvaluation:
    checks: list[Check]
    turnout_numerator: int | None
    turnout_denominator: int | None
    turnout_missing: list[str]

    @property
    def turnout(self) -> Fraction | None:
        """Ballots issued / voters on the list, exactly; None if unknown or the list is empty."""
        if self.turnout_numerator is None or not self.turnout_denominator:
            return None
        return Fraction(self.turnout_numerator, self.turnout_denominator)

    @property
    def turnout_basis_points(self) -> int | None:
        turnout = self.turnout
        return None if turnout is None else basis_points(turnout)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if check.ok is False]

    @property
    def undecided(self) -> list[Check]:
        return [check for check in self.checks if check.ok is None]

    @property
    def all_ok(self) -> bool | None:
        """False if any check fails, None if none fails but some are undecided, else True."""
        if self.failed:
            return False
        return None if self.undecided else True

    def to_json(self) -> dict[str, object]:
        turnout: dict[str, int] | None = None
        if self.turnout is not None:
            assert self.turnout_numerator is not None and self.turnout_denominator is not None
            turnout = {
                "numerator": self.turnout_numerator,
                "denominator": self.turnout_denominator,
                "basis_points": basis_points(self.turnout),
            }
        return {
            "checks": [check.to_json() for check in self.checks],
            "turnout": turnout,
            "turnout_missing": list(self.turnout_missing),
        }


@dataclass(frozen=True)
class FieldDifference:
    """A field where two copies of a protocol disagree (None: absent from that copy)."""

    field: str
    own: int | None
    other: int | None


def parse_assignment(text: str) -> tuple[str, int]:
    """`"P3=812"` -> `("P3", 812)`; the name is checked against a mission by `field_name`."""
    name, separator, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not separator or not FIGURE_NAME.fullmatch(name) or not _DIGITS.fullmatch(value):
        raise UsageError(
            _("Expected NAME=VALUE with a whole number, such as P3=812 or P11[A]=240.")
        )
    number = int(value)
    if number > MAX_FIGURE:
        raise UsageError(
            _("The value of {field} must be at most {maximum}.").format(
                field=name, maximum=MAX_FIGURE
            )
        )
    return name, number


def validate_candidates(candidates: Sequence[str]) -> tuple[str, ...]:
    """Candidate ids usable inside `P11[...]`, each once."""
    seen: list[str] = []
    for candidate in candidates:
        if not CANDIDATE_ID.fullmatch(candidate):
            raise UsageError(
                _("'{candidate}' cannot be a candidate id (no spaces, brackets, = , or *).").format(
                    candidate=candidate
                )
            )
        if candidate in seen:
            raise UsageError(
                _("The candidate id '{candidate}' is listed twice.").format(candidate=candidate)
            )
        seen.append(candidate)
    return tuple(seen)


def field_name(
    name: str, catalogue: Catalogue, candidates: Sequence[str], against_all: bool
) -> str:
    """The canonical name of a protocol field for this mission (`p1A` -> `P1a`), or UsageError."""
    text = name.strip()
    match = FIGURE_NAME.fullmatch(text)
    by_lower = {f.id.lower(): f for f in catalogue.protocol_fields}
    known = by_lower.get(match[1].lower()) if match else None
    if match is None or known is None:
        raise UsageError(
            _("Unknown protocol field '{field}'. Allowed: {allowed}.").format(
                field=name,
                allowed=", ".join(_display_names(catalogue.protocol_fields, against_all)),
            )
        )
    candidate = match[2]
    if known.family:
        if candidate is None:
            raise UsageError(
                _("{field} is recorded per candidate: write {field}[<candidate id>].").format(
                    field=known.id
                )
            )
        if candidate not in candidates:
            raise UsageError(
                _("Unknown candidate '{candidate}' in {field}. Candidates: {allowed}.").format(
                    candidate=candidate,
                    field=known.id,
                    allowed=", ".join(candidates) or "-",
                )
            )
        return f"{known.id}[{candidate}]"
    if candidate is not None:
        raise UsageError(_("{field} takes no candidate id.").format(field=known.id))
    if known.requires == AGAINST_ALL and not against_all:
        raise UsageError(
            _("{field} applies only when the ballot has the option 'against all'.").format(
                field=known.id
            )
        )
    return known.id


def _display_names(fields: Sequence[ProtocolField], against_all: bool) -> list[str]:
    return [
        f"{f.id}[<id>]" if f.family else f.id
        for f in fields
        if f.requires != AGAINST_ALL or against_all
    ]


def expected_fields(
    catalogue: Catalogue, candidates: Sequence[str], against_all: bool
) -> list[str]:
    """Every field of this mission's protocol, in form order (P11 expanded per candidate)."""
    names: list[str] = []
    for protocol_field in catalogue.protocol_fields:
        if protocol_field.family:
            names.extend(f"{protocol_field.id}[{candidate}]" for candidate in candidates)
        elif protocol_field.requires != AGAINST_ALL or against_all:
            names.append(protocol_field.id)
    return names


def validate_figures(
    figures: Mapping[str, int],
    catalogue: Catalogue,
    candidates: Sequence[str],
    against_all: bool,
) -> dict[str, int]:
    """Figures keyed by canonical field names, after checking every name and value."""
    checked_candidates = validate_candidates(candidates)
    result: dict[str, int] = {}
    for name, value in figures.items():
        canonical = field_name(name, catalogue, checked_candidates, against_all)
        if canonical in result:
            raise UsageError(_("{field} is given twice.").format(field=canonical))
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FIGURE:
            raise UsageError(
                _("The value of {field} must be a whole number from 0 to {maximum}.").format(
                    field=canonical, maximum=MAX_FIGURE
                )
            )
        result[canonical] = value
    return result


def evaluate(
    figures: Mapping[str, int],
    catalogue: Catalogue,
    candidates: Sequence[str],
    against_all: bool,
) -> ProtocolEvaluation:
    """Evaluate every control relation of the catalogue on one station's figures."""
    checked = validate_figures(figures, catalogue, candidates, against_all)
    fields = {f.id: f for f in catalogue.protocol_fields}
    context = _Context(checked, fields, tuple(candidates), against_all)

    checks: list[Check] = []
    for rule in catalogue.control_rules:
        lhs, lhs_missing = context.total(rule.lhs)
        rhs, rhs_missing = context.total(rule.rhs)
        missing = _unique(lhs_missing + rhs_missing)
        ok: bool | None = None
        if lhs is not None and rhs is not None:
            ok = lhs == rhs if rule.op == "==" else lhs <= rhs
        checks.append(Check(rule=rule, ok=ok, missing=missing, lhs=lhs, rhs=rhs))

    numerator, numerator_missing = context.total(catalogue.turnout.numerator)
    denominator, denominator_missing = context.total(catalogue.turnout.denominator)
    return ProtocolEvaluation(
        checks=checks,
        turnout_numerator=numerator,
        turnout_denominator=denominator,
        turnout_missing=_unique(numerator_missing + denominator_missing),
    )


@dataclass(frozen=True)
class _Context:
    figures: dict[str, int]
    fields: dict[str, ProtocolField]
    candidates: tuple[str, ...]
    against_all: bool

    def expand(self, term: str) -> list[str]:
        """The field names a rule term stands for in this mission."""
        if term.endswith(FAMILY_WILDCARD):
            family = term[: -len(FAMILY_WILDCARD)]
            # No candidates configured: the sum is unknown, not zero.
            return [f"{family}[{c}]" for c in self.candidates] or [term]
        if self.fields[term].requires == AGAINST_ALL and not self.against_all:
            return []
        return [term]

    def total(self, terms: Sequence[str]) -> tuple[int | None, list[str]]:
        names = [name for term in terms for name in self.expand(term)]
        missing = [name for name in names if name not in self.figures]
        if missing:
            return None, missing
        return sum(self.figures[name] for name in names), []


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def basis_points(turnout: Fraction) -> int:
    """Turnout in hundredths of a percent, rounded half up (exact integer arithmetic)."""
    scaled = turnout * 10_000
    return (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)


# CLDR number symbols for the UI languages (what Babel prints), kept here so that core stays
# free of locale-data loading: decimal separator and how the percent sign is attached.
_PERCENT_STYLE: Final = {
    "en": (".", "%"),
    "ru": (",", "\u00a0%"),
    "kk": (",", "%"),
}


def format_turnout(turnout: Fraction, lang: str) -> str:
    """Turnout for display with one decimal, e.g. `67.5%` (en) or `67,5 %` (ru)."""
    separator, percent = _PERCENT_STYLE.get(lang, _PERCENT_STYLE["en"])
    tenths = (2 * turnout.numerator * 1000 + turnout.denominator) // (2 * turnout.denominator)
    whole, fraction = divmod(tenths, 10)
    return f"{whole}{separator}{fraction}{percent}"


def compare_figures(own: Mapping[str, int], other: Mapping[str, int]) -> list[FieldDifference]:
    """Fields where two copies differ, e.g. the observer's copy and the published result."""
    names = _unique([*own, *other])
    return [
        FieldDifference(field=name, own=own.get(name), other=other.get(name))
        for name in names
        if own.get(name) != other.get(name)
    ]
