"""Opening the journal file: pragmas, transactions, and errors a person can act on."""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from kundenpflege import migrations
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _, system_message

# DESIGN §6 asks for at least 5 s; concurrent writers wait rather than fail.
BUSY_TIMEOUT_SECONDS = 10.0


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    connection.row_factory = sqlite3.Row
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


def create_journal(path: Path, now: datetime) -> tuple[sqlite3.Connection, bool]:
    """Create the journal file (0600) if needed; return it open and whether it is new."""
    if path.exists():
        return open_journal(path, now), False
    try:
        _make_private_dirs(path.parent)
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as error:
        raise KundenpflegeError(
            _("cannot create {path}: {reason}").format(path=path, reason=system_message(error))
        ) from error
    os.close(descriptor)
    connection = _connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    migrate(connection, now)
    return connection, True


def open_journal(path: Path, now: datetime, upgrade: bool = True) -> sqlite3.Connection:
    """Open an existing journal and (unless told not to) bring its schema up to date."""
    if not path.exists():
        raise KundenpflegeError(
            _("no journal at {path}; create one with 'kundenpflege init'").format(path=path)
        )
    if not path.is_file():
        raise KundenpflegeError(
            _("{path} is not a file; point --db at a journal file").format(path=path)
        )
    connection = _connect(path)
    try:
        if upgrade:
            migrate(connection, now)
        else:
            migrations.pending(connection)  # still refuses files that are no journal
    except BaseException:
        connection.close()
        raise
    return connection


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One user action, all or nothing; IMMEDIATE so concurrent writers queue up."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def migrate(connection: sqlite3.Connection, now: datetime) -> list[str]:
    """Apply each missing schema step in its own transaction; return their names."""
    applied = []
    if migrations.pending(connection):
        for name, step in migrations.MIGRATIONS:
            with transaction(connection):
                if migrations.apply(connection, name, step, now):
                    applied.append(name)
    _refresh_if_pending(connection)
    return applied


@contextmanager
def indexes_rebuilt(connection: sqlite3.Connection, names: tuple[str, ...]) -> Iterator[None]:
    """For bulk loads inside the caller's transaction: build these indexes once at the
    end (one sorted pass) instead of inserting 100,000 entries one by one. A failure
    rolls the drop back with everything else."""
    marks = ", ".join("?" for _name in names)
    saved = connection.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ({marks})", names
    ).fetchall()
    for name, _sql in saved:
        connection.execute(f"DROP INDEX {name}")
    yield
    for _name, sql in saved:
        connection.execute(sql)


def _refresh_if_pending(connection: sqlite3.Connection) -> None:
    """A schema step that adds derived columns asks the current code to fill them."""
    pending = "SELECT 1 FROM settings WHERE key = 'refresh_pending'"
    try:
        if connection.execute(pending).fetchone() is None:
            return
    except sqlite3.OperationalError:  # a file from before the settings table
        return
    from kundenpflege import schedule

    with transaction(connection):
        if connection.execute(pending).fetchone():
            schedule.refresh_all(connection)
            connection.execute("DELETE FROM settings WHERE key = 'refresh_pending'")


def explain(error: sqlite3.Error, path: Path) -> KundenpflegeError:
    """Turn SQLite's message into one line that says what happened to which file."""
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
