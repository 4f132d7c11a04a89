"""Row ids are never reused, and a note typed for a customer erased meanwhile never
lands on anybody else (issue 12 §2)."""

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

from kundenpflege import paths
from tests.conftest import PINNED_NOW, Run, error_line, journal_rows, ok


def ids(table: str) -> list[int]:
    return [int(row[0]) for row in journal_rows(f"SELECT id FROM {table} ORDER BY id")]


def test_no_id_is_given_out_twice(journal: Run) -> None:
    ok(journal("add", "alpha"))
    ok(journal("add", "acme"))
    ok(journal("contact", "add", "acme", "Anja", "--email", "anja@acme.example"))
    ok(journal("log", "acme", "--kind", "call", "--note", "Diagnose", "--followup", "+1d"))
    ok(journal("consent", "grant", "acme/Anja", "--purpose", "newsletter"))
    before = {table: max(ids(table)) for table in
              ("customers", "contacts", "interactions", "followups", "consent")}  # fmt: skip
    ok(journal("gdpr", "forget", "acme", "--yes"))
    ok(journal("add", "newco"))
    ok(journal("contact", "add", "newco", "Nina"))
    ok(journal("log", "newco", "--kind", "call", "--note", "Hallo", "--followup", "+1d"))
    ok(journal("consent", "grant", "newco/Nina", "--purpose", "newsletter"))
    for table, highest in before.items():
        assert min(ids(table)) > highest or table == "customers", table
    assert ids("customers") == [1, 3]


def test_a_note_for_a_customer_erased_meanwhile_is_kept_not_misfiled(
    journal: Run, journal_address: str
) -> None:
    ok(journal("add", "alpha"))
    ok(journal("add", "acme"))
    environment = {**os.environ, "KUNDENPFLEGE_DB": journal_address, "KUNDENPFLEGE_NOW": PINNED_NOW}
    writer = subprocess.Popen(
        [sys.executable, "-m", "kundenpflege", "log", "acme", "--note", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    # The writer finds acme and waits for the note; meanwhile acme is erased.
    time.sleep(2)
    assert writer.poll() is None
    ok(journal("gdpr", "forget", "acme", "--yes"))
    ok(journal("add", "newco"))
    out, err = writer.communicate(b"ACME: Diagnose", timeout=30)
    lines = err.decode().splitlines()
    assert writer.returncode == 1 and out == b"" and len(lines) == 1, err
    prefix = (
        "Error: customer 'acme' was removed meanwhile; nothing was logged; your note is kept in "
    )
    assert lines[0].startswith(prefix), lines
    kept = Path(lines[0].removeprefix(prefix))
    assert kept.read_text(encoding="utf-8") == "ACME: Diagnose\n"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert ids("interactions") == []
    assert "Diagnose" not in ok(journal("show", "newco")).stdout
    # Beside the file; for a server, in the user's data folder, made for it.
    assert kept.parent == paths.local_folder(paths.journal_location(journal_address))


def test_a_note_on_stdin_must_be_utf8(journal: Run) -> None:
    ok(journal("add", "a"))
    result = journal("log", "a", "--note", "-", input=b"Notiz \xff")
    assert error_line(result) == (
        "Error: the note on stdin is not UTF-8 text (byte 6); nothing was logged"
    )
    assert ids("interactions") == []
