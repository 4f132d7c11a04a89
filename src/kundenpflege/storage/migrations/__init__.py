"""Append-only, named schema steps, applied in order on open and recorded in the file.

Never edit a step that has shipped: add a new one with the next number (in a module
of its own when it belongs to a new piece of work, imported below).
"""

from datetime import datetime

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.storage.connection import Connection, OperationalError
from kundenpflege.storage.migrations import (  # noqa: F401 (they register their steps)
    browsing,
    change_log,
    first_contacts,
    foundation,
    knowing_people,
    searching,
    team,
    wishes_kept,
    working_days,
)
from kundenpflege.storage.migrations.registry import ON_SERVER, REGISTERED, Step

MIGRATIONS = sorted(REGISTERED)  # by name: m001_journal, m002_insights, …

__all__ = ["MIGRATIONS", "ON_SERVER", "Step", "apply", "blank", "newer", "pending"]


def _applied(connection: Connection) -> set[str]:
    try:
        return {row[0] for row in connection.execute("SELECT name FROM migrations")}
    except OperationalError as error:
        if "no such table" not in str(error):
            raise
    if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise KundenpflegeError(
            _("this SQLite file is not a kundenpflege journal; point --db at another file")
        )
    return set()


def pending(connection: Connection) -> list[str]:
    """Names of steps this file has not had yet."""
    done = _applied(connection)
    return [name for name, _ in MIGRATIONS if name not in done]


def newer(connection: Connection) -> list[str]:
    """Steps this file has had that this version does not know: a newer kundenpflege
    wrote it, and only that version may change it."""
    known = {name for name, _ in MIGRATIONS}
    return sorted(_applied(connection) - known)


def blank(connection: Connection) -> bool:
    """An empty file (or an empty SQLite database): only `init` makes a journal of it."""
    return not connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]


def apply(connection: Connection, name: str, step: Step, now: datetime) -> bool:
    """Run one step inside the caller's transaction unless it is already recorded."""
    connection.execute(
        "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    # Checked inside the write lock: another process may have just applied it.
    if connection.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
        return False
    step(connection)
    connection.execute(
        "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
        (name, now.isoformat(timespec="seconds")),
    )
    return True
