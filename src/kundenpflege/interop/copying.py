"""`copy --to`: a whole journal into another place, between a file and a server in
either direction (issue 17).

The source is read in one snapshot, its rows streamed in key order through the
loader `import json` uses (every value checked by the rules of the commands, ids
kept) into a target that holds nothing yet, in one change of the target: a copy
that fails leaves it as it was. The target's derived columns and search index are
made by its own unit of work; its change log starts after the copy, which is not
a change anyone could undo.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kundenpflege import paths
from kundenpflege.domain import journal
from kundenpflege.errors import KundenpflegeError, UsageError
from kundenpflege.i18n import _
from kundenpflege.interop import exporting
from kundenpflege.paths import Server
from kundenpflege.storage import catalogue, db
from kundenpflege.storage.connection import Connection, Error

Location = Path | Server
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
# What a journal holds beside its entries: its settings (region, working days, default
# rhythm) may be there in a target made by `init`; the source's replace them.
_ENTRIES = tuple(name for name in exporting.JOURNAL_TABLES if name != "settings")


def place(text: str) -> Location:
    """Where `--to` points: a PostgreSQL address or a journal file."""
    if not text.strip():
        raise UsageError(_("--to needs a journal file or a postgresql://… address"))
    if paths.on_a_server(text):
        return Server(text)
    scheme, separator, _rest = text.partition("://")
    if separator and _SCHEME.fullmatch(scheme):
        raise UsageError(
            _("--to '{scheme}://…' is neither a file nor a PostgreSQL address"
              " (postgresql://…)").format(scheme=scheme)
        )  # fmt: skip
    return Path(text).expanduser()


@dataclass(frozen=True)
class Journals:
    """Both ends of a copy, open: the source in one read snapshot."""

    source: Connection
    source_location: Location
    target: Connection
    target_location: Location
    rows: int  # how many rows the copy goes through (for a progress bar)


@contextmanager
def opened(source: Location, target: Location, now: datetime) -> Iterator[Journals]:
    """Open the source to be read and the target to be written (a new file is made,
    0600; an empty database gets the schema), or say why the copy cannot be. A new
    target file is removed again when what follows fails."""
    with _naming(source):
        reader = journal.open_journal(source, now, command="copy")
    writer: Connection | None = None
    created = False
    try:
        refused = db.newer_than_us(reader)
        if refused:
            raise KundenpflegeError(refused)
        if isinstance(target, Path) and target.exists() and not catalogue.journal_or_blank(target):
            raise KundenpflegeError(
                _("{target} exists and is not a kundenpflege journal; copy to a new file or"
                  " an empty database").format(target=target)
            )  # fmt: skip
        with _naming(target):
            writer, created = journal.create_journal(target, now, command="copy")
            if catalogue.identity(writer) == catalogue.identity(reader):
                raise KundenpflegeError(
                    _("{target} is the journal being copied; copy to another file or"
                      " database").format(target=target)
                )  # fmt: skip
        with _naming(source):
            # One moment of the source, only read: others may go on writing meanwhile.
            reader.execute("PRAGMA query_only = ON")
            reader.execute("BEGIN")
            rows = exporting.journal_size(reader)
        yield Journals(reader, source, writer, target, rows)
    except BaseException:
        if writer is not None:
            writer.close()
            writer = None
            if created and isinstance(target, Path):
                for end in ("", "-wal", "-shm", "-journal"):
                    Path(f"{target}{end}").unlink(missing_ok=True)
        raise
    finally:
        if writer is not None:
            writer.close()
        reader.close()  # ends the snapshot


def copy(journals: Journals, advance: Callable[[int], None] | None = None) -> int:
    """Copy every row of the source into the empty target in one change; returns how
    many rows. Nothing of it is in the target's change log: undo starts after it."""
    target, label = journals.target, str(journals.target_location)
    with _naming(journals.target_location), journal.change(target, log=False):
        held = [name for name in _ENTRIES
                if target.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone()]  # fmt: skip
        if held:
            raise KundenpflegeError(
                _("{target} is not empty (it holds {tables}); copy to a new file or an empty"
                  " database").format(target=label, tables=", ".join(held))
            )  # fmt: skip
        target.execute("DELETE FROM settings")
        tables = _read(exporting.journal_tables(journals.source), journals.source_location)
        try:
            with db.row_triggers_paused(target, exporting.JOURNAL_TABLES):
                count = exporting.load_tables(
                    target, tables, str(journals.source_location), advance, rows_at=""
                )
            # Made at once, paused or not: the same journal whoever copies it.
            journal.derived_made(target)
        except KundenpflegeError as problem:
            raise KundenpflegeError(
                _("{problem}; nothing was copied").format(problem=problem)
            ) from None
        # The target's log begins here: what it held before (an `init`) is no longer
        # there to undo, and the copy itself is no one's change to take back.
        target.execute("DELETE FROM change_steps")
        target.execute("DELETE FROM changes")
    return count


def tidied(journals: Journals) -> str | None:
    """After the copy, on a server: its old row versions cleared and the sizes told to
    the planner at once, rather than whenever autovacuum comes by; None when done (or
    a file), else the statement the tables' owner runs."""
    if not isinstance(journals.target_location, Server):
        return None
    from kundenpflege.storage import maintenance

    with _naming(journals.target_location):
        return maintenance.vacuum(journals.target, analyze=True)


def _read(
    tables: Iterable[tuple[str, Iterable[object]]], location: Location
) -> Iterator[tuple[str, Iterator[object]]]:
    """The source's tables, a failure to read them named after the source."""
    with _naming(location):
        for name, rows in tables:
            yield name, _rows(rows, location)


def _rows(rows: Iterable[object], location: Location) -> Iterator[object]:
    with _naming(location):
        yield from rows


@contextmanager
def _naming(location: Location) -> Iterator[None]:
    """The database's errors as one line that names this journal."""
    try:
        yield
    except Error as error:
        raise db.explain(error, location) from None
