"""Bundle parts on the stick: naming, durable writing with read-back, and reassembly.

A bundle is one age file cut into parts of at most `part_size` bytes; concatenating the parts in
order gives the age file back (`cat olb-<id>-*.age | age -d ...`). Nothing is added to the bytes,
so the stock `age` tool can open a bundle; everything a part name says is a random bundle id and
the part's place: `olb-<16 hex>-<index>-of-<count>.age` (three digits each).

While an export runs, parts exist only as `olb-<id>-<index>.partial`: each is fsynced, dropped
from the page cache and read back from the device to compare its CRC-32 with what was written.
Only when every part passed are they all renamed to their final names (which need the count) and
the folder fsynced, so an export that stops half-way, for whatever reason, leaves nothing that
looks like a whole bundle.

The work is split by responsibility: `part_names` (naming and finding), `part_writer` (the
export's sink), `read_back` (the uncached read-back I/O) and `part_layout` (ordering given files
and reading them as one stream). This module keeps the one import place the transport and the
command line use.
"""

from __future__ import annotations

from observer_app.handoff.part_layout import BundleLayout, PartsReader, order_parts
from observer_app.handoff.part_names import (
    MAX_PARTS,
    PART_NAME,
    PARTIAL_SUFFIX,
    PREFIX,
    PartName,
    find_bundle_parts,
    new_bundle_id,
    parse_part_name,
    part_name,
    partial_name,
)
from observer_app.handoff.part_writer import (
    Opener,
    PartWriter,
    TooManyParts,
    WriterStopped,
    fsync_directory,
    open_new_file,
)
from observer_app.handoff.read_back import (
    DIRECT_READ_CHUNK,
    READ_BACK_CHUNK,
    ReadBackMismatch,
    cached_blocks,
    read_ahead,
    read_back,
    read_direct,
)

__all__ = [
    "DIRECT_READ_CHUNK",
    "MAX_PARTS",
    "PARTIAL_SUFFIX",
    "PART_NAME",
    "PREFIX",
    "READ_BACK_CHUNK",
    "BundleLayout",
    "Opener",
    "PartName",
    "PartWriter",
    "PartsReader",
    "ReadBackMismatch",
    "TooManyParts",
    "WriterStopped",
    "find_bundle_parts",
    "fsync_directory",
    "new_bundle_id",
    "open_new_file",
    "order_parts",
    "parse_part_name",
    "part_name",
    "partial_name",
]

# The read-back steps under the names they had here before the split: the tests drive each I/O
# path (direct, read-ahead, cached) on its own through this module.
_read_back = read_back
_read_direct = read_direct
_cached_blocks = cached_blocks
_read_ahead = read_ahead
