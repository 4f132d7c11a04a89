"""Customers: add, change, find by handle (or an unambiguous name), and list."""

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from kundenpflege.domain import journal
from kundenpflege.domain.people import check_handle
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.limits import MAX_EUR
from kundenpflege.storage.connection import Connection, IntegrityError, Row
from kundenpflege.storage.db import slices

STATUSES = ("active", "prospect", "paused", "former")


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slug(name: str) -> str:
    """A handle suggestion from a name: 'Müller Bau GmbH' -> 'mueller-bau-gmbh'."""
    import unicodedata  # only imports and the demo make handles from names

    decomposed = unicodedata.normalize("NFKD", name.lower().translate(_UMLAUTS))
    ascii_name = decomposed.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:63] or "kunde"


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise KundenpflegeError(
            _("unknown status '{status}'; use one of {known}").format(
                status=status, known=", ".join(STATUSES)
            )
        )
    return status


def check_money(amount: float, what: str) -> float:
    """An amount in EUR: finite, not negative, at most a billion."""
    if not math.isfinite(amount) or abs(amount) > MAX_EUR:
        raise KundenpflegeError(
            _("{what} {amount} is not an amount of money up to 1,000,000,000 EUR").format(
                what=what, amount=f"{amount:g}"
            )
        )
    if amount < 0:
        raise KundenpflegeError(
            _("{what} {amount} cannot be negative").format(what=what, amount=f"{amount:g}")
        )
    return amount


def check_value(value: float | None) -> float | None:
    return None if value is None else check_money(value, _("annual value"))


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags are compared case-insensitively; commas separate several in one option."""
    cleaned = {part.strip().lower() for tag in tags for part in tag.split(",")}
    return sorted(tag for tag in cleaned if tag)


@dataclass(slots=True)  # not frozen: an import makes 100,000 of them (2x faster)
class NewCustomer:
    handle: str
    name: str
    company: str | None = None
    tier: str | None = None
    annual_value: float | None = None
    tags: list[str] = field(default_factory=list)
    status: str = "active"
    first_due: date | None = None  # the first contact planned by an import; else the day added

    def checked(self) -> "NewCustomer":
        check_handle(self.handle, "customer")
        if not self.name.strip():
            raise KundenpflegeError(_("a customer needs a name; give --name"))
        check_value(self.annual_value)
        check_status(self.status)
        return self


@journal.writes
def insert_many(
    connection: Connection,
    new: list[tuple[NewCustomer, date]],
    now: datetime,
) -> list[int]:
    """Insert checked customers (with their 'customer since' day); returns their ids."""
    from kundenpflege.domain.lookalikes import skeleton  # only where names come in

    created = now.isoformat(timespec="seconds")
    try:
        connection.executemany(
            "INSERT INTO customers (handle, name, company, tier, annual_value, status,"
            " customer_since, created_at, name_skeleton, first_due)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    item.handle,
                    item.name.strip(),
                    item.company,
                    item.tier,
                    item.annual_value,
                    item.status,
                    since.isoformat(),
                    created,
                    skeleton(item.name.strip()),
                    item.first_due.isoformat() if item.first_due else None,
                )
                for item, since in new
            ],
        )
    except IntegrityError:  # the UNIQUE handle; cheaper than asking first
        taken = next(
            item.handle
            for item, _ in new
            if connection.execute(
                "SELECT 1 FROM customers WHERE handle = ?", (item.handle,)
            ).fetchone()
        )
        raise KundenpflegeError(
            _(
                "customer '{handle}' exists already; change it with 'kundenpflege edit {handle}'"
            ).format(handle=taken)
        ) from None
    ids: dict[str, int] = {}
    handles = [item.handle for item, _ in new]
    for chunk, marks in slices(handles):
        ids.update(
            connection.execute(f"SELECT handle, id FROM customers WHERE handle IN ({marks})", chunk)
        )
    connection.executemany(
        "INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(ids[item.handle], tag) for item, _ in new for tag in clean_tags(item.tags)],
    )
    return [ids[handle] for handle in handles]


@journal.writes
def add(
    connection: Connection,
    *,
    handle: str,
    name: str,
    company: str | None = None,
    tier: str | None = None,
    annual_value: float | None = None,
    tags: list[str] | None = None,
    status: str = "active",
    since: date,
    now: datetime,
) -> int:
    new = NewCustomer(handle, name, company, tier, annual_value, tags or [], status).checked()
    return insert_many(connection, [(new, since)], now)[0]


@journal.writes
def set_tags(
    connection: Connection,
    customer_id: int,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> None:
    connection.executemany(
        "INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(customer_id, tag) for tag in clean_tags(add)],
    )
    if remove:
        connection.executemany(
            "DELETE FROM customer_tags WHERE customer_id = ? AND tag = ?",
            [(customer_id, tag) for tag in clean_tags(remove)],
        )


EDITABLE = (
    "name", "company", "tier", "annual_value", "status", "customer_since", "name_skeleton",
)  # fmt: skip


@journal.writes
def edit(connection: Connection, customer_id: int, changes: dict[str, object]) -> None:
    """Change the given fields only; unknown keys are a programming error."""
    if "status" in changes:
        check_status(str(changes["status"]))
    if "annual_value" in changes:
        check_value(changes["annual_value"])  # type: ignore[arg-type]
    if "name" in changes and not str(changes["name"]).strip():
        raise KundenpflegeError(_("the name cannot be empty"))
    if "name" in changes:
        from kundenpflege.domain.lookalikes import skeleton

        changes = {**changes, "name_skeleton": skeleton(str(changes["name"]))}
    assignments = ", ".join(f"{field} = ?" for field in changes if field in EDITABLE)
    if assignments:
        connection.execute(
            f"UPDATE customers SET {assignments} WHERE id = ?",
            [*(changes[field] for field in changes if field in EDITABLE), customer_id],
        )


def fill_skeletons(connection: Connection) -> None:
    """Skeletons for customers added before they were kept (m009): part of opening an
    older journal, not a change anyone could want to undo."""
    from kundenpflege.domain.lookalikes import skeleton

    with journal.change(connection, log=False):
        rows = connection.execute("SELECT id, name FROM customers WHERE name_skeleton IS NULL")
        connection.executemany(
            "UPDATE customers SET name_skeleton = ? WHERE id = ?",
            [(skeleton(name), customer_id) for customer_id, name in rows.fetchall()],
        )
        connection.execute("DELETE FROM settings WHERE key = 'skeletons_pending'")


def lookalikes(connection: Connection, first_id: int) -> list[str]:
    """Warnings for customers from `first_id` on whose name only looks like another's."""
    rows = connection.execute(
        "SELECT new.handle, new.name, old.handle, old.name FROM customers new"
        " JOIN customers old ON old.name_skeleton = new.name_skeleton AND old.id != new.id"
        " AND old.name != new.name AND old.id < new.id WHERE new.id >= ? ORDER BY new.id, old.id",
        (first_id,),
    )
    return [
        _("Warning: the name of {handle} ('{name}') looks like that of {other} ('{other_name}');"
          " is it the same customer?").format(
            handle=handle, name=name, other=other, other_name=other_name)
        for handle, name, other, other_name in rows
    ]  # fmt: skip


def find(connection: Connection, identifier: str) -> Row:
    """A customer by handle, or by an exact and unambiguous name; else suggest close ones."""
    row = connection.execute("SELECT * FROM customers WHERE handle = ?", (identifier,)).fetchone()
    if row:
        return row  # type: ignore[no-any-return]
    by_name = connection.execute(
        "SELECT * FROM customers WHERE name = ? COLLATE NOCASE OR company = ? COLLATE NOCASE"
        " ORDER BY id LIMIT 6",
        (identifier, identifier),
    ).fetchall()
    if len(by_name) == 1:
        return by_name[0]  # type: ignore[no-any-return]
    if by_name:
        candidates = ", ".join(candidate["handle"] for candidate in by_name)
        raise KundenpflegeError(
            _("'{identifier}' matches several customers: {candidates}").format(
                identifier=identifier, candidates=candidates
            )
        )
    import difflib  # only a name that is not found needs it

    # A restricted customer is never suggested: a typo must not reveal them.
    handles = [
        handle
        for (handle,) in connection.execute("SELECT handle FROM customers WHERE restricted = 0")
    ]
    close = difflib.get_close_matches(identifier.lower(), handles, n=3, cutoff=0.6)
    hint = (
        _("did you mean {handles}?").format(handles=", ".join(close))
        if close
        else _("see 'kundenpflege list'")
    )
    raise CustomerNotFound(
        _("customer '{identifier}' not found; {hint}").format(identifier=identifier, hint=hint)
    )


class CustomerNotFound(KundenpflegeError):
    """No customer has this handle or name (several would be another error)."""


def find_changeable(connection: Connection, identifier: str) -> Row:
    """A customer whose data may be processed: restricted ones (GDPR Art. 18) are only kept."""
    customer = find(connection, identifier)
    _refuse_restricted(customer)
    return customer


def _refuse_restricted(customer: Row) -> None:
    if customer["restricted"]:
        handle = customer["handle"]
        raise KundenpflegeError(
            _(
                "{handle} is restricted (GDPR): its data is only kept; lift it first with"
                " 'kundenpflege gdpr restrict {handle} --lift'"
            ).format(handle=handle)
        )


class CustomerGone(KundenpflegeError):
    """The customer was erased between finding them and writing (ids are never reused,
    so nothing lands on someone else)."""


def still_changeable(connection: Connection, customer_id: int) -> None:
    """Inside a change: the customer found before is still there and may be processed."""
    customer = connection.execute(
        "SELECT handle, restricted FROM customers WHERE id = ?", (customer_id,)
    ).fetchone()
    if customer is None:
        raise CustomerGone(_("the customer was removed meanwhile; nothing was logged"))
    _refuse_restricted(customer)


def tags_of(connection: Connection, customer_id: int) -> list[str]:
    rows = connection.execute(
        "SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag", (customer_id,)
    )
    return [tag for (tag,) in rows]
