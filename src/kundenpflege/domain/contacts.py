"""People at the customer's side: who we talk to there."""

from dataclasses import dataclass
from datetime import datetime

from kundenpflege.domain import journal
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.storage.connection import Connection


@dataclass(frozen=True)
class Contact:
    id: int
    name: str
    role: str | None
    email: str | None
    phone: str | None
    is_main: bool


def check(name: str, email: str | None) -> None:
    if not name.strip():
        raise KundenpflegeError(_("a contact needs a name"))
    if email is not None and "@" not in email:
        raise KundenpflegeError(
            _("'{email}' does not look like an e-mail address").format(email=email)
        )


@journal.writes
def insert_many(
    connection: Connection,
    rows: list[tuple[int, str, str | None, str | None, str | None, bool]],
    now: datetime,
) -> list[int]:
    """Checked contacts as (customer id, name, role, e-mail, phone, main); their ids,
    in order (ids only grow, m007: one insert numbers them one after another)."""
    created = now.isoformat(timespec="seconds")
    connection.executemany(
        "INSERT INTO contacts (customer_id, name, role, email, phone, is_main, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (customer_id, name.strip(), role, email, phone, int(main), created)
            for customer_id, name, role, email, phone, main in rows
        ],
    )
    last = int(connection.execute("SELECT coalesce(max(id), 0) FROM contacts").fetchone()[0])
    return list(range(last - len(rows) + 1, last + 1))


@journal.writes
def add(
    connection: Connection,
    customer_id: int,
    *,
    name: str,
    role: str | None,
    email: str | None,
    phone: str | None,
    main: bool,
    now: datetime,
) -> int:
    """A person at the customer; their id."""
    check(name, email)
    if main:
        # Only one main contact per customer: the new one takes over.
        connection.execute("UPDATE contacts SET is_main = 0 WHERE customer_id = ?", (customer_id,))
    [contact_id] = insert_many(connection, [(customer_id, name, role, email, phone, main)], now)
    return contact_id


@journal.writes
def edit(
    connection: Connection,
    customer_id: int,
    contact_id: int,
    *,
    name: str | None = None,
    role: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    main: bool = False,
) -> None:
    """Correct a contact; what is left out stays. `main` makes them the main contact."""
    from kundenpflege.domain import customers

    customers.still_changeable(connection, customer_id)
    if name is None and role is None and email is None and phone is None and not main:
        raise KundenpflegeError(
            _("nothing to change; give --name, --role, --email, --phone or --main")
        )
    current = connection.execute("SELECT name, email FROM contacts WHERE id = ?", (contact_id,))
    old_name, old_email = current.fetchone()
    check(name if name is not None else old_name, email if email is not None else old_email)
    if main:
        connection.execute("UPDATE contacts SET is_main = 0 WHERE customer_id = ?", (customer_id,))
    connection.execute(
        "UPDATE contacts SET name = coalesce(?, name), role = coalesce(?, role),"
        " email = coalesce(?, email), phone = coalesce(?, phone),"
        " is_main = max(is_main, ?) WHERE id = ?",
        (name.strip() if name else None, role, email, phone, int(main), contact_id),
    )


@journal.writes
def remove(connection: Connection, customer_id: int, contact_id: int) -> None:
    """A contact who left: their conversations keep their text, the link is cleared.
    Their consent entries are a ledger and stay; such a person is erased, not removed."""
    from kundenpflege.domain import customers

    customers.still_changeable(connection, customer_id)
    if connection.execute("SELECT 1 FROM consent WHERE contact_id = ?", (contact_id,)).fetchone():
        raise KundenpflegeError(
            _("this contact has entries in the consent ledger, which is append-only; erase"
              " the person with 'kundenpflege gdpr forget' instead")
        )  # fmt: skip
    connection.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))


def belongings(connection: Connection, contact_id: int) -> tuple[int, int]:
    """The facts and key dates of a contact, which go with them when they are removed."""
    found = connection.execute(
        "SELECT (SELECT count(*) FROM facts WHERE contact_id = ?),"
        " (SELECT count(*) FROM key_dates WHERE contact_id = ?)",
        (contact_id, contact_id),
    ).fetchone()
    return int(found[0]), int(found[1])


def of_customer(connection: Connection, customer_id: int) -> list[Contact]:
    rows = connection.execute(
        "SELECT * FROM contacts WHERE customer_id = ? ORDER BY is_main DESC, name, id",
        (customer_id,),
    )
    return [
        Contact(
            row["id"], row["name"], row["role"], row["email"], row["phone"], bool(row["is_main"])
        )
        for row in rows
    ]


def find(connection: Connection, customer_id: int, identifier: str) -> Contact:
    """A contact of this customer by exact name or e-mail (case-insensitive)."""
    contacts = of_customer(connection, customer_id)
    wanted = identifier.strip().lower()
    matches = [
        contact
        for contact in contacts
        if contact.name.lower() == wanted or (contact.email or "").lower() == wanted
    ]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(contact.name for contact in (matches or contacts))
    if matches:
        raise KundenpflegeError(
            _("'{identifier}' matches several contacts: {names}").format(
                identifier=identifier, names=names
            )
        )
    hint = (
        _("known contacts: {names}").format(names=names)
        if contacts
        else _("add one with 'kundenpflege contact add'")
    )
    raise KundenpflegeError(
        _("no contact '{identifier}' at this customer; {hint}").format(
            identifier=identifier, hint=hint
        )
    )
