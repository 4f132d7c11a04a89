"""Lifetime value beside attention: who brings much and hears little, and the reverse.

Lifetime value is the larger of annual value times years as a customer and the
sum of logged order amounts. Customers are split into fifths by lifetime value.
The top fifth without a contact from us in the window (or silent) gets little
attention. The bottom fifth is over-served when we reached out in the window and
the gap between our last two contacts is shorter than the median gap in the top
fifth. All of it is computed inside SQLite from columns stored on each customer.
"""

import heapq
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from kundenpflege.customers import selection
from kundenpflege.dates import from_iso

LITTLE_ATTENTION = "high value, little attention"
OVER_SERVED = "low value, over-served"


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
    # One lean pass over the customers; ranks and flags are worked out in Python.
    scored = connection.execute(
        f"SELECT c.id, max(coalesce(c.annual_value, 0) * {years}, c.orders_total),"
        f" c.last_outbound_on, c.silent_from, c.outbound_gap_days{source}",
        [day, *parameters],
    ).fetchall()
    fifth = fifths(sorted((ltv, customer_id) for customer_id, ltv, *_ in scored))
    top_gaps = sorted(
        gap for customer_id, _, _, _, gap in scored if fifth[customer_id] == 5 and gap is not None
    )
    benchmark = top_gaps[len(top_gaps) // 2] if top_gaps else None
    flags: dict[int, str | None] = {}
    for customer_id, _, last_out, silent_from, gap in scored:
        flag = None
        if len(scored) >= 5 and fifth[customer_id] == 5:
            if not last_out or last_out <= start or (silent_from and silent_from <= day):
                flag = LITTLE_ATTENTION
        elif len(scored) >= 5 and fifth[customer_id] == 1 and last_out and last_out > start:
            if gap is not None and benchmark is not None and gap < benchmark:
                flag = OVER_SERVED
        flags[customer_id] = flag
    order = {LITTLE_ATTENTION: 0, OVER_SERVED: 1, None: 2}
    chosen = [
        (order[flags[row[0]]], -row[1], row[0])
        for row in scored
        if flags[row[0]] or not flagged_only
    ]
    shown = heapq.nsmallest(limit, chosen) if limit is not None else sorted(chosen)
    result = []
    for _, _, customer_id in shown:
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
    result.sort(key=lambda item: (order[item.flag], -item.lifetime_value, item.handle))
    return result, len(chosen)


def fifths(ranked: list[tuple[float, int]]) -> dict[int, int]:
    """Fifth (1 = lowest) of each id, sized like SQL's ntile(5): earlier fifths get the extra."""
    size, extra = divmod(len(ranked), 5)
    result: dict[int, int] = {}
    position = 0
    for number in range(1, 6):
        count = size + (1 if number <= extra else 0)
        for _, customer_id in ranked[position : position + count]:
            result[customer_id] = number
        position += count
    return result
