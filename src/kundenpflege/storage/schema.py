"""What a journal's schema is, read from SQLite itself, to compare two of them.

A fingerprint lists every table (its columns, foreign keys and options), every
index (its columns, uniqueness and condition), and every view and trigger, all
through SQLite's own PRAGMAs and catalogue, never through SQL that a library
generated. Tests lock the fingerprint of each shipped migration step with it, and
`doctor` reports a journal whose schema drifted from what the steps produce.
"""

import hashlib
import json
import re
import sqlite3
from datetime import datetime
from typing import Any

from kundenpflege.storage import migrations
from kundenpflege.storage.connection import Connection

Fingerprint = dict[str, Any]
# SQLite's own bookkeeping, and the two tables Litestream adds beside ours: exactly.
LITESTREAM = ("_litestream_seq", "_litestream_lock")
IGNORED = re.compile(r"^(sqlite_|_litestream_seq$|_litestream_lock$)")


def _normal(sql: str | None) -> str:
    return re.sub(r"\s+", " ", sql or "").strip()


def _checks(sql: str) -> list[str]:
    """The CHECK constraints of a CREATE TABLE (visible nowhere but in its text)."""
    found = []
    for match in re.finditer(r"CHECK \(", sql):
        depth, start = 1, match.end()
        end = start
        while depth and end < len(sql):
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            end += 1
        found.append(sql[start : end - 1])
    return found


def fingerprint(connection: Connection) -> Fingerprint:
    """The schema as plain data, the same for equal schemas however they were made."""
    catalogue = connection.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    ).fetchall()
    tables: dict[str, Any] = {}
    indexes: dict[str, Any] = {}
    others: dict[str, str] = {}
    for kind, name, table, sql in catalogue:
        if IGNORED.match(name):
            continue
        if kind == "table":
            options = connection.execute("SELECT wr, strict FROM pragma_table_list(?)", (name,))
            tables[name] = {
                "columns": [list(row) for row in connection.execute(
                    "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)",
                    (name,))],
                "foreign_keys": [list(row) for row in connection.execute(
                    "SELECT \"table\", \"from\", \"to\", on_update, on_delete"
                    " FROM pragma_foreign_key_list(?) ORDER BY id, seq", (name,))],
                "options": list(options.fetchone()),
                "autoincrement": "AUTOINCREMENT" in _normal(sql).upper(),
                # CHECK constraints are visible nowhere else.
                "checks": _checks(_normal(sql)),
                # All the rest a table says (UNIQUE, ON CONFLICT, COLLATE...): its text,
                # which SQLite keeps as the steps that made and altered it wrote it.
                "definition": _normal(sql),
            }  # fmt: skip
        elif kind == "index":
            listed = connection.execute(
                'SELECT "unique", origin, partial FROM pragma_index_list(?) WHERE name = ?',
                (table, name),
            ).fetchone()
            indexes[name] = {
                "table": table,
                "unique_origin_partial": list(listed),
                "columns": [list(row) for row in connection.execute(
                    "SELECT name, \"desc\", coll, key FROM pragma_index_xinfo(?) ORDER BY seqno",
                    (name,))],
                "where": _normal(sql.split(" WHERE ", 1)[1]) if sql and " WHERE " in sql else "",
            }  # fmt: skip
        else:
            others[f"{kind} {name}"] = _normal(sql)
    return {"tables": tables, "indexes": indexes, "views_and_triggers": others}


def replicated(connection: Connection) -> bool:
    """Whether Litestream replicates this journal (or did): it adds its two tables on
    its first start, and they stay."""
    marks = ", ".join("?" for _name in LITESTREAM)
    found = connection.execute(
        f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({marks})",
        LITESTREAM,
    ).fetchone()[0]
    return bool(found == len(LITESTREAM))


def digest(found: Fingerprint) -> str:
    """A short, stable name for a fingerprint."""
    text = json.dumps(found, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def expected(now: datetime, steps: int | None = None) -> Fingerprint:
    """What the first `steps` (all) migration steps make of a blank journal."""
    blank = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for name, step in migrations.MIGRATIONS[:steps]:
            blank.execute("BEGIN")
            migrations.apply(blank, name, step, now)
            blank.execute("COMMIT")
        return fingerprint(blank)
    finally:
        blank.close()


def drift(found: Fingerprint, wanted: Fingerprint) -> list[str]:
    """Names of the tables, indexes, views and triggers that differ, for a person."""
    names = []
    for part in ("tables", "indexes", "views_and_triggers"):
        for name in sorted(set(found[part]) | set(wanted[part])):
            if name not in wanted[part]:
                names.append(f"+{name}")
            elif name not in found[part]:
                names.append(f"-{name}")
            elif found[part][name] != wanted[part][name]:
                names.append(f"~{name}")
    return names
