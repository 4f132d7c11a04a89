"""A team on one journal (issue 17): who logs, whose change `undo` reverses, and
a server journal made by an earlier version brought up to date."""

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import Result

from kundenpflege.paths import Server
from tests.conftest import ON_SERVER, Run, error_line, journal_snapshot, ok, reading
from tests.test_engines import _person
from tests.test_postgres_server import name_of

if TYPE_CHECKING:
    from tests.postgres_server import PostgresServer


def _query(url: str, sql: str) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(url) as raw:
        return list(raw.execute(sql).fetchall())


def _logged_by(run: Run, handle: str) -> list[str | None]:
    """Who of us made each of the customer's entries, newest first."""
    import json

    rows = json.loads(ok(run("interaction", "list", handle, "--format", "json")).stdout)
    return [row["person"] for row in rows]


def test_kundenpflege_person_logs_and_owns_the_change(
    journal: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    for person in ("anna", "ben"):
        ok(journal("person", "add", person))
    ok(journal("add", "mueller-bau"))
    ok(journal("prefer", "mueller-bau", "--person", "ben"))
    ok(journal("log", "mueller-bau", "--kind", "call"))  # nobody said: their choice
    monkeypatch.setenv("KUNDENPFLEGE_PERSON", "anna")
    ok(journal("log", "mueller-bau", "--kind", "call"))
    ok(journal("log", "mueller-bau", "--kind", "call", "--person", "ben"))  # said wins
    assert _logged_by(journal, "mueller-bau") == ["ben", "anna", "ben"]
    # ben's undo reverses ben's latest change, not anna's after it.
    monkeypatch.setenv("KUNDENPFLEGE_PERSON", "ben")
    ok(journal("log", "mueller-bau", "--kind", "email"))
    monkeypatch.setenv("KUNDENPFLEGE_PERSON", "anna")
    ok(journal("log", "mueller-bau", "--kind", "visit"))
    monkeypatch.setenv("KUNDENPFLEGE_PERSON", "ben")
    assert ok(journal("undo", "--yes")).stderr.splitlines() == [
        "Undo 'log' of 2026-11-25 09:00:",
        "  remove interaction #4 of mueller-bau (2026-11-25, email)",
        "1 later change, by anna, stays as it is.",
        "Undone: 'log' of 2026-11-25 09:00.",
    ]
    assert _logged_by(journal, "mueller-bau") == ["anna", "ben", "anna", "ben"]
    with reading() as connection:  # derived again: anna's visit is the last contact
        assert (
            connection.execute(
                "SELECT last_interaction_id FROM customers WHERE handle = 'mueller-bau'"
            ).fetchone()[0]
            == 5
        )
    # Before it, ben made none (anna's --person ben is anna's change). In a file the
    # first log, made before anyone said who is at work, is anyone's; on a server the
    # owner's login made it.
    if ON_SERVER:
        assert error_line(journal("undo", "--yes")) == (
            "Error: none of the journal's last 100 changes is yours (ben)"
        )
    else:
        ok(journal("undo", "--yes"))
        assert _logged_by(journal, "mueller-bau") == ["anna", "ben", "anna"]


def test_undo_leaves_what_others_did_after_or_refuses(
    journal: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone else's later change stands: an undo that would change it, or take it
    along, is refused in one line, and nothing changes."""
    for person in ("anna", "ben"):
        ok(journal("person", "add", person))
    ok(journal("add", "mueller-bau"))

    def by(person: str, *arguments: str) -> Result:
        monkeypatch.setenv("KUNDENPFLEGE_PERSON", person)
        return journal(*arguments)

    def anna_s_undo_refused(entry: str, command: str) -> None:
        before = journal_snapshot()
        assert error_line(by("anna", "undo", "--yes")) == (
            f"Error: ben changed the same entries after it ({entry}; 2026-11-25 09:00,"
            f" '{command}'); nothing was undone"
        )
        assert journal_snapshot() == before

    ok(by("anna", "edit", "mueller-bau", "--name", "Müller Bau"))
    ok(by("ben", "edit", "mueller-bau", "--tier", "A"))
    anna_s_undo_refused("customers 1", "edit")
    ok(by("anna", "add", "neu-gmbh"))  # ben logs a call with anna's new customer
    ok(by("ben", "log", "neu-gmbh", "--kind", "call"))
    anna_s_undo_refused("interactions 1", "log")


def test_undo_when_none_of_the_changes_is_yours(
    journal: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUNDENPFLEGE_PERSON", "anna")
    ok(journal("person", "add", "anna"))
    ok(journal("add", "mueller-bau"))
    monkeypatch.setenv("KUNDENPFLEGE_PERSON", "ben")
    assert error_line(journal("undo", "--yes")) == (
        "Error: none of the journal's last 100 changes is yours (ben)"
    )


def test_an_unknown_kundenpflege_person_is_an_error(
    journal: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(journal("add", "mueller-bau"))
    monkeypatch.setenv("KUNDENPFLEGE_PERSON", "lnea")
    line = error_line(journal("log", "mueller-bau", "--kind", "call"))
    assert line.startswith("Error: person 'lnea' not found")
    assert line.endswith(" (KUNDENPFLEGE_PERSON says who is at work)")
    monkeypatch.delenv("KUNDENPFLEGE_PERSON")
    assert ok(journal("interaction", "list", "mueller-bau")).stderr == "Entries: none.\n"


def test_on_a_server_each_login_is_the_person(
    run: Run,
    postgres_url: str,
    postgres_server: "PostgresServer",
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KUNDENPFLEGE_DB", postgres_url)
    ok(run("init"))
    for person in ("anna", "ben"):
        ok(run("person", "add", person))
    ok(run("add", "mueller-bau"))
    everything = "SELECT, INSERT, UPDATE, DELETE"
    as_anna = _person(postgres_server, postgres_url, "anna", everything)
    as_ben = _person(postgres_server, postgres_url, "ben", everything)
    monkeypatch.setenv("KUNDENPFLEGE_DB", as_anna)
    ok(run("log", "mueller-bau", "--kind", "call"))
    monkeypatch.setenv("KUNDENPFLEGE_DB", as_ben)
    ok(run("log", "mueller-bau", "--kind", "visit"))
    assert _logged_by(run, "mueller-bau") == ["ben", "anna"]  # newest first
    made_by = _query(postgres_url, "SELECT person FROM main.changes ORDER BY id")
    assert made_by[-2:] == [("anna",), ("ben",)]
    monkeypatch.setenv("KUNDENPFLEGE_DB", as_anna)  # anna's call, ben's visit stays
    assert "1 later change, by ben, stays as it is." in ok(run("undo", "--yes")).stderr
    assert _logged_by(run, "mueller-bau") == ["ben"]
    assert error_line(run("undo", "--yes")) == (  # the owner's login made the rest
        "Error: none of the journal's last 100 changes is yours (anna)"
    )
    monkeypatch.setenv("KUNDENPFLEGE_DB", as_ben)
    ok(run("undo", "--yes"))
    assert _logged_by(run, "mueller-bau") == []


def test_a_server_journal_of_an_earlier_version_gets_the_new_steps(
    run: Run, postgres_url: str, postgres_server: "PostgresServer", monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUNDENPFLEGE_DB", postgres_url)
    ok(run("init"))
    import psycopg

    as_ben = _person(postgres_server, postgres_url, "ben", "SELECT, INSERT, UPDATE, DELETE")
    with psycopg.connect(postgres_url, autocommit=True) as raw:  # as m023 left it
        raw.execute("ALTER TABLE main.changes DROP COLUMN person")
        raw.execute("DELETE FROM main.migrations WHERE name = 'm024_change_authors'")
    assert "pending: m024_change_authors" in run("doctor").stdout
    # A step alters tables: only their owner may; ben is told so, nothing changes.
    assert error_line(run("--db", as_ben, "add", "kaiser-kg")) == (
        f"Error: {Server(as_ben)}: must be owner of table changes; this kundenpflege brings"
        " the journal up to date (schema step m024_change_authors) when its owner runs any"
        " command first (docs/team.md)"
    )
    ok(run("add", "mueller-bau"))  # any command brings it up to date
    assert _query(postgres_url, "SELECT name FROM main.migrations ORDER BY name")[-1] == (
        "m024_change_authors",
    )
    assert _query(postgres_url, "SELECT person FROM main.changes") == [("postgres",)]
    assert "ok       schema: up to date" in ok(run("doctor")).stdout


def test_a_person_who_does_not_own_the_tables_imports_in_bulk(
    run: Run, postgres_url: str, postgres_server: "PostgresServer", tmp_path: Path
) -> None:
    """Dropping indexes for a bulk import, pausing triggers for a copy: the owner's
    ways only; ben, who may write, imports 1,200 customers with them kept."""
    from kundenpflege.storage.db import BULK_ROWS

    ok(run("--db", postgres_url, "init"))
    as_ben = _person(postgres_server, postgres_url, "ben", "SELECT, INSERT, UPDATE, DELETE")
    sheet = tmp_path / "kunden.csv"
    rows = [f"Kunde {number},k{number}@example.org\n" for number in range(BULK_ROWS + 200)]
    sheet.write_text("name,email\n" + "".join(rows))
    ok(run("--db", as_ben, "import", "csv", str(sheet)))
    assert _query(postgres_url, "SELECT count(*) FROM main.customers") == [(BULK_ROWS + 200,)]
    assert ok(run("--db", as_ben, "doctor")).stdout.endswith("verdict: healthy\n")


def test_only_the_database_s_owner_makes_the_journal_in_it(
    run: Run, postgres_url: str, postgres_server: "PostgresServer", tmp_path: Path
) -> None:
    """anna, who is not the database's owner, gets one line saying who makes it."""
    if not _query(postgres_url, "SELECT 1 FROM pg_roles WHERE rolname = 'anna'"):
        postgres_server.create_role("anna")
    as_anna = postgres_url.replace("postgresql://postgres@", "postgresql://anna@", 1)
    expected = (
        f"Error: {Server(as_anna)}: permission denied for database {name_of(postgres_url)};"
        " the database's owner makes the journal in it ('kundenpflege init' or 'copy --to'"
        " as the owner, docs/team.md)"
    )
    assert error_line(run("--db", as_anna, "init")) == expected
    demo = str(tmp_path / "demo.db")
    ok(run("--db", demo, "demo"))
    assert error_line(run("--db", demo, "copy", "--to", as_anna)) == expected
    assert _query(postgres_url, "SELECT to_regnamespace('main') IS NULL") == [(True,)]


def test_an_erasure_records_who_is_at_work(journal: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import journal_rows

    ok(journal("person", "add", "anna"))
    for handle in ("mueller-bau", "kaiser-kg"):
        ok(journal("add", handle))
    ok(journal("gdpr", "forget", "mueller-bau", "--yes"))  # nobody said who
    monkeypatch.setenv("KUNDENPFLEGE_PERSON", "anna")
    ok(journal("gdpr", "forget", "kaiser-kg", "--yes"))
    assert journal_rows("SELECT by_whom FROM erasures ORDER BY id") == [(None,), ("anna",)]
