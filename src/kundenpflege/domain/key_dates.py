"""Key dates of a customer or a person there: birthdays (the year may be unknown),
anniversaries, and dates such as a contract renewal, yearly or once.

A yearly date is kept as month and day (and the year, when known); its next
occurrence is worked out for the day asked. A 29 February falls on 28 February in
the other years.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from kundenpflege import i18n
from kundenpflege.domain import journal
from kundenpflege.domain.dates import DATE_HINT, UnreadableDate, in_range, parse_date
from kundenpflege.domain.occasions import PLANNABLE, describe, next_on, years_at
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import N_, _
from kundenpflege.limits import FIRST_YEAR
from kundenpflege.storage.connection import Connection, Row

KINDS = ("birthday", "anniversary", "other")
LABELS = (N_("birthday"), N_("anniversary"), N_("other"), N_("key-date"))

# Forms without a year: 14.03. or 14.3 (German), --03-14 or --0314 (vCard 3.0/4.0).
_GERMAN_DAY = r"(\d{1,2})\.(\d{1,2})\.?"
_VCARD_DAY = r"--(\d{2})-?(\d{2})"
_VCARD_DATE = r"(\d{4})-?(\d{2})-?(\d{2})(?:t[\d:z+-]*)?"  # 19750314, 1975-03-14T00:00:00Z


@dataclass(frozen=True)
class Day:
    """A day of the year, with its year when known."""

    year: int | None
    month: int
    day: int

    @property
    def month_day(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    def iso(self) -> str:
        """1975-03-14, or --03-14 (ISO 8601 and vCard) without a year."""
        return f"{self.year:04d}-{self.month_day}" if self.year else f"--{self.month_day}"


def parse_day(text: str, today: date) -> Day:
    """14.03.1975, 14.03. (no year), 1975-03-14, --03-14, --0314, 19750314, or any day
    `parse_date` reads (tomorrow, +30d, next friday)."""
    raw = text.strip().lower()
    if match := re.fullmatch(_GERMAN_DAY, raw):
        return _checked(None, int(match.group(2)), int(match.group(1)), text)
    if match := re.fullmatch(_VCARD_DAY, raw):
        return _checked(None, int(match.group(1)), int(match.group(2)), text)
    if match := re.fullmatch(_VCARD_DATE, raw):
        year, month, day = (int(part) for part in match.groups())
        return _checked(year, month, day, text)
    try:
        found = parse_date(text, today)
    except UnreadableDate:
        raise KundenpflegeError(
            _("cannot read the day '{text}'; use 14.03.1975, 14.03. without a year, or {hint}")
            .format(text=text, hint=_(DATE_HINT))
        ) from None  # fmt: skip
    return Day(found.year, found.month, found.day)


def parse_vcard(text: str) -> Day:
    """A vCard BDAY or ANNIVERSARY: 19750314, 1975-03-14 (a time after it is ignored),
    --0314 or --03-14. A year before 1900 is an unknown year: Apple writes 1604 for
    a birthday kept without one."""
    raw = text.strip().lower()
    if match := re.fullmatch(_VCARD_DAY, raw):
        return _checked(None, int(match.group(1)), int(match.group(2)), text)
    if match := re.fullmatch(_VCARD_DATE, raw):
        year, month, day = (int(part) for part in match.groups())
        return _checked(None if year < FIRST_YEAR else year, month, day, text)
    raise KundenpflegeError(
        _("cannot read the day '{text}'; a vCard writes 19750314, 1975-03-14 or --0314").format(
            text=text
        )
    )


def _checked(year: int | None, month: int, day: int, text: str) -> Day:
    try:
        found = date(year or 2000, month, day)  # 2000: a leap year, for 29 February
    except ValueError:
        raise KundenpflegeError(_("'{text}' is not a real date").format(text=text)) from None
    if year is not None:
        in_range(found, text)
    return Day(year, month, day)


@dataclass(frozen=True)
class KeyDate:
    id: int
    handle: str
    name: str  # the customer's
    contact: str | None  # a person at the customer; empty for the customer itself
    kind: str  # birthday, anniversary or other
    what: str | None  # what the date is ("contract renewal"); optional for anniversaries
    on: str  # 1975-03-14, or --03-14 when the year is not known
    yearly: bool
    next_on: date | None  # the next time it comes, from the day asked; empty once gone by
    years: int | None  # the age or the years on that day, when the year is known
    source: str | None


def sentence(key: KeyDate, who: str) -> str:
    """'Petra Müller turns 50 on Sat 2027-03-14', in the language spoken."""
    assert key.next_on is not None
    return describe(key.kind, key.what, key.yearly, key.years, key.next_on, who)


def shown_day(on: str) -> str:
    """The stored day as people read it: 14.03.1975 or 14. März; 1975-03-14 or Mar 14."""
    if on.startswith("--"):
        month, day = int(on[2:4]), int(on[5:7])
        german = i18n.current() == "de"
        return f"{day}. {i18n.month(month)}" if german else f"{i18n.month(month)} {day}"
    return i18n.day(date.fromisoformat(on))


_COLUMNS = (
    "k.id, c.handle, c.name, ct.name AS contact, k.kind, k.what, k.year, k.month_day,"
    " k.yearly, k.source, c.id"
)
_TABLES = (
    " FROM key_dates k JOIN customers c ON c.id = k.customer_id"
    " LEFT JOIN contacts ct ON ct.id = k.contact_id"
)


def _key_date(row: Row, today: date) -> KeyDate:
    number, handle, name, contact, kind, what, year, month_day, yearly, source = tuple(row)[:10]
    coming = next_on(year, month_day, bool(yearly), today)
    on = f"{year:04d}-{month_day}" if year else f"--{month_day}"
    years = years_at(year, coming) if coming else None
    return KeyDate(
        number, handle, name, contact, kind, what, on, bool(yearly), coming, years, source
    )


def check(kind: str, day: Day, *, what: str | None, yearly: bool, today: date) -> str | None:
    """What a key date needs, before it is written; its label (`what`) cleaned."""
    if kind not in KINDS:
        raise KundenpflegeError(
            _("unknown kind of date '{kind}'; use one of {known}").format(
                kind=kind, known=", ".join(KINDS)
            )
        )
    label = what.strip() if what and what.strip() else None
    if label is not None and "\x00" in label:
        raise KundenpflegeError(_("the text contains a NUL character; nothing was kept"))
    if kind == "other" and label is None:
        raise KundenpflegeError(_("say what the date is with --what, e.g. 'contract renewal'"))
    if kind == "birthday" and label is not None:
        raise KundenpflegeError(_("a birthday needs no --what"))
    if day.year is None and not yearly:
        raise KundenpflegeError(_("a date without a year comes every year; add --yearly"))
    if not yearly and day.year is not None and date(day.year, day.month, day.day) < today:
        raise KundenpflegeError(
            _("a date that comes once must be today or later; add --yearly for one that"
              " comes back")
        )  # fmt: skip
    if kind == "birthday" and day.year is not None and date(day.year, day.month, day.day) > today:
        raise KundenpflegeError(
            _("a birthday on {day} would be in the future").format(day=i18n.day(
                date(day.year, day.month, day.day)))
        )  # fmt: skip
    return label


def birthday_of(connection: Connection, customer_id: int, contact_id: int | None) -> int | None:
    """The number of the birthday kept for the customer (or that contact), if any."""
    row = connection.execute(
        "SELECT id FROM key_dates WHERE customer_id = ? AND contact_id IS ? AND kind = 'birthday'",
        (customer_id, contact_id),
    ).fetchone()
    return None if row is None else int(row[0])


@journal.writes
def add(
    connection: Connection,
    customer_id: int,
    *,
    contact_id: int | None,
    kind: str,
    day: Day,
    what: str | None = None,
    yearly: bool = True,
    source: str | None = None,
    today: date,
    now: datetime,
) -> int:
    """Keep one key date; birthdays and anniversaries come every year. Its number."""
    from kundenpflege.domain import customers  # `due` reads key dates without it

    customers.still_changeable(connection, customer_id)
    yearly = yearly or kind != "other"
    label = check(kind, day, what=what, yearly=yearly, today=today)
    if kind == "birthday":
        kept = birthday_of(connection, customer_id, contact_id)
        if kept is not None:
            raise KundenpflegeError(
                _("a birthday is kept already (#{number}); remove it first with"
                  " 'kundenpflege date remove {number}'").format(number=kept)
            )  # fmt: skip
    cursor = connection.execute(
        "INSERT INTO key_dates (customer_id, contact_id, kind, what, year, month_day, yearly,"
        " source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (customer_id, contact_id, kind, label, day.year, day.month_day, int(yearly),
         (source or "").strip() or None, now.isoformat(timespec="seconds")),
    )  # fmt: skip
    return int(cursor.lastrowid or 0)


@journal.writes
def insert_many(
    connection: Connection,
    rows: list[tuple[int, int | None, str, Day, str | None]],
    now: datetime,
) -> None:
    """Checked yearly dates as (customer id, contact id, kind, day, source), for imports."""
    created = now.isoformat(timespec="seconds")
    connection.executemany(
        "INSERT INTO key_dates (customer_id, contact_id, kind, year, month_day, yearly, source,"
        " created_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
        [(customer_id, contact_id, kind, day.year, day.month_day, source, created)
         for customer_id, contact_id, kind, day, source in rows],
    )  # fmt: skip


def find(connection: Connection, key_date_id: int, today: date) -> tuple[KeyDate, int]:
    """A key date by its number, with its customer's id."""
    row = connection.execute(
        f"SELECT {_COLUMNS}{_TABLES} WHERE k.id = ?", (key_date_id,)
    ).fetchone()
    if row is None:
        raise KundenpflegeError(
            _("no key date #{number}; see 'kundenpflege date list'").format(number=key_date_id)
        )
    return _key_date(row, today), int(row[10])


@journal.writes
def remove(connection: Connection, key_date_id: int, today: date) -> KeyDate:
    """Forget a key date (undo brings it back)."""
    from kundenpflege.domain import customers

    old, customer_id = find(connection, key_date_id, today)
    customers.still_changeable(connection, customer_id)
    connection.execute("DELETE FROM key_dates WHERE id = ?", (key_date_id,))
    return old


def listed(
    connection: Connection,
    today: date,
    *,
    customer_id: int | None = None,
    contact_id: int | None = None,
    limit: int | None = None,
    plannable: bool = False,
) -> tuple[list[KeyDate], int]:
    """Key dates, the next to come first (those gone by last), never of a restricted
    customer (`plannable`: nor of anyone not to be contacted); with how many there
    are. Ordered from a few columns each; only the rows shown are read whole."""
    where, parameters = " WHERE c.restricted = 0", []
    if plannable:
        where += PLANNABLE
    if customer_id is not None:
        where += " AND k.customer_id = ?"
        parameters.append(customer_id)
    if contact_id is not None:
        where += " AND k.contact_id = ?"
        parameters.append(contact_id)
    order = sorted(
        (next_on(year, month_day, bool(yearly), today) or date.max, handle, contact, number)
        for number, year, month_day, yearly, handle, contact in connection.execute(
            "SELECT k.id, k.year, k.month_day, k.yearly, c.handle, coalesce(ct.name, '')"
            f"{_TABLES}{where}",
            parameters,
        )
    )
    shown = [number for *_first, number in order[:limit]]
    found: dict[int, KeyDate] = {}
    for start in range(0, len(shown), 500):
        chunk = shown[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in connection.execute(f"SELECT {_COLUMNS}{_TABLES} WHERE k.id IN ({marks})", chunk):
            found[row[0]] = _key_date(row, today)
    return [found[number] for number in shown], len(order)


def of_customer(connection: Connection, customer_id: int, today: date) -> list[KeyDate]:
    """Every key date of the customer and their contacts, restricted or not (`show`)."""
    rows = connection.execute(f"SELECT {_COLUMNS}{_TABLES} WHERE k.customer_id = ?", (customer_id,))
    found = [_key_date(row, today) for row in rows]
    found.sort(key=lambda key: (key.next_on or date.max, key.contact or "", key.id))
    return found
