"""The customer decides: a contact of ours is checked against what they had said by
its day. Do-not-contact refuses (unless the contact happened anyway and is logged
with `--anyway`); another person, another channel, or a contact inside their pause
is logged with a warning, because it happened and the journal must say so.

Only contacts we started are checked: when the customer calls, we answer.
"""

from bisect import bisect_right
from datetime import date

from kundenpflege.domain import consent, preferences
from kundenpflege.domain.vocabulary import label
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import N_, _
from kundenpflege.i18n import day as shown
from kundenpflege.storage.connection import Connection

RECENT_DAYS = 90  # how far back `health` lists contacts against their wish
# What a contact of ours can go against, worst first (codes in data, words for people).
BREACHES = {
    "do-not-contact": N_("they asked not to be contacted"),
    "person": N_("by {person}; they chose {chosen}"),
    "channel": N_("by {channel}; they asked for {wanted}"),
    "pause": N_("inside their pause until {until}"),
    "consent": N_("{purpose} without confirmed consent"),
}


def breached(
    wish: preferences.Preference | None,
    *,
    day: date,
    person: str | None,
    channel: str | None,
    consented: bool | None,
) -> tuple[str, ...]:
    """What of the wish in force on `day` a contact of ours went against: codes of
    BREACHES; `consented` is None for a contact that was not marketing."""
    found = []
    if wish and wish.do_not_contact:
        found.append("do-not-contact")
    if wish and wish.person and person and person != wish.person:
        found.append("person")
    if wish and wish.channel and channel and channel != wish.channel:
        found.append("channel")
    if wish and wish.paused_until and day < wish.paused_until:
        found.append("pause")
    if consented is False:
        found.append("consent")
    return tuple(found)


def check_contact(
    connection: Connection,
    customer_id: int,
    *,
    day: date,
    channel: str | None,
    person: str | None,
    contact_id: int | None = None,
    purpose: str | None = None,
    anyway: bool = False,
) -> list[str]:
    """Warnings for an outbound contact on `day` by `person` (None: the one they chose)
    over `channel`, to the customer or one `contact_id` there, for a marketing
    `purpose` or none; raises when they asked not to be contacted at all."""
    (handle,) = connection.execute(
        "SELECT handle FROM customers WHERE id = ?", (customer_id,)
    ).fetchone()
    if contact_id is not None:  # named as `prefer` and `due` name them: handle/contact
        (name,) = connection.execute(
            "SELECT name FROM contacts WHERE id = ?", (contact_id,)
        ).fetchone()
        handle = f"{handle}/{name}"
    wish = preferences.in_force(connection, customer_id, day, contact_id)
    consented = None
    if purpose:
        state = consent.state_on(connection, customer_id, purpose, contact_id, day)
        consented = state == "confirmed"
    found = breached(wish, day=day, person=person, channel=channel, consented=consented)
    if "do-not-contact" in found and wish and not anyway:
        # Who asked: the firm (for everyone there) or the contact, and when.
        firm = preferences.in_force(connection, customer_id, day) if contact_id else None
        asked = firm if firm and firm.do_not_contact else wish
        who = handle.split("/")[0] if asked is firm else handle
        raise KundenpflegeError(
            _("{handle} asked not to be contacted (stated {day}); nothing was logged; if the"
              " contact happened all the same, log it with --anyway").format(
                handle=who, day=shown(asked.stated_on))
        )  # fmt: skip
    warnings = []
    if "person" in found and wish:
        warnings.append(
            _("Warning: {handle} chose {chosen} to contact them; this contact was by"
              " {person}.").format(handle=handle, chosen=wish.person, person=person)
        )  # fmt: skip
    if "channel" in found and wish:
        warnings.append(
            _("Warning: {handle} asked to be contacted by {wanted}; this contact was by"
              " {channel}.").format(handle=handle, wanted=label(wish.channel),
                                    channel=label(channel))
        )  # fmt: skip
    if "pause" in found and wish and wish.paused_until:
        warnings.append(
            _("Warning: {handle} asked for a pause until {until}.").format(
                handle=handle, until=shown(wish.paused_until)
            )
        )
    if "consent" in found and purpose:
        warnings.append(
            _("Warning: {handle} has no confirmed consent to {purpose} (double opt-in) for"
              " this contact; marketing needs it.").format(handle=handle, purpose=label(purpose))
        )  # fmt: skip
    return warnings


def computed_breaches(
    connection: Connection, chunk: list[int], marks: str, after: date | None = None
) -> list[tuple[int, int, str, str]]:
    """(interaction, customer, day, codes) of every contact of ours with these
    customers (dated `after` a day, if given) that went against the wish in force
    that day, with three reads."""
    contacts = connection.execute(
        "SELECT i.id, i.customer_id, i.occurred_on, pe.handle, i.channel, i.contact_id,"
        " i.purpose FROM interactions i LEFT JOIN people pe ON pe.id = i.person_id"
        f" WHERE i.customer_id IN ({marks}) AND i.direction = 'out' AND i.occurred_on > ?"
        " AND (i.purpose IS NOT NULL"
        " OR EXISTS (SELECT 1 FROM preferences p WHERE p.customer_id = i.customer_id))",
        [*chunk, after.isoformat() if after else ""],
    ).fetchall()
    if not contacts:
        return []
    said: dict[tuple[int, int | None], list[tuple[str, preferences.Preference]]] = {}
    for row in connection.execute(
        f"SELECT p.*, pe.handle AS person FROM preferences p"
        f" LEFT JOIN people pe ON pe.id = p.person_id WHERE p.customer_id IN ({marks})"
        " ORDER BY p.stated_on, p.id",
        chunk,
    ):
        said.setdefault((row["customer_id"], row["contact_id"]), []).append(
            (row["stated_on"], preferences.from_row(row))
        )
    ledger: dict[tuple[int, int | None, str], list[tuple[date, str]]] = {}
    for customer_id, contact_id, purpose, action, recorded_at in connection.execute(
        "SELECT customer_id, contact_id, purpose, action, recorded_at FROM consent"
        f" WHERE customer_id IN ({marks}) ORDER BY id",
        chunk,
    ):
        day = consent.local_day(recorded_at)
        ledger.setdefault((customer_id, contact_id, purpose), []).append((day, action))
    found = []
    for row_id, customer_id, day_text, person, channel, contact_id, purpose in contacts:
        day = date.fromisoformat(day_text)
        wish = _said_by(said.get((customer_id, None), []), day_text)
        if contact_id is not None:
            own = _said_by(said.get((customer_id, contact_id), []), day_text)
            wish = preferences.overlay(wish, own)
        consented = None
        if purpose:
            known = ledger.get((customer_id, contact_id, purpose), [])
            consented = consent.standing(known, day) == "confirmed"
        codes = breached(wish, day=day, person=person, channel=channel, consented=consented)
        if codes:
            found.append((row_id, customer_id, day_text, ",".join(codes)))
    return found


def _said_by(
    statements: list[tuple[str, preferences.Preference]], day: str
) -> preferences.Preference | None:
    """The newest statement made on or before `day` (statements in the order made)."""
    index = bisect_right([stated for stated, _ in statements], day)
    return statements[index - 1][1] if index else None
