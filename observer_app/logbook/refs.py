"""Records named as people type them: a short reference (`I-12`, `I-12@Ержан`) or an id prefix.

Every command and the coming window that take a record's id go through `resolve_record`, so a
reference works wherever an id does. Listings label records with `record_labels`, which adds
the author's name only where the vault holds several authors' records (a coordinator's).
"""

from __future__ import annotations

from collections.abc import Iterable

from observer_app.core.fingerprint import format_fingerprint
from observer_app.core.ids import match_prefix
from observer_app.core.refs import REF_KINDS, ShortRef, parse_ref, with_author
from observer_app.errors import UsageError
from observer_app.i18n import _
from observer_app.logbook.session import LogbookSession
from observer_app.vault.connection import Connection
from observer_app.vault.queries import refs as queries
from observer_app.vault.queries.refs import RefHolder


def _is_author(holder: RefHolder, author: str) -> bool:
    """The typed author is the holder's name (any case) or the start of its fingerprint."""
    wanted = author.casefold()
    digits = "".join(author.split()).lower()
    name = (holder.author or "").casefold()
    return wanted == name or (len(digits) >= 4 and holder.feed.startswith(digits))


def _of_author(holders: list[RefHolder], author: str) -> list[RefHolder]:
    """The holders `@author` means: the name in full (any case) or a fingerprint's start, else
    an unambiguous part of the name, as `--observer` takes it (several authors matching a part
    is a usage error naming them)."""
    exact = [h for h in holders if _is_author(h, author)]
    if exact:
        return exact
    wanted = " ".join(author.split())
    folded = wanted.casefold()
    parts = [h for h in holders if folded and folded in (h.author or "").casefold()]
    if len({h.feed for h in parts}) > 1:
        choices = "; ".join(
            f"{_holder_label(h)} ({format_fingerprint(h.feed, short=True)})" for h in parts
        )
        raise UsageError(
            _("Several people match {observer}: {choices}").format(observer=wanted, choices=choices)
        )
    return parts


def _holder_label(holder: RefHolder) -> str:
    return holder.author or holder.feed[:16]


def _by_ref(session: LogbookSession, ref: ShortRef, typed: str, candidates: set[str]) -> str:
    holders = [
        h
        for h in queries.records_with_ref(session.conn, ref.letter, ref.number)
        if h.id in candidates
    ]
    if ref.author is not None:
        holders = _of_author(holders, ref.author)
    if not holders:
        # The whole reference as typed: `I-1@Айгерим` is not `I-1`.
        raise UsageError(_("No record has the reference {ref}.").format(ref=typed.strip()))
    if len(holders) > 1:
        own = [h for h in holders if h.feed == session.identity.feed]
        choices = ", ".join(with_author(ref.text, _holder_label(h)) for h in holders)
        raise UsageError(
            _(
                "Several authors have a record {ref}: {choices}. Add the author after @, "
                "as in {example}."
            ).format(
                ref=ref.text,
                choices=choices,
                example=with_author(ref.text, _holder_label(own[0] if own else holders[0])),
            )
        )
    return holders[0].id


def resolve_record(
    session: LogbookSession, typed: str, kind: str, candidates: Iterable[str]
) -> str:
    """The full id of the `kind` record that `typed` names: its reference or a unique id
    prefix of 8+ characters, among `candidates` (the ids the command may act on)."""
    ids = set(candidates)
    ref = parse_ref(typed)
    if ref is None:
        return match_prefix(typed, ids)
    if ref.letter != REF_KINDS[kind]:
        raise UsageError(
            _(
                "{ref} is not a reference of this kind of record; these start with {letter}-."
            ).format(ref=typed.strip(), letter=REF_KINDS[kind])
        )
    return _by_ref(session, ref, typed, ids)


def labels_for(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    """Record id -> `I-12`, or `I-12@Ержан Нурланов` when several authors' records are held
    (the one rule for every listing, the timeline and the reports)."""
    refs = queries.refs_of(conn, ids)
    if not refs:
        return {}
    several = queries.several_feeds_with_records(conn)
    return {i: with_author(ref, author if several else None) for i, (ref, author) in refs.items()}


def record_labels(session: LogbookSession, ids: Iterable[str]) -> dict[str, str]:
    """Record id -> its label (`labels_for` over the session's vault)."""
    return labels_for(session.conn, ids)


def record_label(session: LogbookSession, record_id: str) -> str:
    """One record's label (`I-12`); its short id if it has no reference."""
    return record_labels(session, [record_id]).get(record_id, record_id[:13])
