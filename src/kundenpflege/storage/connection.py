"""What the program asks of an open journal, whichever engine holds it.

Domain and report code is written against these types, never against sqlite3 or
psycopg, so that the same functions run on a file and on a server (issue 17). The
surface is the part of Python's DB-API that sqlite3 offers and our code uses: `execute`
with `?` marks, rows readable by name and by position, `rowcount` and `lastrowid`.

Errors keep DB-API's hierarchy. sqlite3's classes are the concrete ones (the module is
loaded anyway); the PostgreSQL connection raises subclasses of them, so one `except
IntegrityError` serves both engines.
"""

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Protocol

DatabaseError = sqlite3.DatabaseError
Error = sqlite3.Error
IntegrityError = sqlite3.IntegrityError
OperationalError = sqlite3.OperationalError


class Row(Protocol):
    """A result row: `row["handle"]`, `row[0]`, unpacking and `dict(zip(row.keys(), row))`."""

    def __getitem__(self, key: int | str, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...
    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    """What an `execute` returns: its rows, and what a write did."""

    @property
    def rowcount(self) -> int: ...
    @property
    def lastrowid(self) -> int | None: ...
    @property
    def description(self) -> Any: ...

    row_factory: Any  # None: plain tuples, for reading 100,000 rows by position

    def execute(self, sql: str, parameters: Any = (), /) -> "Cursor": ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """An open journal. Transactions are begun and ended by storage.db alone."""

    def execute(self, sql: str, parameters: Any = (), /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Any, /) -> Cursor: ...
    def cursor(self) -> Cursor: ...
    @property
    def in_transaction(self) -> bool: ...
    def close(self) -> None: ...


class JournalState:
    """What a connection opened by storage.db knows beside its SQL: whether a unit of
    work is open on it (nested domain writes join it instead of committing half an
    action), whether a newer kundenpflege wrote the journal (then nothing may change
    it), and what the change log calls the command's change."""

    in_unit_of_work = False
    newer: tuple[str, ...] = ()
    origin = ""
    # The change log (m012): whether this journal has one, and what a change is called.
    logs_changes = False
    command = "change"
    opened_at: datetime  # when the command began: the time of its changes
    # Who is at work: KUNDENPFLEGE_PERSON, else the login on a server; their changes
    # are theirs to undo.
    person: str | None = None
