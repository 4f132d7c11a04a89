"""`undo` (issue 13): the most recent change is shown and reversed, again and again,
as if it had never been made; it stops at consent, erasure, restriction and restore,
and an erasure leaves nothing of the person in its change log."""

import json
import sqlite3
from pathlib import Path

import pytest

from kundenpflege import clock
from kundenpflege.domain import interactions, undo
from kundenpflege.errors import KundenpflegeError
from kundenpflege.storage import changelog
from kundenpflege.storage.connection import Connection
from tests.conftest import (
    ON_SERVER,
    Run,
    error_line,
    journal_bytes,
    journal_content,
    journal_rows,
    journal_snapshot,
    ok,
    reading,
    terminal,
)


@pytest.fixture
def lotus(journal: Run) -> Run:
    ok(journal("person", "add", "anna"))
    ok(journal("add", "yoga-lotus", "--name", "Yoga Lotus"))
    ok(journal("log", "yoga-lotus", "--at", "2026-11-01", "--kind", "complaint", "--mood", "-2",
               "--note", "Ärger über die Rechnung"))  # fmt: skip
    return journal


def entries(run: Run) -> list[dict[str, object]]:
    rows = json.loads(ok(run("interaction", "list", "-f", "json")).stdout)
    return [{key: row[key] for key in ("id", "kind", "direction", "mood", "note")} for row in rows]


def health(run: Run) -> list[str]:
    return [row["handle"] for row in json.loads(ok(run("health", "-f", "json")).stdout)]


def test_a_mistaken_log_is_undone_and_the_risk_comes_back(lotus: Run) -> None:
    before = journal_content()
    ok(lotus("log", "yoga-lotus", "--direction", "rein", "--kind", "call", "--mood", "1",
             "--note", "x"))  # fmt: skip
    assert health(lotus) == []
    result = ok(lotus("undo", "--yes"))
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Undo 'log' of 2026-11-25 09:00:",
        "  remove interaction #2 of yoga-lotus (2026-11-25, call)",
        "Undone: 'log' of 2026-11-25 09:00.",
    ]
    assert health(lotus) == ["yoga-lotus"]
    assert journal_content() == before


def test_undo_again_reaches_the_change_before(lotus: Run) -> None:
    original = entries(lotus)
    ok(lotus("interaction", "edit", "1", "--mood", "1", "--note", "alles gut"))
    ok(lotus("interaction", "delete", "1", "--yes"))
    assert entries(lotus) == []
    first = ok(lotus("undo", "--yes")).stderr.splitlines()
    assert first[1] == "  bring back interaction #1 of yoga-lotus (2026-11-01, complaint)"
    assert entries(lotus)[0]["note"] == "alles gut"
    second = ok(lotus("undo", "--yes")).stderr.splitlines()
    assert second[:2] == [
        "Undo 'interaction edit' of 2026-11-25 09:00:",
        "  change back interaction #1 of yoga-lotus (2026-11-01, complaint): mood 1 → -2,"
        " note alles gut → Ärger über die Rechnung",
    ]
    assert entries(lotus) == original
    ok(lotus("undo", "--yes"))  # the first log
    assert entries(lotus) == []


def test_a_wish_recorded_by_mistake_is_removed(lotus: Run) -> None:
    ok(lotus("prefer", "yoga-lotus", "--every", "monthly", "--person", "anna"))
    ok(lotus("prefer", "yoga-lotus", "--every", "weekly"))
    result = ok(lotus("undo", "--yes"))
    assert "  remove the wish of yoga-lotus stated 2026-11-25" in result.stderr.splitlines()
    [shown] = json.loads(ok(lotus("show", "yoga-lotus", "-f", "json")).stdout)
    assert shown["preference"]["frequency"] == {"count": 1, "unit": "months"}
    assert len(shown["preference_history"]) == 1
    [row] = json.loads(ok(lotus("due", "-f", "json", "--as-of", "2027-01-05")).stdout)
    assert row["person"] == "anna"


@pytest.mark.parametrize(
    "change",
    [
        ["pause", "yoga-lotus", "--until", "+30d"],
        ["followup", "add", "yoga-lotus", "Angebot schicken", "--due", "+3d"],
        ["edit", "yoga-lotus", "--name", "Lotus Yoga", "--tier", "A", "--tag", "vip"],
        ["contact", "add", "yoga-lotus", "Petra", "--email", "petra@lotus.example"],
        ["person", "rename", "anna", "anja"],
        ["init", "--default-every", "monthly"],
    ],
)
def test_each_kind_of_change_is_undone_completely(lotus: Run, change: list[str]) -> None:
    before = journal_content()
    ok(lotus(*change))
    assert journal_content() != before
    ok(lotus("undo", "--yes"))
    assert journal_content() == before


def test_follow_up_and_contact_corrections_are_undone(lotus: Run) -> None:
    ok(lotus("followup", "add", "yoga-lotus", "Angebot", "--due", "+3d"))
    ok(lotus("contact", "add", "yoga-lotus", "Petra"))
    ok(lotus("log", "yoga-lotus", "--contact", "Petra", "--kind", "call"))
    ok(lotus("person", "add", "ben"))
    before = journal_content()
    for change in (
        ["followup", "done", "1"],
        ["followup", "snooze", "1", "--until", "+9d"],
        ["followup", "cancel", "1"],
        ["followup", "edit", "1", "--text", "Neues Angebot"],
        ["contact", "edit", "yoga-lotus/Petra", "--role", "Chefin", "--main"],
        ["contact", "remove", "yoga-lotus/Petra", "--yes"],
        ["person", "remove", "anna", "--reassign", "ben"],
    ):
        ok(lotus(*change))
        ok(lotus("undo", "--yes"))
        assert journal_content() == before, change


def test_an_import_is_undone_as_a_whole(lotus: Run, tmp_path: Path) -> None:
    source = tmp_path / "kunden.csv"
    rows = "".join(f"kunde-{number},Kunde {number},monthly\n" for number in range(12))
    source.write_text("handle,name,every\n" + rows, encoding="utf-8")
    ok(lotus("import", "csv", str(source), "--dry-run"))
    assert error_line(lotus("undo")).startswith("Error: undoing 'log' needs --yes")
    ok(lotus("import", "csv", str(source)))
    result = ok(lotus("undo", "--yes"))
    assert result.stderr.splitlines()[:3] == [
        "Undo 'import csv' of 2026-11-25 09:00:",
        "  remove 12 customers",
        "  remove 12 wishes",
    ]
    listed = json.loads(ok(lotus("list", "-f", "json")).stdout)
    assert [row["handle"] for row in listed] == ["yoga-lotus"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["consent", "grant", "yoga-lotus", "--purpose", "newsletter"],
         "Error: undo stops at the consent entry of 2026-11-25 09:00 ('consent grant'): the"
         " consent ledger is append-only; answer a mistaken entry with a new one"
         " ('kundenpflege consent withdraw' or 'grant')"),
        (["gdpr", "restrict", "yoga-lotus"],
         "Error: undo stops at the restriction of processing of 2026-11-25 09:00: restrict or"
         " lift it with 'kundenpflege gdpr restrict' (--lift)"),
        (["gdpr", "forget", "yoga-lotus", "--yes"],
         "Error: undo stops at the erasure of 2026-11-25 09:00: nothing erased ever comes back,"
         " and nothing before it can be undone"),
    ],
)  # fmt: skip
def test_undo_stops_where_it_must(lotus: Run, change: list[str], message: str) -> None:
    ok(lotus(*change))
    before = journal_snapshot()
    assert error_line(lotus("undo", "--yes")) == message
    assert error_line(lotus("undo", "--yes")) == message  # and never reaches behind it
    assert journal_snapshot() == before


@pytest.mark.file_only
def test_undo_stops_at_a_restore(lotus: Run, tmp_path: Path) -> None:
    ok(lotus("backup", str(tmp_path / "copy.db")))
    ok(lotus("log", "yoga-lotus", "--kind", "call"))
    ok(lotus("restore", str(tmp_path / "copy.db"), "--yes"))
    assert error_line(lotus("undo", "--yes")) == (
        "Error: undo stops at the restore of 2026-11-25 09:00: the journal before it is in"
        " the copy the restore kept"
    )


def test_nothing_to_undo(journal: Run) -> None:
    assert error_line(journal("undo", "--yes")) == (
        "Error: nothing to undo (the journal keeps its last 100 changes)"
    )


def test_a_script_without_yes_is_refused_and_nothing_changes(lotus: Run) -> None:
    before = journal_snapshot()
    assert error_line(lotus("undo")) == (
        "Error: undoing 'log' needs --yes when no one is at a terminal to confirm"
    )
    assert journal_snapshot() == before


def test_a_person_at_a_terminal_sees_it_and_decides(lotus: Run, journal_address: str) -> None:
    declined = terminal(["undo"], journal_address, typed="n\n")
    assert "remove interaction #1 of yoga-lotus (2026-11-01, complaint)" in declined
    assert "Undo this? [y/N]" in declined and "Error: nothing was undone" in declined
    assert len(entries(lotus)) == 1
    agreed = terminal(["undo"], journal_address, typed="y\n")
    assert "Undone: 'log' of 2026-11-25 09:00." in agreed
    assert entries(lotus) == []


def test_in_german(lotus: Run) -> None:
    result = ok(lotus("--lang", "de", "undo", "--yes"))
    assert result.stderr.splitlines() == [
        "'log' vom 2026-11-25 09:00 rückgängig machen:",
        "  Eintrag #1 von yoga-lotus (2026-11-01, complaint) entfernen",
        "Rückgängig gemacht: 'log' vom 2026-11-25 09:00.",
    ]
    assert lotus("--lang", "de", "undo").stderr == (
        "Fehler: 'add' rückgängig zu machen braucht --yes, wenn niemand am Terminal"
        " bestätigen kann\n"
    )


def test_an_erasure_leaves_nothing_of_the_person_in_the_change_log(lotus: Run) -> None:
    ok(lotus("log", "yoga-lotus", "--kind", "call", "--note", "Zitronenfalter privat"))
    ok(lotus("interaction", "edit", "2", "--note", "Schwalbenschwanz"))
    ok(lotus("interaction", "delete", "2", "--yes"))
    ok(lotus("edit", "yoga-lotus", "--name", "Lotus Pfauenauge"))
    raw = journal_bytes()
    for word in (b"Zitronenfalter", b"Schwalbenschwanz", b"Yoga Lotus"):
        assert word in raw  # the change log holds them, so the test can fail
    ok(lotus("gdpr", "forget", "yoga-lotus", "--yes"))
    raw = journal_bytes()
    for word in (b"Zitronenfalter", b"Schwalbenschwanz", b"Yoga Lotus", b"Pfauenauge",
                 "Ärger".encode()):  # fmt: skip
        assert word not in raw
    assert journal_rows("SELECT command, stop FROM changes") == [("gdpr forget", "erasure")]
    assert journal_rows("SELECT count(*) FROM change_steps") == [(0,)]


def test_the_log_keeps_the_last_changes_only(
    connection: Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(changelog, "KEEP", 3)
    connection.execute("INSERT INTO customers (handle, name, customer_since, created_at)"
                       " VALUES ('a', 'A', '2026-01-01', '2026-01-01')")  # fmt: skip
    for day in range(1, 6):
        interactions.log(
            connection, 1, at=clock.now().replace(day=day), kind="call", now=clock.now()
        )
    assert connection.execute("SELECT count(*) FROM changes").fetchone()[0] == 3
    for _ in range(3):
        undo.undo(connection, undo.plan(connection).change.id)
    with pytest.raises(KundenpflegeError, match="nothing to undo"):
        undo.plan(connection)
    assert connection.execute("SELECT count(*) FROM interactions").fetchone()[0] == 2


def test_a_change_made_outside_since_then_stops_undo(lotus: Run) -> None:
    journal_rows("DELETE FROM interactions WHERE id = 1")  # as another program would
    assert error_line(lotus("undo", "--yes")) == (
        "Error: the journal was changed outside kundenpflege since then (interactions 1);"
        " nothing was undone"
    )


# A key in a logged row that is no column but an attack, in each engine's JSON words.
WITH_A_HOSTILE_KEY = (
    "(row::jsonb || jsonb_build_object('name; DROP TABLE x', 1))::text"
    if ON_SERVER
    else "json_set(row, '$.\"name; DROP TABLE x\"', 1)"
)


@pytest.mark.parametrize(
    ("last", "damage", "message"),
    [
        (["pause", "yoga-lotus", "--until", "+9d"],
         "UPDATE change_steps SET tbl = 'sqlite_master'",
         "the change log names a table that is not ours: sqlite_master"),
        (["pause", "yoga-lotus", "--until", "+9d"],
         "UPDATE change_steps SET row = '{bad json'",
         "the change log is damaged (customers); nothing was undone"),
        (["pause", "yoga-lotus", "--until", "+9d"],
         "UPDATE change_steps SET row = '[1, 2]'",
         "the change log is damaged (customers); nothing was undone"),
        (["pause", "yoga-lotus", "--until", "+9d"],
         f"UPDATE change_steps SET row = {WITH_A_HOSTILE_KEY}",
         "the change log is damaged (customers); nothing was undone"),
        (["log", "yoga-lotus", "--kind", "call"],
         "UPDATE change_steps SET row = '{\"after\": \"0 OR 1=1\", \"through\": 9,"
         " \"rows\": 1}'",
         "the change log is damaged (interactions); nothing was undone"),
        (["log", "yoga-lotus", "--kind", "call"],
         "UPDATE changes SET made_at = 'garbage'",
         "the journal was changed outside kundenpflege since then (interactions 2);"
         " nothing was undone"),
    ],
)  # fmt: skip
def test_a_damaged_log_is_refused(lotus: Run, last: list[str], damage: str, message: str) -> None:
    ok(lotus(*last))
    with reading() as outside:  # another program, all in one transaction
        outside.execute("BEGIN")
        outside.execute(f"{damage} WHERE {'change_id' if 'steps' in damage else 'id'} ="
                        " (SELECT max(id) FROM changes)")  # fmt: skip
        if "garbage" in damage:
            outside.execute("DELETE FROM interactions WHERE id = 2")
        outside.execute("COMMIT")
    ok(lotus("list"))  # what another program changed is settled on the next open
    before = journal_snapshot()
    assert error_line(lotus("undo", "--yes")) == f"Error: {message}"
    assert journal_snapshot() == before


def test_a_new_customer_with_tags_is_undone(journal: Run) -> None:
    before = journal_content()
    ok(journal("add", "newco", "--tag", "foo", "--tag", "bar"))
    assert ok(journal("undo", "--yes")).stderr.splitlines()[1:4] == [
        "  remove customer newco",
        "  remove tag bar of newco",
        "  remove tag foo of newco",
    ]
    assert journal_content() == before


def test_numbers_come_back_exactly(lotus: Run) -> None:
    ok(lotus("edit", "yoga-lotus", "--value", "1234.5678901234567"))
    ok(lotus("log", "yoga-lotus", "--kind", "order", "--amount", "0.30000000000000004"))
    before = journal_content()
    ok(lotus("interaction", "edit", "2", "--amount", "7", "--mood", "1"))
    ok(lotus("pause", "yoga-lotus", "--until", "+30d"))
    ok(lotus("undo", "--yes"))
    ok(lotus("undo", "--yes"))
    assert journal_content() == before


def test_a_big_change_is_told_in_rows(lotus: Run, tmp_path: Path) -> None:
    source = tmp_path / "kunden.csv"
    rows = "".join(f"kunde-{number},Kunde {number},weekly\n" for number in range(10))
    source.write_text("handle,name,every\n" + rows, encoding="utf-8")
    ok(lotus("import", "csv", str(source)))
    ok(lotus("import", "csv", str(source).replace("kunden", "kunden"), "--map", "name=company"))
    told = ok(lotus("undo", "--yes")).stderr.splitlines()
    assert told[1:][:1] == ["  change back 10 customers"]


def test_a_german_j_is_a_yes(lotus: Run, journal_address: str) -> None:
    screen = terminal(["--lang", "de", "undo"], journal_address, typed="j\n")
    assert "Das rückgängig machen? [j/N]" in screen
    assert "Rückgängig gemacht: 'log'" in screen
    assert entries(lotus) == []


def test_init_is_one_change(journal: Run) -> None:
    ok(journal("person", "add", "anna"))
    ok(journal("init", "--me", "anna", "--default-every", "weekly"))
    assert ok(journal("undo", "--yes")).stderr.splitlines()[1:] == [
        "  remove setting default_frequency",
        "  remove setting me",
        "Undone: 'init' of 2026-11-25 09:00.",
    ]


@pytest.mark.file_only  # reads SQLite's triggers (the server's are generated from them)
def test_every_stated_column_is_logged(connection: sqlite3.Connection) -> None:
    """A step that adds a column to a logged table must log it too (new triggers)."""
    from kundenpflege.domain.schedule import BREACH_COLUMN, CONTACT_DERIVED, DERIVED

    recomputed = {
        "customers": {*DERIVED, BREACH_COLUMN},
        "followups": {"due_effective"},
        "contacts": set(CONTACT_DERIVED),
    }
    for table in changelog.TABLES:
        info = connection.execute(f"PRAGMA table_info({table})").fetchall()
        columns = {row[1] for row in info}
        key = tuple(row[1] for row in sorted(info, key=lambda row: row[5]) if row[5])
        assert changelog.KEYS[table] == key, table
        (trigger,) = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = ?", (f"change_log_{table}_delete",)
        ).fetchone()
        logged = {
            column for column in columns if f"'{column}', CASE WHEN typeof(OLD.{column})" in trigger
        }
        assert logged == columns - recomputed.get(table, set()), table


def test_a_removed_contact_can_still_be_erased_from_the_log(lotus: Run) -> None:
    ok(lotus("contact", "add", "yoga-lotus", "Walburga Zitterbein", "--email",
             "wz@zitterbein.example", "--phone", "0151-777"))  # fmt: skip
    ok(lotus("contact", "remove", "yoga-lotus/Walburga Zitterbein", "--yes"))
    assert b"Zitterbein" in journal_bytes()  # kept for undo
    result = ok(lotus("gdpr", "forget", "wz@zitterbein.example", "--yes"))
    assert result.stderr.splitlines()[0] == (
        "Erased wz@zitterbein.example: removed before, kept only for undo; now gone from there too."
    )
    assert b"Zitterbein" not in journal_bytes()
    assert error_line(lotus("gdpr", "forget", "yoga-lotus/Walburga Zitterbein", "--yes")) == (
        "Error: no contact 'Walburga Zitterbein' at this customer; add one with"
        " 'kundenpflege contact add'"
    )
    assert error_line(lotus("undo", "--yes")).startswith("Error: undo stops at the erasure")
