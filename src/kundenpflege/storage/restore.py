"""Putting a backup back without losing or exposing anything.

The backup is checked strictly first (opened immutable, so nothing is written
beside it; its schema must be what our migrations made; bounded in time). Then,
holding the journal's write lock the whole time, the current journal is copied
aside (a consistent, 0600, never-overwriting copy) and the backup's content is
written into the live file in that one transaction: every process that has the
journal open sees the old content or the new, and every write acknowledged before
is in the kept copy. A journal file that is no database at all is renamed aside.
"""

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _, system_message
from kundenpflege.storage import changelog, db, migrations, schema

CHECK_SECONDS = 20.0  # a backup that takes longer to check is refused (e.g. a looping view)
OURS_ONLY = "name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name NOT IN ({})".format(
    ", ".join(f"'{name}'" for name in schema.LITESTREAM)
)


def _uri(path: Path, options: str = "") -> str:
    return path.resolve().as_uri() + (f"?{options}" if options else "")


def check_backup(path: Path, now: datetime, journal: Path | None = None) -> None:
    """A restore candidate must be an intact kundenpflege journal this version knows,
    with nothing in it that our migrations did not make."""
    if not path.exists():
        raise KundenpflegeError(_("{path} does not exist").format(path=path))
    if not path.is_file():
        raise KundenpflegeError(_("{path} is not a file").format(path=path))
    if journal is not None and journal.exists() and path.resolve() == journal.resolve():
        raise KundenpflegeError(_("{path} is the journal itself").format(path=path))
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size:
        # Opened immutable, the backup would be read without what its WAL holds.
        raise KundenpflegeError(
            _("{path} has changes in {wal} that are not in the file; make backups with"
              " 'kundenpflege backup', or open it once with sqlite3 to fold them in").format(
                path=path, wal=wal)
        )  # fmt: skip
    deadline = time.monotonic() + CHECK_SECONDS
    try:
        candidate = sqlite3.connect(_uri(path, "mode=ro&immutable=1"), uri=True)
    except sqlite3.Error as error:
        raise _not_a_journal(path, str(error)) from None
    candidate.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        verdict = candidate.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise KundenpflegeError(
                _("{path} is damaged: {verdict}").format(path=path, verdict=verdict)
            )
        kind = candidate.execute(
            "SELECT type FROM sqlite_master WHERE name = 'migrations'"
        ).fetchone()
        if kind is None or kind[0] != "table":
            raise _not_a_journal(path, _("it has no migrations table"))
        applied = [name for (name,) in candidate.execute("SELECT name FROM migrations")]
        known = [name for name, _step in migrations.MIGRATIONS]
        if [name for name in applied if name not in known]:
            raise KundenpflegeError(
                _("{path} comes from a newer kundenpflege; update first").format(path=path)
            )
        if known[: len(applied)] != sorted(applied, key=known.index):
            raise _not_a_journal(path, _("its migrations are not ours in order"))
        drifted = schema.drift(schema.fingerprint(candidate), schema.expected(now, len(applied)))
        broken = candidate.execute("PRAGMA foreign_key_check").fetchone()
        if broken and not drifted:
            raise _not_a_journal(
                path, _("table {name} refers to a row that is not there").format(name=broken[0])
            )
        if drifted:
            raise _not_a_journal(
                path, _("it holds what our migrations never made: {names}").format(
                    names=", ".join(drifted[:5]))
            )  # fmt: skip
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error):
            raise KundenpflegeError(
                _("{path} takes too long to check; it is not a backup of ours").format(path=path)
            ) from None
        raise _not_a_journal(path, str(error)) from None
    except sqlite3.DatabaseError as error:
        raise _not_a_journal(path, str(error)) from None
    finally:
        candidate.close()


def _without_shadows(live: sqlite3.Connection, schema: str) -> list[tuple[str, str, str]]:
    """Our tables, views and triggers in `schema`, without the tables a virtual table
    keeps for itself (FTS5's `…_data`, `…_idx`, …): it makes and drops them alone."""
    rows = live.execute(
        f"SELECT type, name, sql FROM {schema}.sqlite_master WHERE {OURS_ONLY} AND sql IS NOT NULL"
    ).fetchall()
    virtual = [name for _kind, name, sql in rows if sql.upper().startswith("CREATE VIRTUAL")]
    return [row for row in rows if not any(row[1].startswith(f"{name}_") for name in virtual)]


@contextlib.contextmanager
def backup_opened(path: Path) -> Iterator[sqlite3.Connection]:
    """A checked backup, read only and immutable (nothing written beside it)."""
    connection = sqlite3.connect(_uri(path, "mode=ro&immutable=1"), uri=True)
    connection.row_factory = sqlite3.Row
    try:
        yield connection
    finally:
        connection.close()


def _not_a_journal(path: Path, reason: str) -> KundenpflegeError:
    return KundenpflegeError(
        _("{path} is not a kundenpflege journal ({error})").format(path=path, error=reason)
    )


def restore(source: Path, journal: Path, now: datetime) -> Path | None:
    """Replace the journal's content with the checked backup; returns the kept copy."""
    check_backup(source, now, journal)
    with os_errors(journal.parent):
        return _restore(source, journal, now)


def _restore(source: Path, link: Path, now: datetime) -> Path | None:
    journal = link.resolve()  # through a symlink, the file it points to (or would)
    kept = None
    if journal.exists() and not _readable(journal):
        kept = _unique(journal, now)
        os.replace(journal, kept)  # a damaged file is kept exactly as it was,
        os.chmod(kept, 0o600)  # but only for us: it may hold personal data
        for suffix in ("-wal", "-shm"):
            Path(f"{journal}{suffix}").unlink(missing_ok=True)
    if not journal.exists():
        db.create_private_file(journal)
    os.chmod(journal, 0o600)
    live = sqlite3.connect(_uri(journal), uri=True, timeout=db.BUSY_TIMEOUT_SECONDS,
                           isolation_level=None)  # fmt: skip
    try:
        live.execute("PRAGMA journal_mode = WAL")
        live.execute("PRAGMA secure_delete = ON")
        live.execute("ATTACH DATABASE ? AS backup", (_uri(source, "mode=ro&immutable=1"),))
        live.execute("BEGIN IMMEDIATE")  # writers queue behind us from here on
        try:
            if kept is None and _has_content(live):
                kept = _keep_copy(journal, now)
            _replace_content(live)
            _recompute_everyone(live)
            if live.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'changes'").fetchone():
                changelog.mark_restored(live, now)
            live.execute("COMMIT")
        except BaseException:
            if live.in_transaction:
                live.execute("ROLLBACK")
            raise
        live.execute("DETACH DATABASE backup")
        db.checkpoint(live)
    finally:
        live.close()
    return kept


def _recompute_everyone(live: sqlite3.Connection) -> None:
    """Derived columns come from the entries, never from a file: every customer is
    recomputed when the journal is next opened (older backups through m002's mark)."""
    if live.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'pending_refresh'").fetchone():
        live.execute("DELETE FROM main.pending_refresh")
        live.execute("INSERT INTO main.pending_refresh (customer_id) SELECT id FROM main.customers")
    else:
        live.execute(
            "INSERT OR REPLACE INTO main.settings (key, value) VALUES ('refresh_pending', '1')"
        )


def _readable(journal: Path) -> bool:
    try:
        probe = sqlite3.connect(_uri(journal, "mode=ro"), uri=True)
        try:
            return bool(probe.execute("PRAGMA quick_check").fetchone()[0] == "ok")
        finally:
            probe.close()
    except sqlite3.DatabaseError:
        return False


def _has_content(live: sqlite3.Connection) -> bool:
    return bool(live.execute(f"SELECT 1 FROM main.sqlite_master WHERE {OURS_ONLY}").fetchone())


def _unique(journal: Path, now: datetime) -> Path:
    """A name beside the journal that nothing has yet."""
    base = f"{journal.stem}-before-restore-{now.astimezone():%Y%m%d-%H%M%S}"
    for number in range(1, 10_000):
        candidate = journal.with_name(f"{base}{'' if number == 1 else f'-{number}'}.db")
        if not candidate.exists():
            return candidate
    raise KundenpflegeError(_("too many kept copies beside {path}").format(path=journal))


def _keep_copy(journal: Path, now: datetime) -> Path:
    """A consistent copy of what is committed now (we hold the write lock, so nothing
    else commits meanwhile), written aside and only then given its name."""
    for stale in journal.parent.glob(f".{journal.stem}-before-restore-*.partial"):
        stale.unlink(missing_ok=True)  # left by a restore that was killed
    partial = journal.with_name(f".{journal.stem}-before-restore-{os.getpid()}.partial")
    reader = sqlite3.connect(_uri(journal, "mode=ro"), uri=True)
    try:
        db.private_copy(reader, partial)
    finally:
        reader.close()
    while True:
        kept = _unique(journal, now)
        try:
            os.link(partial, kept)  # never replaces a copy a second restore just made
            break
        except FileExistsError:
            continue
    partial.unlink()
    return kept


def _replace_content(live: sqlite3.Connection) -> None:
    """The backup's schema and rows in place of the journal's, in the open transaction."""
    ours = _without_shadows(live, "main")
    for kind in ("trigger", "view", "table"):
        for name in (name for found, name, _sql in ours if found == kind):
            live.execute(f'DROP {kind.upper()} IF EXISTS main."{name}"')
    theirs = _without_shadows(live, "backup")
    for _kind, name, sql in (row for row in theirs if row[0] == "table"):
        live.execute(sql)
        if sql.upper().startswith("CREATE VIRTUAL TABLE"):  # the search index: by rowid
            columns = ", ".join(
                f'"{row[1]}"' for row in live.execute(f'PRAGMA backup.table_info("{name}")')
            )
            live.execute(f'INSERT INTO main."{name}" (rowid, {columns})'
                         f' SELECT rowid, {columns} FROM backup."{name}"')  # fmt: skip
        else:
            live.execute(f'INSERT INTO main."{name}" SELECT * FROM backup."{name}"')
    if live.execute("SELECT 1 FROM backup.sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
        live.execute("DELETE FROM main.sqlite_sequence")
        live.execute("INSERT INTO main.sqlite_sequence SELECT * FROM backup.sqlite_sequence")
    for kind in ("index", "view", "trigger"):
        for sql in (row[2] for row in theirs if row[0] == kind):
            live.execute(sql)


@contextlib.contextmanager
def os_errors(path: Path) -> Iterator[None]:
    """A folder or file the system refuses becomes one line naming it."""
    try:
        yield
    except OSError as error:
        raise KundenpflegeError(
            _("cannot restore into {path}: {reason}").format(
                path=path, reason=system_message(error)
            )
        ) from None
