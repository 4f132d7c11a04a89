"""Journal-wide settings kept in the file, such as the default contact rhythm."""

import sqlite3

from kundenpflege.dates import Frequency, parse_frequency

DEFAULT_FREQUENCY = "3m"


def get(connection: sqlite3.Connection, key: str, default: str) -> str:
    row = connection.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else default


def put(connection: sqlite3.Connection, key: str, value: str) -> None:
    connection.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def default_frequency(connection: sqlite3.Connection) -> Frequency:
    """The rhythm for customers who never told us theirs (quarterly unless set)."""
    return parse_frequency(get(connection, "default_frequency", DEFAULT_FREQUENCY))
