"""Big versus small: do small customers get less care? Per tier or per value band."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import N_, _
from kundenpflege.reports.filters import selection_parts
from kundenpflege.reports.tally import GROUPINGS, share, tally
from kundenpflege.storage.connection import Connection


@dataclass(frozen=True)
class FairnessRow:
    group: str
    customers: int
    contacts_per_customer_year: float
    personal_share: float | None
    mass_share: float | None
    other_share: float | None  # letter, messenger, custom channels: the three make 100 %
    median_days_since_contact: float | None
    never_contacted: int
    overdue_share: float | None


BAND_ORDER = (N_("under 1k"), "1k-5k", "5k-20k", "20k+", N_("unknown"))


def _group_order(group: str) -> tuple[int, str]:
    """Tiers alphabetically, bands from small to large, the unnamed group last."""
    if group in BAND_ORDER:
        return BAND_ORDER.index(group), group
    return (1 if group == "" else 0), group


@dataclass
class _Group:
    customers: int = 0
    planned: int = 0
    overdue: int = 0
    days: list[tuple[int, int]] = field(default_factory=list)  # (days since contact, count)


def weighted_median(values: list[tuple[int, int]]) -> float | None:
    """Median of values given as (value, how many times)."""
    total = sum(count for _, count in values)
    if not total:
        return None
    middle = []
    seen = 0
    for value, count in sorted(values):
        for position in ((total + 1) // 2, (total + 2) // 2):
            if seen < position <= seen + count:
                middle.append(value)
        seen += count
    return sum(middle) / len(middle)


def fairness(
    connection: Connection,
    today: date,
    *,
    by: str = "tier",
    window_days: int = 365,
    tag: str | None = None,
    tier: str | None = None,
    person: str | None = None,
) -> list[FairnessRow]:
    if by not in GROUPINGS:
        raise KundenpflegeError(_("cannot group by '{by}'; use tier or band").format(by=by))
    if window_days < 1:
        raise KundenpflegeError(_("the window must be at least one day"))
    # Groups as the migration defines them (view customer_groups), like the daily tally.
    joins, conditions, parameters = selection_parts(tag, tier, person)
    source = f" FROM customers c JOIN customer_groups g ON g.id = c.id{joins} WHERE {conditions}"
    day = today.isoformat()
    # One pass: customers per group and day of last contact; medians come from that
    # histogram (a few thousand rows), not from sorting every customer.
    histogram = connection.execute(
        f"SELECT g.{by} AS grp, c.last_interaction_on, count(*),"
        f" sum(c.next_due IS NOT NULL), coalesce(sum(c.next_due < ?), 0){source}"
        " GROUP BY 1, 2",
        [day, *parameters],
    ).fetchall()
    groups: dict[str, _Group] = {}
    for group, last_on, count, planned, overdue in histogram:
        entry = groups.setdefault(group, _Group())
        entry.customers += count
        entry.planned += planned
        entry.overdue += overdue
        if last_on:
            entry.days.append(((today - date.fromisoformat(last_on)).days, count))
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
    for name in sorted(groups, key=_group_order):
        entry = groups[name]
        counts = tallies.get(name, {})
        total, personal, mass = (counts.get(fact, 0) for fact in ("contacts", "personal", "mass"))
        result.append(
            FairnessRow(
                group=name or "(none)",
                customers=entry.customers,
                contacts_per_customer_year=round(total / entry.customers * 365 / window_days, 2),
                personal_share=share(personal, total),
                mass_share=share(mass, total),
                other_share=share(total - personal - mass, total),
                median_days_since_contact=weighted_median(entry.days),
                never_contacted=entry.customers - sum(count for _, count in entry.days),
                overdue_share=share(entry.overdue, entry.planned),
            )
        )
    return result
