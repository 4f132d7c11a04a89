"""When a customer is next due (DESIGN §3), stored on the customer row.

Every write that could move the date calls `refresh` in its own transaction,
so the `due` report reads one index instead of scanning interactions.
"""

import sqlite3
from datetime import date, datetime

from kundenpflege import preferences, settings
from kundenpflege.dates import Frequency, from_iso, next_preferred_day

PLANNABLE_STATUSES = ("active", "prospect")


def plan(
    *,
    last_contact: date | None,
    added_on: date,
    frequency: Frequency,
    paused_until: date | None,
    weekdays: tuple[int, ...],
) -> date:
    """Next contact date: last contact + rhythm (or the day added), after any pause,
    on a preferred weekday."""
    due = last_contact + frequency.delta if last_contact else added_on
    if paused_until and paused_until > due:
        due = paused_until
    return next_preferred_day(due, weekdays)


def refresh(connection: sqlite3.Connection, customer_id: int) -> None:
    """Recompute the last contact and next due date of one customer."""
    customer = connection.execute(
        "SELECT status, created_at, paused_until FROM customers WHERE id = ?", (customer_id,)
    ).fetchone()
    last = connection.execute(
        "SELECT id, occurred_on FROM interactions WHERE customer_id = ?"
        " ORDER BY occurred_at DESC, id DESC LIMIT 1",
        (customer_id,),
    ).fetchone()
    preference = preferences.current(connection, customer_id)
    next_due = None
    if customer["status"] in PLANNABLE_STATUSES and not (preference and preference.do_not_contact):
        frequency = (preference and preference.frequency) or settings.default_frequency(connection)
        next_due = plan(
            last_contact=from_iso(last["occurred_on"]) if last else None,
            added_on=datetime.fromisoformat(customer["created_at"]).astimezone().date(),
            frequency=frequency,
            paused_until=from_iso(customer["paused_until"]),
            weekdays=preference.weekdays if preference else (),
        )
    connection.execute(
        "UPDATE customers SET last_interaction_id = ?, last_interaction_on = ?, next_due = ?"
        " WHERE id = ?",
        (
            last["id"] if last else None,
            last["occurred_on"] if last else None,
            next_due.isoformat() if next_due else None,
            customer_id,
        ),
    )


def refresh_all(connection: sqlite3.Connection) -> int:
    """After a journal-wide change such as the default rhythm; returns the count."""
    ids = [customer_id for (customer_id,) in connection.execute("SELECT id FROM customers")]
    for customer_id in ids:
        refresh(connection, customer_id)
    return len(ids)
