"""The media members of a bundle, re-encrypted into staging blobs while they are hashed.

Runs either in the importing thread or in a worker thread of its own, so that the media (disk
and cipher bound) stream while the importing thread stores the events (database bound). It
never touches the database: the media already held are given to it up front, and the staging
blobs it wrote are handed back for the caller to record, or delete, after the whole bundle was
verified.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence

from observer_app.core.progress import Cancel
from observer_app.errors import OperationCancelled
from observer_app.handoff.bundle.manifest import MediaEntry
from observer_app.handoff.bundle.refusals import BundleRefused, Refusal, damaged
from observer_app.handoff.parts.tar_stream import ReceivedMember
from observer_app.i18n import _
from observer_app.vault.blobs import BlobStore, StoredBlob

HASH_CHUNK = 1024 * 1024


def next_member(members: Iterator[ReceivedMember], name: str) -> ReceivedMember:
    member = next(members, None)
    if member is None or member.name != name:
        raise damaged(_("bundle damaged: expected the member {name} here").format(name=name))
    return member


def wrong_media(entry: MediaEntry) -> BundleRefused:
    return BundleRefused(
        Refusal.WRONG_HASH,
        _("wrong hash: media {sha256} does not match the manifest").format(
            sha256=entry.sha256[:16]
        ),
    )


class MediaStager:
    """Reads the media members (the rest of the bundle) and stages the ones not held yet.

    After `run` (or `start` and `join`): `staged` lists the blobs written (also when it
    failed: the caller deletes them), `error` the exception that stopped it, if any.
    """

    def __init__(
        self,
        members: Iterator[ReceivedMember],
        media: Sequence[MediaEntry],
        blobs: BlobStore,
        held: set[str],
        cancel: Cancel | None,
    ) -> None:
        self._members = members
        self._media = tuple(media)
        self._blobs = blobs
        self._held = held
        self._cancel = cancel
        self._stop = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self.staged: list[StoredBlob] = []
        self.error: BaseException | None = None
        self.new_media = 0
        self.held_media = 0
        self.new_bytes = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="bundle-media", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask a running stager to give up at its next chunk (the importer failed)."""
        self._stop.set()

    def join(self) -> None:
        """Wait for the thread, even through Ctrl-C: a thread left running when the process
        exits leaves its half-written staging file behind. Ctrl-C stops the stager at its next
        chunk (which deletes that file), then is raised again once it has stopped."""
        if self._thread is None:
            return
        interrupted: KeyboardInterrupt | None = None
        while True:
            # The whole wait inside the try (Ctrl-C is raised at any bytecode), and on an event
            # of our own: Python 3.11 can mark a thread stopped when Ctrl-C interrupts its join.
            try:
                while not self._done.wait(0.1):
                    pass
                break
            except KeyboardInterrupt as error:
                self._stop.set()
                interrupted = error
        self._thread.join()  # it has finished its work; this only waits for it to exit
        if interrupted is not None:
            raise interrupted

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error

    def _cancelled(self) -> bool:
        return self._stop.is_set() or (self._cancel is not None and self._cancel())

    def run(self) -> None:
        try:
            self._run()
        finally:
            self._done.set()

    def _run(self) -> None:
        try:
            for entry in self._media:
                self._stage(entry, next_member(self._members, entry.member_name))
            if next(self._members, None) is not None:
                raise damaged(_("bundle damaged: members after the last media item"))
        except BaseException as error:  # handed to the importing thread
            self.error = error

    def _stage(self, entry: MediaEntry, member: ReceivedMember) -> None:
        if member.size != entry.size:
            raise wrong_media(entry)
        if entry.sha256 in self._held:
            digest, size = self._hash(member)
            if digest != entry.sha256 or size != entry.size:
                raise wrong_media(entry)
            self.held_media += 1
            return
        blob = self._blobs.write(member.stream, cancel=self._cancelled)
        self.staged.append(blob)
        if blob.sha256 != entry.sha256 or blob.size != entry.size:
            raise wrong_media(entry)
        self.new_media += 1
        self.new_bytes += blob.size

    def _hash(self, member: ReceivedMember) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        while chunk := member.stream.read(HASH_CHUNK):
            if self._cancelled():
                raise OperationCancelled(_("import cancelled"))
            digest.update(chunk)
            size += len(chunk)
        return digest.hexdigest(), size
