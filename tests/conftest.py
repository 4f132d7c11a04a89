"""Every test gets its own journal file and the same pinned clock (2026-11-25, Berlin)."""

import os
import pty
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest
from typer.testing import CliRunner, Result

from kundenpflege import clock, i18n
from kundenpflege.cli.commands import full_app
from kundenpflege.domain import journal as unit_of_work

if TYPE_CHECKING:  # psycopg may be missing: imported by the fixture, which skips then
    from tests.postgres_server import PostgresServer

PINNED_NOW = "2026-11-25T09:00:00+01:00"  # a Wednesday
TODAY = date(2026, 11, 25)
LANGUAGE_VARIABLES = (i18n.SETTING, *i18n.LOCALE_VARIABLES, "LANGUAGE")
APP = full_app()

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Never touch the real journal, the real clock, or the user's editor."""
    monkeypatch.setenv("KUNDENPFLEGE_DB", str(tmp_path / "journal.db"))
    monkeypatch.setenv(clock.PIN_VARIABLE, PINNED_NOW)
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setenv("COLUMNS", "200")
    # English unless a test asks for German, whatever the machine's locale.
    for variable in ("EDITOR", "VISUAL", "NO_COLOR", *LANGUAGE_VARIABLES):
        monkeypatch.delenv(variable, raising=False)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
    i18n.select("en")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.db"


@pytest.fixture
def run() -> Run:
    """Invoke the CLI like a user would, with separate stdout and stderr."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(APP, list(args), input=input)

    return invoke


@pytest.fixture
def journal(run: Run) -> Run:
    """A fresh, initialised journal; returns the same runner."""
    result = run("init")
    assert result.exit_code == 0, result.stderr
    return run


@pytest.fixture
def connection(db_path: Path) -> Iterator[sqlite3.Connection]:
    """The journal opened by the domain layer, for domain-level tests."""
    opened, _ = unit_of_work.create_journal(db_path, clock.now())
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


def file_snapshot(path: Path) -> bytes:
    """The journal's logical content, to prove that a failed command changed nothing."""
    connection = sqlite3.connect(path)
    try:
        return "\n".join(connection.iterdump()).encode()
    finally:
        connection.close()


def search_content(connection: sqlite3.Connection) -> list[tuple[object, ...]]:
    """What the search index holds, entry by entry (kind, id, customer, day, words)."""
    return sorted((tuple(row) for row in connection.execute(
        "SELECT r.kind, r.ref, r.customer_id, r.day, s.body FROM search_rows r"
        " JOIN search_index s ON s.rowid = r.row")), key=repr)  # fmt: skip


def journal_content(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Everything in the journal, schema too, but the change log and the id counters,
    to prove that undo put it back; days of the daily tally that count nothing are
    left out (a removed entry leaves its day at zero, which no report shows)."""
    if not path.exists():
        return {}
    connection = sqlite3.connect(path)
    try:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'change%'"
            " AND name NOT LIKE 'search!_%' ESCAPE '!'"
            " AND name NOT IN ('sqlite_sequence', 'migrations')")]  # fmt: skip
        found = {table: sorted(connection.execute(f"SELECT * FROM {table}"), key=repr)
                 for table in tables}  # fmt: skip
        # The search index by what it holds: its row numbers and segments may differ.
        found["search"] = search_content(connection)
        found["schema"] = connection.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    finally:
        connection.close()
    found["daily_stats"] = [row for row in found["daily_stats"] if any(row[3:])]
    return found


def terminal(arguments: list[str], db_path: Path, *, typed: str = "", **extra: str) -> str:
    """Run the real command on a pseudo-terminal (a person `typed` their answers) and
    return what the screen got."""
    primary, secondary = pty.openpty()
    environment = {
        **os.environ,
        "KUNDENPFLEGE_DB": str(db_path),
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
    server = PostgresServer(binaries)
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: "PostgresServer") -> Iterator[str]:
    """A fresh, empty database on the session's server, for this test only: dropped after."""
    from psycopg.conninfo import conninfo_to_dict

    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(str(conninfo_to_dict(url)["dbname"]))
