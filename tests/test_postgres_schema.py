"""The PostgreSQL baseline (issue 17): schema.sql is what tools/postgres_schema.py makes
of the migration steps as they are now; on a real server it holds SQLite's tables,
columns, keys, indexes, views and triggers; its triggers leave the same marks, tallies
and change-log steps after the same writes; and compat.sql's functions answer as
SQLite's own do."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # psycopg may be missing: the server fixtures skip then, test (a) runs
    import psycopg

ROOT = Path(__file__).parent.parent
SCRIPTS = ROOT / "src" / "kundenpflege" / "storage" / "postgres"
ZONE = "Europe/Berlin"  # conftest's TZ for every test: SQLite's 'localtime'


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "postgres_schema", ROOT / "tools" / "postgres_schema.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def lite(tool: ModuleType) -> Iterator[sqlite3.Connection]:
    """A fresh SQLite journal in memory, foreign keys on as the program has them."""
    journal = tool.blank_journal()
    journal.execute("PRAGMA foreign_keys = ON")
    yield journal
    journal.close()


def _server(url: str, *scripts: str) -> psycopg.Connection[tuple[Any, ...]]:
    """A session on the test's database with these scripts run in one transaction,
    set up as the program sets up its own (search_path, time zone)."""
    import psycopg

    connection = psycopg.connect(url, autocommit=True)
    with connection.transaction():
        for name in scripts:
            connection.execute((SCRIPTS / name).read_text(encoding="utf-8"))
    connection.execute("SET search_path = main")
    connection.execute(f"SET TimeZone = '{ZONE}'")
    return connection


@pytest.fixture
def server(postgres_url: str) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    """A PostgreSQL journal made as `init` makes one: compat.sql, then the baseline."""
    connection = _server(postgres_url, "compat.sql", "schema.sql")
    yield connection
    connection.close()


# --- (a) the file is up to date -------------------------------------------------------


def test_the_baseline_is_what_the_steps_make_now(tool: ModuleType) -> None:
    """Fails when a step changed the SQLite schema and schema.sql was not written again."""
    up_to_date = (SCRIPTS / "schema.sql").read_text(encoding="utf-8") == tool.translate()
    assert up_to_date, "schema.sql is out of date: run python tools/postgres_schema.py"


def test_the_translator_stops_where_no_rule_applies(
    tool: ModuleType, lite: sqlite3.Connection
) -> None:
    """Rather than write SQLite's words into the baseline, or keep a stale hand-written view."""
    facts = next(o.sql for o in tool.sqlite_objects(lite) if o.name == "interaction_facts")
    with pytest.raises(ValueError, match="translate it by hand again"):
        tool.view_ddl("interaction_facts", facts.replace("AS moods", "AS mood_count"))
    with pytest.raises(ValueError, match="no PL/pgSQL translation"):
        tool.trigger_ddl("CREATE TRIGGER t AFTER INSERT ON c BEGIN SELECT RAISE(IGNORE); END")
    with pytest.raises(ValueError, match="no PostgreSQL type"):
        tool.table_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY, picture BLOB)")
    assert tool.glob_to_regex("[01][0-9]-*.?") == r"^[01][0-9]-.*\..$"


# --- (b) the same catalogue -----------------------------------------------------------

ON_DELETE = {"a": "NO ACTION", "c": "CASCADE", "n": "SET NULL", "r": "RESTRICT", "d": "SET DEFAULT"}


def _sqlite_catalogue(tool: ModuleType, lite: sqlite3.Connection) -> dict[str, Any]:
    objects = tool.sqlite_objects(lite)
    full_text = {o.name for o in objects if o.sql.startswith("CREATE VIRTUAL TABLE")}
    columns, keys, foreign = {}, {}, []
    for table in (o.name for o in objects if o.kind == "table"):
        info = lite.execute("SELECT name, pk FROM pragma_table_info(?)", (table,)).fetchall()
        columns[table] = [name for name, _pk in info]
        keys[table] = [name for name, pk in sorted(info, key=lambda row: row[1]) if pk]
        if table in full_text:  # its stand-in: the rowid as a key column, and the words
            columns[table], keys[table] = ["rowid", *columns[table], "words"], ["rowid"]
        foreign += [
            (table, source, target, column, on_delete)
            for target, source, column, on_delete in lite.execute(
                'SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?)', (table,)
            )
        ]
    indexes = [o.name for o in objects if o.kind == "index"] + [f"{t}_words" for t in full_text]
    return {
        "columns": columns,
        "primary keys": keys,
        "foreign keys": sorted(foreign),
        "indexes": sorted(indexes),
        "views": sorted(o.name for o in objects if o.kind == "view"),
        "triggers": sorted(o.name for o in objects if o.kind == "trigger"),
    }


def _postgres_catalogue(server: psycopg.Connection[tuple[Any, ...]]) -> dict[str, Any]:
    def column(sql: str, *parameters: str) -> list[Any]:
        return [row[0] for row in server.execute(sql, parameters or None)]

    tables = column(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
    )
    foreign = server.execute(
        "SELECT k.conrelid::regclass::text, a.attname, k.confrelid::regclass::text, r.attname,"
        " k.confdeltype, k.condeferrable AND NOT k.condeferred FROM pg_constraint k"
        " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]"
        " JOIN pg_attribute r ON r.attrelid = k.confrelid AND r.attnum = k.confkey[1]"
        " WHERE k.contype = 'f' AND k.connamespace = 'main'::regnamespace"
    ).fetchall()
    # Every foreign key DEFERRABLE INITIALLY IMMEDIATE: undo defers them.
    assert all(row[5] for row in foreign), [row for row in foreign if not row[5]]
    return {
        "columns": {
            table: column(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = 'main' AND table_name = %s ORDER BY ordinal_position",
                table,
            )
            for table in tables
        },
        "primary keys": {
            table: column(
                "SELECT a.attname FROM pg_constraint k,"
                " unnest(k.conkey) WITH ORDINALITY AS c(number, position), pg_attribute a"
                " WHERE k.contype = 'p' AND k.conrelid = ('main.' || %s)::regclass"
                " AND a.attrelid = k.conrelid AND a.attnum = c.number ORDER BY c.position",
                table,
            )
            for table in tables
        },
        "foreign keys": sorted((t, f, rt, rf, ON_DELETE[d]) for t, f, rt, rf, d, _ in foreign),
        # Without those behind PRIMARY KEY and UNIQUE, as on SQLite.
        "indexes": sorted(
            column(
                "SELECT i.indexrelid::regclass::text FROM pg_index i"
                " JOIN pg_class c ON c.oid = i.indexrelid"
                " WHERE c.relnamespace = 'main'::regnamespace AND NOT EXISTS"
                " (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
            )
        ),
        "views": sorted(
            column("SELECT table_name FROM information_schema.views WHERE table_schema = 'main'")
        ),
        "triggers": sorted(
            column(
                "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE c.relnamespace = 'main'::regnamespace AND NOT t.tgisinternal"
            )
        ),
    }


def test_the_server_holds_what_sqlite_holds(
    tool: ModuleType, lite: sqlite3.Connection, server: psycopg.Connection[tuple[Any, ...]]
) -> None:
    """Same tables, columns in the same order, keys, indexes, views and triggers (SQLite's
    bookkeeping and FTS5's shadow tables aside)."""
    wanted, found = _sqlite_catalogue(tool, lite), _postgres_catalogue(server)
    for part in wanted:
        assert found[part] == wanted[part], part
    assert len(found["triggers"]) == 80 and len(found["columns"]) == 25  # what m023 makes


# --- (c) the triggers do the same -----------------------------------------------------

# Rows made before the change (numbered 1, 2, … on both engines), then the change opens.
SETUP = (
    "INSERT INTO people (handle, name, created_at) VALUES ('anna', 'Anna Berg', '2026-01-05')",
    "INSERT INTO customers (handle, name, tier, annual_value, customer_since, created_at)"
    " VALUES ('mueller-bau', 'Müller Bau GmbH', 'A', 1234.5678901234567, '2020-03-01',"
    " '2020-03-01T10:00:00+01:00'), ('praxis-lange', 'Praxis Dr. Lange', 'B', 4800,"
    " '2021-05-01', '2021-05-01T10:00:00+02:00'), ('cafe-sonne', 'Café Sonne', NULL, NULL,"
    " '2022-07-01', '2022-07-01T10:00:00+02:00'), ('kanzlei-ost', 'Kanzlei Ost', 'C',"
    " 25000.25, '2023-09-01', '2023-09-01T10:00:00+02:00')",
    "INSERT INTO contacts (customer_id, name, email, created_at) VALUES"
    " (1, 'Eva Müller', 'eva@mueller-bau.de', '2020-03-01'), (4, 'Jan Ost', NULL, '2023-09-01')",
    "INSERT INTO preferences (customer_id, stated_on, recorded_at, source, person_id, channel,"
    " frequency) VALUES (1, '2026-01-10', '2026-01-10T09:00:00+01:00', 'Telefonat', 1, 'phone',"
    " 'monthly')",
    "INSERT INTO interactions (customer_id, occurred_at, occurred_on, channel, direction, kind,"
    " mood, note, amount, contact_id, recorded_at) VALUES"
    " (1, '2026-11-20T10:00:00+01:00', '2026-11-20', 'phone', 'out', 'call', 1,"
    " 'Angebot besprochen', NULL, 1, '2026-11-20T10:05:00+01:00'),"
    " (1, '2026-11-21T11:00:00+01:00', '2026-11-21', 'email', 'in', 'complaint', -1,"
    " 'Lieferung zu spät', 99.99, NULL, '2026-11-21T11:05:00+01:00'),"
    " (4, '2026-11-22T12:00:00+01:00', '2026-11-22', 'visit', 'out', 'visit', 2, 'Jahresgespräch',"
    " 1500.5, 2, '2026-11-22T12:05:00+01:00'),"
    " (3, '2026-11-23T08:00:00+01:00', '2026-11-23', NULL, 'in', 'note', NULL, NULL, NULL, NULL,"
    " '2026-11-23T08:05:00+01:00')",
    "INSERT INTO consent (customer_id, purpose, action, recorded_at) VALUES"
    " (2, 'newsletter', 'grant', '2026-10-01T08:00:00+02:00')",
    "DELETE FROM pending_refresh",
    "DELETE FROM search_pending",
    "INSERT INTO changes (made_at, command) VALUES ('2026-11-25T09:00:00+01:00', 'test')",
)
WRITES = (
    "INSERT INTO customers (handle, name, tier, annual_value, customer_since, created_at)"
    " VALUES ('neu', 'Neu GmbH', 'A', 0.1, '2026-11-25', '2026-11-25T09:00:00+01:00')",
    "INSERT INTO interactions (customer_id, occurred_at, occurred_on, channel, direction, kind,"
    " mood, note, recorded_at) VALUES (2, '2026-11-24T15:00:00+01:00', '2026-11-24', 'video',"
    " 'in', 'complaint', -2, 'Rechnung falsch', '2026-11-24T15:05:00+01:00')",
    "UPDATE interactions SET mood = -2, channel = 'email', amount = 0.30000000000000004"
    " WHERE id = 1",
    "DELETE FROM interactions WHERE id = 2",
    "UPDATE preferences SET channel = 'visit', source = 'Messe' WHERE id = 1",
    "UPDATE customers SET tier = 'B', annual_value = 0.30000000000000004 WHERE id IN (1, 2)",
    "UPDATE customers SET restricted = 1 WHERE id = 3",
    "INSERT INTO settings (key, value) VALUES ('default_frequency', 'monthly')",
    "INSERT INTO consent (customer_id, purpose, action, recorded_at) VALUES"
    " (1, 'newsletter', 'grant', '2026-11-25T09:00:00+01:00')",
    "UPDATE consent SET evidence = 'Formular' WHERE id = 1",  # refused: append-only
    "DELETE FROM consent WHERE customer_id = 2",  # refused: append-only
    "INSERT INTO erasures (erased_at, kind, subject_id) VALUES ('2026-11-25', 'customer', 2)",
    "DELETE FROM consent WHERE customer_id = 2",  # the erasure outranks the ledger
    "DELETE FROM customers WHERE id = 4",  # its contact and interaction go with it
    "INSERT INTO key_dates (customer_id, kind, month_day, yearly, created_at)"
    " VALUES (1, 'birthday', '13-45', 1, '2026-11-25')",  # refused: the GLOB CHECK
)
STATE = {
    "pending_refresh": "SELECT customer_id FROM pending_refresh ORDER BY 1",
    "search_pending": "SELECT kind, ref FROM search_pending ORDER BY 1, 2",
    "daily_stats": "SELECT * FROM daily_stats ORDER BY day, tier, band",
    "changes": "SELECT id, stop FROM changes ORDER BY id",
}


def _outcome(error: Exception | None) -> str:
    """ok, or the kind of refusal and what it says (a CHECK in either engine's words)."""
    import psycopg

    if error is None:
        return "ok"
    kind = (
        "integrity"
        if isinstance(error, sqlite3.IntegrityError | psycopg.IntegrityError)
        else "other"
    )
    message = str(error).splitlines()[0]
    return f"{kind}: {'CHECK' if 'check constraint' in message.lower() else message}"


def _replay(
    execute: Callable[[str], list[Any]],
    savepoint: Callable[[str], Exception | None],
    recording: str,
) -> dict[str, Any]:
    """Run SETUP, open the change, run each write in a savepoint; what each did and left."""
    for sql in SETUP:
        execute(sql)
    execute(f"INSERT INTO change_recording {recording}")
    outcomes, steps, seen = [], [], 0
    for sql in WRITES:
        outcomes.append(_outcome(savepoint(sql)))
        # The steps this write logged, as values: SQLite writes 99.99 as 99.989999999999995
        # and 4800.0 as 4800.0, PostgreSQL as 99.99 and 4800; both read back the same.
        new = execute(f"SELECT tbl, op, row, id FROM change_steps WHERE id > {seen} ORDER BY id")
        steps.append(sorted(((t, o, json.loads(r)) for t, o, r, _ in new), key=repr))
        seen = max([seen, *(row[3] for row in new)])
    found = {name: [tuple(row) for row in execute(sql)] for name, sql in STATE.items()}
    return {"outcomes": outcomes, "steps": steps, **found}


def test_the_triggers_do_on_postgresql_what_they_do_on_sqlite(
    lite: sqlite3.Connection, server: psycopg.Connection[tuple[Any, ...]]
) -> None:
    """The unit of work's marks, the daily tally, the consent ledger's refusals and the
    change log's steps (values parsed: floats come back exact on both) and stops."""
    import psycopg

    floors = [
        row[0]
        for row in lite.execute("SELECT name FROM pragma_table_info('change_recording')")
        if row[0].endswith("_floor")
    ]
    highest = [f"(SELECT coalesce(max(id), 0) FROM {c.removesuffix('_floor')})" for c in floors]
    recording = f"(change_id, {', '.join(floors)}) VALUES (1, {', '.join(highest)})"

    def on_sqlite(sql: str) -> Exception | None:
        lite.execute("SAVEPOINT write")
        try:
            lite.execute(sql)
        except sqlite3.Error as error:
            lite.execute("ROLLBACK TO write")
            return error
        finally:
            lite.execute("RELEASE write")
        return None

    def on_postgres(sql: str) -> Exception | None:
        try:
            with server.transaction():
                server.execute(sql)
        except psycopg.Error as error:
            return error
        return None

    lite.execute("BEGIN")
    wanted = _replay(lambda sql: lite.execute(sql).fetchall(), on_sqlite, recording)
    lite.execute("ROLLBACK")

    def rows(sql: str) -> list[tuple[Any, ...]]:
        cursor = server.execute(sql)
        return cursor.fetchall() if cursor.description else []

    with server.transaction(force_rollback=True):
        found = _replay(rows, on_postgres, recording)
    for part in wanted:
        assert found[part] == wanted[part], part
    # The writes did reach every part (a test that compares nothing passes too).
    assert wanted["outcomes"].count("integrity: the consent ledger is append-only") == 2
    assert wanted["outcomes"][-1] == "integrity: CHECK"
    assert sum(map(len, wanted["steps"])) >= 8 and wanted["changes"] == [(1, "erasure")]
    assert len(wanted["pending_refresh"]) == 5 and wanted["search_pending"]


# --- (d) the compat functions ---------------------------------------------------------

# The same SELECT on both engines: the forms our queries use, and the edges near them.
QUESTIONS = (
    # sum(boolean)
    "(SELECT sum(x = 'in') FROM (SELECT 'in' AS x UNION ALL SELECT 'out' UNION ALL"
    " SELECT NULL UNION ALL SELECT 'in') AS t)",
    "(SELECT sum(x = 'in') FROM (SELECT NULL AS x) AS t)",
    # max(a, b)
    "max('2026-12-01', coalesce(NULL, ''))",
    "max(2, 1.5)",
    "max(1, NULL)",
    # group_concat(x, separator)
    "(SELECT group_concat(x, ', ') FROM (SELECT 'bau' AS x UNION ALL SELECT NULL"
    " UNION ALL SELECT 'nord') AS t)",
    "(SELECT group_concat(x, ', ') FROM (SELECT NULL AS x) AS t)",
    # julianday(x)
    "julianday('2026-11-25')",
    "julianday('2026-11-25T09:00:00+01:00')",
    "julianday('2026-11-25 09:00:00.1234')",
    "julianday('2026-02-30')",
    "julianday('not a day')",
    # date(x, modifier...)
    "date('2026-11-25T00:30:00+01:00', 'localtime')",
    "date('2026-11-24T23:30:00Z', 'localtime')",
    "date('2026-06-30 23:30:00', 'localtime')",
    "date('2026-03-29T00:30:00Z', 'localtime')",
    "date('2026-11-25', '+7 days')",
    "date('2026-03-01', '-1 day')",
    "date('2026-11-25T23:30:00+01:00', '+1 day', 'localtime')",
    "date('2026-11-25T10:00:00+0100', 'localtime')",
    "date(NULL, 'localtime')",
    # printf(format, value)
    "printf('%04d-', 987)",
    "printf('%04d-', 12345)",
    "printf('%04d', -5)",
    "printf('%5d|', -42)",
    "printf('%d', -3.7)",
    "printf('%.2f', 2.675)",
    "printf('%08.2f', -3.14159)",
    "printf('%s!', 'x')",
    "printf('%d', NULL)",
    # json_valid(x)
    "json_valid('{\"id\": 5}')",
    "json_valid('{\"id\": ')",
    "json_valid(NULL)",
    # json_extract(x, path): text on PostgreSQL
    'json_extract(\'{"id": 5, "name": "Eva Müller"}\', \'$.name\')',
    'json_extract(\'{"id": 5, "name": "Eva Müller"}\', \'$.id\')',
    "json_extract('{\"a\": {\"b\": [1, 0.5]}}', '$.a.b[1]')",
    "json_extract('{\"id\": 5}', '$.missing')",
)


def _same(question: str, sqlite_answer: Any, postgres_answer: Any) -> bool:
    """Equal, allowing for what differs by design: true for 1, numeric for integer,
    and json_extract's text for SQLite's number."""
    if isinstance(postgres_answer, bool):
        postgres_answer = int(postgres_answer)
    if isinstance(postgres_answer, Decimal):
        postgres_answer = float(postgres_answer)
    if question.startswith("json_extract") and sqlite_answer is not None:
        sqlite_answer = str(sqlite_answer)
    return bool(sqlite_answer == postgres_answer)


def test_the_compat_functions_answer_as_sqlite_does(postgres_url: str) -> None:
    """Each compat function against SQLite's own (compat.sql twice: it must not mind)."""
    import psycopg

    server = _server(postgres_url, "compat.sql", "compat.sql")
    lite = sqlite3.connect(":memory:")
    try:
        differ = []
        for question in QUESTIONS:
            (sqlite_answer,) = lite.execute(f"SELECT {question}").fetchall()[0]
            (postgres_answer,) = server.execute(f"SELECT {question}").fetchall()[0]
            if not _same(question, sqlite_answer, postgres_answer):
                differ.append(
                    f"{question}: SQLite {sqlite_answer!r}, PostgreSQL {postgres_answer!r}"
                )
        assert not differ, "\n".join(differ)
        with pytest.raises(psycopg.errors.RaiseException, match="not mimicked"):
            server.execute("SELECT date('2026-11-25', 'start of month')")
    finally:
        lite.close()
        server.close()
