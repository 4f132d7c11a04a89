"""A journal on a PostgreSQL server, behind the surface `storage.connection` describes.

Only a `postgresql://` journal imports this module (and psycopg with it, ~100 ms).
Statements are rewritten by `sql.translate`; rows read by name and position like
sqlite3's; numbers and truth values come back as SQLite gives them (int or float,
1 or 0) so that reports, CSV and JSON do not depend on the engine. Writers queue up
on one advisory lock, PostgreSQL's counterpart of SQLite's BEGIN IMMEDIATE: the change
log's floors and the derived columns assume one writer at a time.
"""

import contextlib
import itertools
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
from psycopg.adapt import Loader
from psycopg.pq import TransactionStatus

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.paths import Server
from kundenpflege.storage.catalogue import SCHEMA
from kundenpflege.storage.connection import JournalState
from kundenpflege.storage.postgres import sql

# pg_advisory_xact_lock's key for "a kundenpflege writer": the letters 'kpjw'.
WRITE_LOCK = 0x6B706A77


class ServerError(sqlite3.OperationalError):
    """The server could not do it (gone, shut down, out of room)."""


class ServerIntegrityError(sqlite3.IntegrityError):
    """A rule of the schema refused the change (unique, foreign key, check, trigger)."""


class ServerDatabaseError(sqlite3.DatabaseError):
    """Anything else the server refused."""


class ServerRightsError(ServerDatabaseError):
    """This login may not do that to the journal (the owner grants it)."""


def explain(error: sqlite3.Error, server: Server) -> KundenpflegeError:
    """One line naming the journal's server and what happened."""
    if isinstance(error, ServerError):
        message = _("the connection to {server} failed ({error}); nothing was changed")
    elif isinstance(error, ServerRightsError):
        message = _("{server}: {error}; nothing was changed; the journal's owner grants the"
                    " rights (docs/team.md)")  # fmt: skip
    else:
        message = _("database problem in {server}: {error}")
    return KundenpflegeError(message.format(server=server, error=error))


def refusal(error: psycopg.Error) -> sqlite3.DatabaseError:
    """psycopg's error as the DB-API class the rest of the program catches."""
    diagnostic = error.diag.message_primary or str(error).strip().splitlines()[0]
    if isinstance(error, psycopg.IntegrityError | psycopg.errors.RaiseException):
        return ServerIntegrityError(diagnostic)
    if isinstance(error, psycopg.OperationalError):
        return ServerError(diagnostic)
    if isinstance(error, psycopg.errors.InsufficientPrivilege):
        return ServerRightsError(diagnostic)
    return ServerDatabaseError(diagnostic)


class _Number(Loader):
    """numeric (what sum() of integers gives) as int or float, never Decimal."""

    def load(self, data: Any) -> int | float:
        text = bytes(data)
        return float(text) if b"." in text or b"e" in text.lower() else int(text)


class _Truth(Loader):
    """A comparison's value as 1 or 0, as SQLite gives it."""

    def load(self, data: Any) -> int:
        return 1 if bytes(data) == b"t" else 0


class Row(tuple[Any, ...]):
    """A row readable by position and by (case-blind) column name, like sqlite3.Row."""

    names: tuple[str, ...] = ()
    positions: dict[str, int] = {}

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                return tuple.__getitem__(self, self.positions[key.lower()])
            except KeyError:
                raise IndexError(f"No item with that key: {key}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.names)


_ROW_CLASSES: dict[tuple[str, ...], type[Row]] = {}


def _row_class(names: tuple[str, ...]) -> type[Row]:
    """One Row class per column list, made once: a row itself carries only its values."""
    found = _ROW_CLASSES.get(names)
    if found is None:
        index = {name.lower(): position for position, name in reversed(list(enumerate(names)))}
        found = type("Row", (Row,), {"names": names, "positions": index, "__slots__": ()})
        _ROW_CLASSES[names] = found
    return found


STREAMED_ROWS = 2000  # rows a streamed read fetches at a time
COPY_FROM = 100  # from this many rows an executemany of a plain INSERT is a COPY
_STREAMS = (f"kp_stream_{number}" for number in itertools.count(1))


class Cursor:
    """What `execute` returns: its rows (Row, or plain tuples when `row_factory` is
    None), `rowcount`, and `lastrowid` for an INSERT into a table with a counter."""

    def __init__(self, journal: "PostgresJournal", streamed: bool = False) -> None:
        self._journal = journal
        # psycopg asks once per result how to make its rows: the Row class is looked
        # up by the result's column names then, not for every row.
        self._cursor: psycopg.RawCursor[Any] | psycopg.RawServerCursor[Any] = (
            psycopg.RawServerCursor(journal.raw, next(_STREAMS), row_factory=self._maker)
            if streamed
            else psycopg.RawCursor(journal.raw, row_factory=self._maker)
        )
        if isinstance(self._cursor, psycopg.RawServerCursor):
            self._cursor.itersize = STREAMED_ROWS
        self.row_factory: Any = Row
        self.lastrowid: int | None = None
        self._returned: list[Any] | None = None
        self._none = False  # an executemany of no rows: it changed nothing

    def _maker(self, cursor: Any) -> Any:
        if self.row_factory is None or not cursor.description:
            return tuple
        return _row_class(tuple(column.name for column in cursor.description))

    def close(self) -> None:
        self._cursor.close()

    @property
    def rowcount(self) -> int:
        return 0 if self._none else self._cursor.rowcount

    @property
    def description(self) -> Any:
        return self._cursor.description

    def execute(self, text: str, parameters: Any = (), /) -> "Cursor":
        try:
            special = self._journal.special(text)
            if special is not None:
                text, parameters = special
                if not text:  # nothing to do on a server
                    return self
            statement = sql.translate(text)
            query = statement.text
            counter = self._journal.counter(statement.inserts) if statement.inserts else None
            if counter:
                query += f" RETURNING {counter}"
            values = statement.values(parameters) if parameters else None
            if statement.writes and self._journal.in_transaction:
                self._journal.alone(lambda: self._cursor.execute(query, values))
            else:
                self._cursor.execute(query, values)
            if counter:
                self._returned = self._cursor.fetchall()
                self.lastrowid = self._returned[-1][0] if self._returned else None
        except psycopg.Error as error:
            raise refusal(error) from error
        return self

    def _fetch(self, how: str, *size: int) -> Any:
        """Rows of a result (none of an INSERT that returned its counter, as sqlite3)."""
        if self._returned is not None or self._cursor.description is None:
            return None if how == "fetchone" else []
        try:
            return getattr(self._cursor, how)(*size)
        except psycopg.Error as error:
            raise refusal(error) from error

    def fetchone(self) -> Any:
        return self._fetch("fetchone")

    def fetchall(self) -> list[Any]:
        return list(self._fetch("fetchall"))

    def fetchmany(self, size: int = 1) -> list[Any]:
        return list(self._fetch("fetchmany", size))

    def __iter__(self) -> Iterator[Any]:
        if self._returned is not None or self._cursor.description is None:
            return iter(())
        return iter(self._cursor)  # the result is in memory already: read as it goes

    def executemany(self, text: str, rows: Any, /) -> "Cursor":
        statement = sql.translate(text)
        try:
            values = [statement.values(row) for row in rows]
            if not values:  # SQLite runs it no time: nothing to send
                self._none = True
                return self
            copy = statement.copy if len(values) >= COPY_FROM else None

            def send() -> None:
                if copy:
                    self._copy(copy, values)
                else:
                    self._cursor.executemany(statement.text, values)

            if statement.writes and self._journal.in_transaction:
                self._journal.alone(send, pipelined=not copy)
            else:
                send()
        except psycopg.Error as error:
            raise refusal(error) from error
        return self

    def _copy(self, statement: str, rows: list[list[Any]]) -> None:
        """Many rows of a plain INSERT as one COPY: a stream, where executemany sends
        each row as a statement of its own (their row triggers run all the same)."""
        with self._cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def local_zone() -> str:
    """The zone this machine reads its clock in, for the session's dates ('localtime')."""
    zone = os.environ.get("TZ", "").lstrip(":")
    if zone and not zone.startswith("/"):
        return zone
    target = Path(zone or "/etc/localtime")
    try:
        resolved = str(target.resolve())
    except OSError:
        return "UTC"
    return resolved.split("/zoneinfo/", 1)[1] if "/zoneinfo/" in resolved else "UTC"


class PostgresJournal(JournalState):
    """An open journal on a server: one psycopg connection in autocommit, whose
    transactions storage.db begins and ends with the same statements as on SQLite."""

    engine = "postgresql"

    def __init__(self, raw: psycopg.Connection[Any], display: str) -> None:
        self.raw = raw
        self.display = display  # the address without its password, for messages
        self._counters: dict[str, str] | None = None
        self._streams: list[Cursor] = []
        for name, loader in (("numeric", _Number), ("bool", _Truth)):
            raw.adapters.register_loader(name, loader)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def cursor(self) -> Cursor:
        return Cursor(self)

    def execute(self, text: str, parameters: Any = (), /) -> Cursor:
        return Cursor(self).execute(text, parameters)

    def executemany(self, text: str, rows: Any, /) -> Cursor:
        return Cursor(self).executemany(text, rows)

    def stream(self, text: str, parameters: Any = (), /) -> Cursor:
        """A read of a whole table, inside a transaction: its rows come STREAMED_ROWS at
        a time from a cursor on the server, where `execute` would hold all of them
        (2,000,000 interactions) in memory at once."""
        cursor = Cursor(self, streamed=True)
        self._streams.append(cursor)
        return cursor.execute(text, parameters)

    def close(self) -> None:
        for stream in self._streams:  # ended on the server with their transaction
            stream.close()
        self.raw.close()

    def alone(self, write: Callable[[], object], *, pipelined: bool = True) -> None:
        """A write inside a transaction, undone alone when it fails, as SQLite does:
        PostgreSQL would refuse every later statement of the transaction instead, and
        code that catches a refusal (a handle taken) goes on in it. The savepoint
        travels with the statement, in one round trip (a COPY cannot be pipelined)."""
        try:
            with self.raw.pipeline() if pipelined else contextlib.nullcontext():
                self.raw.execute("SAVEPOINT kp_statement")
                write()
                self.raw.execute("RELEASE SAVEPOINT kp_statement")
        except psycopg.Error:
            if self.raw.info.transaction_status == TransactionStatus.INERROR:
                self.raw.execute("ROLLBACK TO SAVEPOINT kp_statement")
                self.raw.execute("RELEASE SAVEPOINT kp_statement")
            raise

    def counter(self, table: str) -> str | None:
        """The column a table counts its rows with (its identity), read once."""
        if self._counters is None:
            found = self.raw.execute(
                "SELECT c.relname, a.attname FROM pg_attribute a"
                " JOIN pg_class c ON c.oid = a.attrelid"
                " WHERE a.attidentity <> '' AND c.relnamespace = %s::regnamespace",
                (SCHEMA,),
            ).fetchall()
            self._counters = dict(found)
        return self._counters.get(table)

    def special(self, text: str) -> tuple[str, Any] | None:
        """Statements that say the same thing in other words: transactions and the
        few PRAGMAs the program issues outside the file-only commands."""
        words = " ".join(text.split()).upper()
        if words == "BEGIN IMMEDIATE":
            self.raw.execute("BEGIN")
            return "SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,)
        if words == "BEGIN":  # a read that must see one moment, as SQLite's snapshot
            return "BEGIN ISOLATION LEVEL REPEATABLE READ", ()
        if not words.startswith("PRAGMA "):
            return None
        if words in ("PRAGMA QUERY_ONLY = ON", "PRAGMA QUERY_ONLY = 1"):
            return "SET default_transaction_read_only = on", ()
        if words in ("PRAGMA QUERY_ONLY = OFF", "PRAGMA QUERY_ONLY = 0"):
            return "SET default_transaction_read_only = off", ()
        if words == "PRAGMA QUERY_ONLY":
            return "SELECT current_setting('default_transaction_read_only') = 'on'", ()
        if words == "PRAGMA DEFER_FOREIGN_KEYS = ON":
            return "SET CONSTRAINTS ALL DEFERRED", ()
        # Always so on a server (keys enforced, erased rows vacuumed, memory its own):
        # nothing to send.
        if words.split(" = ")[0] in ("PRAGMA FOREIGN_KEYS", "PRAGMA SECURE_DELETE"):
            return "", ()
        if words.startswith("PRAGMA CACHE_SIZE"):
            return "", ()
        raise ServerDatabaseError(f"{text} has no counterpart on a server")
