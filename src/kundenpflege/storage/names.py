"""The journal's own names (handles, contacts, people, open follow-ups) for tab completion.

Completion runs on every TAB, against whatever file the half-typed command names, so
it opens the journal read-only (`mode=ro`): it never creates, upgrades or changes
one, and a missing, damaged, foreign or busy file simply offers nothing. Each query
walks an index from the typed prefix and stops at `LIMIT` names.
"""

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

LIMIT = 200  # more is no help on a terminal, and a big journal must answer at once
BUSY_SECONDS = 0.1  # a writer holding the file: offer nothing rather than make TAB hang
# Above every character a name can hold: `prefix <= name < prefix + END` is a prefix
# match that SQLite answers from the index (byte order of UTF-8 is code point order).
END = "\U0010ffff"


def _rows(path: Path, sql: str, parameters: Sequence[Any]) -> list[Any]:
    """The rows of one query, or none when the journal cannot be read as it is."""
    try:
        connection = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS
        )
    except sqlite3.Error:
        return []
    try:
        return connection.execute(sql, parameters).fetchall()
    except sqlite3.Error:
        return []
    finally:
        connection.close()


def handles(path: Path, prefix: str) -> list[str]:
    """Customer handles that start with `prefix`, in order."""
    rows = _rows(
        path,
        "SELECT handle FROM customers WHERE handle >= ? AND handle < ? ORDER BY handle LIMIT ?",
        (prefix, prefix + END, LIMIT),
    )
    return [handle for (handle,) in rows]


def contacts_at(path: Path, handle_prefix: str) -> list[tuple[str, str]]:
    """(handle, contact name) of every contact at the customers whose handle starts
    with `handle_prefix`."""
    return _rows(
        path,
        "SELECT c.handle, k.name FROM customers c JOIN contacts k ON k.customer_id = c.id"
        " WHERE c.handle >= ? AND c.handle < ? ORDER BY c.handle, k.id LIMIT ?",
        (handle_prefix, handle_prefix + END, LIMIT),
    )


def contact_names(path: Path, handle: str, prefix: str) -> list[str]:
    """Names of the contacts at customer `handle` that start with `prefix`."""
    rows = _rows(
        path,
        "SELECT k.name FROM customers c JOIN contacts k ON k.customer_id = c.id"
        " WHERE c.handle = ? AND k.name >= ? AND k.name < ? ORDER BY k.name LIMIT ?",
        (handle, prefix, prefix + END, LIMIT),
    )
    return [name for (name,) in rows]


def people(path: Path, prefix: str) -> list[str]:
    """Handles of the people on our side that start with `prefix`."""
    rows = _rows(
        path,
        "SELECT handle FROM people WHERE handle >= ? AND handle < ? ORDER BY handle LIMIT ?",
        (prefix, prefix + END, LIMIT),
    )
    return [handle for (handle,) in rows]


def open_followups(path: Path, prefix: str) -> list[tuple[int, str, str, str]]:
    """(number, handle, due day, what) of the open promises whose number starts with
    `prefix`, the most pressing first, as `followup list` shows them."""
    return _rows(
        path,
        "SELECT f.id, c.handle, f.due_on, f.what FROM followups f"
        " JOIN customers c ON c.id = f.customer_id"
        " WHERE f.status = 'open' AND c.restricted = 0"
        " AND CAST(f.id AS TEXT) >= ? AND CAST(f.id AS TEXT) < ?"
        " ORDER BY f.due_on, f.id LIMIT ?",
        (prefix, prefix + END, LIMIT),
    )
