"""Journal-wide settings kept in the file, such as the default contact rhythm."""

from kundenpflege.storage.connection import Connection


def get(connection: Connection, key: str, default: str) -> str:
    row = connection.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else default


def put(connection: Connection, key: str, value: str) -> None:
    connection.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
