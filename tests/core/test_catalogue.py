"""The shipped catalogue's contracts (ids, types, labels) and the loader's validation."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from observer_app.core.catalogue import (
    AnswerType,
    Catalogue,
    CatalogueError,
    Label,
    default_catalogue_path,
    load_catalogue,
)
from observer_app.core.consent import ConsentState, MediaUse
from observer_app.errors import UsageError, UserActionError


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(default_catalogue_path().read_text(encoding="utf-8"))
    return data


# -- the shipped catalogue ------------------------------------------------------------------


def test_loads_and_validates_within_budget() -> None:
    load_catalogue()  # warm the import-time and OS caches; the budget is per load
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        load_catalogue()
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.100, timings


def test_explicit_path_equals_default(catalogue: Catalogue) -> None:
    assert load_catalogue(default_catalogue_path()) == catalogue


def test_versions(catalogue: Catalogue) -> None:
    assert catalogue.format_version == 1
    assert re.fullmatch(r"\d{4}\.\d+", catalogue.catalogue_version)
    assert catalogue.legal_framework_date == dt.date(2022, 11, 5)


def test_phases_in_order(catalogue: Catalogue) -> None:
    assert [p.id for p in catalogue.phases] == [
        "arrival",
        "opening",
        "voting",
        "counting",
        "tabulation",
    ]
    assert [p.code for p in catalogue.phases] == ["ARR", "OPN", "VOT", "CNT", "TAB"]


def test_item_ids_are_numbered_per_phase(catalogue: Catalogue) -> None:
    for phase in catalogue.phases:
        expected = [f"{phase.code}{n:02d}" for n in range(1, len(phase.items) + 1)]
        assert [item.id for item in phase.items] == expected
        assert all(item.phase == phase.id for item in phase.items)


# Stable ids are a contract: journals store them. One line per DOMAIN.md checklist item.
EXPECTED_ITEMS = {
    "ARR01": "time",  # arrival time
    "ARR02": "time",  # departure time
    "ARR03": "text",  # breaks
    "ARR04": "multi_choice",  # who else is present
    "OPN01": "time",  # premises opened
    "OPN02": "yes_no_dk",  # boxes shown empty
    "OPN03": "yes_no_dk",  # boxes sealed
    "OPN04": "integer",  # commission members present
    "OPN05": "integer",  # ballots received as announced
    "OPN06": "yes_no_dk",  # voter list present
    "OPN07": "yes_no_dk",  # unauthorised persons present
    "OPN08": "time",  # voting started
    "OPN09": "rating",
    "VOT01": "frequency",  # ID checked
    "VOT02": "frequency",  # voters sign the list
    "VOT03": "yes_no_dk",  # chair or secretary issuing ballots
    "VOT04": "yes_no_dk",  # secrecy ensured
    "VOT05": "integer",  # group / family voting
    "VOT06": "yes_no_dk",  # ballot stuffing
    "VOT07": "yes_no_dk",  # carousel
    "VOT08": "yes_no_dk",  # ballots photographed
    "VOT09": "yes_no_dk",  # campaigning
    "VOT10": "yes_no_dk",  # pressure
    "VOT11": "yes_no_dk",  # observers restricted
    "VOT12": "yes_no_dk",  # supplementary list additions
    "VOT13": "yes_no_dk",  # mobile-box rules
    "VOT14": "integer",  # ballots issued so far
    "VOT15": "rating",
    "CNT01": "time",  # count started
    "CNT02": "yes_no_dk",  # unused ballots cancelled first
    "CNT03": "yes_no_dk",  # list signatures counted
    "CNT04": "yes_no_dk",  # each ballot shown and announced
    "CNT05": "yes_no_dk",  # sorted into piles
    "CNT06": "yes_no_dk",  # consistent validity decisions
    "CNT07": "yes_no_dk",  # clear view
    "CNT08": "single_choice",  # protocol copy given
    "CNT09": "yes_no_dk",  # protocol posted
    "CNT10": "rating",
    "TAB01": "yes_no_dk",  # delivered intact
    "TAB02": "yes_no_dk",  # figures equal the precinct copy
    "TAB03": "yes_no_dk",  # observers admitted
    "TAB04": "time",
    "TAB05": "rating",
}


def test_item_ids_and_types_are_the_contract(catalogue: Catalogue) -> None:
    assert {item.id: item.type.value for item in catalogue.items()} == EXPECTED_ITEMS


def test_every_answer_type_is_used(catalogue: Catalogue) -> None:
    assert {item.type for item in catalogue.items()} == set(AnswerType)


def test_enumerated_items_carry_their_allowed_values(catalogue: Catalogue) -> None:
    assert catalogue.item("OPN02").choice_ids == ("yes", "no", "dk")
    assert catalogue.item("VOT01").choice_ids == ("none", "few", "half", "most", "all")
    assert catalogue.item("VOT15").choice_ids == ("very_good", "good", "bad", "very_bad")
    assert catalogue.item("CNT08").choice_ids == (
        "given",
        "given_uncertified",
        "refused",
        "not_requested",
    )
    assert catalogue.item("OPN04").choices == ()
    assert catalogue.item("ARR03").choices == ()
    nobody = catalogue.item("ARR04").choice("nobody")
    assert nobody is not None and nobody.exclusive


@pytest.mark.parametrize(
    ("item_id", "concern_when"),
    [
        ("OPN02", {"no"}),  # problem if no
        ("OPN07", {"yes"}),  # problem if yes
        ("VOT06", {"yes"}),
        ("VOT04", {"no"}),
        ("VOT01", {"none", "few", "half", "most"}),
        ("VOT15", {"bad", "very_bad"}),
        ("CNT08", {"given_uncertified", "refused"}),
        ("ARR04", {"unauthorised"}),
        ("ARR01", set()),
    ],
)
def test_concern_markers(catalogue: Catalogue, item_id: str, concern_when: set[str]) -> None:
    assert catalogue.item(item_id).concern_when == concern_when


def test_every_yes_no_item_says_which_answer_is_a_problem(catalogue: Catalogue) -> None:
    for item in catalogue.items():
        if item.type in (AnswerType.YES_NO_DK, AnswerType.RATING, AnswerType.FREQUENCY):
            assert item.concern_when, item.id
            assert "dk" not in item.concern_when
    assert catalogue.item("VOT05").concern_above == 0
    assert catalogue.item("OPN04").concern_above is None


EXPECTED_CATEGORIES = {
    "ballot_stuffing": "critical",
    "carousel_voting": "critical",
    "protocol_falsification": "critical",
    "ballots_exceed_voters": "critical",
    "violence_threats": "critical",
    "pressure_on_voters": "high",
    "observer_obstruction": "high",
    "protocol_copy_refused": "high",
    "unauthorised_persons": "high",
    "secrecy_breach": "high",
    "count_procedure": "high",
    "group_voting": "medium",
    "ballot_photography": "medium",
    "mobile_box": "medium",
    "voter_list": "medium",
    "id_not_checked": "medium",
    "sealing": "medium",
    "campaigning": "low",
    "accessibility": "low",
    "other": "low",
}


def test_incident_categories_and_default_severities(catalogue: Catalogue) -> None:
    assert {c.id: c.default_severity for c in catalogue.incident_categories} == EXPECTED_CATEGORIES
    assert [c.id for c in catalogue.incident_categories] == list(EXPECTED_CATEGORIES)


def test_vocabularies(catalogue: Catalogue) -> None:
    ids = {name: [t.id for t in catalogue.vocabulary(name)] for name in _VOCABULARY_NAMES}
    assert ids == {
        "yes_no_dk": ["yes", "no", "dk"],
        "frequency": ["none", "few", "half", "most", "all"],
        "rating": ["very_good", "good", "bad", "very_bad"],
        "severity": ["critical", "high", "medium", "low"],
        "incident_status": ["unmarked", "confirmed", "rejected"],
        "follow_up": ["none_needed", "needs_follow_up", "complaint_filed", "resolved"],
        "seen": ["directly", "reported"],
        "media_use": ["internal", "complaint", "publication"],
    }


_VOCABULARY_NAMES = (
    "yes_no_dk",
    "frequency",
    "rating",
    "severity",
    "incident_status",
    "follow_up",
    "seen",
    "media_use",
)


def test_consent_states_and_media_uses(catalogue: Catalogue) -> None:
    assert [s.id for s in catalogue.consent_states] == [
        "no_person",
        "not_asked",
        "verbal",
        "written",
        "refused",
        "withdrawn",
        "minor",
        "guardian_written",
        "official_on_duty",
        "anonymised",
    ]
    assert [s.id for s in catalogue.consent_states if s.system_only] == ["anonymised"]
    assert {s.id for s in catalogue.consent_states} == {s.value for s in ConsentState}
    assert [u.id for u in catalogue.media_uses] == [u.value for u in MediaUse]


def test_protocol_fields(catalogue: Catalogue) -> None:
    fields = catalogue.protocol_fields
    assert [f.id for f in fields] == [
        "P1",
        "P1a",
        "P1b",
        "P2",
        "P3",
        "P4",
        "P5",
        "P6",
        "P7",
        "P8",
        "P9",
        "P10",
        "P11",
        "P12",
        "O1",
    ]
    assert [f.id for f in fields if f.family] == ["P11"]
    assert {f.id: f.requires for f in fields if f.requires} == {"P12": "against_all"}


def test_control_rules_are_the_domain_relations(catalogue: Catalogue) -> None:
    rules = {r.id: (r.lhs, r.op, r.rhs) for r in catalogue.control_rules}
    assert rules == {
        "list_total": (("P1",), "==", ("P1a", "P1b")),
        "issued_le_list": (("P3", "P4"), "<=", ("P1",)),
        "ballot_balance": (("P2",), "==", ("P3", "P4", "P5", "P6")),
        "boxes_split": (("P7", "P8"), "==", ("P9", "P10")),
        "valid_sum": (("P10",), "==", ("P11[*]", "P12")),
        "mobile_le_outside": (("P8",), "<=", ("P4",)),
        "boxes_le_issued": (("P7", "P8"), "<=", ("P3", "P4")),
        "signatures_match": (("O1",), "==", ("P3", "P4")),
    }
    assert catalogue.turnout.numerator == ("P3", "P4")
    assert catalogue.turnout.denominator == ("P1",)
    assert catalogue.rule("ballot_balance").expression() == "P2 = P3 + P4 + P5 + P6"
    assert catalogue.rule("mobile_le_outside").expression() == "P8 ≤ P4"


def test_regions_and_zones(catalogue: Catalogue) -> None:
    assert catalogue.default_time_zone == "Asia/Almaty"
    assert set(catalogue.time_zones) == {
        "Asia/Almaty",
        "Asia/Qostanay",
        "Asia/Aqtobe",
        "Asia/Aqtau",
        "Asia/Atyrau",
        "Asia/Oral",
        "Asia/Qyzylorda",
    }
    assert len([r for r in catalogue.regions if r.kind == "region"]) == 17
    assert {r.id for r in catalogue.regions if r.kind == "city"} == {
        "astana",
        "almaty_city",
        "shymkent",
    }
    assert catalogue.region("kostanay").zone == "Asia/Qostanay"
    assert catalogue.region("west_kazakhstan").zone == "Asia/Oral"
    assert catalogue.region("mangystau").zone == "Asia/Aqtau"
    assert catalogue.region("Astana").label.kk == "Астана қаласы"
    assert {r.zone for r in catalogue.regions} == set(catalogue.time_zones)


# -- labels ----------------------------------------------------------------------------------


def _all_labels(catalogue: Catalogue) -> list[tuple[str, Label]]:
    labels: list[tuple[str, Label]] = []
    for phase in catalogue.phases:
        labels.append((phase.id, phase.label))
        for item in phase.items:
            labels.append((item.id, item.label))
            labels.extend((f"{item.id}.{c.id}", c.label) for c in item.choices)
    for name in _VOCABULARY_NAMES:
        labels.extend((f"{name}.{t.id}", t.label) for t in catalogue.vocabulary(name))
    labels.extend((c.id, c.label) for c in catalogue.incident_categories)
    labels.extend((s.id, s.label) for s in catalogue.consent_states)
    labels.extend((f.id, f.label) for f in catalogue.protocol_fields)
    labels.extend((r.id, r.label) for r in catalogue.control_rules)
    labels.extend((r.id, r.label) for r in catalogue.regions)
    return labels


_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def test_labels_are_real_translations(catalogue: Catalogue) -> None:
    labels = _all_labels(catalogue)
    assert len(labels) > 200
    with_kazakh_letters = 0
    for where, label in labels:
        assert label.en and label.ru and label.kk, where
        assert label.ru != label.en and label.kk != label.en, where
        assert label.kk != label.ru, where
        assert not re.search("[A-Za-z]", label.ru), where
        assert not re.search("[A-Za-z]", label.kk), where
        assert re.search("[А-Яа-яЁё]", label.ru), where
        if _KAZAKH_LETTERS & set(label.kk):
            with_kazakh_letters += 1
        assert not (_KAZAKH_LETTERS & set(label.ru)), where
    # Short words like "Орташа" need none of them, but Kazakh text overall is full of them.
    assert with_kazakh_letters / len(labels) > 0.75


def test_label_get_falls_back_to_english() -> None:
    label = Label(en="Yes", ru="Да", kk="Иә")
    assert label.get("kk") == "Иә"
    assert label.get("ru") == "Да"
    assert label.get("de") == "Yes"
    assert label.as_dict() == {"en": "Yes", "ru": "Да", "kk": "Иә"}


# -- lookups ---------------------------------------------------------------------------------


def test_lookups(catalogue: Catalogue) -> None:
    assert catalogue.item("vot06").id == "VOT06"
    assert catalogue.item(" CNT03 ").type is AnswerType.YES_NO_DK
    assert catalogue.phase_of("CNT03").id == "counting"
    assert catalogue.phase("Voting").code == "VOT"
    assert catalogue.category("Ballot_Stuffing").default_severity == "critical"
    assert catalogue.term("follow_up", "RESOLVED").id == "resolved"
    assert catalogue.severity("low").label.ru == "Низкая"
    assert catalogue.consent_state("minor").system_only is False
    assert catalogue.protocol_field("P1a").label.en == "Voters on the main list"
    assert catalogue.rule("valid_sum").op == "=="
    assert catalogue.check_time_zone(" Asia/Oral ") == "Asia/Oral"
    assert len(list(catalogue.items())) == len(EXPECTED_ITEMS)


@pytest.mark.parametrize(
    ("lookup", "expected"),
    [
        (lambda c: c.item("VOT99"), "VOT99"),
        (lambda c: c.phase_of("XYZ01"), "XYZ01"),
        (lambda c: c.phase("closing"), "arrival, opening, voting, counting, tabulation"),
        (lambda c: c.category("fraud"), "ballot_stuffing"),
        (lambda c: c.term("severity", "urgent"), "critical (Critical), high (High), medium"),
        (lambda c: c.consent_state("maybe"), "guardian_written"),
        (lambda c: c.protocol_field("P13"), "P12"),
        (lambda c: c.rule("nope"), "ballot_balance"),
        (lambda c: c.region("atlantis"), "almaty_city"),
        (lambda c: c.check_time_zone("Europe/Moscow"), "Asia/Qyzylorda"),
        (lambda c: c.check_time_zone("Asia/Tashkent"), "Asia/Almaty"),
    ],
)
def test_unknown_lookups_are_usage_errors(
    catalogue: Catalogue, lookup: Callable[[Catalogue], object], expected: str
) -> None:
    with pytest.raises(UsageError) as info:
        lookup(catalogue)
    assert expected in info.value.message
    assert info.value.exit_code == 2


# -- validation of broken copies ---------------------------------------------------------------


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _load_broken(tmp_path: Path, document: dict[str, Any], mutate: Callable[[Any], object]) -> str:
    broken = copy.deepcopy(document)
    mutate(broken)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(_write(tmp_path, broken))
    assert isinstance(info.value, UserActionError)
    assert info.value.exit_code == 4
    return info.value.message


def _item(doc: Any, phase: int, index: int) -> Any:
    return doc["phases"][phase]["items"][index]


BROKEN: list[tuple[str, Callable[[Any], object], str]] = [
    (
        "kk label missing",
        lambda d: _item(d, 2, 4)["label"].pop("kk"),
        "phases[2].items[4] (VOT05): label 'kk' is missing",
    ),
    (
        "ru label empty",
        lambda d: _item(d, 1, 1)["label"].update(ru="  "),
        "phases[1].items[1] (OPN02): label 'ru' is empty",
    ),
    (
        "label extra language",
        lambda d: d["phases"][0]["label"].update(de="Ankunft"),
        "phases[0] (arrival): label has an unsupported language 'de'",
    ),
    (
        "duplicate item id",
        lambda d: _item(d, 2, 1).update(id="VOT01"),
        "phases[2].items[1] (VOT01): the id 'VOT01' is used twice",
    ),
    (
        "item id of another phase",
        lambda d: _item(d, 2, 1).update(id="ARR09"),
        "phases[2].items[1] (ARR09): the id must start with the phase code VOT",
    ),
    (
        "malformed item id",
        lambda d: _item(d, 0, 0).update(id="arrival-time"),
        "phases[0].items[0]: 'id' is missing or malformed",
    ),
    (
        "unknown answer type",
        lambda d: _item(d, 1, 3).update(type="number"),
        "phases[1].items[3] (OPN04): unknown answer type 'number'",
    ),
    (
        "choice item without choices",
        lambda d: _item(d, 3, 7).pop("choices"),
        "phases[3].items[7] (CNT08): a single_choice item needs 'choices'",
    ),
    (
        "choices on a yes/no item",
        lambda d: _item(d, 1, 1).update(choices=_item(d, 3, 7)["choices"]),
        "phases[1].items[1] (OPN02): a yes_no_dk item takes no 'choices'",
    ),
    (
        "single choice",
        lambda d: _item(d, 3, 7).update(choices=_item(d, 3, 7)["choices"][:1]),
        "phases[3].items[7] (CNT08): a choice item needs at least two choices",
    ),
    (
        "duplicate choice",
        lambda d: _item(d, 3, 7)["choices"][1].update(id="given"),
        "phases[3].items[7] (CNT08).choices[1] (given): the id 'given' is used twice",
    ),
    (
        "choice label missing",
        lambda d: _item(d, 0, 3)["choices"][2]["label"].pop("ru"),
        "phases[0].items[3] (ARR04).choices[2] (candidate_proxies): label 'ru' is missing",
    ),
    (
        "exclusive on single choice",
        lambda d: _item(d, 3, 7)["choices"][0].update(exclusive=True),
        "'exclusive' is only for multiple-choice items",
    ),
    (
        "concern_when unknown value",
        lambda d: _item(d, 2, 5).update(concern_when=["maybe"]),
        "phases[2].items[5] (VOT06): 'concern_when' names 'maybe'",
    ),
    (
        "concern_when on a time item",
        lambda d: _item(d, 0, 0).update(concern_when=["yes"]),
        "phases[0].items[0] (ARR01): 'concern_when' needs an item with a fixed set of answers",
    ),
    (
        "concern_above on a yes/no item",
        lambda d: _item(d, 2, 5).update(concern_above=0),
        "phases[2].items[5] (VOT06): 'concern_above' is only for integer items",
    ),
    (
        "negative concern_above",
        lambda d: _item(d, 2, 4).update(concern_above=-1),
        "phases[2].items[4] (VOT05): 'concern_above' must be a whole number",
    ),
    (
        "typo in a key",
        lambda d: _item(d, 2, 5).update(concern_whne=["yes"]),
        "phases[2].items[5] (VOT06): unknown key 'concern_whne'",
    ),
    (
        "duplicate phase code",
        lambda d: d["phases"][1].update(code="ARR"),
        "phases[1] (opening): the id 'ARR' is used twice",
    ),
    (
        "empty phase",
        lambda d: d["phases"][4].update(items=[]),
        "phases[4] (tabulation).items: must be a non-empty list",
    ),
    (
        "rule with unknown field",
        lambda d: d["protocol"]["rules"][2]["rhs"].append("P99"),
        "protocol.rules[2] (ballot_balance).rhs: unknown protocol field 'P99'",
    ),
    (
        "rule with a family field without [*]",
        lambda d: d["protocol"]["rules"][4].update(rhs=["P11", "P12"]),
        "protocol.rules[4] (valid_sum).rhs: 'P11' exists per candidate: write 'P11[*]'",
    ),
    (
        "rule with wildcard on a plain field",
        lambda d: d["protocol"]["rules"][0].update(lhs=["P1[*]"]),
        "protocol.rules[0] (list_total).lhs: unknown protocol field 'P1[*]'",
    ),
    (
        "rule with bad operator",
        lambda d: d["protocol"]["rules"][5].update(op="<"),
        "protocol.rules[5] (mobile_le_outside): 'op' must be one of ==, <=",
    ),
    (
        "duplicate rule id",
        lambda d: d["protocol"]["rules"][1].update(id="list_total"),
        "protocol.rules[1] (list_total): the id 'list_total' is used twice",
    ),
    (
        "turnout with unknown field",
        lambda d: d["protocol"]["turnout"].update(denominator=["P0"]),
        "protocol.turnout.denominator: unknown protocol field 'P0'",
    ),
    (
        "field condition unknown",
        lambda d: d["protocol"]["fields"][13].update(requires="none_of_the_above"),
        "protocol.fields[13] (P12): 'requires' must be one of against_all",
    ),
    (
        "duplicate field",
        lambda d: d["protocol"]["fields"][2].update(id="P1a"),
        "protocol.fields[2] (P1a): the id 'P1a' is used twice",
    ),
    (
        "category with unknown severity",
        lambda d: d["incident_categories"][3].update(default_severity="severe"),
        "incident_categories[3] (ballots_exceed_voters): 'default_severity' must be one of",
    ),
    (
        "duplicate category",
        lambda d: d["incident_categories"][19].update(id="sealing"),
        "incident_categories[19] (sealing): the id 'sealing' is used twice",
    ),
    (
        "vocabulary reordered",
        lambda d: d["vocabularies"]["severity"].reverse(),
        "vocabularies.severity: the ids must be exactly critical, high, medium, low",
    ),
    (
        "vocabulary missing",
        lambda d: d["vocabularies"].pop("seen"),
        "vocabularies: 'seen' is missing",
    ),
    (
        "media use extra",
        lambda d: d["media_uses"].append(
            {"id": "training", "label": {"en": "Training", "ru": "Обучение", "kk": "Оқыту"}}
        ),
        "media_uses: the ids must be exactly internal, complaint, publication",
    ),
    (
        "consent state missing",
        lambda d: d["consent_states"].pop(6),
        "consent_states: missing states: minor",
    ),
    (
        "consent state unknown",
        lambda d: d["consent_states"][0].update(id="implied"),
        "consent_states[0] (implied): unknown consent state",
    ),
    (
        "consent system_only contradicts the rules",
        lambda d: d["consent_states"][9].update(system_only=False),
        "consent_states[9] (anonymised): 'system_only' contradicts the consent rules",
    ),
    (
        "consent system_only not a boolean",
        lambda d: d["consent_states"][1].update(system_only="no"),
        "consent_states[1] (not_asked): 'system_only' must be true or false",
    ),
    (
        "unknown time zone",
        lambda d: d["time_zones"]["allowed"].append("Asia/Nowhere"),
        "time_zones.allowed[7]: 'Asia/Nowhere' is not a known IANA time zone",
    ),
    (
        "default zone not allowed",
        lambda d: d["time_zones"].update(default="Asia/Tashkent"),
        "time_zones.default: must be one of the allowed zones",
    ),
    (
        "region zone not allowed",
        lambda d: d["regions"][0].update(zone="Europe/Moscow"),
        "regions[0] (abai): 'zone' must be one of the allowed time zones",
    ),
    (
        "region kind",
        lambda d: d["regions"][17].update(kind="capital"),
        "regions[17] (astana): 'kind' must be region or city",
    ),
    (
        "top-level key missing",
        lambda d: d.pop("regions"),
        "catalogue: 'regions' is missing",
    ),
    (
        "bad framework date",
        lambda d: d.update(legal_framework_date="5 Nov 2022"),
        "catalogue: 'legal_framework_date' must be a date",
    ),
    (
        "empty catalogue version",
        lambda d: d.update(catalogue_version=""),
        "catalogue: 'catalogue_version' must be a non-empty text",
    ),
    (
        "format version not a number",
        lambda d: d.update(format_version="1"),
        "format_version: must be a positive whole number",
    ),
    (
        "format version zero",
        lambda d: d.update(format_version=0),
        "format_version: must be a positive whole number",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [(m, e) for _, m, e in BROKEN], ids=[n for n, _, _ in BROKEN]
)
def test_broken_catalogue_names_the_bad_entry(
    tmp_path: Path,
    document: dict[str, Any],
    mutate: Callable[[Any], object],
    expected: str,
) -> None:
    assert expected in _load_broken(tmp_path, document, mutate)


def test_unchanged_copy_loads(tmp_path: Path, document: dict[str, Any]) -> None:
    assert load_catalogue(_write(tmp_path, document)) == load_catalogue()


def test_newer_format_is_refused_clearly(tmp_path: Path, document: dict[str, Any]) -> None:
    def newer(doc: Any) -> None:
        doc["format_version"] = 2
        doc["phases"] = {"shape": "changed in version 2"}  # must not be what gets reported

    message = _load_broken(tmp_path, document, newer)
    assert "format version 2" in message
    assert "newer" in message
    assert "Update Observer Logbook" in message
    assert "phases" not in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="Cannot read the catalogue"):
        load_catalogue(tmp_path / "absent.json")


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_text('{\n  "format_version": 1,\n  oops\n}', encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"not valid JSON \(line 3"):
        load_catalogue(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    path.write_bytes('{"x": "Қ"}'.encode("utf-16"))
    with pytest.raises(CatalogueError, match="not UTF-8"):
        load_catalogue(path)


def test_repeated_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.json"
    text = default_catalogue_path().read_text(encoding="utf-8")
    text = text.replace('"format_version": 1,', '"format_version": 1, "format_version": 1,', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match="repeats the key 'format_version'"):
        load_catalogue(path)


def test_top_level_must_be_an_object(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="catalogue: must be an object"):
        load_catalogue(_write(tmp_path, [1, 2, 3]))
