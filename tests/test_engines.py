"""The same commands give the same answers on a file and on a PostgreSQL server
(issue 17): one scenario of writes and reports runs on both engines, and every
step's exit code, stdout and stderr must agree (the journal's address aside)."""

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import Result

from tests.conftest import Run, error_line, journal_snapshot, ok, what_init_reads

if TYPE_CHECKING:
    from tests.conftest import Template
    from tests.postgres_server import PostgresServer

# Each step: the command line. Steps refer to entries by the numbers both engines give.
SCENARIO: list[list[str]] = [
    ["demo", "--customers", "25"],
    ["person", "add", "bea", "--name", "Bea Becker"],
    ["add", "neue-kundin-kg", "--name", "Neue Kundin KG", "--tier", "C", "--tag", "bau"],
    ["contact", "add", "neue-kundin-kg", "Nora Neu", "--email", "nora@neue-kundin.example"],
    ["prefer", "neue-kundin-kg", "--every", "2w", "--person", "bea", "--channel", "email"],
    ["log", "neue-kundin-kg", "--kind", "call", "--mood", "-1", "--note", "Lieferung zu spät"],
    ["interaction", "list", "neue-kundin-kg", "--format", "json"],
    ["followup", "add", "neue-kundin-kg", "Entschuldigung schicken", "--due", "27.11.2026"],
    ["followup", "list", "--format", "json"],
    ["fact", "add", "neue-kundin-kg/Nora Neu", "Segelt gern", "--source", "Anruf"],
    ["date", "add", "neue-kundin-kg/Nora Neu", "--birthday", "02.01.1980"],
    ["consent", "grant", "neue-kundin-kg", "--purpose", "newsletter"],
    ["consent", "confirm", "neue-kundin-kg", "--purpose", "newsletter"],
    ["consent", "list", "--valid", "--purpose", "newsletter", "--format", "json"],
    ["pause", "neue-kundin-kg", "--until", "01.12.2026"],
    ["edit", "neue-kundin-kg", "--name", "Neue Kundin GmbH"],
    ["show", "neue-kundin-kg"],
    ["undo", "--yes"],
    ["show", "neue-kundin-kg"],
    ["due", "--format", "json"],
    ["due", "--days", "30"],
    ["health", "--format", "json"],
    ["impressions", "--last", "2"],
    ["remind"],
    ["fairness"],
    ["value"],
    ["reactive"],
    ["pulse"],
    ["list", "--format", "csv"],
    ["search", "Kundin"],
    ["gdpr", "export", "neue-kundin-kg"],
    ["export", "json"],
    # Errors: one line each, the same on both.
    ["log", "niemand", "--kind", "call"],
    ["log", "neue-kundin-kg", "--kind", "call", "--at", "31.02.2026"],
    ["prefer", "neue-kundin-kg", "--every", "oft"],
    ["followup", "done", "99999"],
]


def _play(run: Run, address: str) -> list[tuple[int, str, str]]:
    outcomes = []
    for step in SCENARIO:
        result: Result = run(*step)
        outcomes.append(
            (
                result.exit_code,
                result.stdout.replace(address, "JOURNAL"),
                result.stderr.replace(address, "JOURNAL"),
            )
        )
    return outcomes


def test_the_same_scenario_gives_the_same_answers(
    run: Run, tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kundenpflege.paths import Server

    file = str(tmp_path / "engines.db")
    monkeypatch.setenv("KUNDENPFLEGE_DB", file)
    on_file = _play(run, file)
    monkeypatch.setenv("KUNDENPFLEGE_DB", postgres_url)
    on_server = _play(run, str(Server(postgres_url)))
    for step, file_outcome, server_outcome in zip(SCENARIO, on_file, on_server, strict=True):
        assert server_outcome == file_outcome, " ".join(step)
    # The scenario did what it says (not two engines failing alike).
    assert [code for code, _out, _err in on_file[:-4]] == [0] * (len(SCENARIO) - 4)
    assert all(code != 0 for code, _out, _err in on_file[-4:])


def test_a_copy_of_the_tests_template_is_the_journal_init_makes(
    run: Run, postgres_server: "PostgresServer", journal_template: "Template",
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The `journal` fixture copies a template on a server instead of running `init`."""
    made, copied = (
        postgres_server.create_database(),
        postgres_server.create_database(template=journal_template.name),
    )
    try:
        assert what_init_reads() == journal_template.environment
        monkeypatch.setenv("KUNDENPFLEGE_DB", made)
        ok(run("init"))
        assert journal_snapshot(made) == journal_snapshot(copied)
        assert journal_snapshot(copied)  # not two empty databases
    finally:
        from psycopg.conninfo import conninfo_to_dict

        for url in (made, copied):
            postgres_server.drop_database(str(conninfo_to_dict(url)["dbname"]))


@pytest.fixture
def on_server(run: Run, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("KUNDENPFLEGE_DB", postgres_url)
    return run


def test_init_makes_the_schema_once(on_server: Run, postgres_url: str) -> None:
    from kundenpflege.paths import Server

    assert ok(on_server("init")).stderr == f"Created {Server(postgres_url)}\n"
    assert "Journal is up to date" in ok(on_server("init")).stderr


def test_a_database_without_a_journal_is_refused_until_init(on_server: Run) -> None:
    line = error_line(on_server("due"))
    assert "holds no kundenpflege journal; make it one with" in line


def test_file_only_commands_say_what_to_use_on_a_server(on_server: Run) -> None:
    ok(on_server("init"))
    assert "pg_dump" in error_line(on_server("backup"), code=2)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("postgresql://postgres@/kp_missing?host={socket}", "no such database"),
        ("postgresql://nobody@/postgres?host={socket}", "no such user"),
        ("postgresql://postgres:geheim@/postgres?host=/nonexistent", "is the server running"),
    ],
)
def test_connection_problems_are_one_line_without_the_password(
    run: Run,
    postgres_server: "PostgresServer",
    monkeypatch: pytest.MonkeyPatch,
    address: str,
    expected: str,
) -> None:
    socket = postgres_server.socket_dir
    monkeypatch.setenv("KUNDENPFLEGE_DB", address.format(socket=socket))
    line = error_line(run("due"))
    assert expected in line
    assert "geheim" not in line


def _count(url: str, sql: str) -> int:
    import psycopg

    with psycopg.connect(url) as raw:
        found = raw.execute(sql).fetchone()
    return int(found[0]) if found else 0


def test_a_failed_write_leaves_nothing(on_server: Run, postgres_url: str) -> None:
    ok(on_server("init"))
    ok(on_server("add", "mueller-bau"))
    before = _count(postgres_url, "SELECT count(*) FROM main.interactions")
    error_line(on_server("log", "mueller-bau", "--kind", "call", "--mood", "7"), code=2)
    assert _count(postgres_url, "SELECT count(*) FROM main.interactions") == before


def _person(server: "PostgresServer", url: str, role: str, rights: str) -> str:
    """A login of its own with these rights on the journal's tables (as docs/team.md
    grants them); the journal's address as that person."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as raw:
        # Roles belong to the whole server, which every test of the session shares.
        if not raw.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
            server.create_role(role)
        raw.execute(f"GRANT USAGE ON SCHEMA main TO {role}")
        raw.execute(f"GRANT {rights} ON ALL TABLES IN SCHEMA main TO {role}")
        raw.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA main TO {role}")
    return url.replace("postgresql://postgres@", f"postgresql://{role}@", 1)


def test_doctor_on_a_server_checks_the_connection_schema_and_rights(
    on_server: Run,
    postgres_url: str,
    postgres_server: "PostgresServer",
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ok(on_server("init"))
    report = ok(on_server("doctor")).stdout.splitlines()
    assert report[0].startswith("ok       connection: PostgreSQL ") and report[0].endswith(
        " as postgres"
    )
    assert report[1:] == [
        "ok       schema: up to date",
        "ok       derived state: current",
        "ok       rights: postgres may read and change every table",
        "verdict: healthy",
    ]
    monkeypatch.setenv("KUNDENPFLEGE_DB", _person(postgres_server, postgres_url, "clara", "SELECT"))
    # Only reading is a way to work (an accountant's): said, not a problem.
    assert "warning  rights: clara may only read" in ok(on_server("doctor")).stdout.splitlines()
    ok(on_server("due"))  # reading is allowed
    line = error_line(on_server("add", "kaiser-kg"))
    assert line.endswith(": permission denied for table changes; nothing was changed; the"
                         " journal's owner grants the rights (docs/team.md)")  # fmt: skip
    assert "kaiser-kg" not in ok(on_server("list")).stdout
    # The owner sees what each other login may do: all, only read, or part of it.
    monkeypatch.setenv("KUNDENPFLEGE_DB", postgres_url)
    assert ok(on_server("doctor")).stdout.splitlines()[-2] == "ok       team: clara may only read"
    _person(postgres_server, postgres_url, "ben", "SELECT, INSERT, UPDATE, DELETE")
    assert ok(on_server("doctor")).stdout.splitlines()[-2] == (
        "ok       team: ben may read and change every table; clara may only read"
    )
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as raw:
        raw.execute("REVOKE DELETE ON main.facts FROM ben")
    assert ok(on_server("doctor")).stdout.splitlines()[-2] == (
        "warning  team: clara may only read; ben may not change: facts"
    )
    monkeypatch.setenv("KUNDENPFLEGE_DB", postgres_url.replace("postgres@", "ben@", 1))
    result = on_server("doctor")  # part of the rights: a problem for ben himself
    assert result.exit_code == 1
    assert "problem  rights: ben may not change: facts" in result.stdout.splitlines()


def test_forget_on_a_server_vacuums_as_the_owner_and_says_what_to_run_otherwise(
    on_server: Run,
    postgres_url: str,
    postgres_server: "PostgresServer",
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ok(on_server("init"))
    for handle in ("mueller-bau", "kaiser-kg"):
        ok(on_server("add", handle))
        ok(on_server("log", handle, "--kind", "call", "--note", "Geheimnis von " + handle))
    # As the owner: vacuumed at once, so nothing is left to say.
    assert ok(on_server("gdpr", "forget", "mueller-bau", "--yes")).stderr == (
        "Erased mueller-bau: 2 rows removed.\n"
    )
    assert _count(postgres_url, "SELECT count(*) FROM main.interactions") == 1
    monkeypatch.setenv(
        "KUNDENPFLEGE_DB",
        _person(postgres_server, postgres_url, "ben", "SELECT, INSERT, UPDATE, DELETE"),
    )
    said = ok(on_server("gdpr", "forget", "kaiser-kg", "--yes")).stderr.splitlines()
    assert said[0] == "Erased kaiser-kg: 2 rows removed."
    assert said[1].startswith(
        "Old row versions on the server still hold the erased words until the journal's owner"
        " runs: VACUUM main.change_recording, main.change_steps,"
    )
    assert _count(postgres_url, "SELECT count(*) FROM main.interactions") == 0


WRITER = """
import sys
from kundenpflege.cli import main

person, count = sys.argv[1], int(sys.argv[2])
for number in range(count):
    try:
        main(["log", "kunde", "--kind", "call", "--person", person, "--note", f"{person}-{number}"])
    except SystemExit as exit:
        if exit.code:
            sys.exit(f"{person} failed at {number} with {exit.code}")
"""


@pytest.mark.slow
def test_four_people_writing_at_once_on_a_server_lose_nothing(
    on_server: Run, postgres_url: str
) -> None:
    import subprocess
    import sys

    ok(on_server("init"))
    ok(on_server("add", "kunde"))
    people = ("anna", "ben", "clara", "dora")
    for person in people:
        ok(on_server("person", "add", person))
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, person, "200"], stderr=subprocess.PIPE, text=True
        )
        for person in people
    ]
    errors = [worker.communicate(timeout=600)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], errors
    import psycopg

    with psycopg.connect(postgres_url) as raw:
        by_person = dict(raw.execute(
            "SELECT p.handle, count(DISTINCT i.note) FROM main.interactions i"
            " JOIN main.people p ON p.id = i.person_id"
            " WHERE i.note LIKE p.handle || '-%' GROUP BY p.handle").fetchall())  # fmt: skip
        (last, newest) = raw.execute(
            "SELECT c.last_interaction_id, (SELECT max(id) FROM main.interactions)"
            " FROM main.customers c WHERE c.handle = 'kunde'"
        ).fetchone()
    assert by_person == dict.fromkeys(people, 200)
    assert last == newest  # the derived column saw every write
