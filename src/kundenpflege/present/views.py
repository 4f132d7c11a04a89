"""How each report looks: its data columns (CSV/JSON) and its table for people.

Data columns are stable snake_case names that scripts rely on; table columns are
for reading and may combine fields.
"""

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kundenpflege import i18n
from kundenpflege.domain.vocabulary import label
from kundenpflege.i18n import _
from kundenpflege.present.escape import one_line
from kundenpflege.present.render import Report

# Each report imports its own row type, so one report does not load every module.
if TYPE_CHECKING:
    from kundenpflege.domain.consent import Entry
    from kundenpflege.domain.contacts import Contact
    from kundenpflege.domain.facts import Fact
    from kundenpflege.domain.followups import Followup
    from kundenpflege.domain.key_dates import KeyDate
    from kundenpflege.domain.people import Person
    from kundenpflege.reports.consent_valid import ValidConsent
    from kundenpflege.reports.customer_list import CustomerRow
    from kundenpflege.reports.due import DueItem
    from kundenpflege.reports.fairness import FairnessRow
    from kundenpflege.reports.health import Risk
    from kundenpflege.reports.impressions import Impression
    from kundenpflege.reports.interaction_list import LoggedEntry
    from kundenpflege.reports.pulse import PulseRow
    from kundenpflege.reports.reactive import Overall, ReactiveRow
    from kundenpflege.reports.search import Hit
    from kundenpflege.reports.value import ValueRow


def text(value: object) -> str:
    """A cell as people read it: local dates and digit grouping, user text made inert
    (CSV/JSON never come here)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return i18n.day(value)
    if isinstance(value, float):
        return i18n.number(value, 0 if value == int(value) else 2)
    if isinstance(value, list | tuple):
        return one_line(", ".join(str(item) for item in value))
    return one_line(str(value))


def mood(value: int | None) -> str:
    return "" if value is None else f"{value:+d}" if value else "0"


def impression_text(mood_value: int | None, note: str | None) -> str:
    quoted = _('"{text}"').format(text=note) if note else ""  # „…“ in German
    return " ".join(part for part in (mood(mood_value), quoted) if part)


def last_contact_text(item: "DueItem") -> str | None:
    """'last contact 20.10.2026: +2 "note"' for the digest and calendar entries."""
    if not item.last_contact:
        return None
    from kundenpflege.reports.due import flat

    contact = _("last contact {day}").format(day=i18n.day(item.last_contact))
    impression = impression_text(item.last_mood, flat(item.last_note))
    return contact + (f": {impression}" if impression else "")


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
    fields = [field.name for field in dataclasses.fields(item_type)]
    titles = [column for column, _ in table]
    return Report(
        title=title,
        fields=fields,
        # Shallow: report rows hold plain values (dates, strings, lists of strings).
        data=[{name: getattr(item, name) for name in fields} for item in items],
        titles=titles,
        table=[[text(cell(item)) for _, cell in table] for item in items],
        # The handle, where a row names a customer: never left out of a narrow table.
        key=titles.index(_("Customer")) if _("Customer") in titles else 0,
        hidden=None if hidden is None else max(hidden, 0),
        hidden_unit=hidden_unit,
        warn=[bool(warn(item)) for item in items] if warn else [],
    )


def addressee(item: "DueItem | Risk") -> str:
    """mueller-bau, or mueller-bau/Petra Müller for a contact with a wish of their own."""
    return f"{item.handle}/{item.contact}" if item.contact else item.handle


def suggested_text(item: "DueItem") -> str:
    """Mon 2026-11-30 morning (Sunday): the day to act, the time they asked for, and
    why it is not the day it became due."""
    because = f"({', '.join(item.suggested_because)})" if item.suggested_because else ""
    day = (i18n.weekday(item.suggested_on), i18n.day(item.suggested_on))
    return " ".join(part for part in (*day, label(item.preferred_time), because) if part)


def due_report(items: list["DueItem"], total: int) -> Report:
    from kundenpflege.reports.due import DueItem, preview

    report = _report(
        _("Due contacts"),
        items,
        DueItem,
        total - len(items),
        [
            (_("Customer"), addressee),
            # The number `followup done` and `snooze` take, on a promise's row.
            ("#", lambda item: str(item.followup_id) if item.followup_id else ""),
            (_("Why"), lambda item: f"{label(item.reason)}: {item.detail}"),
            (_("Due"), lambda item: item.due_on),
            (_("When"), lambda item: i18n.overdue(item.days_overdue)),
            (_("Suggested"), suggested_text),
            (_("Who"), lambda item: item.person),
            (_("Channel"), lambda item: label(item.channel)),
            (
                _("Last impression"),
                lambda item: impression_text(item.last_mood, preview(item.last_note)),
            ),
            (_("Warnings"), lambda item: "; ".join(item.warnings)),
        ],
        warn=lambda item: item.warnings,
    )
    # On a narrow terminal: the days overdue (the due day says it), the channel, the
    # last impression and who go first; warnings stay as long as they can.
    report.drop_order = [4, 7, 8, 6, 1, 9, 5, 2, 3]
    return report


def impressions_report(rows: list["Impression"], more: bool) -> Report:
    from kundenpflege.reports.due import preview
    from kundenpflege.reports.impressions import Impression

    return _report(
        _("Recent impressions"),
        rows,
        Impression,
        None if more else 0,
        [
            ("#", lambda row: str(row.id)),
            (_("Customer"), lambda row: row.handle),
            (_("Date"), lambda row: row.occurred_on),
            (_("Kind"), lambda row: label(row.kind)),
            (_("Channel"), lambda row: label(row.channel)),
            (_("Dir"), lambda row: label(row.direction)),
            (_("Who"), lambda row: row.person),
            (_("Mood"), lambda row: mood(row.mood)),
            (_("Note"), lambda row: preview(row.note, 60)),
        ],
        warn=lambda row: row.mood is not None and row.mood < 0,
        hidden_unit="customers",
    )


def interactions_report(rows: list["LoggedEntry"], total: int) -> Report:
    from kundenpflege.reports.due import preview
    from kundenpflege.reports.interaction_list import LoggedEntry

    return _report(
        _("Entries"),
        rows,
        LoggedEntry,
        total - len(rows),
        [
            ("#", lambda row: str(row.id)),
            (_("Customer"), lambda row: row.handle),
            (_("Date"), lambda row: row.occurred_on),
            (_("Kind"), lambda row: label(row.kind)),
            (_("Channel"), lambda row: label(row.channel)),
            (_("Dir"), lambda row: label(row.direction)),
            (_("Who"), lambda row: row.person),
            (_("Contact"), lambda row: row.contact),
            (_("Mood"), lambda row: mood(row.mood)),
            (_("Note"), lambda row: preview(row.note, 60)),
        ],
        warn=lambda row: row.mood is not None and row.mood < 0,
    )


def customers_report(rows: list["CustomerRow"], total: int) -> Report:
    from kundenpflege.reports.customer_list import CustomerRow

    return _report(
        _("Customers"),
        rows,
        CustomerRow,
        total - len(rows),
        [
            (_("Handle"), lambda row: row.handle),
            (_("Name"), lambda row: row.name),
            (_("Tier"), lambda row: row.tier),
            (_("Tags"), lambda row: row.tags),
            (_("Value"), lambda row: money(row.annual_value)),
            (_("Status"), lambda row: label(row.status)),
            (_("Last contact"), lambda row: row.last_contact),
            (_("Next due"), lambda row: row.next_due),
        ],
    )


def followups_report(rows: list["Followup"]) -> Report:
    from kundenpflege.domain.followups import Followup

    return _report(
        _("Open follow-ups"),
        rows,
        Followup,
        0,
        [
            ("#", lambda row: row.id),
            (_("Customer"), lambda row: row.handle),
            (_("What"), lambda row: row.what),
            (_("Due"), lambda row: row.due_on),
            (_("Promised"), lambda row: row.promised_on),
            (_("Who"), lambda row: row.person),
        ],
    )


def whose(row: "Fact | KeyDate") -> str:
    """mueller-bau, or mueller-bau/Petra Müller for what belongs to a person there."""
    return f"{row.handle}/{row.contact}" if row.contact else row.handle


def facts_report(rows: list["Fact"], total: int) -> Report:
    from kundenpflege.domain.facts import Fact
    from kundenpflege.reports.due import preview

    report = _report(
        _("What we know"),
        rows,
        Fact,
        total - len(rows),
        [
            ("#", lambda row: str(row.id)),
            (_("Customer"), whose),
            (_("Fact"), lambda row: preview(row.text, 80)),
            (_("Source"), lambda row: row.source),
            (_("Learned"), lambda row: row.learned_on),
        ],
    )
    report.drop_order = [3, 4, 0, 2]
    return report


def key_dates_report(rows: list["KeyDate"], total: int) -> Report:
    from kundenpflege.domain.key_dates import KeyDate, shown_day

    report = _report(
        _("Key dates"),
        rows,
        KeyDate,
        total - len(rows),
        [
            ("#", lambda row: str(row.id)),
            (_("Customer"), whose),
            (_("Kind"), lambda row: label(row.kind)),
            (_("What"), lambda row: row.what),
            (_("Date"), lambda row: shown_day(row.on)),
            (_("Next"), lambda row: row.next_on and f"{i18n.weekday(row.next_on)} "
                                                   f"{i18n.day(row.next_on)}"),
            (_("Years"), lambda row: row.years),
        ],
    )  # fmt: skip
    report.drop_order = [3, 6, 0, 4, 2, 5]
    return report


def contacts_report(rows: list["Contact"]) -> Report:
    from kundenpflege.domain.contacts import Contact

    return _report(
        _("Contacts"),
        rows,
        Contact,
        0,
        [
            (_("Name"), lambda row: row.name + (_(" (main)") if row.is_main else "")),
            (_("Role"), lambda row: row.role),
            (_("E-mail"), lambda row: row.email),
            (_("Phone"), lambda row: row.phone),
        ],
    )


def people_report(rows: list["Person"]) -> Report:
    from kundenpflege.domain.people import Person

    return _report(
        _("Our people"),
        rows,
        Person,
        0,
        [
            (_("Handle"), lambda row: row.handle),
            (_("Name"), lambda row: row.name),
            (_("E-mail"), lambda row: row.email),
            (_("Left"), lambda row: row.left_at and row.left_at[:10]),
        ],
    )


def percent(value: float | None) -> str:
    return "" if value is None else i18n.percent(value)


def money(value: float | None) -> str:
    """Whole euros in tables and text (data formats keep the cents)."""
    return "" if value is None else i18n.money(round(value))


def health_report(rows: list["Risk"], total: int) -> Report:
    from kundenpflege.reports.health import Risk

    return _report(
        _("Relationships at risk"),
        rows,
        Risk,
        total - len(rows),
        [
            (_("Customer"), addressee),
            (_("Why"), lambda row: label(row.reason)),
            (_("Detail"), lambda row: row.detail),
            (_("Since"), lambda row: row.since),
            (_("Next step"), lambda row: row.next_step),
            (_("Who"), lambda row: row.person),
            (_("Channel"), lambda row: label(row.channel)),
        ],
        warn=lambda row: row.reason == "negative-last-impression",
    )


def _window(days: tuple[date, date]) -> str:
    return i18n.span(*days)


def fairness_report(rows: list["FairnessRow"], by: str, window: tuple[date, date]) -> Report:
    from kundenpflege.reports.fairness import FairnessRow

    title = _("Care per tier, {window}") if by == "tier" else _("Care per value band, {window}")
    return _report(
        title.format(window=_window(window)),
        rows,
        FairnessRow,
        0,
        [
            (_("Tier") if by == "tier" else _("Band"), lambda row: label(row.group)),
            (_("Customers"), lambda row: row.customers),
            (
                _("Contacts/customer/year"),
                lambda row: i18n.number(row.contacts_per_customer_year, 1),
            ),
            (_("Personal"), lambda row: percent(row.personal_share)),
            (_("Mass"), lambda row: percent(row.mass_share)),
            (_("Other"), lambda row: percent(row.other_share)),
            (_("Median days since contact"), lambda row: row.median_days_since_contact),
            (_("Never contacted"), lambda row: row.never_contacted),
            (_("Overdue"), lambda row: percent(row.overdue_share)),
        ],
    )


def value_report(rows: list["ValueRow"], total: int, window: tuple[date, date]) -> Report:
    from kundenpflege.reports.value import ValueRow

    return _report(
        _("Lifetime value and attention, contacts {window}").format(window=_window(window)),
        rows,
        ValueRow,
        total - len(rows),
        [
            (_("Customer"), lambda row: row.handle),
            (_("Tier"), lambda row: row.tier),
            (_("Lifetime value"), lambda row: money(row.lifetime_value)),
            (_("Years"), lambda row: i18n.number(row.years_as_customer, 1)),
            (_("Orders"), lambda row: money(row.orders_total)),
            (_("Contacts (window)"), lambda row: row.contacts_in_window),
            (_("Last from us"), lambda row: row.last_contact_from_us),
            (_("Flag"), lambda row: label(row.flag)),
        ],
        warn=lambda row: row.flag,
    )


def reactive_report(
    rows: list["ReactiveRow"], total: int, overall: "Overall", window: tuple[date, date]
) -> Report:
    from kundenpflege.reports.reactive import ReactiveRow

    report = _report(
        _("Contacted only reactively, {window}").format(window=_window(window)),
        rows,
        ReactiveRow,
        total - len(rows),
        [
            (_("Customer"), lambda row: row.handle),
            (_("Contacts"), lambda row: row.contacts),
            (_("From them"), lambda row: row.from_them),
            (_("Complaints"), lambda row: row.complaints),
            (_("From us"), lambda row: row.from_us),
            (_("Last from them"), lambda row: row.last_from_them),
            (_("Last proactive"), lambda row: row.last_proactive),
            (_("Who"), lambda row: row.person),
        ],
    )
    report.note = _(
        "All contacts in the window: {contacts}; complaints from customers {complaints},"
        " started by us {proactive}."
    ).format(
        contacts=overall.contacts,
        complaints=percent(overall.complaint_share) or "-",
        proactive=percent(overall.proactive_share) or "-",
    )
    return report


def is_share(measure: str) -> bool:
    """Pulse measures that are shares of a whole (drawn to 100 %), not counts."""
    return "share" in measure or measure.startswith(
        ("cared", "reactive", "silent", "at risk", "positive last")
    )


def pulse_number(value: float | None, measure: str) -> str:
    if value is None:
        return ""
    return percent(value) if is_share(measure) else text(value)


def _pulse_change(row: "PulseRow") -> str:
    if row.change is None:
        return ""
    if is_share(row.measure):
        return _("{change} pts").format(change=f"{row.change * 100:+.0f}")
    return i18n.signed(row.change)


def pulse_report(
    rows: list["PulseRow"], current: tuple[date, date], previous: tuple[date, date]
) -> Report:
    from kundenpflege.reports.pulse import PulseRow

    return _report(
        _("Pulse, {current} against {previous}").format(
            current=_window(current),
            previous=i18n.span(*previous, year=previous[1].year != current[1].year),
        ),
        rows,
        PulseRow,
        0,
        [
            (_("Measure"), lambda row: label(row.measure)),
            (_("Now"), lambda row: pulse_number(row.current, row.measure)),
            (_("Previous period"), lambda row: pulse_number(row.previous, row.measure)),
            (_("Change"), _pulse_change),
        ],
    )


def consent_report(rows: list["Entry"]) -> Report:
    from kundenpflege.domain.consent import Entry

    return _report(
        _("Consent ledger"),
        rows,
        Entry,
        0,
        [
            (_("Customer"), lambda row: row.handle),
            (_("Contact"), lambda row: row.contact),
            (_("Purpose"), lambda row: label(row.purpose)),
            (_("Action"), lambda row: label(row.action)),
            (_("When"), lambda row: i18n.moment(datetime.fromisoformat(row.recorded_at))),
            (_("Evidence"), lambda row: row.evidence),
        ],
    )


def valid_consent_report(rows: list["ValidConsent"], purpose: str) -> Report:
    """`consent list --valid`: who may be contacted for the purpose, and since when."""
    from kundenpflege.reports.consent_valid import ValidConsent

    def when(instant: str) -> str:
        return i18n.moment(datetime.fromisoformat(instant))

    return _report(_("Valid {purpose} consent").format(purpose=label(purpose)), rows,
                   ValidConsent, 0, [
        (_("Name"), lambda row: row.name), (_("E-mail"), lambda row: row.email),
        (_("Phone"), lambda row: row.phone), (_("Customer"), lambda row: row.customer),
        (_("Granted"), lambda row: when(row.granted_at)),
        (_("Confirmed"), lambda row: when(row.confirmed_at)),
        (_("Evidence"), lambda row: row.evidence),
    ])  # fmt: skip


def search_report(hits: list["Hit"], text: str, ranked: int, everything: bool) -> Report:
    """Each match: whose, what kind of entry, its day, the words around the match (the
    match marked; data gets »…« and the whole text beside it)."""
    from kundenpflege import marks
    from kundenpflege.reports.search import KINDS, RANKED, Hit

    report = _report(
        _("Found for {text}").format(text=one_line(text)),
        hits,
        Hit,
        ranked - len(hits),
        [
            (_("Customer"), lambda hit: hit.handle),
            (_("What"), lambda hit: _(KINDS[hit.kind])),
            (_("Day"), lambda hit: hit.day),
            (_("Match"), lambda hit: hit.snippet),
        ],
    )
    for row in report.data:
        row["snippet"] = marks.plain(str(row["snippet"]))
    report.drop_order = [2, 1]
    if ranked >= RANKED and not everything:
        report.note = _(
            "Only the newest {count} matches were ranked; --all ranks every one."
        ).format(count=i18n.number(RANKED))
    return report
