"""Customers: add, change, find by handle (or an unambiguous name), and list."""

import difflib
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from kundenpflege.dates import from_iso
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.people import check_handle

STATUSES = ("active", "prospect", "paused", "former")


@dataclass(frozen=True)
class CustomerRow:
    """One line of `list`."""

    handle: str
    name: str
    company: str | None
    tier: str | None
    tags: list[str]
    annual_value: float | None
    status: str
    last_contact: date | None
    next_due: date | None


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


def check_value(value: float | None) -> float | None:
    if value is not None and value < 0:
        raise KundenpflegeError(
            _("annual value {value} cannot be negative").format(value=f"{value:g}")
        )
    return value


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags are compared case-insensitively; commas separate several in one option."""
    cleaned = {part.strip().lower() for tag in tags for part in tag.split(",")}
    return sorted(tag for tag in cleaned if tag)


@dataclass(frozen=True)
class NewCustomer:
    handle: str
    name: str
    company: str | None = None
    tier: str | None = None
    annual_value: float | None = None
    tags: list[str] = field(default_factory=list)
    status: str = "active"

    def checked(self) -> "NewCustomer":
        check_handle(self.handle, "customer")
        if not self.name.strip():
            raise KundenpflegeError(_("a customer needs a name; give --name"))
        check_value(self.annual_value)
        check_status(self.status)
        return self


def insert_many(
    connection: sqlite3.Connection,
    new: list[tuple[NewCustomer, date]],
    now: datetime,
    derived: tuple[Sequence[str], list[tuple[object, ...]]] = ((), []),
) -> list[int]:
    """Insert checked customers (with their 'customer since' day); returns their ids.

    `derived` optionally gives more columns and one row of values per customer.
    """
    created = now.isoformat(timespec="seconds")
    columns, values = derived
    names = "".join(f", {column}" for column in columns)
    marks = ", ?" * len(columns)
    try:
        connection.executemany(
            "INSERT INTO customers (handle, name, company, tier, annual_value, status,"
            f" customer_since, created_at{names}) VALUES (?, ?, ?, ?, ?, ?, ?, ?{marks})",
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
                    *(values[index] if columns else ()),
                )
                for index, (item, since) in enumerate(new)
            ],
        )
    except sqlite3.IntegrityError:  # the UNIQUE handle; cheaper than asking first
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
    for start in range(0, len(handles), 500):
        chunk = handles[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        ids.update(
            connection.execute(f"SELECT handle, id FROM customers WHERE handle IN ({marks})", chunk)
        )
    connection.executemany(
        "INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?, ?)",
        [(ids[item.handle], tag) for item, _ in new for tag in clean_tags(item.tags)],
    )
    return [ids[handle] for handle in handles]


def add(
    connection: sqlite3.Connection,
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


def set_tags(
    connection: sqlite3.Connection,
    customer_id: int,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> None:
    connection.executemany(
        "INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?, ?)",
        [(customer_id, tag) for tag in clean_tags(add)],
    )
    if remove:
        connection.executemany(
            "DELETE FROM customer_tags WHERE customer_id = ? AND tag = ?",
            [(customer_id, tag) for tag in clean_tags(remove)],
        )


EDITABLE = ("name", "company", "tier", "annual_value", "status", "customer_since")


def edit(connection: sqlite3.Connection, customer_id: int, changes: dict[str, object]) -> None:
    """Change the given fields only; unknown keys are a programming error."""
    if "status" in changes:
        check_status(str(changes["status"]))
    if "annual_value" in changes:
        check_value(changes["annual_value"])  # type: ignore[arg-type]
    if "name" in changes and not str(changes["name"]).strip():
        raise KundenpflegeError(_("the name cannot be empty"))
    assignments = ", ".join(f"{field} = ?" for field in changes if field in EDITABLE)
    if assignments:
        connection.execute(
            f"UPDATE customers SET {assignments} WHERE id = ?",
            [*(changes[field] for field in changes if field in EDITABLE), customer_id],
        )


def find(connection: sqlite3.Connection, identifier: str) -> sqlite3.Row:
    """A customer by handle, or by an exact and unambiguous name; else suggest close ones."""
    row = connection.execute("SELECT * FROM customers WHERE handle = ?", (identifier,)).fetchone()
    if row:
        return row  # type: ignore[no-any-return]
    by_name = connection.execute(
        "SELECT * FROM customers WHERE name = ? COLLATE NOCASE OR company = ? COLLATE NOCASE"
        " LIMIT 6",
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
    handles = [handle for (handle,) in connection.execute("SELECT handle FROM customers")]
    close = difflib.get_close_matches(identifier.lower(), handles, n=3, cutoff=0.6)
    hint = (
        _("did you mean {handles}?").format(handles=", ".join(close))
        if close
        else _("see 'kundenpflege list'")
    )
    raise KundenpflegeError(
        _("customer '{identifier}' not found; {hint}").format(identifier=identifier, hint=hint)
    )


def find_changeable(connection: sqlite3.Connection, identifier: str) -> sqlite3.Row:
    """A customer whose data may be processed: restricted ones (GDPR Art. 18) are only kept."""
    customer = find(connection, identifier)
    if customer["restricted"]:
        handle = customer["handle"]
        raise KundenpflegeError(
            _(
                "{handle} is restricted (GDPR): its data is only kept; lift it first with"
                " 'kundenpflege gdpr restrict {handle} --lift'"
            ).format(handle=handle)
        )
    return customer


def tags_of(connection: sqlite3.Connection, customer_id: int) -> list[str]:
    rows = connection.execute(
        "SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag", (customer_id,)
    )
    return [tag for (tag,) in rows]


def filter_clause(tag: str | None, tier: str | None, alias: str = "c") -> tuple[str, list[object]]:
    """SQL conditions shared by every report: tag, tier, and never restricted customers."""
    # GDPR restriction of processing: the data stays, but no report or export uses it.
    conditions: list[str] = [f"{alias}.restricted = 0"]
    parameters: list[object] = []
    if tag:
        conditions.append(
            f"EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = {alias}.id AND t.tag = ?)"
        )
        parameters.append(tag.strip().lower())
    if tier:
        conditions.append(f"{alias}.tier = ? COLLATE NOCASE")
        parameters.append(tier)
    return "".join(f" AND {condition}" for condition in conditions), parameters


def selection_parts(
    tag: str | None, tier: str | None, person: str | None, *, former: bool = False
) -> tuple[str, str, list[object]]:
    """Joins, conditions and parameters that pick customers by tag, tier and our person."""
    where, parameters = filter_clause(tag, tier)
    joins = ""
    if person:
        joins = (" LEFT JOIN preferences p ON p.id = c.preference_id"
                 " LEFT JOIN people pe ON pe.id = p.person_id")  # fmt: skip
        where += " AND pe.handle = ?"
        parameters.append(person)
    status = "1" if former else "c.status != 'former'"
    return joins, f"{status}{where}", parameters


def selection(
    tag: str | None, tier: str | None, person: str | None, *, former: bool = False
) -> tuple[str, list[object]]:
    """`FROM customers c ... WHERE ...` for reports filtered by tag, tier and our person."""
    joins, conditions, parameters = selection_parts(tag, tier, person, former=former)
    return f" FROM customers c{joins} WHERE {conditions}", parameters


def list_customers(
    connection: sqlite3.Connection,
    *,
    tag: str | None = None,
    tier: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> tuple[list[CustomerRow], int]:
    """Customers by handle, and how many match in all (for the "N more" line)."""
    where, parameters = filter_clause(tag, tier)
    if status:
        where += " AND c.status = ?"
        parameters.append(check_status(status))
    total = connection.execute(
        f"SELECT count(*) FROM customers c WHERE 1{where}", parameters
    ).fetchone()[0]
    rows = connection.execute(
        "SELECT c.*, (SELECT group_concat(tag, ',') FROM customer_tags t"
        " WHERE t.customer_id = c.id) AS tag_list"
        f" FROM customers c WHERE 1{where} ORDER BY c.handle LIMIT ?",
        [*parameters, -1 if limit is None else limit],
    )
    return [
        CustomerRow(
            handle=row["handle"],
            name=row["name"],
            company=row["company"],
            tier=row["tier"],
            tags=sorted(row["tag_list"].split(",")) if row["tag_list"] else [],
            annual_value=row["annual_value"],
            status=row["status"],
            last_contact=from_iso(row["last_interaction_on"]),
            next_due=from_iso(row["next_due"]),
        )
        for row in rows
    ], int(total)
