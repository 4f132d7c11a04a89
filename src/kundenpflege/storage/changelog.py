"""The change log behind `undo`: each unit of work is one change, and m012's triggers
copy what every row it touched was before, so the change can be put back.

A change that crossed an entry undo must not reverse (consent, erasure, restriction,
restore) is a stop: its steps and everything older are dropped at once, which is
also how an erasure leaves nothing of the person in the log.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.storage import catalogue
from kundenpflege.storage.connection import Connection

KEEP = 100  # changes kept for undo; older ones are dropped
# The tables undo reverses, with the key that names a row in each.
KEYS = {
    "settings": ("key",), "people": ("id",), "customers": ("id",),
    "customer_tags": ("customer_id", "tag"), "contacts": ("id",), "preferences": ("id",),
    "interactions": ("id",), "followups": ("id",), "facts": ("id",), "key_dates": ("id",),
}  # fmt: skip
TABLES = tuple(KEYS)
# Rows numbered above a change's floor are its own: one `inserts` step per table
# (parents first, so that undo, going backwards, removes children first).
NUMBERED = ("people", "customers", "contacts", "preferences", "interactions", "followups",
            "facts", "key_dates")  # fmt: skip


class Change(NamedTuple):  # NamedTuple, not dataclass: every write loads this module
    id: int
    made_at: str
    command: str
    stop: str | None
    person: str | None = None  # who made it (m024); None before, or when nobody said


class Step(NamedTuple):
    """One row as the change found it: its key (inserted) or all it said (else)."""

    table: str
    operation: str
    row: dict[str, Any]


def begin(connection: Connection, command: str, made_at: datetime, person: str | None) -> None:
    """Open a change, made by `person` (None: nobody said who): from here the
    triggers log into it."""
    cursor = connection.execute(
        "INSERT INTO changes (made_at, command, person) VALUES (?, ?, ?)",
        (made_at.isoformat(timespec="seconds"), command, person),
    )
    connection.execute(
        f"INSERT INTO change_recording (change_id, {', '.join(f'{t}_floor' for t in NUMBERED)})"
        f" VALUES (?, {', '.join(_highest(table) for table in NUMBERED)})",
        (cursor.lastrowid,),
    )


def _highest(table: str) -> str:
    return f"(SELECT coalesce(max(id), 0) FROM {table})"


def end(connection: Connection) -> None:
    """Close the open change: dropped if it changed nothing; a stop drops its steps and
    every older change; beyond KEEP changes the oldest go."""
    recording = connection.execute("SELECT * FROM change_recording").fetchone()
    change_id = recording["change_id"]
    for table in NUMBERED:
        floor = recording[f"{table}_floor"]
        connection.execute(
            "INSERT INTO change_steps (change_id, tbl, op, row) SELECT ?, ?, 'inserts',"
            " json_object('after', ?, 'through', top, 'rows',"
            f" (SELECT count(*) FROM {table} WHERE id > ? AND id <= top))"
            f" FROM (SELECT {_highest(table)} AS top) AS highest WHERE top > ?",
            (change_id, table, floor, floor, floor),
        )
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


def mark_restored(connection: Connection, made_at: datetime) -> None:
    """After a restore the log starts anew, with a stop: the journal before it is in
    the kept copy, not in undo."""
    connection.execute("DELETE FROM main.change_steps")
    connection.execute("DELETE FROM main.changes")
    connection.execute(
        "INSERT INTO main.changes (made_at, command, stop) VALUES (?, 'restore', 'restore')",
        (made_at.isoformat(timespec="seconds"),),
    )


def removed_contacts(connection: Connection, name_or_email: str, handle: str | None) -> list[int]:
    """Contacts no longer in the journal whose name or e-mail the log still holds
    (removed, kept for undo); at the customer `handle` when given."""
    # The ids are read as integers outright: SQLite's json_extract gives a number its
    # type, PostgreSQL's stand-in gives text. Each contact once, in the order the log
    # first names them (as SQLite's DISTINCT gave them).
    at_customer = (
        "" if handle is None else
        " AND CAST(json_extract(row, '$.customer_id') AS INTEGER)"
        " IN (SELECT id FROM customers WHERE handle = ?2)"
    )  # fmt: skip
    rows = connection.execute(
        "SELECT CAST(json_extract(row, '$.id') AS INTEGER) FROM change_steps"
        " WHERE tbl = 'contacts' AND op != 'inserts' AND json_valid(row)"
        " AND (json_extract(row, '$.name') = ?1 COLLATE NOCASE"
        " OR json_extract(row, '$.email') = ?1 COLLATE NOCASE)"
        " AND CAST(json_extract(row, '$.id') AS INTEGER) NOT IN (SELECT id FROM contacts)"
        f"{at_customer} ORDER BY id",
        (name_or_email.strip(), *(() if handle is None else (handle,))),
    )
    return list(dict.fromkeys(number for (number,) in rows if type(number) is int))


def when(change: Change) -> str:
    """The moment of a change as people read it: local time, to the minute."""
    try:
        return f"{datetime.fromisoformat(change.made_at).astimezone():%Y-%m-%d %H:%M}"
    except ValueError:  # written by another program
        return change.made_at


def latest(connection: Connection, person: str | None = None) -> Change | None:
    """The newest change; with `person`, the newest they made or nobody said who made."""
    mine = "" if person is None else " WHERE person IS NULL OR person = ?"
    row = connection.execute(
        f"SELECT id, made_at, command, stop, person FROM changes{mine} ORDER BY id DESC LIMIT 1",
        () if person is None else (person,),
    ).fetchone()
    return None if row is None else Change(*row)


def later(connection: Connection, change_id: int) -> list[Change]:
    """The changes made after this one (by others: see `latest`), oldest first."""
    rows = connection.execute(
        "SELECT id, made_at, command, stop, person FROM changes WHERE id > ? ORDER BY id",
        (change_id,),
    )
    return [Change(*row) for row in rows]


Place = tuple[str, tuple[Any, ...]]  # a row: its table and key
Touched = dict[Place, tuple[Change, Step]]


def place(step: Step) -> Place:
    return step.table, tuple(step.row[key] for key in KEYS[step.table])


def touched(connection: Connection, changes: list[Change]) -> Touched:
    """Each row these changes touched, by table and key, with the change that did."""
    found: Touched = {}
    for change in changes:
        for step in steps(connection, change.id, whole=False):
            found[place(step)] = (change, step)
    return found


def counts(connection: Connection, change_id: int) -> dict[tuple[str, str], int]:
    """How many rows of each table the change inserted, updated and deleted."""
    found: dict[tuple[str, str], int] = {}
    seen: set[tuple[str, str, object]] = set()
    for step in _read(connection, change_id, "ASC"):
        if step.operation == "inserts":
            found[step.table, "insert"] = found.get((step.table, "insert"), 0) + step.row["rows"]
            continue
        identity = (step.table, step.operation, *(step.row[key] for key in KEYS[step.table]))
        if identity not in seen:
            seen.add(identity)
            found[step.table, step.operation] = found.get((step.table, step.operation), 0) + 1
    return found


def steps(connection: Connection, change_id: int, *, whole: bool = True) -> Iterator[Step]:
    """Each row the change touched: its own new rows one by one, then those that were
    there before, in order. `whole`: its new rows must all be there still (else only
    those that are)."""
    logged = list(_read(connection, change_id, "ASC"))
    for step in (step for step in logged if step.operation == "inserts"):
        numbers = connection.execute(
            f"SELECT id FROM {step.table} WHERE id > ? AND id <= ? ORDER BY id",
            (step.row["after"], step.row["through"]),
        ).fetchall()
        if whole and len(numbers) != step.row["rows"]:
            raise _new_rows_changed(step)
        for (number,) in numbers:
            yield Step(step.table, "insert", {"id": number})
    yield from (step for step in logged if step.operation != "inserts")


def current(connection: Connection, step: Step) -> dict[str, Any] | None:
    """The row as it is now (None: not there)."""
    keys = KEYS[step.table]
    where = " AND ".join(f"{key} = ?" for key in keys)
    cursor = connection.execute(
        f"SELECT * FROM {step.table} WHERE {where}", [step.row.get(key) for key in keys]
    )
    found = cursor.fetchone()
    return None if found is None else dict(zip(found.keys(), found, strict=True))


def reverse(connection: Connection, change_id: int) -> None:
    """Put back every row the change touched and drop the change: first the rows that
    were there before it, newest step first; then its own new rows, children first.
    Runs inside the caller's unit of work, which logs nothing of it. Changes made after
    it must come out as they were: a row of theirs this would change, or take along
    (a contact logged with a customer this removes), is refused with everything."""
    after = touched(connection, later(connection, change_id))
    before = {row: current(connection, step) for row, (_change, step) in after.items()}
    # Rows come back in any order within the change; their references are checked at COMMIT.
    connection.execute("PRAGMA defer_foreign_keys = ON")
    spans = []
    for step in list(_read(connection, change_id, "DESC")):
        if step.operation == "inserts":
            spans.append(step)
        elif _put_back(connection, step) != 1:
            raise changed_outside(step)
    for span in spans:
        removed = connection.execute(
            f"DELETE FROM {span.table} WHERE id > ? AND id <= ?",
            (span.row["after"], span.row["through"]),
        )
        if removed.rowcount != span.row["rows"]:
            raise _new_rows_changed(span)
    for row, (change, step) in after.items():
        if current(connection, step) != before[row]:
            raise crossed(change, step)
    connection.execute("DELETE FROM changes WHERE id = ?", (change_id,))


def _put_back(connection: Connection, step: Step) -> int:
    """Reverse one logged row; how many rows that touched (1 unless someone interfered)."""
    keys = KEYS[step.table]
    where = " AND ".join(f"{key} = ?" for key in keys)
    key_values = [step.row[key] for key in keys]
    if step.operation == "insert":
        return connection.execute(f"DELETE FROM {step.table} WHERE {where}", key_values).rowcount
    if step.operation == "update":
        # Only what differs: a column set to itself would still fire its triggers.
        now = current(connection, step) or {}
        names = [name for name in step.row if name not in keys and now.get(name) != step.row[name]]
        assignments = ", ".join(f"{name} = ?" for name in names) or f"{keys[0]} = {keys[0]}"
        return connection.execute(
            f"UPDATE {step.table} SET {assignments} WHERE {where}",
            [step.row[name] for name in names] + key_values,
        ).rowcount
    names = list(step.row)
    return connection.execute(
        f"INSERT OR IGNORE INTO {step.table} ({', '.join(names)})"
        f" VALUES ({', '.join('?' for _name in names)})",
        [step.row[name] for name in names],
    ).rowcount


def crossed(change: Change, step: Step) -> KundenpflegeError:
    """Undoing would change what someone did after: their change stands, so this one does."""
    return KundenpflegeError(
        _("{person} changed the same entries after it ({table} {key}; {when}, '{command}');"
          " nothing was undone").format(
            person=change.person or _("someone"), table=step.table, key=_key(step),
            when=when(change), command=change.command)
    )  # fmt: skip


def changed_outside(step: Step) -> KundenpflegeError:
    """A row the change left is not as it left it: someone wrote around kundenpflege."""
    return KundenpflegeError(
        _("the journal was changed outside kundenpflege since then ({table} {key});"
          " nothing was undone").format(table=step.table, key=_key(step))
    )  # fmt: skip


def _key(step: Step) -> str:
    return ", ".join(str(value) for key, value in step.row.items() if key in ("id", "key", "tag"))


def _read(connection: Connection, change_id: int, order: str) -> Iterator[Step]:
    """The change's steps, checked: our own tables, JSON objects, whole-number spans."""
    import json

    cursor = connection.execute(
        f"SELECT tbl, op, row FROM change_steps WHERE change_id = ? ORDER BY id {order}",
        (change_id,),
    )
    columns: dict[str, set[str]] = {}
    for table, operation, text in cursor:
        if table not in columns:
            columns[table] = _columns(connection, table)
        try:
            row = json.loads(text)
        except (TypeError, ValueError):
            raise _damaged(table) from None
        if not isinstance(row, dict) or not (
            all(type(row.get(name)) is int for name in ("after", "through", "rows"))
            if operation == "inserts"
            else operation in ("insert", "update", "delete")
            and set(KEYS[table]) <= set(row) <= columns[table]
        ):
            raise _damaged(table)
        yield Step(table, operation, row)


def _new_rows_changed(span: Step) -> KundenpflegeError:
    first, last = span.row["after"] + 1, span.row["through"]
    return changed_outside(
        Step(span.table, "inserts", {"id": f"{first}" if first == last else f"{first}–{last}"})
    )


def _known(table: str) -> str:
    """Only our own tables are ever named in a statement built from the log."""
    if table not in TABLES:
        raise KundenpflegeError(_("the change log names a table that is not ours: {table}").format(
            table=table))  # fmt: skip
    return table


def _columns(connection: Connection, table: str) -> set[str]:
    """The columns of one of our own tables."""
    return set(catalogue.columns(connection, _known(table)))


def _damaged(table: str) -> KundenpflegeError:
    return KundenpflegeError(
        _("the change log is damaged ({table}); nothing was undone").format(table=table)
    )
