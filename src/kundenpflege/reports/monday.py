"""The Monday page: an owner-manager's questions (how are we doing, who is at risk, is
anyone neglected, who gets too much of us) answered from the reports that exist, so
that the page and the commands never disagree."""

from dataclasses import dataclass
from datetime import date, timedelta

from kundenpflege.domain import facts, rhythm
from kundenpflege.reports import due as due_report
from kundenpflege.reports import fairness as fairness_report
from kundenpflege.reports import health
from kundenpflege.reports import pulse as pulse_report
from kundenpflege.storage.connection import Connection

ROWS = 100  # per list on the page; the rest is counted and left to the commands
MOOD_WEEKS = 12
OVER_CONTACTED = "over-contacted"


@dataclass(frozen=True)
class WeekMood:
    week: date  # its Monday
    average: float | None  # None: no contact in that week had a mood
    moods: int


@dataclass(frozen=True)
class MondayPage:
    today: date
    period_days: int
    pulse: list[pulse_report.PulseRow]
    at_risk: list[health.Risk]  # every kind of risk but the next
    at_risk_total: int
    over_contacted: list[health.Risk]
    over_contacted_total: int
    due: list[due_report.DueItem]
    due_total: int
    due_until: date  # this week's Sunday
    known: list[facts.Fact]  # what we know about the customers due this week
    known_total: int
    fairness: list[fairness_report.FairnessRow]
    moods: list[WeekMood]


def mood_trend(connection: Connection, today: date, weeks: int = MOOD_WEEKS) -> list[WeekMood]:
    """The average mood of each of the last weeks, oldest first (this week last)."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    sums = {
        row[0]: (row[1], row[2])
        for row in connection.execute(
            "SELECT CAST(julianday(day) - julianday(?) AS INTEGER) / 7, sum(mood_total),"
            " sum(moods)"
            " FROM daily_stats WHERE day >= ? AND day <= ? GROUP BY 1",
            (first.isoformat(), first.isoformat(), today.isoformat()),
        )
    }
    trend = []
    for week in range(weeks):
        total, count = sums.get(week, (0, 0))
        average = round(total / count, 2) if count else None
        trend.append(WeekMood(first + timedelta(weeks=week), average, count or 0))
    return trend


def monday_page(connection: Connection, today: date, *, period_days: int) -> MondayPage:
    """Everything the page shows, each part as its own command would list it."""
    default = rhythm.default_frequency(connection)
    others = [reason for reason in health.KINDS if reason != OVER_CONTACTED]
    at_risk, at_risk_total = health.at_risk(
        connection, today, default=default, limit=ROWS, kinds=others
    )
    over, over_total = health.at_risk(
        connection, today, default=default, limit=ROWS, kinds=(OVER_CONTACTED,)
    )
    sunday = today + timedelta(days=6 - today.weekday())
    due, due_total = due_report.due(connection, today, days_ahead=(sunday - today).days, limit=ROWS)
    known, known_total = facts.of_handles(connection, sorted({item.handle for item in due}), ROWS)
    return MondayPage(
        today=today,
        period_days=period_days,
        pulse=pulse_report.pulse(connection, today, period_days=period_days),
        at_risk=at_risk,
        at_risk_total=at_risk_total,
        over_contacted=over,
        over_contacted_total=over_total,
        due=due,
        due_total=due_total,
        due_until=sunday,
        known=known,
        known_total=known_total,
        fairness=fairness_report.fairness(connection, today, by="tier"),
        moods=mood_trend(connection, today),
    )
