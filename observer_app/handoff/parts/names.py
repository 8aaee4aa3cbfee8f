"""Bundle part names: what a part of a bundle is called on the stick, and finding them there.

A bundle is one age file cut into parts; everything a part name says is a random bundle id and
the part's place: `olb-<16 hex>-<index>-of-<count>.age` (three digits each, hence MAX_PARTS).
While an export runs, parts exist only as `olb-<id>-<index>.partial`. The names are a convenience
for finding and ordering parts, never a proof of anything (age authenticates the bytes), so they
are kept apart from the writing and reading code that both rely on them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

PREFIX = "olb"
MAX_PARTS = 999
PART_NAME = re.compile(r"^olb-(?P<id>[0-9a-f]{16})-(?P<index>\d{3})-of-(?P<total>\d{3})\.age$")
PARTIAL_SUFFIX = ".partial"


def new_bundle_id() -> str:
    return secrets.token_hex(8)


def part_name(bundle_id: str, index: int, total: int) -> str:
    return f"{PREFIX}-{bundle_id}-{index:03d}-of-{total:03d}.age"


def partial_name(bundle_id: str, index: int) -> str:
    return f"{PREFIX}-{bundle_id}-{index:03d}{PARTIAL_SUFFIX}"


@dataclass(frozen=True)
class PartName:
    bundle_id: str
    index: int
    total: int


def parse_part_name(name: str) -> PartName | None:
    match = PART_NAME.match(name)
    if match is None:
        return None
    index, total = int(match["index"]), int(match["total"])
    if not 1 <= index <= total:
        return None
    return PartName(match["id"], index, total)


def find_bundle_parts(folder: Path) -> dict[str, list[Path]]:
    """The bundle parts in `folder`, grouped by bundle id, each group in part order."""
    groups: dict[str, list[tuple[int, Path]]] = {}
    for path in folder.iterdir():
        name = parse_part_name(path.name)
        if name is not None and path.is_file():
            groups.setdefault(name.bundle_id, []).append((name.index, path))
    return {bundle: [path for _index, path in sorted(found)] for bundle, found in groups.items()}
