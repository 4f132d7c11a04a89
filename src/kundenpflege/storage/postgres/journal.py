"""Opening a journal on a PostgreSQL server: connecting with errors a person can act
on, making the schema on `init`, and bringing it up to date.

The SQLite steps in storage/migrations rebuild tables the way only SQLite needs, so a
server gets the schema they end in as one baseline (`schema.sql`, generated from them
by tools/postgres_schema.py and checked by a test), applied in one transaction under
the writers' advisory lock, and recorded as all the steps it stands for.
"""

from datetime import datetime
from importlib import resources

import psycopg

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.paths import Server
from kundenpflege.storage import db, holidays, migrations
from kundenpflege.storage.catalogue import SCHEMA
from kundenpflege.storage.postgres.connection import (
    PostgresJournal,
    ServerRightsError,
    local_zone,
    refusal,
)

CONNECT_SECONDS = 10


def _explain_connect(error: psycopg.OperationalError, server: Server) -> KundenpflegeError:
    """One line for what went wrong while connecting, with what to try."""
    text = str(error).lower()
    if "password authentication failed" in text or "no password supplied" in text:
        message = _("cannot log in to {server}: the server refused the user or password")
    elif "does not exist" in text and "database" in text:
        message = _("{server}: no such database; create it with 'createdb' first")
    elif "role" in text and "does not exist" in text:
        message = _("{server}: the server knows no such user; ask its administrator for one")
    elif "timeout" in text or "timed out" in text:
        message = _("cannot reach {server}: no answer within {seconds} seconds")
    else:
        message = _("cannot connect to {server}: is the server running and the address right?")
    return KundenpflegeError(message.format(server=server, seconds=CONNECT_SECONDS))


def connect(server: Server, now: datetime, command: str) -> PostgresJournal:
    """A session on the server, speaking in the machine's time zone."""
    try:
        raw = psycopg.connect(server.url, autocommit=True, connect_timeout=CONNECT_SECONDS)
    except psycopg.OperationalError as error:
        raise _explain_connect(error, server) from None
    except psycopg.ProgrammingError:  # the URL itself cannot be read
        raise KundenpflegeError(
            _("{server} is not an address libpq can read").format(server=server)
        ) from None
    journal = PostgresJournal(raw, str(server))
    journal.opened_at, journal.command = now, command
    try:
        raw.execute("SELECT set_config('search_path', %s, false)", (SCHEMA,))
        (journal.person,) = raw.execute(  # each person logs in as themselves
            "SELECT current_user FROM set_config('TimeZone', %s, false)", (local_zone(),)
        ).fetchone() or (None,)
    except psycopg.Error as error:
        raw.close()
        raise refusal(error) from error
    return journal


def blank(journal: PostgresJournal) -> bool:
    """A database without our schema: only `init` makes a journal of it."""
    found = journal.raw.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.migrations",)).fetchone()
    return found is None or found[0] is None


def _script(name: str) -> str:
    return (resources.files(__package__) / name).read_text(encoding="utf-8")


def create_schema(journal: PostgresJournal, now: datetime) -> bool:
    """The baseline, in one transaction under the writers' lock; whether it was made
    (two `init` at once: the second finds the schema made and leaves it)."""
    with db.transaction(journal):
        if not blank(journal):
            return False
        try:
            journal.raw.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            for name in ("compat.sql", "schema.sql"):
                journal.raw.execute(_script(name))
        except psycopg.errors.InsufficientPrivilege as error:
            raise KundenpflegeError(
                _("{server}: {error}; the database's owner makes the journal in it"
                  " ('kundenpflege init' or 'copy --to' as the owner, docs/team.md)").format(
                    server=journal.display, error=error.diag.message_primary)
            ) from None  # fmt: skip
        except psycopg.Error as error:
            raise refusal(error) from error
        stamp = now.isoformat(timespec="seconds")
        journal.executemany(
            "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
            [(step, stamp) for step, _step in migrations.MIGRATIONS],
        )
        # The rows a step writes into a new journal (m015): the default region's holidays.
        holidays.store(journal, holidays.DEFAULT_REGION)
    return True


def create_journal(
    server: Server, now: datetime, recompute: db.Recompute, command: str = "change"
) -> tuple[PostgresJournal, bool]:
    """The journal on `server`, its schema made if the database has none; and whether
    it was made now."""
    journal = connect(server, now, command)
    try:
        created = create_schema(journal, now)
    except BaseException:
        journal.close()
        raise
    return _ready(journal, server, recompute, now), created


def open_journal(
    server: Server,
    now: datetime,
    recompute: db.Recompute,
    upgrade: bool = True,
    blank_ok: bool = False,
    command: str = "change",
) -> PostgresJournal:
    """The journal on `server`, as `db.open_journal` opens a file."""
    journal = connect(server, now, command)
    try:
        if blank(journal):
            if not blank_ok:
                raise KundenpflegeError(
                    _("{server} holds no kundenpflege journal; make it one with"
                      " 'kundenpflege --db {server} init'").format(server=server)
                )  # fmt: skip
            create_schema(journal, now)
    except BaseException:
        journal.close()
        raise
    return _ready(journal, server, recompute, now, upgrade)


def _upgrade(journal: PostgresJournal, server: Server, now: datetime) -> None:
    """The steps a journal made by an earlier kundenpflege lacks, each in its own
    transaction under the writers' lock (two upgrades at once: the second finds each
    step recorded and skips it)."""
    for name in migrations.pending(journal):
        statements = migrations.ON_SERVER.get(name)
        if statements is None:
            raise KundenpflegeError(
                _("{server} needs schema step {name}, which this kundenpflege has only for"
                  " files").format(server=server, name=name)
            )  # fmt: skip
        try:
            with db.transaction(journal):
                if name in migrations.pending(journal):
                    for statement in statements:
                        journal.execute(statement)
                    journal.execute(
                        "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                        (name, now.isoformat(timespec="seconds")),
                    )
        except ServerRightsError as error:  # a step alters tables: the owner's to do
            raise KundenpflegeError(
                _("{server}: {error}; this kundenpflege brings the journal up to date"
                  " (schema step {name}) when its owner runs any command first"
                  " (docs/team.md)").format(server=server, error=error, name=name)
            ) from None  # fmt: skip


def _ready(
    journal: PostgresJournal,
    server: Server,
    recompute: db.Recompute,
    now: datetime,
    upgrade: bool = True,
) -> PostgresJournal:
    """Refuse or guard what a newer or older kundenpflege made; settle what is marked."""
    try:
        newer = migrations.newer(journal)
        if newer:
            journal.newer, journal.origin = tuple(newer), str(server)
            journal.execute("PRAGMA query_only = ON")
        elif upgrade:
            _upgrade(journal, server, now)
        journal.logs_changes = True
        if upgrade and not newer:
            db.settle_marked(journal, recompute)
    except BaseException:
        journal.close()
        raise
    return journal
