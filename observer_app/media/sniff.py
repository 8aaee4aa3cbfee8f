"""Recognise a media file's type from its first bytes, and sort types into kinds.

The first bytes decide because observers' files arrive from phones and cameras with wrong or
missing extensions (``IMG_0001`` copied from a phone, a ``.jpg`` that is really a HEIC); the
extension is only a fallback. The MIME type goes into the journal, so the answer must be
deterministic: the fallback table is built in, never read from the system's ``mime.types``.
"""

from __future__ import annotations

import mimetypes
from typing import Final

from observer_app.core.media_terms import MediaKind

#: How many leading bytes `sniff_mime` looks at; callers should pass at least this many.
SNIFF_BYTES: Final = 64

OCTET_STREAM: Final = "application/octet-stream"

# ISO base media file format (MP4, MOV, HEIF, M4A, 3GP): brands found after ``ftyp``.
_FTYP_BRANDS: Final[dict[bytes, str]] = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"heim": "image/heic",
    b"heis": "image/heic",
    b"hevc": "image/heic-sequence",
    b"hevx": "image/heic-sequence",
    b"mif1": "image/heif",
    b"msf1": "image/heif-sequence",
    b"avif": "image/avif",
    b"avis": "image/avif",
    b"crx ": "image/x-canon-cr3",
    b"M4A ": "audio/mp4",
    b"M4B ": "audio/mp4",
    b"M4P ": "audio/mp4",
    b"F4A ": "audio/mp4",
    b"qt  ": "video/quicktime",
    b"3gp4": "video/3gpp",
    b"3gp5": "video/3gpp",
    b"3gp6": "video/3gpp",
    b"3gs7": "video/3gpp",
    b"3g2a": "video/3gpp2",
    b"isom": "video/mp4",
    b"iso2": "video/mp4",
    b"iso4": "video/mp4",
    b"iso5": "video/mp4",
    b"iso6": "video/mp4",
    b"mp41": "video/mp4",
    b"mp42": "video/mp4",
    b"avc1": "video/mp4",
    b"dash": "video/mp4",
    b"M4V ": "video/mp4",
    b"MSNV": "video/mp4",
    b"f4v ": "video/mp4",
}

# Extensions the standard library's built-in table lacks or gets wrong for our purpose.
_EXTENSIONS: Final[dict[str, str]] = {
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".hif": "image/heif",
    ".avif": "image/avif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".dng": "image/x-adobe-dng",
    ".pdf": "application/pdf",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".3gp": "video/3gpp",
    ".mkv": "video/x-matroska",
    ".webm": "video/webm",
    ".avi": "video/x-msvideo",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".amr": "audio/amr",
    ".txt": "text/plain",
}

_DOCUMENT_TYPES: Final = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/rtf",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel",
        "image/svg+xml",
    }
)

# Only the standard library's built-in table: deterministic on every platform.
_BUILTIN_TYPES: Final = mimetypes.MimeTypes(filenames=())


def sniff_mime(head: bytes, filename: str) -> str:
    """The MIME type of a file from its first bytes (`SNIFF_BYTES` or more), else its name."""
    found = _from_magic(head)
    if found is not None:
        return found
    return _from_extension(filename)


def media_kind(mime: str) -> MediaKind:
    """Which kind of item a MIME type makes; decides thumbnails, metadata and export rules."""
    mime = mime.lower()
    if mime in _DOCUMENT_TYPES or mime.startswith("text/"):
        return "document"
    if mime.startswith("image/"):
        return "photo"
    if mime.startswith("video/"):
        return "video"
    if mime.startswith("audio/"):
        return "audio"
    return "other"


def _from_magic(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"RIFF") and len(head) >= 12:
        return {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}.get(
            head[8:12]
        )
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return _from_ftyp(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm" if b"webm" in head[:64] else "video/x-matroska"
    if head.startswith(b"OggS"):
        return "video/ogg" if b"theora" in head[:64] else "audio/ogg"
    if head.startswith(b"fLaC"):
        return "audio/flac"
    if head.startswith(b"#!AMR-WB\n"):
        return "audio/amr-wb"
    if head.startswith(b"#!AMR\n"):
        return "audio/amr"
    if head.startswith(b"ID3"):
        return "audio/mpeg"
    return _from_mpeg_sync(head)


def _from_ftyp(head: bytes) -> str | None:
    """A still-image brand anywhere wins (Samsung's HEIC has major brand ``mif1``, compatible
    ``heic``); otherwise the major brand, then the compatible brands that fit in `head`."""
    size = int.from_bytes(head[0:4], "big")
    end = min(len(head), size) if size >= 16 else 16
    brands = [head[8:12]] + [head[i : i + 4] for i in range(16, end - 3, 4)]
    for brand in brands:
        found = _FTYP_BRANDS.get(brand)
        if found in ("image/heic", "image/avif"):
            return found
    for brand in brands:
        found = _FTYP_BRANDS.get(brand)
        if found is not None:
            return found
    return "video/mp4"


def _from_mpeg_sync(head: bytes) -> str | None:
    """An MPEG audio frame header without an ID3 tag: MP3 (layer set) or ADTS AAC (layer 0)."""
    if len(head) < 4 or head[0] != 0xFF or (head[1] & 0xE0) != 0xE0:
        return None
    version = (head[1] >> 3) & 0x03
    layer = (head[1] >> 1) & 0x03
    if layer == 0:
        return "audio/aac" if (head[1] & 0xF6) == 0xF0 else None
    bitrate_index = head[2] >> 4
    sample_rate_index = (head[2] >> 2) & 0x03
    if version == 1 or bitrate_index in (0, 15) or sample_rate_index == 3:
        return None
    return "audio/mpeg"


def _from_extension(filename: str) -> str:
    dot = filename.rfind(".")
    extension = filename[dot:].lower() if dot >= 0 else ""
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension]
    guessed, _encoding = _BUILTIN_TYPES.guess_type("file" + extension, strict=True)
    return guessed or OCTET_STREAM
