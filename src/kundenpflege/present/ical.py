"""Due contacts and follow-ups as an iCalendar file (all-day events), and key dates as
events that come back every year."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from kundenpflege.domain.vocabulary import label
from kundenpflege.i18n import _
from kundenpflege.present.escape import one_line
from kundenpflege.present.views import addressee, last_contact_text
from kundenpflege.reports.due import DueItem

if TYPE_CHECKING:
    from kundenpflege.domain.key_dates import KeyDate


def calendar(
    items: list[DueItem], now: datetime, occasions: "list[KeyDate] | None" = None
) -> bytes:
    """Each due item as one event, and each key date as a yearly all-day event (once,
    for a date that does not come back).

    UIDs are stable (one per customer's next contact, one per follow-up, one per key
    date), so a calendar that imports the file again updates its events instead of
    doubling them. Key dates are left out of `items`: they have events of their own.
    """
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//kundenpflege//relationship journal//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Kundenpflege")
    for occasion in occasions or []:
        calendar.add_component(_yearly(Event(), occasion, now))
    for item in (item for item in items if item.reason != "key-date"):
        event = Event()
        key = f"followup-{item.followup_id}" if item.followup_id else f"contact-{addressee(item)}"
        event.add("uid", f"{key}@kundenpflege")
        event.add("dtstamp", now)
        event.add("dtstart", item.suggested_on)
        event.add("dtend", item.suggested_on + timedelta(days=1))
        how = ", ".join(part for part in (label(item.channel), item.person) if part)
        what = item.detail if item.reason == "follow-up" else f"{label(item.reason)}: {item.detail}"
        whom = f"{item.name}, {item.contact}" if item.contact else item.name
        event.add("summary", one_line(f"{whom}: {what}" + (f" ({how})" if how else "")))
        description = [f"kundenpflege show {item.handle}"]
        last = last_contact_text(item)
        if last:
            description.append(last)
        description += item.warnings
        event.add("description", "\n".join(one_line(line) for line in description))
        calendar.add_component(event)
    return calendar.to_ical()  # type: ignore[no-any-return]


def _yearly(event: Any, occasion: "KeyDate", now: datetime) -> Any:
    """A key date as an all-day event; yearly ones repeat (a 29 February on the last day
    of February, so on the 28th in the other years). It starts on the day itself when
    the year is known, else on its next coming."""
    from kundenpflege.domain.occasions import in_year

    assert occasion.next_on is not None
    known = occasion.on[:4] if not occasion.on.startswith("--") else None
    start = in_year(int(known), occasion.on[5:]) if known else occasion.next_on
    event.add("uid", f"key-date-{occasion.id}@kundenpflege")
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(days=1))
    if occasion.yearly:
        last_day = {"bymonth": 2, "bymonthday": -1} if occasion.on.endswith("02-29") else {}
        event.add("rrule", {"freq": "yearly", **last_day})
    whom = f"{occasion.contact}, {occasion.name}" if occasion.contact else occasion.name
    what = occasion.what or label(occasion.kind)
    born = f" ({known})" if known and occasion.yearly else ""
    event.add("summary", one_line(f"{whom}: {what}{born}"))
    description = [f"kundenpflege show {occasion.handle}"]
    if occasion.source:
        description.append(_("source: {source}").format(source=occasion.source))
    event.add("description", "\n".join(one_line(line) for line in description))
    event.add("transp", "TRANSPARENT")  # a birthday does not make us busy
    return event
