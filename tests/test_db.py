import json
import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest

from kundenpflege import clock
from kundenpflege.domain import journal as unit_of_work
from kundenpflege.errors import KundenpflegeError
from kundenpflege.storage import db
from kundenpflege.storage.connection import Connection
from tests.conftest import Run, error_line, journal_snapshot, ok


@pytest.mark.file_only
def test_new_journal_is_private_and_in_wal_mode(tmp_path: Path, run: Run) -> None:
    path = tmp_path / "deep" / "er" / "journal.db"
    result = ok(run("--db", str(path), "init"))
    assert result.stderr == f"Created {path}\n"
    assert result.stdout == ""
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_init_twice_is_harmless(journal: Run, journal_name: str) -> None:
    result = ok(journal("init"))
    assert result.stderr == f"Journal is up to date: {journal_name}\n"


@pytest.mark.file_only
def test_connection_pragmas(connection: sqlite3.Connection) -> None:
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert connection.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_transaction_rolls_back_everything_on_error(connection: Connection) -> None:
    with pytest.raises(RuntimeError), unit_of_work.change(connection):
        connection.execute("INSERT INTO settings (key, value) VALUES ('a', 'b')")
        raise RuntimeError("boom")
    assert connection.execute("SELECT count(*) FROM settings").fetchone()[0] == 0
    assert not connection.in_transaction


@pytest.mark.file_only
def test_missing_journal_says_to_run_init(run: Run, db_path: Path) -> None:
    assert error_line(run("due")) == (
        f"Error: no journal at {db_path}; create one with 'kundenpflege init'"
    )


@pytest.mark.file_only
def test_a_file_that_is_not_sqlite(run: Run, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not a database at all" * 100)
    assert error_line(run("--db", str(bogus), "due")) == (
        f"Error: {bogus} is not a readable kundenpflege journal (damaged or not SQLite)"
    )


@pytest.mark.file_only
def test_a_folder_instead_of_a_file(run: Run, tmp_path: Path) -> None:
    assert error_line(run("--db", str(tmp_path), "list")) == (
        f"Error: {tmp_path} is not a file; point --db at a journal file"
    )


@pytest.mark.file_only
@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_read_only_journal(journal: Run, db_path: Path) -> None:
    db_path.chmod(0o400)
    line = error_line(journal("add", "x"))
    assert line == f"Error: cannot write to {db_path}: the file or its folder is read-only"


@pytest.mark.file_only
def test_read_only_journal_via_sqlite(
    journal: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root ignores file modes, so open the file read-only the way SQLite reports it."""
    real_connect = db._connect

    def read_only(path: Path, now: datetime, command: str) -> sqlite3.Connection:
        connection = real_connect(path, now, command)
        connection.execute("PRAGMA query_only = ON")
        return connection

    monkeypatch.setattr(db, "_connect", read_only)
    before = journal_snapshot()
    line = error_line(journal("add", "x"))
    assert line == f"Error: cannot write to {db_path}: the file or its folder is read-only"
    assert journal_snapshot() == before


@pytest.mark.file_only
def test_locked_journal_gives_a_clear_error(
    journal: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_SECONDS", 0.1)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        line = error_line(journal("add", "x"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert line == f"Error: the journal {db_path} is busy (another program is writing); try again"


def test_explain_messages() -> None:
    path = Path("/j.db")
    assert str(db.explain(sqlite3.OperationalError("database or disk is full"), path)) == (
        "cannot write to /j.db: database or disk is full; nothing was changed"
    )
    assert str(db.explain(sqlite3.OperationalError("unable to open database file"), path)) == (
        "cannot open /j.db: unable to open database file"
    )


@pytest.mark.file_only
def test_create_in_an_unwritable_place(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(KundenpflegeError, match="cannot create .*journal.db"):
        unit_of_work.create_journal(blocker / "journal.db", clock.now())


def test_init_sets_the_default_rhythm_and_replans(journal: Run) -> None:
    ok(journal("add", "k"))
    ok(journal("log", "k", "--at", "2026-11-01", "--kind", "call"))
    [before] = json.loads(ok(journal("due", "-f", "json", "--days", "120")).stdout)
    assert (before["due_on"], before["detail"]) == ("2027-02-01", "quarterly (default)")
    result = ok(journal("init", "--default-every", "monatlich"))
    assert result.stderr.startswith("Default rhythm is now monthly.\n")
    [after] = json.loads(ok(journal("due", "-f", "json", "--days", "120")).stdout)
    assert (after["due_on"], after["detail"]) == ("2026-12-01", "monthly (default)")
    assert error_line(journal("init", "--default-every", "manchmal")) == (
        "Error: cannot read frequency 'manchmal'; try weekly, every 2 weeks, monthly,"
        " quarterly, alle 2 Wochen or monatlich"
    )


@pytest.mark.file_only
def test_backup_next_to_the_journal_by_default(journal: Run, db_path: Path) -> None:
    written = Path(ok(journal("backup")).stdout.strip())
    assert written.parent == db_path.parent
    assert written.name == "journal-20261125-090000.backup.db"  # local time (Berlin)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
