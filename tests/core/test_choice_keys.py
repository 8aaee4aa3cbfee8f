"""Choice keys never collide, in any language of the catalogue."""

from __future__ import annotations

from observer_app.core.catalogue import load_catalogue
from observer_app.core.choice_keys import choice_keys


def test_no_and_dont_know_get_different_keys() -> None:
    assert choice_keys(["Да", "Нет", "Не знаю"]) == ["д", "н", "е"]


def test_every_enumerated_item_in_every_language_has_distinct_keys_from_its_labels() -> None:
    catalogue = load_catalogue()
    checked = 0
    for item in catalogue.items():
        if not item.choices:
            continue
        for language in ("en", "ru", "kk"):
            labels = [choice.label.get(language) for choice in item.choices]
            keys = choice_keys(labels)
            assert len(set(keys)) == len(keys), (item.id, language, keys)
            for key, label in zip(keys, labels, strict=True):
                assert key in label.lower() or key.isdigit(), (item.id, key, label)
            checked += 1
    assert checked > 30
