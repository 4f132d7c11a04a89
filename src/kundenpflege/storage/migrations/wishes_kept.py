"""Steps of issue 14 (the customer's wishes, kept)."""

from kundenpflege.storage.connection import Connection
from kundenpflege.storage.migrations import change_log
from kundenpflege.storage.migrations.foundation import _marks
from kundenpflege.storage.migrations.registry import migration, run


@migration
def m013_replan_over_contact(connection: Connection) -> None:
    """Over-contact no longer counts our answers, apologies and kept promises: every
    customer's derived columns are recomputed by the next unit of work."""
    run(
        connection,
        "INSERT INTO pending_refresh (customer_id) SELECT id FROM customers"
        " WHERE id NOT IN (SELECT customer_id FROM pending_refresh)",
    )


@migration
def m014_marketing_contacts(connection: Connection) -> None:
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
def m016_contact_wishes(connection: Connection) -> None:
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
        # Which contacts have wishes: read in a few entries, not per contact.
        "CREATE INDEX contacts_with_wishes ON contacts (customer_id)"
        " WHERE preference_id IS NOT NULL",
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


@migration
def m017_pauses_in_the_history(connection: Connection) -> None:
    """A pause is a statement like the others (`pause` adds one), so that a report as of
    a past day knows which pause stood then. The pause each customer has now is put on
    their current statement (or on one of its own, dated the day they were added):
    when it was asked for was not kept before."""
    run(
        connection,
        "ALTER TABLE preferences ADD COLUMN paused_until TEXT",
        "UPDATE preferences SET paused_until = (SELECT c.paused_until FROM customers c"
        " WHERE c.preference_id = preferences.id)"
        " WHERE id IN (SELECT preference_id FROM customers WHERE paused_until IS NOT NULL)",
        "INSERT INTO preferences (customer_id, stated_on, recorded_at, do_not_contact,"
        " paused_until) SELECT id, date(created_at, 'localtime'), created_at, 0, paused_until"
        " FROM customers WHERE paused_until IS NOT NULL AND preference_id IS NULL",
        "UPDATE customers SET preference_id = (SELECT max(p.id) FROM preferences p"
        " WHERE p.customer_id = customers.id)"
        " WHERE paused_until IS NOT NULL AND preference_id IS NULL",
        *(
            f"DROP TRIGGER change_log_preferences_{event}"
            for event in ("insert", "update", "delete")
        ),
    )
    run(connection, *change_log.logging_triggers(connection, "preferences"))


@migration
def m018_contacts_against_their_wish(connection: Connection) -> None:
    """Each contact of ours that went against the wish in force that day (another
    person or channel, inside a pause, to someone who asked not to be contacted,
    marketing without confirmed consent), kept by the unit of work so that `health`
    reads the last 90 days from an index. A change of the consent ledger marks the
    customer too; everyone whose contacts could break a wish is worked out once."""
    run(
        connection,
        """CREATE TABLE wish_breaches (
            interaction_id INTEGER PRIMARY KEY REFERENCES interactions (id) ON DELETE CASCADE,
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            occurred_on TEXT NOT NULL,
            breaches TEXT NOT NULL
        )""",
        # Covering: `health` counts the last 90 days without reading the rows.
        "CREATE INDEX wish_breaches_day ON wish_breaches (occurred_on, customer_id)",
        "CREATE INDEX wish_breaches_customer ON wish_breaches (customer_id)",
        # The newest of them per customer, for `pulse`'s count of customers at risk.
        "ALTER TABLE customers ADD COLUMN last_breach_on TEXT",
        *_marks("consent", {"INSERT": ("NEW",), "DELETE": ("OLD",)}),
        "INSERT INTO pending_refresh (customer_id) SELECT id FROM customers"
        " WHERE id NOT IN (SELECT customer_id FROM pending_refresh)"
        " AND (EXISTS (SELECT 1 FROM preferences p WHERE p.customer_id = customers.id)"
        " OR EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = customers.id"
        " AND i.purpose IS NOT NULL))",
    )
