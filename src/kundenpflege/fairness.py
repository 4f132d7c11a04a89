"""Big versus small: do small customers get less care? Per tier or per value band."""

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from kundenpflege.customers import selection
from kundenpflege.errors import KundenpflegeError
from kundenpflege.tally import GROUPINGS, share, tally

BAND_SQL = (
    "CASE WHEN c.annual_value IS NULL THEN 'unknown' WHEN c.annual_value < 1000 THEN 'under 1k'"
    " WHEN c.annual_value < 5000 THEN '1k-5k' WHEN c.annual_value < 20000 THEN '5k-20k'"
    " ELSE '20k+' END"
)


@dataclass(frozen=True)
class FairnessRow:
    group: str
    customers: int
    contacts_per_customer_year: float
    personal_share: float | None
    mass_share: float | None
    median_days_since_contact: float | None
    never_contacted: int
    overdue_share: float | None


BAND_ORDER = ("under 1k", "1k-5k", "5k-20k", "20k+", "unknown")


def _group_order(group: str) -> tuple[int, str]:
    """Tiers alphabetically, bands from small to large, the unnamed group last."""
    if group in BAND_ORDER:
        return BAND_ORDER.index(group), group
    return (1 if group == "" else 0), group


def fairness(
    connection: sqlite3.Connection,
    today: date,
    *,
    by: str = "tier",
    window_days: int = 365,
    tag: str | None = None,
    tier: str | None = None,
    person: str | None = None,
) -> list[FairnessRow]:
    if by not in GROUPINGS:
        raise KundenpflegeError(f"cannot group by '{by}'; use tier or band")
    if window_days < 1:
        raise KundenpflegeError("the window must be at least one day")
    group_sql = "coalesce(c.tier, '')" if by == "tier" else BAND_SQL
    source, parameters = selection(tag, tier, person)
    day = today.isoformat()
    # Medians in SQLite: order each group by days since contact, average the middle one(s).
    groups = connection.execute(
        f"WITH members AS MATERIALIZED (SELECT {group_sql} AS grp,"
        f" c.last_interaction_on AS last_on, c.next_due{source}),"
        " ranked AS (SELECT grp, julianday(?) - julianday(last_on) AS days,"
        " row_number() OVER (PARTITION BY grp ORDER BY last_on DESC) AS position,"
        " count(*) OVER (PARTITION BY grp) AS contacted FROM members WHERE last_on IS NOT NULL),"
        " medians AS (SELECT grp, avg(days) AS median FROM ranked"
        " WHERE position IN ((contacted + 1) / 2, (contacted + 2) / 2) GROUP BY grp)"
        " SELECT m.grp, count(*) AS customers, count(m.last_on) AS contacted,"
        " sum(m.next_due IS NOT NULL) AS planned, coalesce(sum(m.next_due < ?), 0) AS overdue,"
        " md.median FROM members m LEFT JOIN medians md ON md.grp = m.grp GROUP BY m.grp",
        [*parameters, day, day],
    ).fetchall()
    tallies = tally(
        connection,
        today - timedelta(days=window_days),
        today,
        by=by,
        tag=tag,
        tier=tier,
        person=person,
    )
    result = []
    for row in sorted(groups, key=lambda group: _group_order(group["grp"])):
        counts = tallies.get(row["grp"], {})
        total, personal, mass = (counts.get(fact, 0) for fact in ("contacts", "personal", "mass"))
        result.append(
            FairnessRow(
                group=row["grp"] or "(none)",
                customers=row["customers"],
                contacts_per_customer_year=round(total / row["customers"] * 365 / window_days, 2),
                personal_share=share(personal, total),
                mass_share=share(mass, total),
                median_days_since_contact=row["median"],
                never_contacted=row["customers"] - row["contacted"],
                overdue_share=share(row["overdue"], row["planned"]),
            )
        )
    return result
