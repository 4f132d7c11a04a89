"""When a customer is next due (DESIGN §3), and their contact signals, stored on the row.

Every write that could move the date calls `refresh` in its own transaction,
so the `due` and insight reports read indexes instead of scanning interactions.
"""

import sqlite3
from datetime import date, datetime

from kundenpflege import preferences, settings, signals
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
    """Recompute the stored signals and the next due date of one customer."""
    customer = connection.execute(
        "SELECT status, created_at, paused_until FROM customers WHERE id = ?", (customer_id,)
    ).fetchone()
    history = signals.from_history(
        connection.execute(
            "SELECT id, occurred_on, direction, mood, kind, amount FROM interactions"
            " WHERE customer_id = ? ORDER BY occurred_at DESC, id DESC",
            (customer_id,),
        )
    )
    preference = preferences.current(connection, customer_id)
    next_due = silent_from = None
    if customer["status"] in PLANNABLE_STATUSES and not (preference and preference.do_not_contact):
        frequency = (preference and preference.frequency) or settings.default_frequency(connection)
        added_on = datetime.fromisoformat(customer["created_at"]).astimezone().date()
        next_due = plan(
            last_contact=history.last_on,
            added_on=added_on,
            frequency=frequency,
            paused_until=from_iso(customer["paused_until"]),
            weekdays=preference.weekdays if preference else (),
        )
        # Silent: no contact for more than twice the rhythm the customer wants
        # (a pause they asked for does not count as silence).
        silent_from = (history.last_on or added_on) + frequency.delta * 2
        paused_until = from_iso(customer["paused_until"])
        if paused_until and paused_until > silent_from:
            silent_from = paused_until
    connection.execute(
        "UPDATE customers SET last_interaction_id = ?, last_interaction_on = ?, next_due = ?,"
        " last_mood = ?, last_kind = ?, last_outbound_on = ?, last_inbound_on = ?,"
        " last_proactive_on = ?,"
        " outbound_gap_days = ?, mood_trend = ?, silent_from = ?, orders_total = ?"
        " WHERE id = ?",
        (
            history.last_id,
            _iso(history.last_on),
            _iso(next_due),
            history.last_mood,
            history.last_kind,
            _iso(history.last_outbound_on),
            _iso(history.last_inbound_on),
            _iso(history.last_proactive_on),
            history.outbound_gap_days,
            history.mood_trend,
            _iso(silent_from),
            history.orders_total,
            customer_id,
        ),
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def refresh_all(connection: sqlite3.Connection) -> int:
    """After a journal-wide change such as the default rhythm; returns the count."""
    ids = [customer_id for (customer_id,) in connection.execute("SELECT id FROM customers")]
    for customer_id in ids:
        refresh(connection, customer_id)
    return len(ids)
