"""m012: the change log behind `undo` (issue 13)."""

from kundenpflege.storage.connection import Connection
from kundenpflege.storage.migrations.registry import migration, run

_LOGGED = ("settings", "people", "customers", "customer_tags", "contacts", "preferences",
           "interactions", "followups")  # fmt: skip
# Numbered tables: rows numbered above the highest number a change began with are its
# own new rows, logged once as a range when it ends (a 100,000-row import is one step).
_NUMBERED = ("people", "customers", "contacts", "preferences", "interactions", "followups")
_RECOMPUTED = {
    "customers": (
        "last_interaction_id", "last_interaction_on", "next_due", "last_mood", "last_kind",
        "last_outbound_on", "last_inbound_on", "last_proactive_on", "outbound_gap_days",
        "mood_trend", "silent_from", "orders_total", "negative_since", "falling_since",
        "over_contact_until",
        "last_breach_on",  # m018
    ),
    "followups": ("due_effective",),
    "contacts": ("preference_id", "last_interaction_id", "next_due", "silent_from"),  # m016
}  # fmt: skip
# Entries undo does not cross: the append-only consent ledger, an erasure, a restriction.
_STOPS = (
    ("consent", "INSERT", "consent"),
    ("erasures", "INSERT", "erasure"),
    ("restrictions", "INSERT", "restriction"),
    ("restrictions", "UPDATE", "restriction"),
)


def _exact(value: str) -> str:
    """A value for json_object that comes back exactly: SQLite writes a REAL into JSON
    with 15 digits (0.30000000000000004 became 0.3), so finite reals go in with 17."""
    return (
        f"CASE WHEN typeof({value}) = 'real' AND abs({value}) <= 1.7976931348623157e308"
        f" THEN json(printf('%!.17g', {value})) ELSE {value} END"
    )


def logging_triggers(connection: Connection, table: str, *, numbered: bool = False) -> list[str]:
    """Triggers that copy, into the open change's steps, the key of each row inserted
    and the whole row (stated columns) before each update or delete; in a numbered
    table (m012's, or one a later step made `numbered`, with its floor column on
    `change_recording`) only rows at or below the change's floor (newer ones are the
    change's own). A later step that adds a column to a logged table makes its
    triggers again with this (the columns are read from the table as it is then)."""
    info = connection.execute(f"PRAGMA table_info({table})").fetchall()
    keys = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
    stated = [row[1] for row in info if row[1] not in _RECOMPUTED.get(table, ())]

    def as_json(row: str, columns: list[str]) -> str:
        return "json_object(" + ", ".join(f"'{column}', {_exact(f'{row}.{column}')}"
                                          for column in columns) + ")"  # fmt: skip

    def step(event: str, operation: str, row: str, columns: list[str]) -> str:
        older = f" WHERE {row}.id <= {table}_floor" if numbered or table in _NUMBERED else ""
        return (
            f"CREATE TRIGGER change_log_{table}_{operation} AFTER {event} ON {table} BEGIN"
            f" INSERT INTO change_steps (change_id, tbl, op, row) SELECT change_id, '{table}',"
            f" '{operation}', {as_json(row, columns)} FROM change_recording{older}; END"
        )

    updatable = [column for column in stated if column not in keys]  # keys never change
    return [
        step("INSERT", "insert", "NEW", keys),
        step("DELETE", "delete", "OLD", stated),
        *(
            [step(f"UPDATE OF {', '.join(updatable)}", "update", "OLD", stated)]
            if updatable
            else []
        ),
    ]


@migration
def m012_change_log(connection: Connection) -> None:
    """The change log behind `undo`: each unit of work is one change (when, which
    command, and where undo must stop), and triggers copy what each row was before the
    change into its steps, so undo can put it back. Nothing is logged outside a change
    (schema steps, undo itself). An erasure empties the log (nothing erased comes back)."""
    run(
        connection,
        """CREATE TABLE changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            made_at TEXT NOT NULL,
            command TEXT NOT NULL,
            stop TEXT CHECK (stop IN ('consent', 'erasure', 'restriction', 'restore'))
        )""",
        """CREATE TABLE change_steps (
            id INTEGER PRIMARY KEY,
            change_id INTEGER NOT NULL REFERENCES changes (id) ON DELETE CASCADE,
            tbl TEXT NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete', 'inserts')),
            row TEXT NOT NULL
        )""",
        "CREATE INDEX change_steps_change ON change_steps (change_id, id)",
        # One row while a change is open: the triggers log into it; none, and they don't.
        # With the highest number of each numbered table when the change began.
        "CREATE TABLE change_recording (change_id INTEGER PRIMARY KEY, "
        + ", ".join(f"{table}_floor INTEGER NOT NULL" for table in _NUMBERED)
        + ")",
        *(statement for table in _LOGGED for statement in logging_triggers(connection, table)),
        *(
            f"CREATE TRIGGER change_stop_{table}_{event.lower()} AFTER {event} ON {table}"
            f" BEGIN UPDATE changes SET stop = '{why}'"
            " WHERE id IN (SELECT change_id FROM change_recording); END"
            for table, event, why in _STOPS
        ),
    )
