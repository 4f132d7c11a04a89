"""The full-text index on either engine: FTS5 in a file, a `tsvector` with a GIN
index on a server (storage/postgres/schema.sql). Both hold the same folded words; what
differs is how they are written, matched and ranked, and it stays here.

A query is a list of terms, each a run of folded words (a phrase) whose last word may
be a prefix. The words come from `[^\\W_]+`, so no query syntax can slip in; they are
quoted all the same.
"""

import re
from collections.abc import Sequence

from kundenpflege.storage.catalogue import on_server
from kundenpflege.storage.connection import Connection

Term = tuple[tuple[str, ...], bool]  # folded words, and whether the last may go on
_WORD = re.compile(r"[^\W_]+")


def store(connection: Connection, rows: Sequence[tuple[int, str]]) -> None:
    """Index these folded texts under their row numbers. A server's parser would keep
    e-mail addresses and hyphenated words whole where FTS5 splits them, so it is given
    the words alone."""
    if on_server(connection):
        rows = [(row, " ".join(_WORD.findall(body))) for row, body in rows]
    connection.executemany("INSERT INTO search_index (rowid, body) VALUES (?, ?)", rows)


def optimise(connection: Connection) -> None:
    """Merge FTS5's segments, so that deleted words leave every one of them. On a
    server old row versions go with VACUUM instead (gdpr forget runs it)."""
    if not on_server(connection):
        connection.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")


def _tsquery(terms: Sequence[Term]) -> str:
    return " & ".join(
        " <-> ".join(f"'{word}'" for word in words) + (":*" if prefix else "")
        for words, prefix in terms
    )


def match(connection: Connection, terms: Sequence[Term]) -> tuple[str, str, str]:
    """The condition that picks matching `search_index` rows (one `?`, for the third
    value), and the score to sort them by (lower is better: FTS5's bm25; on a server
    the negated ts_rank, so ranking may differ between the engines)."""
    if on_server(connection):
        query = _tsquery(terms)
        literal = query.replace("'", "''")
        score = f"-ts_rank(search_index.words, to_tsquery('simple', '{literal}'))"
        return "search_index.words @@ to_tsquery('simple', ?)", score, query
    expression = " AND ".join(
        '"' + " ".join(words) + '"' + ("*" if prefix else "") for words, prefix in terms
    )
    return "search_index MATCH ?", "bm25(search_index)", expression
