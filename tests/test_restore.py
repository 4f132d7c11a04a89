"""restore never loses or corrupts anything (issue 12 §1)."""

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PINNED_NOW, Run, error_line, journal_snapshot, ok

# backup and restore copy the journal FILE; on a server: pg_dump, pg_restore.
pytestmark = pytest.mark.file_only


def handles(path: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT handle FROM customers ORDER BY 1")]
    finally:
        connection.close()


def backup_of(run: Run, tmp_path: Path, name: str, *customers: str) -> Path:
    other = tmp_path / f"{name}.db"
    ok(run("--db", str(other), "init"))
    for handle in customers:
        ok(run("--db", str(other), "add", handle))
    target = tmp_path / f"{name}.bak"
    ok(run("--db", str(other), "backup", str(target)))
    return target


def kept_copies(db_path: Path) -> list[Path]:
    return sorted(db_path.parent.glob("journal-before-restore-*.db"))


def test_two_restores_in_one_second_keep_everything(
    journal: Run, db_path: Path, tmp_path: Path
) -> None:
    ok(journal("add", "original-precious"))
    first, second = backup_of(journal, tmp_path, "a", "aaa"), backup_of(journal, tmp_path, "b")
    ok(journal("restore", str(first), "--yes"))
    ok(journal("restore", str(second), "--yes"))
    copies = kept_copies(db_path)
    assert len(copies) == 2
    assert sorted(handles(copy) for copy in copies) == [["aaa"], ["original-precious"]]
    for copy in copies:
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert sqlite3.connect(copy).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_backup_is_opened_without_writing_beside_it(
    journal: Run, db_path: Path, tmp_path: Path
) -> None:
    saved = backup_of(journal, tmp_path, "a", "aaa")
    assert sqlite3.connect(saved).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    ok(journal("restore", str(saved), "--yes"))
    assert sorted(path.name for path in tmp_path.glob("a.bak*")) == ["a.bak"]
    assert handles(db_path) == ["aaa"]


def test_a_damaged_journal_is_kept_as_it_is_and_the_restore_goes_on(
    journal: Run, db_path: Path, tmp_path: Path
) -> None:
    saved = backup_of(journal, tmp_path, "good", "gut")
    db_path.write_bytes(b"this is no database" * 100)
    result = ok(journal("restore", str(saved), "--yes"))
    [kept] = kept_copies(db_path)
    assert kept.read_bytes() == b"this is no database" * 100
    assert f"The previous journal is kept as {kept}." in result.stderr
    assert handles(db_path) == ["gut"]


def test_restore_goes_through_a_symlink(journal: Run, db_path: Path, tmp_path: Path) -> None:
    saved = backup_of(journal, tmp_path, "a", "aaa")
    link = tmp_path / "link.db"
    link.symlink_to(db_path)
    ok(journal("--db", str(link), "restore", str(saved), "--yes"))
    assert link.is_symlink() and handles(db_path) == ["aaa"]


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        ("CREATE TABLE spy (name TEXT)", "+spy"),
        ("CREATE TRIGGER copy_names AFTER INSERT ON customers BEGIN"
         " INSERT INTO settings VALUES ('x', NEW.name); END", "+trigger copy_names"),
        ("CREATE VIEW loop AS WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r)"
         " SELECT x FROM r", "+view loop"),
    ],
)  # fmt: skip
def test_a_backup_with_anything_our_migrations_never_made_is_refused(
    journal: Run, tmp_path: Path, tamper: str, named: str
) -> None:
    saved = backup_of(journal, tmp_path, "a", "aaa")
    connection = sqlite3.connect(saved)
    connection.execute(tamper)
    connection.commit()
    connection.close()
    before = journal_snapshot()
    assert error_line(journal("restore", str(saved), "--yes")) == (
        f"Error: {saved} is not a kundenpflege journal (it holds what our migrations never"
        f" made: {named})"
    )
    assert journal_snapshot() == before


def test_a_file_with_only_a_migrations_view_or_table_is_refused(
    journal: Run, tmp_path: Path
) -> None:
    fake = tmp_path / "fake.db"
    connection = sqlite3.connect(fake)
    connection.execute("CREATE VIEW migrations AS SELECT 'm001_journal' AS name")
    connection.commit()
    connection.close()
    assert error_line(journal("restore", str(fake), "--yes")) == (
        f"Error: {fake} is not a kundenpflege journal (it has no migrations table)"
    )
    only = tmp_path / "only.db"
    connection = sqlite3.connect(only)
    connection.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    connection.execute("INSERT INTO migrations VALUES ('m001_journal', 'x')")
    connection.commit()
    connection.close()
    assert "it holds what our migrations never made: -" in error_line(
        journal("restore", str(only), "--yes")
    )


def test_scripts_must_say_yes(journal: Run, db_path: Path, tmp_path: Path) -> None:
    saved = backup_of(journal, tmp_path, "a", "aaa")
    assert error_line(journal("restore", str(saved))) == (
        f"Error: restore replaces {db_path}; add --yes to confirm"
    )


def test_a_killed_restore_leaves_no_partial_copy(
    journal: Run, db_path: Path, tmp_path: Path
) -> None:
    ok(journal("add", "k"))
    stale = db_path.with_name(".journal-before-restore-4242.partial")
    stale.write_bytes(b"half")
    ok(journal("restore", str(backup_of(journal, tmp_path, "a", "aaa")), "--yes"))
    assert not stale.exists()


def test_kept_copies_are_private_whatever_the_umask(
    journal: Run, db_path: Path, tmp_path: Path
) -> None:
    ok(journal("add", "k"))
    saved = backup_of(journal, tmp_path, "a", "aaa")
    old = os.umask(0)
    try:
        ok(journal("restore", str(saved), "--yes"))
    finally:
        os.umask(old)
    [kept] = kept_copies(db_path)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


@pytest.mark.slow
def test_no_acknowledged_note_is_lost_while_restores_run(journal: Run, db_path: Path,
                                                           tmp_path: Path) -> None:  # fmt: skip
    """Reproduction B: loggers in several processes while restore runs again and again."""
    ok(journal("add", "x"))
    base = tmp_path / "base.bak"
    ok(journal("backup", str(base)))
    environment = {**os.environ, "KUNDENPFLEGE_DB": str(db_path), "KUNDENPFLEGE_NOW": PINNED_NOW}
    script = (
        "import sys\nfrom kundenpflege.cli import main\n"
        "for n in range(int(sys.argv[2])):\n"
        "    note = f'W{sys.argv[1]}-{n}'\n"
        "    try:\n        main(['log', 'x', '--note', note])\n"
        "    except SystemExit as done:\n"
        "        if not done.code:\n            print(note, flush=True)\n"
    )
    loggers = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(number), "25"],
            env=environment,
            stderr=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        for number in range(4)
    ]
    for _ in range(4):
        time.sleep(1)
        subprocess.run([sys.executable, "-m", "kundenpflege", "restore", str(base), "--yes"],
                       env=environment, capture_output=True, check=False)  # fmt: skip
    acknowledged: set[str] = set()
    for logger in loggers:
        output, errors = logger.communicate(timeout=120)
        assert "Traceback" not in errors.decode(), errors.decode()
        acknowledged |= set(output.decode().split())
    notes: set[str] = set()
    for path in [db_path, *kept_copies(db_path)]:
        connection = sqlite3.connect(path)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        notes |= {row[0] for row in connection.execute("SELECT note FROM interactions")}
        connection.close()
    assert acknowledged and acknowledged <= notes, acknowledged - notes
