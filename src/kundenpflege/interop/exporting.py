"""Taking everything out: tables as CSV and the whole journal as JSON (and back).
Restricted customers (GDPR Art. 18) are never exported."""

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, TextIO

from kundenpflege.domain import journal
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.storage import catalogue, db, migrations
from kundenpflege.storage.connection import Connection, IntegrityError

FORMAT_NAME = "kundenpflege-journal"
# Tables that hold what people entered, in the order they can be loaded back.
JOURNAL_TABLES = (
    "settings",
    "people",
    "customers",
    "customer_tags",
    "contacts",
    "preferences",
    "interactions",
    "followups",
    "consent",
    "erasures",
    "restrictions",
    "facts",
    "key_dates",
)
_UNRESTRICTED = "c.restricted = 0"
TABLE_QUERIES = {
    "customers": "SELECT c.handle, c.name, c.company, c.tier,"
    " (SELECT group_concat(tag, ', ') FROM customer_tags t WHERE t.customer_id = c.id) AS tags,"
    " c.annual_value, c.status, c.customer_since, c.paused_until, c.last_interaction_on"
    " AS last_contact, c.next_due FROM customers c WHERE {where} ORDER BY c.handle",
    # `note`: what we know about the contact (their facts, one a line), as it always was.
    "contacts": "SELECT c.handle AS customer, ct.name, ct.role, ct.email, ct.phone, ct.is_main,"
    " (SELECT group_concat(f.text, ?) FROM (SELECT text FROM facts f"
    " WHERE f.contact_id = ct.id ORDER BY f.learned_on, f.id) AS f) AS note"
    " FROM contacts ct JOIN customers c ON c.id = ct.customer_id WHERE {where}"
    " ORDER BY c.handle, ct.name, ct.id",
    "preferences": "SELECT c.handle AS customer, p.stated_on, p.source, pe.handle AS person,"
    " p.channel, p.frequency, p.weekdays, p.time_of_day, p.max_frequency, p.do_not_contact,"
    " p.id = c.preference_id AS current FROM preferences p JOIN customers c"
    " ON c.id = p.customer_id LEFT JOIN people pe ON pe.id = p.person_id WHERE {where}"
    " ORDER BY c.handle, p.stated_on, p.id",
    "interactions": "SELECT i.id, c.handle AS customer, i.occurred_at, i.occurred_on, i.channel,"
    " i.direction, i.kind, pe.handle AS person, ct.name AS contact, i.mood, i.note, i.amount"
    " FROM interactions i JOIN customers c ON c.id = i.customer_id"
    " LEFT JOIN people pe ON pe.id = i.person_id LEFT JOIN contacts ct ON ct.id = i.contact_id"
    " WHERE {where} ORDER BY i.occurred_at, i.id",
    "followups": "SELECT f.id, c.handle AS customer, f.what, pe.handle AS person, f.promised_on,"
    " f.due_on, f.status, f.done_at FROM followups f JOIN customers c ON c.id = f.customer_id"
    " LEFT JOIN people pe ON pe.id = f.person_id WHERE {where} ORDER BY f.due_on, f.id",
    "facts": "SELECT f.id, c.handle AS customer, ct.name AS contact, f.text, f.source,"
    " f.learned_on FROM facts f JOIN customers c ON c.id = f.customer_id"
    " LEFT JOIN contacts ct ON ct.id = f.contact_id WHERE {where} ORDER BY c.handle, f.id",
    "key_dates": "SELECT k.id, c.handle AS customer, ct.name AS contact, k.kind, k.what,"
    " CASE WHEN k.year IS NULL THEN '--' || k.month_day"
    " ELSE printf('%04d-', k.year) || k.month_day END AS date, k.yearly, k.source"
    " FROM key_dates k JOIN customers c ON c.id = k.customer_id"
    " LEFT JOIN contacts ct ON ct.id = k.contact_id WHERE {where} ORDER BY c.handle, k.id",
    "consent": "SELECT c.handle AS customer, ct.name AS contact, k.purpose, k.action,"
    " k.recorded_at, k.evidence FROM consent k JOIN customers c ON c.id = k.customer_id"
    " LEFT JOIN contacts ct ON ct.id = k.contact_id WHERE {where} ORDER BY k.id",
}
# The values of a query's marks: a line break is bound, as `char(10)` would be a type
# name to PostgreSQL.
_BOUND: dict[str, tuple[str, ...]] = {"contacts": ("\n",)}


def table(connection: Connection, name: str) -> tuple[list[str], int, Iterator[dict[str, Any]]]:
    """Column names, row count and the rows of one table, readable (handles, not ids).

    Rows are streamed: a journal's two million interactions never sit in memory.
    """
    if name not in TABLE_QUERIES:
        raise KundenpflegeError(
            _("unknown table '{name}'; use one of {known}").format(
                name=name, known=", ".join(TABLE_QUERIES)
            )
        )
    query, bound = TABLE_QUERIES[name].format(where=_UNRESTRICTED), _BOUND.get(name, ())
    count = connection.execute(f"SELECT count(*) FROM ({query}) AS counted", bound).fetchone()[0]
    cursor = connection.execute(query, bound)
    fields = [column[0] for column in cursor.description]
    return fields, int(count), (dict(zip(fields, row, strict=True)) for row in cursor)


def journal_tables(
    connection: Connection,
) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """Each table people entered data into, with its rows (ids kept), streamed. A
    complete copy: restricted customers come along with their mark (Art. 18 keeps
    the data; only its processing stops)."""
    for name in JOURNAL_TABLES:
        order = ", ".join(catalogue.primary_key(connection, name))  # some have no rowid
        cursor = db.streamed(connection, f"SELECT * FROM {name} ORDER BY {order}")
        fields = [column[0] for column in cursor.description]
        yield name, (dict(zip(fields, row, strict=True)) for row in cursor)


def journal_size(connection: Connection) -> int:
    """How many rows the journal export goes through (for a progress bar)."""
    return sum(
        connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in JOURNAL_TABLES
    )


def write_journal(
    connection: Connection,
    now: datetime,
    stream: TextIO,
    advance: Callable[[int], None] | None = None,
) -> None:
    """The whole journal as one JSON document of one moment, written row by row so that
    a journal of millions of interactions never has to fit in memory."""
    import json

    with db.snapshot(connection):
        schema = [name for (name,) in connection.execute("SELECT name FROM migrations")]
        head = {
            "format": FORMAT_NAME,
            "schema": schema,
            "exported_at": now.isoformat(timespec="seconds"),
        }
        stream.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "tables": {')
        written = 0
        for number, (name, rows) in enumerate(journal_tables(connection)):
            stream.write(("," if number else "") + f"\n  {json.dumps(name)}: [")
            for index, row in enumerate(rows):
                stream.write(("," if index else "") + "\n   " + json.dumps(row, ensure_ascii=False))
                written += 1
                if advance and written % 1000 == 0:
                    advance(1000)
            stream.write("\n  ]")
        stream.write("\n }\n}\n")


Rows = Iterable[object]  # each a dict of column values; anything else is not a row
Tables = Iterable[tuple[str, Rows]]


@journal.writes
def load(connection: Connection, data: object, source: str) -> int:
    """Load a journal export into an empty journal; returns the number of rows."""
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise KundenpflegeError(
            _("{source} is not a kundenpflege journal export").format(source=source)
        )
    known = [name for name, _ in migrations.MIGRATIONS]
    schema = data.get("schema", [])
    if not isinstance(schema, list) or [name for name in schema if name not in known]:
        raise KundenpflegeError(
            _("{path} comes from a newer kundenpflege; update first").format(path=source)
        )
    if connection.execute("SELECT count(*) FROM customers").fetchone()[0]:
        raise KundenpflegeError(
            _("import json needs an empty journal; create one with --db NEW init")
        )
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise KundenpflegeError(_("{source} has no tables").format(source=source))
    unknown = sorted(set(tables) - set(JOURNAL_TABLES))
    if unknown:
        raise KundenpflegeError(
            _("{source}: no such table: {name}").format(source=source, name=unknown[0])
        )
    return load_tables(
        connection, _document_tables(tables, source), source, refused=_("nothing was imported")
    )


def _document_tables(tables: dict[str, object], source: str) -> Iterator[tuple[str, Rows]]:
    """An export's tables in the order they load, each checked to be a list when its
    turn comes."""
    for name in JOURNAL_TABLES:
        rows = tables.get(name, [])
        if not isinstance(rows, list):
            raise KundenpflegeError(
                _("{source}: table {name} is not a list of rows").format(source=source, name=name)
            )
        yield name, rows


@journal.writes
def load_tables(
    connection: Connection,
    tables: Tables,
    source: str,
    advance: Callable[[int], None] | None = None,
    *,
    rows_at: str = "tables.",
    refused: str | None = None,
) -> int:
    """Load tables of journal rows (ids kept, parents first: JOURNAL_TABLES' order) into
    an empty journal, each row checked by the rules of the commands; returns how many.

    Serves `import json` (an export's rows) and `copy` (another journal's, streamed).
    A row is named `{source}: {rows_at}{table}[{number}]` in errors; `refused` ends the
    error of a row the schema refuses. The identity counters end past the highest id.
    """
    from kundenpflege.interop.journal_rules import checked_row

    # Before m019 a contact had a note of its own; it becomes a fact of the contact.
    notes: list[tuple[object, object]] = []
    count = 0
    for name, rows in tables:
        if name not in JOURNAL_TABLES:
            raise KundenpflegeError(
                _("{source}: no such table: {name}").format(source=source, name=name)
            )
        inserting = _Inserting(connection, refused)
        before = count
        for number, row in enumerate(rows):
            where = f"{source}: {rows_at}{name}[{number}]"
            kept = checked_row(name, row, where)
            if name == "contacts" and "note" in kept:
                notes.append((kept["id"], kept.pop("note")))
            # An upsert, not OR REPLACE: its hidden delete would escape the change log.
            upsert = " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            inserting.add(
                where,
                f"INSERT INTO {name} ({', '.join(kept)}) VALUES ({', '.join('?' for _ in kept)})"
                f"{upsert if name == 'settings' else ''}",
                list(kept.values()),
            )
            count += 1
            if advance and count % 1000 == 0:
                advance(1000)
        inserting.finish()
        if count - before >= db.BULK_ROWS:  # the next tables' rows are checked against it
            db.sizes_known(connection, (name,))
    from kundenpflege.domain import customers, facts, workdays
    from kundenpflege.interop.journal_rules import check_links

    connection.executemany(
        "INSERT INTO facts (customer_id, contact_id, text, learned_on, recorded_at)"
        " SELECT customer_id, id, trim(?), date(created_at, 'localtime'), created_at"
        " FROM contacts WHERE id = ?",
        [(text, number) for number, text in notes if isinstance(text, str) and text.strip()],
    )
    facts.notes_to_facts(connection)  # interactions of the old kind `note`, if any

    check_links(connection, source)
    customers.fill_skeletons(connection)
    workdays.refresh(connection)  # the holidays of the region the rows chose
    catalogue.move_counters(connection, JOURNAL_TABLES)
    return count


class _Inserting:
    """Rows on their way into one table, sent many at once (a server gets them without
    a round trip each). A row the schema refuses is found again and named: the rows
    since the last savepoint are undone and replayed one by one. Few savepoints, each
    covering twice the rows of the one before up to LAST_SEGMENT (kept in memory for
    the replay): PostgreSQL slows down once a transaction holds more than 64 (one
    every 500 rows made a copy of 228,000 rows three times slower)."""

    BATCH = 500
    FIRST_SEGMENT, LAST_SEGMENT = 1_000, 50_000

    def __init__(self, connection: Connection, refused: str | None) -> None:
        self.connection = connection
        self.refused = refused
        self.segment: list[tuple[str, str, list[object]]] = []  # where, statement, values
        self.sent = 0  # rows of the segment in the journal
        self.limit = self.FIRST_SEGMENT

    def add(self, where: str, statement: str, values: list[object]) -> None:
        self.segment.append((where, statement, values))
        if len(self.segment) - self.sent >= self.BATCH:
            self._send()
        if len(self.segment) >= self.limit:
            self.finish()
            self.limit = min(2 * self.limit, self.LAST_SEGMENT)

    def finish(self) -> None:
        """Send what is left and close the segment."""
        if len(self.segment) > self.sent:
            self._send()
        if self.segment:
            self.connection.execute("RELEASE SAVEPOINT loading")
        self.segment, self.sent = [], 0

    def _send(self) -> None:
        if not self.sent:
            self.connection.execute("SAVEPOINT loading")
        unsent = self.segment[self.sent :]
        try:
            start = 0
            while start < len(unsent):  # runs of one statement (rows may lack columns)
                statement = unsent[start][1]
                end = start
                while end < len(unsent) and unsent[end][1] == statement:
                    end += 1
                self.connection.executemany(
                    statement, [values for _where, _statement, values in unsent[start:end]]
                )
                start = end
        except IntegrityError:
            self._replay()
        self.sent = len(self.segment)

    def _replay(self) -> None:
        """Undo the segment and send its rows one by one, to name the one refused."""
        self.connection.execute("ROLLBACK TO SAVEPOINT loading")
        for where, statement, values in self.segment:
            try:
                self.connection.execute(statement, values)
            except IntegrityError as error:
                reason = (
                    _("refers to a row that is not there")
                    if "foreign key" in str(error).lower()
                    else str(error)
                )
                raise KundenpflegeError(
                    f"{where}: {reason}" + (f"; {self.refused}" if self.refused else "")
                ) from None
