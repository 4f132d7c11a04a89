"""What a journal export may hold, value by value: the same rules as the commands
(types, real dates, handles, ranges), so `import json` never stores what a later
report would crash on. Derived columns are not read from a file: the unit of work
recomputes them.
"""

import re
from collections.abc import Callable
from datetime import date, datetime

from kundenpflege.domain import vocabulary
from kundenpflege.domain.consent import ACTIONS, PURPOSES
from kundenpflege.domain.customers import STATUSES, check_money
from kundenpflege.domain.dates import in_range, parse_frequency, parse_weekdays
from kundenpflege.domain.key_dates import KINDS as KEY_DATE_KINDS
from kundenpflege.domain.people import check_handle
from kundenpflege.domain.schedule import BREACH_COLUMN, CONTACT_DERIVED, DERIVED
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.limits import FIRST_YEAR, LARGEST_ID, LAST_YEAR
from kundenpflege.storage import catalogue
from kundenpflege.storage.connection import Connection

Rule = Callable[[object], object]


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise KundenpflegeError(_("not text"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        raise KundenpflegeError(_("not text")) from None
    if "\x00" in value:  # a server's text cannot hold it; no journal keeps it
        raise KundenpflegeError(_("contains a NUL character"))
    return value


def _words(value: object) -> str:
    if not _text(value).strip():
        raise KundenpflegeError(_("empty"))
    return str(value)


def _number(low: int, high: int) -> Rule:
    def rule(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise KundenpflegeError(_("not a whole number from {low} to {high}").format(
                low=low, high=high))  # fmt: skip
        return value

    return rule


def _one_of(*allowed: str) -> Rule:
    def rule(value: object) -> str:
        if value not in allowed:
            raise KundenpflegeError(_("not one of {allowed}").format(allowed=", ".join(allowed)))
        return str(value)

    return rule


def _day(value: object) -> date:
    try:
        return in_range(date.fromisoformat(_text(value)), str(value))
    except ValueError:
        raise KundenpflegeError(_("'{value}' is not a date").format(value=value)) from None


def _moment(value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(value))
    except ValueError:
        raise KundenpflegeError(_("'{value}' is not a date and time").format(value=value)) from None
    if moment.tzinfo is None:
        raise KundenpflegeError(
            _("'{value}' has no time zone").format(value=value)
        )  # fmt: skip
    in_range(moment.date(), str(value))
    return moment


def _money(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise KundenpflegeError(_("not a number"))
    return check_money(float(value), _("amount"))


def _optional(rule: Rule) -> Rule:
    return lambda value: None if value is None else rule(value)


def _kind(value: object) -> str:
    """A kind of contact; `note`, stored before notes became facts, is still read (the
    import makes such entries facts, as m019 did)."""
    return "note" if value == "note" else vocabulary.kind(_text(value))


def _month_day(value: object) -> str:
    """A yearly day as stored, `03-14` (a 29 February included)."""
    text = _text(value)
    try:
        if not re.fullmatch(r"\d\d-\d\d", text, re.ASCII):
            raise ValueError(text)
        date(2000, int(text[:2]), int(text[3:]))
    except ValueError:
        raise KundenpflegeError(_("'{value}' is not a date").format(value=value)) from None
    return text


ID = _number(1, LARGEST_ID)
FLAG = _number(0, 1)
REFERENCE = _optional(ID)
TEXT = _optional(_text)
FREQUENCY = _optional(lambda value: parse_frequency(_text(value)))
CHANNEL = _optional(lambda value: vocabulary.channel(_text(value)))

RULES: dict[str, dict[str, Rule]] = {
    "settings": {"key": _words, "value": _text},
    "people": {"id": ID, "handle": lambda value: check_handle(_text(value), "person"),
               "name": _words, "email": TEXT, "created_at": _moment,
               "left_at": _optional(_moment)},
    "customers": {
        "id": ID, "handle": lambda value: check_handle(_text(value), "customer"),
        "name": _words, "company": TEXT, "tier": TEXT, "annual_value": _optional(_money),
        "status": _one_of(*STATUSES), "customer_since": _day, "created_at": _moment,
        "paused_until": _optional(_day), "preference_id": REFERENCE, "restricted": FLAG,
        "first_due": _optional(_day),
    },
    "customer_tags": {"customer_id": ID, "tag": _words},
    "contacts": {"id": ID, "customer_id": ID, "name": _words, "role": TEXT, "email": TEXT,
                 "phone": TEXT, "is_main": FLAG, "created_at": _moment,
                 "note": TEXT},  # before m019 (a backup or an export): it becomes a fact
    "preferences": {
        "id": ID, "customer_id": ID, "stated_on": _day, "recorded_at": _moment,
        "source": TEXT, "person_id": REFERENCE,
        "channel": CHANNEL, "frequency": FREQUENCY,
        "weekdays": _optional(lambda value: parse_weekdays(_text(value))),
        "time_of_day": TEXT, "max_frequency": FREQUENCY, "do_not_contact": FLAG,
        "contact_id": REFERENCE, "paused_until": _optional(_day),
    },
    "interactions": {
        "id": ID, "customer_id": ID, "occurred_at": _moment, "occurred_on": _day,
        "channel": CHANNEL,
        "direction": _one_of("in", "out"), "kind": _kind,
        "person_id": REFERENCE, "contact_id": REFERENCE,
        "mood": _optional(_number(-2, 2)), "note": TEXT, "amount": _optional(_money),
        "recorded_at": _moment, "purpose": _optional(_one_of(*PURPOSES)),
    },
    "followups": {
        "id": ID, "customer_id": ID, "interaction_id": REFERENCE, "what": _words,
        "person_id": REFERENCE, "promised_on": _day, "due_on": _day,
        "status": _one_of("open", "done", "cancelled"), "created_at": _moment,
        "done_at": _optional(_moment),
    },
    "consent": {
        "id": ID, "customer_id": ID, "contact_id": REFERENCE, "purpose": _one_of(*PURPOSES),
        "action": _one_of(*ACTIONS), "recorded_at": _moment, "evidence": TEXT,
    },
    "erasures": {"id": ID, "erased_at": _moment, "kind": _one_of("customer", "contact"),
                 "subject_id": ID, "by_whom": TEXT, "rows_removed": _number(0, LARGEST_ID)},
    "restrictions": {"id": ID, "customer_id": ID, "restricted_at": _optional(_moment),
                     "lifted_at": _optional(_moment)},
    "facts": {"id": ID, "customer_id": ID, "contact_id": REFERENCE, "text": _words,
              "source": TEXT, "learned_on": _day, "recorded_at": _moment},
    "key_dates": {"id": ID, "customer_id": ID, "contact_id": REFERENCE,
                  "kind": _one_of(*KEY_DATE_KINDS), "what": TEXT,
                  "year": _optional(_number(FIRST_YEAR, LAST_YEAR)), "month_day": _month_day,
                  "yearly": FLAG, "source": TEXT, "created_at": _moment},
}  # fmt: skip
# Kept by the unit of work, never taken from a file.
COMPUTED = {
    "customers": frozenset({*DERIVED, BREACH_COLUMN, "name_skeleton"}),
    "followups": frozenset({"due_effective"}),
    "contacts": frozenset(CONTACT_DERIVED),
}


# Links between rows that foreign keys do not hold: each must stay with its customer.
CROSS_CHECKS = (
    ("customers", "SELECT c.id FROM customers c WHERE c.preference_id IS NOT NULL AND NOT EXISTS"
     " (SELECT 1 FROM preferences p WHERE p.id = c.preference_id AND p.customer_id = c.id)"),
    ("interactions", "SELECT i.id FROM interactions i JOIN contacts ct ON ct.id = i.contact_id"
     " WHERE ct.customer_id != i.customer_id"),
    ("preferences", "SELECT p.id FROM preferences p JOIN contacts ct ON ct.id = p.contact_id"
     " WHERE ct.customer_id != p.customer_id"),
    ("followups", "SELECT f.id FROM followups f JOIN interactions i ON i.id = f.interaction_id"
     " WHERE i.customer_id != f.customer_id"),
)  # fmt: skip


def check_links(connection: Connection, label: str) -> None:
    """Rows that point at another customer's rows, or at nothing."""
    for table, query in CROSS_CHECKS:
        found = connection.execute(query).fetchone()
        if found:
            raise KundenpflegeError(
                _("{label}: {table} #{number} points at another customer's entry").format(
                    label=label, table=table, number=found[0])
            )  # fmt: skip


def check_rows(connection: Connection, label: str) -> None:
    """Every row of a journal file (a backup before it is restored) by the same rules."""
    present = catalogue.tables(connection)
    for table in RULES:
        if table in present:
            for number, row in enumerate(connection.execute(f"SELECT * FROM {table}")):
                checked_row(table, dict(row), f"{label}: {table}[{number}]")
    check_links(connection, label)


def checked_row(table: str, row: object, where: str) -> dict[str, object]:
    """The row's columns that are stored, each checked; `where` names it in errors."""
    if not isinstance(row, dict):
        raise KundenpflegeError(_("{where}: not a row").format(where=where))
    rules, computed = RULES[table], COMPUTED.get(table, frozenset())
    kept = {}
    for column, value in row.items():
        if column in computed:
            continue
        if column not in rules:
            raise KundenpflegeError(
                _("{where}.{column}: no such column").format(where=where, column=column)
            )
        try:
            rules[column](value)
        except KundenpflegeError as problem:
            raise KundenpflegeError(f"{where}.{column}: {problem}") from None
        kept[column] = value
    if not kept:
        raise KundenpflegeError(_("{where}: not a row").format(where=where))
    if table == "settings" and kept.get("key") == "default_frequency":
        try:
            FREQUENCY(kept.get("value"))
        except KundenpflegeError as problem:
            raise KundenpflegeError(f"{where}.value: {problem}") from None
    return kept
