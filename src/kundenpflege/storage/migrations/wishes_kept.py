"""Steps of issue 14 (the customer's wishes, kept)."""

import sqlite3

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
