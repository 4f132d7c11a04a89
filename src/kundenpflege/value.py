"""Lifetime value beside attention: who brings much and hears little, and the reverse.

Lifetime value is the larger of annual value times years as a customer and the
sum of logged order amounts. Customers are split into fifths by lifetime value.
The top fifth without a contact from us in the window (or silent) gets little
attention. The bottom fifth is over-served when we reached out in the window and
the gap between our last two contacts is shorter than the median gap in the top
fifth. All of it is computed inside SQLite from columns stored on each customer.
"""

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from kundenpflege.customers import selection
from kundenpflege.dates import from_iso
from kundenpflege.i18n import N_

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
    connection: sqlite3.Connection,
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
    years = "max(julianday(?) - julianday(c.customer_since), 0) / 365.25"
    # One lean pass over the customers, ranked by SQLite (plain tuples, flags' inputs
    # computed there); fifths and flags are then a walk down the ranking.
    cursor = connection.cursor()
    cursor.row_factory = None
    ranked: list[tuple[int, float, int, int, int | None]] = cursor.execute(
        f"SELECT c.id, max(coalesce(c.annual_value, 0) * {years}, c.orders_total) AS value,"
        " c.last_outbound_on IS NULL OR c.last_outbound_on <= ? OR coalesce(c.silent_from <= ?, 0),"
        f" coalesce(c.last_outbound_on > ?, 0), c.outbound_gap_days{source} ORDER BY value, c.id",
        [day, start, day, start, *parameters],
    ).fetchall()
    fifth = fifths(len(ranked))
    top_gaps = sorted(row[4] for row in ranked[fifth[3] :] if row[4] is not None)
    benchmark = top_gaps[len(top_gaps) // 2] if top_gaps else None
    flags: dict[int, str | None] = {}
    enough = len(ranked) >= 5
    for position, (customer_id, _, unheard, recent, gap) in enumerate(ranked):
        flag = None
        if enough and unheard and position >= fifth[3]:
            flag = LITTLE_ATTENTION
        elif enough and recent and position < fifth[0] and gap is not None:
            if benchmark is not None and gap < benchmark:
                flag = OVER_SERVED
        flags[customer_id] = flag
    # Flagged first (little attention, then over-served), each by value, highest first;
    # the ranking is already by value, so walking it backwards keeps that order.
    by_kind: dict[str | None, list[int]] = {LITTLE_ATTENTION: [], OVER_SERVED: [], None: []}
    for customer_id, *_ in reversed(ranked):
        by_kind[flags[customer_id]].append(customer_id)
    kinds = (
        (LITTLE_ATTENTION, OVER_SERVED) if flagged_only else (LITTLE_ATTENTION, OVER_SERVED, None)
    )
    chosen = [customer_id for kind in kinds for customer_id in by_kind[kind]]
    shown = chosen if limit is None else chosen[:limit]
    result = []
    for customer_id in shown:
        row = connection.execute(
            f"SELECT c.handle, c.name, c.tier, c.annual_value, c.orders_total, c.last_outbound_on,"
            f" {years} AS years, max(coalesce(c.annual_value, 0) * {years}, c.orders_total)"
            " AS lifetime_value, (SELECT count(*) FROM interactions i WHERE i.customer_id = c.id"
            " AND i.occurred_on > ? AND i.occurred_on <= ?) AS contacts"
            " FROM customers c WHERE c.id = ?",
            (day, day, start, day, customer_id),
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
                flag=flags[customer_id],
            )
        )
    # Ties in value are broken by handle, as people read them.
    result.sort(key=lambda item: (FLAG_ORDER[item.flag], -item.lifetime_value, item.handle))
    return result, len(chosen)


def fifths(count: int) -> list[int]:
    """Where each fifth ends in a ranking of `count`, sized like SQL's ntile(5):
    the first fifths take the remainder."""
    size, extra = divmod(count, 5)
    ends, position = [], 0
    for number in range(5):
        position += size + (1 if number < extra else 0)
        ends.append(position)
    return ends
