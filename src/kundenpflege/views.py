"""How each report looks: its data columns (CSV/JSON) and its table for people.

Data columns are stable snake_case names that scripts rely on; table columns are
for reading and may combine fields.
"""

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from kundenpflege.render import Report

# Each report imports its own row type, so one report does not load every module.
if TYPE_CHECKING:
    from kundenpflege.contacts import Contact
    from kundenpflege.customers import CustomerRow
    from kundenpflege.due import DueItem
    from kundenpflege.followups import Followup
    from kundenpflege.impressions import Impression
    from kundenpflege.people import Person


def when(days_overdue: int) -> str:
    """A relative hint such as '3 days overdue'."""
    if days_overdue == 0:
        return "today"
    days = abs(days_overdue)
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} overdue" if days_overdue > 0 else f"in {days} {unit}"


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def mood(value: int | None) -> str:
    return "" if value is None else f"{value:+d}" if value else "0"


def impression_text(mood_value: int | None, note: str | None) -> str:
    return " ".join(part for part in (mood(mood_value), f'"{note}"' if note else "") if part)


def _report(
    title: str,
    items: Sequence[Any],
    item_type: type,
    hidden: int | None,
    table: list[tuple[str, Any]],
    warn: Any = None,
    hidden_unit: str = "rows",
) -> Report:
    """Build a report from dataclass rows and (column title, cell function) pairs."""
    return Report(
        title=title,
        fields=[field.name for field in dataclasses.fields(item_type)],
        data=[dataclasses.asdict(item) for item in items],
        titles=[column for column, _ in table],
        table=[[text(cell(item)) for _, cell in table] for item in items],
        hidden=None if hidden is None else max(hidden, 0),
        hidden_unit=hidden_unit,
        warn=[bool(warn(item)) for item in items] if warn else [],
    )


def due_report(items: list["DueItem"], total: int) -> Report:
    from kundenpflege.due import DueItem

    return _report(
        "Due contacts",
        items,
        DueItem,
        total - len(items),
        [
            ("Customer", lambda item: item.handle),
            ("Why", lambda item: f"{item.reason}: {item.detail}"),
            ("Due", lambda item: item.due_on),
            ("When", lambda item: when(item.days_overdue)),
            ("Suggested", lambda item: item.suggested_on),
            ("Who", lambda item: item.person),
            ("Channel", lambda item: item.channel),
            ("Last impression", lambda item: impression_text(item.last_mood, item.last_note)),
            ("Warnings", lambda item: "; ".join(item.warnings)),
        ],
        warn=lambda item: item.warnings,
    )


def impressions_report(rows: list["Impression"], more: bool) -> Report:
    from kundenpflege.due import preview
    from kundenpflege.impressions import Impression

    return _report(
        "Recent impressions",
        rows,
        Impression,
        None if more else 0,
        [
            ("Customer", lambda row: row.handle),
            ("Date", lambda row: row.occurred_on),
            ("Kind", lambda row: row.kind),
            ("Channel", lambda row: row.channel),
            ("Dir", lambda row: row.direction),
            ("Who", lambda row: row.person),
            ("Mood", lambda row: mood(row.mood)),
            ("Note", lambda row: preview(row.note, 60)),
        ],
        warn=lambda row: row.mood is not None and row.mood < 0,
        hidden_unit="customers",
    )


def customers_report(rows: list["CustomerRow"], total: int) -> Report:
    from kundenpflege.customers import CustomerRow

    return _report(
        "Customers",
        rows,
        CustomerRow,
        total - len(rows),
        [
            ("Handle", lambda row: row.handle),
            ("Name", lambda row: row.name),
            ("Tier", lambda row: row.tier),
            ("Tags", lambda row: row.tags),
            ("Value €", lambda row: row.annual_value),
            ("Status", lambda row: row.status),
            ("Last contact", lambda row: row.last_contact),
            ("Next due", lambda row: row.next_due),
        ],
    )


def followups_report(rows: list["Followup"]) -> Report:
    from kundenpflege.followups import Followup

    return _report(
        "Open follow-ups",
        rows,
        Followup,
        0,
        [
            ("#", lambda row: row.id),
            ("Customer", lambda row: row.handle),
            ("What", lambda row: row.what),
            ("Due", lambda row: row.due_on),
            ("Promised", lambda row: row.promised_on),
            ("Who", lambda row: row.person),
        ],
    )


def contacts_report(rows: list["Contact"]) -> Report:
    from kundenpflege.contacts import Contact

    return _report(
        "Contacts",
        rows,
        Contact,
        0,
        [
            ("Name", lambda row: row.name + (" (main)" if row.is_main else "")),
            ("Role", lambda row: row.role),
            ("E-mail", lambda row: row.email),
            ("Phone", lambda row: row.phone),
        ],
    )


def people_report(rows: list["Person"]) -> Report:
    from kundenpflege.people import Person

    return _report(
        "Our people",
        rows,
        Person,
        0,
        [
            ("Handle", lambda row: row.handle),
            ("Name", lambda row: row.name),
            ("E-mail", lambda row: row.email),
        ],
    )
