"""Every test gets its own journal and the same pinned clock (2026-11-25, Berlin).

The journal is a file unless KUNDENPFLEGE_TEST_ENGINE=postgresql (`make test-postgres`,
issue 17): then every test gets a fresh database of its own on one throwaway server,
and the tests marked `file_only` (about the journal file itself) are skipped."""

import os
import pty
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest
from typer.testing import CliRunner, Result

from kundenpflege import clock, i18n, paths
from kundenpflege.cli.commands import full_app
from kundenpflege.domain import journal as unit_of_work
from kundenpflege.storage import catalogue
from kundenpflege.storage.connection import Connection

if TYPE_CHECKING:  # psycopg may be missing: imported by the fixture, which skips then
    from tests.postgres_server import PostgresServer

ENGINE_VARIABLE = "KUNDENPFLEGE_TEST_ENGINE"
ENGINES = ("sqlite", "postgresql")
ENGINE = os.environ.get(ENGINE_VARIABLE, "").strip().lower() or "sqlite"
if ENGINE not in ENGINES:
    raise pytest.UsageError(f"{ENGINE_VARIABLE}={ENGINE!r}: say one of {', '.join(ENGINES)}")
ON_SERVER = ENGINE == "postgresql"

PINNED_NOW = "2026-11-25T09:00:00+01:00"  # a Wednesday
TODAY = date(2026, 11, 25)
LANGUAGE_VARIABLES = (i18n.SETTING, *i18n.LOCALE_VARIABLES, "LANGUAGE")
APP = full_app()

Run = Callable[..., Result]


def pytest_report_header() -> str:
    return f"journal engine: {ENGINE} ({ENGINE_VARIABLE})"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On a server, a test about the journal file has nothing to test: skipped, by design."""
    if not ON_SERVER:
        return
    skip = pytest.mark.skip(reason="file_only: about the journal file, not run on PostgreSQL")
    for item in items:
        if item.get_closest_marker("file_only"):
            item.add_marker(skip)


@pytest.fixture
def journal_address(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where this test's journal lives, as KUNDENPFLEGE_DB says it: a file that does not
    exist yet, or on PostgreSQL a fresh, empty database of its own (dropped after)."""
    if not ON_SERVER:
        yield str(tmp_path / "journal.db")
        return
    yield from _fresh_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def other_journal_address(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A second journal of this test's engine, not made yet: a file beside the first,
    or another fresh database on the server (dropped after)."""
    if not ON_SERVER:
        yield str(tmp_path / "other.db")
        return
    yield from _fresh_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def new_journal_address(request: pytest.FixtureRequest) -> Iterator[Callable[[], str] | None]:
    """On PostgreSQL, a maker of further fresh databases (all dropped after the test);
    None for files, which a test names in a folder of its own."""
    if not ON_SERVER:
        yield None
        return
    server = request.getfixturevalue("postgres_server")
    made: list[str] = []

    def new() -> str:
        made.append(server.create_database())
        return made[-1]

    yield new
    from psycopg.conninfo import conninfo_to_dict

    for url in made:
        server.drop_database(str(conninfo_to_dict(url)["dbname"]))


@pytest.fixture
def journal_name(journal_address: str) -> str:
    """This test's journal as the program names it in messages (no password)."""
    return str(paths.journal_location(journal_address))


@pytest.fixture(autouse=True)
def isolated_environment(
    journal_address: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Never touch the real journal, the real clock, or the user's editor."""
    monkeypatch.setenv("KUNDENPFLEGE_DB", journal_address)
    if ON_SERVER:  # what a command leaves for the user goes to their data folder then
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    _pin(monkeypatch)
    yield
    monkeypatch.undo()
    time.tzset()
    i18n.select("en")


def _pin(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock, the zone, the width and the language every test starts with."""
    monkeypatch.setenv(clock.PIN_VARIABLE, PINNED_NOW)
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setenv("COLUMNS", "200")
    # English unless a test asks for German, whatever the machine's locale.
    for variable in ("EDITOR", "VISUAL", "NO_COLOR", *LANGUAGE_VARIABLES):
        monkeypatch.delenv(variable, raising=False)
    time.tzset()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The journal FILE. A test that needs it is about the file: mark it `file_only`,
    or read the journal through `journal_rows`, `journal_snapshot`, `journal_content`."""
    if ON_SERVER:
        pytest.fail("db_path is the journal file; on PostgreSQL there is none (file_only?)")
    return tmp_path / "journal.db"


@pytest.fixture
def run() -> Run:
    """Invoke the CLI like a user would, with separate stdout and stderr."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(APP, list(args), input=input)

    return invoke


@pytest.fixture
def journal(run: Run, request: pytest.FixtureRequest) -> Run:
    """A fresh, initialised journal; returns the same runner. On PostgreSQL it is a copy
    of the journal `init` made at the start of the session (tests/test_engines.py
    checks that they are alike), unless the test changed what `init` reads."""
    if ON_SERVER and _copied_from_the_template(request):
        return run
    result = run("init")
    assert result.exit_code == 0, result.stderr
    return run


def what_init_reads() -> dict[str, str]:
    """All in the environment that `init` may read but the journal's address: our own
    variables (the clock, who is at work), the time zone and the language."""
    return {
        name: value
        for name, value in os.environ.items()
        if (name.startswith("KUNDENPFLEGE_") and name != paths.DB_VARIABLE)
        or name in ("TZ", *LANGUAGE_VARIABLES)
    }


@dataclass(frozen=True)
class Template:
    """A database holding the journal `init` makes, and what `init` read making it."""

    name: str
    environment: dict[str, str]


@pytest.fixture(scope="session")
def journal_template(postgres_server: "PostgresServer") -> Template:
    """The journal `init` makes, made once per session in the environment each test
    starts with: a copy of it costs ~20 ms where `init` takes ~80 ms."""
    name = "kp_journal_template"
    url = postgres_server.create_database(name)
    with pytest.MonkeyPatch.context() as patch:
        _pin(patch)
        patch.setenv(paths.DB_VARIABLE, url)
        made = CliRunner().invoke(APP, ["init"])
        environment = what_init_reads()
    time.tzset()
    i18n.select("en")
    assert made.exit_code == 0, made.stderr
    return Template(name, environment)


def _copied_from_the_template(request: pytest.FixtureRequest) -> bool:
    """Make this test's database again as a copy of the template, where `init` would
    make the same journal: the address is still the test's own, nothing made a journal
    there yet, and the environment is the one the template was made in."""
    from psycopg.conninfo import conninfo_to_dict

    address = request.getfixturevalue("journal_address")
    template: Template = request.getfixturevalue("journal_template")
    if os.environ.get(paths.DB_VARIABLE) != address or what_init_reads() != template.environment:
        return False
    if has_journal(address):
        return False
    server = request.getfixturevalue("postgres_server")
    name = str(conninfo_to_dict(address)["dbname"])
    server.drop_database(name)
    server.create_database(name, template=template.name)
    return True


@pytest.fixture
def connection(journal_address: str) -> Iterator[Connection]:
    """The journal opened by the domain layer, for domain-level tests."""
    opened, _ = unit_of_work.create_journal(paths.journal_location(journal_address), clock.now())
    yield opened
    opened.close()


def now() -> datetime:
    return clock.now()


def ok(result: Result) -> Result:
    """Assert success and return the result, with stderr in the failure message."""
    assert result.exit_code == 0, f"exit {result.exit_code}: {result.stderr}{result.exception!r}"
    return result


def error_line(result: Result, code: int = 1) -> str:
    """Assert exactly one 'Error: ...' line on stderr, nothing on stdout, and the exit code."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def _fresh_database(server: "PostgresServer") -> Iterator[str]:
    """A new, empty database on the session's server, dropped after."""
    from psycopg.conninfo import conninfo_to_dict

    url = server.create_database()
    yield url
    server.drop_database(str(conninfo_to_dict(url)["dbname"]))


Address = str | Path


@contextmanager
def reading(address: Address | None = None) -> Iterator[Connection]:
    """The journal at `address` (default: this test's, KUNDENPFLEGE_DB) opened raw, to
    look into it: nothing is migrated or recomputed on opening, and every statement
    commits at once (a test may set a scene with it). A file through sqlite3 itself,
    a server through our own connection (so the SQL is ours: `?` marks, `main.`)."""
    where = paths.journal_location(str(address or os.environ["KUNDENPFLEGE_DB"]))
    opened: Connection
    if isinstance(where, paths.Server):
        from kundenpflege.storage.postgres import journal as on_postgres

        opened = on_postgres.connect(where, clock.now(), "test")
    else:
        opened = sqlite3.connect(where, isolation_level=None)
    try:
        yield opened
    finally:
        opened.close()


def journal_rows(sql: str, *parameters: object, address: Address | None = None) -> list[tuple]:
    """The rows a statement gives on this test's journal, either engine, as tuples."""
    with reading(address) as connection:
        return [tuple(row) for row in connection.execute(sql, parameters).fetchall()]


def journal_records(
    sql: str, *parameters: object, address: Address | None = None
) -> list[dict[str, object]]:
    """The rows a statement gives, each a dict by column name."""
    with reading(address) as connection:
        found = connection.execute(sql, parameters)
        names = [column[0] for column in found.description]
        return [dict(zip(names, row, strict=True)) for row in found.fetchall()]


def journal_value(sql: str, *parameters: object, address: Address | None = None) -> object:
    """The one value a statement gives (a count, a column of one row)."""
    [(value,)] = journal_rows(sql, *parameters, address=address)
    return value


_PG_SCHEMA = (
    # What makes the journal on a server, object by object, as the server prints it.
    "SELECT 'column', table_name || '.' || column_name, concat_ws(' ', data_type,"
    " is_nullable, column_default, generation_expression) FROM information_schema.columns"
    " WHERE table_schema = ?1"
    " UNION ALL SELECT 'constraint', conrelid::regclass::text || '.' || conname,"
    " pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = ?1::regnamespace"
    " UNION ALL SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = ?1"
    " UNION ALL SELECT 'trigger', tgname, pg_get_triggerdef(oid) FROM pg_trigger"
    " WHERE NOT tgisinternal AND tgrelid IN"
    " (SELECT oid FROM pg_class WHERE relnamespace = ?1::regnamespace)"
    " UNION ALL SELECT 'view', viewname, definition FROM pg_views WHERE schemaname = ?1"
    " UNION ALL SELECT 'function', oid::regprocedure::text, prosrc FROM pg_proc"
    " WHERE pronamespace = ?1::regnamespace"
    " ORDER BY 1, 2"
)


def schema_objects(connection: Connection) -> list[tuple[object, ...]]:
    """The journal's schema: on a file sqlite_master, on a server its counterpart."""
    if catalogue.on_server(connection):
        return [tuple(row) for row in connection.execute(_PG_SCHEMA, (catalogue.SCHEMA,))]
    return [tuple(row) for row in connection.execute(
        "SELECT type, name, sql FROM sqlite_master ORDER BY type, name")]  # fmt: skip


def table_rows(connection: Connection, table: str) -> list[tuple[object, ...]]:
    """Every row of a table, by its primary key (by value where it has none)."""
    key = catalogue.primary_key(connection, table)
    if not key:
        return sorted(
            (tuple(row) for row in connection.execute(f"SELECT * FROM {table}")), key=repr
        )
    order = ", ".join(key)
    return [tuple(row) for row in connection.execute(f"SELECT * FROM {table} ORDER BY {order}")]


def no_journal_error(name: str) -> str:
    """The one line a command says where `init` has not made the journal yet."""
    if ON_SERVER:
        return (
            f"Error: {name} holds no kundenpflege journal; make it one with"
            f" 'kundenpflege --db {name} init'"
        )
    return f"Error: no journal at {name}; create one with 'kundenpflege init'"


def journal_snapshot(address: Address | None = None) -> object:
    """The journal's logical content, to prove that a failed command changed nothing:
    of a file, its SQL dump; on a server, its schema and every table's rows. (Not the
    server's sequences: PostgreSQL never gives back a number a rolled-back INSERT drew.)"""
    with reading(address) as connection:
        if isinstance(connection, sqlite3.Connection):
            return "\n".join(connection.iterdump()).encode()
        return {
            "schema": schema_objects(connection),
            **{
                table: table_rows(connection, table)
                for table in sorted(catalogue.tables(connection))
            },
        }


def journal_bytes(address: Address | None = None) -> bytes:
    """Where an erased word must be gone from: a file's bytes on disk (its WAL too); on
    a server every row of every table, the change log included (the old row versions
    are VACUUM's, which tests/test_engines.py checks)."""
    if ON_SERVER:
        return repr(journal_snapshot(address)).encode()
    path = Path(address or os.environ["KUNDENPFLEGE_DB"])
    return b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal", "-shm", "-journal")
        if Path(f"{path}{suffix}").exists()
    )


def search_content(connection: Connection) -> list[tuple[object, ...]]:
    """What the search index holds, entry by entry (kind, id, customer, day, words)."""
    return sorted((tuple(row) for row in connection.execute(
        "SELECT r.kind, r.ref, r.customer_id, r.day, s.body FROM search_rows r"
        " JOIN search_index s ON s.rowid = r.row")), key=repr)  # fmt: skip


def has_journal(address: Address | None = None) -> bool:
    """Whether there is a journal at `address` yet (a file; a database `init` made one of)."""
    if not ON_SERVER:
        return Path(address or os.environ["KUNDENPFLEGE_DB"]).exists()
    with reading(address) as connection:
        return "migrations" in catalogue.tables(connection)


def journal_content(address: Address | None = None) -> dict[str, list[tuple[object, ...]]]:
    """Everything in the journal, schema too, but the change log and the id counters,
    to prove that undo put it back; days of the daily tally that count nothing are
    left out (a removed entry leaves its day at zero, which no report shows)."""
    if not has_journal(address):
        return {}
    with reading(address) as connection:
        tables = sorted(
            name for name in catalogue.tables(connection)
            if not name.startswith(("change", "search_"))
            and name not in ("sqlite_sequence", "migrations")
        )  # fmt: skip
        found = {table: sorted((tuple(row) for row in connection.execute(
            f"SELECT * FROM {table}")), key=repr) for table in tables}  # fmt: skip
        # The search index by what it holds: its row numbers and segments may differ.
        found["search"] = search_content(connection)
        found["schema"] = schema_objects(connection)
    found["daily_stats"] = [row for row in found["daily_stats"] if any(row[3:])]
    return found


def terminal(arguments: list[str], address: Address, *, typed: str = "", **extra: str) -> str:
    """Run the real command on a pseudo-terminal (a person `typed` their answers) and
    return what the screen got."""
    primary, secondary = pty.openpty()
    environment = {
        **os.environ,
        "KUNDENPFLEGE_DB": str(address),
        "COLUMNS": "200",
        "TERM": "xterm-256color",
        "KUNDENPFLEGE_NOW": PINNED_NOW,
        **extra,
    }
    if "NO_COLOR" not in extra:
        environment.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "kundenpflege", *arguments],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=environment,
    )
    os.close(secondary)
    if typed:
        os.write(primary, typed.encode())
    output = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=30)
    os.close(primary)
    return output.decode()


def program(name: str) -> str:
    """The path of a real program a test drives (Chromium, LibreOffice). Skipped where
    it is missing, except where KUNDENPFLEGE_REQUIRE_PROGRAMS is set (CI): there a
    missing program fails the test instead of hiding it."""
    import shutil

    found = shutil.which(name)
    if found:
        return found
    unavailable(name)


def unavailable(what: str) -> NoReturn:
    """Skip the test for want of `what` (a program, a library), or fail it under
    KUNDENPFLEGE_REQUIRE_PROGRAMS (CI), where a want must not hide a test."""
    if os.environ.get("KUNDENPFLEGE_REQUIRE_PROGRAMS"):
        pytest.fail(f"{what} is required here (KUNDENPFLEGE_REQUIRE_PROGRAMS) but not installed")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator["PostgresServer"]:
    """One throwaway PostgreSQL server for the whole session (private socket, no TCP):
    starting one costs most of a second, a database per test only tens of ms."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg (pip install -e '.[postgres]')")
    from tests.postgres_server import PostgresServer, find_binaries

    binaries = find_binaries()
    if binaries is None:
        unavailable("PostgreSQL (initdb, pg_ctl)")
    server = PostgresServer(binaries, base=_memory_folder())
    yield server
    server.stop()


def _memory_folder() -> Path | None:
    """/dev/shm where it has room (None: the temporary folder): each test's database is
    ~8 MB written and removed again, which a disk under load takes up to a third of a
    second for, memory ~10 ms."""
    import shutil

    folder = Path("/dev/shm")
    try:
        room = shutil.disk_usage(folder).free
    except OSError:
        return None
    return folder if room >= 1 << 30 and os.access(folder, os.W_OK) else None


@pytest.fixture
def postgres_url(postgres_server: "PostgresServer") -> Iterator[str]:
    """A fresh, empty database on the session's server, for this test only: dropped after."""
    yield from _fresh_database(postgres_server)
