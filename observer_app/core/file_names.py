"""File names as text the vault can store and a terminal can show.

On Linux a file name is bytes; Python hands bytes that are not UTF-8 over as lone surrogates
(surrogateescape), which SQLite, JSON and the journal's canonical form cannot encode. The name
of an imported file is only metadata, so it is kept readable with those bytes replaced, while
the file itself is still opened by its real name.
"""

from __future__ import annotations


def readable_file_name(name: str) -> str:
    """`name` with every byte that is not UTF-8 replaced by U+FFFD (unchanged if it is UTF-8).

    Also the display rule for any text that may hold such a name (the CLI's output and error
    lines), so that a path is never shown as surrogate escapes like `\\udce9`."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that no undecodable byte could have produced
        raw = name.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")
