"""Steps of issue 16, part four: imported customers are not all due on the day they came."""

from kundenpflege.storage.connection import Connection
from kundenpflege.storage.migrations import change_log
from kundenpflege.storage.migrations.foundation import _marks
from kundenpflege.storage.migrations.registry import migration, run


@migration
def m022_first_due(connection: Connection) -> None:
    """The day a customer's first contact is planned for, until one is logged: an
    import spreads its new customers over the first cycle of their rhythm instead of
    making them all due on the day they came. Empty means the day they were added.
    A change of it marks the customer like a change of the day added; the change
    log's triggers on customers are made again, so undo keeps it like any stated
    column."""
    run(
        connection,
        "ALTER TABLE customers ADD COLUMN first_due TEXT",
        *(f"DROP TRIGGER change_log_customers_{event}" for event in ("insert", "update", "delete")),
        "DROP TRIGGER pending_refresh_customers_update",
        *_marks(
            "customers",
            {
                "UPDATE OF status, created_at, paused_until, preference_id, restricted,"
                " first_due": ("NEW",)
            },
            key="id",
        ),
    )
    # Read after the new column exists: the triggers name every column of the table.
    run(connection, *change_log.logging_triggers(connection, "customers"))
