"""Documented consent for marketing contact: an append-only ledger per customer or contact.

Double opt-in means a grant followed by a confirm; a withdrawal ends both. The
database refuses to change or delete ledger rows.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from kundenpflege.domain import journal
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import N_, _
from kundenpflege.storage.connection import Connection, Row

PURPOSES = (N_("newsletter"), N_("email-marketing"), N_("phone-marketing"))
ACTIONS = (N_("grant"), N_("confirm"), N_("withdraw"))
STATES = {"grant": N_("granted"), "confirm": N_("confirmed"), "withdraw": N_("withdrawn")}


@dataclass(frozen=True)
class Entry:
    handle: str
    contact: str | None
    purpose: str
    action: str
    recorded_at: str
    evidence: str | None


@dataclass(frozen=True)
class Subject:
    """Whose consent: a customer, or one contact there (`handle/contact name or e-mail`)."""

    customer: Row
    contact_id: int | None
    contact_name: str | None


def subject(connection: Connection, text: str) -> Subject:
    # Imported here: `due` reads the ledger and should not load the people modules.
    from kundenpflege.domain import contacts, customers

    handle, slash, contact_text = text.partition("/")
    customer = customers.find(connection, handle)
    if not slash:
        return Subject(customer, None, None)
    if not contact_text.strip():
        raise KundenpflegeError(
            _(
                "no contact named after '{handle}/'; give their name or e-mail, or leave out"
                " the '/' for the customer"
            ).format(handle=customer["handle"])
        )
    contact = contacts.find(connection, customer["id"], contact_text)
    return Subject(customer, contact.id, contact.name)


def check_purpose(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise KundenpflegeError(
            _("unknown purpose '{purpose}'; use one of {known}").format(
                purpose=purpose, known=", ".join(PURPOSES)
            )
        )
    return purpose


def current_state(
    connection: Connection, customer_id: int, purpose: str, contact_id: int | None
) -> str | None:
    """granted, confirmed, withdrawn, or None when nothing was ever recorded."""
    row = connection.execute(
        "SELECT action FROM consent WHERE customer_id = ? AND purpose = ? AND contact_id IS ?"
        " ORDER BY id DESC LIMIT 1",
        (customer_id, purpose, contact_id),
    ).fetchone()
    return STATES[row[0]] if row else None


def local_day(recorded_at: str) -> date:
    """The day, in local time, an entry of the ledger was recorded."""
    return datetime.fromisoformat(recorded_at).astimezone().date()


def state_on(
    connection: Connection,
    customer_id: int,
    purpose: str,
    contact_id: int | None,
    day: date,
) -> str | None:
    """The state as the ledger stood at the end of `day` (local time)."""
    rows = connection.execute(
        "SELECT recorded_at, action FROM consent WHERE customer_id = ? AND purpose = ?"
        " AND contact_id IS ? ORDER BY id",
        (customer_id, purpose, contact_id),
    )
    return standing([(local_day(recorded_at), action) for recorded_at, action in rows], day)


def standing(entries: Sequence[tuple[date, str]], day: date) -> str | None:
    """The state that (day recorded, action) entries, in the ledger's order, give at
    the end of `day`: granted, confirmed, withdrawn, or None."""
    actions = [action for recorded, action in entries if recorded <= day]
    return STATES[actions[-1]] if actions else None


@journal.writes
def record(
    connection: Connection,
    who: Subject,
    *,
    action: str,
    purpose: str,
    evidence: str | None,
    now: datetime,
) -> str:
    """Append one ledger row; returns the new state. A withdrawal is taken even while
    the customer is restricted: a person must always be able to say stop."""
    check_purpose(purpose)
    if action != "withdraw":
        from kundenpflege.domain import customers

        customers.still_changeable(connection, who.customer["id"])
    before = current_state(connection, who.customer["id"], purpose, who.contact_id)
    if action == "confirm" and before not in ("granted", "confirmed"):
        raise KundenpflegeError(
            _(
                "no {purpose} consent to confirm for {whom}; record the grant first"
                " (double opt-in is a grant followed by a confirm)"
            ).format(purpose=_(purpose), whom=describe(who))
        )
    # A person there may always say stop to what the firm's consent gave them.
    through_firm = (
        current_state(connection, who.customer["id"], purpose, None)
        if action == "withdraw" and before is None and who.contact_id is not None
        else None
    )
    if action == "withdraw" and before in (None, "withdrawn") and through_firm not in GIVEN:
        raise KundenpflegeError(
            _("{whom} has no {purpose} consent to withdraw").format(
                whom=describe(who), purpose=_(purpose)
            )
        )
    connection.execute(
        "INSERT INTO consent (customer_id, contact_id, purpose, action, recorded_at, evidence)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (who.customer["id"], who.contact_id, purpose, action, now.isoformat(timespec="seconds"),
         evidence),
    )  # fmt: skip
    return STATES[action]


GIVEN = ("granted", "confirmed")


def describe(who: Subject) -> str:
    handle = who.customer["handle"]
    return f"{handle}/{who.contact_name}" if who.contact_name else handle


# Customers restricted on `:day` (an entry of `restrictions` covering it) or now.
RESTRICTED_ON = (
    "SELECT c.id FROM customers c WHERE c.restricted = 1 OR EXISTS (SELECT 1 FROM"
    " restrictions r WHERE r.customer_id = c.id"
    " AND coalesce(date(r.restricted_at, 'localtime'), '') <= :day"
    " AND (r.lifted_at IS NULL OR date(r.lifted_at, 'localtime') > :day))"
)


def ledger(
    connection: Connection,
    customer_id: int | None = None,
    *,
    include_restricted: bool = False,
    purpose: str | None = None,
    until: date | None = None,
) -> list[Entry]:
    """Every ledger row, oldest first, for one customer or all, of one purpose or all,
    recorded by the end of `until` (local time) or ever; restricted customers' (now,
    or on `until`) only for their own profile."""
    conditions = ["k.customer_id = :customer"] if customer_id else []
    if not include_restricted:
        conditions.append("c.restricted = 0")
        if until:
            conditions.append(f"c.id NOT IN ({RESTRICTED_ON})")
    if purpose:
        conditions.append("k.purpose = :purpose")
    if until:
        conditions.append("date(k.recorded_at, 'localtime') <= :day")
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = connection.execute(
        "SELECT c.handle, ct.name AS contact, k.purpose, k.action, k.recorded_at, k.evidence"
        " FROM consent k JOIN customers c ON c.id = k.customer_id"
        f" LEFT JOIN contacts ct ON ct.id = k.contact_id {where} ORDER BY k.id",
        {"customer": customer_id, "purpose": purpose, "day": until.isoformat() if until else None},
    )
    return [Entry(*row) for row in rows]


def summary(connection: Connection, customer_id: int) -> dict[str, str]:
    """Current state per purpose (and contact), for `show`."""
    states: dict[str, str] = {}
    for entry in ledger(connection, customer_id, include_restricted=True):
        key = entry.purpose + (f" ({entry.contact})" if entry.contact else "")
        states[key] = STATES[entry.action]
    return states
