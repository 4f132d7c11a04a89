"""The first steps (m001–m011): the journal, insights, consent, data rights, value
ranking, the unit of work, ids never reused, restriction, skeletons, cancelled
promises, people who left."""

from kundenpflege.storage.connection import Connection
from kundenpflege.storage.migrations.registry import migration, rebuild, run


@migration
def m001_journal(connection: Connection) -> None:
    run(
        connection,
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            handle TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            email TEXT,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE customers (
            id INTEGER PRIMARY KEY,
            handle TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            company TEXT,
            tier TEXT,
            annual_value REAL,
            status TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'prospect', 'paused', 'former')),
            customer_since TEXT NOT NULL,
            created_at TEXT NOT NULL,
            paused_until TEXT,
            preference_id INTEGER,
            last_interaction_id INTEGER,
            last_interaction_on TEXT,
            next_due TEXT
        )""",
        "CREATE INDEX customers_next_due ON customers (next_due) WHERE next_due IS NOT NULL",
        "CREATE INDEX customers_last_interaction ON customers (last_interaction_on)",
        """CREATE TABLE customer_tags (
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            tag TEXT NOT NULL,
            PRIMARY KEY (customer_id, tag)
        ) WITHOUT ROWID""",
        "CREATE INDEX customer_tags_tag ON customer_tags (tag, customer_id)",
        """CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            role TEXT,
            email TEXT,
            phone TEXT,
            is_main INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX contacts_customer ON contacts (customer_id)",
        """CREATE TABLE preferences (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            stated_on TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            source TEXT,
            person_id INTEGER REFERENCES people (id),
            channel TEXT,
            frequency TEXT,
            weekdays TEXT,
            time_of_day TEXT,
            max_frequency TEXT,
            do_not_contact INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX preferences_customer ON preferences (customer_id, stated_on, id)",
        """CREATE TABLE interactions (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            occurred_at TEXT NOT NULL,
            occurred_on TEXT NOT NULL,
            channel TEXT,
            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
            kind TEXT NOT NULL,
            person_id INTEGER REFERENCES people (id),
            contact_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
            mood INTEGER CHECK (mood BETWEEN -2 AND 2),
            note TEXT,
            amount REAL,
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX interactions_customer ON interactions (customer_id, occurred_at)",
        """CREATE TABLE followups (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            interaction_id INTEGER REFERENCES interactions (id) ON DELETE SET NULL,
            what TEXT NOT NULL,
            person_id INTEGER REFERENCES people (id),
            promised_on TEXT NOT NULL,
            due_on TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
            created_at TEXT NOT NULL,
            done_at TEXT
        )""",
        "CREATE INDEX followups_open ON followups (due_on) WHERE status = 'open'",
        "CREATE INDEX followups_customer ON followups (customer_id, status)",
    )


_FACT_COLUMNS = (
    "contacts", "personal", "mass", "outbound", "inbound", "complaints", "inbound_complaints",
    "positive", "negative", "mood_total", "moods",
)  # fmt: skip


def _stats_upsert(where: str, sign: str) -> str:
    """Add (sign '+') or take away ('-') the facts of the matching interactions."""
    sums = ", ".join(f"{sign}sum({column})" for column in _FACT_COLUMNS)
    updates = ", ".join(f"{column} = {column} + excluded.{column}" for column in _FACT_COLUMNS)
    return (
        f"INSERT INTO daily_stats (day, tier, band, {', '.join(_FACT_COLUMNS)})"
        f" SELECT day, tier, band, {sums} FROM interaction_facts WHERE {where}"
        f" GROUP BY day, tier, band ON CONFLICT (day, tier, band) DO UPDATE SET {updates}"
    )


def _facts_view(joins: str = "") -> str:
    """The facts of each interaction that the daily tally sums (m002; m008 adds joins)."""
    return (
        """CREATE VIEW interaction_facts AS
        SELECT i.id, i.customer_id, i.occurred_on AS day, g.tier, g.band,
            1 AS contacts,
            coalesce(i.channel IN ('phone', 'visit', 'video'), 0) AS personal,
            coalesce(i.channel IN ('email', 'newsletter'), 0) AS mass,
            i.direction = 'out' AS outbound,
            i.direction = 'in' AS inbound,
            i.kind = 'complaint' AS complaints,
            i.kind = 'complaint' AND i.direction = 'in' AS inbound_complaints,
            coalesce(i.mood > 0, 0) AS positive,
            coalesce(i.mood < 0, 0) AS negative,
            coalesce(i.mood, 0) AS mood_total,
            i.mood IS NOT NULL AS moods
        FROM interactions i JOIN customer_groups g ON g.id = i.customer_id"""
        + joins
    )


@migration
def m002_insights(connection: Connection) -> None:
    """Signals for the insight reports, kept current on every write.

    Per customer: the newest mood, outbound and inbound dates, the gap between the
    last two outbound contacts, the mood trend, when they count as silent, and order
    totals (filled by the application's refresh). Journal-wide: `daily_stats`, a
    per-day, per-tier, per-value-band tally kept by triggers, so fairness and pulse
    reports read a few thousand rows instead of millions of interactions.
    """
    run(
        connection,
        "ALTER TABLE customers ADD COLUMN last_mood INTEGER",
        "ALTER TABLE customers ADD COLUMN last_kind TEXT",
        "ALTER TABLE customers ADD COLUMN last_outbound_on TEXT",
        "ALTER TABLE customers ADD COLUMN last_inbound_on TEXT",
        "ALTER TABLE customers ADD COLUMN last_proactive_on TEXT",
        "ALTER TABLE customers ADD COLUMN negative_since TEXT",
        "ALTER TABLE customers ADD COLUMN falling_since TEXT",
        "ALTER TABLE customers ADD COLUMN over_contact_until TEXT",
        "ALTER TABLE customers ADD COLUMN outbound_gap_days INTEGER",
        "ALTER TABLE customers ADD COLUMN mood_trend REAL",
        "ALTER TABLE customers ADD COLUMN silent_from TEXT",
        "ALTER TABLE customers ADD COLUMN orders_total REAL NOT NULL DEFAULT 0",
        # Each risk of `health` reads its own small index.
        "CREATE INDEX customers_silent ON customers (silent_from) WHERE silent_from IS NOT NULL",
        "CREATE INDEX customers_negative ON customers (negative_since)"
        " WHERE negative_since IS NOT NULL",
        "CREATE INDEX customers_falling ON customers (falling_since)"
        " WHERE falling_since IS NOT NULL",
        "CREATE INDEX customers_over_contact ON customers (over_contact_until)"
        " WHERE over_contact_until IS NOT NULL",
        "CREATE INDEX interactions_customer_day ON interactions (customer_id, occurred_on)",
        # Tier and value band of a customer, defined once for every report.
        """CREATE VIEW customer_groups AS
        SELECT id, coalesce(tier, '') AS tier,
            CASE
                WHEN annual_value IS NULL THEN 'unknown'
                WHEN annual_value < 1000 THEN 'under 1k'
                WHEN annual_value < 5000 THEN '1k-5k'
                WHEN annual_value < 20000 THEN '5k-20k'
                ELSE '20k+'
            END AS band
        FROM customers""",
        _facts_view(),
        f"""CREATE TABLE daily_stats (
            day TEXT NOT NULL,
            tier TEXT NOT NULL,
            band TEXT NOT NULL,
            {", ".join(f"{column} INTEGER NOT NULL DEFAULT 0" for column in _FACT_COLUMNS)},
            PRIMARY KEY (day, tier, band)
        ) WITHOUT ROWID""",
        _stats_upsert("1", "+"),
        f"""CREATE TRIGGER daily_stats_insert AFTER INSERT ON interactions BEGIN
            {_stats_upsert("id = NEW.id", "+")}; END""",
        f"""CREATE TRIGGER daily_stats_delete BEFORE DELETE ON interactions BEGIN
            {_stats_upsert("id = OLD.id", "-")}; END""",
        f"""CREATE TRIGGER daily_stats_update_before BEFORE UPDATE ON interactions BEGIN
            {_stats_upsert("id = OLD.id", "-")}; END""",
        f"""CREATE TRIGGER daily_stats_update_after AFTER UPDATE ON interactions BEGIN
            {_stats_upsert("id = NEW.id", "+")}; END""",
        f"""CREATE TRIGGER daily_stats_retier_before BEFORE UPDATE OF tier, annual_value
            ON customers BEGIN {_stats_upsert("customer_id = OLD.id", "-")}; END""",
        f"""CREATE TRIGGER daily_stats_retier_after AFTER UPDATE OF tier, annual_value
            ON customers BEGIN {_stats_upsert("customer_id = NEW.id", "+")}; END""",
        # Derived per-customer columns are filled by the application after migrating.
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('refresh_pending', '1')",
    )


@migration
def m003_consent(connection: Connection) -> None:
    """The consent ledger: append-only, enforced by the database itself."""
    run(
        connection,
        """CREATE TABLE consent (
            id INTEGER PRIMARY KEY,
            customer_id INTEGER NOT NULL REFERENCES customers (id),
            contact_id INTEGER REFERENCES contacts (id),
            purpose TEXT NOT NULL
                CHECK (purpose IN ('newsletter', 'email-marketing', 'phone-marketing')),
            action TEXT NOT NULL CHECK (action IN ('grant', 'confirm', 'withdraw')),
            recorded_at TEXT NOT NULL,
            evidence TEXT
        )""",
        "CREATE INDEX consent_customer ON consent (customer_id, purpose, id)",
        """CREATE TRIGGER consent_no_update BEFORE UPDATE ON consent BEGIN
            SELECT RAISE(ABORT, 'the consent ledger is append-only'); END""",
        """CREATE TRIGGER consent_no_delete BEFORE DELETE ON consent BEGIN
            SELECT RAISE(ABORT, 'the consent ledger is append-only'); END""",
    )


@migration
def m004_data_rights(connection: Connection) -> None:
    """Erasure log (no personal data), restriction of processing, erasure of consent,
    and what imports need: a note per contact and finding contacts by e-mail.

    The consent ledger stays append-only, except for the rows of a person whose
    erasure has just been logged: erasure (GDPR Art. 17) outranks the ledger.
    """
    run(
        connection,
        """CREATE TABLE erasures (
            id INTEGER PRIMARY KEY,
            erased_at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('customer', 'contact')),
            subject_id INTEGER NOT NULL,
            by_whom TEXT,
            rows_removed INTEGER NOT NULL DEFAULT 0
        )""",
        "ALTER TABLE customers ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0",
        # Reports filter restricted customers out; keep them on covering indexes.
        *(
            statement
            for name, column in (
                ("next_due", "next_due"),
                ("silent", "silent_from"),
                ("negative", "negative_since"),
                ("falling", "falling_since"),
                ("over_contact", "over_contact_until"),
            )
            for statement in (
                f"DROP INDEX IF EXISTS customers_{name}",
                f"CREATE INDEX customers_{name} ON customers (restricted, {column})"
                f" WHERE {column} IS NOT NULL",
            )
        ),
        "ALTER TABLE contacts ADD COLUMN note TEXT",
        "CREATE INDEX contacts_email ON contacts (email COLLATE NOCASE)",
        "DROP TRIGGER consent_no_delete",
        """CREATE TRIGGER consent_no_delete BEFORE DELETE ON consent
        WHEN NOT EXISTS (SELECT 1 FROM erasures e WHERE
            (e.kind = 'customer' AND e.subject_id = OLD.customer_id)
            OR (e.kind = 'contact' AND e.subject_id = OLD.contact_id))
        BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END""",
    )


@migration
def m005_value_ranking(connection: Connection) -> None:
    """`value` ranks every customer by lifetime value; this index holds all it reads,
    so the ranking scans a narrow index instead of the wide customer rows."""
    run(
        connection,
        # Led by a column no report filters on, and not partial: led by `restricted`, or
        # partial on it, it tempted the planner to drive other reports through it.
        "CREATE INDEX customers_value ON customers (customer_since, annual_value, orders_total,"
        " last_outbound_on, silent_from, outbound_gap_days, status, restricted)",
    )


def _mark(value: str) -> str:
    """Mark one customer. Not INSERT OR IGNORE: a trigger fired by a foreign key action
    (ON DELETE SET NULL) does not honour it and fails on a customer marked already."""
    return (
        f"INSERT INTO pending_refresh (customer_id) SELECT {value}"
        f" WHERE NOT EXISTS (SELECT 1 FROM pending_refresh WHERE customer_id = {value});"
    )


def _marks(table: str, events: dict[str, tuple[str, ...]], key: str = "customer_id") -> list[str]:
    """Triggers that mark the customers a change of `table` touched, per event."""
    return [
        f"CREATE TRIGGER pending_refresh_{table}_{event.split()[0].lower()} AFTER {event}"
        f" ON {table} BEGIN {' '.join(_mark(f'{row}.{key}') for row in rows)} END"
        for event, rows in events.items()
    ]


@migration
def m006_unit_of_work(connection: Connection) -> None:
    """The unit of work's memory: every change that can move a customer's derived
    columns marks the customer in `pending_refresh`, by trigger, so no writer can
    forget; the unit of work recomputes the marked ones before COMMIT. Changes of
    the derived columns themselves mark nothing. Replaces m002's `refresh_pending`.

    New derived column: when an open promise is due for the `due` report (`max` of
    its day and the customer's pause; empty when the customer is not to be contacted
    or restricted), so the report reads an index instead of every customer behind
    two thousand open promises.
    """
    changes = {"INSERT": ("NEW",), "DELETE": ("OLD",)}
    updated = ("OLD", "NEW")
    run(
        connection,
        "CREATE TABLE pending_refresh (customer_id INTEGER PRIMARY KEY)",
        "ALTER TABLE followups ADD COLUMN due_effective TEXT",
        "CREATE INDEX followups_due ON followups (due_effective) WHERE due_effective IS NOT NULL",
        *_marks("interactions", {**changes, "UPDATE": updated}),
        *_marks("preferences", {**changes, "UPDATE": updated}),
        *_marks(
            "followups", {**changes, "UPDATE OF customer_id, status, due_on, done_at": updated}
        ),
        *_marks(
            "customers",
            {
                "INSERT": ("NEW",),
                "UPDATE OF status, created_at, paused_until, preference_id, restricted": ("NEW",),
            },
            key="id",
        ),
        *(
            f"CREATE TRIGGER pending_refresh_default_rhythm_{event.lower()} AFTER {event}"
            f" ON settings WHEN {condition} BEGIN"
            " INSERT INTO pending_refresh (customer_id) SELECT id FROM customers"
            " WHERE id NOT IN (SELECT customer_id FROM pending_refresh); END"
            for event, condition in (
                ("INSERT", "NEW.key = 'default_frequency'"),
                ("UPDATE", "'default_frequency' IN (OLD.key, NEW.key)"),
                ("DELETE", "OLD.key = 'default_frequency'"),
            )
        ),
        # Filled by the first unit of work: everyone after m002, else those with promises.
        "INSERT INTO pending_refresh (customer_id) SELECT id FROM customers"
        " WHERE EXISTS (SELECT 1 FROM settings WHERE key = 'refresh_pending')"
        " OR id IN (SELECT customer_id FROM followups WHERE status = 'open')",
        "DELETE FROM settings WHERE key = 'refresh_pending'",
    )


NEVER_REUSED = ("customers", "people", "contacts", "interactions", "followups", "consent")


@migration
def m007_ids_never_reused(connection: Connection) -> None:
    """Row ids are never given out again (AUTOINCREMENT): a note typed for a customer
    who is erased meanwhile can never land on the next customer added, and nothing
    erased comes back under an old number. Ids erased before this step are seeded
    from the erasure log where it names them."""
    primary, numbered = "id INTEGER PRIMARY KEY,", "id INTEGER PRIMARY KEY AUTOINCREMENT,"
    marks = ", ".join("?" for _ in NEVER_REUSED)
    rebuild(
        connection,
        {
            table: sql.replace(primary, numbered, 1)
            for table, sql in connection.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ({marks})",
                NEVER_REUSED,
            )
        },
    )
    for table, kind in (("customers", "customer"), ("contacts", "contact")):
        erased = "(SELECT max(subject_id) FROM erasures WHERE kind = ?)"
        connection.execute(
            f"UPDATE sqlite_sequence SET seq = max(seq, coalesce({erased}, 0)) WHERE name = ?",
            (kind, table),
        )
        connection.execute(
            f"INSERT INTO sqlite_sequence (name, seq) SELECT ?, {erased}"
            f" WHERE {erased} IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)",
            (table, kind, kind, table),
        )


@migration
def m008_restriction_everywhere(connection: Connection) -> None:
    """Restriction (GDPR Art. 18) is kept as dated entries, so a later `--as-of` can
    tell, and a restricted customer's contacts leave the daily tally: restricting
    takes their facts out, lifting puts them back (as a change of tier does)."""
    run(
        connection,
        """CREATE TABLE restrictions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
            restricted_at TEXT,
            lifted_at TEXT
        )""",
        "CREATE INDEX restrictions_customer ON restrictions (customer_id, id)",
        # Restricted before entries were kept: since an unknown day.
        "INSERT INTO restrictions (customer_id) SELECT id FROM customers WHERE restricted = 1",
        "DROP VIEW interaction_facts",
        _facts_view(" JOIN customers c ON c.id = i.customer_id AND c.restricted = 0"),
        f"""CREATE TRIGGER daily_stats_restrict_before BEFORE UPDATE OF restricted
            ON customers BEGIN {_stats_upsert("customer_id = OLD.id", "-")}; END""",
        f"""CREATE TRIGGER daily_stats_restrict_after AFTER UPDATE OF restricted
            ON customers BEGIN {_stats_upsert("customer_id = NEW.id", "+")}; END""",
        "DELETE FROM daily_stats",
        _stats_upsert("1", "+"),
    )


@migration
def m009_name_skeletons(connection: Connection) -> None:
    """Each customer's name as a skeleton (Unicode TR39), indexed, so a new name that
    only looks like an existing one is noticed even during a 100,000-row import.
    Filled by the application (it needs the Unicode data) on the next open."""
    run(
        connection,
        "ALTER TABLE customers ADD COLUMN name_skeleton TEXT",
        "CREATE INDEX customers_skeleton ON customers (name_skeleton)"
        " WHERE name_skeleton IS NOT NULL",
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('skeletons_pending', '1')",
    )


@migration
def m010_cancelled_followups(connection: Connection) -> None:
    """A promise can be cancelled (`followup cancel`): neither kept nor open, kept for
    the record."""
    (definition,) = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'followups'"
    ).fetchone()
    rebuild(
        connection,
        {
            "followups": definition.replace(
                "CHECK (status IN ('open', 'done'))",
                "CHECK (status IN ('open', 'done', 'cancelled'))",
                1,
            )
        },
    )


@migration
def m011_people_who_left(connection: Connection) -> None:
    """A colleague who left is kept (past contacts stay theirs), marked with the day."""
    run(connection, "ALTER TABLE people ADD COLUMN left_at TEXT")
