from __future__ import annotations

import pytest

from observer_app.core.catalogue import Catalogue
from observer_app.errors import UsageError
from observer_app.logbook import incidents, notes, search, stations
from observer_app.logbook.incidents import IncidentChanges
from observer_app.logbook.session import LogbookSession


def _found(session: LogbookSession, text: str) -> set[tuple[str, str]]:
    return {(hit.kind, hit.ref) for hit in search.search(session, text)}


def test_kazakh_cyrillic_and_latin_are_case_insensitive(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    kazakh = incidents.add_incident(day, catalogue, "101", "other", "қазақ тілінде жазылған хат")
    russian = incidents.add_incident(day, catalogue, "101", "other", "ВБРОС бюллетеней")
    latin = incidents.add_incident(day, catalogue, "101", "other", "Ballot Stuffing seen")
    assert _found(day, "ҚАЗАҚ") == {("incident", kazakh)}
    assert _found(day, "Тілінде") == {("incident", kazakh)}
    assert _found(day, "вброс") == {("incident", russian)}
    assert _found(day, "БЮЛЛЕТЕНЕЙ") == {("incident", russian)}
    assert _found(day, "STUFFING ballot") == {("incident", latin)}
    # й and и, ё and е stay different letters (no diacritics folding).
    yoshkar = incidents.add_incident(day, catalogue, "101", "other", "Йошкар-Ола, ёлка")
    assert _found(day, "йошкар") == {("incident", yoshkar)}
    assert _found(day, "иошкар") == set() and _found(day, "елка") == set()


def test_words_match_inside_words_and_all_must_occur(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    incident_id = incidents.add_incident(day, catalogue, "101", "other", "Сайлау учаскесінде кезек")
    assert _found(day, "учаске") == {("incident", incident_id)}
    assert _found(day, "учаске кезек") == {("incident", incident_id)}
    assert _found(day, "учаске автобус") == set()
    assert _found(day, "ЧАСКЕСІ") == {("incident", incident_id)}
    # Words under 3 letters cannot be looked up in a trigram index: they are left out.
    assert _found(day, "в учаске") == {("incident", incident_id)}


def test_notes_station_names_and_people_are_indexed(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    note_id = notes.add_note(day, "Очередь у входа, Ақмола", "101")
    station = stations.require_station(day, "AKT-7")
    witnessed = incidents.add_incident(
        day, catalogue, "101", "other", "x", witnesses=["Гүлнар Садықова"]
    )
    assert _found(day, "очередь") == {("note", note_id)}
    assert _found(day, "мектебі") == {("station", station.id)}
    assert _found(day, "садықова") == {("incident", witnessed)}
    hits = search.search(day, "очередь")
    assert hits[0].station == "101" and "[Очередь]" in hits[0].snippet


def test_amendments_reindex_and_voids_are_flagged(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    incident_id = incidents.add_incident(day, catalogue, "101", "other", "первая версия")
    incidents.amend_incident(day, catalogue, incident_id, IncidentChanges(text="вторая редакция"))
    assert _found(day, "первая") == set()
    assert _found(day, "редакция") == {("incident", incident_id)}
    note_id = notes.add_note(day, "старый текст")
    notes.amend_note(day, note_id, "новый текст")
    assert _found(day, "старый") == set() and _found(day, "новый") == {("note", note_id)}
    incidents.void_incident(day, incident_id, "ошибка")
    [hit] = search.search(day, "редакция")
    assert hit.voided


@pytest.mark.parametrize("text", ['"', "AND", "a*b", "NEAR(", "-x", "col:x", "(", "^"])
def test_query_syntax_in_user_text_is_harmless(
    day: LogbookSession, catalogue: Catalogue, text: str
) -> None:
    incident_id = incidents.add_incident(day, catalogue, "101", "other", "AND x a b col near")
    assert _found(day, f"{text} col") == {("incident", incident_id)}
    search.search(day, f"{text}col")


def test_empty_search_is_a_usage_error(day: LogbookSession) -> None:
    for text in (" !? ", "в и"):
        with pytest.raises(UsageError):
            search.search(day, text)


# Acceptance: a query finds the record whose text holds another form of the word (both ways),
# and a category's name in any language finds an incident of that category whatever its text.
FORMS = [
    ("бюллетень", "Испорчено пять бюллетеней"),
    ("бюллетеней", "Лишний бюллетень в урне"),
    ("вброс", "Они вбросили пачку"),
    ("вбросили", "Замечен вброс"),
    ("жәшік", "Бюллетеньдерді жәшікке салды"),
    ("жәшікке", "Мөрсіз жәшік тұр"),
    ("жәшік", "Жәшігі ашық қалды"),
    ("наблюдатель", "Удалили наблюдателей из зала"),
    ("наблюдателей", "Наблюдатель не допущен"),
    ("сайлаушылардың", "Сайлаушылар кезекте тұр"),
    ("observers", "The observer was removed"),
]


@pytest.mark.parametrize(("query", "text"), FORMS)
def test_a_word_finds_its_other_forms(
    day: LogbookSession, catalogue: Catalogue, query: str, text: str
) -> None:
    wanted = incidents.add_incident(day, catalogue, "101", "other", text)
    incidents.add_incident(day, catalogue, "101", "other", "Очередь у входа, всё спокойно")
    assert _found(day, query) == {("incident", wanted)}


@pytest.mark.parametrize(
    "query", ["ballot stuffing", "stuffing", "Вброс бюллетеней", "вброс", "жәшікке заңсыз салу"]
)
def test_category_names_in_each_language_find_incidents(
    day: LogbookSession, catalogue: Catalogue, query: str
) -> None:
    stuffed = incidents.add_incident(day, catalogue, "101", "ballot_stuffing", "Пачка в урне")
    incidents.add_incident(day, catalogue, "101", "other", "Очередь у входа")
    assert _found(day, query) == {("incident", stuffed)}
    # A category word combines with a text word: both must be found.
    assert _found(day, f"{query} пачка") == {("incident", stuffed)}
    assert _found(day, f"{query} очередь") == set()


def test_snippets_show_whole_words_around_the_hit(
    day: LogbookSession, catalogue: Catalogue
) -> None:
    text = (
        "В начале дня всё было спокойно, но к вечеру в урне нашли сорок лишних бюллетеней и печать"
    )
    incidents.add_incident(day, catalogue, "101", "other", text)
    [hit] = search.search(day, "бюллетень")
    # Five whole words before the hit, the rest after it; never a cut word ("…ллетене…").
    assert hit.snippet == "…в урне нашли сорок лишних [бюллетеней] и печать"
