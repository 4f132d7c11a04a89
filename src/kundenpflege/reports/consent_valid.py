"""`consent list --valid --purpose P`: the people whose consent for P is confirmed and
not withdrawn on a day, ready for a newsletter platform (issue 16 §5).

A contact's own ledger decides for them; a consent of the whole customer reaches its
main contact (unless that contact has a ledger of their own for the purpose). Left
out: customers restricted then or now, and people who had asked not to be contacted
by that day (their wish or the customer's). Names and addresses are as they are now.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from kundenpflege.domain import preferences
from kundenpflege.domain.consent import RESTRICTED_ON, local_day
from kundenpflege.storage.connection import Connection, Row

# Which address a purpose needs: without it a person cannot be reached that way.
ADDRESS = {"newsletter": "email", "email-marketing": "email", "phone-marketing": "phone"}


@dataclass(frozen=True)
class ValidConsent:
    """One person who may be contacted for the purpose."""

    name: str
    email: str | None
    phone: str | None
    customer: str  # the customer's handle
    granted_at: str  # instants as the ledger keeps them
    confirmed_at: str
    evidence: str | None  # the grant's and the confirmation's, joined by "; "


@dataclass(frozen=True)
class Unreachable:
    """Someone whose consent is valid but who has no address for the purpose."""

    customer: str
    name: str


def valid(
    connection: Connection, purpose: str, day: date, customer_id: int | None = None
) -> tuple[list[ValidConsent], list[Unreachable]]:
    """Everyone whose `purpose` consent stood confirmed at the end of `day` (of one
    customer or all), by customer and name; and those of them without an address."""
    ledgers: dict[tuple[int, int | None], list[Row]] = defaultdict(list)
    one = "" if customer_id is None else " AND customer_id = :customer"
    for row in connection.execute(
        "SELECT customer_id, contact_id, action, recorded_at, evidence FROM consent"
        f" WHERE purpose = :purpose{one} ORDER BY id",
        {"purpose": purpose, "customer": customer_id},
    ):
        if local_day(row["recorded_at"]) <= day:
            ledgers[(row["customer_id"], row["contact_id"])].append(row)
    hidden = {number for (number,) in connection.execute(RESTRICTED_ON, {"day": day.isoformat()})}
    found: dict[tuple[int, int | None], ValidConsent] = {}
    unreachable: list[Unreachable] = []
    for (customer, contact_id), entries in ledgers.items():
        # Confirmed and not withdrawn since: the newest entry by that day is a confirmation.
        if customer in hidden or entries[-1]["action"] != "confirm":
            continue
        person = _person(connection, customer, contact_id)
        key = (customer, person["id"] if person else None)
        if contact_id is None and key[1] is not None and key in ledgers:
            continue  # the main contact's own ledger decides for them
        wish = preferences.in_force(connection, customer, day, key[1])
        if key in found or (wish is not None and wish.do_not_contact):
            continue
        handle, customer_name = connection.execute(
            "SELECT handle, name FROM customers WHERE id = ?", (customer,)
        ).fetchone()
        name = person["name"] if person else customer_name
        if not (person and person[ADDRESS[purpose]]):
            unreachable.append(Unreachable(handle, name))
            continue
        grant = next((e for e in reversed(entries) if e["action"] == "grant"), entries[0])
        confirm = entries[-1]
        said = dict.fromkeys(text for text in (grant["evidence"], confirm["evidence"]) if text)
        found[key] = ValidConsent(
            name=name,
            email=person["email"],
            phone=person["phone"],
            customer=handle,
            granted_at=grant["recorded_at"],
            confirmed_at=confirm["recorded_at"],
            evidence="; ".join(said) or None,
        )
    rows = sorted(found.values(), key=lambda row: (row.customer, row.name.casefold()))
    return rows, sorted(unreachable, key=lambda row: (row.customer, row.name.casefold()))


def _person(connection: Connection, customer_id: int, contact_id: int | None) -> Row | None:
    """The contact a consent names, or the customer's main contact for the customer's."""
    if contact_id is not None:
        query, parameters = "SELECT * FROM contacts WHERE id = ?", (contact_id,)
    else:
        query = "SELECT * FROM contacts WHERE customer_id = ? AND is_main = 1 ORDER BY id LIMIT 1"
        parameters = (customer_id,)
    return connection.execute(query, parameters).fetchone()  # type: ignore[no-any-return]
