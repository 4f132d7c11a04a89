"""The journal as it stood on a past day (DESIGN §3, `--as-of`), for every report.

Temporary tables and views on one connection shadow the journal's own (SQLite looks
in `temp` first): only entries dated up to that day (`--at`, `--said`, the day a
promise was made), as corrected now; the wishes, pauses and consent in force then;
customers from their `customer_since` or first dated entry; hidden when restricted
now or then. The derived columns are then computed by the same code that keeps the
stored ones, so a report reads the past exactly as it reads today. Nothing is
written to the journal; the shadows end with the connection.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta

from kundenpflege import i18n
from kundenpflege.domain import customers, preferences, schedule, wishes
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.storage import catalogue
from kundenpflege.storage.connection import Connection

# The local day of a stored instant (consent, a kept promise, a restriction): SQLite
# reads the offset and the machine's time zone as Python does.
_LOCAL_DAY = "date({}, 'localtime')"
# The shadows' indexes: by id for the updates that compute them; the rest after
# (kept up to date through 100,000 updates, they would cost more than they save).
_KEYS = {
    "customers": ("id",),
    "contacts": ("id", "customer_id"),
    "followups": ("id", "customer_id"),
    "wish_breaches": ("customer_id",),
}
_READ_BY = {
    "customers": ("handle", "next_due"),
    "contacts": ("next_due",),
    "followups": ("due_effective",),
}


@contextmanager
def travelled(
    connection: Connection,
    day: date,
    *,
    handle: str | None = None,
    plans_only: bool = False,
) -> Iterator[None]:
    """`travel` inside one read snapshot, for every customer or the one `handle`
    names; rolled back at the end, so nothing lingers and nothing is written (a
    journal only to be read allows these shadows for as long)."""
    read_only = connection.execute("PRAGMA query_only").fetchone()[0]
    connection.execute("PRAGMA query_only = OFF")
    connection.execute("BEGIN")
    try:
        customer = customers.find(connection, handle) if handle is not None else None
        chosen = [customer["id"]] if customer else None
        travel(connection, day, customer_ids=chosen, plans_only=plans_only)
        if (
            customer
            and not connection.execute(
                "SELECT 1 FROM customers WHERE id = ?", (customer["id"],)
            ).fetchone()
        ):
            raise KundenpflegeError(
                _("{handle} was not a customer yet on {day} (customer since {since})").format(
                    handle=customer["handle"], day=i18n.day(day),
                    since=i18n.day(date.fromisoformat(customer["customer_since"])))
            )  # fmt: skip
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.execute(f"PRAGMA query_only = {int(read_only)}")


def travel(
    connection: Connection,
    day: date,
    *,
    customer_ids: Sequence[int] | None = None,
    plans_only: bool = False,
) -> None:
    """Make this connection read the journal as of the end of `day`, for every
    customer or only `customer_ids` (`show`); `plans_only` computes just what `due`
    reads (next due day and last contact), fast enough for 100,000 customers."""
    until = day.isoformat()
    for name, sql in _views(until):
        connection.execute(f"CREATE TEMP VIEW {name} AS {sql}")
    chosen = ""
    if customer_ids is not None:
        chosen = f" AND c.id IN ({', '.join(str(int(number)) for number in customer_ids)})"
    connection.execute(
        "CREATE TEMP TABLE customers AS SELECT c.* FROM main.customers c WHERE"
        " (c.customer_since <= :until"
        " OR EXISTS (SELECT 1 FROM interactions i WHERE i.customer_id = c.id)"
        " OR EXISTS (SELECT 1 FROM preferences p WHERE p.customer_id = c.id)"
        f" OR EXISTS (SELECT 1 FROM main.followups f WHERE f.customer_id = c.id"
        f" AND f.promised_on <= :until)){chosen}",
        {"until": until},
    )
    connection.execute(
        "CREATE TEMP TABLE contacts AS SELECT ct.* FROM main.contacts ct"
        f" WHERE ct.customer_id IN (SELECT id FROM customers)"
        f" AND {_LOCAL_DAY.format('ct.created_at')} <= :until",
        {"until": until},
    )
    connection.execute(
        "CREATE TEMP TABLE followups AS SELECT f.id, f.customer_id, f.interaction_id, f.what,"
        " f.person_id, f.promised_on, f.due_on,"
        f" CASE WHEN f.status = 'done' AND {_LOCAL_DAY.format('f.done_at')} > :until"
        " THEN 'open' ELSE f.status END AS status, f.created_at,"
        f" CASE WHEN {_LOCAL_DAY.format('f.done_at')} <= :until THEN f.done_at END AS done_at,"
        " NULL AS due_effective FROM main.followups f"
        " WHERE f.promised_on <= :until AND f.customer_id IN (SELECT id FROM customers)",
        {"until": until},
    )
    # Filled by the full computation below (`health` reads it).
    connection.execute(
        "CREATE TEMP TABLE wish_breaches AS SELECT * FROM main.wish_breaches WHERE FALSE"
    )
    _index(connection, _KEYS)
    # Restricted now or on that day: hidden either way.
    connection.execute(
        "UPDATE customers SET restricted = 1 WHERE restricted = 0 AND EXISTS (SELECT 1"
        " FROM main.restrictions r WHERE r.customer_id = customers.id"
        f" AND coalesce({_LOCAL_DAY.format('r.restricted_at')}, '') <= :until"
        f" AND (r.lifted_at IS NULL OR {_LOCAL_DAY.format('r.lifted_at')} > :until))",
        {"until": until},
    )
    # The wish (and pause) in force then; `preferences` reads only what was said by then.
    preferences.keep_current(connection, None)
    _mirror_views(connection)
    everyone = [number for (number,) in connection.execute("SELECT id FROM customers")]
    if plans_only:
        schedule.refresh_plans(connection)
    else:
        recent = day - timedelta(days=wishes.RECENT_DAYS)  # all `health` reads of them
        schedule.refresh_many(connection, everyone, recent=recent)
    _index(connection, _READ_BY)


def _index(connection: Connection, columns: dict[str, tuple[str, ...]]) -> None:
    for table, names in columns.items():
        for column in names:
            connection.execute(f"CREATE INDEX temp.as_of_{table}_{column} ON {table} ({column})")


def _views(until: str) -> list[tuple[str, str]]:
    """Entries dated up to the day (an ISO date, never user text)."""
    recorded = _LOCAL_DAY.format("recorded_at")
    return [
        ("interactions", f"SELECT * FROM main.interactions WHERE occurred_on <= '{until}'"),
        ("preferences", f"SELECT * FROM main.preferences WHERE stated_on <= '{until}'"),
        ("consent", f"SELECT * FROM main.consent WHERE {recorded} <= '{until}'"),
    ]


def _mirror_views(connection: Connection) -> None:
    """The tally's views over the shadows: groups, facts, and the daily sums the
    journal keeps by trigger, summed here from the facts of the day."""
    for name in ("customer_groups", "interaction_facts"):
        sql = catalogue.view_definition(connection, name)
        connection.execute(sql.replace("CREATE VIEW", "CREATE TEMP VIEW", 1))
    _columns, summed = catalogue.daily_tally(connection)
    connection.execute(f"CREATE TEMP VIEW daily_stats AS {summed}")
