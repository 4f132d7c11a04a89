"""What an imported address book or spreadsheet knows about a person beyond how to
reach them (issue 16): a note (vCard NOTE, CSV Notiz/Notes) becomes a fact, a
birthday or anniversary (vCard BDAY/ANNIVERSARY, CSV Geburtstag/Birthday) a key date,
of the record's contact, or of the customer when the record has none.

A re-import adds a fact only when it is new word for word, and a birthday only where
none is kept; one that differs is kept as it is (a conflict), unless `--overwrite`.
"""

from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING

from kundenpflege.domain import facts, key_dates
from kundenpflege.i18n import N_
from kundenpflege.interop.merging import ADD, FILL, KEEP, REPLACE, Difference
from kundenpflege.storage.connection import Connection

if TYPE_CHECKING:
    from kundenpflege.interop.importing import Record

FACT = N_("fact")


def has_contact(record: "Record") -> bool:
    return bool(record.contact_name or record.email or record.phone)


def _dates(record: "Record") -> list[tuple[str, key_dates.Day]]:
    return [
        (kind, day)
        for kind, day in (("birthday", record.birthday), ("anniversary", record.anniversary))
        if day is not None
    ]


def _text(record: "Record") -> str | None:
    return record.note.strip() if record.note and record.note.strip() else None


def keep_many(
    connection: Connection,
    records: list[tuple[int, "Record"]],
    contact_ids: list[int],
    *,
    source: str,
    today: date,
    now: datetime,
) -> None:
    """For new customers in bulk: (customer id, record), and the ids of the contacts
    made for the records that have one, in the same order."""
    contacts: Iterator[int] = iter(contact_ids)
    notes: list[tuple[int, int | None, str, str | None]] = []
    dates: list[tuple[int, int | None, str, key_dates.Day, str | None]] = []
    for customer_id, record in records:
        contact_id = next(contacts) if has_contact(record) else None
        text = _text(record)
        if text:
            notes.append((customer_id, contact_id, facts.check_text(text), source))
        dates += [(customer_id, contact_id, kind, day, source) for kind, day in _dates(record)]
    if notes:
        facts.insert_many(connection, notes, learned_on=today, now=now)
    if dates:
        key_dates.insert_many(connection, dates, now)


def keep(
    connection: Connection,
    customer_id: int,
    record: "Record",
    *,
    source: str,
    today: date,
    now: datetime,
    overwrite: bool = False,
) -> list[Difference]:
    """For one record, of a new customer or one found: what it adds or would change."""
    contact = _contact(connection, customer_id, record) if has_contact(record) else None
    contact_id, name = contact if contact else (None, None)
    differences: list[Difference] = []
    text = _text(record)
    if text and not facts.known(connection, customer_id, contact_id, text):
        facts.insert_many(
            connection, [(customer_id, contact_id, facts.check_text(text), source)],
            learned_on=today, now=now,
        )  # fmt: skip
        differences.append(Difference(name, FACT, None, text, ADD))
    for kind, day in _dates(record):
        kept = connection.execute(
            "SELECT id, year, month_day FROM key_dates WHERE customer_id = ? AND contact_id IS ?"
            " AND kind = ? AND what IS NULL ORDER BY id LIMIT 1",
            (customer_id, contact_id, kind),
        ).fetchone()
        if kept is None:
            key_dates.insert_many(connection, [(customer_id, contact_id, kind, day, source)], now)
            differences.append(Difference(name, kind, None, day.iso(), FILL))
            continue
        old = key_dates.Day(kept[1], int(kept[2][:2]), int(kept[2][3:]))
        if old == day:
            continue
        if not overwrite:
            differences.append(Difference(name, kind, old.iso(), day.iso(), KEEP))
            continue
        connection.execute(
            "UPDATE key_dates SET year = ?, month_day = ? WHERE id = ?",
            (day.year, day.month_day, kept[0]),
        )
        differences.append(Difference(name, kind, old.iso(), day.iso(), REPLACE))
    return differences


def _contact(connection: Connection, customer_id: int, record: "Record") -> tuple[int, str] | None:
    """The contact the record names at the customer (as the import found or made it)."""
    name = record.contact_name or record.email or record.phone or ""
    row = connection.execute(
        "SELECT id, name FROM contacts WHERE customer_id = ? AND (name = ? COLLATE NOCASE"
        " OR (email IS NOT NULL AND email = ? COLLATE NOCASE)) ORDER BY id LIMIT 1",
        (customer_id, name, record.email),
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))
