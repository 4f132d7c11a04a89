"""When a customer is next due (DESIGN §3), and their contact signals, stored on the row.

The unit of work (`journal`) calls `refresh_many` for every customer a change
touched, before it commits, so the `due` and insight reports read indexes
instead of scanning interactions.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache

from kundenpflege.domain import preferences, rhythm, signals, wishes
from kundenpflege.domain.dates import Frequency, from_iso, next_preferred_day
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.storage.connection import Connection
from kundenpflege.storage.db import slices

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
    due = _after(last_contact, frequency, 1) if last_contact else added_on
    if paused_until and paused_until > due:
        due = paused_until
    return next_preferred_day(due, weekdays)


def next_due(
    connection: Connection, customer_id: int, contact_id: int | None = None
) -> date | None:
    """The next contact the unit of work stored for a customer, or for a contact there
    with a wish of their own (None: not to be contacted)."""
    if contact_id is None:
        row = connection.execute("SELECT next_due FROM customers WHERE id = ?", (customer_id,))
    else:
        row = connection.execute("SELECT next_due FROM contacts WHERE id = ?", (contact_id,))
    return from_iso(row.fetchone()[0])


BREACH_COLUMN = "last_breach_on"  # derived too: the newest contact against their wish
# The columns kept on each customer row, in the order `_derived` gives them.
DERIVED = (
    "last_interaction_id",
    "last_interaction_on",
    "next_due",
    "last_mood",
    "last_kind",
    "last_outbound_on",
    "last_inbound_on",
    "last_proactive_on",
    "outbound_gap_days",
    "mood_trend",
    "silent_from",
    "orders_total",
    "negative_since",
    "falling_since",
    "over_contact_until",
)


# When an open promise is due for the `due` report: its day, or after the customer's
# pause; never while they are not to be contacted (no next due) or restricted.
FOLLOWUP_DUE = (
    "CASE WHEN f.status = 'open' AND c.next_due IS NOT NULL AND c.restricted = 0"
    " THEN max(f.due_on, coalesce(c.paused_until, '')) END"
)


def refresh_many(
    connection: Connection, customer_ids: Sequence[int], *, recent: date | None = None
) -> None:
    """Store the derived columns of these customers (and of their promises), computed
    from their entries; the verdicts on contacts against a wish only after `recent`
    when that is all a reader looks at (`--as-of` a past day)."""
    assignments = ", ".join(f"{column} = ?" for column in DERIVED)
    connection.executemany(
        f"UPDATE customers SET {assignments} WHERE id = ?", computed(connection, customer_ids)
    )
    _refresh_dependents(connection, customer_ids)
    for chunk, marks in slices(customer_ids):
        connection.execute(f"DELETE FROM wish_breaches WHERE customer_id IN ({marks})", chunk)
        connection.executemany(
            "INSERT INTO wish_breaches (interaction_id, customer_id, occurred_on, breaches)"
            " VALUES (?, ?, ?, ?)",
            wishes.computed_breaches(connection, chunk, marks, after=recent),
        )
        # Only customers with a verdict now or before (an import has none to write).
        connection.execute(
            f"UPDATE customers SET {BREACH_COLUMN} = (SELECT max(b.occurred_on)"
            f" FROM wish_breaches b WHERE b.customer_id = customers.id) WHERE id IN ({marks})"
            f" AND ({BREACH_COLUMN} IS NOT NULL OR id IN (SELECT customer_id FROM wish_breaches"
            f" WHERE customer_id IN ({marks})))",
            chunk * 2,
        )


def stored_breaches(
    connection: Connection, customer_ids: Sequence[int]
) -> list[tuple[object, ...]]:
    """The contacts against their wish as kept, in the shape `computed_breaches` gives."""
    return _on_file(
        connection,
        customer_ids,
        "SELECT interaction_id, customer_id, occurred_on, breaches FROM wish_breaches"
        " WHERE customer_id IN ({marks}) ORDER BY interaction_id",
    )


def _on_file(
    connection: Connection, customer_ids: Sequence[int], query: str
) -> list[tuple[object, ...]]:
    """Rows of a query about these customers (`{marks}` stands for their ids), read in
    slices of ids in order; for comparing what is stored with what is computed."""
    rows: list[tuple[object, ...]] = []
    for chunk, marks in slices(sorted(customer_ids)):
        times = query.count("{marks}")  # the ids, once for each place that names them
        rows += connection.execute(query.format(marks=marks), chunk * times).fetchall()
    return [tuple(row) for row in rows]


def computed_breaches(
    connection: Connection, customer_ids: Sequence[int]
) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for chunk, marks in slices(sorted(customer_ids)):
        rows += wishes.computed_breaches(connection, chunk, marks)
    return sorted(rows)


def refresh_plans(connection: Connection) -> None:
    """Only what `due` reads (the next due day, the last contact, and our last one
    where a stated maximum needs it) of every customer, with a few index reads each
    instead of their whole history: for `due --as-of` a past day on a large journal.
    Planned as `refresh_many` plans."""
    default = rhythm.default_frequency(connection)
    cursor = connection.cursor()
    cursor.row_factory = None  # plain tuples: 100,000 rows are read by position
    rows = cursor.execute(
        "SELECT c.id, c.status, c.created_at, c.paused_until, c.first_due, li.id, li.occurred_on,"
        # Our last contact: only `due`'s warning about a stated maximum reads it.
        " CASE WHEN p.max_frequency IS NOT NULL THEN (SELECT o.occurred_on FROM interactions o"
        "  WHERE o.customer_id = c.id AND o.direction = 'out' ORDER BY o.occurred_on DESC"
        f"  LIMIT 1) END, {preferences.STATEMENT_COLUMNS}"
        " FROM customers c LEFT JOIN preferences p ON p.id = c.preference_id"
        " LEFT JOIN people pe ON pe.id = p.person_id"
        # The newest entry: newest day first (read from the index by day), then the
        # latest instant of that day.
        " LEFT JOIN interactions li ON li.id = (SELECT i.id FROM interactions i"
        "  WHERE i.customer_id = c.id ORDER BY i.occurred_on DESC, i.occurred_at DESC, i.id DESC"
        "  LIMIT 1)"
    )
    values = []
    for customer_id, status, added_at, paused, first, last_id, last_on, last_out, *stated in rows:
        preference = preferences.statement(*stated) if stated[0] else None
        next_due = _next_due(
            status, added_at, paused, first, preference, default, from_iso(last_on)
        )
        values.append((last_id, last_on, last_out, _iso(next_due), customer_id))
    connection.executemany(
        "UPDATE customers SET last_interaction_id = ?, last_interaction_on = ?,"
        " last_outbound_on = ?, next_due = ? WHERE id = ?",
        values,
    )
    _refresh_dependents(connection, [row[-1] for row in values])


def _refresh_dependents(connection: Connection, customer_ids: Sequence[int]) -> None:
    """Their contacts with wishes of their own, and their promises (which read the
    customer's plan)."""
    connection.executemany(
        f"UPDATE contacts SET {', '.join(f'{column} = ?' for column in CONTACT_DERIVED)}"
        " WHERE id = ?",
        computed_contacts(connection, customer_ids),
    )
    for chunk, marks in slices(customer_ids):
        connection.execute(
            f"UPDATE followups AS f SET due_effective = {FOLLOWUP_DUE} FROM customers c"
            f" WHERE c.id = f.customer_id AND f.customer_id IN ({marks})"
            f" AND f.due_effective IS NOT {FOLLOWUP_DUE}",
            chunk,
        )


def stale_followups(connection: Connection) -> list[int]:
    """Promises whose stored due day is not what their customer's state gives."""
    rows = connection.execute(
        "SELECT f.id FROM followups f JOIN customers c ON c.id = f.customer_id"
        f" WHERE f.due_effective IS NOT {FOLLOWUP_DUE} ORDER BY f.id"
    )
    return [followup_id for (followup_id,) in rows]


def stored(connection: Connection, customer_ids: Sequence[int]) -> list[tuple[object, ...]]:
    """The derived columns as they are on file, in the shape `computed` returns."""
    return _on_file(
        connection,
        customer_ids,
        f"SELECT {', '.join(DERIVED)}, id FROM customers WHERE id IN ({{marks}}) ORDER BY id",
    )


def computed(connection: Connection, customer_ids: Sequence[int]) -> list[tuple[object, ...]]:
    """The derived columns of these customers (by id) as the entries give them, with a
    few set-based reads per chunk; the id ends each row."""
    default = rhythm.default_frequency(connection)
    rows: list[tuple[object, ...]] = []
    for chunk, marks in slices(sorted(customer_ids)):
        customers = connection.execute(
            "SELECT id, handle, status, created_at, paused_until, first_due, preference_id"
            " FROM customers"
            f" WHERE id IN ({marks}) ORDER BY id",
            chunk,
        ).fetchall()
        stated = preferences.by_ids(
            connection, [row["preference_id"] for row in customers if row["preference_id"]]
        )
        promises, histories = (
            _promises(connection, chunk, marks),
            _histories(connection, chunk, marks),
        )
        for row in customers:
            customer = (row["status"], row["created_at"], row["paused_until"], row["first_due"])
            preference = stated.get(row["preference_id"])
            history = histories.get(row["id"], [])
            try:
                kept = _kept(promises.get(row["id"], []))
                # The newest kept promise repairs a bad impression before it.
                repair = max((done for _made, _due, done in kept if done), default=None)
                values = (
                    _derived(*customer, preference, history, default, repair, kept)
                    if history or repair
                    else _untouched(*customer, preference, default)
                )
            except ValueError as error:  # a date written by another program
                raise KundenpflegeError(
                    _("customer {handle} holds a value that is not a date ({error}); correct"
                      " it with 'kundenpflege pause' or 'kundenpflege edit'").format(
                        handle=row["handle"], error=error)
                ) from None  # fmt: skip
            rows.append((*values, row["id"]))
    return rows


# Contacts with a wish of their own, or derived columns left from one (a wish undone).
_CONTACTS_WITH_WISHES = (
    " FROM contacts ct JOIN customers c ON c.id = ct.customer_id WHERE ct.id IN"
    " (SELECT p.contact_id FROM preferences p WHERE p.contact_id IS NOT NULL"
    "  AND p.customer_id IN ({marks})"
    " UNION SELECT w.id FROM contacts w WHERE w.preference_id IS NOT NULL"
    "  AND w.customer_id IN ({marks}))"
)
CONTACT_DERIVED = ("preference_id", "last_interaction_id", "next_due", "silent_from")


def stored_contacts(
    connection: Connection, customer_ids: Sequence[int]
) -> list[tuple[object, ...]]:
    """The derived columns of these customers' contacts as they are on file."""
    return _on_file(
        connection,
        customer_ids,
        f"SELECT {', '.join(f'ct.{column}' for column in CONTACT_DERIVED)}, ct.id"
        f"{_CONTACTS_WITH_WISHES} ORDER BY ct.id",
    )


def computed_contacts(
    connection: Connection, customer_ids: Sequence[int]
) -> list[tuple[object, ...]]:
    """A contact with a wish of their own has a clock of their own (DESIGN §3): only a
    contact logged with them resets it; the id ends each row."""
    default = rhythm.default_frequency(connection)
    rows: list[tuple[object, ...]] = []
    for chunk, marks in slices(sorted(customer_ids)):
        contacts = connection.execute(
            # Their newest contact found once, its day read from it.
            "SELECT w.*, li.occurred_on AS last_on FROM (SELECT ct.id, ct.created_at, c.status,"
            " c.paused_until, c.preference_id AS theirs,"
            " (SELECT p.id FROM preferences p WHERE p.contact_id = ct.id"
            "  ORDER BY p.stated_on DESC, p.id DESC LIMIT 1) AS own,"
            " (SELECT i.id FROM interactions i WHERE i.customer_id = ct.customer_id"
            "  AND i.contact_id = ct.id ORDER BY i.occurred_at DESC, i.id DESC LIMIT 1) AS last_id"
            f"{_CONTACTS_WITH_WISHES.format(marks=marks)}) AS w"
            " LEFT JOIN interactions li ON li.id = w.last_id ORDER BY w.id",
            chunk * 2,
        ).fetchall()
        stated = preferences.by_ids(
            connection, [row[key] for row in contacts for key in ("theirs", "own") if row[key]]
        )
        for row in contacts:
            wish = preferences.overlay(stated.get(row["theirs"]), stated.get(row["own"]))
            next_due = silent_from = None
            plannable = row["status"] in PLANNABLE_STATUSES
            if row["own"] and wish and plannable and not wish.do_not_contact:
                frequency = wish.frequency or default
                added_on = _local_day(row["created_at"])
                last_on, paused_until = from_iso(row["last_on"]), from_iso(row["paused_until"])
                next_due = plan(
                    last_contact=last_on,
                    added_on=added_on,
                    frequency=frequency,
                    paused_until=paused_until,
                    weekdays=wish.weekdays,
                )
                silent_from = _silent_from(last_on or added_on, frequency, paused_until)
            own = row["own"]
            last_id = row["last_id"] if own else None
            rows.append((own, last_id, _iso(next_due), _iso(silent_from), row["id"]))
    return rows


def counted_outbound(connection: Connection, customer_id: int) -> list[tuple[int, date]]:
    """Our contacts with this customer (id, day) that count toward their maximum, newest
    first (`signals.counted_outbound`, read as the unit of work reads it)."""
    chunk, marks = [customer_id], "?"
    history = _histories(connection, chunk, marks).get(customer_id, [])
    kept = _kept(_promises(connection, chunk, marks).get(customer_id, []))
    return signals.counted_outbound(history, kept)


def _histories(
    connection: Connection, chunk: list[int], marks: str
) -> dict[int, list[signals.HistoryRow]]:
    histories: dict[int, list[signals.HistoryRow]] = defaultdict(list)
    for row in connection.execute(
        "SELECT customer_id, id, occurred_on, direction, mood, kind, amount FROM interactions"
        f" WHERE customer_id IN ({marks}) ORDER BY customer_id, occurred_at DESC, id DESC",
        chunk,
    ):
        histories[row[0]].append(tuple(row[1:]))
    return histories


def _promises(
    connection: Connection, chunk: list[int], marks: str
) -> dict[int, list[tuple[str, str, str | None]]]:
    """Promises not cancelled: the day due and, if kept, when (read as stored; a value
    another program broke is named per customer by the caller)."""
    promises: dict[int, list[tuple[str, str, str | None]]] = defaultdict(list)
    for customer_id, promised_on, due_on, done_at in connection.execute(
        "SELECT customer_id, promised_on, due_on, done_at FROM followups"
        f" WHERE status != 'cancelled' AND customer_id IN ({marks})",
        chunk,
    ):
        promises[customer_id].append((promised_on, due_on, done_at))
    return promises


def _kept(promises: list[tuple[str, str, str | None]]) -> list[signals.Promise]:
    return [
        (date.fromisoformat(made), date.fromisoformat(due), _local_day(done) if done else None)
        for made, due, done in promises
    ]


@lru_cache(maxsize=4096)
def _untouched(
    status: str,
    created_at: str,
    paused_until: str | None,
    first_due: str | None,
    preference: preferences.Preference | None,
    default: Frequency,
) -> tuple[object, ...]:
    """A customer without contacts or kept promises (a bulk import brings 100,000 of
    them): customers added alike share one plan, so it is worked out once."""
    return _derived(status, created_at, paused_until, first_due, preference, [], default, None)


def _derived(
    status: str,
    created_at: str,
    paused: str | None,
    first_due: str | None,
    preference: preferences.Preference | None,
    rows: list[signals.HistoryRow],
    default: Frequency,
    last_repair: date | None,
    promises: Sequence[signals.Promise] = (),
) -> tuple[object, ...]:
    """The DERIVED columns of one customer, in their order."""
    history = signals.from_history(rows, promises)
    risks = signals.risks(
        history,
        last_repair=last_repair,
        maximum=preference.max_frequency if preference else None,
        current=status != "former",
    )
    next_due = _next_due(
        status, created_at, paused, first_due, preference, default, history.last_on
    )
    silent_from = None
    if next_due:
        frequency = (preference and preference.frequency) or default
        since = history.last_on or _local_day(created_at)
        silent_from = _silent_from(since, frequency, from_iso(paused))
    return (
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
        _iso(risks.negative_since),
        _iso(risks.falling_since),
        _iso(risks.over_contact_until),
    )


def _next_due(
    status: str,
    created_at: str,
    paused: str | None,
    first_due: str | None,
    preference: preferences.Preference | None,
    default: Frequency,
    last_on: date | None,
) -> date | None:
    """The customer's plan: none when they are not to be contacted. Before any contact,
    the first one is due on the day planned for it (an import spreads them), else on
    the day they were added."""
    if status not in PLANNABLE_STATUSES or (preference and preference.do_not_contact):
        return None
    return plan(
        last_contact=last_on,
        added_on=_first_day(first_due) if first_due else _local_day(created_at),
        frequency=(preference and preference.frequency) or default,
        paused_until=from_iso(paused),
        weekdays=preference.weekdays if preference else (),
    )


def _silent_from(since: date, frequency: Frequency, paused_until: date | None) -> date:
    """Silent: no contact for more than twice the rhythm they want (a pause they asked
    for does not count as silence)."""
    silent_from = _after(since, frequency, 2)
    return paused_until if paused_until and paused_until > silent_from else silent_from


@lru_cache(maxsize=4096)
def _after(day: date, frequency: Frequency, periods: int) -> date:
    """`day` plus whole periods of a rhythm; many customers share days and rhythms."""
    return day + (frequency.delta if periods == 1 else frequency.twice)


@lru_cache(maxsize=1024)
def _first_day(day: str) -> date:
    """A planned first contact as stored (imports share a few hundred days)."""
    return date.fromisoformat(day)


@lru_cache(maxsize=1024)
def _local_day(instant: str) -> date:
    """The local calendar day of a stored UTC instant (imports share a few instants)."""
    return datetime.fromisoformat(instant).astimezone().date()


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
