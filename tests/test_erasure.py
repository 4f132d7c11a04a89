"""Erasure holds, and says honestly what it can't reach (issue 12 §8)."""

import json
import sqlite3
from pathlib import Path

import pytest

from kundenpflege.storage import db
from tests.conftest import Run, error_line, journal_bytes, journal_rows, journal_snapshot, ok


@pytest.fixture
def people(journal: Run) -> Run:
    for handle in ("acme", "beta", "gamma"):
        ok(journal("add", handle))
    ok(journal("contact", "add", "acme", "Anja Berg", "--email", "anja@example.org"))
    ok(journal("contact", "add", "beta", "Anja Berg", "--email", "Anja@Example.org"))
    ok(journal("contact", "add", "gamma", "Jan Roth", "--email", "jan@example.org"))
    ok(journal("contact", "add", "beta", "Jan Roth", "--email", "jan.roth@beta.example"))
    ok(journal("log", "acme", "--contact", "anja@example.org", "--note", "Anja privat"))
    return journal


def contacts() -> list[tuple[object, ...]]:
    return journal_rows(
        "SELECT c.handle, ct.name FROM contacts ct JOIN customers c ON c.id = ct.customer_id"
        " ORDER BY 1, 2"
    )


def test_an_email_alone_is_one_person_at_every_customer(people: Run) -> None:
    exported = json.loads(ok(people("gdpr", "export", "anja@example.org")).stdout)
    assert [document["subject"] for document in exported] == [
        {"kind": "contact", "customer": "acme"},
        {"kind": "contact", "customer": "beta"},
    ]
    result = ok(people("gdpr", "forget", "ANJA@example.org", "--yes"))
    assert result.stderr.splitlines() == [
        "Erased acme/Anja Berg: 2 rows removed.",
        "Erased beta/Anja Berg: 1 row removed.",
    ]
    assert contacts() == [("beta", "Jan Roth"), ("gamma", "Jan Roth")]
    assert b"Anja privat" not in journal_bytes()


def test_a_name_several_people_have_lists_them_and_erases_nobody(people: Run) -> None:
    before = journal_snapshot()
    assert error_line(people("gdpr", "forget", "Jan Roth", "--yes")) == (
        "Error: 'Jan Roth' names several people: beta/Jan Roth, gamma/Jan Roth;"
        " say which with HANDLE/CONTACT"
    )
    assert journal_snapshot() == before
    ok(people("gdpr", "forget", "jan@example.org", "--yes"))
    assert contacts()[-1] == ("beta", "Jan Roth")


def test_restrict_by_email(people: Run) -> None:
    result = ok(people("gdpr", "restrict", "anja@example.org"))
    assert result.stderr == "Restricted acme.\nRestricted beta.\n"


@pytest.mark.file_only
def test_a_reader_that_holds_the_journal_stops_the_erasure_before_it_starts(
    people: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "CHECKPOINT_WAIT_MS", 100)
    reader = sqlite3.connect(db_path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM customers").fetchone()  # holds a snapshot
    ok(people("log", "gamma", "--note", "newer than what the reader sees"))
    try:
        before = journal_snapshot()
        assert error_line(people("gdpr", "forget", "acme", "--yes")) == (
            "Error: another program is reading the journal (a backup, Litestream, Datasette"
            " or a second kundenpflege); close it and try again; nothing was erased"
        )
        assert journal_snapshot() == before
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    ok(people("gdpr", "forget", "acme", "--yes"))


@pytest.mark.file_only
def test_a_reader_that_starts_meanwhile_is_said_and_fails_the_command(
    people: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kundenpflege.domain import gdpr

    monkeypatch.setattr(db, "CHECKPOINT_WAIT_MS", 100)
    reader = sqlite3.connect(db_path, isolation_level=None)
    erase = gdpr._erase

    def erase_while_somebody_reads(*arguments: object) -> int:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM customers").fetchone()
        return erase(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(gdpr, "_erase", erase_while_somebody_reads)
    try:
        assert error_line(people("gdpr", "forget", "acme", "--yes")) == (
            "Error: erased acme (3 rows), but another program is reading the journal (a"
            " backup, Litestream, Datasette or a second kundenpflege), so the words can still"
            " be in the file; close it and run 'kundenpflege doctor'"
        )
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    assert "ok       WAL size: 0.0 MB" in ok(people("doctor")).stdout
    assert b"Anja privat" not in db_path.read_bytes()


@pytest.mark.file_only
def test_the_copies_made_before_are_named(people: Run) -> None:
    backup = Path(ok(people("backup")).stdout.strip())
    result = ok(people("gdpr", "forget", "acme", "--yes"))
    assert result.stderr.splitlines()[-1] == (
        f"These copies were made before and still hold them: {backup}"
    )
