"""`media add` on mutated real photos, into a real vault: evidence is kept whole, or refused.

Every sample photo in tests/data/media (JPEGs from real cameras, damaged ones, an iPhone HEIC)
is mutated and imported with the real service (hash, metadata, encryption, thumbnail, signed
event). A photo is evidence before it is a picture: tests/media/test_media_service.py documents
that one which will not decode is still imported, with a placeholder instead of a preview. So
each case must end with the item recorded, its stored blob decrypting to exactly the bytes
given, and every blob file in the vault named by a row (no half-written item, no leftover
file); or with a documented refusal (a one-line error, exit 4) that leaves the vault as it was.
A PNG made from one of them with Pillow joins them (the folder holds no PNG). A few cases run
through `media add --json` in-process: exit 0 or 4, never 70.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from observer_app.core.catalogue import load_catalogue
from observer_app.logbook import media
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.stations import add_station
from observer_app.vault.queries.media import get_media
from observer_app.vault.store import open_vault
from tests.conftest import PASSPHRASE
from tests.fuzz.fuzz_support import (
    QuietRepr,
    examples,
    mutations,
    new_session,
    refuses_cleanly,
    run_cli,
)
from tests.handoff.handoff_support import MEDIA_DIR

# Damaged EXIF blocks make Pillow warn; the files are damaged on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _sample_photos() -> dict[str, bytes]:
    """The real samples, and a PNG made from one (the folder holds none; phones send them)."""
    photos = {
        path.name: path.read_bytes()
        for path in sorted(MEDIA_DIR.iterdir())
        if path.suffix.lower() in (".jpg", ".heic")
    }
    png = io.BytesIO()
    with Image.open(MEDIA_DIR / "Canon_40D.jpg") as image:
        image.save(png, "PNG")
    photos["Canon_40D.png"] = png.getvalue()
    return photos


PHOTOS = _sample_photos()
STATION = media.Link("station", "101")


@dataclass(frozen=True, repr=False)
class Vault(QuietRepr):
    path: Path
    passphrase_file: Path
    cases: Path  # where each case's file is written, outside the vault


def _new_vault(root: Path) -> Vault:
    session = new_session(root, "vault", "observer")
    path = session.vault.path
    try:
        add_station(session, load_catalogue(), "101", "Школа № 12")
    finally:
        session.close()
    passphrase_file = root / "passphrase.txt"
    passphrase_file.write_text(PASSPHRASE + "\n", encoding="utf-8")
    cases = root / "cases"
    cases.mkdir()
    return Vault(path, passphrase_file, cases)


@dataclass(frozen=True, repr=False)
class World(QuietRepr):
    session: LogbookSession
    cases: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    vault = _new_vault(tmp_path_factory.mktemp("media-add"))
    session = LogbookSession(open_vault(vault.path, PASSPHRASE))
    yield World(session, vault.cases)
    session.close()


@pytest.fixture(scope="module")
def cli_vault(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    return _new_vault(tmp_path_factory.mktemp("media-add-cli"))


def _photo_mutations() -> st.SearchStrategy[tuple[str, bytes]]:
    return st.sampled_from(sorted(PHOTOS)).flatmap(
        lambda name: st.tuples(st.just(name), mutations(PHOTOS[name], 3))
    )


def _blob_files(session: LogbookSession) -> set[str]:
    return {path.name for path in session.vault.blobs_dir.iterdir()}


def _named_blob_files(session: LogbookSession) -> set[str]:
    named: set[str] = set()
    for file, thumb in session.conn.execute("SELECT file, thumb_file FROM blobs"):
        named.update(str(name) for name in (file, thumb) if name is not None)
    return named


def _kept_as_evidence(session: LogbookSession, result: media.ImportResult, data: bytes) -> None:
    """The item is recorded, whole, with a preview or the documented placeholder."""
    item = get_media(session.conn, result.id)
    assert item is not None and not item.purged
    assert item.sha256 == result.sha256 == hashlib.sha256(data).hexdigest()
    assert item.size == len(data)
    assert media.original_bytes(session, item) == data
    assert ("station", "101") in item.links
    thumb = media.thumbnail_jpeg(session, item.id)
    if thumb is None:  # "no preview": the placeholder stands in
        assert media.placeholder_jpeg(item).startswith(b"\xff\xd8")
    else:
        assert thumb.startswith(b"\xff\xd8") and b"Exif\x00\x00" not in thumb


@settings(max_examples=examples(150))
@given(_photo_mutations())
def test_mutated_photos_are_kept_as_evidence_or_refused(
    world: World, case: tuple[str, bytes]
) -> None:
    name, data = case
    session = world.session
    path = world.cases / name
    path.write_bytes(data)
    before = _blob_files(session)
    results: list[media.ImportResult] = []
    if refuses_cleanly(
        session, lambda: results.append(media.import_file(session, path, STATION)), (4,)
    ):
        (result,) = results
        _kept_as_evidence(session, result, data)
    after = _blob_files(session)
    assert before <= after and after == _named_blob_files(session)  # no half-written item


@settings(max_examples=examples(8))
@given(_photo_mutations())
def test_media_add_json_exits_0_or_4(cli_vault: Vault, case: tuple[str, bytes]) -> None:
    name, data = case
    path = cli_vault.cases / name
    path.write_bytes(data)
    vault = ("--vault", str(cli_vault.path), "--passphrase-file", str(cli_vault.passphrase_file))
    result = run_cli(*vault, "media", "add", str(path), "--station", "101", "--json")
    (entry,) = json.loads(result.out)
    if result.code == 0:
        assert entry["error"] is None
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    else:
        assert result.code == 4 and entry["error"]
        (line,) = [line for line in result.err.splitlines() if line.startswith("not imported:")]
        assert entry["error"] in line
