"""A Datasette plugin (registered by `present.browse`, never installed on its own):
every connection of the page gets today's date from `clock`, pinned in tests and
demos like every command's."""

import sqlite3

from datasette import hookimpl

from kundenpflege import clock
from kundenpflege.reports.browse import TODAY_FUNCTION


@hookimpl  # type: ignore[untyped-decorator]  # pluggy marker; Datasette ships no types
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function(TODAY_FUNCTION, 0, lambda: clock.today().isoformat())
