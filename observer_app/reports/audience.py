"""Who a report is for decides what it may show: the audience rules, applied in one place.

`public` goes to the press: only media whose consent allows publication (or anonymised copies
made from them), no GPS positions, no original file names or consent notes, and no names of
private persons (witnesses and persons named in incidents become "witness 1", "person 1").
`complaint` goes to an election commission and `internal` to the organisation: they carry all
the evidence, because an original may always serve a complaint or the organisation's own work
(`core.consent`). The builder asks this module; it never decides on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from observer_app.core.audience import Audience
from observer_app.core.consent import ConsentState, MediaUse, may_use


@dataclass(frozen=True)
class AudiencePolicy:
    audience: Audience
    media_use: MediaUse
    show_gps: bool
    pseudonymise: bool
    # Original file names and consent notes often carry names ("ivanova_consent.jpg").
    show_media_details: bool
    # The JSON attachment holds the full signed events (else only their hashes).
    full_events: bool
    # The coordinator's assessments (incident status, follow-up, note; figures checked
    # against the paper): the organisation's own working judgement, for its internal reports.
    show_annotations: bool = False


def policy_for(audience: Audience) -> AudiencePolicy:
    if audience is Audience.PUBLIC:
        return AudiencePolicy(audience, MediaUse.PUBLICATION, False, True, False, False)
    if audience is Audience.COMPLAINT:
        return AudiencePolicy(audience, MediaUse.COMPLAINT, True, False, True, True)
    return AudiencePolicy(audience, MediaUse.INTERNAL, True, False, True, True, True)


class MediaFacts(Protocol):
    """What the rules need to know about a media item (the vault's `MediaItem` fits)."""

    @property
    def id(self) -> str: ...
    @property
    def consent(self) -> str: ...
    @property
    def derived_from(self) -> str | None: ...
    @property
    def purged(self) -> bool: ...


MediaT = TypeVar("MediaT", bound=MediaFacts)

# Reason codes of withheld items; language-neutral in the JSON, translated in the PDF.
WITHHELD_CONSENT = "consent_forbids_publication"
WITHHELD_PURGED = "content_purged"


@dataclass(frozen=True)
class Withheld:
    """An item left out of the report by the audience rules: its id and why, nothing else."""

    id: str
    kind: str
    reason: str
    consent: str | None = None
    replaced_by: str | None = None  # the anonymised copy shown instead, if any

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "reason": self.reason,
            "consent": self.consent,
            "replaced_by": self.replaced_by,
        }


def media_allowed(item: MediaFacts, policy: AudiencePolicy) -> str | None:
    """None when the item may appear in a report for this audience, else a reason code."""
    if policy.media_use is not MediaUse.PUBLICATION:
        return None
    try:
        state = ConsentState(item.consent)
    except ValueError:  # a state from a newer program: not known to be publishable
        return WITHHELD_CONSENT
    if not may_use(state, MediaUse.PUBLICATION, is_derivative=item.derived_from is not None):
        return WITHHELD_CONSENT
    if item.purged:
        return WITHHELD_PURGED
    return None


def split_media(
    items: Sequence[MediaT], policy: AudiencePolicy
) -> tuple[list[MediaT], list[Withheld]]:
    """The items the audience may see, and the ones withheld (id and reason only)."""
    shown: list[MediaT] = []
    withheld: list[Withheld] = []
    reason_of = {item.id: media_allowed(item, policy) for item in items}
    copies: dict[str, str] = {}
    for item in items:
        if item.derived_from is not None and reason_of[item.id] is None:
            copies.setdefault(item.derived_from, item.id)
    for item in items:
        reason = reason_of[item.id]
        if reason is None:
            shown.append(item)
        else:
            withheld.append(
                Withheld(item.id, "media", reason, item.consent, replaced_by=copies.get(item.id))
            )
    return shown, withheld


class Pseudonyms:
    """Stable stand-ins for the names of private persons within one report.

    Each distinct name (compared without case and extra spaces) gets one label, numbered in the
    order first met, by role: "witness 1", "person 2". `scrub` replaces the known names where
    free text repeats them, and then each word of such a name on its own (a surname mentioned
    alone); over-replacing a common word is the lesser harm next to exposing a witness.
    """

    def __init__(self, witness_label: str, person_label: str) -> None:
        self._templates = {"witness": witness_label, "person": person_label}
        self._labels: dict[str, str] = {}
        self._counts = {"witness": 0, "person": 0}
        self._pattern: re.Pattern[str] | None = None
        self._by_token: dict[str, str] = {}

    def add(self, names: Iterable[str], role: str) -> None:
        for name in names:
            key = _key(name)
            if key and key not in self._labels:
                self._counts[role] += 1
                self._labels[key] = self._templates[role].format(number=self._counts[role])
                self._pattern = None

    def add_named(self, name: str, label: str) -> None:
        """A name with a stand-in of its own (an observer's pseudonym), unless already known."""
        key = _key(name)
        if key and key not in self._labels:
            self._labels[key] = label
            self._pattern = None

    def label(self, name: str) -> str:
        return self._labels.get(_key(name), self._templates["person"].format(number=0))

    def labels(self, names: Iterable[str]) -> list[str]:
        return [self.label(name) for name in names]

    def scrub(self, text: str) -> str:
        if not self._labels:
            return text
        pattern = self._compiled()
        return pattern.sub(lambda match: self._by_token[_key(match[0])], text)

    def _compiled(self) -> re.Pattern[str]:
        if self._pattern is None:
            by_token: dict[str, str] = dict(self._labels)
            for key, label in self._labels.items():
                for word in key.split(" "):
                    if len(word) >= 3:
                        by_token.setdefault(word, label)
            self._by_token = by_token
            alternatives = sorted(by_token, key=len, reverse=True)
            # Whole names may contain spaces: match any run of whitespace between their words.
            parts = [
                r"\s+".join(re.escape(word) for word in alt.split(" ")) for alt in alternatives
            ]
            self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)
        return self._pattern


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()
