"""Steps of issue 18: what `browse` shows in a web page, without restricted customers.

Datasette serves these views and nothing else of the journal (its base tables are
closed to it), so each view leaves out every customer whose processing is
restricted (GDPR Art. 18), as every report and export does. Derived columns are
shown as stored; the views compute nothing a report would compute differently.
"""

from kundenpflege.storage.connection import Connection
from kundenpflege.storage.migrations.registry import migration, run

# The view names `browse` serves, in the order its page lists them.
BROWSABLE = ("customer_overview", "contact_history", "open_promises", "stated_wishes")


@migration
def m023_browse_views(connection: Connection) -> None:
    """Customers, contacts logged, open promises and stated wishes, by handle and
    name rather than by number, each without restricted customers."""
    run(
        connection,
        """CREATE VIEW customer_overview AS
        SELECT c.handle, c.name, c.company, c.tier, c.status, c.annual_value,
            (SELECT group_concat(t.tag, ', ') FROM customer_tags t
             WHERE t.customer_id = c.id) AS tags,
            pe.handle AS person, p.channel, p.frequency, p.weekdays, p.time_of_day,
            p.max_frequency, coalesce(p.do_not_contact, 0) AS do_not_contact,
            p.stated_on AS wish_stated_on, c.paused_until, c.next_due,
            c.last_interaction_on AS last_contact, c.last_mood, c.customer_since
        FROM customers c
        LEFT JOIN preferences p ON p.id = c.preference_id
        LEFT JOIN people pe ON pe.id = p.person_id
        WHERE c.restricted = 0""",
        """CREATE VIEW contact_history AS
        SELECT i.id, i.occurred_on, c.handle AS customer, c.name AS customer_name,
            ct.name AS contact, i.channel, i.direction, i.kind, i.purpose,
            pe.handle AS person, i.mood, i.note, i.amount
        FROM interactions i
        JOIN customers c ON c.id = i.customer_id
        LEFT JOIN contacts ct ON ct.id = i.contact_id
        LEFT JOIN people pe ON pe.id = i.person_id
        WHERE c.restricted = 0""",
        """CREATE VIEW open_promises AS
        SELECT f.id, c.handle AS customer, c.name AS customer_name, f.what,
            f.promised_on, f.due_on, pe.handle AS person
        FROM followups f
        JOIN customers c ON c.id = f.customer_id
        LEFT JOIN people pe ON pe.id = f.person_id
        WHERE f.status = 'open' AND c.restricted = 0""",
        """CREATE VIEW stated_wishes AS
        SELECT p.id, c.handle AS customer, ct.name AS contact, p.stated_on, p.source,
            pe.handle AS person, p.channel, p.frequency, p.weekdays, p.time_of_day,
            p.max_frequency, p.do_not_contact, p.paused_until
        FROM preferences p
        JOIN customers c ON c.id = p.customer_id
        LEFT JOIN contacts ct ON ct.id = p.contact_id
        LEFT JOIN people pe ON pe.id = p.person_id
        WHERE c.restricted = 0""",
    )
