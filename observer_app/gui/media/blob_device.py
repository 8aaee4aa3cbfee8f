"""A read-only, random-access `QIODevice` over an encrypted blob, for Qt Multimedia's player.

`QMediaPlayer.setSourceDevice` plays from any seekable device; this one decrypts the chunks a
read touches through the session's `PlaybackReader`, so video and audio play (and seek) with no
plaintext temp file. Qt's FFmpeg backend calls `seek`, `readData` and `size` from its own
threads while the GUI thread may close the device, so the device keeps its own position under a
lock and reads with the reader's position-free `read_at` (itself thread-safe). It holds the
reader (and with it the blob key) it was given on the GUI thread and never touches the database.

Opened unbuffered: QIODevice's read-ahead buffer would hold plaintext that outlives `close` and
would be filled from whichever thread happens to read; the reader caches one chunk anyway.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QIODevice, QObject

from observer_app.errors import ObserverError
from observer_app.i18n import _
from observer_app.logbook.media import PlaybackReader


class BlobDevice(QIODevice):
    """Plays one media item's content; owns `reader` and closes it when the device closes."""

    def __init__(self, reader: PlaybackReader, parent: QObject | None = None) -> None:
        if parent is None:
            super().__init__()
        else:
            super().__init__(parent)
        self._reader = reader
        self._position = 0
        self._lock = threading.Lock()

    def open(self, mode: QIODevice.OpenModeFlag = QIODevice.OpenModeFlag.ReadOnly) -> bool:
        """Opens read-only and unbuffered whatever else is asked; writing is refused."""
        if mode & QIODevice.OpenModeFlag.WriteOnly:
            self.setErrorString(_("The media file can only be read."))
            return False
        if self._reader.closed:
            self.setErrorString(_("The media file is closed."))
            return False
        with self._lock:
            self._position = 0
        return super().open(QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Unbuffered)

    def isSequential(self) -> bool:
        return False

    def size(self) -> int:
        return self._reader.size

    def seek(self, pos: int) -> bool:
        if pos < 0 or pos > self._reader.size or not self.isOpen():
            return False
        with self._lock:
            self._position = pos
            return super().seek(pos)

    def atEnd(self) -> bool:
        with self._lock:
            return self._position >= self._reader.size

    def bytesAvailable(self) -> int:
        with self._lock:
            return max(0, self._reader.size - self._position)

    def readData(self, maxlen: int, /) -> bytes | None:
        """Called by QIODevice.read (on any thread); None tells Qt the read failed (-1)."""
        with self._lock:
            try:
                data = self._reader.read_at(self._position, max(0, maxlen))
            except ValueError:  # closed meanwhile by another thread
                return None
            except ObserverError as error:  # a damaged chunk: said, never played
                self.setErrorString(error.message)
                return None
            self._position += len(data)
            return data

    def writeData(self, data: bytes | bytearray | memoryview, len: int, /) -> int:
        return -1

    def close(self) -> None:
        """Closes the reader too: its file and its cached plaintext chunk go at once."""
        super().close()
        self._reader.close()
