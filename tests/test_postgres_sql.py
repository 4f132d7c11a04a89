"""Our SQLite-worded statements as PostgreSQL reads them (storage/postgres/sql.py).

No server needed: these are the rewrites themselves; the tests on a real server show
that the rewritten statements do what they did on SQLite (the last test here too, when
the suite runs on PostgreSQL).
"""

import pytest

from kundenpflege.storage import db
from kundenpflege.storage.connection import Connection, IntegrityError
from kundenpflege.storage.postgres.sql import translate


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT * FROM customers WHERE id = ?", "SELECT * FROM customers WHERE id = $1"),
        ("SELECT ? , ?", "SELECT $1 , $2"),
        # A mark inside a string, a quoted name or a comment is text, not a mark.
        ("SELECT '?', \"a?\" -- ?\n, ?", "SELECT '?', \"a?\" -- ?\n, $1"),
        ("SELECT 'it''s ?' || ?", "SELECT 'it''s ?' || $1"),
        ("SELECT json_extract(row, '$.name') = ?1 OR x = ?1 OR y = ?2", None),
        ("SELECT x::int, '09:00', :day", "SELECT x::int, '09:00', $1"),
        # SQLite's join-order hint; a CROSS JOIN without ON stays.
        (
            "FROM contacts ct CROSS JOIN customers c ON c.id = ct.customer_id",
            "FROM contacts ct JOIN customers c ON c.id = ct.customer_id",
        ),
        ("FROM a CROSS JOIN b", "FROM a CROSS JOIN b"),
        # Null-safe comparison; IS NULL and IS NOT NULL stay.
        ("WHERE contact_id IS ?", "WHERE contact_id IS NOT DISTINCT FROM $1"),
        ("WHERE a IS NOT b.c", "WHERE a IS DISTINCT FROM b.c"),
        ("WHERE a IS NULL AND b IS NOT NULL", "WHERE a IS NULL AND b IS NOT NULL"),
        ("WHERE a IS 'x'", "WHERE a IS NOT DISTINCT FROM 'x'"),
        ("WHERE this IS NOT TRUE", "WHERE this IS NOT TRUE"),
        (
            "INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?, ?)",
            "INSERT INTO customer_tags (customer_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        ),
        ("CREATE INDEX temp.as_of_x ON customers (id)", "CREATE INDEX as_of_x ON customers (id)"),
        # SQLite's empty list (no names to look for): false, and NOT IN true.
        ("WHERE name IN ()", "WHERE name = ANY ('{}')"),
        ("WHERE a NOT IN ( ) AND b IN (?)", "WHERE a <> ALL ('{}') AND b IN ($1)"),
        ("SELECT min(x), 'IN ()' FROM t", "SELECT min(x), 'IN ()' FROM t"),
    ],
)
def test_statements_are_reworded(sqlite: str, postgres: str | None) -> None:
    if postgres is None:  # numbered marks: one $n per number, in first-use order
        assert translate(sqlite).text == (
            "SELECT json_extract(row, '$.name') = $1 OR x = $1 OR y = $2"
        )
    else:
        assert translate(sqlite).text == postgres


def test_values_follow_the_marks() -> None:
    assert translate("SELECT ?, ?").values((1, "a")) == [1, "a"]
    assert translate("SELECT ?2, ?1, ?2").values(("a", "b")) == ["b", "a"]
    named = translate("WHERE a = :day AND b = :customer AND c <= :day")
    assert named.text == "WHERE a = $1 AND b = $2 AND c <= $1"
    assert named.values({"customer": 7, "day": "2026-11-25", "unused": 0}) == ["2026-11-25", 7]


def test_inserts_name_their_table_for_lastrowid() -> None:
    assert translate("INSERT INTO interactions (customer_id) VALUES (?)").inserts == "interactions"
    assert translate("INSERT OR IGNORE INTO Tags VALUES (?)").inserts == "tags"
    assert translate("INSERT INTO changes (x) VALUES (?) RETURNING id").inserts is None
    assert translate("UPDATE customers SET x = ?").inserts is None


def test_many_rows_of_a_plain_insert_go_as_copy() -> None:
    assert translate("INSERT INTO search_index (rowid, body) VALUES (?, ?)").copy == (
        "COPY search_index (rowid, body) FROM STDIN"
    )
    assert translate("INSERT INTO t (a, b) VALUES (?2, ?1)").copy == "COPY t (a, b) FROM STDIN"
    for other in (
        "INSERT OR IGNORE INTO t (a) VALUES (?)",
        "INSERT INTO t (a, b) VALUES (?, 1)",
        "INSERT INTO t (a) SELECT ?",
        "INSERT INTO t (a) VALUES (?) ON CONFLICT (a) DO UPDATE SET a = excluded.a",
        "INSERT INTO t (a) VALUES (?) RETURNING id",
        "INSERT INTO t VALUES (?)",
    ):
        assert translate(other).copy is None, other


def test_what_sqlite_allows_means_the_same_on_the_journals_engine(connection: Connection) -> None:
    """On both engines (`make test-postgres`): SQLite's empty lists, an executemany of
    no rows, and a refused INSERT that is undone alone while its transaction goes on
    (`add` of a handle taken goes on to name it)."""

    def count(where: str) -> int:
        return int(connection.execute(f"SELECT count(*) FROM migrations{where}").fetchone()[0])

    every = count("")
    assert every > 0  # so that NOT IN () can show it keeps them all
    assert (count(" WHERE name IN ()"), count(" WHERE name NOT IN ()")) == (0, every)
    assert connection.executemany("DELETE FROM settings WHERE key = ?", []).rowcount == 0
    with db.transaction(connection):
        connection.execute("INSERT INTO settings (key, value) VALUES ('t-a', '1')")
        with pytest.raises(IntegrityError):
            connection.execute("INSERT INTO settings (key, value) VALUES ('t-a', '2')")
        with pytest.raises(IntegrityError):
            connection.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?)", [("t-b", "3"), ("t-a", "4")]
            )
        many = [(f"t-many-{number}", "6") for number in range(150)]  # a COPY on a server
        with pytest.raises(IntegrityError):
            connection.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?)", [*many, ("t-a", "7")]
            )
        connection.execute("INSERT INTO settings (key, value) VALUES ('t-c', '5')")
    # (t-b: SQLite keeps the rows of a refused executemany before the one refused, a
    # server none of them; nothing reads them but to roll back or to name the refusal.)
    kept = connection.execute(
        "SELECT key, value FROM settings WHERE key IN ('t-a', 't-c') ORDER BY key"
    )
    assert [tuple(row) for row in kept] == [("t-a", "1"), ("t-c", "5")]
    more = [(f"t-more-{number}", "8") for number in range(150)]
    with db.transaction(connection):
        connection.executemany("INSERT INTO settings (key, value) VALUES (?, ?)", more)
    stored = connection.execute("SELECT count(*) FROM settings WHERE key LIKE 't-more-%'")
    assert stored.fetchone()[0] == 150
