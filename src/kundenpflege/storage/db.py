"""Opening the journal file: pragmas, transactions, the unit of work, and errors a
person can act on.

Storage knows nothing of the domain: the unit of work is handed the function that
recomputes a customer's derived columns (`Recompute`) by whoever opens it.
"""

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _, system_message
from kundenpflege.paths import Server
from kundenpflege.storage import migrations
from kundenpflege.storage.connection import Connection, Cursor, Error, JournalState

T = TypeVar("T")

# DESIGN §6 asks for at least 5 s; concurrent writers wait rather than fail.
BUSY_TIMEOUT_SECONDS = 10.0

# Recomputes the stored, derived columns of these customers (the domain's schedule).
Recompute = Callable[[Connection, Sequence[int]], None]


class JournalConnection(JournalState, sqlite3.Connection):
    """A journal in a SQLite file."""


def _connect(path: Path, now: datetime, command: str) -> JournalConnection:
    # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
    connection = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, factory=JournalConnection
    )
    connection.row_factory = sqlite3.Row
    connection.opened_at, connection.command = now, command
    connection.execute("PRAGMA foreign_keys = ON")
    # Forgotten personal data must really leave the file (GDPR erasure).
    connection.execute("PRAGMA secure_delete = ON")
    return connection


def _make_private_dirs(directory: Path) -> None:
    """Create missing folders 0700: the journal holds personal data."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700)


def create_private_file(path: Path) -> None:
    """A new, empty file only we may read (0600, whatever the umask), in folders only
    we may enter; never one that exists."""
    try:
        _make_private_dirs(path.parent)
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as error:
        raise KundenpflegeError(
            _("cannot create {path}: {reason}").format(path=path, reason=system_message(error))
        ) from error
    os.fchmod(descriptor, 0o600)
    os.close(descriptor)


def journal_file(connection: Connection) -> sqlite3.Connection:
    """The SQLite connection behind a journal, for what only a file has (its bytes to
    copy). Commands about a file refuse a server before they open it (paths)."""
    if not isinstance(connection, sqlite3.Connection):
        raise TypeError("a journal file is needed here, not a journal on a server")
    return connection


def private_copy(source: sqlite3.Connection, target: Path) -> None:
    """SQLite's online backup into a new 0600 file; safe while others write. The copy
    is one self-contained file (journal mode DELETE): no -wal or -shm beside it."""
    create_private_file(target)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
        destination.execute("PRAGMA journal_mode = DELETE")
    finally:
        destination.close()


def create_journal(
    path: "Path | Server", now: datetime, recompute: Recompute, command: str = "change"
) -> tuple[Connection, bool]:
    """Create the journal file (0600) if needed; return it open and whether it is new.
    `command` names its changes in the change log. On a server: its schema."""
    if isinstance(path, Server):
        from kundenpflege.storage.postgres import journal

        return journal.create_journal(path, now, recompute, command)
    if path.exists():
        return open_journal(path, now, recompute, blank_ok=True, command=command), False
    create_private_file(path)
    connection = _connect(path, now, command)
    connection.execute("PRAGMA journal_mode = WAL")
    migrate(connection, now, recompute)
    connection.logs_changes = True
    return connection, True


SLICE = 500  # values per `IN (...)` list, well below SQLite's limit on bound parameters


def slices(values: Sequence[T]) -> Iterator[tuple[list[T], str]]:
    """Values in slices for `WHERE … IN (marks)`, each with its marks ("?, ?, …")."""
    for start in range(0, len(values), SLICE):
        chunk = list(values[start : start + SLICE])
        yield chunk, ", ".join("?" for _ in chunk)


def open_journal(
    path: "Path | Server",
    now: datetime,
    recompute: Recompute,
    upgrade: bool = True,
    blank_ok: bool = False,
    command: str = "change",
) -> Connection:
    """Open an existing journal and (unless told not to) bring its schema and its
    derived columns up to date. A journal from a newer version is opened to be read
    only; an empty file becomes a journal only when `blank_ok` (init)."""
    if isinstance(path, Server):
        from kundenpflege.storage.postgres import journal

        return journal.open_journal(path, now, recompute, upgrade, blank_ok, command)
    if not path.exists():
        raise KundenpflegeError(
            _("no journal at {path}; create one with 'kundenpflege init'").format(path=path)
        )
    if not path.is_file():
        raise KundenpflegeError(
            _("{path} is not a file; point --db at a journal file").format(path=path)
        )
    connection = _connect(path, now, command)
    try:
        migrations.pending(connection)  # refuses files that are no journal
        if migrations.blank(connection) and not blank_ok:
            raise KundenpflegeError(
                _("{path} is empty, not a kundenpflege journal; make it one with"
                  " 'kundenpflege --db {path} init'").format(path=path)
            )  # fmt: skip
        newer = migrations.newer(connection)
        if newer:
            connection.newer, connection.origin = tuple(newer), str(path)
            connection.execute("PRAGMA query_only = ON")
        elif upgrade:
            migrate(connection, now, recompute)
        connection.logs_changes = upgrade or not migrations.pending(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def newer_than_us(connection: Connection) -> str | None:
    """Why nothing may change this journal; None when this version may."""
    if isinstance(connection, JournalState) and connection.newer:
        return _("{path} comes from a newer kundenpflege ({names}); upgrade kundenpflege").format(
            path=connection.origin, names=", ".join(connection.newer)
        )
    return None


@contextmanager
def transaction(connection: Connection) -> Iterator[Connection]:
    """All or nothing, IMMEDIATE so concurrent writers queue up. For schema steps and
    maintenance; changes to entries go through `unit_of_work`."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


@contextmanager
def unit_of_work(
    connection: Connection, recompute: Recompute, keep: bool = True, log: bool = True
) -> Iterator[Connection]:
    """One user action: BEGIN IMMEDIATE, and before COMMIT the customers it touched
    (marked by the schema's triggers in `pending_refresh`) are recomputed.

    Opened while another is open on the connection, it joins that one. `keep=False`
    rolls everything back at the end (a dry run). A kept change goes into the change
    log, unless `log=False` (undo itself).
    """
    if not isinstance(connection, JournalState):
        raise TypeError("open the journal with storage.db so changes keep derived state")
    refused = newer_than_us(connection)
    if refused:
        raise KundenpflegeError(refused)
    if connection.in_unit_of_work:
        yield connection
        return
    connection.execute("BEGIN IMMEDIATE")
    connection.in_unit_of_work = True
    logged = keep and log and connection.logs_changes
    if logged:
        from kundenpflege.storage import changelog  # writes only: reports never load it
    try:
        if logged:
            changelog.begin(connection, connection.command, connection.opened_at, connection.person)
        yield connection
        settle(connection, recompute)
        if logged:
            changelog.end(connection)
        connection.execute("COMMIT" if keep else "ROLLBACK")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.in_unit_of_work = False


def settle(connection: Connection, recompute: Recompute) -> None:
    """Recompute every customer marked so far, so that what follows reads current values."""
    pending = [customer_id for (customer_id,) in connection.execute(PENDING)]
    recompute(connection, pending)  # the search index's marks too, when there are no others
    if pending:
        connection.execute("DELETE FROM pending_refresh")


PENDING = "SELECT customer_id FROM pending_refresh ORDER BY customer_id"
# Anything marked for recomputing: customers, or entries for the search index (m021).
MARKED = "SELECT 1 FROM pending_refresh UNION ALL SELECT 1 FROM search_pending LIMIT 1"


def migrate(connection: Connection, now: datetime, recompute: Recompute) -> list[str]:
    """Apply each missing schema step in its own transaction; return their names.
    Customers a step marked (or an outside writer left marked) are then recomputed."""
    applied = []
    if migrations.pending(connection):
        # SQLite's recipe for schema changes: foreign keys off while tables are rebuilt
        # (it cannot change inside a transaction), so a rebuilt parent cascades nothing.
        connection.execute("PRAGMA foreign_keys = OFF")
        try:
            for name, step in migrations.MIGRATIONS:
                with transaction(connection):
                    if migrations.apply(connection, name, step, now):
                        applied.append(name)
        finally:
            connection.execute("PRAGMA foreign_keys = ON")
    settle_marked(connection, recompute)
    return applied


def settle_marked(connection: Connection, recompute: Recompute) -> None:
    """Recompute what a schema step or an outside writer left marked."""
    if connection.execute(MARKED).fetchone():
        try:
            with unit_of_work(connection, recompute):
                pass
        except KundenpflegeError:
            # A value another program wrote cannot be read: the customers stay marked,
            # reading goes on, and the change that touches them says why (doctor too).
            pass


def owns(connection: Connection, names: Sequence[str]) -> bool:
    """Whether the connected role owns these tables or indexes, as altering or dropping
    them asks on a server (a file's owner is whoever may write it)."""
    from kundenpflege.storage import catalogue

    return (
        not catalogue.on_server(connection)
        or not connection.execute(
            "SELECT 1 FROM pg_class WHERE relnamespace = ?::regnamespace AND relname = ANY (?)"
            " AND NOT pg_has_role(relowner, 'USAGE')",
            (catalogue.SCHEMA, list(names)),
        ).fetchone()
    )


@contextmanager
def indexes_rebuilt(connection: Connection, names: tuple[str, ...]) -> Iterator[None]:
    """For bulk loads inside the caller's transaction: build these indexes once at the
    end (one sorted pass) instead of inserting 100,000 entries one by one. A failure
    rolls the drop back with everything else."""
    from kundenpflege.storage import catalogue

    # On a server only the tables' owner may drop them; anyone else loads with them.
    saved = catalogue.index_definitions(connection, names) if owns(connection, names) else []
    for name, _sql in saved:
        connection.execute(f"DROP INDEX {name}")
    yield
    for _name, sql in saved:
        connection.execute(sql)


BULK_ROWS = 1000  # from this many rows a load counts as bulk (indexes, statistics)


def sizes_known(connection: Connection, tables: Sequence[str]) -> None:
    """After a bulk load, a server's planner learns the tables' new sizes before the
    same transaction reads them back: planned for the empty tables of before, reading
    back 20,000 imported customers scanned them 40 times (1.6 s of a 7.4 s import).
    SQLite plans without statistics, and ANALYZE would add a table to a file's schema."""
    from kundenpflege.storage import catalogue

    if catalogue.on_server(connection):
        for name in tables:
            connection.execute(f"ANALYZE {name}")


@contextmanager
def row_triggers_paused(connection: Connection, tables: Sequence[str]) -> Iterator[None]:
    """For a bulk load into an empty journal on a server: its tables' own row triggers
    off while it loads, inside the caller's transaction; the caller makes what they
    keep at once afterwards (`domain.journal.derived_made`). Each runs statements of its
    own per row: the daily tally's took 42 s of a 67 s copy of 200,000 interactions.
    Only the tables' owner may; anyone else, and a file, loads with them on. Keys are
    checked all the same, and a failure rolls the pause back with the load."""
    from kundenpflege.storage import catalogue

    paused = catalogue.on_server(connection) and owns(connection, tables)
    for name in tables if paused else ():
        connection.execute(f"ALTER TABLE {name} DISABLE TRIGGER USER")
    yield
    for name in tables if paused else ():
        connection.execute(f"ALTER TABLE {name} ENABLE TRIGGER USER")


@contextmanager
def snapshot(connection: Connection) -> Iterator[None]:
    """One moment of the journal for a long read (an export) while others may write;
    inside a transaction already, that one's."""
    if connection.in_transaction:
        yield
        return
    connection.execute("BEGIN")
    try:
        yield
    finally:
        connection.execute("ROLLBACK")


def streamed(connection: Connection, sql: str) -> Cursor:
    """The rows of a read of whole tables, as they come (inside `snapshot`): a file's
    cursor reads them so anyway; a server's result would arrive whole."""
    from kundenpflege.storage import catalogue

    if catalogue.on_server(connection):
        from kundenpflege.storage.postgres.connection import PostgresJournal

        assert isinstance(connection, PostgresJournal)
        return connection.stream(sql)
    return connection.execute(sql)


CHECKPOINT_WAIT_MS = 3000  # how long to wait for readers to finish


def checkpoint(connection: Connection) -> bool:
    """Fold the WAL into the file and empty it; False when readers (a backup, a
    replication tool, a browser) kept it from completing within a few seconds. After
    an erasure the old pages, words and all, stay in the file until this completes."""
    connection.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
    try:
        busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return not busy


def explain(error: Error, path: "Path | Server") -> KundenpflegeError:
    """Turn the database's message into one line that says what happened to which
    journal."""
    if isinstance(path, Server):
        from kundenpflege.storage.postgres.connection import explain as on_server

        return on_server(error, path)
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        message = _("the journal {path} is busy (another program is writing); try again")
    elif "not a database" in text or "malformed" in text or "file is encrypted" in text:
        message = _("{path} is not a readable kundenpflege journal (damaged or not SQLite)")
    elif "readonly" in text or "read-only" in text:
        message = _("cannot write to {path}: the file or its folder is read-only")
    elif "disk is full" in text or "disk i/o" in text:
        message = _("cannot write to {path}: {error}; nothing was changed")
    elif "unable to open" in text:
        message = _("cannot open {path}: {error}")
    else:
        message = _("database problem in {path}: {error}")
    return KundenpflegeError(message.format(path=path, error=error))
