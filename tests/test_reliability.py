"""Reliability under load (slow; run by `make test-slow` and CI)."""

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

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
