"""The observation catalogue: what an observer records, in three languages, as data.

The catalogue lives in `resources/catalogue/catalogue.json` so that a new legal framework (the
election law changes; rules are versioned by date) is a data update, not a code change. Its ids
are contracts: journals, reports and scripts store `VOT06` or `ballot_stuffing`, so the loader
refuses anything it cannot fully understand and names the exact entry at fault instead of
failing later in the middle of polling day. Nothing is cached globally: callers hold the
`Catalogue` they loaded. The model classes live in `catalogue_model.py` and are re-exported here.

This module reads the file and checks the top level; the sections are parsed in
`catalogue_checklist` (phases and items), `catalogue_protocol` (fields, rules, turnout) and
`catalogue_sections` (vocabularies, categories, consent states, zones, regions), all with the
same primitive checks from `catalogue_checks`, so that each stays small enough to review.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

from observer_app.core.catalogue_checklist import parse_phases
from observer_app.core.catalogue_checks import date_field, entry_object, fail, string_field
from observer_app.core.catalogue_model import (
    FAMILY_WILDCARD,
    FIXED_VOCABULARIES,
    KNOWN_CONDITIONS,
    LANGUAGES,
    RULE_OPERATORS,
    SUPPORTED_FORMAT_VERSION,
    AnswerType,
    Catalogue,
    CatalogueError,
    ChecklistItem,
    Choice,
    ConsentStateInfo,
    ControlRule,
    IncidentCategory,
    Label,
    Phase,
    ProtocolField,
    Region,
    Term,
    TurnoutDefinition,
)
from observer_app.core.catalogue_protocol import (
    parse_protocol_fields,
    parse_rules,
    parse_turnout,
)
from observer_app.core.catalogue_sections import (
    fixed_terms,
    parse_categories,
    parse_consent_states,
    parse_regions,
    parse_time_zones,
)
from observer_app.core.consent import MediaUse
from observer_app.errors import system_reason
from observer_app.i18n import _
from observer_app.resources import resource_path

__all__ = [
    "FAMILY_WILDCARD",
    "FIXED_VOCABULARIES",
    "KNOWN_CONDITIONS",
    "LANGUAGES",
    "RULE_OPERATORS",
    "SUPPORTED_FORMAT_VERSION",
    "AnswerType",
    "Catalogue",
    "CatalogueError",
    "ChecklistItem",
    "Choice",
    "ConsentStateInfo",
    "ControlRule",
    "IncidentCategory",
    "Label",
    "Phase",
    "ProtocolField",
    "Region",
    "Term",
    "TurnoutDefinition",
    "default_catalogue_path",
    "load_catalogue",
    "parse_catalogue",
]


def default_catalogue_path() -> Path:
    return resource_path("catalogue", "catalogue.json")


def load_catalogue(path: Path | None = None) -> Catalogue:
    """Read and fully validate a catalogue; the shipped one unless `path` is given."""
    source = path if path is not None else default_catalogue_path()
    try:
        raw_bytes = source.read_bytes()
    except OSError as exc:
        raise CatalogueError(
            _("Cannot read the catalogue {path}: {reason}").format(
                path=source, reason=system_reason(exc)
            )
        ) from None
    try:
        document = json.loads(raw_bytes.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError:
        raise CatalogueError(
            _("The catalogue {path} is not UTF-8 text.").format(path=source)
        ) from None
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            _("The catalogue {path} is not valid JSON (line {line}, column {column}).").format(
                path=source, line=exc.lineno, column=exc.colno
            )
        ) from None
    except _DuplicateKeyError as exc:
        raise CatalogueError(
            _("The catalogue {path} repeats the key '{key}'.").format(path=source, key=exc.key)
        ) from None
    return parse_catalogue(document)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # json keeps the last of repeated keys silently; in a hand-edited file that hides mistakes.
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def parse_catalogue(document: object) -> Catalogue:
    """Validate an already-decoded catalogue document (see `load_catalogue`)."""
    if not isinstance(document, dict):
        raise fail("catalogue", _("must be an object"))
    # The version comes first: a newer catalogue may be shaped differently, and the user must
    # learn "update the program", not about some key this version does not know.
    _check_format_version(document.get("format_version"))
    top = entry_object(document, "catalogue", _TOP_REQUIRED, _TOP_OPTIONAL)

    catalogue_version = string_field(top, "catalogue_version", "catalogue")
    framework_date = date_field(top, "legal_framework_date", "catalogue")
    note = (
        string_field(top, "legal_framework_note", "catalogue")
        if "legal_framework_note" in top
        else ""
    )

    vocab_doc = entry_object(top["vocabularies"], "vocabularies", set(FIXED_VOCABULARIES), set())
    vocabularies = {
        name: fixed_terms(vocab_doc[name], f"vocabularies.{name}", expected)
        for name, expected in FIXED_VOCABULARIES.items()
    }
    time_zones, default_zone = parse_time_zones(top["time_zones"])
    protocol = entry_object(top["protocol"], "protocol", {"fields", "rules", "turnout"}, set())
    fields = parse_protocol_fields(protocol["fields"])
    severities = {term.id for term in vocabularies["severity"]}

    return Catalogue(
        format_version=SUPPORTED_FORMAT_VERSION,
        catalogue_version=catalogue_version,
        legal_framework_date=framework_date,
        legal_framework_note=note,
        phases=parse_phases(top["phases"], vocabularies),
        yes_no_dk=vocabularies["yes_no_dk"],
        frequencies=vocabularies["frequency"],
        ratings=vocabularies["rating"],
        severities=vocabularies["severity"],
        incident_statuses=vocabularies["incident_status"],
        follow_ups=vocabularies["follow_up"],
        seen=vocabularies["seen"],
        incident_categories=parse_categories(top["incident_categories"], severities),
        consent_states=parse_consent_states(top["consent_states"]),
        media_uses=fixed_terms(
            top["media_uses"], "media_uses", tuple(use.value for use in MediaUse)
        ),
        protocol_fields=fields,
        control_rules=parse_rules(protocol["rules"], fields),
        turnout=parse_turnout(protocol["turnout"], fields),
        regions=parse_regions(top["regions"], time_zones),
        time_zones=time_zones,
        default_time_zone=default_zone,
    )


_TOP_REQUIRED: Final = {
    "format_version",
    "catalogue_version",
    "legal_framework_date",
    "phases",
    "vocabularies",
    "incident_categories",
    "consent_states",
    "media_uses",
    "protocol",
    "regions",
    "time_zones",
}
_TOP_OPTIONAL: Final = {"legal_framework_note"}


def _check_format_version(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise fail("format_version", _("must be a positive whole number"))
    if value > SUPPORTED_FORMAT_VERSION:
        raise CatalogueError(
            _(
                "The catalogue has format version {found}, newer than this program understands "
                "({supported}). Update Observer Logbook to use it."
            ).format(found=value, supported=SUPPORTED_FORMAT_VERSION)
        )
