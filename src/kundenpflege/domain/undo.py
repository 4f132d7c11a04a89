"""`undo`: the most recent change to the journal, shown and then reversed.

What a change did is in the change log (storage); here it is told in the journal's
words (which customer, which entry) and reversed as one unit of work that is itself
not logged, so `undo` again reaches the change before.
"""

from dataclasses import dataclass
from typing import Any

from kundenpflege.domain import journal
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.storage import changelog
from kundenpflege.storage.connection import Connection

SHOWN = 8  # a change of more rows is told in counts
# Kept in step with the entries they belong to; not worth a line of their own.
_UNTOLD = {"preference_id", "name_skeleton", "recorded_at"}


@dataclass(frozen=True)
class Entry:
    """One row as undo will leave it: removed (`insert`), changed back (`update`:
    `changed` holds each column's value now and the one it gets back), or brought
    back (`delete`)."""

    table: str
    operation: str
    row: dict[str, Any]
    customer: str | None
    changed: dict[str, tuple[Any, Any]]


@dataclass(frozen=True)
class Plan:
    change: changelog.Change
    entries: list[Entry] | None  # None: too many, told in counts
    counts: dict[tuple[str, str], int]
    later: list[changelog.Change]  # others' changes after it, which stay


def plan(connection: Connection) -> Plan:
    """What `undo` would reverse now, or why it cannot. On a shared journal that is
    the latest change of the person at work, provided nobody changed its entries
    since (others' later changes stay)."""
    at_work = getattr(connection, "person", None)
    change = changelog.latest(connection, at_work)
    if change is None:
        raise KundenpflegeError(
            _("nothing to undo (the journal keeps its last {count} changes)").format(
                count=changelog.KEEP
            )
            if changelog.latest(connection) is None
            else _("none of the journal's last {count} changes is yours ({person})").format(
                count=changelog.KEEP, person=at_work
            )
        )
    if change.stop is not None:
        raise KundenpflegeError(_stopped(change))
    later = changelog.later(connection, change.id)
    if later:  # whether it leaves them as they are is known by trying it, not kept
        with journal.change(connection, keep=False, log=False):
            changelog.reverse(connection, change.id)
    counts = changelog.counts(connection, change.id)
    if sum(counts.values()) > SHOWN:
        return Plan(change, None, counts, later)
    entries = (_entry(connection, step) for step in changelog.steps(connection, change.id))
    return Plan(change, [entry for entry in entries if entry is not None], counts, later)


def undo(connection: Connection, change_id: int) -> None:
    """Reverse the change `plan` showed, provided it is still the one to undo."""
    with journal.change(connection, log=False):
        latest = changelog.latest(connection, getattr(connection, "person", None))
        if latest is None or latest.id != change_id:
            raise KundenpflegeError(
                _("the journal changed meanwhile; nothing was undone: run undo again to see"
                  " what it would undo now")
            )  # fmt: skip
        changelog.reverse(connection, change_id)


def _stopped(change: changelog.Change) -> str:
    when = changelog.when(change)
    if change.stop == "consent":
        return _(
            "undo stops at the consent entry of {when} ('{command}'): the consent ledger"
            " is append-only; answer a mistaken entry with a new one"
            " ('kundenpflege consent withdraw' or 'grant')"
        ).format(when=when, command=change.command)
    if change.stop == "erasure":
        return _(
            "undo stops at the erasure of {when}: nothing erased ever comes back, and"
            " nothing before it can be undone"
        ).format(when=when)
    if change.stop == "restriction":
        return _(
            "undo stops at the restriction of processing of {when}: restrict or lift it"
            " with 'kundenpflege gdpr restrict' (--lift)"
        ).format(when=when)
    return _(
        "undo stops at the restore of {when}: the journal before it is in the copy the restore kept"
    ).format(when=when)


def _entry(connection: Connection, step: changelog.Step) -> Entry | None:
    now = changelog.current(connection, step)
    if now is None and step.operation != "delete":
        raise changelog.changed_outside(step)
    changed: dict[str, tuple[Any, Any]] = {}
    if step.operation == "update" and now is not None:
        changed = {
            column: (now.get(column), value)
            for column, value in step.row.items()
            if now.get(column) != value and column not in _UNTOLD
        }
        if not changed:
            return None
    row = now or step.row
    return Entry(step.table, step.operation, row, _customer(connection, step.table, row), changed)


def _customer(connection: Connection, table: str, row: dict[str, Any]) -> str | None:
    if table == "customers":
        return str(row.get("handle"))
    if "customer_id" not in row:
        return None
    found = connection.execute(
        "SELECT handle FROM customers WHERE id = ?", (row["customer_id"],)
    ).fetchone()
    return str(found[0]) if found else f"#{row['customer_id']}"
