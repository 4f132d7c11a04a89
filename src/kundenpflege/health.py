"""Relationships at risk: the last impression, silence, a falling mood, too much contact.

Reads only the signals stored on each customer row, so it stays fast on large journals.
"""

import sqlite3
from dataclasses import dataclass
from datetime import date

from kundenpflege.customers import filter_clause
from kundenpflege.dates import Frequency, from_iso, parse_frequency
from kundenpflege.due import preview

# A mood this much lower than before counts as falling (scale -2..2).
FALLING_BY = 1.0
REASON_ORDER = ("negative-last-impression", "falling-mood", "over-contacted", "silent")


@dataclass(frozen=True)
class Risk:
    handle: str
    name: str
    reason: str
    detail: str
    since: date | None
    next_step: str
    person: str | None
    channel: str | None


def _rhythm(row: sqlite3.Row, default: Frequency) -> Frequency:
    return parse_frequency(row["frequency"]) if row["frequency"] else default


def risks_of(
    row: sqlite3.Row, today: date, default: Frequency
) -> list[tuple[str, str, date | None, str]]:
    """(reason, detail, since, next step) for one customer row; empty when all is well."""
    found = []
    last_on = from_iso(row["last_interaction_on"])
    if row["negative_unrepaired"]:
        found.append((
            "negative-last-impression",
            f"mood {row['last_mood']:+d}: {preview(row['last_note']) or row['last_kind']}",
            last_on,
            "apologise or put it right, then log it",
        ))  # fmt: skip
    if row["mood_trend"] is not None and row["mood_trend"] <= -FALLING_BY:
        found.append((
            "falling-mood", f"recent moods {row['mood_trend']:+.1f} below earlier ones", last_on,
            "ask what has changed",
        ))  # fmt: skip
    if row["max_frequency"] and row["outbound_gap_days"] is not None:
        maximum = parse_frequency(row["max_frequency"])
        last_out = from_iso(row["last_outbound_on"])
        if (
            last_out
            and row["outbound_gap_days"] < maximum.approximate_days
            and (today - last_out).days < maximum.approximate_days
        ):
            found.append((
                "over-contacted",
                f"two contacts {row['outbound_gap_days']} days apart; maximum {maximum.describe()}",
                last_out,
                f"hold back until {(last_out + maximum.delta).isoformat()}",
            ))  # fmt: skip
    silent_from = from_iso(row["silent_from"])
    if silent_from and silent_from <= today:
        rhythm = _rhythm(row, default).describe()
        detail = (
            f"no contact for {(today - last_on).days} days; they want {rhythm}"
            if last_on
            else f"never contacted; they want {rhythm}"
        )
        found.append(("silent", detail, last_on, "get in touch"))
    if row["do_not_contact"]:
        found = [(reason, detail, since, "do not contact: they asked not to be")
                 for reason, detail, since, _ in found]  # fmt: skip
    return found


def at_risk(
    connection: sqlite3.Connection,
    today: date,
    *,
    default: Frequency,
    tag: str | None = None,
    tier: str | None = None,
    person: str | None = None,
    limit: int | None = None,
) -> tuple[list[Risk], int]:
    """Every risk of every current customer, worst kind first, oldest first within a kind."""
    where, parameters = filter_clause(tag, tier)
    if person:
        where += " AND pe.handle = ?"
        parameters.append(person)
    rows = connection.execute(
        "SELECT c.handle, c.name, c.last_interaction_on, c.last_mood, c.last_kind, c.mood_trend,"
        " c.outbound_gap_days, c.last_outbound_on, c.silent_from, p.frequency, p.max_frequency,"
        " coalesce(p.do_not_contact, 0) AS do_not_contact, p.channel, pe.handle AS person,"
        " CASE WHEN c.last_mood < 0 AND coalesce(c.last_kind, '') != 'apology' AND NOT EXISTS"
        "  (SELECT 1 FROM followups f JOIN interactions li ON li.id = c.last_interaction_id"
        "   WHERE f.customer_id = c.id AND f.status = 'done' AND f.done_at >= li.occurred_at)"
        " THEN 1 ELSE 0 END AS negative_unrepaired,"
        " CASE WHEN c.last_mood < 0 THEN (SELECT note FROM interactions"
        "  WHERE id = c.last_interaction_id) END AS last_note"
        " FROM customers c LEFT JOIN preferences p ON p.id = c.preference_id"
        " LEFT JOIN people pe ON pe.id = p.person_id"
        " WHERE c.status != 'former' AND (c.last_mood < 0 OR c.mood_trend <= ?"
        " OR c.silent_from <= ?"
        " OR (c.outbound_gap_days IS NOT NULL AND p.max_frequency IS NOT NULL))"
        f"{where}",
        [-FALLING_BY, today.isoformat(), *parameters],
    )
    found = [
        Risk(row["handle"], row["name"], reason, detail, since, step, row["person"],
             row["channel"])
        for row in rows
        for reason, detail, since, step in risks_of(row, today, default)
    ]  # fmt: skip
    found.sort(key=lambda risk: (REASON_ORDER.index(risk.reason), risk.since or date.min,
                                 risk.handle))  # fmt: skip
    return (found[:limit] if limit is not None else found), len(found)
