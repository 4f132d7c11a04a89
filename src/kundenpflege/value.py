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
    rows = connection.execute(
        "WITH valued AS MATERIALIZED (SELECT c.id, c.handle, c.name, c.tier, c.annual_value,"
        " c.orders_total, c.last_outbound_on, c.silent_from, c.outbound_gap_days,"
        " max(coalesce(c.annual_value, 0) * max(julianday(?) - julianday(c.customer_since), 0)"
        " / 365.25, c.orders_total) AS lifetime_value,"
        " max(julianday(?) - julianday(c.customer_since), 0) / 365.25 AS years"
        f"{source}),"
        " fifths AS MATERIALIZED (SELECT *, ntile(5) OVER (ORDER BY lifetime_value, id) AS fifth,"
        " count(*) OVER () AS everyone FROM valued),"
        " top_gaps AS (SELECT outbound_gap_days AS gap FROM fifths"
        " WHERE fifth = 5 AND outbound_gap_days IS NOT NULL),"
        " benchmark AS (SELECT gap FROM top_gaps ORDER BY gap"
        " LIMIT 1 OFFSET (SELECT count(*) / 2 FROM top_gaps)),"
        " flagged AS (SELECT *, CASE"
        "  WHEN everyone >= 5 AND fifth = 5 AND (last_outbound_on IS NULL"
        "   OR last_outbound_on <= ? OR silent_from <= ?) THEN ?"
        "  WHEN everyone >= 5 AND fifth = 1 AND last_outbound_on > ?"
        "   AND outbound_gap_days < (SELECT gap FROM benchmark) THEN ?"
        " END AS flag FROM fifths)"
        " SELECT *, count(*) OVER () AS total FROM flagged WHERE (? = 0 OR flag IS NOT NULL)"
        " ORDER BY flag IS NULL, flag = ?, lifetime_value DESC, handle LIMIT ?",
        [
            day,
            day,
            *parameters,
            start,
            day,
            LITTLE_ATTENTION,
            start,
            OVER_SERVED,
            int(flagged_only),
            OVER_SERVED,
            -1 if limit is None else limit,
        ],
    ).fetchall()
    # Contacts in the window are counted for the rows shown only.
    result = [
        ValueRow(
            handle=row["handle"],
            name=row["name"],
            tier=row["tier"],
            annual_value=row["annual_value"],
            years_as_customer=round(row["years"], 1),
            lifetime_value=round(row["lifetime_value"], 2),
            orders_total=row["orders_total"],
            contacts_in_window=connection.execute(
                "SELECT count(*) FROM interactions WHERE customer_id = ? AND occurred_on > ?"
                " AND occurred_on <= ?",
                (row["id"], start, day),
            ).fetchone()[0],
            last_contact_from_us=from_iso(row["last_outbound_on"]),
            flag=row["flag"],
        )
        for row in rows
    ]
    return result, rows[0]["total"] if rows else 0
