"""Every input is bounded: one `Error:` line, nothing changed (issue 12 §4)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PINNED_NOW, Run, error_line, journal_snapshot, ok

FAR = "lies outside the years the journal keeps (1900-2199)"


@pytest.fixture
def kunde(journal: Run) -> Run:
    ok(journal("add", "a", "--name", "Anker"))
    return journal


@pytest.mark.parametrize(
    ("arguments", "message", "status"),
    [
        (["log", "a", "--at", "+9999y"], f"'+9999y' {FAR}", 1),
        (["log", "a", "--at", "-9999y"], f"'-9999y' {FAR}", 1),
        (["log", "a", "--followup", "+9999y"], f"'+9999y' {FAR}", 1),
        (["followup", "add", "a", "x", "--due", "+9999y"], f"'+9999y' {FAR}", 1),
        (["pause", "a", "--until", "+9999y"], f"'+9999y' {FAR}", 1),
        (["add", "b", "--since", "-9999y"], f"'-9999y' {FAR}", 1),
        (["prefer", "a", "--every", "monthly", "--said", "+9999y"], f"'+9999y' {FAR}", 1),
        (["due", "--as-of", "+9999y"], f"'+9999y' {FAR}", 1),
        (["due", "--as-of", "2200-01-01"], f"'2200-01-01' {FAR}", 1),
        (["due", "--days", "3000000"],
         "Invalid value for '--days': 3000000 is not in the range 0<=x<=36500.", 2),
        (["export", "ical", "--days", "99999999"],
         "Invalid value for '--days': 99999999 is not in the range 0<=x<=36500.", 2),
        (["fairness", "--window", "99999999"],
         "Invalid value for '--window': 99999999 is not in the range 1<=x<=36500.", 2),
        (["value", "--window", "99999999"],
         "Invalid value for '--window': 99999999 is not in the range 1<=x<=36500.", 2),
        (["reactive", "--window", "99999999"],
         "Invalid value for '--window': 99999999 is not in the range 1<=x<=36500.", 2),
        (["pulse", "--period", "99999999"],
         "Invalid value for '--period': 99999999 is not in the range 1<=x<=36500.", 2),
        (["due", "--limit", "99999999999999999999"], "Invalid value for '--limit' / '-n':"
         " 99999999999999999999 is not in the range x<=1000000.", 2),
        (["impressions", "--last", "99999999999999999999"], "Invalid value for '--last':"
         " 99999999999999999999 is not in the range 1<=x<=1000000.", 2),
        (["add", "x", "--value", "inf"],
         "Invalid value for '--value': inf is not in the range x<=1000000000.0.", 2),
        (["log", "a", "--kind", "order", "--amount", "inf"],
         "Invalid value for '--amount': inf is not in the range x<=1000000000.0.", 2),
        (["add", "x", "--value", "nan"],
         "annual value nan is not an amount of money up to 1,000,000,000 EUR", 1),
        (["edit", "a", "--value", "nan"],
         "annual value nan is not an amount of money up to 1,000,000,000 EUR", 1),
        (["log", "a", "--kind", "order", "--amount", "nan"],
         "amount nan is not an amount of money up to 1,000,000,000 EUR", 1),
    ],
)  # fmt: skip
def test_out_of_bounds_is_one_error_line_and_changes_nothing(
    kunde: Run, arguments: list[str], message: str, status: int
) -> None:
    before = journal_snapshot()
    assert error_line(kunde(*arguments), code=status) == f"Error: {message}"
    assert journal_snapshot() == before


def test_bounds_in_german(kunde: Run) -> None:
    result = kunde("--lang", "de", "add", "x", "--value", "nan")
    assert (result.exit_code, result.stderr) == (
        1,
        "Fehler: Jahreswert nan ist kein Geldbetrag bis 1.000.000.000 EUR\n",
    )


def test_a_pinned_clock_must_be_a_time(kunde: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    for pinned in ("garbage", "9999-12-28T09:00+01:00", "1899-12-31T09:00+01:00"):
        monkeypatch.setenv("KUNDENPFLEGE_NOW", pinned)
        assert error_line(kunde("due")) == (
            f"Error: KUNDENPFLEGE_NOW='{pinned}' is not a date and time like 2026-11-25T09:00+01:00"
        )


def test_an_argument_that_is_not_utf8(kunde: Run, journal_address: str) -> None:
    before = journal_snapshot()
    environment = {**os.environ, "KUNDENPFLEGE_DB": journal_address, "KUNDENPFLEGE_NOW": PINNED_NOW}
    finished = subprocess.run(
        [sys.executable, "-m", "kundenpflege", "add", "x", "--name", b"bad\xff"],
        capture_output=True,
        env=environment,
        check=False,
    )
    assert (finished.returncode, finished.stdout) == (2, b"")
    assert finished.stderr == b"Error: 'bad\\xff' is not UTF-8 text; nothing was changed\n"
    german = subprocess.run(
        [sys.executable, "-m", "kundenpflege", "--lang", "de", "add", "x", "--name", b"bad\xff"],
        capture_output=True, env=environment, check=False,
    )  # fmt: skip
    assert (
        german.stderr.decode() == "Fehler: „bad\\xff“ ist kein UTF-8-Text; nichts wurde geändert\n"
    )
    assert journal_snapshot() == before


def test_csv_files_are_bounded(kunde: Run, tmp_path: Path) -> None:
    before = journal_snapshot()
    assert error_line(kunde("import", "csv", "/dev/zero")) == (
        "Error: /dev/zero is not a text file"
    )
    long = tmp_path / "long.csv"
    long.write_text("name,note\nKunde," + "x" * (2 << 20) + "\nB,ok\n", encoding="utf-8")
    assert error_line(kunde("import", "csv", str(long))) == (
        f"Error: {long} line 2 is longer than 1 MiB; is this the right file?"
    )
    dates = tmp_path / "dates.csv"
    dates.write_text("name,since,value\nK,+9999y,1\n", encoding="utf-8")
    assert error_line(kunde("import", "csv", str(dates))) == (
        f"Error: {dates} line 2: '+9999y' {FAR}; nothing was imported"
        " (--skip-invalid leaves bad rows out)"
    )
    money = tmp_path / "money.csv"
    for value in ("inf", "1e400"):
        money.write_text(f"name,value\nK,{value}\n", encoding="utf-8")
        assert "is not an amount of money" in error_line(kunde("import", "csv", str(money)))
    assert journal_snapshot() == before


def test_pictures_in_address_books_are_left_out_while_reading(kunde: Run, tmp_path: Path) -> None:
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "A" * (3 << 20)  # one unfolded 3 MB line
    folded = "LOGO;ENCODING=b:" + "B" * 70 + "".join("\r\n " + "C" * 74 for _ in range(2000))
    cards = tmp_path / "book.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Petra Müller\r\nORG:Müller Bau\r\n"
        f"{photo}\r\nEMAIL:petra@example.org\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jan Berg\r\nORG:Berg Partner\r\n"
        f"{folded}\r\nSOUND:x\r\nTEL:+49 30 1\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    result = ok(kunde("import", "vcard", str(cards)))
    assert "Left out 3 pictures and sounds: the journal keeps none." in result.stderr
    assert "Imported" in result.stderr
    listing = ok(kunde("contact", "list", "berg-partner")).stdout
    assert "+49 30 1" in listing


def test_names_written_decomposed_match_the_customer(kunde: Run, tmp_path: Path) -> None:
    """macOS writes files and arguments in NFD; the journal keeps NFC."""
    sheet = tmp_path / "windows.csv"
    sheet.write_text("name,tier\nMüller Bau GmbH,B\n", encoding="utf-8")
    ok(kunde("import", "csv", str(sheet)))
    decomposed = "Mu\u0308ller Bau GmbH"
    sheet.write_text(f"name,tier\n{decomposed},A\n", encoding="utf-8")
    result = ok(kunde("import", "csv", str(sheet)))
    assert result.stderr.splitlines()[0] == (
        'mueller-bau-gmbh: tier "B" kept (file says "A"; --overwrite to replace)'
    )
    environment = {**os.environ, "KUNDENPFLEGE_NOW": PINNED_NOW}
    shown = subprocess.run(
        [sys.executable, "-m", "kundenpflege", "show", decomposed],
        capture_output=True, env=environment, check=True, text=True,
    )  # fmt: skip
    assert shown.stdout.startswith("Müller Bau GmbH (mueller-bau-gmbh)")


def test_a_name_that_only_looks_like_another_is_taken_with_a_warning(
    kunde: Run, tmp_path: Path
) -> None:
    ok(kunde("add", "acme", "--name", "Acme"))
    result = ok(kunde("add", "acme-2", "--name", "\u0410cme"))  # Cyrillic А
    assert result.stderr.splitlines() == [
        "Added customer acme-2.",
        "Warning: the name of acme-2 ('\u0410cme') looks like that of acme ('Acme');"
        " is it the same customer?",
    ]
    assert ok(kunde("add", "acme-3", "--name", "Acme Bau")).stderr == "Added customer acme-3.\n"
    sheet = tmp_path / "look.csv"
    sheet.write_text("handle,name\nacme-4,\u0410cm\u0435\n", encoding="utf-8")  # А and е
    imported = ok(kunde("import", "csv", str(sheet))).stderr.splitlines()
    assert imported[:2] == [
        "Warning: the name of acme-4 ('\u0410cm\u0435') looks like that of acme ('Acme');"
        " is it the same customer?",
        "Warning: the name of acme-4 ('\u0410cm\u0435') looks like that of acme-2 ('\u0410cme');"
        " is it the same customer?",
    ]


@pytest.mark.file_only
def test_customers_from_before_get_their_skeletons(tmp_path: Path, run: Run) -> None:
    import shutil

    old = tmp_path / "old.db"
    shutil.copyfile(Path(__file__).parent / "fixtures" / "journal-m005.kundenpflege", old)
    ok(run("--db", str(old), "init"))
    result = ok(run("--db", str(old), "add", "x", "--name", "Blum\u0435n Weber"))  # Cyrillic е
    assert "looks like that of blumen-weber ('Blumen Weber')" in result.stderr


@pytest.mark.parametrize(
    "command",
    [["interaction", "edit", "--mood", "1"], ["interaction", "delete", "--yes"],
     ["followup", "done"], ["followup", "cancel"], ["followup", "edit", "--text", "x"],
     ["followup", "snooze", "--until", "2026-12-01"], ["fact", "remove"], ["date", "remove"]],
)  # fmt: skip
def test_an_entry_number_beyond_any_id_is_one_error(kunde: Run, command: list[str]) -> None:
    """SQLite cannot even look for a number past 64 bits (an OverflowError before)."""
    (*words,) = command
    group, verb, *options = words
    for number in ("99999999999999999999999", "0"):
        line = error_line(kunde(group, verb, number, *options), code=2)
        assert line == (
            f"Error: Invalid value for 'NUMBER': {number} is not in the range"
            " 1<=x<=4611686018427387904."
        )
