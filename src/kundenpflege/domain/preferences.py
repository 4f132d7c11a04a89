"""What the customer said they want, with when and where they said it.

A new statement never overwrites: it is a new row that copies what was not
mentioned, so `show` can list the history and the newest row is in force.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from kundenpflege import i18n
from kundenpflege.domain import customers, journal, people, vocabulary
from kundenpflege.domain.dates import (
    Frequency,
    parse_frequency,
    parse_time_of_day,
    parse_weekdays,
    weekday_codes,
)
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.storage.connection import Connection, Row
from kundenpflege.storage.db import slices

# Typing this for an option clears what the customer said before.
CLEAR_WORDS = frozenset({"none", "-", "keine", "keiner", "default", "standard"})


@dataclass(frozen=True)
class Preference:
    stated_on: date
    source: str | None
    person: str | None
    channel: str | None
    frequency: Frequency | None
    weekdays: tuple[int, ...]
    time_of_day: str | None
    max_frequency: Frequency | None
    do_not_contact: bool
    paused_until: date | None = None  # a pause they asked for (`pause --until`)


_STATEMENT = (
    "stated_on", "source", "person", "channel", "frequency", "weekdays", "time_of_day",
    "max_frequency", "do_not_contact", "paused_until",
)  # fmt: skip


# A statement's columns in `statement`'s order, for a query that joins
# `preferences p` and `people pe` (its person).
STATEMENT_COLUMNS = (
    "p.stated_on, p.source, pe.handle, p.channel, p.frequency, p.weekdays, p.time_of_day,"
    " p.max_frequency, p.do_not_contact, p.paused_until"
)


def from_row(row: Row) -> Preference:
    """A statement from a row of `preferences` with its person's handle as `person`."""
    return statement(*(row[column] for column in _STATEMENT))


@lru_cache(maxsize=1024)
def statement(
    stated_on: str,
    source: str | None,
    person: str | None,
    channel: str | None,
    frequency: str | None,
    weekdays: str | None,
    time_of_day: str | None,
    max_frequency: str | None,
    do_not_contact: int,
    paused_until: str | None = None,
) -> Preference:
    """A stored statement read once: an import gives thousands of customers the same."""
    return Preference(
        stated_on=date.fromisoformat(stated_on),
        source=source,
        person=person,
        channel=channel,
        frequency=parse_frequency(frequency) if frequency else None,
        weekdays=parse_weekdays(weekdays) if weekdays else (),
        time_of_day=time_of_day,
        max_frequency=parse_frequency(max_frequency) if max_frequency else None,
        do_not_contact=bool(do_not_contact),
        paused_until=date.fromisoformat(paused_until) if paused_until else None,
    )


_SELECT = (
    "SELECT p.*, pe.handle AS person FROM preferences p LEFT JOIN people pe ON pe.id = p.person_id"
)


def current(
    connection: Connection, customer_id: int, contact_id: int | None = None
) -> Preference | None:
    """The wish in force now: the customer's, or one contact's over it."""
    row = connection.execute(
        f"{_SELECT} WHERE p.id = (SELECT preference_id FROM customers WHERE id = ?)",
        (customer_id,),
    ).fetchone()
    customer = from_row(row) if row else None
    if contact_id is None:
        return customer
    return overlay(customer, _newest(connection, customer_id, contact_id, date.max))


def in_force(
    connection: Connection, customer_id: int, day: date, contact_id: int | None = None
) -> Preference | None:
    """What the customer (or one contact there) had said by `day`: the newest statement
    made on or before it; a contact's own wish over the customer's (`overlay`)."""
    customer = _newest(connection, customer_id, None, day)
    if contact_id is None:
        return customer
    return overlay(customer, _newest(connection, customer_id, contact_id, day))


def _newest(
    connection: Connection, customer_id: int, contact_id: int | None, day: date
) -> Preference | None:
    row = connection.execute(
        f"{_SELECT} WHERE p.customer_id = ? AND p.contact_id IS ? AND p.stated_on <= ?"
        " ORDER BY p.stated_on DESC, p.id DESC LIMIT 1",
        (customer_id, contact_id, day.isoformat()),
    ).fetchone()
    return from_row(row) if row else None


def overlay(customer: Preference | None, own: Preference | None) -> Preference | None:
    """A contact's wish overrides the customer's for that contact: what they said
    themselves wins, the rest is the customer's; asked by either not to be contacted,
    they are not."""
    if own is None or customer is None:
        return own or customer
    return Preference(
        stated_on=own.stated_on,
        source=own.source,
        person=own.person or customer.person,
        channel=own.channel or customer.channel,
        frequency=own.frequency or customer.frequency,
        weekdays=own.weekdays or customer.weekdays,
        time_of_day=own.time_of_day or customer.time_of_day,
        max_frequency=own.max_frequency or customer.max_frequency,
        do_not_contact=own.do_not_contact or customer.do_not_contact,
        paused_until=own.paused_until or customer.paused_until,
    )


def by_ids(connection: Connection, ids: list[int]) -> dict[int, Preference]:
    """Statements by their row id (for refreshing many customers at once)."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = connection.execute(f"{_SELECT} WHERE p.id IN ({marks})", ids)
    return {row["id"]: from_row(row) for row in rows}


def history(
    connection: Connection, customer_id: int, contact_id: int | None = None
) -> list[Preference]:
    """All statements of the customer (or of one contact there), newest first."""
    rows = connection.execute(
        f"{_SELECT} WHERE p.customer_id = ? AND p.contact_id IS ?"
        " ORDER BY p.stated_on DESC, p.id DESC",
        (customer_id, contact_id),
    )
    return [from_row(row) for row in rows]


@dataclass(frozen=True)
class Wishes:
    """One statement as typed: None keeps the current value, a clear word removes it."""

    person: str | None = None
    channel: str | None = None
    every: str | None = None
    days: str | None = None
    time_of_day: str | None = None
    maximum: str | None = None
    do_not_contact: bool | None = None
    paused_until: date | None = None  # `pause --until`, kept in the history like the rest

    def stop_only(self) -> bool:
        """'Do not contact me' and nothing else: taken even from a restricted customer."""
        return self.do_not_contact is True and Wishes(do_not_contact=True) == self

    def empty(self) -> bool:
        # Asked for every imported row: plain checks, not the dataclass's tuple compare.
        return (
            self.person is None and self.channel is None and self.every is None
            and self.days is None and self.time_of_day is None and self.maximum is None
            and self.do_not_contact is None and self.paused_until is None
        )  # fmt: skip


def _cleared(text: str) -> bool:
    return text.strip().lower() in CLEAR_WORDS


def _apply_wishes(fields: dict[str, object], wishes: Wishes) -> None:
    """Parse and check everything but the person (pure; raises on bad input)."""
    if wishes.person is not None and not _cleared(wishes.person):
        people.check_handle(wishes.person, "person")
    if wishes.channel is not None:
        fields["channel"] = None if _cleared(wishes.channel) else vocabulary.channel(wishes.channel)
    if wishes.every is not None:
        fields["frequency"] = None if _cleared(wishes.every) else parse_frequency(wishes.every).code
    if wishes.days is not None:
        fields["weekdays"] = (
            None if _cleared(wishes.days) else weekday_codes(parse_weekdays(wishes.days))
        )
    if wishes.time_of_day is not None:
        fields["time_of_day"] = (
            None if _cleared(wishes.time_of_day) else parse_time_of_day(wishes.time_of_day)
        )
    if wishes.maximum is not None:
        fields["max_frequency"] = (
            None if _cleared(wishes.maximum) else parse_frequency(wishes.maximum).code
        )
    if wishes.do_not_contact is not None:
        fields["do_not_contact"] = int(wishes.do_not_contact)
    if wishes.paused_until is not None:
        fields["paused_until"] = wishes.paused_until.isoformat()
    _check_consistent(fields)


def check(wishes: Wishes) -> dict[str, object]:
    """The fields of a first statement, checked without touching the journal."""
    return dict(_checked(wishes))


@lru_cache(maxsize=1024)
def _checked(wishes: Wishes) -> tuple[tuple[str, object], ...]:
    # Imports repeat the same few wishes thousands of times; check each once.
    fields: dict[str, object] = {"do_not_contact": 0}
    _apply_wishes(fields, wishes)
    return tuple(fields.items())


def _insert(
    connection: Connection,
    statements: list[tuple[int, dict[str, object]]],
    *,
    stated_on: date,
    source: str | None,
    now: datetime,
    contact_id: int | None = None,
    first: bool = False,
) -> None:
    """Add statements; each customer's current one is what they said last (by day).
    A contact's statement (`contact_id`) leaves the customer's as it is; `first`
    statements (imports) are the only ones of customers without a pause."""
    day, recorded = stated_on.isoformat(), now.isoformat(timespec="seconds")
    connection.executemany(
        "INSERT INTO preferences (customer_id, contact_id, stated_on, recorded_at, source,"
        " person_id, channel, frequency, weekdays, time_of_day, max_frequency, do_not_contact,"
        " paused_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                customer_id,
                contact_id,
                day,
                recorded,
                source,
                fields.get("person_id"),
                fields.get("channel"),
                fields.get("frequency"),
                fields.get("weekdays"),
                fields.get("time_of_day"),
                fields.get("max_frequency"),
                fields.get("do_not_contact", 0),
                fields.get("paused_until"),
            )
            for customer_id, fields in statements
        ],
    )
    if contact_id is not None:
        return  # the contact's current statement is derived (`schedule`)
    keep_current(connection, [customer_id for customer_id, _ in statements], pauses=not first)


def keep_current(
    connection: Connection, customer_ids: Sequence[int] | None, *, pauses: bool = True
) -> None:
    """Point these customers (None: every one this connection sees, as `--as-of` does)
    at what they said last by day, and keep that statement's pause on their row;
    `pauses=False` when no statement of theirs holds one (a first statement)."""
    parts: list[tuple[str, list[int]]] = [("", [])]  # every customer, at once
    if customer_ids is not None:
        parts = [(f" WHERE id IN ({marks})", chunk) for chunk, marks in slices(customer_ids)]
    for where, chunk in parts:
        connection.execute(
            "UPDATE customers SET preference_id = (SELECT p.id FROM preferences p"
            " WHERE p.customer_id = customers.id AND p.contact_id IS NULL"
            f" ORDER BY p.stated_on DESC, p.id DESC LIMIT 1){where}",
            chunk,
        )
        if pauses:  # written only where it changed
            pause = (
                "(SELECT p.paused_until FROM preferences p WHERE p.id = customers.preference_id)"
            )
            guard = f"{' AND' if where else ' WHERE'} paused_until IS NOT {pause}"
            connection.execute(f"UPDATE customers SET paused_until = {pause}{where}{guard}", chunk)


@journal.writes
def first_statements(
    connection: Connection,
    statements: list[tuple[int, Wishes, dict[str, object]]],
    *,
    stated_on: date,
    source: str | None,
    now: datetime,
) -> None:
    """The first statement of many new customers at once (imports), with the fields
    `check` made of each."""
    person_ids: dict[str, int | None] = {}
    rows = []
    for customer_id, wishes, fields in statements:
        if wishes.person and not _cleared(wishes.person):
            if wishes.person not in person_ids:
                person_ids[wishes.person] = people.person_id(connection, wishes.person)
            fields["person_id"] = person_ids[wishes.person]
        rows.append((customer_id, fields))
    _insert(connection, rows, stated_on=stated_on, source=source, now=now, first=True)


@journal.writes
def state(
    connection: Connection,
    customer_id: int,
    wishes: Wishes,
    *,
    stated_on: date,
    source: str | None,
    now: datetime,
    only_if_changed: bool = False,
    contact_id: int | None = None,
) -> date | None:
    """Record a new statement of the customer (or of one contact there); wishes left
    out keep their value. Returns the day of a later statement that stays in force
    (this one, said earlier, counts for the days before it), else None.

    `only_if_changed` skips a statement that repeats the current one (re-imports).
    """
    if not wishes.stop_only():
        customers.still_changeable(connection, customer_id)
    if wishes.empty():
        raise KundenpflegeError(
            _(
                "nothing to record; give --person, --channel, --every, --days, --time, --max"
                " or --do-not-contact"
            )
        )
    if stated_on > now.astimezone().date():
        raise KundenpflegeError(
            _("{day} is in the future; record what the customer said when they said it").format(
                day=i18n.day(stated_on)
            )
        )
    # Left-out wishes keep what was in force when this was said (an older statement
    # typed late does not take over what they said since).
    row = connection.execute(
        "SELECT * FROM preferences WHERE customer_id = ? AND contact_id IS ? AND stated_on <= ?"
        " ORDER BY stated_on DESC, id DESC LIMIT 1",
        (customer_id, contact_id, stated_on.isoformat()),
    ).fetchone()
    fields: dict[str, object] = dict(row) if row else {"do_not_contact": 0}
    _apply_wishes(fields, wishes)
    if wishes.person is not None:
        if _cleared(wishes.person):
            fields["person_id"] = None
        else:
            fields["person_id"] = people.person_id(connection, wishes.person)
    if only_if_changed and row and all(fields.get(key) == row[key] for key in _STATED):
        return None
    _insert(
        connection,
        [(customer_id, fields)],
        stated_on=stated_on,
        source=source,
        now=now,
        contact_id=contact_id,
    )
    later = connection.execute(
        "SELECT max(stated_on) FROM preferences WHERE customer_id = ? AND contact_id IS ?"
        " AND stated_on > ?",
        (customer_id, contact_id, stated_on.isoformat()),
    ).fetchone()[0]
    return date.fromisoformat(later) if later else None


_STATED = (
    "person_id",
    "channel",
    "frequency",
    "weekdays",
    "time_of_day",
    "max_frequency",
    "do_not_contact",
    "paused_until",
)


@journal.writes
def pause(connection: Connection, customer_id: int, until: date, *, now: datetime) -> None:
    """No contact before `until` (holidays, busy season): the next due date moves. A
    statement of its own, so that `--as-of` knows which pause stood on which day."""
    state(
        connection, customer_id, Wishes(paused_until=until), stated_on=now.astimezone().date(),
        source=None, now=now,
    )  # fmt: skip


def _check_consistent(fields: dict[str, object]) -> None:
    """A wished rhythm more often than the stated maximum is a contradiction, not a plan."""
    if fields.get("frequency") and fields.get("max_frequency"):
        wished = parse_frequency(str(fields["frequency"]))
        maximum = parse_frequency(str(fields["max_frequency"]))
        if wished.approximate_days < maximum.approximate_days:
            raise KundenpflegeError(
                _(
                    "contact {rhythm} is more often than their maximum ({maximum});"
                    " adjust --every or --max"
                ).format(rhythm=wished.describe(), maximum=maximum.describe())
            )
