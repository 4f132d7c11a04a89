"""What we know about a customer or a person there: interests, family, how we met, what
they dislike, what they need. A fact is never a contact: it resets no clock and counts
nowhere as one (no trigger marks the customer for recomputing)."""

from dataclasses import dataclass
from datetime import date, datetime

from kundenpflege.domain import customers, journal
from kundenpflege.domain.vocabulary import DEFAULT_KIND
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.limits import MAX_NOTE_BYTES, limit_clause
from kundenpflege.storage.connection import Connection, Row


@dataclass(frozen=True)
class Fact:
    id: int
    handle: str
    contact: str | None  # a person at the customer; empty for the customer itself
    text: str
    source: str | None  # how we know it ("at the trade fair", the file it came from)
    learned_on: date


def check_text(text: str) -> str:
    """A fact is text people wrote: not empty, no NUL, at most a megabyte."""
    if "\x00" in text:
        raise KundenpflegeError(_("the fact contains a NUL character; nothing was kept"))
    if len(text.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
        raise KundenpflegeError(
            _("the fact is longer than {size} MiB; nothing was kept").format(
                size=MAX_NOTE_BYTES >> 20
            )
        )
    if not text.strip():
        raise KundenpflegeError(_("the fact is empty; nothing was kept"))
    return text.strip()


def _source(source: str | None) -> str | None:
    if source is None:
        return None
    if "\x00" in source:
        raise KundenpflegeError(_("the source contains a NUL character; nothing was kept"))
    return source.strip() or None


_COLUMNS = (
    "f.id, c.handle, ct.name AS contact, f.text, f.source, f.learned_on, c.id"
    " FROM facts f JOIN customers c ON c.id = f.customer_id"
    " LEFT JOIN contacts ct ON ct.id = f.contact_id"
)


def _fact(row: Row) -> Fact:
    return Fact(row[0], row[1], row[2], row[3], row[4], date.fromisoformat(row[5]))


@journal.writes
def add(
    connection: Connection,
    customer_id: int,
    *,
    contact_id: int | None,
    text: str,
    source: str | None,
    learned_on: date,
    now: datetime,
) -> int:
    """Keep one fact about the customer (or one of their contacts); its number."""
    customers.still_changeable(connection, customer_id)
    cursor = connection.execute(
        "INSERT INTO facts (customer_id, contact_id, text, source, learned_on, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (customer_id, contact_id, check_text(text), _source(source), learned_on.isoformat(),
         now.isoformat(timespec="seconds")),
    )  # fmt: skip
    return int(cursor.lastrowid or 0)


@journal.writes
def insert_many(
    connection: Connection,
    rows: list[tuple[int, int | None, str, str | None]],
    *,
    learned_on: date,
    now: datetime,
) -> None:
    """Checked facts as (customer id, contact id, text, source), for imports."""
    recorded = now.isoformat(timespec="seconds")
    connection.executemany(
        "INSERT INTO facts (customer_id, contact_id, text, source, learned_on, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(customer_id, contact_id, text, source, learned_on.isoformat(), recorded)
         for customer_id, contact_id, text, source in rows],
    )  # fmt: skip


def known(connection: Connection, customer_id: int, contact_id: int | None, text: str) -> bool:
    """Whether the customer (or that contact) has this fact already, word for word:
    importing the same address book twice keeps it once."""
    return (
        connection.execute(
            "SELECT 1 FROM facts WHERE customer_id = ? AND contact_id IS ? AND text = ? LIMIT 1",
            (customer_id, contact_id, text.strip()),
        ).fetchone()
        is not None
    )


def find(connection: Connection, fact_id: int) -> tuple[Fact, int]:
    """A fact by its number, with its customer's id."""
    row = connection.execute(f"SELECT {_COLUMNS} WHERE f.id = ?", (fact_id,)).fetchone()
    if row is None:
        raise KundenpflegeError(
            _("no fact #{number}; see 'kundenpflege fact list'").format(number=fact_id)
        )
    return _fact(row), int(row[6])


@journal.writes
def edit(
    connection: Connection,
    fact_id: int,
    *,
    text: str | None = None,
    source: str | None = None,
) -> Fact:
    """Correct what a fact says or how we know it; what is left out stays."""
    if text is None and source is None:
        raise KundenpflegeError(_("nothing to change; give the new TEXT or --source"))
    _old, customer_id = find(connection, fact_id)
    customers.still_changeable(connection, customer_id)
    connection.execute(
        "UPDATE facts SET text = coalesce(?, text), source = CASE WHEN ? THEN ? ELSE source END"
        " WHERE id = ?",
        (None if text is None else check_text(text), source is not None, _source(source),
         fact_id),
    )  # fmt: skip
    return find(connection, fact_id)[0]


@journal.writes
def remove(connection: Connection, fact_id: int) -> Fact:
    """Forget a fact that no longer holds (undo brings it back; erasure is `gdpr forget`)."""
    old, customer_id = find(connection, fact_id)
    customers.still_changeable(connection, customer_id)
    connection.execute("DELETE FROM facts WHERE id = ?", (fact_id,))
    return old


def listed(
    connection: Connection,
    *,
    customer_id: int | None = None,
    contact_id: int | None = None,
    limit: int | None = None,
) -> tuple[list[Fact], int]:
    """Facts by customer (handle order), oldest first (read in that order from the
    indexes, so a long list stops early); never of a restricted customer. With how
    many there are in all."""
    where, parameters = " WHERE c.restricted = 0", []
    if customer_id is not None:
        where += " AND f.customer_id = ?"
        parameters.append(customer_id)
    if contact_id is not None:
        where += " AND f.contact_id = ?"
        parameters.append(contact_id)
    total = connection.execute(
        f"SELECT count(*) FROM facts f JOIN customers c ON c.id = f.customer_id{where}",
        parameters,
    ).fetchone()[0]
    cut, cut_parameters = limit_clause(limit)
    rows = connection.execute(
        f"SELECT {_COLUMNS}{where} ORDER BY c.handle, f.learned_on, f.id{cut}",
        [*parameters, *cut_parameters],
    )
    return [_fact(row) for row in rows], int(total)


def of_handles(connection: Connection, handles: list[str], limit: int) -> tuple[list[Fact], int]:
    """The facts of these customers (unrestricted ones), in the order of `listed`, at
    most `limit`; with how many there are in all."""
    if not handles:
        return [], 0
    marks = ", ".join("?" for _ in handles)
    where = f" WHERE c.handle IN ({marks}) AND c.restricted = 0"
    total = connection.execute(
        f"SELECT count(*) FROM facts f JOIN customers c ON c.id = f.customer_id{where}", handles
    ).fetchone()[0]
    rows = connection.execute(
        f"SELECT {_COLUMNS}{where} ORDER BY c.handle, f.learned_on, f.id LIMIT ?",
        [*handles, limit],
    )
    return [_fact(row) for row in rows], int(total)


def of_customer(connection: Connection, customer_ids: list[int]) -> list[Fact]:
    """Every fact of these customers, restricted or not (`show` is the person's own
    profile), in the order of `listed`."""
    if not customer_ids:
        return []
    marks = ", ".join("?" for _ in customer_ids)
    rows = connection.execute(
        f"SELECT {_COLUMNS} WHERE f.customer_id IN ({marks}) ORDER BY c.handle, f.learned_on, f.id",
        customer_ids,
    )
    return [_fact(row) for row in rows]


def move_notes(connection: Connection) -> None:
    """Once, after m019: the interactions of the old kind `note` become facts (see
    `notes_to_facts`) in one change of its own in the log, which `doctor` tells and
    `undo` reverses; nothing is printed (cron stays quiet)."""
    from kundenpflege.storage import db
    from kundenpflege.storage.migrations.knowing_people import MOVED_NOTES, NOTES_PENDING

    command = getattr(connection, "command", "change")
    try:
        if isinstance(connection, db.JournalConnection):
            connection.command = MOVED_NOTES
        with journal.change(connection):
            notes_to_facts(connection)
    finally:
        if isinstance(connection, db.JournalConnection):
            connection.command = command
    # Apart from the move: undoing the move must not bring the flag back (and the move
    # again with it). Should this fail, the next open finds no notes left to move.
    with journal.change(connection, log=False):
        connection.execute("DELETE FROM settings WHERE key = ?", (NOTES_PENDING,))


# A note that was a contact after all: no words, or a mood or an amount of its own.
# The blanks trimmed are bound: `char(9, 10, 13)` would be a type name to PostgreSQL.
_BLANKS = " \t\n\r"
_CONTACT = "(trim(coalesce(note, ''), ?) = '' OR mood IS NOT NULL OR amount IS NOT NULL)"


@journal.writes
def notes_to_facts(connection: Connection) -> None:
    """Interactions of the old kind `note` become facts of the same customer and
    contact, dated the day they were logged, and leave the timeline (their customers
    are recomputed: a note no longer counts as a contact). A note without words, or
    with a mood or an amount, was a contact logged without a kind: it stays, words,
    mood and amount and all, with the kind `log` gives one now."""
    connection.execute(
        "INSERT INTO facts (customer_id, contact_id, text, learned_on, recorded_at)"
        " SELECT customer_id, contact_id, trim(note, ?), occurred_on,"
        f" recorded_at FROM interactions WHERE kind = 'note' AND NOT {_CONTACT} ORDER BY id",
        (_BLANKS, _BLANKS),
    )
    connection.execute(
        f"UPDATE interactions SET kind = ? WHERE kind = 'note' AND {_CONTACT}",
        (DEFAULT_KIND, _BLANKS),
    )
    connection.execute("DELETE FROM interactions WHERE kind = 'note'")
