"""User text is data: markup stays literal and control characters never reach a
terminal, the cron mail, a calendar or stderr raw (issue 12, section 3 and 9)."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import Result

from kundenpflege.present.escape import one_line
from kundenpflege.present.render import neutralise
from tests.conftest import Run, error_line, journal_snapshot, ok, terminal

MARKUP = ["Smith [/b] Ltd", "Preis [netto] GmbH", "[link=https://evil.example]x[/link]"]
CONTROLS = [
    "K\x1b]0;PWNED\x07\x1b[2J",  # OSC title, BEL, clear screen
    "cr\roverwrite",  # shown as \r
    "nul\x00byte",
    "bidi\u202egnp.exe",
    "marks\u200f\u061c\u2028line",
    "c1\x9bcsi",
    "del\x7fx",
]
PAYLOADS = MARKUP + CONTROLS
# What a journal keeps as typed: everything but NUL, which no journal keeps (a server's
# text cannot hold it; test_a_nul_is_refused_wherever_it_comes_from).
KEPT = [payload for payload in PAYLOADS if "\x00" not in payload]
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own colours on a terminal


def hostile_journal(run: Run) -> None:
    """Every field a person types holds a payload."""
    for number, payload in enumerate(PAYLOADS):
        if payload not in KEPT:
            continue
        handle = f"k{number}"
        ok(run("add", handle, "--name", payload, "--company", payload, "--tag", f"t{number}"))
        ok(run("contact", "add", handle, f"P{number} {payload}", "--role", payload))
        ok(run("prefer", handle, "--channel", "phone", "--source", payload))
        note = payload.replace("\x00", "")  # a note with NUL is refused (test_bounds)
        ok(run("log", handle, "--kind", "complaint", "--mood", "-1", "--note", note,
               "--followup", "+1d"))  # fmt: skip
        ok(run("followup", "add", handle, payload, "--due", "today"))
        ok(run("consent", "grant", handle, "--purpose", "newsletter", "--evidence", payload))
        ok(run("fact", "add", handle, note, "--source", note))
        ok(run("date", "add", handle, "--on", "+2d", "--what", note, "--source", note))


def assert_inert(result: Result) -> None:
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    for stream in (result.stdout, result.stderr):
        assert not RAW.findall(stream), RAW.findall(stream)


COMMANDS = [
    ["list"], ["due"], ["impressions"], ["show", "k0"], ["show", "k3"], ["followup", "list"],
    ["consent", "list"], ["contact", "list", "k3"], ["health"], ["value"], ["reactive"],
    ["fairness"], ["pulse"], ["remind"], ["person", "list"], ["fact", "list"], ["date", "list"],
    ["remind", "--days", "3"],
]  # fmt: skip


def test_every_report_shows_user_text_inert_when_piped(journal: Run) -> None:
    hostile_journal(journal)
    for command in COMMANDS:
        result = journal(*command)
        assert_inert(result)
    listing = ok(journal("list")).stdout
    for payload in MARKUP:
        assert payload in listing  # literally, brackets and all
    assert "K\\x1b]0;PWNED\\x07\\x1b[2J" in listing
    assert "bidi\\u202egnp.exe" in ok(journal("show", "k6")).stdout


def test_the_calendar_and_messages_are_inert(journal: Run) -> None:
    hostile_journal(journal)
    calendar = ok(journal("export", "ical")).stdout
    assert not RAW.findall(calendar.replace("\r\n", "\n"))
    result = journal("contact", "add", "k0", "K\x1b]0;PWNED\x07\x1b[2J")
    assert_inert(result)
    assert "K\\x1b]0;PWNED\\x07\\x1b[2J" in result.stderr
    error = journal("show", "\x1b[2Jnobody")
    assert error.exit_code == 1 and not RAW.findall(error.stderr), error.stderr


def test_data_formats_keep_the_data_but_never_nul(journal: Run) -> None:
    hostile_journal(journal)
    rows = json.loads(ok(journal("list", "--format", "json")).stdout)
    assert {row["name"] for row in rows} == set(KEPT)
    exported = ok(journal("list", "--format", "csv")).stdout
    assert "\x00" not in exported
    names = {row["name"] for row in csv.DictReader(io.StringIO(exported))}
    assert "K\x1b]0;PWNED\x07\x1b[2J" in names


def test_a_nul_is_refused_wherever_it_comes_from(
    journal: Run, tmp_path: Path, other_journal_address: str
) -> None:
    """The same on a file and a server: an argument, a line of a file, a value of an
    export; one line each, and nothing written."""
    ok(journal("add", "k"))
    before = journal_snapshot()
    assert error_line(journal("add", "n", "--name", "nul\x00byte"), code=2) == (
        "Error: 'nul\\x00byte' contains a NUL character, which a journal does not keep;"
        " nothing was changed"
    )
    assert error_line(journal("log", "k", "--note", "a\x00b"), code=2).startswith(
        "Error: 'a\\x00b'"
    )
    assert error_line(journal("log", "k", "--note", "-", input="a\x00b")) == (
        "Error: the note contains a NUL character; nothing was logged"
    )
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(b"name,email\n" + b"Kunde,k@example.org\n" * 300 + b"Nul\x00,n@example.org\n")
    assert error_line(journal("import", "csv", str(sheet))) == (
        f"Error: {sheet} line 302 contains a NUL character, which a journal does not keep"
    )
    # Counted in the file as it is, with the lines of a photo left out of the reading.
    book = tmp_path / "book.vcf"
    photo = "".join(f" {'A' * 74}\n" for _ in range(80))
    book.write_text(
        f"BEGIN:VCARD\nVERSION:3.0\nFN:Foto\nPHOTO;ENCODING=b:AAAA\n{photo}END:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Nul\x00l\nEND:VCARD\n"
    )
    assert error_line(journal("import", "vcard", str(book))) == (
        f"Error: {book} line 88 contains a NUL character, which a journal does not keep"
    )
    export = json.loads(ok(journal("export", "json")).stdout)
    export["tables"]["customers"][0]["name"] = "nul\x00byte"
    document = tmp_path / "export.json"
    document.write_text(json.dumps(export))
    assert journal_snapshot() == before
    ok(journal("--db", other_journal_address, "init"))
    refused = error_line(journal("--db", other_journal_address, "import", "json", str(document)))
    assert refused.endswith("customers[0].name: contains a NUL character"), refused


@pytest.mark.parametrize(
    "command", [["list"], ["due"], ["show", "k0"], ["followup", "list"], ["fact", "list"]]
)
def test_a_terminal_gets_no_raw_control_and_no_markup(
    journal: Run, journal_address: str, command: list[str]
) -> None:
    hostile_journal(journal)
    screen = SGR.sub("", terminal(command, journal_address))
    assert "Traceback" not in screen and "MarkupError" not in screen
    assert not RAW.findall(screen.replace("\r\n", "\n")), RAW.findall(screen)
    if command == ["list"]:
        flat = " ".join(screen.split())
        assert "Smith [/b] Ltd" in flat and "Preis [netto] GmbH" in flat


def test_the_helpers() -> None:
    assert one_line("a\nb\x1b[2J\u202e\x00") == "a\\nb\\x1b[2J\\u202e\\x00"
    assert one_line("a\nb\tc\r") == "a\\nb\\tc\\r"
    assert one_line("Müller & Söhne [GmbH] \\") == "Müller & Söhne [GmbH] \\"


@pytest.mark.parametrize(
    "cell",
    ["=1+2", "＝1+2", "＋1", "－1", "＠SUM(A1)", "\u00a0=1+2", "\u3000=1", "\n=1", " @x"],
)
def test_every_formula_trigger_is_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_csv_exports_neutralise_fullwidth_formulas(journal: Run) -> None:
    ok(journal("add", "k", "--name", "＝HYPERLINK(1)", "--company", "\u00a0=cmd"))
    for arguments in (["list", "-f", "csv"], ["export", "csv", "customers"]):
        text = ok(journal(*arguments)).stdout
        assert "'＝HYPERLINK(1)" in text and "'\u00a0=cmd" in text, text


@pytest.mark.file_only
def test_doctor_names_text_a_file_kept_with_a_nul(journal: Run, db_path: Path) -> None:
    """Before every way in refused it, a CSV line past the first 4 KB could bring a NUL
    into a file: doctor names those entries, which no export brings back."""
    import sqlite3

    ok(journal("add", "k", "--name", "Kunde"))
    ok(journal("log", "k", "--kind", "call", "--note", "Anruf"))
    assert "NUL" not in ok(journal("doctor")).stdout
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE customers SET name = 'Ku' || char(0) || 'nde'")
        raw.execute("UPDATE interactions SET note = 'An' || char(0) || 'ruf'")
    raw.close()
    ok(journal("edit", "k", "--tier", "B"))  # settles what the raw update marked
    assert (
        "warning  text: customers 1, interactions 1 hold a NUL character, which an export"
        " cannot bring back nor a server keep; correct them with the command that made them"
        " ('edit', 'interaction edit', …)"
    ) in ok(journal("doctor")).stdout.splitlines()
    ok(journal("edit", "k", "--name", "Kunde"))
    ok(journal("interaction", "edit", "1", "--note", "Anruf"))
    assert "NUL" not in ok(journal("doctor")).stdout
