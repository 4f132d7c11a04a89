"""Correcting what was logged: a mistyped entry is edited or deleted, and every report
looks as if the mistake never happened (the unit of work recomputes the customer
in the same transaction; the daily tally follows by trigger)."""

from datetime import datetime

from kundenpflege.domain import customers, journal, people, vocabulary
from kundenpflege.domain.interactions import check_note, occurred
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.storage.connection import Connection, Row

CLEAR = "none"  # --contact none: the entry was with nobody in particular


def entry(connection: Connection, interaction_id: int) -> Row:
    """A logged entry of a customer whose data may be processed."""
    row = connection.execute(
        "SELECT i.*, c.handle FROM interactions i JOIN customers c ON c.id = i.customer_id"
        " WHERE i.id = ?",
        (interaction_id,),
    ).fetchone()
    if row is None:
        raise KundenpflegeError(
            _("interaction #{number} not found; see 'kundenpflege interaction list'").format(
                number=interaction_id
            )
        )
    customers.still_changeable(connection, row["customer_id"])
    return row  # type: ignore[no-any-return]


@journal.writes
def edit_interaction(
    connection: Connection,
    interaction_id: int,
    *,
    now: datetime,
    at: datetime | None = None,
    channel: str | None = None,
    kind: str | None = None,
    direction: str | None = None,
    person: str | None = None,
    contact: str | None = None,
    mood: int | None = None,
    note: str | None = None,
    amount: float | None = None,
) -> None:
    """Change the given fields of one entry."""
    row = entry(connection, interaction_id)
    changes: dict[str, object] = {}
    if at is not None:
        changes["occurred_at"], changes["occurred_on"] = occurred(at, now)
    if channel is not None:
        changes["channel"] = vocabulary.channel(channel)
    if kind is not None:
        changes["kind"] = vocabulary.kind(kind)
    if direction is not None:
        changes["direction"] = vocabulary.direction(direction)
    if person is not None:
        changes["person_id"] = people.person_id(connection, person)
    if contact is not None:
        from kundenpflege.domain import contacts

        changes["contact_id"] = (
            None if contact == CLEAR else contacts.find(connection, row["customer_id"], contact).id
        )
    if mood is not None:
        changes["mood"] = vocabulary.mood(mood)
    if note is not None:
        changes["note"] = check_note(note).strip() or None
    if amount is not None:
        changes["amount"] = customers.check_money(amount, _("amount"))
    if not changes:
        raise KundenpflegeError(_("nothing to change; see 'kundenpflege interaction edit --help'"))
    assignments = ", ".join(f"{column} = ?" for column in changes)
    connection.execute(
        f"UPDATE interactions SET {assignments} WHERE id = ?", [*changes.values(), interaction_id]
    )


@journal.writes
def delete_interaction(connection: Connection, interaction_id: int) -> Row:
    """Remove one entry as if it was never logged; returns it, for the confirmation.
    A follow-up promised in it stays (its link is cleared)."""
    row = entry(connection, interaction_id)
    connection.execute("DELETE FROM interactions WHERE id = ?", (interaction_id,))
    return row
