"""What a second attack on issue 12's fixes found, each kept as a test."""

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.conftest import Run, error_line, journal_snapshot, ok


@pytest.fixture
def saved(journal: Run, tmp_path: Path) -> Path:
    ok(journal("add", "k", "--name", "Kunde"))
    ok(journal("log", "k", "--kind", "call", "--note", "n"))
    target = tmp_path / "saved.bak"
    ok(journal("backup", str(target)))
    return target


def tampered(saved: Path, *statements: str) -> Path:
    connection = sqlite3.connect(saved)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()
    return saved


@pytest.mark.parametrize(
    ("statements", "problem"),
    [
        (["CREATE TRIGGER _litestream AFTER INSERT ON interactions BEGIN"
          " DELETE FROM interactions WHERE id = NEW.id; END"],
         "it holds what our migrations never made: +trigger _litestream"),
        (["CREATE UNIQUE INDEX one_a_day ON interactions (customer_id)"],
         "it holds what our migrations never made: +one_a_day"),
        (["UPDATE customers SET customer_since = 'never'"],
         "customers[0].customer_since: 'never' is not a date"),
        (["PRAGMA foreign_keys = OFF",
          "INSERT INTO interactions (customer_id, occurred_at, occurred_on, direction, kind,"
          " recorded_at) VALUES (777, '2026-11-20T10:00:00+00:00', '2026-11-20', 'out',"
          " 'call', '2026-11-20T10:00:00+00:00')"],
         "table interactions refers to a row that is not there"),
    ],
)  # fmt: skip
@pytest.mark.file_only
def test_a_backup_that_would_break_the_journal_is_refused(
    journal: Run, saved: Path, statements: list[str], problem: str
) -> None:
    tampered(saved, *statements)
    before = journal_snapshot()
    line = error_line(journal("restore", str(saved), "--yes"))
    assert problem in line, line
    assert journal_snapshot() == before


@pytest.mark.file_only
def test_a_backup_with_changes_in_its_wal_or_the_journal_itself_is_refused(
    journal: Run, db_path: Path, saved: Path
) -> None:
    Path(f"{saved}-wal").write_bytes(b"x" * 100)
    assert "that are not in the file" in error_line(journal("restore", str(saved), "--yes"))
    assert error_line(journal("restore", str(db_path), "--yes")) == (
        f"Error: {db_path} is the journal itself"
    )


@pytest.mark.file_only
def test_a_damaged_journal_behind_a_symlink_stays_in_its_folder(
    journal: Run, saved: Path, tmp_path: Path
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "j.db").write_bytes(b"no database" * 50)
    (real / "j.db").chmod(0o644)
    link = tmp_path / "link.db"
    link.symlink_to(real / "j.db")
    ok(journal("--db", str(link), "restore", str(saved), "--yes"))
    [kept] = list(real.glob("j-before-restore-*.db"))
    assert kept.read_bytes() == b"no database" * 50
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE((real / "j.db").stat().st_mode) == 0o600
    assert link.is_symlink() and "k" in ok(journal("--db", str(link), "list")).stdout


def test_restricted_customers_are_not_changed_by_imports_nor_suggested(
    journal: Run, tmp_path: Path
) -> None:
    ok(journal("add", "secret-co", "--name", "Geheim"))
    ok(journal("gdpr", "restrict", "secret-co"))
    sheet = tmp_path / "in.csv"
    sheet.write_text("handle,name,tags\nsecret-co,Geheim,neu\n", encoding="utf-8")
    before = journal_snapshot()
    assert "secret-co is restricted" in error_line(journal("import", "csv", str(sheet)))
    assert "secret-co is restricted" in error_line(journal("contact", "list", "secret-co"))
    assert error_line(journal("show", "secret")) == (
        "Error: customer 'secret' not found; see 'kundenpflege list'"
    )
    assert journal_snapshot() == before


def test_an_ambiguous_customer_name_erases_nobody(journal: Run) -> None:
    for handle in ("delta", "epsilon"):
        ok(journal("add", handle, "--name", "Firma Doppelt"))
    ok(journal("add", "gamma"))
    ok(journal("contact", "add", "gamma", "Firma Doppelt"))
    before = journal_snapshot()
    assert error_line(journal("gdpr", "forget", "Firma Doppelt", "--yes")) == (
        "Error: 'Firma Doppelt' matches several customers: delta, epsilon"
    )
    assert journal_snapshot() == before


def test_notes_are_bounded(journal: Run) -> None:
    ok(journal("add", "a"))
    before = journal_snapshot()
    assert error_line(journal("log", "a", "--note", "-", input="x" * (2 << 20))) == (
        "Error: the note is longer than 1 MiB; nothing was logged"
    )
    assert error_line(journal("log", "a", "--note", "-", input="a\x00b")) == (
        "Error: the note contains a NUL character; nothing was logged"
    )
    assert journal_snapshot() == before


def test_utf16_files_meet_the_same_caps(journal: Run, tmp_path: Path) -> None:
    book = tmp_path / "book.vcf"
    book.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Petra\r\nORG:Bau\r\nPHOTO;ENCODING=b:"
        + "A" * (2 << 20) + "\r\nEND:VCARD\r\n",
        encoding="utf-16",
    )  # fmt: skip
    assert "Left out 1 picture or sound" in ok(journal("import", "vcard", str(book))).stderr
    sheet = tmp_path / "long.csv"
    sheet.write_text("name\n" + "x" * (2 << 20) + "\n", encoding="utf-16")
    assert "line 2 is longer than 1 MiB" in error_line(journal("import", "csv", str(sheet)))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda data: data["tables"]["interactions"][0].update(note="\ud800"),
         "tables.interactions[0].note: not text"),
        (lambda data: data["tables"]["people"].append({}), "tables.people[2]: not a row"),
        (lambda data: data["tables"].update(evil=[]), "no such table: evil"),
        (lambda data: data["tables"]["customers"][0].update(created_at="2026-11-25T08:00:00"),
         "tables.customers[0].created_at: '2026-11-25T08:00:00' has no time zone"),
        (lambda data: data["tables"]["customers"][0].update(preference_id=99),
         "customers #1 points at another customer's entry"),
    ],
)  # fmt: skip
def test_import_json_refuses_what_later_commands_would_trip_on(
    journal: Run, tmp_path: Path, other_journal_address: str, change: object, problem: str
) -> None:
    ok(journal("add", "k"))
    ok(journal("person", "add", "anna"))
    ok(journal("person", "add", "ben"))
    ok(journal("log", "k", "--kind", "call", "--note", "n"))
    data = json.loads(ok(journal("export", "json")).stdout)
    change(data)  # type: ignore[operator]
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    target = other_journal_address
    ok(journal("--db", target, "init"))
    assert problem in error_line(journal("--db", target, "import", "json", str(source)))


def test_an_integer_of_thousands_of_digits(journal: Run, tmp_path: Path) -> None:
    source = tmp_path / "big.json"
    source.write_text('{"format": "kundenpflege-journal", "x": ' + "9" * 5000 + "}")
    ok(journal("init"))
    assert error_line(journal("import", "json", str(source))).startswith(
        f"Error: {source}: not a journal export ("
    )


def test_a_url_is_no_journal_file(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    line = error_line(run("--db", "postgresql://anna:geheim@db.example/kunden", "backup"), 2)
    assert line == (
        "Error: 'postgresql://…' names a database server; this command works on a journal file"
        " (on a server: 'copy --to FILE' for a file of the moment, or pg_dump and pg_restore;"
        " see docs/team.md)"
    )
    monkeypatch.setenv("KUNDENPFLEGE_DB", "https://example.org/journal.db")
    assert "'https://…' is not a journal file" in error_line(run("init"), 2)
    assert list(tmp_path.iterdir()) == []  # no folder named `postgresql:` or `https:`
