"""`copy --to` moves a whole journal between a file and a server, in either direction
(issue 17 §3): every row with its id, all or nothing, into a target that holds no
entries yet; the copy is the same journal (`export json` agrees but for its time)."""

import json
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kundenpflege.paths import Server
from tests.conftest import Run, error_line, ok

if TYPE_CHECKING:
    from tests.postgres_server import PostgresServer

DEMO_ROWS = 434  # what `demo` writes with the pinned clock and seed


def exported(run: Run, address: str) -> dict[str, object]:
    """The journal as `export json` gives it, without the moment of the export."""
    document: dict[str, object] = json.loads(ok(run("--db", address, "export", "json")).stdout)
    document.pop("exported_at")
    return document


def copied(run: Run, source: str, target: str) -> str:
    """Copy and return the one line it says."""
    result = ok(run("--db", source, "copy", "--to", target))
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    return line


def file_bytes(path: Path) -> dict[str, bytes]:
    """A file and what SQLite keeps beside it, byte for byte (missing ones left out)."""
    return {end: Path(f"{path}{end}").read_bytes() for end in ("", "-wal", "-shm")
            if Path(f"{path}{end}").exists()}  # fmt: skip


@pytest.fixture
def demo(run: Run, tmp_path: Path) -> str:
    """The demo journal in a file of its own."""
    path = str(tmp_path / "demo.db")
    ok(run("--db", path, "demo"))
    return path


def test_a_round_trip_through_a_server_gives_the_same_journal(
    run: Run, demo: str, tmp_path: Path, postgres_url: str
) -> None:
    server = str(Server(postgres_url))
    assert copied(run, demo, postgres_url) == f"Copied {DEMO_ROWS} rows from {demo} to {server}."
    back = str(tmp_path / "back.db")
    assert copied(run, postgres_url, back) == f"Copied {DEMO_ROWS} rows from {server} to {back}."
    original = exported(run, demo)
    assert exported(run, postgres_url) == original
    assert exported(run, back) == original
    assert os.stat(back).st_mode & 0o777 == 0o600
    for report in (["due", "-f", "json"], ["health", "-f", "json"], ["fairness", "-f", "json"]):
        expected = ok(run("--db", demo, *report)).stdout
        assert ok(run("--db", postgres_url, *report)).stdout == expected, report
        assert ok(run("--db", back, *report)).stdout == expected, report


def test_a_copy_on_a_server_goes_on_where_the_file_stopped(
    run: Run, demo: str, postgres_url: str
) -> None:
    ok(run("--db", demo, "copy", "--to", postgres_url))
    highest = sqlite3.connect(demo).execute("SELECT max(id) FROM interactions").fetchone()[0]
    # The copy is no change to undo: the log starts after it.
    assert error_line(run("--db", postgres_url, "undo", "--yes")) == (
        "Error: nothing to undo (the journal keeps its last 100 changes)"
    )
    logged = ok(run("--db", postgres_url, "log", "autohaus-wolf", "--kind", "call"))
    assert logged.stderr.startswith(f"Logged #{highest + 1} for autohaus-wolf;")
    ok(run("--db", postgres_url, "add", "neu-gmbh", "--name", "Neu GmbH"))
    ok(run("--db", postgres_url, "followup", "add", "neu-gmbh", "Angebot", "--due", "+3d"))
    found = ok(run("--db", postgres_url, "search", "Müller", "-f", "json")).stdout
    assert "mueller-bau-gmbh" in found
    assert ok(run("--db", postgres_url, "undo", "--yes")).exit_code == 0  # the follow-up


def test_due_on_the_copy_is_the_source_s_due(run: Run, demo: str, postgres_url: str) -> None:
    ok(run("--db", demo, "copy", "--to", postgres_url))
    for report in (["due"], ["due", "--days", "30", "-f", "json"], ["remind"]):
        assert (
            ok(run("--db", postgres_url, *report)).stdout == ok(run("--db", demo, *report)).stdout
        )


def test_file_to_file_keeps_consent_erasures_restrictions_and_settings(
    run: Run, tmp_path: Path
) -> None:
    source, target = str(tmp_path / "source.db"), str(tmp_path / "target.db")
    for step in (
        ["init", "--region", "DE-BY", "--workdays", "mo-sa", "--default-every", "monthly"],
        ["add", "mueller-bau", "--name", "Müller Bau"],
        ["contact", "add", "mueller-bau", "Petra Müller", "--email", "petra@example.org"],
        ["consent", "grant", "mueller-bau/Petra Müller", "--purpose", "newsletter"],
        ["consent", "withdraw", "mueller-bau/Petra Müller", "--purpose", "newsletter"],
        ["add", "geheim-kg", "--name", "Geheim KG"],
        ["log", "geheim-kg", "--kind", "call", "--note", "vertraulich"],
        ["gdpr", "forget", "geheim-kg", "--yes"],
        ["add", "ruhe-ag", "--name", "Ruhe AG"],
        ["gdpr", "restrict", "ruhe-ag"],
        ["log", "mueller-bau", "--kind", "visit", "--mood", "2", "--followup", "+2d"],
    ):
        ok(run("--db", source, *step))
    # A target made with `init` and settings of its own: its settings become the source's.
    ok(run("--db", target, "init", "--region", "DE-NW", "--workdays", "mo-fr"))
    ok(run("--db", source, "copy", "--to", target))
    assert exported(run, target) == exported(run, source)
    with sqlite3.connect(source) as one, sqlite3.connect(target) as other:
        for table in ("consent", "erasures", "restrictions", "settings"):
            query = f"SELECT * FROM {table} ORDER BY 1"
            assert one.execute(query).fetchall() == other.execute(query).fetchall(), table
        assert other.execute("SELECT count(*) FROM consent").fetchone()[0] == 2
        assert other.execute(
            "SELECT count(*) FROM public_holidays WHERE region = 'DE-BY'"
        ).fetchone()[0]
    for report in (["due", "--days", "60"], ["consent", "list"], ["list", "-f", "json"]):
        assert ok(run("--db", target, *report)).stdout == ok(run("--db", source, *report)).stdout
    # Consent stays append-only on the copy; the erasure's words stay gone.
    assert "vertraulich" not in ok(run("--db", target, "export", "json")).stdout


def test_server_to_file(run: Run, tmp_path: Path, postgres_url: str) -> None:
    for step in (
        ["init", "--region", "DE-BY"],
        ["add", "kaiser-kg", "--name", "Kaiser KG", "--tag", "bau"],
        ["contact", "add", "kaiser-kg", "Karl Kaiser"],
        ["prefer", "kaiser-kg", "--every", "2w", "--channel", "email"],
        ["log", "kaiser-kg", "--kind", "call", "--mood", "-1", "--note", "Lieferung zu spät"],
        ["fact", "add", "kaiser-kg/Karl Kaiser", "Segelt gern"],
        ["date", "add", "kaiser-kg/Karl Kaiser", "--birthday", "02.01.1980"],
        ["consent", "grant", "kaiser-kg", "--purpose", "newsletter"],
    ):
        ok(run("--db", postgres_url, *step))
    target = str(tmp_path / "from-server.db")
    assert copied(run, postgres_url, target) == (
        f"Copied 9 rows from {Server(postgres_url)} to {target}."
    )
    assert exported(run, target) == exported(run, postgres_url)
    assert "kaiser-kg" in ok(run("--db", target, "search", "spät")).stdout
    logged = ok(run("--db", target, "log", "kaiser-kg", "--kind", "email", "--channel", "email"))
    assert logged.stderr.startswith("Logged #2 for kaiser-kg;")


def test_a_target_with_entries_is_refused_and_left_alone(
    run: Run, demo: str, tmp_path: Path, postgres_url: str
) -> None:
    target = str(tmp_path / "full.db")
    ok(run("--db", target, "init"))
    ok(run("--db", target, "person", "add", "anna"))
    before = exported(run, target)
    assert error_line(run("--db", demo, "copy", "--to", target)) == (
        f"Error: {target} is not empty (it holds people); copy to a new file or an empty database"
    )
    assert exported(run, target) == before
    ok(run("--db", postgres_url, "init"))
    ok(run("--db", postgres_url, "add", "kaiser-kg"))
    ok(run("--db", postgres_url, "log", "kaiser-kg", "--kind", "call"))
    before = exported(run, postgres_url)
    assert error_line(run("--db", demo, "copy", "--to", postgres_url)) == (
        f"Error: {Server(postgres_url)} is not empty (it holds customers, interactions);"
        " copy to a new file or an empty database"
    )
    assert exported(run, postgres_url) == before
    ok(run("--db", postgres_url, "undo", "--yes"))  # its change log is untouched too
    assert ok(run("--db", postgres_url, "interaction", "list", "-f", "json")).stdout == "[]\n"


def test_the_journal_itself_is_no_target(run: Run, demo: str, postgres_url: str) -> None:
    before = file_bytes(Path(demo))
    link = Path(demo).with_name("link.db")
    link.symlink_to(demo)
    for spelling in (demo, str(link), str(Path(demo).parent / "." / "demo.db")):
        assert error_line(run("--db", demo, "copy", "--to", spelling)) == (
            f"Error: {spelling} is the journal being copied; copy to another file or database"
        )
    assert file_bytes(Path(demo)) == before
    ok(run("--db", postgres_url, "init"))
    again = postgres_url.replace("postgresql://", "postgres://", 1)
    assert error_line(run("--db", postgres_url, "copy", "--to", again)) == (
        f"Error: {Server(again)} is the journal being copied; copy to another file or database"
    )


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("ftp://example.org/kunden.db",
         "Error: --to 'ftp://…' is neither a file nor a PostgreSQL address (postgresql://…)"),
        ("", "Error: --to needs a journal file or a postgresql://… address"),
    ],
)  # fmt: skip
def test_a_target_that_is_no_place_for_a_journal(
    run: Run, demo: str, target: str, expected: str
) -> None:
    assert error_line(run("--db", demo, "copy", "--to", target), code=2) == expected


def test_a_file_that_is_no_journal_is_left_alone(run: Run, demo: str, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("Einkaufsliste\n", encoding="utf-8")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as made:
        made.execute("CREATE TABLE recipes (name TEXT)")
    made.close()
    for path in (text, other, tmp_path):
        before = file_bytes(path) if path.is_file() else None
        assert error_line(run("--db", demo, "copy", "--to", str(path))) == (
            f"Error: {path} exists and is not a kundenpflege journal; copy to a new file or an"
            " empty database"
        )
        if before is not None:
            assert file_bytes(path) == before


def test_an_unreachable_server_is_one_line_without_the_password(
    run: Run, demo: str, tmp_path: Path
) -> None:
    target = "postgresql://postgres:geheim@/kunden?host=/nonexistent"
    line = error_line(run("--db", demo, "copy", "--to", target))
    assert line == (
        "Error: cannot connect to postgresql://postgres@/kunden?host=%2Fnonexistent:"
        " is the server running and the address right?"
    )


def test_messages_name_the_server_without_its_password(
    run: Run, demo: str, postgres_url: str
) -> None:
    with_password = postgres_url.replace("postgresql://postgres@", "postgresql://postgres:geheim@")
    line = copied(run, demo, with_password)
    assert "geheim" not in line and line.endswith(f" to {Server(postgres_url)}.")
    assert "geheim" not in error_line(run("--db", demo, "copy", "--to", with_password))


def test_a_source_from_a_newer_kundenpflege_is_refused(run: Run, demo: str, tmp_path: Path) -> None:
    with sqlite3.connect(demo) as source:
        source.execute("INSERT INTO migrations (name, applied_at) VALUES ('m999_future', '')")
    source.close()
    target = tmp_path / "new.db"
    assert error_line(run("--db", demo, "copy", "--to", str(target))) == (
        f"Error: {demo} comes from a newer kundenpflege (m999_future); upgrade kundenpflege"
    )
    assert not target.exists()


def _break_last_key_date(path: str) -> None:
    """A value no command would write, in the last row the copy reaches."""
    with sqlite3.connect(path) as source:
        source.execute(
            "UPDATE key_dates SET created_at = 'yesterday'"
            " WHERE id = (SELECT max(id) FROM key_dates)"
        )
    source.close()


def test_a_copy_that_fails_midway_leaves_the_target_as_it_was(
    run: Run, demo: str, tmp_path: Path, postgres_url: str
) -> None:
    _break_last_key_date(demo)
    expected = (
        f"Error: {demo}: key_dates[9].created_at: 'yesterday' is not a date and time;"
        " nothing was copied"
    )
    new = tmp_path / "new.db"
    assert error_line(run("--db", demo, "copy", "--to", str(new))) == expected
    assert not new.exists() and list(tmp_path.glob("new.db*")) == []
    empty = tmp_path / "empty.db"
    ok(run("--db", str(empty), "init"))
    before = exported(run, str(empty))
    assert error_line(run("--db", demo, "copy", "--to", str(empty))) == expected
    assert exported(run, str(empty)) == before
    assert error_line(run("--db", demo, "copy", "--to", postgres_url)) == expected
    tables = exported(run, postgres_url)["tables"]
    assert isinstance(tables, dict) and not any(tables.values())
    # Nothing half-done stays in the way: mended, the copy goes through.
    with sqlite3.connect(demo) as source:
        source.execute("UPDATE key_dates SET created_at = '2026-11-25T08:00:00+00:00'"
                       " WHERE created_at = 'yesterday'")  # fmt: skip
    source.close()
    ok(run("--db", demo, "copy", "--to", postgres_url))
    assert exported(run, postgres_url) == exported(run, demo)


def test_progress_shows_only_on_a_terminal(demo: str, tmp_path: Path) -> None:
    from tests.conftest import terminal

    target = tmp_path / "shown.db"
    screen = terminal(["--db", demo, "copy", "--to", str(target)], Path(demo))
    assert "Copying" in screen
    assert f"Copied {DEMO_ROWS} rows from {demo} to {target}." in screen.replace("\r\n", " ")


def test_german_messages(run: Run, demo: str, tmp_path: Path) -> None:
    target = str(tmp_path / "kopie.db")
    assert ok(run("--lang", "de", "--db", demo, "copy", "--to", target)).stderr == (
        f"{DEMO_ROWS} Zeilen von {demo} nach {target} kopiert.\n"
    )
    refused = run("--lang", "de", "--db", demo, "copy", "--to", target)
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"Fehler: {target} ist nicht leer")


@pytest.mark.parametrize("on_server", [False, True], ids=["file", "server"])
def test_a_row_the_schema_refuses_is_named_and_nothing_is_copied(
    run: Run,
    demo: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    on_server: bool,
) -> None:
    from kundenpflege.interop import exporting

    # Small batches and savepoints: the refused row lies beyond the first of each.
    monkeypatch.setattr(exporting._Inserting, "BATCH", 7)
    monkeypatch.setattr(exporting._Inserting, "FIRST_SEGMENT", 20)
    monkeypatch.setattr(exporting._Inserting, "LAST_SEGMENT", 40)
    with sqlite3.connect(demo) as source:  # foreign keys are off in a bare connection
        source.execute("UPDATE interactions SET person_id = 99 WHERE id = 150")
        (before,) = source.execute("SELECT count(*) FROM interactions WHERE id < 150").fetchone()
    source.close()
    target = request.getfixturevalue("postgres_url") if on_server else str(tmp_path / "t.db")
    assert error_line(run("--db", demo, "copy", "--to", target)) == (
        f"Error: {demo}: interactions[{before}]: refers to a row that is not there;"
        " nothing was copied"
    )
    if on_server:
        tables = exported(run, target)["tables"]
        assert isinstance(tables, dict) and not any(tables.values())
    else:
        assert not Path(target).exists()


def test_the_journal_s_owner_copies_onto_the_server_without_superuser_rights(
    run: Run, demo: str, postgres_server: "PostgresServer"
) -> None:
    """As docs/team.md moves a journal: a database made for its owner, the copy as them."""
    import uuid

    from psycopg.conninfo import conninfo_to_dict

    owner = f"kunden_owner_{uuid.uuid4().hex[:8]}"
    postgres_server.create_role(owner)
    url = postgres_server.create_database(owner=owner)
    try:
        as_owner = url.replace("postgresql://postgres@", f"postgresql://{owner}@", 1)
        ok(run("--db", demo, "copy", "--to", as_owner))
        assert ok(run("--db", as_owner, "doctor")).stdout.endswith("verdict: healthy\n")
        ok(run("--db", as_owner, "log", "autohaus-wolf", "--kind", "call"))
        assert exported(run, as_owner)["schema"] == exported(run, demo)["schema"]
    finally:
        postgres_server.drop_database(str(conninfo_to_dict(url)["dbname"]))


def test_import_json_on_a_server_moves_the_counters_too(
    run: Run, demo: str, tmp_path: Path, postgres_url: str
) -> None:
    """The loader `copy` shares with `import json`: on a server, new entries after an
    import get new numbers."""
    dump = tmp_path / "demo.json"
    dump.write_text(ok(run("--db", demo, "export", "json")).stdout, encoding="utf-8")
    ok(run("--db", postgres_url, "init"))
    ok(run("--db", postgres_url, "import", "json", str(dump)))
    ok(run("--db", postgres_url, "add", "neu-gmbh", "--name", "Neu GmbH"))
    logged = ok(run("--db", postgres_url, "log", "neu-gmbh", "--kind", "call"))
    highest = sqlite3.connect(demo).execute("SELECT max(id) FROM interactions").fetchone()[0]
    assert logged.stderr.startswith(f"Logged #{highest + 1} for neu-gmbh;")


def _kept_by_triggers(url: str) -> dict[str, list[tuple[object, ...]]]:
    """What a server journal's row triggers keep, and whether they are all on."""
    import psycopg

    with psycopg.connect(url) as raw:
        read = {
            "tally": "SELECT * FROM main.daily_stats ORDER BY day, tier, band",
            "search": "SELECT r.kind, r.ref, r.customer_id, r.day, i.body FROM main.search_rows r"
            " JOIN main.search_index i ON i.rowid = r.row ORDER BY r.kind, r.ref",
            "customers": "SELECT * FROM main.customers ORDER BY id",
            "marks": "SELECT customer_id FROM main.pending_refresh UNION ALL"
            " SELECT ref FROM main.search_pending",
            "off": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'O'",
        }
        return {name: raw.execute(sql).fetchall() for name, sql in read.items()}


def test_the_owner_s_bulk_copy_makes_what_the_row_triggers_would(
    run: Run, demo: str, postgres_url: str, postgres_server: "PostgresServer"
) -> None:
    """The owner's copy loads with the row triggers paused and makes the tally, the
    search index and the derived columns at once; a person who may write but does not
    own the tables copies with them on. Both end alike, every trigger on again."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    from tests.test_engines import _person

    ok(run("--db", demo, "copy", "--to", postgres_url))
    by_owner = _kept_by_triggers(postgres_url)
    other = postgres_server.create_database()
    try:
        ok(run("--db", other, "init"))
        as_ben = _person(postgres_server, other, "ben", "SELECT, INSERT, UPDATE, DELETE")
        with psycopg.connect(other, autocommit=True) as raw:  # to move the counters
            raw.execute("GRANT UPDATE ON ALL SEQUENCES IN SCHEMA main TO ben")
        told = ok(run("--db", demo, "copy", "--to", as_ben)).stderr.splitlines()
        assert told[1].startswith(
            "The first reports on the copy are slower until autovacuum comes by, or the"
            " tables' owner runs: VACUUM (ANALYZE) main.change_recording, "
        )
        assert _kept_by_triggers(other) == by_owner
    finally:
        postgres_server.drop_database(str(conninfo_to_dict(other)["dbname"]))
    assert by_owner["off"] == [] and by_owner["marks"] == []
    # The owner's copy is vacuumed and analysed at once, not when autovacuum comes by.
    [(vacuumed, analysed)] = _query(
        postgres_url,
        "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables"
        " WHERE relid = 'main.customers'::regclass",
    )
    assert vacuumed and analysed
    assert len(by_owner["tally"]) > 100 and len(by_owner["search"]) > 300
    # Triggers on again: the next entry is counted and found.
    ok(run("--db", postgres_url, "log", "autohaus-wolf", "--kind", "call", "--note", "Zebrafink"))
    after = _kept_by_triggers(postgres_url)
    assert sum(row[3] for row in after["tally"]) == sum(row[3] for row in by_owner["tally"]) + 1
    assert "autohaus-wolf" in ok(run("--db", postgres_url, "search", "Zebrafink")).stdout


def test_a_failed_bulk_copy_leaves_every_trigger_on(run: Run, demo: str, postgres_url: str) -> None:
    _break_last_key_date(demo)
    error_line(run("--db", demo, "copy", "--to", postgres_url))
    assert _kept_by_triggers(postgres_url)["off"] == []


def test_a_server_s_tables_are_read_a_slice_at_a_time(
    run: Run, demo: str, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What export json and copy read of a server comes through a cursor on the server,
    a slice at a time, in one snapshot: not the whole table at once into memory."""
    from kundenpflege.storage import db
    from kundenpflege.storage.postgres import connection as adapter
    from tests.conftest import reading

    monkeypatch.setattr(adapter, "STREAMED_ROWS", 5)
    ok(run("--db", demo, "copy", "--to", postgres_url))
    with reading(postgres_url) as connection:
        everything = [id for (id,) in connection.execute("SELECT id FROM interactions ORDER BY id")]
        with db.snapshot(connection):
            rows = iter(db.streamed(connection, "SELECT id FROM interactions ORDER BY id"))
            first = [next(rows)[0] for _ in range(3)]
            [(open_cursor,)] = connection.execute("SELECT name FROM pg_cursors").fetchall()
            assert open_cursor.startswith("kp_stream_")
            assert first + [id for (id,) in rows] == everything
        assert not connection.in_transaction
        assert connection.execute("SELECT count(*) FROM pg_cursors").fetchone()[0] == 0
    assert exported(run, postgres_url) == exported(run, demo)


def _query(url: str, sql: str) -> list[tuple[object, ...]]:
    import psycopg

    with psycopg.connect(url) as raw:
        return list(raw.execute(sql).fetchall())
