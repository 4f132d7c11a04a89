"""One full-text index over everything people type (FTS5), kept by the unit of work.

The schema's triggers mark each changed entry in `search_pending` (kind, id); before
COMMIT `refresh` writes those entries again: their text, folded the German way,
goes into `search_index`, and `search_rows` says whose it is and of which day.
Search folds the query alike, so "Mueller", "Muller" and "Müller" meet. Nothing
but the folded words is kept: a search shows the original text, read anew.
"""

import heapq
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import islice

from kundenpflege.storage import fulltext
from kundenpflege.storage.connection import Connection
from kundenpflege.storage.db import slices

# What the index holds, kind by kind: the entry, its customer, its day, its words.
# `{ids}` becomes the entries to read (or every entry, when the index is built).
SOURCES = {
    "customer": "SELECT id, id, customer_since, handle, name, company FROM customers WHERE {ids}",
    "contact": "SELECT id, customer_id, substr(created_at, 1, 10), name, role, email, phone"
    " FROM contacts WHERE {ids}",
    "note": "SELECT id, customer_id, occurred_on, note FROM interactions"
    " WHERE note IS NOT NULL AND {ids}",
    "preference": "SELECT id, customer_id, stated_on, source FROM preferences"
    " WHERE source IS NOT NULL AND {ids}",
    "followup": "SELECT id, customer_id, promised_on, what FROM followups WHERE {ids}",
    "fact": "SELECT id, customer_id, learned_on, text, source FROM facts WHERE {ids}",
    "date": "SELECT id, customer_id, substr(created_at, 1, 10), what, source FROM key_dates"
    " WHERE {ids}",
}


@cache
def _latin() -> dict[int, str]:
    """Other accented Latin letters (À to ɏ) to their base letter, made when needed."""
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii():
            table[code] = base
    return table


def fold(text: str) -> str:
    """The form the index and the query share: lower case, accents off (ä → a),
    ae/oe/ue → a/o/u, ß → ss. `Mueller-Bau` → `muller-bau`, `Ähre` and `Aehre` → `ahre`.
    German letters take the fast way: this runs for every entry of an import."""
    lowered = text.lower()
    if not lowered.isascii():
        lowered = lowered.replace("ä", "a").replace("ö", "o").replace("ü", "u")
        lowered = lowered.replace("ß", "ss").replace("ẞ", "ss")
    if not lowered.isascii():
        lowered = lowered.translate(_latin())
        if not lowered.isascii():  # other scripts' accents
            lowered = "".join(char for char in unicodedata.normalize("NFD", lowered)
                              if not unicodedata.combining(char))  # fmt: skip
    return lowered.replace("ae", "a").replace("oe", "o").replace("ue", "u")


@dataclass(frozen=True)
class Entry:
    """One indexed entry as people typed it."""

    kind: str
    ref: int
    customer_id: int
    day: str | None
    text: str


def _read(
    connection: Connection, kind: str, where: str = "TRUE", ids: Sequence[int] = (),
    order: str = "",
) -> Iterator[Entry]:  # fmt: skip
    for ref, customer_id, day, *parts in connection.execute(
        SOURCES[kind].format(ids=where) + order, list(ids)
    ):
        text = " ".join(str(part) for part in parts if part)
        if text:
            yield Entry(kind, ref, customer_id, day, text)


def entries(connection: Connection, kind: str, ids: Sequence[int]) -> list[Entry]:
    """The entries of a kind with these ids, their text as typed (by id in each slice)."""
    return [
        entry
        for chunk, marks in slices(ids)
        for entry in _read(connection, kind, f"id IN ({marks})", chunk, order=" ORDER BY 1")
    ]


def _write(connection: Connection, found: Sequence[Entry]) -> None:
    """Into the index, as its newest rows."""
    first = connection.execute("SELECT coalesce(max(row), 0) + 1 FROM search_rows").fetchone()[0]
    connection.executemany(
        "INSERT INTO search_rows (row, kind, ref, customer_id, day) VALUES (?, ?, ?, ?, ?)",
        [(first + number, entry.kind, entry.ref, entry.customer_id, entry.day)
         for number, entry in enumerate(found)],
    )  # fmt: skip
    fulltext.store(connection, [(first + n, fold(entry.text)) for n, entry in enumerate(found)])


def _drop(connection: Connection, kind: str, refs: Sequence[int]) -> None:
    for chunk, marks in slices(refs):
        rows = connection.execute(
            f"SELECT row FROM search_rows WHERE kind = ? AND ref IN ({marks})", [kind, *chunk]
        ).fetchall()
        connection.executemany("DELETE FROM search_index WHERE rowid = ?", rows)
        connection.executemany("DELETE FROM search_rows WHERE row = ?", rows)


def refresh(connection: Connection) -> None:
    """Write the marked entries again (gone ones leave the index); part of every change."""
    pending: dict[str, list[int]] = {}
    for kind, ref in connection.execute("SELECT kind, ref FROM search_pending ORDER BY kind, ref"):
        pending.setdefault(kind, []).append(ref)
    if not pending:
        return
    for kind, refs in pending.items():
        _drop(connection, kind, refs)
        _write(connection, entries(connection, kind, refs))
    connection.execute("DELETE FROM search_pending")


BATCH = 20_000


def rebuild(connection: Connection, progress: Callable[[int, int], None]) -> None:
    """Index every entry again, oldest day first (a search ranks the newest rows);
    `progress(done, total)` is told along the way."""
    for table in ("search_index", "search_rows", "search_pending"):
        connection.execute(f"DELETE FROM {table}")
    total = sum(
        connection.execute(
            f"SELECT count(*) FROM ({SOURCES[kind].format(ids='TRUE')}) AS entries"
        ).fetchone()[0]
        for kind in SOURCES
    )
    every = heapq.merge(
        *(_read(connection, kind, order=" ORDER BY 3, 1") for kind in SOURCES),
        key=lambda entry: entry.day or "",
    )
    done = 0
    while batch := list(islice(every, BATCH)):
        _write(connection, batch)
        done += len(batch)
        progress(done, total)
    fulltext.optimise(connection)


def purge(connection: Connection) -> None:
    """After an erasure: rewrite the index's segments, so that the erased words are
    no longer in any of them (FTS5 keeps deleted entries until segments merge)."""
    fulltext.optimise(connection)
