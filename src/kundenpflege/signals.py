"""What a customer's contact history says at a glance, stored on the customer row.

Computed from one pass over the customer's interactions whenever they change, so
the insight reports never have to read the whole interactions table.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# The mood trend compares the newest moods with the ones just before them.
RECENT_MOODS = 2
EARLIER_MOODS = 3


@dataclass(frozen=True)
class Signals:
    last_id: int | None = None
    last_on: date | None = None
    last_mood: int | None = None
    last_kind: str | None = None
    last_outbound_on: date | None = None
    last_inbound_on: date | None = None
    outbound_gap_days: int | None = None  # between the two newest outbound contacts
    mood_trend: float | None = None  # recent average minus earlier average
    orders_total: float = 0.0


def mood_trend(moods: list[int]) -> float | None:
    """Newest-first moods: needs two recent and at least two earlier ones."""
    recent, earlier = moods[:RECENT_MOODS], moods[RECENT_MOODS : RECENT_MOODS + EARLIER_MOODS]
    if len(recent) < RECENT_MOODS or len(earlier) < 2:
        return None
    return sum(recent) / len(recent) - sum(earlier) / len(earlier)


def from_history(rows: Iterable[tuple[int, str, str, int | None, str, float | None]]) -> Signals:
    """Rows (id, occurred_on, direction, mood, kind, amount), newest first."""
    history = list(rows)
    if not history:
        return Signals()
    outbound = [date.fromisoformat(row[1]) for row in history if row[2] == "out"][:2]
    inbound = next((row[1] for row in history if row[2] == "in"), None)
    newest = history[0]
    return Signals(
        last_id=newest[0],
        last_on=date.fromisoformat(newest[1]),
        last_mood=newest[3],
        last_kind=newest[4],
        last_outbound_on=outbound[0] if outbound else None,
        last_inbound_on=date.fromisoformat(inbound) if inbound else None,
        outbound_gap_days=(outbound[0] - outbound[1]).days if len(outbound) == 2 else None,
        mood_trend=mood_trend([row[3] for row in history if row[3] is not None]),
        orders_total=sum(row[5] or 0.0 for row in history),
    )
