"""Lifetime value beside attention: who brings much and hears little, and the reverse.

Lifetime value is the larger of annual value times years as a customer and the
sum of logged order amounts. Customers are split into fifths by lifetime value:
the top fifth without a contact from us in the window (or silent) gets little
attention; the bottom fifth with more contacts than the top fifth's median is
over-served.
"""

import sqlite3
import statistics
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
    contacts_in_window: int | None
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
    start = (today - timedelta(days=window_days)).isoformat()
    rows = connection.execute(
        "WITH valued AS (SELECT c.id, c.handle, c.name, c.tier, c.annual_value, c.orders_total,"
        " c.last_outbound_on, c.silent_from,"
        " max(julianday(?) - julianday(c.customer_since), 0) / 365.25 AS years"
        f"{source}), ranked AS (SELECT *, max(coalesce(annual_value, 0) * years, orders_total)"
        " AS lifetime_value FROM valued), fifths AS (SELECT *,"
        " ntile(5) OVER (ORDER BY lifetime_value, id) AS fifth FROM ranked)"
        " SELECT *, CASE WHEN fifth IN (1, 5) THEN (SELECT count(*) FROM interactions i"
        "  WHERE i.customer_id = fifths.id AND i.occurred_on > ? AND i.occurred_on <= ?)"
        " END AS contacts FROM fifths",
        [today.isoformat(), *parameters, start, today.isoformat()],
    ).fetchall()
    top = [row["contacts"] for row in rows if row["fifth"] == 5]
    top_median = statistics.median(top) if top else 0
    result = []
    for row in rows:
        flag = None
        if (
            row["fifth"] == 5
            and len(rows) >= 5
            and (
                not row["last_outbound_on"]
                or row["last_outbound_on"] <= start
                or (row["silent_from"] and row["silent_from"] <= today.isoformat())
            )
        ):
            flag = LITTLE_ATTENTION
        elif row["fifth"] == 1 and len(rows) >= 5 and row["contacts"] > top_median:
            flag = OVER_SERVED
        if flagged_only and not flag:
            continue
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
                flag=flag,
            )
        )
    order = {LITTLE_ATTENTION: 0, OVER_SERVED: 1, None: 2}
    result.sort(key=lambda item: (order[item.flag], -item.lifetime_value, item.handle))
    return (result[:limit] if limit is not None else result), len(result)
