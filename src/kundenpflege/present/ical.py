"""Due contacts and follow-ups as an iCalendar file (all-day events)."""

from datetime import datetime, timedelta

from kundenpflege.domain.vocabulary import label
from kundenpflege.present.escape import one_line
from kundenpflege.present.views import addressee, last_contact_text
from kundenpflege.reports.due import DueItem


def calendar(items: list[DueItem], now: datetime) -> bytes:
    """Each due item as one event.

    UIDs are stable (one per customer's next contact, one per follow-up), so a
    calendar that imports the file again updates its events instead of doubling them.
    """
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//kundenpflege//relationship journal//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Kundenpflege")
    for item in items:
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
