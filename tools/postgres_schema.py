"""Write the PostgreSQL baseline (issue 17): the schema all migration steps make of a
blank SQLite journal, translated into PostgreSQL's words.

The steps cannot run on PostgreSQL (they rebuild tables through sqlite_master, write
sqlite_sequence and read PRAGMAs), so a journal on a server starts from this one file
and the program records every step as applied. It is generated, not written, so that it
cannot drift from the steps; a test fails when a new step changes the SQLite schema and
the file was not written again:

    python tools/postgres_schema.py          # writes src/kundenpflege/storage/postgres/schema.sql
    python tools/postgres_schema.py --check  # exit 1 when that file is out of date

The rules are mechanical, except for the FTS5 table and the view `interaction_facts`,
written by hand below and guarded: when their SQLite text changes, this tool stops.
Whatever SQLite-only syntax no rule covers stops it too, rather than reaching the file.
"""

import re
import sqlite3
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from kundenpflege.storage import migrations

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "kundenpflege" / "storage" / "postgres" / "schema.sql"
SCHEMA = "main"  # the journal's schema; our SQL says `main.interactions` in places

TYPES = {"INTEGER": "bigint", "REAL": "double precision", "TEXT": "text"}
DEFERRABLE = " DEFERRABLE INITIALLY IMMEDIATE"  # undo defers them (SET CONSTRAINTS)


class SqliteObject(NamedTuple):
    kind: str  # table, index, view, trigger
    name: str
    table: str
    sql: str


def blank_journal() -> sqlite3.Connection:
    """A fresh SQLite journal in memory: every step applied, as `schema.expected()` does."""
    blank = sqlite3.connect(":memory:", isolation_level=None)
    now = datetime(2000, 1, 1, tzinfo=UTC)  # only the migrations table sees it
    for name, step in migrations.MIGRATIONS:
        blank.execute("BEGIN")
        migrations.apply(blank, name, step, now)
        blank.execute("COMMIT")
    return blank


def sqlite_objects(journal: sqlite3.Connection) -> list[SqliteObject]:
    """Our tables, indexes, views and triggers, in the order SQLite made them; without
    SQLite's bookkeeping (sqlite_sequence, the indexes behind PRIMARY KEY and UNIQUE)
    and the shadow tables behind FTS5."""
    shadows = {
        row[0]
        for row in journal.execute("SELECT name FROM pragma_table_list WHERE type = 'shadow'")
    }
    rows = journal.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master"
        " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"
    ).fetchall()
    return [SqliteObject(*row) for row in rows if row[1] not in shadows]


# --- text ----------------------------------------------------------------------------

_PIECES = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|\s+|[^\s'"]+""")


def normal(sql: str) -> str:
    """One space wherever SQLite's text has whitespace, except inside quotes."""
    return "".join(" " if piece.isspace() else piece for piece in _PIECES.findall(sql.strip()))


def split(text: str, separator: str) -> list[str]:
    """`text` cut at each `separator` outside parentheses and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for position, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == separator and depth == 0:
            parts.append(text[start:position].strip())
            start = position + 1
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def call_arguments(text: str, start: int) -> tuple[list[str], int]:
    """The arguments of the call whose '(' is at `start`, and where it ends."""
    depth = 0
    for position in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[position], 0)
        if depth == 0:
            return split(text[start + 1 : position], ","), position + 1
    raise ValueError(f"unbalanced parentheses: {text[start:]}")


# --- tables --------------------------------------------------------------------------

_CREATE_TABLE = re.compile(r"""CREATE TABLE ["']?(\w+)["']? \((.*)\)( WITHOUT ROWID)?""")
_REFERENCES = re.compile(
    r"REFERENCES (\w+) \([\w, ]+\)(?: ON (?:DELETE|UPDATE)"
    r" (?:CASCADE|SET NULL|SET DEFAULT|RESTRICT|NO ACTION))*"
)
_GLOB = re.compile(r"(\w+) GLOB '((?:[^']|'')*)'")


def glob_to_regex(pattern: str) -> str:
    """SQLite's GLOB pattern as an anchored POSIX regex (`~`): * and ? are wildcards,
    [...] and [^...] sets stay, everything else is literal."""
    out = []
    for piece in re.findall(r"\[\^?\]?[^\]]*\]|.", pattern):
        if piece.startswith("["):
            out.append(piece)
        else:
            out.append(
                {"*": ".*", "?": "."}.get(piece) or re.sub(r"[.^$+(){}|\\]", r"\\\g<0>", piece)
            )
    return "^" + "".join(out) + "$"


def _constraints(text: str) -> str:
    """A column's or table's constraints, or an index, in PostgreSQL's words."""
    text = _REFERENCES.sub(lambda found: found.group(0) + DEFERRABLE, text)
    text = _GLOB.sub(lambda found: f"{found.group(1)} ~ '{glob_to_regex(found.group(2))}'", text)
    return text.replace("COLLATE NOCASE", "COLLATE nocase")


def _column(definition: str) -> str:
    name, _space, rest = definition.partition(" ")
    declared, _space, constraints = rest.partition(" ")
    declared = declared.upper()
    if declared not in TYPES:
        raise ValueError(f"column {name}: no PostgreSQL type for {declared!r}")
    # A key SQLite numbers: AUTOINCREMENT, or an INTEGER PRIMARY KEY (a rowid alias)
    # named `id`. By the journal's convention, a rowid alias named otherwise (customer_id,
    # change_id, row, interaction_id) is another row's number, always given. BY DEFAULT:
    # undo and restore insert rows with the numbers they had.
    numbered = constraints.startswith("PRIMARY KEY AUTOINCREMENT") or (
        declared == "INTEGER" and name == "id" and constraints.startswith("PRIMARY KEY")
    )
    if numbered:
        constraints = re.sub(
            r"^PRIMARY KEY( AUTOINCREMENT)?",
            "GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            constraints,
        )
    return " ".join(filter(None, (name, TYPES[declared], _constraints(constraints))))


def table_ddl(sql: str) -> tuple[str, str, set[str]]:
    """(name, CREATE TABLE, tables it references) of one SQLite CREATE TABLE."""
    found = _CREATE_TABLE.fullmatch(normal(sql))
    if not found:
        raise ValueError(f"not a CREATE TABLE this tool reads: {sql}")
    name, body, _without_rowid = found.groups()  # WITHOUT ROWID: storage only
    parts = []
    for part in split(body, ","):
        head = part.split(" ", 1)[0].upper()
        table_constraint = head in ("PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT")
        parts.append(_constraints(part) if table_constraint else _column(part))
    columns = ",\n    ".join(parts)
    references = set(re.findall(r"REFERENCES (\w+)", body)) - {name}
    return name, f"CREATE TABLE {name} (\n    {columns}\n)", references


FULL_TEXT_NOTE = """\
-- FTS5 keeps the words in an index of its own; here they are a tsvector column with a
-- GIN index. The program writes {column} folded and already split into words, one space
-- between them: PostgreSQL's parser would keep e-mail addresses, host names and
-- hyphenated words whole, where FTS5 (unicode61) splits them. 'simple' then only
-- lower-cases (no stemming, no stop words). Prefix queries (word:*) need no prefix
-- index. No shadow tables."""
_FTS5 = re.compile(r"CREATE VIRTUAL TABLE (\w+) USING fts5\((.*)\)")


def full_text_ddl(sql: str) -> tuple[str, str]:
    """(name, CREATE TABLE + its GIN index) that stand in for an FTS5 table of one column."""
    found = _FTS5.fullmatch(normal(sql))
    if not found:
        raise ValueError(f"no PostgreSQL translation for this virtual table: {sql}")
    name = found.group(1)
    columns = [part for part in split(found.group(2), ",") if "=" not in part]
    if len(columns) != 1:
        raise ValueError(f"{name}: only an FTS5 table of one column is translated")
    column = columns[0]
    return name, (
        FULL_TEXT_NOTE.format(column=column) + "\n"
        f"CREATE TABLE {name} (\n"
        "    rowid bigint PRIMARY KEY,\n"
        f"    {column} text NOT NULL,\n"
        f"    words tsvector GENERATED ALWAYS AS (to_tsvector('simple', {column})) STORED\n"
        ");\n"
        f"CREATE INDEX {name}_words ON {name} USING gin (words)"
    )


def ordered(tables: dict[str, tuple[str, set[str]]]) -> Iterator[str]:
    """Table names, each after the tables it references, else in SQLite's order."""
    done: set[str] = set()

    def visit(name: str) -> Iterator[str]:
        if name not in done:
            done.add(name)
            for referenced in sorted(tables[name][1]):
                yield from visit(referenced)
            yield name

    for name in tables:
        yield from visit(name)


# --- views ---------------------------------------------------------------------------

# SQLite sums comparisons as 0/1 integers; PostgreSQL's are booleans, which neither
# coalesce(…, 0) nor sum() take. Translated by hand, for exactly this SQLite text.
INTERACTION_FACTS_SQLITE = normal("""
    CREATE VIEW interaction_facts AS
        SELECT i.id, i.customer_id, i.occurred_on AS day, g.tier, g.band,
            1 AS contacts,
            coalesce(i.channel IN ('phone', 'visit', 'video'), 0) AS personal,
            coalesce(i.channel IN ('email', 'newsletter'), 0) AS mass,
            i.direction = 'out' AS outbound,
            i.direction = 'in' AS inbound,
            i.kind = 'complaint' AS complaints,
            i.kind = 'complaint' AND i.direction = 'in' AS inbound_complaints,
            coalesce(i.mood > 0, 0) AS positive,
            coalesce(i.mood < 0, 0) AS negative,
            coalesce(i.mood, 0) AS mood_total,
            i.mood IS NOT NULL AS moods
        FROM interactions i JOIN customer_groups g ON g.id = i.customer_id
            JOIN customers c ON c.id = i.customer_id AND c.restricted = 0
""")
INTERACTION_FACTS_POSTGRES = """CREATE VIEW interaction_facts AS
    SELECT i.id, i.customer_id, i.occurred_on AS day, g.tier, g.band,
        1 AS contacts,
        coalesce((i.channel IN ('phone', 'visit', 'video'))::int, 0) AS personal,
        coalesce((i.channel IN ('email', 'newsletter'))::int, 0) AS mass,
        (i.direction = 'out')::int AS outbound,
        (i.direction = 'in')::int AS inbound,
        (i.kind = 'complaint')::int AS complaints,
        (i.kind = 'complaint' AND i.direction = 'in')::int AS inbound_complaints,
        coalesce((i.mood > 0)::int, 0) AS positive,
        coalesce((i.mood < 0)::int, 0) AS negative,
        coalesce(i.mood, 0) AS mood_total,
        (i.mood IS NOT NULL)::int AS moods
    FROM interactions i JOIN customer_groups g ON g.id = i.customer_id
        JOIN customers c ON c.id = i.customer_id AND c.restricted = 0"""
HAND_VIEWS = {"interaction_facts": (INTERACTION_FACTS_SQLITE, INTERACTION_FACTS_POSTGRES)}


def _group_concat(sql: str) -> str:
    """group_concat(x[, separator]) → string_agg(x, separator), ',' by default."""
    while (found := re.search(r"\bgroup_concat\(", sql)) is not None:
        arguments, end = call_arguments(sql, found.end() - 1)
        separator = arguments[1] if len(arguments) > 1 else "','"
        sql = f"{sql[: found.start()]}string_agg({arguments[0]}, {separator}){sql[end:]}"
    return sql


def view_ddl(name: str, sql: str) -> str:
    """The view as SQLite has it, re-indented, unless it is one translated by hand."""
    if name in HAND_VIEWS:
        sqlite_text, postgres_text = HAND_VIEWS[name]
        if normal(sql) != sqlite_text:
            raise ValueError(f"view {name} changed in SQLite: translate it by hand again")
        return postgres_text
    first, _newline, rest = sql.strip().partition("\n")
    return _group_concat(first + "\n" + textwrap.indent(textwrap.dedent(rest), "    "))


def view_order(views: dict[str, str]) -> list[str]:
    """View names, each after the views it reads."""
    done: list[str] = []

    def visit(name: str) -> None:
        if name not in done:
            for other in views:
                if other != name and re.search(rf"\b{other}\b", views[name]):
                    visit(other)
            done.append(name)

    for name in views:
        visit(name)
    return done


# --- triggers ------------------------------------------------------------------------

_TRIGGER = re.compile(
    r"CREATE TRIGGER (?P<name>\w+) (?P<timing>BEFORE|AFTER)"
    r" (?P<event>INSERT|DELETE|UPDATE(?: OF [\w, ]+?)?) ON (?P<table>\w+)"
    r"(?: FOR EACH ROW)?(?: WHEN (?P<when>.*?))? BEGIN (?P<body>.*) END"
)
_RAISE_ABORT = re.compile(r"SELECT RAISE\(ABORT, ('(?:[^']|'')*')\)")
# change_log._exact(): SQLite writes a REAL into JSON with 15 digits, so the change
# log wraps each value to keep 17. PostgreSQL's JSON already writes the shortest
# text that reads back as the same double.
_EXACT = re.compile(
    r"CASE WHEN typeof\(((?:NEW|OLD)\.\w+)\) = 'real' AND abs\(\1\) <= [\d.e]+"
    r" THEN json\(printf\('%!\.17g', \1\)\) ELSE \1 END"
)
_ADD_TO_ITSELF = re.compile(r"\b(\w+) = \1 \+ excluded\.\1\b")


def _statement(sql: str) -> str:
    """One statement of a trigger body as PL/pgSQL runs it."""
    if found := _RAISE_ABORT.fullmatch(sql):
        # The message stays as it was (the program may match it); SQLite reports it as
        # a constraint failure, and so does this code (class 23: IntegrityError).
        return (
            f"RAISE EXCEPTION USING MESSAGE = {found.group(1)},"
            " ERRCODE = 'integrity_constraint_violation'"
        )
    if sql.startswith("INSERT OR IGNORE INTO "):
        sql = (
            "INSERT INTO " + sql.removeprefix("INSERT OR IGNORE INTO ") + " ON CONFLICT DO NOTHING"
        )
    sql = _EXACT.sub(r"\1", sql).replace("json_object(", "json_build_object(")
    if target := re.match(r"INSERT INTO (\w+)", sql):
        # In PostgreSQL a bare column beside excluded.column is ambiguous.
        sql = _ADD_TO_ITSELF.sub(rf"\1 = {target.group(1)}.\1 + excluded.\1", sql)
    if not sql.startswith(("INSERT ", "UPDATE ", "DELETE ")):
        raise ValueError(f"no PL/pgSQL translation for this trigger statement: {sql}")
    return sql


def trigger_ddl(sql: str) -> str:
    """One plpgsql function, named as the trigger, and the trigger FOR EACH ROW."""
    found = _TRIGGER.fullmatch(normal(sql))
    if not found:
        raise ValueError(f"not a CREATE TRIGGER this tool reads: {sql}")
    name, timing, event, table, when = found.group("name", "timing", "event", "table", "when")
    body = [_statement(statement) + ";" for statement in split(found.group("body"), ";")]
    if when and re.search(r"\bSELECT\b", when, re.IGNORECASE):
        # PostgreSQL allows no subquery in a trigger's WHEN: the body asks instead.
        body = [f"IF {when} THEN", *(f"    {line}" for line in body), "END IF;"]
        when = None
    returned = "NULL" if timing == "AFTER" else "OLD" if event == "DELETE" else "NEW"
    lines = "\n".join(f"    {line}" for line in [*body, f"RETURN {returned};"])
    condition = f" WHEN ({when})" if when else ""
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{lines}\nEND\n$$;\n"
        f"CREATE TRIGGER {name} {timing} {event} ON {table} FOR EACH ROW{condition}"
        f" EXECUTE FUNCTION {name}()"
    )


# --- the file ------------------------------------------------------------------------

_SQLITE_ONLY = re.compile(
    r"\b(AUTOINCREMENT|GLOB|WITHOUT ROWID|OR IGNORE|OR REPLACE|NOCASE|RAISE\(|typeof\(|"
    r"printf\(|json\(|json_object\(|group_concat\(|ifnull\(|iif\()"
)

HEADER = """\
-- The journal's schema on PostgreSQL: the baseline that stands in for the SQLite
-- migration steps {first} … {last}.
-- Generated by tools/postgres_schema.py from what those steps make of a blank SQLite
-- journal; do not edit: run `python tools/postgres_schema.py` after adding a step.
--
-- One script, in the caller's transaction. Everything lives in schema {schema}; the
-- trigger functions find their tables through the search_path, so every connection
-- sets `search_path = {schema}`. No rows: those recording the steps as applied, and
-- those the steps also wrote (two settings marks, the public holidays), are the
-- program's to write.
-- compat.sql (SQLite's functions that our queries call) may come before or after."""


def translate() -> str:
    """The whole baseline schema.sql, from the steps as they are now."""
    journal = blank_journal()
    try:
        objects = sqlite_objects(journal)
    finally:
        journal.close()
    tables: dict[str, tuple[str, set[str]]] = {}
    views: dict[str, str] = {}
    others: list[tuple[str, str, str]] = []  # (kind, name, DDL): indexes, then triggers
    for kind, name, _table, sql in objects:
        if kind == "table" and sql.startswith("CREATE VIRTUAL TABLE"):
            name, ddl = full_text_ddl(sql)
            tables[name] = (ddl, set())
        elif kind == "table":
            name, ddl, references = table_ddl(sql)
            tables[name] = (ddl, references)
        elif kind == "index":
            others.append((kind, name, _constraints(normal(sql))))
        elif kind == "view":
            views[name] = view_ddl(name, sql)
        else:
            others.append((kind, name, trigger_ddl(sql)))
    statements = [
        *((f"table {name}", tables[name][0]) for name in ordered(tables)),
        *((f"index {name}", ddl) for kind, name, ddl in others if kind == "index"),
        *((f"view {name}", views[name]) for name in view_order(views)),
        *((f"trigger {name}", ddl) for kind, name, ddl in others if kind == "trigger"),
    ]
    for label, ddl in statements:
        if leftover := _SQLITE_ONLY.search(ddl):
            raise ValueError(f"{label}: no rule translates {leftover.group(0)!r}")
    names = [name for name, _step in migrations.MIGRATIONS]
    header = HEADER.format(first=names[0], last=names[-1], schema=SCHEMA)
    preamble = (
        f"CREATE SCHEMA IF NOT EXISTS {SCHEMA};\n"
        f"SET search_path = {SCHEMA};\n\n"
        "-- SQLite's NOCASE: equal when only the case differs (ICU also folds ä/Ä, which\n"
        "-- NOCASE does not). Nondeterministic: PostgreSQL 15 refuses LIKE under it.\n"
        "CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2',"
        " deterministic = false);"
    )
    blocks = [header, preamble, *(f"-- {label}\n{ddl};" for label, ddl in statements)]
    return "\n\n".join(blocks) + "\n"


def main(arguments: list[str]) -> int:
    if arguments not in ([], ["--check"]):
        print(__doc__, file=sys.stderr)
        return 2
    wanted = translate()
    if arguments == ["--check"]:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != wanted:
            print(f"{TARGET.relative_to(ROOT)} is out of date: run python tools/postgres_schema.py")
            return 1
        return 0
    TARGET.write_text(wanted, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
