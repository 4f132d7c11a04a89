"""Data rights (GDPR Art. 15, 17, 18): access, erasure, restriction of processing.

A subject is a customer (`handle`) or one person there (`handle/name-or-email`).
Erasure deletes the rows, logs only when, what kind and by whom, and with
`secure_delete` and a WAL checkpoint the words are gone from the file. Litestream
holds a read lock that keeps our checkpoint from ever completing, and checkpoints
itself: a journal it replicates is erased all the same (docs/replication.md).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from kundenpflege.domain import consent, journal, search_index
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import N_, _
from kundenpflege.storage import catalogue, db, schema
from kundenpflege.storage.connection import Connection


def _rows(connection: Connection, sql: str, *parameters: object) -> list[dict[str, Any]]:
    cursor = connection.execute(sql, parameters)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def access(connection: Connection, who: consent.Subject, now: datetime) -> dict[str, Any]:
    """Everything stored about the subject, for an access request. Each list in the
    order SQLite has always read it (from its index), written out so that every
    engine gives the same."""
    customer_id = who.customer["id"]
    if who.contact_id is None:
        return {
            "subject": {"kind": "customer", "handle": who.customer["handle"]},
            "exported_at": now.isoformat(timespec="seconds"),
            "customer": _rows(connection, "SELECT * FROM customers WHERE id = ?", customer_id),
            "tags": _rows(
                connection,
                "SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag",
                customer_id,
            ),  # fmt: skip
            "contacts": _rows(
                connection, "SELECT * FROM contacts WHERE customer_id = ? ORDER BY id", customer_id
            ),  # fmt: skip
            "preferences": _rows(
                connection,
                "SELECT * FROM preferences WHERE customer_id = ? ORDER BY stated_on, id",
                customer_id,
            ),  # fmt: skip
            "interactions": _rows(
                connection,
                "SELECT * FROM interactions WHERE customer_id = ? ORDER BY occurred_at, id",
                customer_id,
            ),  # fmt: skip
            "followups": _rows(
                connection,
                "SELECT * FROM followups WHERE customer_id = ? ORDER BY status, id",
                customer_id,
            ),  # fmt: skip
            "consent": _rows(
                connection,
                "SELECT * FROM consent WHERE customer_id = ? ORDER BY purpose, id",
                customer_id,
            ),  # fmt: skip
            "facts": _rows(
                connection, "SELECT * FROM facts WHERE customer_id = ? ORDER BY id", customer_id
            ),  # fmt: skip
            "key_dates": _rows(
                connection,
                "SELECT * FROM key_dates WHERE customer_id = ? ORDER BY id",
                customer_id,
            ),  # fmt: skip
        }
    return {
        "subject": {"kind": "contact", "customer": who.customer["handle"]},
        "exported_at": now.isoformat(timespec="seconds"),
        "contact": _rows(connection, "SELECT * FROM contacts WHERE id = ?", who.contact_id),
        "preferences": _rows(  # what they said they want, each statement
            connection,
            "SELECT * FROM preferences WHERE contact_id = ? ORDER BY stated_on, id",
            who.contact_id,
        ),
        "interactions": _rows(
            connection,
            "SELECT * FROM interactions WHERE contact_id = ? ORDER BY occurred_at, id",
            who.contact_id,
        ),  # fmt: skip
        "consent": _rows(
            connection, "SELECT * FROM consent WHERE contact_id = ? ORDER BY id", who.contact_id
        ),
        "facts": _rows(
            connection, "SELECT * FROM facts WHERE contact_id = ? ORDER BY id", who.contact_id
        ),
        "key_dates": _rows(
            connection, "SELECT * FROM key_dates WHERE contact_id = ? ORDER BY id", who.contact_id
        ),
    }


def forget(connection: Connection, who: consent.Subject, now: datetime, by_whom: str | None) -> int:
    """Erase the subject for good and return the rows removed."""
    return _for_good(
        connection, consent.describe(who), lambda: _erase(connection, who, now, by_whom)
    )


def forget_removed(connection: Connection, text: str, now: datetime, by_whom: str | None) -> int:
    """Erase a contact who was removed earlier and lives on only in the change log
    (for undo): their erasure is logged like any other and, being a stop, empties the
    log up to here. Returns how many such contacts there were (0: nobody)."""
    from kundenpflege.storage import changelog

    handle, _slash, name = text.rpartition("/")
    removed = changelog.removed_contacts(connection, name, handle or None)
    if not removed:
        return 0

    def log_erasures() -> int:
        connection.executemany(
            "INSERT INTO erasures (erased_at, kind, subject_id, by_whom)"
            " VALUES (?, 'contact', ?, ?)",
            [(now.isoformat(timespec="seconds"), number, by_whom) for number in removed],
        )
        return 0  # no row of the journal; the log entries go with the stop

    _for_good(connection, text, log_erasures)
    return len(removed)


def _for_good(connection: Connection, whom: str, erase: Callable[[], int]) -> int:
    """Run `erase` as a change of its own, then empty the WAL, where the erased words
    would otherwise linger; so it cannot be part of a larger, still open change."""
    if connection.in_transaction:
        raise KundenpflegeError(_("an erasure runs on its own; finish the open change first"))
    if catalogue.on_server(connection):  # no WAL of ours: the CLI vacuums afterwards
        with journal.change(connection):
            return erase()
    # Litestream's reader never lets go, so waiting for it would refuse for ever; its
    # own checkpoint empties the WAL later (the CLI says so).
    replicated = schema.replicated(connection)
    # Until a checkpoint completes, the old pages hold the words: make sure one can.
    if not replicated and not db.checkpoint(connection):
        raise KundenpflegeError(_("{reader}; close it and try again; nothing was erased").format(
            reader=_(READER)))  # fmt: skip
    with journal.change(connection):
        removed = erase()
    with db.transaction(connection):  # the index keeps erased words until rewritten
        search_index.purge(connection)
    if not db.checkpoint(connection) and not replicated:
        raise KundenpflegeError(
            _("erased {whom} ({count} rows), but {reader}, so the words can still be in the"
              " file; close it and run 'kundenpflege doctor'").format(
                whom=whom, count=removed, reader=_(READER))
        )  # fmt: skip
    return removed


# Who keeps a checkpoint from completing: a reader that is not us.
READER = N_(
    "another program is reading the journal (a backup, Litestream, Datasette or a second"
    " kundenpflege)"
)


def subjects(connection: Connection, text: str) -> list[consent.Subject]:
    """Whom a data-subject request names: `HANDLE[/CONTACT]`, a customer's name, or a
    contact's e-mail or name alone. One e-mail at several customers is one person (all
    of them); a name that several different people have is an error listing them."""
    from kundenpflege.domain.customers import CustomerNotFound

    try:
        return [consent.subject(connection, text)]
    except CustomerNotFound as not_a_customer:  # several customers: that error stands
        if "/" in text:
            raise
        rows = (
            connection.execute(
                "SELECT ct.id, ct.name, c.handle FROM contacts ct JOIN customers c"
                " ON c.id = ct.customer_id WHERE ct.email = ? COLLATE NOCASE"
                " ORDER BY c.handle, ct.id",
                (text.strip(),),
            ).fetchall()
            or connection.execute(
                "SELECT ct.id, ct.name, c.handle FROM contacts ct JOIN customers c"
                " ON c.id = ct.customer_id WHERE ct.name = ? COLLATE NOCASE"
                " ORDER BY c.handle, ct.id",
                (text.strip(),),
            ).fetchall()
        )
        if not rows:
            raise not_a_customer from None
        if "@" not in text and len(rows) > 1:
            raise KundenpflegeError(
                _("'{name}' names several people: {candidates}; say which with"
                  " HANDLE/CONTACT").format(name=text, candidates=", ".join(
                    f"{row['handle']}/{row['name']}" for row in rows))
            ) from None  # fmt: skip
        return [consent.subject(connection, f"{row['handle']}/{row['name']}") for row in rows]


def _erase(connection: Connection, who: consent.Subject, now: datetime, by_whom: str | None) -> int:
    customer_id = who.customer["id"]
    kind, subject_id = (
        ("customer", customer_id) if who.contact_id is None else ("contact", who.contact_id)
    )
    # Logged first: the consent ledger lets go of the rows of a logged erasure only.
    cursor = connection.execute(
        "INSERT INTO erasures (erased_at, kind, subject_id, by_whom) VALUES (?, ?, ?, ?)",
        (now.isoformat(timespec="seconds"), kind, subject_id, by_whom),
    )
    erasure_id = cursor.lastrowid
    if kind == "contact":
        # Promises made in a conversation with them quote that conversation.
        removed = connection.execute(
            "UPDATE followups SET what = '(erased)' WHERE interaction_id IN"
            " (SELECT id FROM interactions WHERE contact_id = ?)",
            (subject_id,),
        ).rowcount
        removed += connection.execute(
            "UPDATE interactions SET note = NULL WHERE contact_id = ? AND note IS NOT NULL",
            (subject_id,),
        ).rowcount
        for statement in (
            "DELETE FROM consent WHERE contact_id = ?",
            "DELETE FROM facts WHERE contact_id = ?",
            "DELETE FROM key_dates WHERE contact_id = ?",
            "DELETE FROM contacts WHERE id = ?",
        ):
            removed += connection.execute(statement, (subject_id,)).rowcount
    else:
        removed = 0
        # Children first, so the daily tally triggers still see the customer.
        for statement in (
            "DELETE FROM consent WHERE customer_id = ?",
            "DELETE FROM facts WHERE customer_id = ?",
            "DELETE FROM key_dates WHERE customer_id = ?",
            "DELETE FROM followups WHERE customer_id = ?",
            "DELETE FROM interactions WHERE customer_id = ?",
            "DELETE FROM preferences WHERE customer_id = ?",
            "DELETE FROM contacts WHERE customer_id = ?",
            "DELETE FROM customer_tags WHERE customer_id = ?",
            "DELETE FROM customers WHERE id = ?",
        ):
            removed += connection.execute(statement, (customer_id,)).rowcount
    connection.execute("UPDATE erasures SET rows_removed = ? WHERE id = ?", (removed, erasure_id))
    return removed


@journal.writes
def restrict(connection: Connection, customer_id: int, restricted: bool, now: datetime) -> None:
    """Restrict processing (Art. 18) or lift it; each is kept as a dated entry."""
    changed = connection.execute(
        "UPDATE customers SET restricted = ? WHERE id = ? AND restricted != ?",
        (int(restricted), customer_id, int(restricted)),
    ).rowcount
    if not changed:
        return
    moment = now.isoformat(timespec="seconds")
    if restricted:
        connection.execute(
            "INSERT INTO restrictions (customer_id, restricted_at) VALUES (?, ?)",
            (customer_id, moment),
        )
    else:
        connection.execute(
            "UPDATE restrictions SET lifted_at = ? WHERE customer_id = ? AND lifted_at IS NULL",
            (moment, customer_id),
        )
