"""Spreadsheets that open clean: plain CSV (RFC 4180, ',', ISO) and the `--excel` form
(BOM, ';', decimal comma, TT.MM.JJJJ), read back by a real LibreOffice."""

import io
import json
import subprocess
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st

from kundenpflege.present.render import MONEY, csv_cell, number_text, write_csv
from tests.conftest import APP, Run, error_line, ok, program

PAYLOADS = ["=1+1", '=HYPERLINK("http://evil.example","x")', "@SUM(1,1)", "-2+3"]
# What the commands that take an argument get in the demo journal.
ARGUMENTS = {"handle": "weingut-hoefler", "table": "customers", "text": "Höfler"}


def test_excel_cells_read_as_numbers_and_dates_under_german_settings() -> None:
    assert csv_cell(2400.0, money=True, excel=True) == "2400,00"
    assert csv_cell(6809.03, money=True, excel=True) == "6809,03"
    assert csv_cell(2400, money=True, excel=True) == "2400,00"
    assert csv_cell(-12.5, money=True, excel=True) == "-12,50"  # a number, not a formula
    assert csv_cell(0.833, excel=True) == "0,833"
    assert csv_cell(23.0, excel=True) == "23"
    assert csv_cell(7, excel=True) == 7  # integers stay integers
    assert csv_cell(date(2026, 11, 25), excel=True) == "25.11.2026"
    assert csv_cell("2026-11-25", excel=True) == "25.11.2026"  # ISO text from the journal
    # Instants in local time (the tests run in Berlin); seconds only when there are.
    assert csv_cell("2026-11-22T17:00:00+00:00", excel=True) == "22.11.2026 18:00"
    moment = datetime(2026, 7, 1, 8, 30, 15, tzinfo=UTC)
    assert csv_cell(moment, excel=True) == "01.07.2026 10:30:15"
    assert csv_cell("2026-02-30", excel=True) == "2026-02-30"  # no such day: text
    assert csv_cell("=1+1", excel=True) == "'=1+1"
    assert csv_cell(None, money=True, excel=True) == ""
    assert csv_cell(True, excel=True) == "yes"


def test_plain_cells_keep_iso_and_a_decimal_point() -> None:
    assert csv_cell(2400.0, money=True) == "2400.00"
    assert csv_cell(2400.0) == "2400"
    assert csv_cell(1e-05) == "0.00001"
    assert csv_cell(7) == 7
    assert csv_cell("2026-11-25") == "2026-11-25"
    assert csv_cell(date(2026, 11, 25)) == "2026-11-25"
    assert csv_cell("=1+1") == "'=1+1"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_number_is_written_exactly_without_exponent(value: float) -> None:
    written = number_text(value)
    assert float(written) == value
    assert "e" not in written.lower() and not written.endswith(".0")


@given(st.floats(min_value=-1e9, max_value=1e9))
def test_money_is_written_with_its_cents(value: float) -> None:
    written = number_text(value, money=True)
    assert written.rpartition(".")[2].isdigit() and len(written.rpartition(".")[2]) == 2
    assert abs(float(written) - value) <= 0.005


def test_excel_csv_line() -> None:
    stream = io.StringIO()
    row = {"name": "Weingut Höfler", "amount": 2400.0, "due_on": date(2026, 11, 25), "n": 3}
    write_csv(["name", "amount", "due_on", "n"], [row, {"name": "=1+1"}], stream, excel=True)
    assert stream.getvalue() == (
        "\ufeffname;amount;due_on;n\r\nWeingut Höfler;2400,00;25.11.2026;3\r\n'=1+1;;;\r\n"
    )


def leaves(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command of the app with its command line, groups walked."""
    children = getattr(command, "commands", None)
    if children is None:
        yield path, command
        return
    for name, child in children.items():
        yield from leaves(child, (*path, name))


def options(command: Any) -> set[str]:
    return {name for parameter in command.params for name in parameter.opts}


def csv_commands() -> list[tuple[str, ...]]:
    """What writes CSV: every command with --format, and `export csv`."""
    return [
        path
        for path, command in leaves(typer.main.get_command(APP))
        if "--format" in options(command) or path == ("export", "csv")
    ]


def arguments_of(path: tuple[str, ...]) -> list[str]:
    command = dict(leaves(typer.main.get_command(APP)))[path]
    required = [parameter.name for parameter in command.params if parameter.required]
    return [ARGUMENTS[name] for name in required]


@pytest.fixture
def shop(run: Run) -> Run:
    """The demo journal, a German winery with an order, and customers named like formulas."""
    ok(run("demo"))
    ok(run("add", "weingut-hoefler", "--name", "Weingut Höfler", "--tier", "A",
           "--value", "2400", "--since", "2024-03-01"))  # fmt: skip
    ok(run("log", "weingut-hoefler", "--kind", "order", "--amount", "1234.56",
           "--at", "2026-11-20 14:30", "--mood", "1", "--note", "=SUM(A1:A9)"))  # fmt: skip
    for number, payload in enumerate(PAYLOADS):
        ok(run("add", f"formula-{number}", "--name", payload, "--value", "100.1"))
    return run


def test_every_command_with_csv_takes_excel() -> None:
    found = csv_commands()
    assert {("due",), ("value",), ("list",), ("export", "csv"), ("consent", "list")} <= set(found)
    commands = dict(leaves(typer.main.get_command(APP)))
    assert [path for path in found if "--excel" not in options(commands[path])] == []


@pytest.mark.parametrize("path", csv_commands(), ids=" ".join)
def test_excel_alone_gives_the_spreadsheet_form(shop: Run, path: tuple[str, ...]) -> None:
    line = [*path, *arguments_of(path)]
    excel = ok(shop(*line, "--excel")).stdout
    assert excel.startswith("\ufeff") and ";" in excel.splitlines()[0]
    if "--format" in options(dict(leaves(typer.main.get_command(APP)))[path]):
        assert ok(shop(*line, "--format", "csv", "--excel")).stdout == excel
        assert error_line(shop(*line, "--format", "json", "--excel"), 2) == (
            "Error: --excel writes CSV; leave out --format json"
        )


def test_money_columns_are_named_in_the_reports(shop: Run) -> None:
    """A renamed money column would lose its cents silently: every name is in use."""
    headers = set()
    for path in csv_commands():
        text = ok(shop(*path, *arguments_of(path), *(["--format", "csv"] * (path[0] != "export"))))
        headers |= set(text.stdout.splitlines()[0].split(","))
    assert set(MONEY) <= headers
    assert "annual_value,status" in ok(shop("list", "--format", "csv")).stdout
    assert ",2400.00,active," in ok(shop("list", "--format", "csv")).stdout


class Cell(NamedTuple):
    kind: str | None  # string, float, date ... as LibreOffice read it
    value: str  # the number, the ISO date, or the text
    formula: str | None


NAMESPACES = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def attribute(element: ElementTree.Element, name: str) -> str | None:
    prefix, _, local = name.partition(":")
    return element.get(f"{{{NAMESPACES[prefix]}}}{local}")


def sheet(path: Path) -> list[dict[str, Cell]]:
    """The rows of a flat ODS file as LibreOffice typed them, by the header's names."""
    rows = []
    for row in ElementTree.parse(path).iterfind(".//table:table-row", NAMESPACES):
        cells = []
        for cell in row.iterfind("table:table-cell", NAMESPACES):
            kind = attribute(cell, "office:value-type")
            text = "\n".join("".join(p.itertext()) for p in cell.iterfind("text:p", NAMESPACES))
            value = attribute(cell, "office:value") or attribute(cell, "office:date-value")
            found = Cell(kind, value or text, attribute(cell, "table:formula"))
            cells += [found] * int(attribute(cell, "table:number-columns-repeated") or 1)
        rows.append(cells)
    header = [cell.value for cell in rows[0]]
    empty = Cell(None, "", None)
    return [
        dict(zip(header, cells + [empty] * (len(header) - len(cells)), strict=False))
        for cells in rows[1:]
        if any(cell.kind for cell in cells)
    ]


def convert(files: list[Path], infilter: str, tmp_path: Path) -> dict[str, list[dict[str, Cell]]]:
    """Open the files as LibreOffice would with these import settings, in a profile of
    this test's own; returns each file's rows."""
    soffice = program("soffice")
    out = tmp_path / "fods"
    started = time.monotonic()
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
         f"--infilter={infilter}", "--convert-to", "fods", "--outdir", str(out),
         *map(str, files)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    print(f"LibreOffice converted {len(files)} files in {time.monotonic() - started:.1f} s")
    return {path.stem: sheet(out / f"{path.stem}.fods") for path in files}


# What is written: (file, command line, the JSON with the same rows, its money and date columns).
SOURCES = [
    ("value", ["value"], ["value", "-f", "json"],
     ["annual_value", "lifetime_value", "orders_total"], ["last_contact_from_us"]),
    ("list", ["list"], ["list", "-f", "json"], ["annual_value"], ["last_contact", "next_due"]),
    ("interactions", ["export", "csv", "interactions"], ["interaction", "list", "-f", "json"],
     ["amount"], ["occurred_on"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("excel", "infilter"),
    [(True, "CSV:59,34,76,1,,1031"), (False, "CSV:44,34,76,1,,1033")],
    ids=["excel-german", "plain-english"],
)
def test_libreoffice_reads_numbers_dates_and_inert_text(
    shop: Run, tmp_path: Path, excel: bool, infilter: str
) -> None:
    files = []
    for name, line, _json, _money, _dates in SOURCES:
        written = [*line, *(["--excel"] if excel else ["--format", "csv"] * (line[0] != "export"))]
        files.append(tmp_path / f"{name}.csv")
        files[-1].write_bytes(ok(shop(*written)).stdout_bytes)
    sheets = convert(files, infilter, tmp_path)
    for name, _line, json_line, money, dates in SOURCES:
        rows, data = sheets[name], json.loads(ok(shop(*json_line, "--limit", "0")).stdout)
        assert len(rows) == len(data), name
        for column in money:
            assert {row[column].kind for row in rows} <= {"float", None}, (name, column)
            total = sum(float(row[column].value) for row in rows if row[column].kind)
            assert total == pytest.approx(sum(row[column] or 0 for row in data), abs=0.01)
        for column in dates:
            assert {row[column].kind for row in rows} <= {"date", None}, (name, column)
            assert any(row[column].kind for row in rows), (name, column)
    names = {row["name"].value for row in sheets["list"]}
    assert {"Weingut Höfler", "Müller Bau GmbH"} <= names
    assert {"'" + payload for payload in PAYLOADS} <= names  # text, shown as typed
    notes = [row["note"] for row in sheets["interactions"] if row["note"].value == "'=SUM(A1:A9)"]
    assert [note.kind for note in notes] == ["string"]
    for rows in sheets.values():
        assert all(cell.formula is None for row in rows for cell in row.values())
    if excel:  # the instants too, in local time
        interactions = sheets["interactions"]
        order = next(row for row in interactions if row["customer"].value == "weingut-hoefler")
        assert order["occurred_at"] == Cell("date", "2026-11-20T14:30:00", None)
        assert order["amount"] == Cell("float", "1234.56", None)
