"""The fixed vocabularies of media items, stored in events (a contract), defined once here.

`media` decides which kind a file is and how a copy is redacted; the event schemas check that
a peer's events use only these values. Both import them from here.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

MediaKind = Literal["photo", "video", "audio", "document", "other"]
MEDIA_KINDS: Final[tuple[MediaKind, ...]] = get_args(MediaKind)

RedactionStyle = Literal["fill", "blur", "pixelate"]
REDACTION_STYLES: Final[tuple[RedactionStyle, ...]] = get_args(RedactionStyle)

LINK_KINDS: Final = ("station", "incident", "protocol", "answer")
"""What a media item can be linked to (`{kind, ref}` in `media.added` and `media.linked`)."""
