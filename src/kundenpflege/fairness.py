"""Big versus small: do small customers get less care? Per tier or per value band."""

import sqlite3
import statistics
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
    people = connection.execute(
        f"SELECT {group_sql} AS grp, c.last_interaction_on, c.next_due{source}", parameters
    ).fetchall()
    tallies = tally(connection, today - timedelta(days=window_days), today, by=by, tag=tag,
                    tier=tier, person=person)  # fmt: skip
    groups: dict[str, list[sqlite3.Row]] = {}
    for row in people:
        groups.setdefault(row["grp"], []).append(row)
    result = []
    for name in sorted(groups, key=_group_order):
        members = groups[name]
        counts = tallies.get(name, {})
        total, personal, mass = (counts.get(fact, 0) for fact in ("contacts", "personal", "mass"))
        days = [(today - date.fromisoformat(row[1])).days for row in members if row[1]]
        planned = [row for row in members if row[2]]
        overdue = sum(1 for row in planned if row[2] < today.isoformat())
        result.append(
            FairnessRow(
                group=name or "(none)",
                customers=len(members),
                contacts_per_customer_year=round(total / len(members) * 365 / window_days, 2),
                personal_share=share(personal, total),
                mass_share=share(mass, total),
                median_days_since_contact=statistics.median(days) if days else None,
                never_contacted=len(members) - len(days),
                overdue_share=share(overdue, len(planned)),
            )
        )
    return result
