"""Append-only, named schema steps, applied in order on open and recorded in the file.

Never edit a step that has shipped: add a new one at the end.
"""

import sqlite3
from collections.abc import Callable
from datetime import datetime

from kundenpflege.errors import KundenpflegeError

Step = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Step]] = []


def migration(step: Step) -> Step:
    """Register a schema step under its function name."""
    MIGRATIONS.append((step.__name__, step))
    return step


def _run(connection: sqlite3.Connection, *statements: str) -> None:
    # Not executescript(): it would COMMIT the surrounding transaction.
    for statement in statements:
        connection.execute(statement)


@migration
def m001_journal(connection: sqlite3.Connection) -> None:
    _run(
        connection,
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            handle TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            email TEXT,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE customers (
            id INTEGER PRIMARY KEY,
            handle TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            company TEXT,
            tier TEXT,
            annual_value REAL,
            status TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'prospect', 'paused', 'former')),
            customer_since TEXT NOT NULL,
            created_at TEXT NOT NULL,
            paused_until TEXT,
            preference_id INTEGER,
            last_interaction_id INTEGER,
            last_interaction_on TEXT,
            next_due TEXT
        )""",
        "CREATE INDEX customers_next_due ON customers (next_due) WHERE next_due IS NOT NULL",
        "CREATE INDEX customers_last_interaction ON customers (last_interaction_on)",
        "CREATE INDEX customers_name ON customers (name)",
        """CREATE TABLE customer_tags (
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (customer_id, tag)
        ) WITHOUT ROWID""",
        "CREATE INDEX customer_tags_tag ON customer_tags (tag, customer_id)",
        """CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            role TEXT,
            email TEXT,
            phone TEXT,
            is_main INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX contacts_customer ON contacts (customer_id)",
        """CREATE TABLE preferences (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            stated_on TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            source TEXT,
            person_id INTEGER REFERENCES people (id),
            channel TEXT,
            frequency TEXT,
            weekdays TEXT,
            time_of_day TEXT,
            max_frequency TEXT,
            do_not_contact INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX preferences_customer ON preferences (customer_id, stated_on, id)",
        """CREATE TABLE interactions (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            occurred_at TEXT NOT NULL,
            occurred_on TEXT NOT NULL,
            channel TEXT,
            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
            kind TEXT NOT NULL,
            person_id INTEGER REFERENCES people (id),
            contact_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
            mood INTEGER CHECK (mood BETWEEN -2 AND 2),
            note TEXT,
            amount REAL,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX interactions_customer ON interactions (customer_id, occurred_at)",
        """CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            interaction_id INTEGER REFERENCES interactions (id) ON DELETE SET NULL,
            what TEXT NOT NULL,
            person_id INTEGER REFERENCES people (id),
            promised_on TEXT NOT NULL,
            due_on TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
            created_at TEXT NOT NULL,
            done_at TEXT
        )""",
        "CREATE INDEX followups_open ON followups (due_on) WHERE status = 'open'",
        "CREATE INDEX followups_customer ON followups (customer_id, status)",
    )


def _applied(connection: sqlite3.Connection) -> set[str]:
    try:
        return {row[0] for row in connection.execute("SELECT name FROM migrations")}
    except sqlite3.OperationalError as error:
        if "no such table" not in str(error):
            raise
    if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise KundenpflegeError(
            "this SQLite file is not a kundenpflege journal; point --db at another file"
        )
    return set()


def pending(connection: sqlite3.Connection) -> list[str]:
    """Names of steps this file has not had yet."""
    done = _applied(connection)
    return [name for name, _ in MIGRATIONS if name not in done]


def apply(connection: sqlite3.Connection, name: str, step: Step, now: datetime) -> bool:
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
