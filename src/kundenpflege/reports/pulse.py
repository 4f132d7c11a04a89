"""The journal on one screen: how well customers are looked after, now and last period.

Contact figures compare the last N days with the N days before. Figures about the
state of each customer (overdue, silent, at risk) exist only for today, because
the journal keeps no snapshots; their `previous` is empty.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from kundenpflege.i18n import N_
from kundenpflege.reports import health
from kundenpflege.reports import reactive as reactive_report
from kundenpflege.reports.filters import selection, selection_parts
from kundenpflege.reports.tally import Tally, share, tally, total
from kundenpflege.storage.connection import Connection


@dataclass(frozen=True)
class PulseRow:
    measure: str
    current: float | None
    previous: float | None
    change: float | None


def _row(measure: str, current: float | None, previous: float | None = None) -> PulseRow:
    change = None
    if current is not None and previous is not None:
        change = round(current - previous, 3)
    return PulseRow(measure, current, previous, change)


def _flows(counts: Tally) -> dict[str, float | None]:
    return {
        N_("contacts"): counts["contacts"],
        N_("proactive share (we reached out)"): share(counts["outbound"], counts["contacts"]),
        N_("complaint share"): share(counts["complaints"], counts["contacts"]),
        N_("personal share (phone, visit, video)"): share(counts["personal"], counts["contacts"]),
        N_("average mood"): round(counts["mood_total"] / counts["moods"], 2)
        if counts["moods"]
        else None,
        N_("positive share of moods"): share(counts["positive"], counts["moods"]),
    }


def pulse(
    connection: Connection,
    today: date,
    *,
    period_days: int = 30,
    tag: str | None = None,
    tier: str | None = None,
    person: str | None = None,
) -> list[PulseRow]:
    filters = {"tag": tag, "tier": tier, "person": person}
    period = timedelta(days=period_days)
    current = _flows(total(tally(connection, today - period, today, **filters)))
    previous = _flows(total(tally(connection, today - 2 * period, today - period, **filters)))
    source, parameters = selection(tag, tier, person)
    day = today.isoformat()
    risky_sql, risky_parameters = health.any_risk(today)
    # Reactive only as `reactive` lists them: its definition, its window.
    reactive_sql, reactive_parameters = reactive_report.predicate(today)
    state = connection.execute(
        f"SELECT count(*), coalesce(sum({risky_sql}), 0), sum(c.next_due IS NOT NULL),"
        " coalesce(sum(c.next_due >= ?), 0), coalesce(sum(c.silent_from <= ?), 0),"
        f" coalesce(sum(c.last_mood > 0), 0), coalesce(sum({reactive_sql}), 0)"
        f"{source}",
        [*risky_parameters, day, day, *reactive_parameters, *parameters],
    ).fetchone()
    customers, risky, planned, on_time, silent, positive, reactive = (value or 0 for value in state)
    # Driven by the few open follow-ups, not by every customer.
    joins, conditions, _ = selection_parts(tag, tier, person)
    overdue_followups = connection.execute(
        f"SELECT count(*) FROM followups f JOIN customers c ON c.id = f.customer_id{joins}"
        " WHERE f.status = 'open' AND f.due_on < ?"
        f" AND max(f.due_on, coalesce(c.paused_until, '')) < ? AND {conditions}",
        [day, day, *parameters],
    ).fetchone()[0]
    return [
        _row(N_("customers"), customers),
        _row(N_("cared for on time (not overdue)"), share(on_time, planned)),
        _row(N_("reactive only (see reactive)"), share(reactive, customers)),
        _row(N_("silent (over twice their rhythm)"), share(silent, customers)),
        _row(N_("at risk (see health)"), share(risky, customers)),
        _row(N_("positive last impression"), share(positive, customers)),
        _row(N_("overdue follow-ups"), overdue_followups),
        *(_row(measure, value, previous[measure]) for measure, value in current.items()),
    ]
