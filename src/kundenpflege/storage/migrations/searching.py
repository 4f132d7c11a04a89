"""Steps of issue 16, part one: one full-text index over everything people typed."""

from kundenpflege.storage.connection import Connection
from kundenpflege.storage.migrations.registry import migration, run

# What marks an entry for the index: its table, its kind there, the columns whose
# change changes what is found (text, day, whose).
WATCHED = {
    "customers": ("customer", "handle, name, company, customer_since"),
    "contacts": ("contact", "name, role, email, phone, customer_id, created_at"),
    "interactions": ("note", "note, occurred_on, customer_id"),
    "preferences": ("preference", "source, stated_on, customer_id"),
    "followups": ("followup", "what, promised_on, customer_id"),
    "facts": ("fact", "text, source, learned_on, customer_id"),
    "key_dates": ("date", "what, source, created_at, customer_id"),
}


def marking_triggers(table: str, kind: str, columns: str) -> list[str]:
    """Triggers that mark an added, changed or removed entry for the unit of work,
    which writes it into the index before COMMIT (`domain.search_index.refresh`)."""
    mark = f"INSERT OR IGNORE INTO search_pending (kind, ref) VALUES ('{kind}', {{row}}.id)"
    return [
        f"CREATE TRIGGER search_{table}_insert AFTER INSERT ON {table} BEGIN"
        f" {mark.format(row='NEW')}; END",
        f"CREATE TRIGGER search_{table}_update AFTER UPDATE OF {columns} ON {table} BEGIN"
        f" {mark.format(row='NEW')}; END",
        f"CREATE TRIGGER search_{table}_delete AFTER DELETE ON {table} BEGIN"
        f" {mark.format(row='OLD')}; END",
    ]


@migration
def m021_search_index(connection: Connection) -> None:
    """FTS5 over the folded text of names, contacts, notes, what customers said, what
    we promised, facts and key dates; `search_rows` says whose each entry is. The
    index of an existing journal is built on the next open (`search_index_pending`),
    with a progress bar."""
    run(
        connection,
        "CREATE VIRTUAL TABLE search_index USING fts5(body, prefix='2 3',"
        " tokenize='unicode61 remove_diacritics 2')",
        """CREATE TABLE search_rows (
            row INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            ref INTEGER NOT NULL,
            customer_id INTEGER NOT NULL,
            day TEXT,
            UNIQUE (kind, ref)
        )""",
        """CREATE TABLE search_pending (
            kind TEXT NOT NULL,
            ref INTEGER NOT NULL,
            PRIMARY KEY (kind, ref)
        ) WITHOUT ROWID""",
        *(sql for table, (kind, columns) in WATCHED.items()
          for sql in marking_triggers(table, kind, columns)),
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('search_index_pending', '1')",
    )  # fmt: skip
