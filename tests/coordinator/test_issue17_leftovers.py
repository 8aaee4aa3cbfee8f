"""Issue 17 leftovers a tester found in the coordinator's CLI views.

Real vaults and bundles (`night`); the CLI runs in-process where a terminal must be played by
the test, otherwise as a real subprocess.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from observer_app.cli.context import CliContext
from observer_app.cli.main import build_parser
from observer_app.errors import ObserverError
from observer_app.handoff.enroll.request import write_request
from observer_app.logbook import handoff
from observer_app.logbook.annotations import annotate, annotations_for, mark_verified
from observer_app.logbook.csv_export import export_csv
from observer_app.logbook.session import LogbookSession
from tests.conftest import PASSPHRASE, Cli
from tests.coordinator.conftest import Night
from tests.handoff.handoff_support import add_notes, dump, enroll


def _in_process(argv: list[str], answer: str) -> tuple[int, list[str]]:
    """`observer-cli ARGV` at a terminal played by the test: the exit code and the prompts."""
    args = build_parser().parse_args(argv)
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return answer

    ctx = CliContext(args, is_interactive=lambda: True, ask=ask)
    try:
        code = int(args.handler(ctx))
    except ObserverError as error:
        code = error.exit_code
    finally:
        ctx.close()
    return code, prompts


@pytest.mark.parametrize(("answer", "code"), [("y", 0), ("n", 4)])
def test_reissuing_an_enrollment_asks_only_its_own_question(
    night: Night, tmp_path: Path, answer: str, code: int
) -> None:
    stick = tmp_path / "again"
    stick.mkdir(mode=0o700)
    request = write_request(night.obs1, stick)
    password = tmp_path / "pw17"
    password.write_text(PASSPHRASE + "\n", encoding="utf-8")
    argv = [
        "--vault",
        str(night.coordinator.vault.path),
        "--passphrase-file",
        str(password),
        "--ui-lang",
        "en",
        "enroll",
        "issue",
        str(request.path),
        "--out",
        str(stick),
        "--stations",
        "101",
        "--fingerprint",
        night.obs1.identity.feed,
    ]
    result, prompts = _in_process(argv, answer)
    assert result == code
    (prompt,) = prompts
    assert prompt.startswith("Айгерим Сапарова is enrolled already")
    assert prompt.endswith("replaces that one. Go on? [y/N] ")
    assert "anyway" not in prompt and prompt.count("[y/N]") == 1


def test_plain_incident_list_shows_the_coordinators_judgement(coord_cli: Cli, night: Night) -> None:
    annotate(night.coordinator, night.catalogue, night.incident2, "confirmed", "complaint_filed")
    listed = coord_cli("incident", "list", check=True).out.splitlines()
    (marked,) = [line for line in listed if "Пачка" in line]
    assert "Coordinator: Confirmed, Complaint filed" in marked
    (unmarked,) = [line for line in listed if "Вброс" in line]
    assert "Coordinator" not in unmarked


def test_protocol_csv_has_the_verified_marks(night: Night, tmp_path: Path) -> None:
    coord = night.coordinator
    mark_verified(coord, night.catalogue, "101", night.obs1.identity.feed, ["P3", "P1", "P4"])
    mark_verified(coord, night.catalogue, "101", night.obs1.identity.feed, ["P4"], verified=False)
    export_csv(coord, night.catalogue, tmp_path / "csv")
    text = (tmp_path / "csv" / "protocol.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    verified = {(row["station"], row["observer"]): row["verified"] for row in rows}
    assert verified[("101", "Айгерим Сапарова")] == "P1; P3"  # P4 was unmarked again
    assert verified[("101", "Данияр Ахметов")] == ""
    doc = (Path(__file__).parents[2] / "docs" / "formats" / "csv.md").read_text(encoding="utf-8")
    assert "published_differences, verified`" in doc


def test_a_reference_takes_a_part_of_the_authors_name(coord_cli: Cli, night: Night) -> None:
    marked = coord_cli("annotate", "I-1@айгерим", "--status", "confirmed")
    assert marked.code == 0, marked.err
    marks = annotations_for(night.coordinator, [night.incident1, night.incident2])
    assert set(marks) == {night.incident1}  # Айгерим's I-1, not Данияр's
    several = coord_cli("annotate", "I-1@ов", "--status", "rejected")
    assert several.code == 2
    assert "Several people match ов" in several.err
    assert "Айгерим Сапарова" in several.err and "Данияр Ахметов" in several.err
    nobody = coord_cli("annotate", "I-1@Ержан", "--status", "rejected")
    assert nobody.code == 2
    assert "No record has the reference I-1@Ержан." in nobody.err
    after = annotations_for(night.coordinator, [night.incident1, night.incident2])
    assert {i: m.status for i, m in after.items()} == {night.incident1: "confirmed"}


def test_a_bad_results_table_reports_every_bad_line_and_records_nothing(
    coord_cli: Cli, night: Night, tmp_path: Path
) -> None:
    table = tmp_path / "results.csv"
    lines = ["station;P1;P3", "101;1000;x", "205;800;600", "999;1;2", "101;1;2", "205;-1;zz"]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = dump(night.coordinator)
    refused = coord_cli("protocol", "published", "import", str(table))
    assert refused.code == 2
    err = refused.err
    assert "line 2: P3: 'x' is not a whole number" in err
    assert "line 4: Unknown station 999" in err
    assert "line 5: station 101 appears already on line 2" in err
    assert "line 6: station 205 appears already on line 3" in err
    assert "line 6: P1: '-1'" in err and "line 6: P3: 'zz'" in err
    assert "line 3" not in err.replace("on line 3", "")  # the good line is not blamed
    assert dump(night.coordinator) == before
    many = tmp_path / "many.csv"
    many.write_text("station,P1\n" + "999,1\n" * 25, encoding="utf-8")
    bounded = coord_cli("protocol", "published", "import", str(many))
    assert bounded.code == 2
    assert "line 21: Unknown" in bounded.err and "line 22" not in bounded.err
    assert "… and 5 more problems" in bounded.err
    assert dump(night.coordinator) == before


def test_station_show_for_one_observer_names_only_that_observer(coord_cli: Cli) -> None:
    everyone = coord_cli("station", "show", "101", check=True).out
    assert "Айгерим Сапарова" in everyone and "Данияр Ахметов" in everyone
    one = coord_cli("station", "show", "101", "--observer", "Данияр", check=True).out
    assert "Observers: Данияр Ахметов" in one and "Айгерим" not in one
    assert "Incidents: 1" in one
    elsewhere = coord_cli("station", "show", "205", "--observer", "Айгерим", check=True).out
    assert "Observers: -" in elsewhere and "Incidents: 0" in elsewhere


def test_a_path_that_is_not_utf8_is_shown_readably_in_errors(
    coord_cli: Cli, tmp_path: Path
) -> None:
    folder = os.fsdecode(os.fsencode(str(tmp_path)) + b"/\xe9dir")
    os.mkdir(folder, 0o700)
    missing = coord_cli("protocol", "published", "import", folder + "/results.csv")
    assert missing.code == 4
    assert "\\udce9" not in missing.err
    assert f"{tmp_path}/\ufffddir/results.csv" in missing.err
    empty = coord_cli("handoff", "import", folder)
    assert "\\udce9" not in empty.err and f"{tmp_path}/\ufffddir" in empty.err


def test_every_receipt_line_from_a_folder_starts_with_its_file_name(
    make_session: Callable[..., LogbookSession], tmp_path: Path
) -> None:
    coordinator = make_session(name="Coordinator", role="coordinator", folder="coordinator")
    observer = make_session(name="Observer", folder="observer")
    enroll(coordinator, observer, tmp_path / "enroll")
    add_notes(observer, 1)
    password = tmp_path / "observer-pw"
    password.write_text(PASSPHRASE + "\n", encoding="utf-8")
    observer_cli = Cli(observer.vault.path, password)
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "olb-0000000000000000.age").write_bytes(b"age-encryption.org/v1\nnot really\n")
    refused = observer_cli("handoff", "receipt", str(alone))
    assert refused.code == 1
    assert refused.out.startswith("olb-0000000000000000.age: not recorded:")
    stick = tmp_path / "stick"
    stick.mkdir()
    receipts = tmp_path / "receipts"
    receipts.mkdir()
    exported = handoff.export_bundle(observer, stick)
    imported = handoff.import_bundle(coordinator, exported.paths, receipt_dir=receipts)
    assert imported.receipt is not None
    (receipts / "olb-0000000000000000.age").write_bytes(b"not age at all")
    both = observer_cli("handoff", "receipt", str(receipts))
    assert both.code == 0, both.err
    lines = both.out.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("olb-") and ".age: " in line for line in lines)
    assert any(line.startswith(f"{imported.receipt.name}: Receipt recorded") for line in lines)


def test_log_columns_line_up_with_and_without_a_reference(coord_cli: Cli) -> None:
    entries = coord_cli("log", "--all", "--json", check=True).json()
    lines = coord_cli("log", "--all", check=True).out.splitlines()
    assert len(lines) == len(entries)
    assert any(not entry.get("ref") for entry in entries)  # mission, stations, enrollment
    assert any(entry.get("ref") for entry in entries)
    authors = {entry["author"] for entry in entries}
    assert len(authors) >= 2 and len({len(author) for author in authors}) > 1
    author_starts = set()
    text_starts = set()
    for entry, line in zip(entries, lines, strict=True):
        author_starts.add(line.index(entry["author"]))
        text_starts.add(line.rindex(entry["text"]))
    assert len(author_starts) == 1 and len(text_starts) == 1
