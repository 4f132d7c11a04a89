"""Steps of issue 14 (the customer's wishes, kept)."""

import sqlite3

from kundenpflege.storage.migrations import change_log
from kundenpflege.storage.migrations.registry import migration, run


@migration
def m013_replan_over_contact(connection: sqlite3.Connection) -> None:
    """Over-contact no longer counts our answers, apologies and kept promises: every
    customer's derived columns are recomputed by the next unit of work."""
    run(
        connection,
        "INSERT INTO pending_refresh (customer_id) SELECT id FROM customers"
        " WHERE id NOT IN (SELECT customer_id FROM pending_refresh)",
    )


@migration
def m014_marketing_contacts(connection: sqlite3.Connection) -> None:
    """`log --purpose` marks a contact as marketing (checked against the consent
    ledger). The change log's triggers on interactions are made again so that undo
    keeps the new column too."""
    run(
        connection,
        "ALTER TABLE interactions ADD COLUMN purpose TEXT"
        " CHECK (purpose IN ('newsletter', 'email-marketing', 'phone-marketing'))",
        *(
            f"DROP TRIGGER change_log_interactions_{event}"
            for event in ("insert", "update", "delete")
        ),
    )
    # Read after the new column exists: the triggers name every column of the table.
    run(connection, *change_log.logging_triggers(connection, "interactions"))
