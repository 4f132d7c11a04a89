"""The text of `show`: one customer on one screen, readable in a terminal or a mail."""

from datetime import date

from kundenpflege import i18n
from kundenpflege.domain.key_dates import KeyDate, sentence, shown_day
from kundenpflege.domain.preferences import Preference
from kundenpflege.domain.vocabulary import label
from kundenpflege.i18n import _
from kundenpflege.present.charts import BLOCKS, Glyphs, heat_strip, mood_line
from kundenpflege.present.escape import one_line
from kundenpflege.present.views import money, mood, text
from kundenpflege.reports.profile import Profile


def describe_preference(preference: Preference) -> str:
    parts = [
        _("who: {person}").format(person=preference.person or "-"),
        _("channel: {channel}").format(channel=label(preference.channel) or "-"),
        _("rhythm: {rhythm}").format(
            rhythm=preference.frequency.describe() if preference.frequency else "-"
        ),
    ]
    if preference.weekdays:
        days = ",".join(i18n.weekday(day) for day in preference.weekdays)
        parts.append(_("days: {days}").format(days=days))
    if preference.time_of_day:
        parts.append(_("time: {time}").format(time=label(preference.time_of_day)))
    if preference.max_frequency:
        parts.append(_("max: {rhythm}").format(rhythm=preference.max_frequency.describe()))
    if preference.do_not_contact:
        parts.append(_("DO NOT CONTACT"))
    if preference.paused_until:
        parts.append(_("pause until {day}").format(day=i18n.day(preference.paused_until)))
    return ", ".join(parts)


def _said(preference: Preference) -> str:
    source = f' ("{preference.source}")' if preference.source else ""
    return _("said {day}").format(day=i18n.day(preference.stated_on)) + source


def _key_date(key: KeyDate) -> str:
    """Its next coming in words, and the day kept: a date gone by says so."""
    who = key.contact or key.name
    kept = f"{label(key.kind)} {shown_day(key.on)}"
    if key.next_on is None:
        return _("{who}: {what} on {day} (gone by)").format(
            who=who, what=key.what or label(key.kind), day=shown_day(key.on)
        )
    return f"{sentence(key, who)} ({kept})"


def _due_text(next_due: date | None, today: date) -> str:
    if not next_due:
        return _("not planned")
    return f"{i18n.day(next_due)} ({i18n.overdue((today - next_due).days)})"


def profile_text(
    profile: Profile, today: date, glyphs: Glyphs = BLOCKS, width: int | None = None
) -> str:
    """The whole profile; `width` is the terminal's (the heat strip fits it), None
    for a pipe or a file."""
    rhythm = profile.rhythm.describe() + (_(" (default)") if profile.rhythm_is_default else "")
    value = (
        _("{amount} a year").format(amount=money(profile.annual_value))
        if profile.annual_value
        else "-"
    )
    facts = [
        _("status: {status}").format(status=label(profile.status)),
        _("tier: {tier}").format(tier=profile.tier or "-"),
        _("tags: {tags}").format(tags=", ".join(profile.tags) or "-"),
        _("value: {value}").format(value=value),
        _("customer since {day}").format(day=i18n.day(profile.customer_since)),
    ]
    due = _due_text(profile.next_due, today)
    lines = [
        f"{profile.name} ({profile.handle})"
        + (f", {profile.company}" if profile.company and profile.company != profile.name else ""),
        "  " + "; ".join(facts),
        "  "
        + _("last contact: {last}; next due: {due}; rhythm: {rhythm}").format(
            last=text(profile.last_contact) or _("never"), due=due, rhythm=rhythm
        ),
    ]
    if profile.paused_until and profile.paused_until > today:
        lines.append("  " + _("paused until {day}").format(day=i18n.day(profile.paused_until)))
    lines += ["", _("Contacts:")]
    lines += [
        "  " + ", ".join(
            part for part in (contact.name + (_(" (main)") if contact.is_main else ""),
                              contact.role, contact.email, contact.phone) if part
        )
        for contact in profile.contacts
    ] or ["  " + _("none yet")]  # fmt: skip
    lines += ["", _("What we know:")]
    lines += [
        f"  #{fact.id} " + (f"{fact.contact}: " if fact.contact else "")
        + " ".join(fact.text.split())
        + f" ({'; '.join(part for part in (i18n.day(fact.learned_on), fact.source) if part)})"
        for fact in profile.facts
    ] or ["  " + _("none yet")]  # fmt: skip
    lines += ["", _("Key dates:")]
    lines += [f"  #{key.id} {_key_date(key)}" for key in profile.key_dates] or [
        "  " + _("none yet")
    ]
    lines += ["", _("Preference:")]
    if profile.preference:
        lines.append(f"  {describe_preference(profile.preference)}")
        lines.append(f"  {_said(profile.preference)}")
    else:
        lines.append("  " + _("nothing stated yet"))
    if len(profile.preference_history) > 1:
        lines += ["", _("Earlier statements (superseded):")]
        lines += [
            f"  {_said(old)}: {describe_preference(old)}" for old in profile.preference_history[1:]
        ]
    for wish in profile.contact_wishes:
        current, *earlier = wish.wishes
        lines += ["", _("Wish of {contact}:").format(contact=wish.contact)]
        lines.append(f"  {describe_preference(current)}")
        lines.append(f"  {_said(current)}")
        lines.append(
            "  "
            + _("last contact: {last}; next due: {due}").format(
                last=text(wish.last_contact) or _("never"), due=_due_text(wish.next_due, today)
            )
        )
        lines += [f"  {_said(old)}: {describe_preference(old)}" for old in earlier]
    lines += ["", _("Open follow-ups:")]
    lines += [
        "  "
        + _("#{number} due {day} (promised {promised}): {what}").format(
            number=followup.id,
            day=i18n.day(followup.due_on),
            promised=i18n.day(followup.promised_on),
            what=followup.what,
        )
        + (f" ({followup.person})" if followup.person else "")
        for followup in profile.open_followups
    ] or ["  " + _("none")]
    lines += ["", _("Consent:")]
    lines += [f"  {purpose}: {_(state)}" for purpose, state in profile.consent.items()] or [
        "  " + _("none recorded")
    ]
    lines += ["", *heat_strip(profile.weeks, today, glyphs, width)]
    lines.append(mood_line(profile.moods, glyphs))
    lines += ["", _("Timeline (latest {count}):").format(count=len(profile.timeline))]
    # Aligned columns (an empty mood or channel leaves its column empty), the note last.
    cells = [
        [f"#{entry.id}", i18n.day(entry.occurred_on), label(entry.kind), label(entry.channel),
         label(entry.direction), entry.person or "", mood(entry.mood),
         money(entry.amount) if entry.amount else ""]
        for entry in profile.timeline
    ]  # fmt: skip
    widths = [max((len(row[column]) for row in cells), default=0) for column in range(8)]
    columns = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True) if width)
        for row in cells
    ]
    lines += [
        f"  {aligned}  {' '.join((entry.note or '').split())}"
        for aligned, entry in zip(columns, profile.timeline, strict=True)
    ] or ["  " + _("nothing logged yet")]
    return "".join(one_line(line.rstrip()) + "\n" for line in lines)


def wrapped(text: str, width: int) -> str:
    """Lines longer than the terminal broken between words, continued under their
    own indent: no word, date or number is cut in the middle."""
    import textwrap

    out = []
    for line in text.splitlines():
        indent = " " * (len(line) - len(line.lstrip()) + 4)
        out += textwrap.wrap(line, width=width, subsequent_indent=indent, break_long_words=False,
                             break_on_hyphens=False) or [""]  # fmt: skip
    return "".join(line + "\n" for line in out)
