"""A team on one journal (issue 17): who logs, whose change `undo` reverses, and
a server journal made by an earlier version brought up to date."""

from typing import TYPE_CHECKING

import pytest

from tests.conftest import Run, error_line, ok
from tests.test_engines import _person

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
    # anna may undo what she did; ben's change after it is not hers to undo.
    monkeypatch.setenv("KUNDENPFLEGE_PERSON", "ben")
    ok(journal("log", "mueller-bau", "--kind", "email"))
    monkeypatch.setenv("KUNDENPFLEGE_PERSON", "anna")
    line = error_line(journal("undo", "--yes"))
    assert line.startswith("Error: the latest change is ben's (2026-11-25 09:00, 'log');")
    assert line.endswith("undo reverses only your own latest change, while nobody changed"
                         " the journal after it")  # fmt: skip
    monkeypatch.setenv("KUNDENPFLEGE_PERSON", "ben")
    ok(journal("undo", "--yes"))
    assert _logged_by(journal, "mueller-bau") == ["ben", "anna", "ben"]


def test_an_unknown_kundenpflege_person_is_an_error(
    journal: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok(journal("add", "mueller-bau"))
    monkeypatch.setenv("KUNDENPFLEGE_PERSON", "lnea")
    assert error_line(journal("log", "mueller-bau", "--kind", "call")).startswith(
        "Error: person 'lnea' not found"
    )
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
    monkeypatch.setenv("KUNDENPFLEGE_DB", as_anna)
    assert "the latest change is ben's" in error_line(run("undo", "--yes"))
    monkeypatch.setenv("KUNDENPFLEGE_DB", as_ben)
    ok(run("undo", "--yes"))
    assert _logged_by(run, "mueller-bau") == ["anna"]


def test_a_server_journal_of_an_earlier_version_gets_the_new_steps(
    run: Run, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUNDENPFLEGE_DB", postgres_url)
    ok(run("init"))
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as raw:  # as m023 left it
        raw.execute("ALTER TABLE main.changes DROP COLUMN person")
        raw.execute("DELETE FROM main.migrations WHERE name = 'm024_change_authors'")
    assert "pending: m024_change_authors" in run("doctor").stdout
    ok(run("add", "mueller-bau"))  # any command brings it up to date
    assert _query(postgres_url, "SELECT name FROM main.migrations ORDER BY name")[-1] == (
        "m024_change_authors",
    )
    assert _query(postgres_url, "SELECT person FROM main.changes") == [("postgres",)]
    assert "ok       schema: up to date" in ok(run("doctor")).stdout
