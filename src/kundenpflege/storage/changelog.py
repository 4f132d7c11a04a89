"""The change log behind `undo`: each unit of work is one change, and m012's triggers
copy what every row it touched was before, so the change can be put back.

A change that crossed an entry undo must not reverse (consent, erasure, restriction,
restore) is a stop: its steps and everything older are dropped at once, which is
also how an erasure leaves nothing of the person in the log.
"""

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _

KEEP = 100  # changes kept for undo; older ones are dropped
TABLES = ("settings", "people", "customers", "customer_tags", "contacts", "preferences",
          "interactions", "followups")  # fmt: skip


@dataclass(frozen=True)
class Change:
    id: int
    made_at: str
    command: str
    stop: str | None


@dataclass(frozen=True)
class Step:
    """One row as the change found it: its key (inserted) or all it said (else)."""

    table: str
    operation: str
    row: dict[str, Any]


def begin(connection: sqlite3.Connection, command: str, made_at: datetime) -> None:
    """Open a change: from here the triggers log into it."""
    cursor = connection.execute(
        "INSERT INTO changes (made_at, command) VALUES (?, ?)",
        (made_at.isoformat(timespec="seconds"), command),
    )
    connection.execute("INSERT INTO change_recording (change_id) VALUES (?)", (cursor.lastrowid,))


def end(connection: sqlite3.Connection) -> None:
    """Close the open change: dropped if it changed nothing; a stop drops its steps and
    every older change; beyond KEEP changes the oldest go."""
    (change_id,) = connection.execute("SELECT change_id FROM change_recording").fetchone()
    connection.execute("DELETE FROM change_recording")
    stop = connection.execute("SELECT stop FROM changes WHERE id = ?", (change_id,)).fetchone()[0]
    if stop is not None:
        connection.execute("DELETE FROM change_steps WHERE change_id = ?", (change_id,))
        connection.execute("DELETE FROM changes WHERE id < ?", (change_id,))
    elif not connection.execute(
        "SELECT 1 FROM change_steps WHERE change_id = ? LIMIT 1", (change_id,)
    ).fetchone():
        connection.execute("DELETE FROM changes WHERE id = ?", (change_id,))
    connection.execute(
        "DELETE FROM changes WHERE id < (SELECT id FROM changes ORDER BY id DESC"
        f" LIMIT 1 OFFSET {KEEP - 1})"
    )


def mark_restored(connection: sqlite3.Connection, made_at: datetime) -> None:
    """After a restore the log starts anew, with a stop: the journal before it is in
    the kept copy, not in undo."""
    connection.execute("DELETE FROM main.change_steps")
    connection.execute("DELETE FROM main.changes")
    connection.execute(
        "INSERT INTO main.changes (made_at, command, stop) VALUES (?, 'restore', 'restore')",
        (made_at.isoformat(timespec="seconds"),),
    )


def when(change: Change) -> str:
    """The moment of a change as people read it: local time, to the minute."""
    return f"{datetime.fromisoformat(change.made_at).astimezone():%Y-%m-%d %H:%M}"


def latest(connection: sqlite3.Connection) -> Change | None:
    row = connection.execute(
        "SELECT id, made_at, command, stop FROM changes ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else Change(*row)


def counts(connection: sqlite3.Connection, change_id: int) -> dict[tuple[str, str], int]:
    """How many rows of each table the change inserted, updated and deleted."""
    return {
        (table, operation): count
        for table, operation, count in connection.execute(
            "SELECT tbl, op, count(*) FROM change_steps WHERE change_id = ? GROUP BY tbl, op"
            " ORDER BY min(id)",
            (change_id,),
        )
    }


def steps(
    connection: sqlite3.Connection, change_id: int, *, newest_first: bool = False
) -> Iterator[Step]:
    order = "DESC" if newest_first else "ASC"
    cursor = connection.execute(
        f"SELECT tbl, op, row FROM change_steps WHERE change_id = ? ORDER BY id {order}",
        (change_id,),
    )
    for table, operation, row in cursor:
        yield Step(table, operation, json.loads(row))


def current(connection: sqlite3.Connection, step: Step) -> dict[str, Any] | None:
    """The row as it is now (None: not there)."""
    keys, _columns = _shape(connection, step.table)
    where = " AND ".join(f"{key} = ?" for key in keys)
    cursor = connection.execute(
        f"SELECT * FROM {step.table} WHERE {where}", [step.row.get(key) for key in keys]
    )
    found = cursor.fetchone()
    return None if found is None else dict(zip(found.keys(), found, strict=True))


def reverse(connection: sqlite3.Connection, change_id: int) -> None:
    """Put back every row the change touched, newest step first, and drop the change.
    Runs inside the caller's unit of work, which logs nothing of it."""
    # Rows come back in any order within the change; their references are checked at COMMIT.
    connection.execute("PRAGMA defer_foreign_keys = ON")
    shapes: dict[str, tuple[list[str], set[str]]] = {}
    for step in steps(connection, change_id, newest_first=True):
        if step.table not in shapes:
            shapes[step.table] = _shape(connection, step.table)
        keys, columns = shapes[step.table]
        if not set(step.row) <= columns or not set(keys) <= set(step.row):
            raise _damaged(step)
        where = " AND ".join(f"{key} = ?" for key in keys)
        key_values = [step.row[key] for key in keys]
        if step.operation == "insert":
            changed = connection.execute(f"DELETE FROM {step.table} WHERE {where}", key_values)
        elif step.operation == "update":
            # Only what differs: a column set to itself would still fire its triggers.
            now = current(connection, step) or {}
            names = [
                name for name in step.row if name not in keys and now.get(name) != step.row[name]
            ]
            assignments = ", ".join(f"{name} = ?" for name in names) or f"{keys[0]} = {keys[0]}"
            changed = connection.execute(
                f"UPDATE {step.table} SET {assignments} WHERE {where}",
                [step.row[name] for name in names] + key_values,
            )
        elif step.operation == "delete":
            names = list(step.row)
            changed = connection.execute(
                f"INSERT OR IGNORE INTO {step.table} ({', '.join(names)})"
                f" VALUES ({', '.join('?' for _name in names)})",
                [step.row[name] for name in names],
            )
        else:
            raise _damaged(step)
        if changed.rowcount != 1:
            raise changed_outside(step)
    connection.execute("DELETE FROM changes WHERE id = ?", (change_id,))


def changed_outside(step: Step) -> KundenpflegeError:
    """A row the change left is not as it left it: someone wrote around kundenpflege."""
    return KundenpflegeError(
        _("the journal was changed outside kundenpflege since then ({table} {key});"
          " nothing was undone").format(table=step.table, key=", ".join(
            str(value) for key, value in step.row.items() if key in ("id", "key", "tag")))
    )  # fmt: skip


def _shape(connection: sqlite3.Connection, table: str) -> tuple[list[str], set[str]]:
    """The table's key columns and all its columns; only our own tables."""
    if table not in TABLES:
        raise KundenpflegeError(_("the change log names a table that is not ours: {table}").format(
            table=table))  # fmt: skip
    info = connection.execute(f"PRAGMA table_info({table})").fetchall()
    keys = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
    return keys, {row[1] for row in info}


def _damaged(step: Step) -> KundenpflegeError:
    return KundenpflegeError(
        _("the change log is damaged ({table}); nothing was undone").format(table=step.table)
    )
