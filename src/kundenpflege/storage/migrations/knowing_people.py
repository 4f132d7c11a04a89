"""Steps of issue 16 (knowing people): facts that are not contacts, and key dates."""

from kundenpflege.storage.connection import Connection
from kundenpflege.storage.migrations import change_log
from kundenpflege.storage.migrations.registry import migration, run

# Set by m019 when the journal holds interactions of the old kind `note`: the domain
# moves them to facts on the next open, as one change of the log (`doctor` tells it,
# `undo` reverses it), and then removes the flag.
NOTES_PENDING = "notes_to_facts_pending"
MOVED_NOTES = "upgrade: notes to facts"  # the command that change is logged under
_BLANKS = "' ' || char(9, 10, 13)"  # what trim() takes away around a note


@migration
def m019_facts(connection: Connection) -> None:
    """What we know about a customer or a person there (interests, family, how we met,
    what they dislike), kept apart from the contacts: a fact never resets the clock.
    Numbered for the change log like the other entries (a 100,000-row import is one
    step). The notes that vCard imports kept on contacts, shown nowhere, become facts
    of that contact, dated the day the contact was added, and the column goes (from
    the rows the change log keeps too). Interactions of the kind `note` are moved by
    the next open (the flag), so that the move is a change people can see and undo;
    their promises are found through a new index (each deleted entry looks them up)."""
    run(
        connection,
        """CREATE TABLE facts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            contact_id INTEGER REFERENCES contacts (id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            source TEXT,
            learned_on TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX facts_customer ON facts (customer_id, learned_on)",
        "CREATE INDEX facts_contact ON facts (contact_id) WHERE contact_id IS NOT NULL",
        "ALTER TABLE change_recording ADD COLUMN facts_floor INTEGER NOT NULL DEFAULT 0",
        # Deleting interactions looks up their promises (ON DELETE SET NULL): by index, not
        # by reading every promise for each one (the move of 250,000 notes; an erasure).
        "CREATE INDEX followups_interaction ON followups (interaction_id)",
    )
    run(connection, *change_log.logging_triggers(connection, "facts", numbered=True))
    run(
        connection,
        "INSERT INTO facts (customer_id, contact_id, text, learned_on, recorded_at)"
        f" SELECT customer_id, id, trim(note, {_BLANKS}), date(created_at, 'localtime'),"
        f" created_at FROM contacts WHERE trim(coalesce(note, ''), {_BLANKS}) != '' ORDER BY id",
        # Made again without the column below (they name every column of the table).
        *(f"DROP TRIGGER change_log_contacts_{event}" for event in ("insert", "update", "delete")),
        "ALTER TABLE contacts DROP COLUMN note",
        "UPDATE change_steps SET row = json_remove(row, '$.note')"
        " WHERE tbl = 'contacts' AND op != 'inserts' AND json_valid(row)",
        f"INSERT INTO settings (key, value) SELECT '{NOTES_PENDING}', '1'"
        f" WHERE EXISTS (SELECT 1 FROM interactions WHERE kind = 'note')"
        f" AND NOT EXISTS (SELECT 1 FROM settings WHERE key = '{NOTES_PENDING}')",
    )
    run(connection, *change_log.logging_triggers(connection, "contacts"))


@migration
def m020_key_dates(connection: Connection) -> None:
    """Birthdays (the year may be unknown), anniversaries and dates such as a contract
    renewal, of a customer or a person there; yearly or once. `due` reads the coming
    ones from an index by month and day (yearly) or by the whole day (once), so a
    journal of 100,000 birthdays answers in a few index reads."""
    run(
        connection,
        """CREATE TABLE key_dates (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            contact_id INTEGER REFERENCES contacts (id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('birthday', 'anniversary', 'other')),
            what TEXT,
            year INTEGER CHECK (year BETWEEN 1900 AND 2199),
            month_day TEXT NOT NULL CHECK (month_day GLOB '[01][0-9]-[0-3][0-9]'),
            yearly INTEGER NOT NULL DEFAULT 1 CHECK (yearly IN (0, 1)),
            source TEXT,
            created_at TEXT NOT NULL,
            CHECK (yearly = 1 OR year IS NOT NULL)
        )""",
        "CREATE INDEX key_dates_yearly ON key_dates (month_day) WHERE yearly = 1",
        "CREATE INDEX key_dates_once ON key_dates (year, month_day) WHERE yearly = 0",
        "CREATE INDEX key_dates_customer ON key_dates (customer_id)",
        "CREATE INDEX key_dates_contact ON key_dates (contact_id) WHERE contact_id IS NOT NULL",
        "ALTER TABLE change_recording ADD COLUMN key_dates_floor INTEGER NOT NULL DEFAULT 0",
    )
    run(connection, *change_log.logging_triggers(connection, "key_dates", numbered=True))
