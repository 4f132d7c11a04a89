"""Counting contacts over a window of days, per tier or value band.

Unfiltered counts come from `daily_stats` (kept by triggers); counts for a subset
of customers come from `interaction_facts`. Both use the same definitions of
personal, mass, outbound and complaint contacts (migration m002).
"""

from datetime import date, timedelta

from kundenpflege.reports.filters import selection
from kundenpflege.storage.connection import Connection

FACTS = (
    "contacts", "personal", "mass", "outbound", "inbound", "complaints", "inbound_complaints",
    "positive", "negative", "mood_total", "moods",
)  # fmt: skip
GROUPINGS = ("tier", "band")

Tally = dict[str, int]


def tally(
    connection: Connection,
    after: date,
    until: date,
    *,
    by: str | None = None,
    tag: str | None = None,
    tier: str | None = None,
    person: str | None = None,
) -> dict[str, Tally]:
    """Sums of each fact for contacts on days in (after, until], keyed by group ('' if none).

    Contacts with customers who have since left (status former) still count: they
    were customers when the contact happened.
    """
    group = by if by in GROUPINGS else "''"
    sums = ", ".join(f"sum({fact})" for fact in FACTS)
    window = [after.isoformat(), until.isoformat()]
    if tag or person:
        source, parameters = selection(tag, tier, person, former=True)
        rows = connection.execute(
            f"SELECT {group}, {sums} FROM interaction_facts WHERE day > ? AND day <= ?"
            f" AND customer_id IN (SELECT c.id{source}) GROUP BY 1",
            [*window, *parameters],
        )
    else:
        tier_filter = " AND tier = ? COLLATE NOCASE" if tier else ""
        rows = connection.execute(
            f"SELECT {group}, {sums} FROM daily_stats WHERE day > ? AND day <= ?{tier_filter}"
            " GROUP BY 1",
            [*window, *([tier] if tier else [])],
        )
    return {
        row[0]: dict(zip(FACTS, (value or 0 for value in row[1:]), strict=True)) for row in rows
    }


def total(tallies: dict[str, Tally]) -> Tally:
    """All groups added up."""
    return {fact: sum(group[fact] for group in tallies.values()) for fact in FACTS}


def window(today: date, days: int) -> tuple[date, date]:
    """The first and last day of the `days` up to `today` that a report counts (the
    tally reads days after `today - days`, up to `today`)."""
    return today - timedelta(days=days - 1), today


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None
