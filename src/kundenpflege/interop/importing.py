"""Bringing customers in from other tools: one record shape, one upsert, all or nothing.

Both the CSV and the vCard reader produce `Record`s; `apply` writes them. A
re-import finds the customer (by handle, then by e-mail, then by the handle a
name would get), never duplicates, and never replaces what was typed unless told
to (`merging`). New customers are spread over their first rhythm (`first_contacts`).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from kundenpflege.domain import contacts, customers, first_contacts, journal, people, preferences
from kundenpflege.domain.first_contacts import Rhythm
from kundenpflege.domain.key_dates import Day
from kundenpflege.domain.schedule import PLANNABLE_STATUSES as PLANNABLE
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.interop import knowledge_import, merging
from kundenpflege.interop.merging import Difference
from kundenpflege.storage import db
from kundenpflege.storage.connection import Connection, Row

# A bulk of new customers builds these customer indexes once at the end.
BULK_INDEXES = (
    "customers_value", "customers_next_due", "customers_last_interaction", "customers_skeleton",
)  # fmt: skip
# What new customers fill, with their contacts, wishes and what the file knew of them.
NEW_CUSTOMER_TABLES = ("customers", "contacts", "preferences", "facts", "key_dates")
STATUS_WORDS = {
    "active": "active",
    "aktiv": "active",
    "prospect": "prospect",
    "interessent": "prospect",
    "lead": "prospect",
    "paused": "paused",
    "pausiert": "paused",
    "former": "former",
    "ehemalig": "former",
    "inaktiv": "former",
}


@dataclass
class Record:
    """One customer (and maybe one contact there) as read from a file."""

    where: str  # "line 4" in a CSV file, "card 2" in a vCard file
    name: str
    handle: str | None = None
    company: str | None = None
    tier: str | None = None
    tags: list[str] = field(default_factory=list)
    annual_value: float | None = None
    status: str | None = None
    since: date | None = None
    contact_name: str | None = None
    contact_role: str | None = None
    email: str | None = None
    phone: str | None = None
    note: str | None = None
    person: str | None = None
    channel: str | None = None
    every: str | None = None
    days: str | None = None
    maximum: str | None = None
    # What we know (issue 16): `note` becomes a fact, these key dates (`knowledge_import`).
    birthday: Day | None = None
    anniversary: Day | None = None


@dataclass(slots=True)
class RowChange:
    """What one record of the file does, for a dry run's listing."""

    where: str
    handle: str
    name: str | None  # a new customer's name; None: the customer existed
    first_due: date | None  # a new customer's first contact (None: not planned)
    differences: list[Difference]


@dataclass
class Outcome:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "line N: reason"
    lookalikes: list[str] = field(default_factory=list)  # new names like existing ones
    kept: list[tuple[str, Difference]] = field(default_factory=list)  # (handle, conflict)
    rows: list[RowChange] = field(default_factory=list)  # a dry run's, in file order
    first_due: list[date] = field(default_factory=list)  # of the new customers planned


_THOUSANDS_COMMA = re.compile(r"\d{1,3}(,\d{3})+")
_THOUSANDS_DOT = re.compile(r"\d{1,3}(\.\d{3})+")


def parse_money(text: str) -> float:
    """'24.000', '24.000,50', '24,000.50', '1500,5 €' -> a number; German reading first."""
    if text.isdigit():
        return float(text)
    raw = re.sub(r"(?i)eur|€|\s", "", text)
    if "," in raw and "." in raw:
        decimal = "," if raw.rindex(",") > raw.rindex(".") else "."
        raw = raw.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif "," in raw:
        raw = raw.replace(",", "") if _THOUSANDS_COMMA.fullmatch(raw) else raw.replace(",", ".")
    elif _THOUSANDS_DOT.fullmatch(raw):
        raw = raw.replace(".", "")
    try:
        amount = float(raw)
    except ValueError:
        raise KundenpflegeError(_("'{text}' is not an amount of money").format(text=text)) from None
    if amount < 0:
        raise KundenpflegeError(_("amount '{text}' cannot be negative").format(text=text))
    return amount


def parse_status(text: str) -> str:
    """German and English words; anything else fails the same check as `add --status`."""
    return customers.check_status(STATUS_WORDS.get(text.strip().lower(), text))


def _find_existing(connection: Connection, record: Record) -> Row | None:
    if record.handle:
        row = connection.execute("SELECT * FROM customers WHERE handle = ?", (record.handle,))
        return row.fetchone()  # type: ignore[no-any-return]
    if record.email:
        row = connection.execute(
            "SELECT c.* FROM contacts ct JOIN customers c ON c.id = ct.customer_id"
            " WHERE ct.email = ? COLLATE NOCASE LIMIT 1",
            (record.email,),
        ).fetchone()
        if row:
            return row  # type: ignore[no-any-return]
    handle = customers.slug(record.company or record.name)
    row = connection.execute("SELECT * FROM customers WHERE handle = ?", (handle,))
    return row.fetchone()  # type: ignore[no-any-return]


def _upsert_contact(
    connection: Connection,
    customer_id: int,
    record: Record,
    now: datetime,
    new_customer: bool,
    overwrite: bool = False,
) -> list[Difference]:
    """The record's contact added, or the one found there filled in; what differs."""
    if not (record.contact_name or record.email or record.phone):
        return []
    name = record.contact_name or record.email or record.phone or ""
    existing = (
        None
        if new_customer
        else connection.execute(
            "SELECT * FROM contacts WHERE customer_id = ? AND (name = ? COLLATE NOCASE"
            " OR (email IS NOT NULL AND email = ? COLLATE NOCASE)) ORDER BY id",
            (customer_id, name, record.email),
        ).fetchone()
    )
    if existing:
        changes, differences = merging.merged(
            merging.contact_fields(existing, record), contact=existing["name"], overwrite=overwrite
        )
        if changes:
            if "email" in changes:
                contacts.check(existing["name"], str(changes["email"]))
            assignments = ", ".join(f"{column} = ?" for column in changes)
            connection.execute(
                f"UPDATE contacts SET {assignments} WHERE id = ?",
                [*changes.values(), existing["id"]],
            )
        return differences
    first = (
        new_customer
        or not connection.execute(
            "SELECT 1 FROM contacts WHERE customer_id = ?", (customer_id,)
        ).fetchone()
    )
    contacts.add(
        connection,
        customer_id,
        name=name,
        role=record.contact_role,
        email=record.email,
        phone=record.phone,
        main=first,
        now=now,
    )
    return [] if new_customer else [Difference(None, merging.CONTACT, None, name, merging.ADD)]


def _apply_one(
    connection: Connection,
    record: Record,
    *,
    now: datetime,
    today: date,
    source: str,
    overwrite: bool = False,
    spread: bool = True,
) -> RowChange:
    """Write one record: a new customer, or what the file adds to one found."""
    existing = _find_existing(connection, record)
    wishes = _wishes(record)
    if existing is None:
        handle = record.handle or _free_handle(connection, record.company or record.name)
        new = _new_customer(record, handle).checked()
        if spread:
            [new.first_due] = first_contacts.spread(
                connection, [new.handle], [_rhythm_of(record, new)], today
            )
        [customer_id] = customers.insert_many(connection, [(new, record.since or today)], now)
        _upsert_contact(connection, customer_id, record, now, new_customer=True)
        knowledge_import.keep(connection, customer_id, record, source=source, today=today, now=now)
        if not wishes.empty():
            preferences.state(connection, customer_id, wishes, stated_on=today, source=source,
                              now=now)  # fmt: skip
        first_due = (new.first_due or today) if new.status in PLANNABLE else None
        return RowChange(record.where, handle, new.name, first_due, [])
    customers.still_changeable(connection, existing["id"])  # restricted: kept only
    customer_id = existing["id"]
    changes, differences = merging.merged(
        merging.customer_fields(existing, record), contact=None, overwrite=overwrite
    )
    if changes:
        customers.edit(connection, customer_id, changes)
    tags = sorted(
        set(record.tags) - set(customers.tags_of(connection, customer_id) if record.tags else [])
    )
    if tags:
        customers.set_tags(connection, customer_id, add=tags)
        differences.append(Difference(None, merging.TAGS, None, tags, merging.ADD))
    differences += _upsert_contact(
        connection, customer_id, record, now, new_customer=False, overwrite=overwrite
    )
    differences += knowledge_import.keep(
        connection, customer_id, record, source=source, today=today, now=now, overwrite=overwrite
    )
    if not wishes.empty():
        said, told = merging.wishes_merged(
            preferences.current(connection, customer_id), wishes, overwrite=overwrite
        )
        if said is not None:
            preferences.state(connection, customer_id, said, stated_on=today, source=source,
                              now=now)  # fmt: skip
        differences += told
    return RowChange(record.where, existing["handle"], None, None, differences)


def _rhythm_of(record: Record, new: customers.NewCustomer) -> Rhythm | None:
    """What the spread plans a new customer by; None for one not to be planned."""
    return _rhythm(record.every, record.days) if new.status in PLANNABLE else None


@lru_cache(maxsize=1024)
def _rhythm(every: str | None, days: str | None) -> Rhythm:
    """The rhythm and weekdays as a statement stores them (read once per distinct one)."""
    fields = preferences.check(preferences.Wishes(every=every, days=days))
    frequency, weekdays = fields.get("frequency"), fields.get("weekdays")
    return (str(frequency) if frequency else None), (str(weekdays) if weekdays else None)


def _free_handle(connection: Connection, name: str) -> str:
    base = customers.slug(name)
    handle, number = base, 2
    while connection.execute("SELECT 1 FROM customers WHERE handle = ?", (handle,)).fetchone():
        handle, number = f"{base}-{number}", number + 1
    return handle


def _new_customer(record: Record, handle: str) -> customers.NewCustomer:
    return customers.NewCustomer(
        handle,
        record.company or record.name,
        record.company,
        record.tier,
        record.annual_value,
        record.tags,
        record.status or "active",
    )


def _wishes(record: Record) -> preferences.Wishes:
    return _stated(record.person, record.channel, record.every, record.days, record.maximum)


@lru_cache(maxsize=1024)
def _stated(
    person: str | None,
    channel: str | None,
    every: str | None,
    days: str | None,
    maximum: str | None,
) -> preferences.Wishes:
    """One Wishes per distinct statement: an import repeats a few of them 100,000 times."""
    return preferences.Wishes(
        person=person, channel=channel, every=every, days=days, maximum=maximum
    )  # fmt: skip


def _insert_new(
    connection: Connection,
    fresh: list[tuple[Record, str]],
    outcome: Outcome,
    *,
    now: datetime,
    today: date,
    source: str,
    skip_invalid: bool,
    spread: bool = True,
    listing: bool = False,
) -> None:
    """New customers in bulk: check every record first, then one insert per table."""
    checked: list[tuple[Record, customers.NewCustomer, preferences.Wishes, dict[str, object]]] = []
    people_known: set[str] = set()
    for record, handle in fresh:
        try:
            new = _new_customer(record, handle).checked()
            if record.contact_name or record.email or record.phone:
                contacts.check(
                    record.contact_name or record.email or record.phone or "", record.email
                )
            wishes = _wishes(record)
            fields = {} if wishes.empty() else preferences.check(wishes)
            if record.person and record.person not in people_known:
                people.person_id(connection, record.person)  # an unknown one fails the row
                people_known.add(record.person)
        except KundenpflegeError as error:
            if not skip_invalid:
                raise KundenpflegeError(f"{source} {record.where}: {error}") from None
            outcome.skipped.append(f"{record.where}: {error}")
            continue
        checked.append((record, new, wishes, fields))
    if spread:
        handles = [new.handle for _, new, _, _ in checked]
        rhythms = [_rhythm_of(record, new) for record, new, _, _ in checked]
        planned = first_contacts.spread(connection, handles, rhythms, today)
        for (_, new, _, _), day in zip(checked, planned, strict=True):
            new.first_due = day
    for record, new, _, _ in checked:
        first_due = (new.first_due or today) if new.status in PLANNABLE else None
        if first_due:
            outcome.first_due.append(first_due)
        if listing:
            outcome.rows.append(RowChange(record.where, new.handle, new.name, first_due, []))
    ids = customers.insert_many(
        connection, [(new, record.since or today) for record, new, _, _ in checked], now
    )
    contact_ids = contacts.insert_many(
        connection,
        [
            (
                customer_id,
                record.contact_name or record.email or record.phone or "",
                record.contact_role,
                record.email,
                record.phone,
                True,
            )
            for customer_id, (record, _, _, _) in zip(ids, checked, strict=True)
            if record.contact_name or record.email or record.phone
        ],
        now,
    )
    knowledge_import.keep_many(
        connection,
        [(number, record) for number, (record, _, _, _) in zip(ids, checked, strict=True)],
        contact_ids, source=source, today=today, now=now,
    )  # fmt: skip
    preferences.first_statements(
        connection,
        [
            (customer_id, wishes, fields)
            for customer_id, (_, _, wishes, fields) in zip(ids, checked, strict=True)
            if not wishes.empty()
        ],
        stated_on=today,
        source=source,
        now=now,
    )
    outcome.added += len(ids)


def _split(
    connection: Connection, records: list[Record]
) -> tuple[list[tuple[Record, str]], list[Record]]:
    """Records for new customers (with the handle they get), and all others.

    A record that repeats one earlier in the file (same handle, name or e-mail) is
    an update and goes with the others, after the new customers exist.
    """
    fresh: list[tuple[Record, str]] = []
    others: list[Record] = []
    seen: set[str] = set()
    existing = _existing_handles(connection, [record.handle for record in records if record.handle])
    for record in records:
        if record.handle:  # a handle is the whole identity
            keys = {record.handle}
            known = record.handle in existing
        else:
            keys = {customers.slug(record.company or record.name)}
            keys |= {record.email.lower()} if record.email else set()
            known = _find_existing(connection, record) is not None
        if known or keys & seen:
            others.append(record)
        else:
            handle = record.handle or _free_handle(connection, record.company or record.name)
            while handle in seen:
                handle = f"{handle}-{len(seen)}"
            fresh.append((record, handle))
        seen |= keys
    return fresh, others


def _existing_handles(connection: Connection, handles: list[str]) -> set[str]:
    """Which of these handles the journal has, asked in chunks rather than one by one."""
    found: set[str] = set()
    for chunk, marks in db.slices(handles):
        rows = connection.execute(f"SELECT handle FROM customers WHERE handle IN ({marks})", chunk)
        found.update(handle for (handle,) in rows)
    return found


def apply(
    connection: Connection,
    records: list[Record],
    *,
    now: datetime,
    today: date,
    source: str,
    skip_invalid: bool = False,
    dry_run: bool = False,
    overwrite: bool = False,
    due_now: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Write every record as one change; the first bad one aborts all, unless
    `skip_invalid`, which leaves it out (savepoints undo its partial writes).
    A dry run does all the work and checks, then keeps nothing, and lists what each
    record would do. `overwrite` replaces fields that hold another value; `due_now`
    makes every new customer due today instead of spreading them."""
    outcome = Outcome()
    # A big import touches every index page; a larger page cache saves re-reading them.
    connection.execute("PRAGMA cache_size = -65536")
    with journal.change(connection, keep=not dry_run):
        # Ids only grow (m007): everything added from here on has a higher one.
        first_new = connection.execute("SELECT coalesce(max(id), 0) + 1 FROM customers")
        first_new_id = int(first_new.fetchone()[0])
        fresh, others = _split(connection, records)
        # Indexes no import reads from, built once afterwards when many customers come in;
        # the new customers are recomputed before that, so their rows are written once.
        rebuilt = BULK_INDEXES if len(fresh) >= db.BULK_ROWS else ()
        with db.indexes_rebuilt(connection, rebuilt):
            _insert_new(
                connection, fresh, outcome, now=now, today=today, source=source,
                skip_invalid=skip_invalid, spread=not due_now, listing=dry_run,
            )  # fmt: skip
            if rebuilt:
                db.sizes_known(connection, NEW_CUSTOMER_TABLES)
            journal.settle(connection)
        if progress:
            progress(len(fresh))
        for record in others:
            _apply_or_skip(connection, record, outcome, now=now, today=today, source=source,
                           skip_invalid=skip_invalid, overwrite=overwrite, spread=not due_now,
                           listing=dry_run)  # fmt: skip
            if progress:
                progress(1)
        outcome.lookalikes = customers.lookalikes(connection, first_new_id)
    if dry_run:  # new customers were written first; the listing follows the file
        order = {record.where: number for number, record in enumerate(records)}
        outcome.rows.sort(key=lambda row: order[row.where])
    return outcome


def _apply_or_skip(
    connection: Connection,
    record: Record,
    outcome: Outcome,
    *,
    now: datetime,
    today: date,
    source: str,
    skip_invalid: bool,
    overwrite: bool,
    spread: bool,
    listing: bool,
) -> None:
    # Savepoints only when a bad record may be left out; otherwise it aborts all.
    if skip_invalid:
        connection.execute("SAVEPOINT record")
    try:
        row = _apply_one(connection, record, now=now, today=today, source=source,
                         overwrite=overwrite, spread=spread)  # fmt: skip
    except KundenpflegeError as error:
        if not skip_invalid:
            raise KundenpflegeError(f"{source} {record.where}: {error}") from None
        connection.execute("ROLLBACK TO record")
        connection.execute("RELEASE record")
        outcome.skipped.append(f"{record.where}: {error}")
        return
    if skip_invalid:
        connection.execute("RELEASE record")
    kept = [difference for difference in row.differences if difference.kind == merging.KEEP]
    outcome.kept += [(row.handle, difference) for difference in kept]
    if row.name is not None:
        outcome.added += 1
        if row.first_due:
            outcome.first_due.append(row.first_due)
    elif len(kept) < len(row.differences):
        outcome.updated += 1
    else:
        outcome.unchanged += 1
    if listing and (row.name is not None or row.differences):
        outcome.rows.append(row)
