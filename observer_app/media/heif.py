"""HEIF / HEIC / AVIF photos, readable even where Pillow has no HEIF decoder.

An iPhone photo's evidence is its capture time, camera and position, and those sit in an EXIF
item inside the ISO box tree, not in the compressed pixels. So when no Pillow plug-in can open
the file, this finds the primary item's size and rotation (``iprp``) and the EXIF item's bytes
(``iinf`` + ``iloc``) by walking the boxes, and still reports `ERROR_NO_DECODER` so the caller
knows the picture itself cannot be shown.
"""

from __future__ import annotations

import struct

from PIL import Image

from observer_app.media.container_io import (
    MAX_ENTRIES,
    Box,
    Budget,
    ByteReader,
    SeekableStream,
    read_at,
    stream_length,
)
from observer_app.media.exif_reader import exif_facts, image_metadata
from observer_app.media.isobmff import boxes, child, payload
from observer_app.media.metadata_model import ERROR_NO_DECODER, MediaMetadata


def heif_metadata(stream: SeekableStream) -> MediaMetadata:
    """Pillow with a HEIF plug-in if one is installed; else the EXIF and size from the boxes.

    Without a decoder the pixels cannot be shown (`decode_error` says so) but the capture time,
    camera and position are still known: they are what an iPhone photo's evidence needs.
    """
    with_plugin = image_metadata(stream)
    if with_plugin.decode_error is None:
        return with_plugin
    stream.seek(0)
    facts = _heif_boxes(stream)
    return MediaMetadata(
        capture_time=facts.capture_time,
        camera_make=facts.camera_make,
        camera_model=facts.camera_model,
        gps_lat_microdeg=facts.gps_lat_microdeg,
        gps_lon_microdeg=facts.gps_lon_microdeg,
        width=facts.width,
        height=facts.height,
        orientation=facts.orientation,
        decode_error=ERROR_NO_DECODER,
    )


def _heif_boxes(stream: SeekableStream) -> MediaMetadata:
    length = stream_length(stream)
    budget = Budget()
    try:
        meta = child(stream, Box(b"", 0, length), b"meta", budget)
    except KeyError:
        return MediaMetadata()
    children = {box.kind: box for box in boxes(stream, meta.start + 4, meta.end, budget)}
    primary = _heif_primary(stream, children)
    width = height = orientation = None
    if b"iprp" in children and primary is not None:
        width, height, orientation = _heif_properties(stream, children[b"iprp"], primary, budget)
    facts = MediaMetadata()
    exif_item = _heif_exif_item(stream, children)
    if exif_item is not None and b"iloc" in children:
        exif_bytes = _heif_item_bytes(stream, children, exif_item)
        if exif_bytes is not None and len(exif_bytes) > 4:
            skip = int.from_bytes(exif_bytes[:4], "big")
            exif = Image.Exif()
            exif.load(exif_bytes[4 + skip :])
            facts = exif_facts(exif)
    return MediaMetadata(
        capture_time=facts.capture_time,
        camera_make=facts.camera_make,
        camera_model=facts.camera_model,
        gps_lat_microdeg=facts.gps_lat_microdeg,
        gps_lon_microdeg=facts.gps_lon_microdeg,
        width=width,
        height=height,
        orientation=orientation,
    )


def _heif_primary(stream: SeekableStream, children: dict[bytes, Box]) -> int | None:
    if b"pitm" not in children:
        return None
    data = payload(stream, children[b"pitm"])
    return int.from_bytes(data[4:6] if data[0] == 0 else data[4:8], "big")


def _heif_exif_item(stream: SeekableStream, children: dict[bytes, Box]) -> int | None:
    """The id of the item of type ``Exif`` listed in ``iinf``."""
    if b"iinf" not in children:
        return None
    iinf = children[b"iinf"]
    version = read_at(stream, iinf.start, 1)[0]
    skip = 4 + (2 if version == 0 else 4)
    for infe in boxes(stream, iinf.start + skip, iinf.end, Budget()):
        data = payload(stream, infe)
        if infe.kind != b"infe" or len(data) < 4 or data[0] < 2:
            continue
        id_size = 2 if data[0] == 2 else 4
        item_id = int.from_bytes(data[4 : 4 + id_size], "big")
        item_type = data[4 + id_size + 2 : 4 + id_size + 6]
        if item_type == b"Exif":
            return item_id
    return None


def _heif_item_bytes(
    stream: SeekableStream, children: dict[bytes, Box], wanted: int
) -> bytes | None:
    """An item's bytes from its ``iloc`` extents (file offsets or the ``idat`` box)."""
    data = payload(stream, children[b"iloc"])
    reader = ByteReader(data)
    version = reader.uint(1)
    reader.uint(3)
    offset_size, length_size = divmod(reader.uint(1), 16)
    base_offset_size, index_size = divmod(reader.uint(1), 16)
    count = reader.uint(2 if version < 2 else 4)
    for _ in range(min(count, MAX_ENTRIES)):
        item_id = reader.uint(2 if version < 2 else 4)
        method = reader.uint(2) & 0x0F if version in (1, 2) else 0
        reader.uint(2)  # data reference index
        base = reader.uint(base_offset_size)
        extents = []
        for _extent in range(reader.uint(2)):
            if version in (1, 2) and index_size:
                reader.uint(index_size)
            extents.append((reader.uint(offset_size), reader.uint(length_size)))
        if item_id != wanted:
            continue
        origin = 0
        if method == 1 and b"idat" in children:
            origin = children[b"idat"].start
        elif method != 0:
            return None
        return b"".join(read_at(stream, origin + base + start, size) for start, size in extents)
    return None


def _heif_properties(
    stream: SeekableStream, iprp: Box, item: int, budget: Budget
) -> tuple[int | None, int | None, int | None]:
    """Size (``ispe``) and rotation (``irot``, as an EXIF orientation) of one item."""
    try:
        ipco = child(stream, iprp, b"ipco", budget)
        ipma = payload(stream, child(stream, iprp, b"ipma", budget))
    except KeyError:
        return None, None, None
    properties = list(boxes(stream, ipco.start, ipco.end, budget))
    reader = ByteReader(ipma)
    version = reader.uint(1)
    flags = reader.uint(3)
    width = height = orientation = None
    for _ in range(min(reader.uint(4), MAX_ENTRIES)):
        item_id = reader.uint(2 if version < 1 else 4)
        associations = [reader.uint(2 if flags & 1 else 1) for _ in range(reader.uint(1))]
        if item_id != item:
            continue
        for association in associations:
            index = association & (0x7FFF if flags & 1 else 0x7F)
            if not 1 <= index <= len(properties):
                continue
            prop = properties[index - 1]
            if prop.kind == b"ispe":
                width, height = struct.unpack(">II", read_at(stream, prop.start + 4, 8))
            elif prop.kind == b"irot":
                angle = read_at(stream, prop.start, 1)[0] & 0x03  # anticlockwise quarter turns
                orientation = (1, 8, 3, 6)[angle]
        break
    return width, height, orientation
