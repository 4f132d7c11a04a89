"""The only reader of the current time, so tests and demos can pin it."""

import os
from datetime import UTC, date, datetime

PIN_VARIABLE = "KUNDENPFLEGE_NOW"


def now() -> datetime:
    """The current instant (aware, UTC); `KUNDENPFLEGE_NOW` pins it for tests and demos."""
    pinned = os.environ.get(PIN_VARIABLE)
    if pinned:
        from kundenpflege.limits import FIRST_YEAR, LAST_YEAR

        try:
            moment = datetime.fromisoformat(pinned)
            if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # the years the journal keeps
                raise ValueError(pinned)
        except ValueError:
            from kundenpflege.errors import KundenpflegeError
            from kundenpflege.i18n import _

            raise KundenpflegeError(
                _("{variable}='{value}' is not a date and time like 2026-11-25T09:00+01:00").format(
                    variable=PIN_VARIABLE, value=pinned
                )
            ) from None
        if moment.tzinfo is None:
            moment = moment.astimezone()
        return moment.astimezone(UTC)
    return datetime.now(UTC)


def today() -> date:
    """Today's date in the user's local time zone."""
    return now().astimezone().date()
