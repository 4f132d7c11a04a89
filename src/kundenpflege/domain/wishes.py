"""The customer decides: a contact of ours is checked against what they had said by
its day. Do-not-contact refuses (unless the contact happened anyway and is logged
with `--anyway`); another person, another channel, or a contact inside their pause
is logged with a warning, because it happened and the journal must say so.

Only contacts we started are checked: when the customer calls, we answer.
"""

import sqlite3
from datetime import date

from kundenpflege.domain import consent, preferences
from kundenpflege.domain.vocabulary import label
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.i18n import day as shown


def check_contact(
    connection: sqlite3.Connection,
    customer_id: int,
    *,
    day: date,
    today: date,
    channel: str | None,
    person: str | None,
    contact_id: int | None = None,
    purpose: str | None = None,
    anyway: bool = False,
) -> list[str]:
    """Warnings for an outbound contact on `day` by `person` (None: the one they chose)
    over `channel`, to the customer or one `contact_id` there, for a marketing
    `purpose` or none; raises when they asked not to be contacted at all."""
    handle, paused = connection.execute(
        "SELECT handle, paused_until FROM customers WHERE id = ?", (customer_id,)
    ).fetchone()
    if contact_id is not None:  # named as `prefer` and `due` name them: handle/contact
        (name,) = connection.execute(
            "SELECT name FROM contacts WHERE id = ?", (contact_id,)
        ).fetchone()
        handle = f"{handle}/{name}"
    wish = preferences.in_force(connection, customer_id, day, contact_id)
    warnings = []
    if wish and wish.do_not_contact and not anyway:
        raise KundenpflegeError(
            _("{handle} asked not to be contacted (stated {day}); nothing was logged; if the"
              " contact happened all the same, log it with --anyway").format(
                handle=handle, day=shown(wish.stated_on))
        )  # fmt: skip
    if wish and wish.person and person and person != wish.person:
        warnings.append(
            _("Warning: {handle} chose {chosen} to contact them; this contact was by"
              " {person}.").format(handle=handle, chosen=wish.person, person=person)
        )  # fmt: skip
    if wish and wish.channel and channel and channel != wish.channel:
        warnings.append(
            _("Warning: {handle} asked to be contacted by {wanted}; this contact was by"
              " {channel}.").format(handle=handle, wanted=label(wish.channel),
                                    channel=label(channel))
        )  # fmt: skip
    # The journal keeps the end of a pause, not when it was asked for: only a contact
    # of today (or later) is known to fall inside it.
    if paused and today <= day and day.isoformat() < paused:
        warnings.append(
            _("Warning: {handle} asked for a pause until {until}.").format(
                handle=handle, until=shown(date.fromisoformat(paused))
            )
        )
    if (
        purpose
        and consent.state_on(connection, customer_id, purpose, contact_id, day) != "confirmed"
    ):
        warnings.append(
            _("Warning: {handle} has no confirmed consent to {purpose} (double opt-in) for"
              " this contact; marketing needs it.").format(handle=handle, purpose=label(purpose))
        )  # fmt: skip
    return warnings
