"""Paths of files and folders dropped on a window, by their real bytes.

A file manager sends `file://` URLs, percent-encoded. Qt's `toLocalFile()` decodes them as UTF-8
and turns bytes that are not UTF-8 (an old camera's or Windows' names) into U+FFFD, a path that
does not exist; decoding the encoded path to bytes here keeps the name openable.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote_to_bytes

from PySide6.QtCore import QMimeData, QUrl


def dropped_paths(data: QMimeData) -> list[Path]:
    """The local files and folders in a drop (other URLs ignored)."""
    paths: list[Path] = []
    for url in data.urls() if data.hasUrls() else []:
        if not url.isLocalFile():
            continue
        raw = unquote_to_bytes(url.path(QUrl.ComponentFormattingOption.FullyEncoded))
        paths.append(Path(os.fsdecode(raw)))
    return paths


def file_urls(paths: list[Path]) -> QMimeData:
    """A drop's data for `paths` (what a file manager sends; the tests drop with it too)."""
    data = QMimeData()
    data.setUrls([QUrl.fromEncoded(Path(p).absolute().as_uri().encode("ascii")) for p in paths])
    return data
