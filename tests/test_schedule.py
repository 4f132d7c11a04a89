"""DESIGN §3, rule by rule, on a real journal file with the clock pinned."""

import sqlite3
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from kundenpflege.domain import customers, followups, interactions, preferences, schedule
from kundenpflege.domain import journal as unit_of_work
from kundenpflege.domain.dates import Frequency
from kundenpflege.reports.due import DueItem, due
from kundenpflege.storage import settings
from tests.conftest import TODAY, now


def add(connection: sqlite3.Connection, handle: str = "kunde", **kwargs: object) -> int:
    customer_id = customers.add(
        connection, handle=handle, name=handle.title(), since=TODAY, now=now(), **kwargs
    )  # type: ignore[arg-type]
    return customer_id


def state(connection: sqlite3.Connection, customer_id: int, **wishes: Any) -> None:
    """The customer says something today."""
    preferences.state(
        connection,
        customer_id,
        preferences.Wishes(**wishes),
        stated_on=TODAY,
        source=None,
        now=now(),
    )


def contact_on(
    connection: sqlite3.Connection, customer_id: int, day: date, **kwargs: object
) -> None:
    at = datetime.combine(day, time(10, 0)).astimezone()
    interactions.log(connection, customer_id, at=at, now=now(), **kwargs)  # type: ignore[arg-type]


def next_due(connection: sqlite3.Connection, customer_id: int) -> str | None:
    row = connection.execute("SELECT next_due FROM customers WHERE id = ?", (customer_id,))
    return row.fetchone()[0]  # type: ignore[no-any-return]


def due_items(connection: sqlite3.Connection, today: date = TODAY, days: int = 7) -> list[DueItem]:
    return due(connection, today, days_ahead=days)[0]


def test_plan_is_last_contact_plus_rhythm() -> None:
    assert schedule.plan(
        last_contact=date(2026, 11, 1),
        added_on=date(2026, 1, 1),
        frequency=Frequency(2, "weeks"),
        paused_until=None,
        weekdays=(),
    ) == date(2026, 11, 15)


def test_never_contacted_customer_is_due_on_the_day_added(connection: sqlite3.Connection) -> None:
    customer_id = add(connection)
    assert next_due(connection, customer_id) == "2026-11-25"
    [item] = due_items(connection)
    assert (item.reason, item.detail, item.days_overdue) == (
        "first-contact",
        "no contact logged yet",
        0,
    )


def test_default_rhythm_applies_without_a_stated_one(connection: sqlite3.Connection) -> None:
    customer_id = add(connection)
    contact_on(connection, customer_id, date(2026, 8, 1), kind="call")
    assert next_due(connection, customer_id) == "2026-11-01"  # quarterly default
    [item] = due_items(connection)
    assert item.detail == "quarterly (default)"
    assert item.days_overdue == 24


def test_default_rhythm_comes_from_settings(connection: sqlite3.Connection) -> None:
    settings.put(connection, "default_frequency", "1m")
    customer_id = add(connection)
    contact_on(connection, customer_id, date(2026, 11, 1), kind="call")
    assert next_due(connection, customer_id) == "2026-12-01"


@pytest.mark.parametrize("direction", ["out", "in"])
def test_any_interaction_resets_the_clock(connection: sqlite3.Connection, direction: str) -> None:
    customer_id = add(connection)
    state(connection, customer_id, every="monthly")
    contact_on(connection, customer_id, date(2026, 9, 1), kind="call")
    assert next_due(connection, customer_id) == "2026-10-01"
    contact_on(connection, customer_id, date(2026, 11, 20), kind="email", direction=direction)
    assert next_due(connection, customer_id) == "2026-12-20"
    assert due_items(connection) == []


def test_logging_an_older_contact_does_not_move_the_clock_back(
    connection: sqlite3.Connection,
) -> None:
    customer_id = add(connection)
    contact_on(connection, customer_id, date(2026, 11, 20), kind="call")
    contact_on(connection, customer_id, date(2026, 10, 1), kind="call")
    assert next_due(connection, customer_id) == "2027-02-20"


def test_followups_are_due_on_their_own_date(connection: sqlite3.Connection) -> None:
    customer_id = add(connection)
    contact_on(
        connection,
        customer_id,
        date(2026, 11, 24),
        kind="complaint",
        mood=-1,
        note="Lieferung zu spät",
        followup_on=date(2026, 11, 27),
    )
    [item] = due_items(connection)
    assert (item.reason, item.detail, item.due_on) == (
        "follow-up",
        "Lieferung zu spät",
        date(2026, 11, 27),
    )
    assert item.days_overdue == -2
    assert item.warnings == ["last impression negative"]


def promised_today(connection: sqlite3.Connection) -> int:
    """A customer called yesterday, with a promise made and due today."""
    customer_id = add(connection)
    contact_on(connection, customer_id, date(2026, 11, 24), kind="call")
    followup_id, _due = followups.add(
        connection, customer_id, what="Angebot", promised_on=TODAY, due_on=TODAY,
        person_id=None, now=now(),
    )  # fmt: skip
    return followup_id


def test_done_followups_are_no_longer_due(connection: sqlite3.Connection) -> None:
    followup_id = promised_today(connection)
    followups.done(connection, followup_id, now())
    assert due_items(connection) == []


def test_snooze_moves_a_followup(connection: sqlite3.Connection) -> None:
    followup_id = promised_today(connection)
    followups.snooze(connection, followup_id, date(2026, 12, 10), TODAY)
    assert due_items(connection) == []
    [item] = due_items(connection, date(2026, 12, 10), days=0)
    assert item.due_on == date(2026, 12, 10)
    [row] = followups.open_followups(connection)
    assert row.promised_on == TODAY


def test_pause_moves_cadence_and_followups(connection: sqlite3.Connection) -> None:
    customer_id = add(connection)
    contact_on(connection, customer_id, date(2026, 8, 1), kind="call", followup_on=TODAY)
    preferences.pause(connection, customer_id, date(2027, 1, 10), now=now())
    assert next_due(connection, customer_id) == "2027-01-10"
    assert due_items(connection) == []
    assert {item.reason for item in due_items(connection, date(2027, 1, 10), 0)} == {
        "cadence",
        "follow-up",
    }


def test_do_not_contact_hides_the_customer(connection: sqlite3.Connection) -> None:
    customer_id = add(connection)
    contact_on(connection, customer_id, date(2026, 8, 1), kind="call", followup_on=TODAY)
    state(connection, customer_id, do_not_contact=True)
    assert next_due(connection, customer_id) is None
    assert due_items(connection) == []


@pytest.mark.parametrize("status", ["former", "paused"])
def test_former_and_paused_customers_are_not_planned(
    connection: sqlite3.Connection, status: str
) -> None:
    add(connection, status=status)
    assert due_items(connection) == []


def test_preferred_weekdays_move_the_date(connection: sqlite3.Connection) -> None:
    customer_id = add(connection)
    state(connection, customer_id, every="weekly", days="di,do")
    contact_on(connection, customer_id, date(2026, 11, 16), kind="call")  # a Monday
    assert next_due(connection, customer_id) == "2026-11-24"  # Monday + 1 week -> Tuesday
    [item] = due_items(connection)
    assert item.due_on == date(2026, 11, 24)
    assert item.days_overdue == 1
    assert item.suggested_on == date(2026, 11, 26)  # overdue: the next Thursday from today


def test_max_frequency_warning(connection: sqlite3.Connection) -> None:
    customer_id = add(connection)
    state(connection, customer_id, maximum="monthly")
    contact_on(connection, customer_id, date(2026, 11, 20), kind="call", followup_on=TODAY)
    [item] = due_items(connection)
    assert item.warnings == ["more often than their maximum (monthly)"]


def test_due_is_sorted_by_how_overdue_and_limited(connection: sqlite3.Connection) -> None:
    for offset, handle in enumerate(["c", "a", "b"]):
        customer_id = add(connection, handle)
        contact_on(
            connection, customer_id, date(2026, 8, 1) + timedelta(days=offset * 10), kind="call"
        )
    items, total = due(connection, TODAY, limit=2)
    assert [item.handle for item in items] == ["c", "a"]
    assert total == 3


@pytest.mark.file_only  # SQLite's own query plan (EXPLAIN QUERY PLAN)
def test_the_due_report_reads_indexes_not_whole_tables(connection: sqlite3.Connection) -> None:
    customer_id = add(connection)
    contact_on(connection, customer_id, date(2026, 8, 1), kind="call", followup_on=TODAY)
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    due(connection, TODAY, limit=50)
    connection.set_trace_callback(None)
    plans = [
        " | ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}"))
        for sql in statements
        if sql.lstrip().startswith("SELECT") and "FROM customers" in sql or "followups" in sql
    ]
    assert plans
    for plan in plans:
        assert "SCAN c " not in plan + " " and "SCAN customers" not in plan, plan
        assert "SCAN i" not in plan and "SCAN interactions" not in plan, plan
    assert any("INDEX customers_next_due" in plan for plan in plans)
    assert any("INDEX followups_due" in plan for plan in plans)
    followup_plans = [plan for plan in plans if "followups" in plan or " f " in f" {plan} "]
    assert all("SCAN f" not in plan for plan in followup_plans), followup_plans


def test_a_failed_log_changes_nothing(connection: sqlite3.Connection) -> None:
    from kundenpflege.errors import KundenpflegeError

    customer_id = add(connection)
    before = next_due(connection, customer_id)
    with pytest.raises(KundenpflegeError), unit_of_work.change(connection):
        contact_on(connection, customer_id, date(2026, 11, 20), kind="call", contact="Nobody")
    assert connection.execute("SELECT count(*) FROM interactions").fetchone()[0] == 0
    assert next_due(connection, customer_id) == before
