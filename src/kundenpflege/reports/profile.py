"""Everything `show` prints about one customer, as plain data."""

import sqlite3
from dataclasses import dataclass
from datetime import date

from kundenpflege.domain import consent, contacts, customers, followups, preferences, rhythm
from kundenpflege.domain.dates import Frequency, from_iso
from kundenpflege.reports import impressions

TIMELINE_LENGTH = 20


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


def profile(
    connection: sqlite3.Connection, customer: sqlite3.Row, today: date,
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
    )
