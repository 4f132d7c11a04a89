import sqlite3
from pathlib import Path

from kundenpflege import clock
from kundenpflege.domain import journal as unit_of_work
from kundenpflege.interop import demo_data
from tests.conftest import Run, error_line, ok


def test_demo_builds_a_plausible_journal(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    result = ok(run("--db", str(path), "demo"))
    assert result.stderr == f"Created a demo journal with 40 invented customers: {path}\n"
    connection = sqlite3.connect(path)
    customers, interactions, people = connection.execute(
        "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM interactions),"
        " (SELECT count(*) FROM people)"
    ).fetchone()
    assert customers == 40
    assert people == 2
    assert 100 <= interactions <= 400
    first, last = connection.execute(
        "SELECT min(occurred_on), max(occurred_on) FROM interactions"
    ).fetchone()
    assert first >= "2026-05-27" and last <= "2026-11-25"
    kinds = {kind for (kind,) in connection.execute("SELECT DISTINCT kind FROM interactions")}
    assert {"complaint", "order", "call"} <= kinds
    assert "Müller" in "".join(name for (name,) in connection.execute("SELECT name FROM customers"))
    due = ok(run("--db", str(path), "due")).stdout
    assert "last impression negative" in due


def test_demo_is_reproducible(tmp_path: Path) -> None:
    dumps = []
    for name in ("a.db", "b.db"):
        connection, _ = unit_of_work.create_journal(tmp_path / name, clock.now())
        with unit_of_work.change(connection):
            demo_data.build(connection, clock.now(), count=15, seed=3)
        dumps.append(
            connection.execute("SELECT group_concat(note, '|') FROM interactions").fetchone()
        )
        connection.close()
    assert dumps[0] == dumps[1]


def test_demo_never_overwrites_a_journal(journal: Run, db_path: Path) -> None:
    assert error_line(journal("demo")) == (
        f"Error: {db_path} exists already; the demo only writes to a new file"
    )
