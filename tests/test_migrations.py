import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from kundenpflege import clock, db, migrations
from kundenpflege.errors import KundenpflegeError


def test_blank_database_gets_every_step_recorded(db_path: Path) -> None:
    connection, created = db.create_journal(db_path, clock.now())
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
    assert "customers_next_due" in indexes


def test_migrating_twice_changes_nothing(db_path: Path) -> None:
    connection, _ = db.create_journal(db_path, clock.now())
    assert db.migrate(connection, clock.now()) == []
    assert migrations.pending(connection) == []
    connection.close()


@pytest.mark.parametrize("already", range(len(migrations.MIGRATIONS)))
def test_upgrading_from_any_earlier_schema_matches_a_fresh_one(
    tmp_path: Path, already: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh, _ = db.create_journal(tmp_path / "fresh.db", clock.now())
    expected = fresh.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    fresh.close()
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:already])
        old, _ = db.create_journal(tmp_path / "old.db", clock.now())
        old.close()
    upgraded = db.open_journal(tmp_path / "old.db", clock.now())
    schema = upgraded.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    assert [tuple(row) for row in schema] == [tuple(row) for row in expected]
    assert migrations.pending(upgraded) == []
    upgraded.close()


def test_other_sqlite_files_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE notes (text TEXT)").connection.commit()
    with pytest.raises(KundenpflegeError, match="this SQLite file is not a kundenpflege journal"):
        db.open_journal(other, clock.now())


def test_migration_names_are_unique_and_ordered() -> None:
    names = [name for name, _ in migrations.MIGRATIONS]
    assert len(names) == len(set(names))
    assert names == sorted(names)
