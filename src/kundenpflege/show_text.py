"""The text of `show`: one customer on one screen, readable in a terminal or a mail."""

from datetime import date

from kundenpflege.dates import weekday_codes
from kundenpflege.preferences import Preference
from kundenpflege.profile import Profile
from kundenpflege.views import mood, text, when


def describe_preference(preference: Preference) -> str:
    parts = [
        f"who: {preference.person or '-'}",
        f"channel: {preference.channel or '-'}",
        f"rhythm: {preference.frequency.describe() if preference.frequency else '-'}",
    ]
    if preference.weekdays:
        parts.append(f"days: {weekday_codes(preference.weekdays)}")
    if preference.time_of_day:
        parts.append(f"time: {preference.time_of_day}")
    if preference.max_frequency:
        parts.append(f"max: {preference.max_frequency.describe()}")
    if preference.do_not_contact:
        parts.append("DO NOT CONTACT")
    return ", ".join(parts)


def _said(preference: Preference) -> str:
    source = f' ("{preference.source}")' if preference.source else ""
    return f"said {preference.stated_on.isoformat()}{source}"


def profile_text(profile: Profile, today: date) -> str:
    rhythm = profile.rhythm.describe() + (" (default)" if profile.rhythm_is_default else "")
    facts = [
        f"status: {profile.status}",
        f"tier: {profile.tier or '-'}",
        f"tags: {', '.join(profile.tags) or '-'}",
        f"value: {text(profile.annual_value) + ' € a year' if profile.annual_value else '-'}",
        f"customer since {profile.customer_since.isoformat()}",
    ]
    due = "not planned"
    if profile.next_due:
        due = f"{profile.next_due.isoformat()} ({when((today - profile.next_due).days)})"
    lines = [
        f"{profile.name} ({profile.handle})" + (f", {profile.company}" if profile.company else ""),
        "  " + "; ".join(facts),
        f"  last contact: {text(profile.last_contact) or 'never'}; next due: {due};"
        f" rhythm: {rhythm}",
    ]
    if profile.paused_until and profile.paused_until > today:
        lines.append(f"  paused until {profile.paused_until.isoformat()}")
    lines += ["", "Contacts:"]
    lines += [
        "  " + ", ".join(
            part for part in (contact.name + (" (main)" if contact.is_main else ""),
                              contact.role, contact.email, contact.phone) if part
        )
        for contact in profile.contacts
    ] or ["  none yet"]  # fmt: skip
    lines += ["", "Preference:"]
    if profile.preference:
        lines.append(f"  {describe_preference(profile.preference)}")
        lines.append(f"  {_said(profile.preference)}")
    else:
        lines.append("  nothing stated yet")
    if len(profile.preference_history) > 1:
        lines += ["", "Earlier statements (superseded):"]
        lines += [
            f"  {_said(old)}: {describe_preference(old)}" for old in profile.preference_history[1:]
        ]
    lines += ["", "Open follow-ups:"]
    lines += [
        f"  #{followup.id} due {followup.due_on.isoformat()}: {followup.what}"
        + (f" ({followup.person})" if followup.person else "")
        for followup in profile.open_followups
    ] or ["  none"]
    lines += ["", "Consent:"]
    lines += [f"  {purpose}: {state}" for purpose, state in profile.consent.items()] or [
        "  none recorded"
    ]
    lines += ["", f"Timeline (latest {len(profile.timeline)}):"]
    lines += [
        "  " + "  ".join(
            part for part in (entry.occurred_on.isoformat(), entry.kind, entry.channel or "",
                              entry.direction, entry.person or "", mood(entry.mood),
                              f"{text(entry.amount)} €" if entry.amount else "",
                              (entry.note or "").replace("\n", " ")) if part
        )
        for entry in profile.timeline
    ] or ["  nothing logged yet"]  # fmt: skip
    return "\n".join(lines) + "\n"
