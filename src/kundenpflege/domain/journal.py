"""The domain's unit of work: every change to the journal runs inside one.

It opens the transaction (BEGIN IMMEDIATE); the schema's triggers mark each
customer a change touched; before COMMIT the marked customers' derived columns
(next due, last contact, risks, signals) are recomputed by `schedule`. Nobody
refreshes by hand, so nobody can forget to.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from kundenpflege.paths import Server
from kundenpflege.storage import db
from kundenpflege.storage.connection import Connection

Parameters = ParamSpec("Parameters")
Result = TypeVar("Result")


def recompute(connection: Connection, customer_ids: Sequence[int]) -> None:
    """What storage calls before a unit of work commits: the customers it touched are
    recomputed, the entries it changed written into the search index."""
    from kundenpflege.domain import search_index

    if customer_ids:
        from kundenpflege.domain import schedule  # schedule imports the modules that write

        schedule.refresh_many(connection, customer_ids)
    search_index.refresh(connection)


Progress = Callable[[int, int], None]  # done, total: long work at opening tells it


def open_journal(
    path: "Path | Server",
    now: datetime,
    *,
    upgrade: bool = True,
    command: str = "change",
    progress: Progress | None = None,
) -> Connection:
    """An existing journal, its schema and derived columns brought up to date; its
    changes go into the change log under `command`."""
    connection = db.open_journal(path, now, recompute, upgrade=upgrade, command=command)
    if upgrade and not db.newer_than_us(connection):
        _finish_upgrades(connection, progress)
    return connection


def _finish_upgrades(connection: Connection, progress: Progress | None) -> None:
    """Once after the steps that flag them, what SQL alone cannot do: m009's name
    skeletons (Unicode data), m019's move of `note` entries to facts (a change people
    can undo), m021's search index of everything typed so far (one transaction, with
    `progress`). One read of the flags on every open; the work only when flagged."""
    from kundenpflege.storage.migrations.knowing_people import NOTES_PENDING

    try:
        flagged = {key for (key,) in connection.execute(
            "SELECT key FROM settings WHERE key IN (?, ?, ?)",
            ("skeletons_pending", NOTES_PENDING, "search_index_pending"))}  # fmt: skip
        if "skeletons_pending" in flagged:
            from kundenpflege.domain import customers

            customers.fill_skeletons(connection)
        if NOTES_PENDING in flagged:
            from kundenpflege.domain import facts

            facts.move_notes(connection)
        if "search_index_pending" in flagged:
            from kundenpflege.domain import search_index

            with db.transaction(connection):
                search_index.rebuild(connection, progress or (lambda _done, _total: None))
                connection.execute("DELETE FROM settings WHERE key = 'search_index_pending'")
    except BaseException:
        connection.close()
        raise


def create_journal(
    path: "Path | Server", now: datetime, command: str = "change", progress: Progress | None = None
) -> tuple[Connection, bool]:
    """The journal at `path`, made (0600) if missing; and whether it is new."""
    connection, created = db.create_journal(path, now, recompute, command)
    _finish_upgrades(connection, progress)
    return connection, created


@contextmanager
def change(connection: Connection, *, keep: bool = True, log: bool = True) -> Iterator[None]:
    """One user action, all or nothing; inside another change it joins that one.
    `keep=False` undoes everything at the end (dry runs); `log=False` keeps it out of
    the change log (undo itself)."""
    with db.unit_of_work(connection, recompute, keep=keep, log=log):
        yield


def derived_made(connection: Connection) -> None:
    """Inside a change, after a bulk load (its row triggers maybe paused): what they
    keep, made at once. The daily tally summed again, every customer marked for the
    unit of work to recompute before COMMIT, the search index built again, oldest day
    first as a journal's first index is: the same journal whoever loaded it."""
    from kundenpflege.domain import search_index
    from kundenpflege.storage import catalogue

    columns, summed = catalogue.daily_tally(connection)
    connection.execute("DELETE FROM daily_stats")
    connection.execute(f"INSERT INTO daily_stats (day, tier, band, {', '.join(columns)}) {summed}")
    connection.execute(
        "INSERT INTO pending_refresh (customer_id) SELECT id FROM customers"
        " WHERE id NOT IN (SELECT customer_id FROM pending_refresh)"
    )
    search_index.rebuild(connection, lambda _done, _total: None)


def settle(connection: Connection) -> None:
    """Inside a change: recompute what it touched so far, for code that reads the
    verdict before the change ends (the over-contact warning of `log`)."""
    db.settle(connection, recompute)


def writes(
    function: Callable[Concatenate[Connection, Parameters], Result],
) -> Callable[Concatenate[Connection, Parameters], Result]:
    """Marks a domain function that changes the journal: called on its own it runs in
    its own change; called inside one, it is part of it."""

    @wraps(function)
    def in_change(
        connection: Connection, *args: Parameters.args, **kwargs: Parameters.kwargs
    ) -> Result:
        with change(connection):
            return function(connection, *args, **kwargs)

    # Same signature; typeshed types what `wraps` returns as its own wrapper class.
    return in_change  # type: ignore[return-value]
