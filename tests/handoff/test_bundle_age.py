"""A bundle opened with the stock `age` command and the coordinator's exported age identity,
as docs/handoff-guide.md shows: the format is plain age over a plain tar."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509

from observer_app.core.catalogue import load_catalogue
from observer_app.handoff.bundle.exporter import export_bundle
from observer_app.logbook import media, stations
from observer_app.logbook.session import LogbookSession
from observer_app.vault.identity_store import load_organisation_ca
from tests.conftest import PASSPHRASE, Cli
from tests.handoff.handoff_support import MEDIA_DIR, add_notes, enroll

MakeSession = Callable[..., LogbookSession]


@pytest.fixture
def pair(make_session: MakeSession, tmp_path: Path) -> tuple[LogbookSession, LogbookSession]:
    coordinator = make_session(name="Coordinator", role="coordinator", folder="coordinator")
    stations.add_station(coordinator, load_catalogue(), "101", "School", region="almaty_city")
    observer = make_session(name="Observer", folder="observer")
    enroll(coordinator, observer, tmp_path / "enroll", ["101"])
    return coordinator, observer


def test_stock_age_opens_a_multi_part_bundle(
    pair: tuple[LogbookSession, LogbookSession], tmp_path: Path
) -> None:
    coordinator, observer = pair
    add_notes(observer, 3, "секрет")
    photo = MEDIA_DIR / "gps_DSCN0021.jpg"
    media.import_file(observer, photo, media.resolve_link(observer, "station", "101"))
    stick = tmp_path / "stick"
    stick.mkdir()
    result = export_bundle(observer, stick, part_size=32 * 1024)
    assert len(result.paths) > 2

    password = tmp_path / "pw"
    password.write_text(PASSPHRASE)
    cli = Cli(vault=tmp_path / "coordinator", passphrase_file=password)
    key = tmp_path / "coordinator.key"
    exported = cli("keys", "export-age-identity", "--out", str(key))
    assert exported.code == 0, exported.err
    assert "unlocks every bundle" in exported.err
    assert key.stat().st_mode & 0o777 == 0o600
    again = cli("keys", "export-age-identity", "--out", str(key))
    assert again.code == 4 and "exists" in again.err

    ciphertext = b"".join(p.read_bytes() for p in sorted(result.paths))
    opened = subprocess.run(
        ["age", "--decrypt", "--identity", str(key)],
        input=ciphertext,
        capture_output=True,
        check=True,
    )
    with tarfile.open(fileobj=io.BytesIO(opened.stdout), mode="r:") as archive:
        names = archive.getnames()
        sha = hashlib.sha256(photo.read_bytes()).hexdigest()
        assert names == ["manifest.json", "events.jsonl", f"media/{sha}"]
        member = archive.extractfile(f"media/{sha}")
        assert member is not None and member.read() == photo.read_bytes()
        manifest_file = archive.extractfile("manifest.json")
        events_file = archive.extractfile("events.jsonl")
        assert manifest_file is not None and events_file is not None
        manifest = json.loads(manifest_file.read())["document"]
        lines = events_file.read().decode().splitlines()
    assert manifest["author"] == observer.identity.feed
    assert manifest["coordinator"] == coordinator.identity.feed
    assert (manifest["from_seq"], manifest["to_seq"]) == (1, len(lines))
    events = [json.loads(line)["event"] for line in lines]
    assert [e["seq"] for e in events] == list(range(1, len(lines) + 1))
    assert events[-1]["body"]["sha256"] == sha
    assert "секрет 0" in {e["body"].get("text") for e in events}

    # The observer's own age key cannot open it.
    own = tmp_path / "observer.key"
    own.write_text(observer.identity.age_identity + "\n")
    refused = subprocess.run(
        ["age", "--decrypt", "--identity", str(own)], input=ciphertext, capture_output=True
    )
    assert refused.returncode != 0


def test_org_certificate_export(
    pair: tuple[LogbookSession, LogbookSession], tmp_path: Path
) -> None:
    coordinator, _observer = pair
    password = tmp_path / "pw"
    password.write_text(PASSPHRASE)
    ca = load_organisation_ca(coordinator.conn)
    assert ca is not None
    for folder in ("coordinator", "observer"):
        out = tmp_path / f"{folder}-org.pem"
        done = Cli(vault=tmp_path / folder, passphrase_file=password)(
            "keys", "export-org-cert", "--out", str(out)
        )
        assert done.code == 0, done.err
        assert x509.load_pem_x509_certificate(out.read_bytes()) == ca[1]
