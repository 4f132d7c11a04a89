"""Explicit promises ("send the quote by Friday"): due on their own date."""

from dataclasses import dataclass
from datetime import date, datetime

from kundenpflege import i18n
from kundenpflege.domain import customers, journal, people
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.storage.connection import Connection, Row


@dataclass(frozen=True)
class Followup:
    id: int
    handle: str
    name: str
    what: str
    promised_on: date
    due_on: date
    person: str | None
    status: str


@journal.writes
def add(
    connection: Connection,
    customer_id: int,
    *,
    what: str,
    promised_on: date,
    due_on: date,
    person_id: int | None,
    now: datetime,
    interaction_id: int | None = None,
    flexible: bool = False,
    contact_id: int | None = None,
) -> tuple[int, date]:
    """A promise made on `promised_on` (the day of the conversation) to be kept by
    `due_on`; both are kept, as a back-dated entry's promise was not made today.
    A `flexible` day ("+2d", not a named date) moves to the next day that suits the
    wish then in force (of the `contact_id` it was made to, else of the customer:
    their weekdays, else our working days). Returns the promise's number and the
    day it is due."""
    if not what.strip():
        raise KundenpflegeError(_("say what was promised, e.g. 'send the quote'"))
    if flexible:
        due_on = _suited(connection, customer_id, contact_id, promised_on, due_on)
    cursor = connection.execute(
        "INSERT INTO followups (customer_id, interaction_id, what, person_id, promised_on,"
        " due_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (customer_id, interaction_id, what.strip(), person_id, promised_on.isoformat(),
         due_on.isoformat(), now.isoformat(timespec="seconds")),
    )  # fmt: skip
    return int(cursor.lastrowid or 0), due_on


def _suited(
    connection: Connection,
    customer_id: int,
    contact_id: int | None,
    promised_on: date,
    day: date,
) -> date:
    from kundenpflege.domain import preferences, workdays

    wish = preferences.in_force(connection, customer_id, promised_on, contact_id)
    calendar = workdays.calendar(connection, day, day)
    return workdays.suggest(day, wish.weekdays if wish else (), calendar).day


def person_id_for(connection: Connection, person: str | None) -> int | None:
    return people.person_id(connection, person) if person else None


def _open_row(connection: Connection, followup_id: int) -> Row:
    """An open promise of a customer whose data may be processed."""
    row = connection.execute(
        "SELECT id, status, customer_id FROM followups WHERE id = ?", (followup_id,)
    ).fetchone()
    if row is None:
        raise KundenpflegeError(
            _("follow-up #{number} not found; see 'kundenpflege followup list'").format(
                number=followup_id
            )
        )
    if row["status"] == "done":
        raise KundenpflegeError(_("follow-up #{number} is already done").format(number=followup_id))
    if row["status"] == "cancelled":
        raise KundenpflegeError(
            _("follow-up #{number} is cancelled").format(number=followup_id)
        )  # fmt: skip
    customers.still_changeable(connection, row["customer_id"])
    return row  # type: ignore[no-any-return]


@journal.writes
def done(connection: Connection, followup_id: int, now: datetime) -> None:
    """A kept promise can repair a bad last impression (the unit of work recomputes it)."""
    _open_row(connection, followup_id)
    connection.execute(
        "UPDATE followups SET status = 'done', done_at = ? WHERE id = ?",
        (now.isoformat(timespec="seconds"), followup_id),
    )


@journal.writes
def snooze(connection: Connection, followup_id: int, until: date, today: date) -> None:
    """Move the date, keeping the original promise date for the record."""
    _open_row(connection, followup_id)
    if until <= today:
        raise KundenpflegeError(
            _("snooze until a day after today, not {day}").format(day=i18n.day(until))
        )
    connection.execute(
        "UPDATE followups SET due_on = ? WHERE id = ?", (until.isoformat(), followup_id)
    )


@journal.writes
def cancel(connection: Connection, followup_id: int) -> None:
    """A promise that no longer stands: out of `due`, kept for the record."""
    _open_row(connection, followup_id)
    connection.execute("UPDATE followups SET status = 'cancelled' WHERE id = ?", (followup_id,))


@journal.writes
def edit(
    connection: Connection,
    followup_id: int,
    *,
    due_on: date | None = None,
    what: str | None = None,
) -> None:
    """Correct what was promised or the day it is due (the day it was promised stays)."""
    _open_row(connection, followup_id)
    if due_on is None and what is None:
        raise KundenpflegeError(_("nothing to change; give --due or --text"))
    if what is not None and not what.strip():
        raise KundenpflegeError(_("say what was promised, e.g. 'send the quote'"))
    connection.execute(
        "UPDATE followups SET due_on = coalesce(?, due_on), what = coalesce(?, what) WHERE id = ?",
        (due_on.isoformat() if due_on else None, what.strip() if what else None, followup_id),
    )


def open_followups(
    connection: Connection,
    customer_id: int | None = None,
    *,
    include_restricted: bool = False,
) -> list[Followup]:
    """Open promises by due date, for one customer or all; restricted customers'
    only for their own profile."""
    where, parameters = ("AND f.customer_id = ?", [customer_id]) if customer_id else ("", [])
    if not include_restricted:
        where += " AND c.restricted = 0"
    rows = connection.execute(
        "SELECT f.*, c.handle, c.name, pe.handle AS person FROM followups f"
        " JOIN customers c ON c.id = f.customer_id"
        " LEFT JOIN people pe ON pe.id = f.person_id"
        f" WHERE f.status = 'open' {where} ORDER BY f.due_on, f.id",
        parameters,
    )
    return [
        Followup(
            id=row["id"],
            handle=row["handle"],
            name=row["name"],
            what=row["what"],
            promised_on=date.fromisoformat(row["promised_on"]),
            due_on=date.fromisoformat(row["due_on"]),
            person=row["person"],
            status=row["status"],
        )
        for row in rows
    ]
