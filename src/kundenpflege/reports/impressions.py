"""Listening first: what customers said, how, and in which mood, latest first."""

import re
from dataclasses import dataclass
from datetime import date

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.reports.filters import filter_clause
from kundenpflege.storage.connection import Connection


@dataclass(frozen=True)
class Impression:
    id: int  # the number `interaction edit` and `delete` take
    handle: str
    name: str
    occurred_on: date
    kind: str
    channel: str | None
    direction: str
    person: str | None
    mood: int | None
    note: str | None
    amount: float | None


_MOOD_WORDS = {
    "negative": (-2, -1), "negativ": (-2, -1), "bad": (-2, -1), "schlecht": (-2, -1),
    "neutral": (0, 0),
    "positive": (1, 2), "positiv": (1, 2), "good": (1, 2), "gut": (1, 2),
}  # fmt: skip
_MOOD_RANGE = re.compile(r"(-?[0-2])(?:\.\.(-?[0-2]))?")


def parse_mood_filter(text: str) -> tuple[int, int]:
    """'negative', '-1', or a range '-2..0' into (lowest, highest)."""
    raw = text.strip().lower()
    if raw in _MOOD_WORDS:
        return _MOOD_WORDS[raw]
    if match := _MOOD_RANGE.fullmatch(raw):
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else low
        if low <= high:
            return low, high
    raise KundenpflegeError(
        _(
            "cannot read mood filter '{text}'; use -2..2, a range like -2..-1, negative or positive"
        ).format(text=text)
    )


def recent(
    connection: Connection,
    today: date,
    *,
    last: int = 3,
    customer_id: int | None = None,
    tag: str | None = None,
    tier: str | None = None,
    moods: tuple[int, int] | None = None,
    limit: int | None = None,
    everything: bool = False,
) -> tuple[list[Impression], bool]:
    """The last `last` impressions of each customer, customers with the freshest first.

    `limit` caps customers, not rows; the flag says whether more customers have a
    matching impression. Each customer costs one index lookup; counting them all
    would read the whole interactions table, so the rest are not counted.
    """
    if last < 1:
        raise KundenpflegeError(_("--last must be at least 1"))
    where, parameters = filter_clause(tag, tier)
    if customer_id is not None:
        where += " AND c.id = ?"
        parameters.append(customer_id)
    # An impression is a contact with a mood or a note; `everything` is the timeline.
    impression_filter = "" if everything else " AND (i.mood IS NOT NULL OR i.note IS NOT NULL)"
    mood_parameters: list[object] = []
    if moods:
        impression_filter = " AND i.mood BETWEEN ? AND ?"
        mood_parameters = list(moods)
    customers = connection.execute(
        "SELECT c.id, c.handle, c.name FROM customers c"
        f" WHERE c.last_interaction_on IS NOT NULL{where}"
        " ORDER BY c.last_interaction_on DESC, c.id DESC",
        parameters,
    )
    matching = f"i.occurred_on <= ?{impression_filter}"
    rows: list[Impression] = []
    shown = 0
    for customer in customers:
        if limit is not None and shown >= limit:
            more = connection.execute(
                f"SELECT 1 FROM interactions i WHERE i.customer_id = ? AND {matching} LIMIT 1",
                [customer["id"], today.isoformat(), *mood_parameters],
            ).fetchone()
            if more:
                return rows, True
            continue
        found = connection.execute(
            "SELECT i.*, pe.handle AS person FROM interactions i"
            " LEFT JOIN people pe ON pe.id = i.person_id"
            f" WHERE i.customer_id = ? AND {matching}"
            " ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?",
            [customer["id"], today.isoformat(), *mood_parameters, last],
        ).fetchall()
        if found:
            shown += 1
        rows.extend(
            Impression(
                id=row["id"],
                handle=customer["handle"],
                name=customer["name"],
                occurred_on=date.fromisoformat(row["occurred_on"]),
                kind=row["kind"],
                channel=row["channel"],
                direction=row["direction"],
                person=row["person"],
                mood=row["mood"],
                note=row["note"],
                amount=row["amount"],
            )
            for row in found
        )
    return rows, False
