"""Keeping the journal file safe: online backup, careful restore, and a health check."""

import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import N_, _, ngettext, number, system_message
from kundenpflege.paths import Server
from kundenpflege.storage import catalogue, db, holidays, migrations, schema
from kundenpflege.storage.connection import Connection, OperationalError

WAL_WARNING_BYTES = 64 * 1024 * 1024


def backup(connection: Connection, journal: Path, target: Path | None, now: datetime) -> Path:
    target = target or journal.with_name(
        f"{journal.stem}-{now.astimezone():%Y%m%d-%H%M%S}.backup.db"  # local time, as people read
    )
    if target.exists():
        raise KundenpflegeError(_("{path} exists already; choose another name").format(path=target))
    try:
        db.private_copy(db.journal_file(connection), target)
    except OSError as error:
        raise KundenpflegeError(
            _("cannot write {path}: {reason}").format(path=target, reason=system_message(error))
        ) from None
    return target


def vacuum(connection: Connection, *, analyze: bool = False) -> str | None:
    """On a server, after an erasure: VACUUM the journal's tables, so that the old row
    versions holding the erased words are removed; after a copy, with ANALYZE, so that
    the first reports read no dead rows and know the sizes (`due` on a 100k/2M journal
    just copied: 0.40 s before, 0.15 s after 1.8 s of it). Only their owner may (and
    not inside a transaction): for anyone else, the statement the owner has to run."""
    names = sorted(catalogue.tables(connection))
    statement = f"VACUUM {'(ANALYZE) ' if analyze else ''}" + ", ".join(
        f"{catalogue.SCHEMA}.{name}" for name in names
    )
    if not db.owns(connection, names):
        return statement
    connection.execute(statement)
    return None


def copies(journal: Path) -> list[Path]:
    """The backups and kept restore copies of this journal in its folder (what an
    erasure cannot reach)."""
    patterns = (f"{journal.stem}-*.backup.db", f"{journal.stem}-before-restore-*.db")
    return sorted({path for pattern in patterns for path in journal.parent.glob(pattern)})


def _stuck(connection: Connection, recompute: "db.Recompute") -> str | None:
    """Why customers wait to be recomputed (None: none do), tried and rolled back."""
    if not connection.execute(f"{db.PENDING} LIMIT 1").fetchone():
        return None
    try:
        with db.unit_of_work(connection, recompute, keep=False):
            pass
    except KundenpflegeError as error:
        return str(error)
    return _("customers wait to be recomputed; any change does it")


@dataclass(frozen=True)
class Finding:
    check: str
    status: str  # ok, warning (worth a look) or problem (exit status 1)
    detail: str


def _moved_notes(connection: Connection) -> Finding | None:
    """What the upgrade that made notes facts (m019) moved, while the change log keeps
    it: told here only, never by the commands (cron stays quiet)."""
    from kundenpflege.storage import changelog
    from kundenpflege.storage.migrations.knowing_people import MOVED_NOTES

    try:
        change = connection.execute(
            "SELECT id, made_at, command, stop FROM changes WHERE command = ?"
            " ORDER BY id DESC LIMIT 1",
            (MOVED_NOTES,),
        ).fetchone()
    except OperationalError:  # a journal from before the change log
        return None
    if change is None:
        return None
    moved, kept = connection.execute(
        "SELECT coalesce(sum(CASE WHEN tbl = 'facts' AND op = 'inserts'"
        " THEN CAST(json_extract(row, '$.rows') AS INTEGER) END), 0),"
        " coalesce(sum(tbl = 'interactions' AND op = 'update'), 0)"
        " FROM change_steps WHERE change_id = ? AND json_valid(row)",
        (change[0],),
    ).fetchone()
    detail = ngettext(
        "{count} note logged as a contact became a fact on {when}",
        "{count} notes logged as contacts became facts on {when}",
        moved,
    ).format(count=moved, when=changelog.when(changelog.Change(*change)))
    if kept:
        detail += "; " + ngettext(
            "{count} without words, or with a mood or an amount, stayed a contact",
            "{count} without words, or with a mood or an amount, stayed contacts",
            kept,
        ).format(count=kept)
    detail += "; " + _("'kundenpflege undo' puts them back while it is the latest change")
    return Finding(N_("notes"), N_("ok"), detail)


def _nul_text(connection: Connection) -> Finding | None:
    """Text with a NUL character, kept in a file before every way in refused it (a CSV
    line past the first 4 KB): no export can be imported, nor the journal copied onto a
    server, until it is corrected. Named here, where there is time to read them all."""
    from kundenpflege.storage import changelog

    found: list[str] = []
    for table in changelog.TABLES:
        held = " OR ".join(
            f"instr(CAST({column} AS BLOB), x'00') > 0"
            for column in catalogue.columns(connection, table)
        )
        keys = changelog.KEYS[table]
        rows = connection.execute(f"SELECT {', '.join(keys)} FROM {table} WHERE {held} LIMIT 3")
        found += [f"{table} {', '.join(str(value) for value in row)}" for row in rows]
    if not found:
        return None
    return Finding(N_("text"), N_("warning"), _(
        "{entries} hold a NUL character, which an export cannot bring back nor a server keep;"
        " correct them with the command that made them ('edit', 'interaction edit', …)"
    ).format(entries=", ".join(found[:5]) + (" …" if len(found) > 5 else "")))  # fmt: skip


def _finding(check: str, healthy: bool, detail: str, severity: str = N_("problem")) -> Finding:
    return Finding(check, N_("ok") if healthy else severity, detail)


def _schema(pending: list[str], newer: list[str]) -> Finding:
    return _finding(N_("schema"), not pending and not newer,
                    _("from a newer kundenpflege: {names}; upgrade kundenpflege").format(
                        names=", ".join(newer)) if newer
                    else _("pending: {names}; any command brings it up to date, or"
                           " 'kundenpflege init'").format(names=", ".join(pending)) if pending
                    else _("up to date"))  # fmt: skip


# What a person needs on every table of the journal to work with it.
RIGHTS = ("SELECT", "INSERT", "UPDATE", "DELETE")


def _on_server(connection: Connection, recompute: "db.Recompute") -> list[Finding]:
    """A journal on a server: who we are there, its schema, its derived state, and
    what this role and every other login may do (the owner grants it, docs/team.md)."""
    (version, user) = connection.execute(
        "SELECT current_setting('server_version'), current_user"
    ).fetchone()
    pending, newer = migrations.pending(connection), migrations.newer(connection)
    stuck = _stuck(connection, recompute) if not pending and not newer else None
    roles = _rights(connection)
    mine = next(role for role in roles if role.name == user)
    others = [role for role in roles if role.name != user]
    # Only reading is a way to work (an accountant's); part of the rights is not.
    own = N_("ok") if not mine.lacking else N_("warning") if not mine.writes else N_("problem")
    return [
        _finding(N_("connection"), True, _("PostgreSQL {version} as {user}").format(
            version=version, user=user)),
        _schema(pending, newer),
        _finding(N_("derived state"), stuck is None, stuck or _("current")),
        Finding(N_("rights"), own, "; ".join(_told([mine]))),
        *([_finding(N_("team"), all(not role.lacking or not role.writes for role in others),
                    "; ".join(_told(others)), N_("warning"))] if others else []),
    ]  # fmt: skip


class _Role(NamedTuple):
    name: str
    writes: bool  # may insert, update or delete in some table of the journal
    lacking: list[str]  # tables where it may not read, insert, update and delete


def _rights(connection: Connection) -> list[_Role]:
    """What we and every other login that may use the journal's schema (superusers
    aside: they may do anything) may do with its tables."""
    tables = f"FROM pg_tables WHERE schemaname = '{catalogue.SCHEMA}'"

    def may(rights: tuple[str, ...], joiner: str) -> str:
        return joiner.join(f"has_table_privilege(r.oid, schemaname || '.' || tablename,"
                           f" '{right}')" for right in rights)  # fmt: skip

    rows = connection.execute(
        f"SELECT r.rolname, (SELECT coalesce(bool_or({may(RIGHTS[1:], ' OR ')}), false) {tables}),"
        f" (SELECT coalesce(array_agg(tablename ORDER BY tablename), '{{}}') {tables}"
        f"  AND NOT ({may(RIGHTS, ' AND ')}))"
        " FROM pg_roles r WHERE r.rolname = current_user OR (r.rolcanlogin AND NOT r.rolsuper"
        " AND has_schema_privilege(r.oid, ?, 'USAGE')) ORDER BY r.rolname",
        (catalogue.SCHEMA,),
    )
    return [_Role(name, bool(writes), list(lacking)) for name, writes, lacking in rows]


def _told(roles: list[_Role]) -> list[str]:
    """Who may do everything, who only reads, and what each of the others may not."""
    everything = [role.name for role in roles if not role.lacking]
    reading = [role.name for role in roles if role.lacking and not role.writes]
    told = [
        *([ngettext("{names} may read and change every table",
                    "{names} may read and change every table",
                    len(everything)).format(names=", ".join(everything))] if everything else []),
        *([ngettext("{names} may only read", "{names} may only read", len(reading)).format(
            names=", ".join(reading))] if reading else []),
    ]  # fmt: skip
    for role in roles:
        if role.lacking and role.writes:
            told.append(_("{user} may not change: {names}").format(
                user=role.name, names=", ".join(role.lacking[:5])
                + (" …" if len(role.lacking) > 5 else "")))  # fmt: skip
    return told


def doctor(
    connection: Connection, journal: "Path | Server", now: datetime, recompute: "db.Recompute"
) -> list[Finding]:
    """Integrity, foreign keys, schema, derived state, permissions, replication and WAL
    size, each with a verdict (on a server: what the server answers for)."""
    if isinstance(journal, Server):
        return _on_server(connection, recompute)
    integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    broken = connection.execute("PRAGMA foreign_key_check").fetchall()
    pending = migrations.pending(connection)
    newer = migrations.newer(connection)
    # Compared with what the steps this file has had produce on a blank journal.
    drifted = schema.drift(
        schema.fingerprint(connection),
        schema.expected(now, len(migrations.MIGRATIONS) - len(pending)),
    )
    stuck = _stuck(connection, recompute) if not pending and not newer else None
    stale = holidays.outdated(connection) if not pending and not newer else None
    mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    file_mode = stat.S_IMODE(journal.stat().st_mode)
    folder_mode = stat.S_IMODE(journal.parent.stat().st_mode)
    # Folding the WAL in changes no entry, and finishes what an erasure began.
    folded = db.checkpoint(connection)
    # Litestream holds a read lock that keeps our checkpoint from completing, for as long
    # as it runs: expected, and harmless while it checkpoints itself.
    replicated = schema.replicated(connection)
    unfolded = (
        _("not folded in: Litestream is reading the journal and folds it in itself")
        if replicated
        else _("not folded in: another program is reading the journal")
    )
    wal = Path(f"{journal}-wal")
    size = wal.stat().st_size if wal.exists() else 0
    moved = _moved_notes(connection)
    nul = _nul_text(connection) if not pending and not newer else None
    return [
        _finding(N_("integrity"), integrity == ["ok"], "; ".join(integrity[:3])),
        _finding(N_("foreign keys"), not broken, ngettext(
            "{count} broken reference", "{count} broken references", len(broken)
        ).format(count=len(broken)) if broken else "ok"),
        _schema(pending, newer),
        _finding(N_("schema drift"), not drifted, _("differs from its migrations: {names}").format(
            names=", ".join(drifted[:5]) + (" …" if len(drifted) > 5 else "")) if drifted
            else _("none")),
        _finding(N_("derived state"), stuck is None, stuck or _("current")),
        _finding(N_("public holidays"), stale is None, _(
            "computed by holidays {computed}, installed is {installed}: run 'kundenpflege init'"
        ).format(computed=stale[0], installed=stale[1]) if stale else holidays.region(connection),
            N_("warning")),
        _finding(N_("journal mode"), mode == "wal", mode),
        _finding(N_("file permissions"), file_mode & 0o077 == 0, f"{file_mode:04o}"
                 + ("" if file_mode & 0o077 == 0 else _("; others can read it: chmod 600"))),
        _finding(N_("folder permissions"), folder_mode & 0o077 == 0, f"{folder_mode:04o}"
                 + ("" if folder_mode & 0o077 == 0 else _("; others can list it")), N_("warning")),
        *([Finding(N_("replication"), N_("ok"), _("replicated by Litestream"))]
          if replicated else []),
        _finding(N_("WAL size"), size < WAL_WARNING_BYTES and (folded or replicated),
                 f"{number(size / 1024 / 1024, 1)} MB" + ("" if folded else f"; {unfolded}"),
                 N_("warning")),
        *([moved] if moved else []),
        *([nul] if nul else []),
    ]  # fmt: skip
