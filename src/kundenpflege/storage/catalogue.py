"""What the journal's own catalogue says about its tables, views and indexes, on
either engine: SQLite keeps it in `sqlite_master` and its PRAGMAs, PostgreSQL in
`pg_catalog`. Code that needs a table's columns asks here, never the engine."""

from pathlib import Path

from kundenpflege.storage.connection import Connection

# Where the journal's objects live on a server: our SQL names `main.interactions`,
# as SQLite calls the journal.
SCHEMA = "main"


def on_server(connection: Connection) -> bool:
    """Whether the journal is on a database server rather than in a file."""
    return getattr(connection, "engine", "sqlite") == "postgresql"


_PG_COLUMNS = (
    "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?)"
    " AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
)
_PG_KEY = (
    "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
    " AND a.attnum = ANY (i.indkey) WHERE i.indrelid = to_regclass(?) AND i.indisprimary"
    " ORDER BY array_position(i.indkey, a.attnum)"
)
_SQLITE_COLUMNS = "SELECT name FROM pragma_table_info(?, 'main') ORDER BY cid"
_SQLITE_KEY = "SELECT name FROM pragma_table_info(?, 'main') WHERE pk > 0 ORDER BY pk"


def _names(connection: Connection, table: str, on_sqlite: str, on_postgres: str) -> list[str]:
    if on_server(connection):
        found = connection.execute(on_postgres, (f"{SCHEMA}.{table}",))
    else:
        found = connection.execute(on_sqlite, (table,))
    return [name for (name,) in found]


def columns(connection: Connection, table: str) -> list[str]:
    """A table's columns, in their order."""
    return _names(connection, table, _SQLITE_COLUMNS, _PG_COLUMNS)


def primary_key(connection: Connection, table: str) -> list[str]:
    """The columns of a table's primary key, in key order."""
    return _names(connection, table, _SQLITE_KEY, _PG_KEY)


def tables(connection: Connection) -> set[str]:
    """The names of the journal's tables."""
    if on_server(connection):
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = ?"
        return {name for (name,) in connection.execute(sql, (SCHEMA,))}
    sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    return {name for (name,) in connection.execute(sql)}


def view_definition(connection: Connection, name: str) -> str:
    """The statement that makes a view (to make it again elsewhere)."""
    if on_server(connection):
        sql = "SELECT pg_get_viewdef(to_regclass(?), true)"
        (body,) = connection.execute(sql, (f"{SCHEMA}.{name}",)).fetchone()
        return f"CREATE VIEW {name} AS {body}"
    sql = "SELECT sql FROM main.sqlite_master WHERE type = 'view' AND name = ?"
    (text,) = connection.execute(sql, (name,)).fetchone()
    return str(text)


def index_definitions(connection: Connection, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """The statements that make these indexes, by name (those that exist)."""
    marks = ", ".join("?" for _name in names)
    if on_server(connection):
        sql = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = ? AND indexname IN"
        found = connection.execute(f"{sql} ({marks})", (SCHEMA, *names))
    else:
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN"
        found = connection.execute(f"{sql} ({marks})", names)
    return [(name, text) for name, text in found]


def daily_tally(connection: Connection) -> tuple[list[str], str]:
    """The columns of `daily_stats` beside day, tier and band, and the SELECT that sums
    them from the facts of each interaction at once: what the tally's triggers keep
    row by row (the view `--as-of` reads, the rebuild after a bulk load)."""
    summed = [
        name for name in columns(connection, "daily_stats") if name not in ("day", "tier", "band")
    ]
    sums = ", ".join(f"sum({name}) AS {name}" for name in summed)
    return summed, (
        f"SELECT day, tier, band, {sums} FROM interaction_facts GROUP BY day, tier, band"
    )


def move_counters(connection: Connection, tables: tuple[str, ...]) -> None:
    """After rows were written with their ids: each table's counter goes past its
    highest id, so the next row gets a new number. SQLite's AUTOINCREMENT keeps up by
    itself; a server's identity sequence does not."""
    if not on_server(connection):
        return
    for table in tables:
        if "id" in columns(connection, table):
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence(?, 'id'), max(id)) FROM {table}"
                " HAVING max(id) IS NOT NULL",
                (f"{SCHEMA}.{table}",),
            )


def identity(connection: Connection) -> tuple[object, ...]:
    """What tells one journal from another however it was addressed: a file by its
    device and inode, a server's database by its name, port and start time."""
    if on_server(connection):
        return tuple(connection.execute(
            "SELECT current_database(), current_setting('port'), pg_postmaster_start_time()"
        ).fetchone())  # fmt: skip
    import os

    files = {name: file for _number, name, file in connection.execute("PRAGMA database_list")}
    found = os.stat(files["main"])
    return ("file", found.st_dev, found.st_ino)


def journal_or_blank(path: Path) -> bool:
    """Whether a file is a kundenpflege journal, or as blank as a new one (a database
    without tables, or no bytes at all): opened to be read only."""
    import sqlite3

    if not path.is_file():
        return False
    if path.stat().st_size == 0:
        return True
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        names = {name for (name,) in probe.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}  # fmt: skip
    except sqlite3.Error:
        return False
    finally:
        probe.close()
    return not names or "migrations" in names
