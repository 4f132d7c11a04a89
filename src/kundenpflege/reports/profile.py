"""Everything `show` prints about one customer, as plain data."""

from dataclasses import dataclass
from datetime import date, timedelta

from kundenpflege.domain import (
    consent,
    contacts,
    customers,
    facts,
    followups,
    key_dates,
    preferences,
    rhythm,
)
from kundenpflege.domain.dates import Frequency, from_iso
from kundenpflege.reports import impressions
from kundenpflege.storage.connection import Connection, Row

TIMELINE_LENGTH = 20
WEEKS = 52  # the heat strip of `show`: a year of weeks
MOODS = 12  # its mood sparkline: the last twelve moods


@dataclass(frozen=True)
class ContactWish:
    """A contact with a wish of their own, and the clock it gives them."""

    contact: str
    wishes: list[preferences.Preference]  # their own statements, newest first
    next_due: date | None
    last_contact: date | None


@dataclass(frozen=True)
class Profile:
    handle: str
    name: str
    company: str | None
    tier: str | None
    tags: list[str]
    annual_value: float | None
    status: str
    customer_since: date
    paused_until: date | None
    last_contact: date | None
    next_due: date | None
    rhythm: Frequency
    rhythm_is_default: bool
    contacts: list[contacts.Contact]
    preference: preferences.Preference | None
    preference_history: list[preferences.Preference]
    open_followups: list[followups.Followup]
    timeline: list[impressions.Impression]
    consent: dict[str, str]
    contact_wishes: list[ContactWish]
    weeks: list[tuple[int, int]]  # contacts (we started, they started) a week, a year of weeks
    moods: list[int]  # the moods of the last contacts that had one, oldest first
    facts: list[facts.Fact]  # what we know, learned by the day shown
    key_dates: list[key_dates.KeyDate]  # the next to come first


def profile(
    connection: Connection, customer: Row, today: date,
    timeline_length: int = TIMELINE_LENGTH,
) -> Profile:  # fmt: skip
    customer_id = customer["id"]
    history = preferences.history(connection, customer_id)
    current = preferences.current(connection, customer_id)
    stated = current.frequency if current else None
    timeline, _ = impressions.recent(
        connection, today, last=timeline_length, customer_id=customer_id, everything=True
    )
    return Profile(
        handle=customer["handle"],
        name=customer["name"],
        company=customer["company"],
        tier=customer["tier"],
        tags=customers.tags_of(connection, customer_id),
        annual_value=customer["annual_value"],
        status=customer["status"],
        customer_since=date.fromisoformat(customer["customer_since"]),
        paused_until=from_iso(customer["paused_until"]),
        last_contact=from_iso(customer["last_interaction_on"]),
        next_due=from_iso(customer["next_due"]),
        rhythm=stated or rhythm.default_frequency(connection),
        rhythm_is_default=stated is None,
        contacts=contacts.of_customer(connection, customer_id),
        preference=current,
        preference_history=history,
        open_followups=followups.open_followups(connection, customer_id, include_restricted=True),
        timeline=timeline,
        consent=consent.summary(connection, customer_id),
        contact_wishes=[
            ContactWish(
                contact=row["name"],
                wishes=preferences.history(connection, customer_id, row["id"]),
                next_due=from_iso(row["next_due"]),
                last_contact=from_iso(row["last_on"]),
            )
            for row in connection.execute(
                "SELECT ct.id, ct.name, ct.next_due, i.occurred_on AS last_on FROM contacts ct"
                " LEFT JOIN interactions i ON i.id = ct.last_interaction_id"
                " WHERE ct.customer_id = ? AND ct.preference_id IS NOT NULL"
                " ORDER BY ct.name, ct.id",
                (customer_id,),
            )
        ],
        weeks=weekly_contacts(connection, customer_id, today),
        moods=last_moods(connection, customer_id, today),
        facts=[
            fact
            for fact in facts.of_customer(connection, [customer_id])
            if fact.learned_on <= today
        ],
        key_dates=key_dates.of_customer(connection, customer_id, today),
    )


def weekly_contacts(
    connection: Connection, customer_id: int, today: date, weeks: int = WEEKS
) -> list[tuple[int, int]]:
    """Contacts per week (Monday to Sunday), oldest week first, the current one last:
    how many we started and how many the customer started."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    counts = [[0, 0] for _ in range(weeks)]
    for occurred_on, direction in connection.execute(
        "SELECT occurred_on, direction FROM interactions"
        " WHERE customer_id = ? AND occurred_on >= ? AND occurred_on <= ?",
        (customer_id, first.isoformat(), today.isoformat()),
    ):
        week = (date.fromisoformat(occurred_on) - first).days // 7
        counts[week][0 if direction == "out" else 1] += 1
    return [(out, came) for out, came in counts]


def last_moods(
    connection: Connection, customer_id: int, today: date, count: int = MOODS
) -> list[int]:
    """The last moods recorded, oldest first: the recency effect, drawn."""
    rows = connection.execute(
        "SELECT mood FROM interactions WHERE customer_id = ? AND mood IS NOT NULL"
        " AND occurred_on <= ? ORDER BY occurred_on DESC, id DESC LIMIT ?",
        (customer_id, today.isoformat(), count),
    ).fetchall()
    return [mood for (mood,) in reversed(rows)]
