"""`station import FILE.csv`: every file is read, or refused with a UsageError/UserActionError.

`read_station_file` plus the per-line checks document UsageError (exit 2, naming the line) and
UserActionError (exit 4, unreadable file). These run before anything is recorded, so fuzzing
them needs no vault; a line that passes must give a station body `station add` would accept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from observer_app.core.catalogue import Catalogue, load_catalogue
from observer_app.crypto.canonical_json import canonicalize_signed
from observer_app.errors import UsageError, UserActionError
from observer_app.logbook.station_import import _check_lines, read_station_file
from tests.fuzz.fuzz_support import examples, mutations

VALID = (
    "\ufeffCode;Name;Address;Region;Commission;TZ\r\n"
    '101;"Школа № 5; корпус 2";ул. Абая, 1;almaty_city;ТИК;Asia/Almaty\r\n'
    "ALM-102;Мектеп;;aktobe;;\r\n"
    "\r\n"
    '103;"Name with ""quotes""";;;;Asia/Oral\r\n'
).encode()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("stations") / "stations.csv"


def checks_or_refuses(catalogue: Catalogue, path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        bodies = _check_lines(catalogue, read_station_file(path))
    except (UsageError, UserActionError) as error:
        assert error.message and "\n" not in error.message.strip()
        return
    codes = [body["code"] for body in bodies]
    assert len(set(codes)) == len(codes)
    for body in bodies:
        canonicalize_signed(body)  # what will be signed into the journal


def test_the_real_file_checks(catalogue: Catalogue, csv_file: Path) -> None:
    csv_file.write_bytes(VALID)
    assert [r.code for r in read_station_file(csv_file)] == ["101", "ALM-102", "103"]
    assert len(_check_lines(catalogue, read_station_file(csv_file))) == 3


@settings(max_examples=examples(500))
@given(mutations(VALID))
def test_mutated_station_files_are_checked_or_refused(
    catalogue: Catalogue, csv_file: Path, data: bytes
) -> None:
    checks_or_refuses(catalogue, csv_file, data)


_CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "101",
            "ALM-101",
            "0",
            "-1",
            "1" * 40,
            "Asia/Almaty",
            "Mars/Base",
            "almaty_city",
            '"',
            '""',
            "a\nb",
            "\x00",
            "\u202e",
            "  ",
            "Europe/../etc",
            "UTC",
        ]
    ),
)
_COLUMN = st.sampled_from(
    ["code", "number", "Name", "address", "region", "commission", "tz", "", "CODE ", "extra"]
)


@settings(max_examples=examples(400))
@given(
    st.lists(_COLUMN, min_size=1, max_size=7),
    st.lists(st.lists(_CELL, max_size=8), max_size=5),
    st.sampled_from([",", ";"]),
)
def test_generated_station_files_are_checked_or_refused(
    catalogue: Catalogue, csv_file: Path, header: list[str], rows: list[list[str]], sep: str
) -> None:
    def line(cells: list[str]) -> str:
        return sep.join(
            '"' + c.replace('"', '""') + '"' if sep in c or '"' in c else c for c in cells
        )

    text = "\r\n".join([line(header), *(line(r) for r in rows)])
    checks_or_refuses(catalogue, csv_file, text.encode("utf-8", "surrogatepass"))
