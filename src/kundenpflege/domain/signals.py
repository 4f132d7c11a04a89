"""What a customer's contact history says at a glance, stored on the customer row.

Computed from one pass over the customer's interactions whenever they change, so
the insight reports never have to read the whole interactions table.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from kundenpflege.domain.dates import Frequency

# The mood trend compares the newest moods with the ones just before them.
RECENT_MOODS = 2
EARLIER_MOODS = 3
# Recent moods this much below earlier ones count as a falling mood (scale -2..2).
FALLING_BY = 1.0
# An outbound contact this soon after the customer reached out is a reaction.
REACTION_WINDOW = timedelta(days=7)


# (id, occurred_on, direction, mood, kind, amount), newest first.
HistoryRow = tuple[int, str, str, int | None, str, float | None]
# A promise that was not cancelled: the day it was made, the day it is due, and the
# day it was kept (if so).
Promise = tuple[date, date, date | None]


@dataclass(frozen=True)
class Signals:
    last_id: int | None = None
    last_on: date | None = None
    last_mood: int | None = None
    last_kind: str | None = None
    last_outbound_on: date | None = None
    last_inbound_on: date | None = None
    last_proactive_on: date | None = None  # our last contact that was not a reaction
    last_counted_on: date | None = None  # our last contact that counts toward their maximum
    outbound_gap_days: int | None = None  # between the two newest that count
    mood_trend: float | None = None  # recent average minus earlier average
    orders_total: float = 0.0


def mood_trend(moods: list[int]) -> float | None:
    """Newest-first moods: needs two recent and at least two earlier ones."""
    recent, earlier = moods[:RECENT_MOODS], moods[RECENT_MOODS : RECENT_MOODS + EARLIER_MOODS]
    if len(recent) < RECENT_MOODS or len(earlier) < 2:
        return None
    return sum(recent) / len(recent) - sum(earlier) / len(earlier)


def counted_outbound(
    history: list[HistoryRow], promises: Iterable[Promise] = ()
) -> list[tuple[int, date]]:
    """Our outbound contacts (id, day), newest first, that were our own initiative: not
    an apology, not our answer within a week to the customer's own contact, and not the
    keeping of a promise (on or after its day, made before and still open). Only these count
    toward a customer's maximum; without `promises`, they are our proactive contacts."""
    kept = list(promises)
    counted = []
    last_inbound: date | None = None
    for row_id, day_text, direction, _, kind, _ in reversed(history):
        day = date.fromisoformat(day_text)
        if direction == "in":
            last_inbound = day
        elif not (
            kind == "apology"
            or (last_inbound and day - last_inbound <= REACTION_WINDOW)
            or any(
                made <= day and due <= day and (done is None or done >= day)
                for made, due, done in kept
            )
        ):
            counted.append((row_id, day))
    return counted[::-1]


def last_proactive(history: list[HistoryRow]) -> date | None:
    """Our newest outbound contact that was neither an apology nor a reply within a week."""
    proactive = counted_outbound(history)
    return proactive[0][1] if proactive else None


def from_history(rows: Iterable[HistoryRow], promises: Iterable[Promise] = ()) -> Signals:
    """Everything above from one customer's history, newest first, and their promises."""
    history = list(rows)
    if not history:
        return Signals()
    outbound = [date.fromisoformat(row[1]) for row in history if row[2] == "out"][:1]
    counted = [day for _id, day in counted_outbound(history, promises)][:2]
    inbound = next((row[1] for row in history if row[2] == "in"), None)
    newest = history[0]
    return Signals(
        last_id=newest[0],
        last_on=date.fromisoformat(newest[1]),
        last_mood=newest[3],
        last_kind=newest[4],
        last_outbound_on=outbound[0] if outbound else None,
        last_inbound_on=date.fromisoformat(inbound) if inbound else None,
        last_proactive_on=last_proactive(history),
        last_counted_on=counted[0] if counted else None,
        outbound_gap_days=(counted[0] - counted[1]).days if len(counted) == 2 else None,
        mood_trend=mood_trend([row[3] for row in history if row[3] is not None]),
        orders_total=sum(row[5] or 0.0 for row in history),
    )


@dataclass(frozen=True)
class Risks:
    """Since when a customer is at risk, per kind (None: not at risk that way)."""

    negative_since: date | None = None  # bad last impression, not repaired
    falling_since: date | None = None
    over_contact_until: date | None = None  # we exceeded their maximum; hold back till then


def risks(
    history: Signals, *, last_repair: date | None, maximum: Frequency | None, current: bool
) -> Risks:
    """The last impression dominates: a negative one stays a risk until an apology, a
    better contact or a kept promise (a done follow-up) comes after it."""
    if not current or history.last_on is None:
        return Risks()
    negative = (
        history.last_mood is not None
        and history.last_mood < 0
        and history.last_kind != "apology"
        and not (last_repair and last_repair >= history.last_on)
    )
    falling = history.mood_trend is not None and history.mood_trend <= -FALLING_BY
    over = None
    if maximum and history.outbound_gap_days is not None and history.last_counted_on:
        if history.outbound_gap_days < maximum.approximate_days:
            over = history.last_counted_on + maximum.delta
    return Risks(
        negative_since=history.last_on if negative else None,
        falling_since=history.last_on if falling else None,
        over_contact_until=over,
    )
