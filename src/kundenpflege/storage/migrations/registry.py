"""What schema steps share: registering (by name, m001, m002, …; applied in that
order) and the ways they change tables."""

import re
from collections.abc import Callable

from kundenpflege.storage.connection import Connection

Step = Callable[[Connection], None]
REGISTERED: list[tuple[str, Step]] = []
# A journal on a server starts from the schema every step before it made (the
# baseline, storage/postgres/schema.sql); a step added later says in these
# statements what it does there, for server journals made before it.
ON_SERVER: dict[str, tuple[str, ...]] = {}


def migration(step: Step) -> Step:
    """Register a schema step under its function name."""
    REGISTERED.append((step.__name__, step))
    return step


def on_server(*statements: str) -> Callable[[Step], Step]:
    """Register a step that comes with its PostgreSQL form (every step after m023)."""

    def register(step: Step) -> Step:
        ON_SERVER[step.__name__] = statements
        return migration(step)

    return register


def run(connection: Connection, *statements: str) -> None:
    # Not executescript(): it would COMMIT the surrounding transaction.
    for statement in statements:
        connection.execute(statement)


def rebuild(connection: Connection, definitions: dict[str, str]) -> None:
    """Give tables new definitions, keeping their rows and indexes (SQLite's recipe;
    foreign keys are off while steps run). Every view and trigger is dropped first
    and made again at the end: renaming a table re-reads them all, and one that
    reads a table briefly gone fails the rename."""
    names = tuple(definitions)
    marks = ", ".join("?" for _ in names)
    kept = connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND"
        f" (type IN ('view', 'trigger') OR (type = 'index' AND tbl_name IN ({marks})))",
        names,
    ).fetchall()
    for kind, name, _sql in kept:
        if kind in ("view", "trigger"):
            connection.execute(f"DROP {kind.upper()} {name}")
    for table, definition in definitions.items():
        # A table renamed before reads `CREATE TABLE "name"` in the catalogue.
        renamed = re.sub(rf'TABLE "?{table}"? ', f"TABLE new_{table} ", definition, count=1)
        connection.execute(renamed)
        connection.execute(f"INSERT INTO new_{table} SELECT * FROM {table}")
        connection.execute(f"DROP TABLE {table}")
        connection.execute(f"ALTER TABLE new_{table} RENAME TO {table}")
    for kind in ("index", "view", "trigger"):  # triggers may read views
        for sql in (row[2] for row in kept if row[0] == kind):
            connection.execute(sql)
