"""When new customers from an import are first due (issue 16 §4): not all on the day
they came, but spread evenly over the first cycle of their rhythm, in handle order, on
working days (their own weekdays where they named some; never a public holiday)."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from kundenpflege.domain import rhythm, workdays
from kundenpflege.domain.dates import parse_frequency, parse_weekdays
from kundenpflege.storage.connection import Connection

# A customer's rhythm and weekdays as stored ("2w", "tue,thu"; None: the journal's
# default rhythm, our working days); None for a customer not to be planned.
Rhythm = tuple[str | None, str | None]


def spread(
    connection: Connection,
    handles: Sequence[str],
    rhythms: Sequence[Rhythm | None],
    today: date,
) -> list[date | None]:
    """The first due day of each new customer, in their order (None where their rhythm
    is: paused, former). Those alike in rhythm and weekdays share the suitable days
    from today up to one rhythm later: the n-th of k in handle order gets the day at
    n/k of them, so the first is due on the first suitable day and two share a day
    only when there are more customers than days."""
    default = rhythm.default_frequency(connection).code
    groups: dict[Rhythm, list[int]] = defaultdict(list)
    for index, stated in enumerate(rhythms):
        if stated is not None:
            groups[(stated[0] or default, stated[1])].append(index)
    days: list[date | None] = [None] * len(handles)
    if not groups:
        return days
    ends = {key: today + parse_frequency(str(key[0])).delta for key in groups}
    calendar = workdays.calendar(connection, today, max(ends.values()))
    for key, members in groups.items():
        preferred = parse_weekdays(key[1]) if key[1] else ()
        wanted = preferred or calendar.workdays
        cycle = (today + timedelta(days=n) for n in range((ends[key] - today).days))
        suitable = [
            day for day in cycle if day.weekday() in wanted and day not in calendar.holidays
        ]
        if not suitable:  # a rhythm shorter than the days off ahead (daily, on a Sunday)
            suitable = [workdays.suggest(today, preferred, calendar).day]
        members.sort(key=handles.__getitem__)
        count, size = len(suitable), len(members)
        for position, index in enumerate(members):
            days[index] = suitable[position * count // size]
    return days


def week_end(today: date) -> date:
    """The Sunday that ends this week: what "due this week" counts up to."""
    return today + timedelta(days=6 - today.weekday())
