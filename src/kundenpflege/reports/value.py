"""Lifetime value beside attention: who brings much and hears little, and the reverse.

Lifetime value is the larger of annual value times years as a customer and the
sum of logged order amounts. Customers are split into fifths by lifetime value.
The top fifth without a contact from us in the window (or silent) gets little
attention. The bottom fifth is over-served when we reached out in the window and
the gap between our last two contacts is shorter than the median gap in the top
fifth. All of it is computed inside SQLite from columns stored on each customer.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import islice

from kundenpflege.domain.dates import from_iso
from kundenpflege.i18n import N_
from kundenpflege.reports.filters import selection
from kundenpflege.storage.connection import Connection

LITTLE_ATTENTION = N_("high value, little attention")
OVER_SERVED = N_("low value, over-served")
FLAG_ORDER = {LITTLE_ATTENTION: 0, OVER_SERVED: 1, None: 2}


@dataclass(frozen=True)
class ValueRow:
    handle: str
    name: str
    tier: str | None
    annual_value: float | None
    years_as_customer: float
    lifetime_value: float
    orders_total: float
    contacts_in_window: int
    last_contact_from_us: date | None
    flag: str | None


def value(
    connection: Connection,
    today: date,
    *,
    window_days: int = 365,
    tag: str | None = None,
    tier: str | None = None,
    person: str | None = None,
    flagged_only: bool = False,
    limit: int | None = None,
) -> tuple[list[ValueRow], int]:
    """Flagged customers first, then by lifetime value, highest first."""
    source, parameters = selection(tag, tier, person)
    day, start = today.isoformat(), (today - timedelta(days=window_days)).isoformat()
    # Today as a number, so SQLite does not convert the same date once per customer;
    # the ranking uses days x EUR (no division per customer), the rows shown years.
    days = f"max({date_to_julian(today)} - julianday(c.customer_since), 0)"
    years = f"{days} / 365.25"
    # One lean pass over the customers, ranked by SQLite as plain tuples without the
    # value itself; `attention` packs the flags' inputs (1: not heard from us,
    # 2: contacted recently). Only the top and bottom fifths are looked at in Python.
    cursor = connection.cursor()
    cursor.row_factory = None
    ranked: list[tuple[int, int, int | None]] = cursor.execute(
        "SELECT c.id, CASE WHEN c.last_outbound_on IS NULL OR c.last_outbound_on <= ?"
        " OR c.silent_from <= ? THEN 1 ELSE 0 END"
        " + CASE WHEN c.last_outbound_on > ? THEN 2 ELSE 0 END,"
        f" c.outbound_gap_days{source}"
        f" ORDER BY max(coalesce(c.annual_value, 0) * {days}, c.orders_total * 365.25), c.id",
        [start, day, start, *parameters],
    ).fetchall()
    fifth = fifths(len(ranked))
    top, bottom = ranked[fifth[3] :], ranked[: fifth[0]]
    top_gaps = sorted(row[2] for row in top if row[2] is not None)
    benchmark = top_gaps[len(top_gaps) // 2] if top_gaps else None
    little: list[int] = []
    over: list[int] = []
    if len(ranked) >= 5:
        # Highest value first within each kind: the ranking is ascending, so walk it back.
        little = [customer_id for customer_id, attention, _ in reversed(top) if attention & 1]
        if benchmark is not None:
            over = [
                customer_id
                for customer_id, attention, gap in reversed(bottom)
                if attention & 2 and gap is not None and gap < benchmark
            ]
    flags = dict.fromkeys(little, LITTLE_ATTENTION) | dict.fromkeys(over, OVER_SERVED)
    shown = little + over
    total = len(shown) if flagged_only else len(ranked)
    if not flagged_only and (limit is None or len(shown) < limit):
        wanted = len(ranked) if limit is None else limit
        rest = (row[0] for row in reversed(ranked) if row[0] not in flags)
        shown += list(islice(rest, wanted - len(shown)))
    shown = shown if limit is None else shown[:limit]
    result = []
    for customer_id in shown:
        row = connection.execute(
            f"SELECT c.handle, c.name, c.tier, c.annual_value, c.orders_total, c.last_outbound_on,"
            f" {years} AS years, max(coalesce(c.annual_value, 0) * {years}, c.orders_total)"
            " AS lifetime_value, (SELECT count(*) FROM interactions i WHERE i.customer_id = c.id"
            " AND i.occurred_on > ? AND i.occurred_on <= ?) AS contacts"
            " FROM customers c WHERE c.id = ?",
            (start, day, customer_id),
        ).fetchone()
        result.append(
            ValueRow(
                handle=row["handle"],
                name=row["name"],
                tier=row["tier"],
                annual_value=row["annual_value"],
                years_as_customer=round(row["years"], 1),
                lifetime_value=round(row["lifetime_value"], 2),
                orders_total=row["orders_total"],
                contacts_in_window=row["contacts"],
                last_contact_from_us=from_iso(row["last_outbound_on"]),
                flag=flags.get(customer_id),
            )
        )
    # Ties in value are broken by handle, as people read them.
    result.sort(key=lambda item: (FLAG_ORDER[item.flag], -item.lifetime_value, item.handle))
    return result, total


def date_to_julian(day: date) -> float:
    """SQLite's julianday() of a calendar date, computed once in Python."""
    return day.toordinal() + 1721424.5


def fifths(count: int) -> list[int]:
    """Where each fifth ends in a ranking of `count`, sized like SQL's ntile(5):
    the first fifths take the remainder."""
    size, extra = divmod(count, 5)
    ends, position = [], 0
    for number in range(5):
        position += size + (1 if number < extra else 0)
        ends.append(position)
    return ends
