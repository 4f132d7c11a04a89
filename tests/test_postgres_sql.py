"""Our SQLite-worded statements as PostgreSQL reads them (storage/postgres/sql.py).

No server needed: these are the rewrites themselves; the tests on a real server show
that the rewritten statements do what they did on SQLite.
"""

import pytest

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
