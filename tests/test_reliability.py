"""Reliability under load (slow; run by `make test-slow` and CI)."""

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kundenpflege.domain import journal as unit_of_work
from tests.conftest import Run, ok

WRITER = textwrap.dedent(
    """
    import sys
    from kundenpflege.cli import main

    worker, count = sys.argv[1], int(sys.argv[2])
    for number in range(count):
        try:
            main(["log", "kunde", "--kind", "call", "--note", f"{worker}-{number}"])
        except SystemExit as exit:
            if exit.code:
                sys.exit(f"worker {worker} failed at {number} with {exit.code}")
    """
)


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(journal: Run, db_path: Path) -> None:
    ok(journal("add", "kunde"))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(worker), "200"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(4)
    ]
    errors = [worker.communicate(timeout=600)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], errors
    assert not any("locked" in error for error in errors)
    connection = sqlite3.connect(db_path)
    notes = {note for (note,) in connection.execute("SELECT note FROM interactions")}
    assert len(notes) == 800
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    last = connection.execute(
        "SELECT last_interaction_id FROM customers WHERE handle = 'kunde'"
    ).fetchone()[0]
    assert last == connection.execute("SELECT max(id) FROM interactions").fetchone()[0]


IMPORT = textwrap.dedent(
    """
    import sys
    from kundenpflege.cli import main
    main(["--db", sys.argv[1], "import", "csv", sys.argv[2]])
    """
)


def big_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("handle,name,email,value,tier,every\n")
        for number in range(rows):
            handle.write(
                f"k-{number:06d},Firma {number},k{number}@example.org,{number % 900 + 100},"
                f"{'ABC'[number % 3]},monthly\n"
            )


@pytest.mark.slow
def test_killed_imports_leave_all_or_nothing(tmp_path: Path) -> None:
    import random
    import signal
    import time

    from kundenpflege import clock

    source = tmp_path / "customers.csv"
    big_csv(source, 50_000)
    journal = tmp_path / "journal.db"
    unit_of_work.create_journal(journal, clock.now())[0].close()
    chance = random.Random(7)
    outcomes = {"absent": 0, "present": 0}
    for _ in range(50):
        process = subprocess.Popen(
            [sys.executable, "-c", IMPORT, str(journal), str(source)], stderr=subprocess.DEVNULL
        )
        time.sleep(chance.uniform(0.2, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        connection = sqlite3.connect(journal)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = connection.execute("SELECT count(*) FROM customers").fetchone()[0]
        connection.close()
        assert count in (0, 50_000)
        if count:
            outcomes["present"] += 1
            connection = sqlite3.connect(journal)
            connection.execute("PRAGMA foreign_keys = ON")
            for table in (
                "followups",
                "interactions",
                "preferences",
                "contacts",
                "customer_tags",
                "customers",
            ):
                connection.execute(f"DELETE FROM {table}")
            connection.commit()
            connection.close()
        else:
            outcomes["absent"] += 1
    assert outcomes["absent"] > 0


FULL_DISK = textwrap.dedent(
    """
    import resource, signal, sys
    from kundenpflege.cli import main
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limit = int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    main(["--db", sys.argv[1], "import", "csv", sys.argv[2]])
    """
)


@pytest.mark.slow
def test_a_full_disk_is_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    from kundenpflege import clock

    source = tmp_path / "customers.csv"
    big_csv(source, 20_000)
    journal = tmp_path / "journal.db"
    unit_of_work.create_journal(journal, clock.now())[0].close()
    size = journal.stat().st_size
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(journal), str(source), str(size + 64 * 1024)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: cannot write to {journal}: ")
    assert line.endswith("; nothing was changed")
    connection = sqlite3.connect(journal)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connection.execute("SELECT count(*) FROM customers").fetchone()[0] == 0
