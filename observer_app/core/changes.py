"""Change notifications: what a committed transaction recorded, told to plain callbacks.

Qt-free: a window adapts a subscriber to a signal. Events are staged while a transaction is open
and published only after it commits, as one batch per transaction (a multi-event service, a
bundle import); a rollback discards them, so a subscriber never hears of a write that did not
happen. Subscribers run on the thread that committed, in the order they subscribed; they must
not write to the vault from the callback. Every subscriber is called even when one raises; the
first error is raised again afterwards (the transaction is committed either way).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Change:
    """One committed event: its type, feed and seq, the station it names, the records it
    creates or changes (ids)."""

    event_type: str
    feed: str
    seq: int
    station: str | None
    records: tuple[str, ...]


Subscriber = Callable[[Sequence[Change]], None]


class ChangeNotifier:
    """Subscribers, and the changes of the transaction that is open now."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._pending: list[Change] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call `subscriber(changes)` after each commit; returns the function that unsubscribes."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    @property
    def has_subscribers(self) -> bool:
        """Whether staging is worth it: nobody listening, nothing is kept (a large import)."""
        return bool(self._subscribers)

    def stage(self, change: Change) -> None:
        """Remember a change of the open transaction (not told to anyone yet)."""
        self._pending.append(change)

    def transaction_ended(self, committed: bool) -> None:
        """Publish the staged changes if the transaction committed; drop them either way."""
        changes, self._pending = tuple(self._pending), []
        if not committed or not changes:
            return
        first: BaseException | None = None
        for subscriber in list(self._subscribers):
            try:
                subscriber(changes)
            except Exception as error:  # the others must still hear of the commit
                first = first or error
        if first is not None:
            raise first
