"""Only talking when there is a complaint: customers we contact only in reaction to them.

A contact of ours is proactive unless it is an apology or follows the customer's
own contact within a week (see `signals.REACTION_WINDOW`).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from kundenpflege.domain.dates import from_iso
from kundenpflege.limits import limit_clause
from kundenpflege.reports.filters import selection
from kundenpflege.reports.tally import share, tally, total
from kundenpflege.storage.connection import Connection


@dataclass(frozen=True)
class ReactiveRow:
    handle: str
    name: str
    contacts: int
    from_them: int
    complaints: int
    from_us: int
    last_from_them: date | None
    last_proactive: date | None
    person: str | None
    channel: str | None


@dataclass(frozen=True)
class Overall:
    contacts: int
    complaint_share: float | None  # complaints the customers brought to us
    proactive_share: float | None  # contacts we started (outbound)


def overall(
    connection: Connection, today: date, window_days: int, **filters: str | None
) -> Overall:
    counts = total(tally(connection, today - timedelta(days=window_days), today, **filters))
    return Overall(
        contacts=counts["contacts"],
        complaint_share=share(counts["inbound_complaints"], counts["contacts"]),
        proactive_share=share(counts["outbound"], counts["contacts"]),
    )


WINDOW_DAYS = 365  # `reactive` and pulse's "reactive only" look back as far


# Reactive only, on customers `c`: heard from them after {start}, up to {today}, and
# never reached out on our own after {start} (`browse` fills in SQL of its own).
REACTIVE_ONLY = (
    "(c.last_inbound_on > {start} AND c.last_inbound_on <= {today}"
    " AND (c.last_proactive_on IS NULL OR c.last_proactive_on <= {start}))"
)


def predicate(today: date, window_days: int = WINDOW_DAYS) -> tuple[str, list[str]]:
    """Reactive only in the window as SQL and its parameters (what `reactive` lists
    and `pulse` counts)."""
    start = (today - timedelta(days=window_days)).isoformat()
    return REACTIVE_ONLY.format(start="?", today="?"), [start, today.isoformat(), start]


def reactive_only(
    connection: Connection,
    today: date,
    *,
    window_days: int = WINDOW_DAYS,
    tag: str | None = None,
    tier: str | None = None,
    person: str | None = None,
    limit: int | None = None,
) -> tuple[list[ReactiveRow], int]:
    """Customers who reached out in the window while we never did on our own initiative."""
    start = (today - timedelta(days=window_days)).isoformat()
    source, parameters = selection(tag, tier, person)
    reactive, window = predicate(today, window_days)
    condition = f" AND {reactive}"
    found = connection.execute(
        f"SELECT count(*){source}{condition}", [*parameters, *window]
    ).fetchone()[0]
    # The counts per customer are read only for the rows shown.
    cut, cut_parameters = limit_clause(limit)
    rows = connection.execute(
        "SELECT c.handle, c.name, c.last_inbound_on, c.last_proactive_on,"
        " (SELECT handle FROM people WHERE id = pr.person_id) AS person, pr.channel,"
        " count(i.id) AS contacts, coalesce(sum(i.direction = 'in'), 0) AS from_them,"
        " coalesce(sum(i.kind = 'complaint'), 0) AS complaints,"
        " coalesce(sum(i.direction = 'out'), 0) AS from_us"
        f" FROM (SELECT c.id{source}{condition} ORDER BY c.last_inbound_on DESC, c.id{cut})"
        " AS picked JOIN customers c ON c.id = picked.id"
        " LEFT JOIN preferences pr ON pr.id = c.preference_id"
        " LEFT JOIN interactions i ON i.customer_id = c.id AND i.occurred_on > ?"
        " AND i.occurred_on <= ?"
        # Every column read, not only the keys: as of a day, `customers` is a copy
        # without a primary key, and a server groups by no column it was not given.
        " GROUP BY c.id, c.handle, c.name, c.last_inbound_on, c.last_proactive_on,"
        " pr.id, pr.person_id, pr.channel ORDER BY c.last_inbound_on DESC, c.id",
        [*parameters, *window, *cut_parameters, start, today.isoformat()],
    ).fetchall()
    return [
        ReactiveRow(
            handle=row["handle"],
            name=row["name"],
            contacts=row["contacts"],
            from_them=row["from_them"],
            complaints=row["complaints"],
            from_us=row["from_us"],
            last_from_them=from_iso(row["last_inbound_on"]),
            last_proactive=from_iso(row["last_proactive_on"]),
            person=row["person"],
            channel=row["channel"],
        )
        for row in rows
    ], int(found)
