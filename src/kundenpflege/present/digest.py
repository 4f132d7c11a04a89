"""The cron digest: plain text grouped by our person, nothing at all when nothing is due."""

from datetime import date
from itertools import groupby

from kundenpflege import i18n
from kundenpflege.domain.vocabulary import label
from kundenpflege.i18n import _, ngettext
from kundenpflege.present.escape import one_line
from kundenpflege.present.views import addressee, last_contact_text, suggested_text
from kundenpflege.reports.due import DueItem


def digest(items: list[DueItem], today: date) -> str:
    """Mail-ready text; empty when nothing is due so cron sends no mail."""
    if not items:
        return ""
    count = len(items)
    lines = [
        ngettext(
            "kundenpflege: {count} contact due on {weekday} {day}",
            "kundenpflege: {count} contacts due on {weekday} {day}",
            count,
        ).format(count=count, weekday=i18n.weekday(today), day=i18n.day(today))
    ]
    unassigned = _("(no one chosen)")
    ordered = sorted(items, key=lambda item: (item.person or "~", item.due_on, item.handle))
    for person, group in groupby(ordered, key=lambda item: item.person or unassigned):
        entries = list(group)
        lines += ["", f"{person} ({len(entries)}):"]
        for item in entries:
            what = (
                _('follow-up "{what}"').format(what=item.detail)
                if item.reason == "follow-up"
                else item.detail
            )
            lines.append(
                f"- {addressee(item)} ({item.name}): {what}, {i18n.overdue(item.days_overdue)}"
            )
            how = [_("via {channel}").format(channel=label(item.channel))] if item.channel else []
            if item.suggested_on != today and item.reason != "key-date":  # its words say when
                how.append(_("on {day}").format(day=suggested_text(item)))
            last = last_contact_text(item)
            if last:
                how.append(last)
            if how:
                lines.append("  " + "; ".join(how))
            lines.extend(f"  ! {warning}" for warning in item.warnings)
    return "".join(one_line(line) + "\n" for line in lines)
