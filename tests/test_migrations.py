"""Migrations: applied in order, recorded, locked once shipped, and upgrading a real
journal of the last release."""

import functools
import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
import sqlite_utils

from kundenpflege import clock
from kundenpflege.domain import journal as unit_of_work
from kundenpflege.domain import preferences, schedule
from kundenpflege.errors import KundenpflegeError
from kundenpflege.storage import db, migrations, schema
from kundenpflege.storage.connection import Connection
from kundenpflege.storage.migrations import foundation
from tests.conftest import Run, ok

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.file_only
def test_blank_database_gets_every_step_recorded(db_path: Path) -> None:
    connection, created = unit_of_work.create_journal(db_path, clock.now())
    connection.close()
    assert created
    database = sqlite_utils.Database(db_path)
    recorded = [row["name"] for row in database["migrations"].rows]
    assert recorded == [name for name, _ in migrations.MIGRATIONS]
    assert set(database.table_names()) >= {
        "customers",
        "customer_tags",
        "contacts",
        "people",
        "preferences",
        "interactions",
        "followups",
        "settings",
        "migrations",
    }
    assert {
        "handle",
        "name",
        "company",
        "tier",
        "annual_value",
        "status",
        "customer_since",
        "paused_until",
        "preference_id",
        "last_interaction_id",
        "last_interaction_on",
        "next_due",
    } <= set(database["customers"].columns_dict)
    assert {"occurred_at", "occurred_on", "channel", "direction", "kind", "mood", "note"} <= set(
        database["interactions"].columns_dict
    )
    indexes = {index.name for index in database["customers"].indexes}
    assert {"customers_next_due", "customers_value"} <= indexes


@pytest.mark.file_only
def test_the_value_ranking_reads_only_its_index(connection: sqlite3.Connection) -> None:
    """m005: the ranking of `value` is answered from the covering index."""
    from kundenpflege.reports.filters import selection

    source, parameters = selection(None, None, None)
    plan = " ".join(
        str(row[3])
        for row in connection.execute(
            "EXPLAIN QUERY PLAN SELECT c.id, c.outbound_gap_days, c.last_outbound_on,"
            f" c.silent_from{source} ORDER BY max(coalesce(c.annual_value, 0)"
            " * julianday(c.customer_since), c.orders_total), c.id",
            parameters,
        )
    )
    assert "COVERING INDEX customers_value" in plan, plan


@pytest.mark.file_only
def test_migrating_twice_changes_nothing(db_path: Path) -> None:
    connection, _ = unit_of_work.create_journal(db_path, clock.now())
    assert db.migrate(connection, clock.now(), unit_of_work.recompute) == []
    assert migrations.pending(connection) == []
    connection.close()


def journal_after(path: Path, steps: int) -> None:
    """A journal file as it was when only the first `steps` migrations existed (the
    shipped steps are locked by their fingerprints, so today's code makes them as then)."""
    old = sqlite3.connect(path, isolation_level=None)
    for name, step in migrations.MIGRATIONS[:steps]:
        with db.transaction(old):
            migrations.apply(old, name, step, clock.now())
    old.close()


@pytest.mark.file_only
@pytest.mark.parametrize("already", range(len(migrations.MIGRATIONS)))
def test_upgrading_from_any_earlier_schema_matches_a_fresh_one(
    tmp_path: Path, already: int
) -> None:
    journal_after(tmp_path / "old.db", already)
    upgraded, created = unit_of_work.create_journal(tmp_path / "old.db", clock.now())
    assert not created
    assert schema.drift(schema.fingerprint(upgraded), schema.expected(clock.now())) == []
    assert migrations.pending(upgraded) == []
    upgraded.close()


def test_shipped_steps_never_change() -> None:
    """Each step's schema is locked: fix forward with a new step, never edit a shipped one."""
    locked = json.loads((FIXTURES / "migration-fingerprints.json").read_text())
    for number, (name, _) in enumerate(migrations.MIGRATIONS, start=1):
        made = schema.digest(schema.expected(clock.now(), number))
        assert name in locked, f'new step {name}: add "{name}": "{made}" to the fixture'
        assert made == locked[name], f"{name} was edited after it shipped; add a new step instead"
    assert list(locked) == [name for name, _ in migrations.MIGRATIONS]


@pytest.mark.file_only
def test_the_fingerprint_sees_what_matters(connection: sqlite3.Connection) -> None:
    before = schema.fingerprint(connection)
    for change in (
        "CREATE INDEX customers_tier ON customers (tier)",
        "DROP INDEX customers_tier",
        "ALTER TABLE customers ADD COLUMN nickname TEXT",
    ):
        connection.execute(change)
    assert schema.drift(schema.fingerprint(connection), before) == ["~customers"]
    connection.execute("DROP TRIGGER consent_no_update")
    assert "-trigger consent_no_update" in schema.drift(schema.fingerprint(connection), before)


RELEASE_JOURNAL = FIXTURES / "journal-m005.kundenpflege"


@pytest.mark.file_only
def test_a_journal_of_the_last_release_upgrades_and_works(tmp_path: Path, journal: Run) -> None:
    """Made by the release before the unit of work (m001-m005): every later version
    upgrades this very file and uses it."""
    path = tmp_path / "old.db"
    shutil.copyfile(RELEASE_JOURNAL, path)
    path.chmod(0o600)
    run = functools.partial(journal, "--db", str(path))
    assert "problem  schema: pending: m006_unit_of_work" in run("doctor").stdout
    assert "any command brings it up to date, or 'kundenpflege init'" in run("doctor").stdout
    assert ok(run("init")).stderr == f"Journal is up to date: {path}\n"
    doctor = ok(run("doctor")).stdout
    assert "ok       schema drift: none" in doctor and "verdict: healthy" in doctor
    connection = unit_of_work.open_journal(path, clock.now())
    assert migrations.pending(connection) == []
    assert schema.drift(schema.fingerprint(connection), schema.expected(clock.now())) == []
    everyone = [row[0] for row in connection.execute("SELECT id FROM customers")]
    assert len(everyone) == 12
    assert schedule.stored(connection, everyone) == schedule.computed(connection, everyone)
    connection.close()
    due = json.loads(ok(run("due", "--format", "json", "--days", "30")).stdout)
    assert {"fixture-kunde", "blumen-weber"} <= {item["handle"] for item in due}
    assert "praxis-dr-lange" not in {item["handle"] for item in due}  # restricted
    shown = ok(run("show", "fixture-kunde")).stdout
    assert "Fixture [b]Kunde[/b] & Söhne" in shown and "Lieferung zu spät" in shown
    ok(run("log", "fixture-kunde", "--kind", "call", "--mood", "1", "--note", "nach dem Update"))
    ok(run("followup", "done", "15"))
    ok(run("pause", "cafe-schulz", "--until", "2027-02-01"))
    [cafe] = [row for row in json.loads(ok(run("list", "-f", "json")).stdout)
              if row["handle"] == "cafe-schulz"]  # fmt: skip
    assert cafe["next_due"] == "2027-02-01"
    assert "elektro-schmidt-kg" not in ok(run("list")).stdout  # erased in the release
    consent = json.loads(ok(run("consent", "list", "fixture-kunde", "-f", "json")).stdout)
    assert [entry["action"] for entry in consent] == ["grant", "confirm"]


@pytest.mark.file_only
def test_other_sqlite_files_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE notes (text TEXT)").connection.commit()
    with pytest.raises(KundenpflegeError, match="this SQLite file is not a kundenpflege journal"):
        unit_of_work.open_journal(other, clock.now())


def test_migration_names_are_unique_and_ordered() -> None:
    names = [name for name, _ in migrations.MIGRATIONS]
    assert len(names) == len(set(names))
    assert names == sorted(names)


def recount(connection: Connection) -> list[tuple[object, ...]]:
    """daily_stats as it should be, counted from scratch."""
    columns = ", ".join(f"sum({column})" for column in foundation._FACT_COLUMNS)
    rows = connection.execute(
        f"SELECT day, tier, band, {columns} FROM interaction_facts GROUP BY day, tier, band"
        " ORDER BY day, tier, band"
    )
    return [tuple(row) for row in rows]


def stored(connection: Connection) -> list[tuple[object, ...]]:
    rows = connection.execute(
        "SELECT * FROM daily_stats WHERE contacts != 0 ORDER BY day, tier, band"
    )
    return [tuple(row) for row in rows]


def test_daily_stats_follow_every_change(connection: Connection) -> None:
    from datetime import date, datetime, time

    from kundenpflege.domain import customers, interactions

    first = customers.add(
        connection,
        handle="a",
        name="A",
        tier="A",
        annual_value=30000,
        since=date(2026, 1, 1),
        now=clock.now(),
    )
    second = customers.add(
        connection, handle="b", name="B", since=date(2026, 1, 1), now=clock.now()
    )
    for customer_id, day, kind, mood in [
        (first, date(2026, 11, 1), "complaint", -2),
        (first, date(2026, 11, 1), "call", 1),
        (second, date(2026, 11, 2), "newsletter", None),
        (second, date(2026, 11, 3), "visit", 2),
    ]:
        at = datetime.combine(day, time(10)).astimezone()
        interactions.log(connection, customer_id, at=at, now=clock.now(), kind=kind, mood=mood)
    assert stored(connection) == recount(connection)
    customers.edit(connection, second, {"tier": "C", "annual_value": 500.0})
    customers.edit(connection, first, {"annual_value": 100.0})
    assert stored(connection) == recount(connection)
    with unit_of_work.change(connection):
        connection.execute("UPDATE interactions SET mood = 2 WHERE kind = 'complaint'")
        connection.execute("DELETE FROM interactions WHERE kind = 'visit'")
    assert stored(connection) == recount(connection)
    [row] = [row for row in stored(connection) if row[0] == "2026-11-01"]
    assert row[:4] == ("2026-11-01", "A", "under 1k", 2)
    assert dict(zip(foundation._FACT_COLUMNS, row[3:], strict=True)) == {
        "contacts": 2,
        "personal": 1,
        "mass": 0,
        "outbound": 1,
        "inbound": 1,
        "complaints": 1,
        "inbound_complaints": 1,
        "positive": 2,
        "negative": 0,
        "mood_total": 3,
        "moods": 2,
    }


@pytest.mark.file_only
def test_upgrade_fills_the_derived_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    journal_after(path, 1)
    old = sqlite3.connect(path, isolation_level=None)
    old.execute(
        "INSERT INTO customers (id, handle, name, customer_since, created_at)"
        " VALUES (1, 'k', 'K', '2026-01-01', '2026-01-01T00:00:00+00:00')"
    )
    old.execute(
        "INSERT INTO interactions (customer_id, occurred_at, occurred_on, direction, kind,"
        " mood, amount, recorded_at) VALUES (1, '2026-11-01T10:00:00+00:00', '2026-11-01',"
        " 'in', 'order', -1, 250, '2026-11-01T10:00:00+00:00')"
    )
    old.close()
    upgraded = unit_of_work.open_journal(path, clock.now())
    row = upgraded.execute("SELECT * FROM customers").fetchone()
    assert (row["last_mood"], row["last_inbound_on"], row["orders_total"], row["next_due"]) == (
        -1,
        "2026-11-01",
        250,
        "2027-02-01",
    )
    assert upgraded.execute("SELECT contacts FROM daily_stats").fetchone()[0] == 1
    assert (
        upgraded.execute("SELECT count(*) FROM settings WHERE key = 'refresh_pending'").fetchone()[
            0
        ]
        == 0
    )
    upgraded.close()


@pytest.mark.file_only
def test_issue_14_steps_on_the_release_journal(tmp_path: Path) -> None:
    """m015 knows Germany's holidays; m016 adds contact wishes without touching the
    customers'; m017 puts each pause that stood into the statement history."""
    path = tmp_path / "old.db"
    shutil.copyfile(RELEASE_JOURNAL, path)
    path.chmod(0o600)
    before = sqlite3.connect(path)
    paused = dict(
        before.execute("SELECT id, paused_until FROM customers WHERE paused_until NOT NULL")
    )
    before.close()
    assert paused  # the release journal has pauses to carry over
    connection = unit_of_work.open_journal(path, clock.now())
    assert (
        connection.execute(
            "SELECT name_de FROM public_holidays WHERE region = 'DE' AND day = '2026-12-25'"
        ).fetchone()[0]
        == "Erster Weihnachtstag"
    )
    wishes = connection.execute("SELECT count(*) FROM preferences WHERE contact_id NOT NULL")
    assert wishes.fetchone()[0] == 0
    for customer_id, until in paused.items():
        current = preferences.current(connection, customer_id)
        assert current is not None and current.paused_until == date.fromisoformat(until)
    everyone = [row[0] for row in connection.execute("SELECT id FROM customers")]
    assert schedule.stored(connection, everyone) == schedule.computed(connection, everyone)
    connection.close()
