"""Our side: the people who may be a customer's chosen contact."""

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kundenpflege.domain import journal
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _

HANDLE_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    email: str | None


def check_handle(handle: str, what: str) -> str:
    """Handles are typed on the command line, so keep them lowercase and shell-safe."""
    if not HANDLE_PATTERN.fullmatch(handle):
        message = (
            _("customer handle '{handle}' may only use a-z, 0-9, '.', '_' and '-'"
              " and must start with a letter or digit")
            if what == "customer"
            else _("person handle '{handle}' may only use a-z, 0-9, '.', '_' and '-'"
                   " and must start with a letter or digit")
        )  # fmt: skip
        raise KundenpflegeError(message.format(handle=handle))
    return handle


@journal.writes
def add(
    connection: sqlite3.Connection, handle: str, name: str | None, email: str | None, now: datetime
) -> int:
    check_handle(handle, "person")
    if connection.execute("SELECT 1 FROM people WHERE handle = ?", (handle,)).fetchone():
        raise KundenpflegeError(
            _("person '{handle}' exists already; see 'kundenpflege person list'").format(
                handle=handle
            )
        )
    cursor = connection.execute(
        "INSERT INTO people (handle, name, email, created_at) VALUES (?, ?, ?, ?)",
        (handle, name or handle, email, now.isoformat(timespec="seconds")),
    )
    return int(cursor.lastrowid or 0)


def resolve(connection: sqlite3.Connection, handle: str, now: datetime) -> tuple[int, bool]:
    """Find our person by handle, creating them on first mention; return (id, created)."""
    row = connection.execute("SELECT id FROM people WHERE handle = ?", (handle,)).fetchone()
    if row:
        return int(row[0]), False
    return add(connection, handle, None, None, now), True


def all_people(connection: sqlite3.Connection) -> list[Person]:
    rows = connection.execute("SELECT handle, name, email FROM people ORDER BY handle")
    return [Person(row["handle"], row["name"], row["email"]) for row in rows]


def added_notice(handle: str) -> str:
    """Said when a person of ours is created on first mention, so a typo shows at once."""
    return _("Added our person '{handle}' (see 'kundenpflege person list').").format(handle=handle)
