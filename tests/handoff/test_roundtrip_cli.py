"""The whole handoff through `observer-cli` (real subprocesses): one coordinator, two observers,
temp folders playing the USB sticks. Enrollment, first and incremental bundles, receipts,
status, trusted reports, and refusals that leave the coordinator's vault unchanged."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, Cli
from tests.handoff.handoff_support import MEDIA_DIR, dump_path

STATIONS_CSV = (
    "\ufeffcode;name;region;address\n"
    "101;Средняя школа № 12;almaty_city;ул. Жандосова, 58\n"
    "102;Гимназия № 38;almaty_city;\n"
    "AKT-14;№ 14 мектеп-гимназия;aktobe;\n"
)


def folder(base: Path, name: str) -> Path:
    path = base / name
    path.mkdir()
    return path


def only(path: Path, pattern: str = "olb-*") -> Path:
    (found,) = sorted(path.glob(pattern))
    return found


def fingerprint(cli: Cli) -> str:
    return str(cli("whoami", "--json", check=True).json()["fingerprint"])


@pytest.fixture
def people(tmp_path: Path) -> dict[str, Cli]:
    password = tmp_path / "pw"
    password.write_text(PASSPHRASE + "\n")
    clis = {name: Cli(tmp_path / name, password) for name in ("coord", "obs1", "obs2")}
    clis["coord"](
        "init",
        "--name",
        "Гульнара Координатор",
        "--role",
        "coordinator",
        "--organisation",
        "Observers of Kazakhstan",
        "--kdf-profile",
        "test",
        check=True,
    )
    for name, person, accreditation in (
        ("obs1", "Айгерим Сапарова", "KZ-77"),
        ("obs2", "Данияр Ахметов", "KZ-78"),
    ):
        clis[name](
            "init",
            "--name",
            person,
            "--accreditation",
            accreditation,
            "--kdf-profile",
            "test",
            check=True,
        )
    return clis


def enroll(coord: Cli, observer: Cli, base: Path, name: str, stations: str) -> None:
    stick = folder(base, f"enroll-{name}")
    request = observer("enroll", "request", "--out", str(stick), check=True)
    spoken = fingerprint(observer)
    assert spoken in request.out
    issued = coord(
        "enroll",
        "issue",
        str(only(stick)),
        "--out",
        str(stick),
        "--stations",
        stations,
        "--fingerprint",
        spoken,
        check=True,
    )
    assert spoken in issued.out
    package = only(stick, "olb-*.age")
    accepted = observer(
        "enroll", "accept", str(package), "--fingerprint", fingerprint(coord), check=True
    )
    assert "Stations added" in accepted.out


def handover(observer: Cli, coord: Cli, base: Path, name: str) -> tuple[dict[str, object], Path]:
    """Export onto a fresh stick, import with a receipt, record the receipt."""
    stick = folder(base, f"stick-{name}")
    receipts = folder(base, f"receipts-{name}")
    exported = observer("handoff", "export", "--to", str(stick), "--part-size", "64K")
    assert exported.code == 0, exported.err
    imported = coord("handoff", "import", str(stick), "--receipt-to", str(receipts), "--json")
    assert imported.code == 0, imported.err
    (result,) = imported.json()
    recorded = observer("handoff", "receipt", str(only(receipts)))
    assert recorded.code == 0, recorded.err
    return result, stick


def test_round_trip_through_the_cli(people: dict[str, Cli], tmp_path: Path) -> None:
    coord, obs1, obs2 = people["coord"], people["obs1"], people["obs2"]
    mission = ["--name", "Выборы 2026", "--date", "2026-03-15", "--candidate", "A=Alpha"]
    coord("mission", "set", *mission, "--candidate", "B=Beta", "--against-all", check=True)
    csv = tmp_path / "stations.csv"
    csv.write_text(STATIONS_CSV, encoding="utf-8")
    coord("station", "import", str(csv), check=True)

    enroll(coord, obs1, tmp_path, "obs1", "101,102")
    enroll(coord, obs2, tmp_path, "obs2", "AKT-14")
    assert [s["code"] for s in obs2("station", "list", "--json", check=True).json()] == ["AKT-14"]
    assert obs1("mission", "show", "--json", check=True).json()["name"] == "Выборы 2026"
    enrolled = coord("enroll", "list", "--json", check=True).json()
    assert sorted(o["name"] for o in enrolled) == ["Айгерим Сапарова", "Данияр Ахметов"]

    obs1("note", "add", "06:30 двери закрыты", "--station", "101", check=True)
    obs1("media", "add", str(MEDIA_DIR / "gps_DSCN0010.jpg"), "--station", "101", check=True)
    obs2("note", "add", "Бюллетени в урне № 2", "--station", "AKT-14", check=True)
    obs2("media", "add", str(MEDIA_DIR / "gps_DSCN0038.jpg"), "--station", "AKT-14", check=True)
    waiting = obs1("handoff", "status", "--json", check=True).json()
    assert waiting["media_waiting"] == 1 and waiting["acknowledged_seq"] == 0

    first, stick1 = handover(obs1, coord, tmp_path, "obs1-a")
    assert first["status"] == "accepted" and first["new_media"] == 1
    assert len(list(stick1.glob("olb-*.age"))) > 1  # parts of at most 64 KiB
    second, _stick = handover(obs2, coord, tmp_path, "obs2-a")
    assert second["status"] == "accepted"

    status = obs1("handoff", "status", "--json", check=True).json()
    assert status["events_waiting"] == 0 and status["media_waiting"] == 0
    assert status["acknowledged_seq"] == first["to_seq"]
    nothing = obs1("handoff", "export", "--to", str(folder(tmp_path, "empty")))
    assert nothing.code == 4 and "nothing to hand over" in nothing.err

    # Incremental: only what came after the receipt (and the acknowledgement itself).
    obs1("note", "add", "20:05 подсчёт начался", "--station", "102", check=True)
    later, _stick = handover(obs1, coord, tmp_path, "obs1-b")
    assert later["from_seq"] == first["to_seq"] + 1
    assert later["new_media"] == 0 and later["held_events"] == 0
    observer_head = obs1("whoami", "--json", check=True).json()["feed_head"]["seq"]
    held = {
        o["name"]: o for o in coord("handoff", "status", "--json", check=True).json()["observers"]
    }
    assert held["Айгерим Сапарова"]["held_seq"] == observer_head - 1  # minus the new receipt
    assert held["Айгерим Сапарова"]["bundles"] == 2
    assert coord("journal", "verify", check=True).code == 0
    log = coord("log", "--json", check=True).json()
    assert any("подсчёт начался" in str(entry) for entry in log)

    # Reports of an enrolled observer are trusted with the organisation certificate.
    org = tmp_path / "org.pem"
    coord("keys", "export-org-cert", "--out", str(org), check=True)
    pdf = tmp_path / "report.pdf"
    obs1("report", "--out", str(pdf), "--audience", "internal", check=True)
    verified = obs1("verify", str(pdf), "--trust", str(org), "--json", check=True).json()
    assert verified["valid"] and verified["trusted"], verified
    nss = folder(tmp_path, "nss")
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{nss}", "-n", "org", "-t", "CT,C,C", "-i", str(org)],
        check=True,
    )
    pdfsig = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(pdf)], capture_output=True, text=True
    )
    assert "Signature is Valid" in pdfsig.stdout
    assert "Certificate is Trusted" in pdfsig.stdout

    # Refusals through the CLI: exit 1, one line, the coordinator's vault unchanged.
    obs2("note", "add", "после изъятия", check=True)
    stick = folder(tmp_path, "stick-obs2-b")
    obs2("handoff", "export", "--to", str(stick), check=True)
    again = coord("handoff", "import", str(stick), "--json", check=True).json()
    assert again[0]["status"] == "accepted"
    before = dump_path(coord.vault, PASSPHRASE)
    held_again = coord("handoff", "import", *map(str, sorted(stick.glob("olb-*"))))
    assert held_again.code == 0 and "already held" in held_again.out
    coord(
        "enroll", "revoke", fingerprint(obs2)[:19], "--reason", "ноутбук изъят", "--yes", check=True
    )
    revoked_dump = dump_path(coord.vault, PASSPHRASE)
    assert revoked_dump != before
    obs2("note", "add", "ещё одна", check=True)
    stick = folder(tmp_path, "stick-obs2-c")
    obs2("handoff", "export", "--to", str(stick), check=True)
    refused = coord("handoff", "import", str(stick))
    assert refused.code == 1
    assert "revoked key" in refused.out and "ноутбук изъят" in refused.out
    assert dump_path(coord.vault, PASSPHRASE) == revoked_dump
    listed = coord("enroll", "list", check=True).out
    assert "revoked" in listed


def test_cli_refuses_a_package_from_another_coordinator(
    people: dict[str, Cli], tmp_path: Path
) -> None:
    coord, obs1 = people["coord"], people["obs1"]
    coord("station", "add", "--number", "101", "--name", "School", check=True)
    enroll(coord, obs1, tmp_path, "first", "101")
    other = Cli(tmp_path / "other", coord.passphrase_file)
    other("init", "--name", "Other", "--role", "coordinator", "--kdf-profile", "test", check=True)
    stick = folder(tmp_path, "other-stick")
    obs1("enroll", "request", "--out", str(stick), check=True)
    other("enroll", "issue", str(only(stick, "olb-*.json")), "--out", str(stick), check=True)
    package = str(only(stick, "olb-*.age"))
    refused = obs1("enroll", "accept", package)
    assert refused.code == 1 and "another coordinator" in refused.err
    assert refused.err.count("\n") == 1
    accepted = obs1("enroll", "accept", package, "--fingerprint", fingerprint(other))
    assert accepted.code == 0, accepted.err
    pins = obs1("enroll", "list", "--json", check=True).json()
    assert [p["name"] for p in pins] == ["Гульнара Координатор", "Other"]


def test_a_failed_cli_export_is_kept_for_the_window_until_one_succeeds(
    people: dict[str, Cli], tmp_path: Path
) -> None:
    from observer_app.logbook.handoff import last_failure
    from observer_app.logbook.session import open_session

    coord, obs1 = people["coord"], people["obs1"]
    coord("station", "add", "--number", "101", "--name", "Школа № 5", check=True)
    enroll(coord, obs1, tmp_path, "obs1", "101")
    not_a_folder = tmp_path / "stick-is-a-file"
    not_a_folder.write_bytes(b"")
    failed = obs1("handoff", "export", "--to", str(not_a_folder))
    assert failed.code != 0 and "Traceback" not in failed.err

    def notice() -> str | None:
        session = open_session(obs1.vault, PASSPHRASE)
        try:
            return last_failure(session)
        finally:
            session.close()

    assert notice()  # the window's status bar says it on the next start
    stick = folder(tmp_path, "good-stick")
    assert obs1("handoff", "export", "--to", str(stick)).code == 0
    assert notice() is None
