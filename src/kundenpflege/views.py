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
    from kundenpflege.consent import Entry
    from kundenpflege.contacts import Contact
    from kundenpflege.customers import CustomerRow
    from kundenpflege.due import DueItem
    from kundenpflege.fairness import FairnessRow
    from kundenpflege.followups import Followup
    from kundenpflege.health import Risk
    from kundenpflege.impressions import Impression
    from kundenpflege.people import Person
    from kundenpflege.pulse import PulseRow
    from kundenpflege.reactive import Overall, ReactiveRow
    from kundenpflege.value import ValueRow


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
            (
                "Suggested",
                lambda item: " ".join(
                    part for part in (item.suggested_on.isoformat(), item.preferred_time) if part
                ),
            ),
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


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def health_report(rows: list["Risk"], total: int) -> Report:
    from kundenpflege.health import Risk

    return _report(
        "Relationships at risk",
        rows,
        Risk,
        total - len(rows),
        [
            ("Customer", lambda row: row.handle),
            ("Why", lambda row: row.reason),
            ("Detail", lambda row: row.detail),
            ("Since", lambda row: row.since),
            ("Next step", lambda row: row.next_step),
            ("Who", lambda row: row.person),
            ("Channel", lambda row: row.channel),
        ],
        warn=lambda row: row.reason == "negative-last-impression",
    )


def fairness_report(rows: list["FairnessRow"], by: str) -> Report:
    from kundenpflege.fairness import FairnessRow

    return _report(
        f"Care per {by}",
        rows,
        FairnessRow,
        0,
        [
            (by.capitalize(), lambda row: row.group),
            ("Customers", lambda row: row.customers),
            ("Contacts/customer/year", lambda row: f"{row.contacts_per_customer_year:.1f}"),
            ("Personal", lambda row: percent(row.personal_share)),
            ("Mass", lambda row: percent(row.mass_share)),
            ("Median days since contact", lambda row: row.median_days_since_contact),
            ("Never contacted", lambda row: row.never_contacted),
            ("Overdue", lambda row: percent(row.overdue_share)),
        ],
    )


def value_report(rows: list["ValueRow"], total: int) -> Report:
    from kundenpflege.value import ValueRow

    return _report(
        "Lifetime value and attention",
        rows,
        ValueRow,
        total - len(rows),
        [
            ("Customer", lambda row: row.handle),
            ("Tier", lambda row: row.tier),
            ("Lifetime €", lambda row: row.lifetime_value),
            ("Years", lambda row: f"{row.years_as_customer:.1f}"),
            ("Orders €", lambda row: row.orders_total),
            ("Contacts (window)", lambda row: row.contacts_in_window),
            ("Last from us", lambda row: row.last_contact_from_us),
            ("Flag", lambda row: row.flag),
        ],
        warn=lambda row: row.flag,
    )


def reactive_report(rows: list["ReactiveRow"], total: int, overall: "Overall") -> Report:
    from kundenpflege.reactive import ReactiveRow

    report = _report(
        "Contacted only reactively",
        rows,
        ReactiveRow,
        total - len(rows),
        [
            ("Customer", lambda row: row.handle),
            ("Contacts", lambda row: row.contacts),
            ("From them", lambda row: row.from_them),
            ("Complaints", lambda row: row.complaints),
            ("From us", lambda row: row.from_us),
            ("Last from them", lambda row: row.last_from_them),
            ("Last proactive", lambda row: row.last_proactive),
            ("Who", lambda row: row.person),
        ],
    )
    report.note = (
        f"All contacts in the window: {overall.contacts};"
        f" complaints from customers {percent(overall.complaint_share) or '-'},"
        f" started by us {percent(overall.proactive_share) or '-'}."
    )
    return report


def _is_share(measure: str) -> bool:
    return "share" in measure or measure.startswith(
        ("cared", "reactive", "silent", "at risk", "positive last")
    )


def _pulse_number(value: float | None, measure: str) -> str:
    if value is None:
        return ""
    return percent(value) if _is_share(measure) else text(value)


def _pulse_change(row: "PulseRow") -> str:
    if row.change is None:
        return ""
    return f"{row.change * 100:+.0f} pts" if _is_share(row.measure) else f"{row.change:+g}"


def pulse_report(rows: list["PulseRow"]) -> Report:
    from kundenpflege.pulse import PulseRow

    return _report(
        "Pulse",
        rows,
        PulseRow,
        0,
        [
            ("Measure", lambda row: row.measure),
            ("Now", lambda row: _pulse_number(row.current, row.measure)),
            ("Previous period", lambda row: _pulse_number(row.previous, row.measure)),
            ("Change", _pulse_change),
        ],
    )


def consent_report(rows: list["Entry"]) -> Report:
    from kundenpflege.consent import Entry

    return _report(
        "Consent ledger",
        rows,
        Entry,
        0,
        [
            ("Customer", lambda row: row.handle),
            ("Contact", lambda row: row.contact),
            ("Purpose", lambda row: row.purpose),
            ("Action", lambda row: row.action),
            ("When", lambda row: row.recorded_at),
            ("Evidence", lambda row: row.evidence),
        ],
    )
