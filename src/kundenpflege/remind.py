"""The cron digest: plain text grouped by our person, nothing at all when nothing is due."""

from datetime import date
from itertools import groupby

from kundenpflege.due import DueItem
from kundenpflege.views import impression_text, when

UNASSIGNED = "(no one chosen)"


def digest(items: list[DueItem], today: date) -> str:
    """Mail-ready text; empty when nothing is due so cron sends no mail."""
    if not items:
        return ""
    count = len(items)
    noun = "contact" if count == 1 else "contacts"
    lines = [f"kundenpflege: {count} {noun} due on {today:%a} {today.isoformat()}"]
    ordered = sorted(items, key=lambda item: (item.person or "~", item.due_on, item.handle))
    for person, group in groupby(ordered, key=lambda item: item.person or UNASSIGNED):
        entries = list(group)
        lines += ["", f"{person} ({len(entries)}):"]
        for item in entries:
            what = f'follow-up "{item.detail}"' if item.reason == "follow-up" else item.detail
            lines.append(f"- {item.handle} ({item.name}): {what}, {when(item.days_overdue)}")
            how = [f"via {item.channel}"] if item.channel else []
            if item.last_contact:
                last = impression_text(item.last_mood, item.last_note)
                how.append(
                    f"last contact {item.last_contact.isoformat()}" + (f": {last}" if last else "")
                )
            if how:
                lines.append("  " + "; ".join(how))
            lines.extend(f"  ! {warning}" for warning in item.warnings)
    return "\n".join(lines) + "\n"
