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


@migration
def m016_contact_wishes(connection: sqlite3.Connection) -> None:
    """Wishes per contact person (`prefer HANDLE/CONTACT`): a statement may belong to
    one contact, and a contact with a wish of their own gets derived columns of their
    own (their current statement, their last contact, their next due day and when
    they count as silent, indexed for `due` and `health`), kept by the unit of work
    like the customer's. Undo logs the new stated column; the change log's triggers on
    both tables are made again."""
    run(
        connection,
        "ALTER TABLE preferences ADD COLUMN contact_id INTEGER"
        " REFERENCES contacts (id) ON DELETE CASCADE",
        "CREATE INDEX preferences_contact ON preferences (contact_id, stated_on, id)"
        " WHERE contact_id IS NOT NULL",
        "ALTER TABLE contacts ADD COLUMN preference_id INTEGER",
        "ALTER TABLE contacts ADD COLUMN last_interaction_id INTEGER",
        "ALTER TABLE contacts ADD COLUMN next_due TEXT",
        "ALTER TABLE contacts ADD COLUMN silent_from TEXT",
        "CREATE INDEX contacts_next_due ON contacts (next_due) WHERE next_due IS NOT NULL",
        "CREATE INDEX contacts_silent ON contacts (silent_from) WHERE silent_from IS NOT NULL",
        *(
            f"DROP TRIGGER change_log_{table}_{event}"
            for table in ("preferences", "contacts")
            for event in ("insert", "update", "delete")
        ),
    )
    run(
        connection,
        *change_log.logging_triggers(connection, "preferences"),
        *change_log.logging_triggers(connection, "contacts"),
    )
