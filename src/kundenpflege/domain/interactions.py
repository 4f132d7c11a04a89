"""Logging what happened: each contact resets the customer's clock (DESIGN §3)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from kundenpflege import i18n
from kundenpflege.domain import customers, journal, people, preferences, vocabulary
from kundenpflege.domain.dates import Frequency
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _, ngettext
from kundenpflege.limits import MAX_NOTE_BYTES
from kundenpflege.storage.connection import Connection

# Clocks drift; anything later than this is a plan, which belongs in a follow-up.
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True)
class Logged:
    interaction_id: int
    followup_id: int | None
    followup_due: date | None = None
    contact_id: int | None = None
    notices: list[str] = field(default_factory=list)


def check_note(note: str) -> str:
    """A note is text people wrote: no NUL, and at most a megabyte."""
    if "\x00" in note:
        raise KundenpflegeError(_("the note contains a NUL character; nothing was logged"))
    if len(note.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
        raise KundenpflegeError(
            _("the note is longer than {size} MiB; nothing was logged").format(
                size=MAX_NOTE_BYTES >> 20
            )
        )
    return note


def occurred(at: datetime, now: datetime) -> tuple[str, str]:
    """The stored moment and local day of an entry; the past only, as plans are follow-ups."""
    if at > now + FUTURE_TOLERANCE:
        raise KundenpflegeError(
            _("{moment} is in the future; plan it with 'kundenpflege followup add'").format(
                moment=i18n.moment(at)
            )
        )
    return at.astimezone(now.tzinfo).isoformat(
        timespec="seconds"
    ), at.astimezone().date().isoformat()


@journal.writes
def log(
    connection: Connection,
    customer_id: int,
    *,
    at: datetime,
    now: datetime,
    channel: str | None = None,
    kind: str | None = None,
    direction: str | None = None,
    person: str | None = None,
    contact: str | None = None,
    mood: int | None = None,
    note: str | None = None,
    followup_on: date | None = None,
    amount: float | None = None,
    anyway: bool = False,
    purpose: str | None = None,
    flexible: bool = False,
) -> Logged:
    """Store one interaction (and its follow-up: `flexible` when it was "+2d" rather
    than a named day) and move the customer's next due date."""
    customers.still_changeable(connection, customer_id)  # found before the note was typed
    if note is not None:
        check_note(note)
    occurred_at, occurred_on = occurred(at, now)
    if amount is not None:
        customers.check_money(amount, _("amount"))
    if mood is not None:
        vocabulary.mood(mood)
    notices: list[str] = []
    contact_id = None
    if contact:
        from kundenpflege.domain import contacts  # most contacts are logged without one

        contact_id = contacts.find(connection, customer_id, contact).id
    # A contact's own wish over the customer's: who of us, which channel, how often.
    preference = preferences.current(connection, customer_id, contact_id)
    channel_name = vocabulary.channel(channel) if channel else None
    kind_name = vocabulary.kind(kind) if kind else None
    if kind_name is None:
        kind_name = vocabulary.KIND_FOR_CHANNEL.get(channel_name or "", vocabulary.DEFAULT_KIND)
    if channel_name is None:
        channel_name = vocabulary.CHANNEL_FOR_KIND.get(kind_name)
    if direction is None:
        direction_name = "in" if kind_name in vocabulary.INBOUND_KINDS else "out"
    else:
        direction_name = vocabulary.direction(direction)
    if purpose is not None:
        from kundenpflege.domain.consent import check_purpose

        check_purpose(purpose)
    person_id = None
    if person:
        person_id = people.person_id(connection, person)
    elif preference and preference.person:
        person_id = people.person_id(connection, preference.person)
    if direction_name == "out":
        from kundenpflege.domain import wishes  # what we started is checked against their wish

        notices += wishes.check_contact(
            connection, customer_id, day=date.fromisoformat(occurred_on), channel=channel_name,
            person=person, contact_id=contact_id, purpose=purpose, anyway=anyway,
        )  # fmt: skip
    text = note.strip() if note and note.strip() else None
    cursor = connection.execute(
        "INSERT INTO interactions (customer_id, occurred_at, occurred_on, channel, direction,"
        " kind, person_id, contact_id, mood, note, amount, recorded_at, purpose)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            customer_id,
            occurred_at,
            occurred_on,
            channel_name,
            direction_name,
            kind_name,
            person_id,
            contact_id,
            mood,
            text,
            amount,
            now.isoformat(timespec="seconds"),
            purpose,
        ),
    )
    interaction_id = int(cursor.lastrowid or 0)
    followup_id = followup_due = None
    if followup_on is not None:
        from kundenpflege.domain import followups  # only a promise needs them

        if followup_on < date.fromisoformat(occurred_on):
            raise KundenpflegeError(
                _("a promise made on {promised} cannot be due on {due}, before it was made")
                .format(promised=i18n.day(date.fromisoformat(occurred_on)),
                        due=i18n.day(followup_on))
            )  # fmt: skip

        what = (
            text.splitlines()[0].strip()
            if text
            else _("follow up on {kind}").format(kind=_(kind_name))
        )
        followup_id, followup_due = followups.add(
            connection,
            customer_id,
            what=what,
            promised_on=date.fromisoformat(occurred_on),
            due_on=followup_on,
            person_id=person_id,
            now=now,
            interaction_id=interaction_id,
            flexible=flexible,
            contact_id=contact_id,
        )
    journal.settle(connection)  # the over-contact verdict below reads the recomputed row
    if direction_name == "out" and preference and preference.max_frequency:
        notices.extend(_over_contact(connection, customer_id, interaction_id,
                                     preference.max_frequency))  # fmt: skip
    return Logged(interaction_id, followup_id, followup_due, contact_id, notices)


def _over_contact(
    connection: Connection, customer_id: int, interaction_id: int, maximum: Frequency
) -> list[str]:
    """A warning, not an error: the contact happened, but the customer asked for less.

    Our contacts that count toward their maximum (`signals.counted_outbound`, as the
    unit of work reads them) decide: this one too soon after the one before it, or,
    logged late, too soon before the one after it.
    """
    from kundenpflege.domain import schedule  # read only when they stated a maximum

    counted = schedule.counted_outbound(connection, customer_id)
    position = next(
        (at for at, (number, _day) in enumerate(counted) if number == interaction_id), None
    )
    if position is None:
        return []  # an answer, an apology or a kept promise: never too much
    handle = connection.execute("SELECT handle FROM customers WHERE id = ?", (customer_id,))
    this = counted[position][1]
    before = counted[position + 1][1] if position + 1 < len(counted) else None
    after = counted[position - 1][1] if position > 0 else None
    if before is not None and (this - before).days < maximum.approximate_days:
        gap, earlier = (this - before).days, True
    elif after is not None and (after - this).days < maximum.approximate_days:
        gap, earlier = (after - this).days, False
    else:
        return []
    if gap == 0:
        when = _("the same day")
    elif earlier:
        when = ngettext("{days} day earlier", "{days} days earlier", gap).format(days=gap)
    else:
        when = ngettext("{days} day later", "{days} days later", gap).format(days=gap)
    text = (
        _("Warning: {handle} asked to be contacted not more than {maximum};"
          " our previous contact was {when}.")
        if earlier
        else _("Warning: {handle} asked to be contacted not more than {maximum};"
               " our next contact was {when}.")
    )  # fmt: skip
    return [text.format(handle=handle.fetchone()[0], maximum=maximum.describe(), when=when)]
