"""Facts that are not contacts (issue 16 §2): `fact add|list|edit|remove`, never a
contact anywhere, `note` no longer a kind of contact, the notes of older journals moved
(m019), imports, data rights."""

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from kundenpflege import clock
from kundenpflege.domain import journal as unit_of_work
from kundenpflege.storage import changelog
from tests.conftest import Run, error_line, journal_bytes, journal_rows, journal_snapshot, ok
from tests.test_migrations import journal_after

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def firm(journal: Run) -> Run:
    ok(journal("person", "add", "anna"))
    ok(journal("add", "mueller-bau", "--name", "Müller Bau GmbH"))
    ok(journal("contact", "add", "mueller-bau", "Petra Müller", "--main"))
    ok(
        journal(
            "prefer", "mueller-bau", "--person", "anna", "--every", "monthly", "--max", "monthly"
        )
    )
    ok(journal("log", "mueller-bau", "--at", "2026-11-02 10:00", "--kind", "call", "--mood", "1"))
    return journal


def listed(run: Run, *arguments: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(
        ok(run("fact", "list", *arguments, "-f", "json")).stdout
    )
    return rows


def test_a_fact_is_kept_listed_corrected_and_removed(firm: Run) -> None:
    added = ok(firm("fact", "add", "mueller-bau/Petra Müller", "Tochter Lena, studiert in Leipzig",
                    "--source", "Messe"))  # fmt: skip
    assert (added.stdout, added.stderr) == ("", "Kept fact #1 about mueller-bau/Petra Müller.\n")
    ok(firm("fact", "add", "mueller-bau", "Mag keine Anrufe vor 10"))
    assert listed(firm) == [
        {"id": 1, "handle": "mueller-bau", "contact": "Petra Müller",
         "text": "Tochter Lena, studiert in Leipzig", "source": "Messe",
         "learned_on": "2026-11-25"},
        {"id": 2, "handle": "mueller-bau", "contact": None, "text": "Mag keine Anrufe vor 10",
         "source": None, "learned_on": "2026-11-25"},
    ]  # fmt: skip
    assert [row["id"] for row in listed(firm, "mueller-bau/Petra Müller")] == [1]
    table = ok(firm("fact", "list")).stdout.splitlines()
    assert table[0].split() == ["#", "Customer", "Fact", "Source", "Learned"]
    assert table[1].split("  ")[0:2] == ["1", "mueller-bau/Petra Müller"]
    rows = list(csv.DictReader(io.StringIO(ok(firm("fact", "list", "-f", "csv")).stdout)))
    assert list(rows[0]) == ["id", "handle", "contact", "text", "source", "learned_on"]
    assert ok(firm("fact", "edit", "1", "Tochter Lena, studiert jetzt in Halle")).stderr == (
        "Corrected fact #1 about mueller-bau/Petra Müller.\n"
    )
    ok(firm("fact", "edit", "1", "--source", ""))
    assert (
        listed(firm, "mueller-bau/Petra Müller")[0]["text"]
        == "Tochter Lena, studiert jetzt in Halle"
    )
    assert listed(firm, "mueller-bau/Petra Müller")[0]["source"] is None
    limited = ok(firm("fact", "list", "--limit", "1"))
    assert limited.stdout.count("\n") == 2 and "Tochter Lena" in limited.stdout
    assert limited.stderr == "… 1 more row; use --limit 0 to see all.\n"
    assert ok(firm("fact", "remove", "2")).stderr == "Removed fact #2 about mueller-bau.\n"
    assert [row["id"] for row in listed(firm)] == [1]


def test_a_fact_from_stdin_stays_out_of_the_shell_history(firm: Run) -> None:
    ok(firm("fact", "add", "mueller-bau", "-", input="Hat einen Hund namens Bello\n"))
    ok(firm("fact", "edit", "1", "-", input="Hat zwei Hunde\n"))
    assert listed(firm)[0]["text"] == "Hat zwei Hunde"


def test_facts_never_change_due_nor_count_as_contacts(firm: Run) -> None:
    reports = ("due", "health", "impressions", "interaction list", "list", "pulse", "value")

    def state() -> dict[str, str]:
        return {name: ok(firm(*name.split(), "--format", "json")).stdout for name in reports}

    before = state()
    due_before = json.loads(before["due"])
    ok(firm("fact", "add", "mueller-bau", "Spielt Golf"))
    ok(firm("fact", "add", "mueller-bau/Petra Müller", "Zwei Kinder"))
    ok(firm("fact", "edit", "2", "Drei Kinder"))
    ok(firm("fact", "remove", "1"))
    assert state() == before
    assert json.loads(ok(firm("due", "-f", "json", "--days", "30")).stdout) == json.loads(
        ok(firm("due", "-f", "json", "--days", "30")).stdout
    )
    assert due_before == json.loads(ok(firm("due", "--format", "json")).stdout)


@pytest.mark.parametrize("kind", ["note", "Notiz", "fact"])
def test_log_kind_note_is_an_error_pointing_to_facts(firm: Run, kind: str) -> None:
    before = journal_snapshot()
    assert error_line(firm("log", "mueller-bau", "--kind", kind, "--note", "Spielt Golf")) == (
        "Error: a note is not a contact and resets no clock; keep what you know with"
        " 'kundenpflege fact add HANDLE TEXT'"
    )
    assert error_line(firm("interaction", "edit", "1", "--kind", kind)).startswith(
        "Error: a note is not a contact"
    )
    assert journal_snapshot() == before
    assert "note" not in ok(firm("log", "--help")).stdout.split("--kind")[1].split("--direction")[0]


def test_log_without_a_kind_takes_it_from_the_channel_else_contact(firm: Run) -> None:
    ok(firm("log", "mueller-bau", "--channel", "email", "--note", "Angebot geschickt"))
    ok(firm("log", "mueller-bau", "--channel", "x-signal", "--note", "kurz geschrieben"))
    ok(firm("log", "mueller-bau", "--note", "kurz gesprochen"))
    ok(firm("log", "mueller-bau", "--kind", "kontakt", "--channel", "phone"))
    rows = sorted(json.loads(ok(firm("interaction", "list", "-f", "json")).stdout),
                  key=lambda row: row["id"])  # fmt: skip
    assert [(row["kind"], row["channel"]) for row in rows[1:]] == [
        ("email", "email"), ("contact", "x-signal"), ("contact", None), ("contact", "phone"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("arguments", "message", "status"),
    [
        (["fact", "add", "nobody", "x"], "Error: customer 'nobody' not found", 1),
        (["fact", "add", "mueller-bau/Hans", "x"],
         "Error: no contact 'Hans' at this customer; known contacts: Petra Müller", 1),
        (["fact", "add", "mueller-bau", "   "], "Error: the fact is empty; nothing was kept", 1),
        (["fact", "add", "mueller-bau", "a\x00b"],
         "Error: 'a\\x00b' contains a NUL character, which a journal does not keep;"
         " nothing was changed", 2),
        (["fact", "add", "mueller-bau"],
         "Error: give the fact as TEXT, or '-' to read it from stdin", 2),
        (["fact", "edit", "9", "x"], "Error: no fact #9; see 'kundenpflege fact list'", 1),
        (["fact", "edit", "1"], "Error: nothing to change; give the new TEXT or --source", 1),
        (["fact", "remove", "9"], "Error: no fact #9; see 'kundenpflege fact list'", 1),
        (["fact", "remove", "0"],
         "Error: Invalid value for 'NUMBER': 0 is not in the range 1<=x", 2),
        (["fact", "list", "nobody"], "Error: customer 'nobody' not found", 1),
    ],
)  # fmt: skip
def test_fact_errors_are_one_line_and_change_nothing(
    firm: Run, arguments: list[str], message: str, status: int
) -> None:
    ok(firm("fact", "add", "mueller-bau", "Spielt Golf"))
    before = journal_snapshot()
    assert error_line(firm(*arguments), status).startswith(message)
    assert journal_snapshot() == before


def test_restricted_customers_facts_are_in_show_only(firm: Run) -> None:
    ok(firm("fact", "add", "mueller-bau", "Spielt Golf"))
    ok(firm("gdpr", "restrict", "mueller-bau"))
    assert listed(firm) == []
    assert "Spielt Golf" in ok(firm("show", "mueller-bau")).stdout
    assert error_line(firm("fact", "add", "mueller-bau", "x")).startswith(
        "Error: mueller-bau is restricted (GDPR)"
    )
    assert error_line(firm("fact", "remove", "1")).startswith("Error: mueller-bau is restricted")


def test_undo_takes_back_each_change_of_a_fact(firm: Run) -> None:
    def facts() -> list[tuple[object, ...]]:
        return journal_rows("SELECT * FROM facts ORDER BY id")

    before = facts()
    ok(firm("fact", "add", "mueller-bau/Petra Müller", "Zwei Kinder"))
    assert ok(firm("undo", "--yes")).stderr.splitlines()[1] == (
        "  remove fact #1 of mueller-bau: Zwei Kinder"
    )
    assert facts() == before
    ok(firm("fact", "add", "mueller-bau/Petra Müller", "Zwei Kinder"))  # #2: ids never come back
    for change, told in (
        (["fact", "edit", "2", "Drei Kinder", "--source", "Telefon"],
         "  change back fact #2 of mueller-bau: Drei Kinder: text Drei Kinder → Zwei Kinder,"
         " source Telefon → –"),
        (["fact", "remove", "2"], "  bring back fact #2 of mueller-bau: Zwei Kinder"),
    ):  # fmt: skip
        before = facts()
        ok(firm(*change))
        assert facts() != before
        assert ok(firm("undo", "--yes")).stderr.splitlines()[1] == told
        assert facts() == before
    # A contact removed takes what we know about them along, and undo brings it back.
    ok(firm("fact", "add", "mueller-bau/Petra Müller", "Segelt"))
    before = facts()
    removed = ok(firm("contact", "remove", "mueller-bau/Petra Müller", "--yes"))
    assert removed.stderr.splitlines() == [
        f"Removed mueller-bau/Petra Müller (with {len(before)} facts and 0 key dates of theirs).",
        "'kundenpflege undo' brings them back while it is the latest change.",
    ]
    assert facts() == []
    ok(firm("undo", "--yes"))
    assert facts() == before


def test_access_and_erasure_include_facts(firm: Run) -> None:
    ok(firm("fact", "add", "mueller-bau/Petra Müller", "Zyklamenliebhaberin"))
    ok(firm("fact", "add", "mueller-bau", "Firmenjubiläum mit Blaskapelle"))
    [access] = [json.loads(ok(firm("gdpr", "export", "mueller-bau/Petra Müller")).stdout)]
    assert [fact["text"] for fact in access["facts"]] == ["Zyklamenliebhaberin"]
    whole = json.loads(ok(firm("gdpr", "export", "mueller-bau")).stdout)
    assert len(whole["facts"]) == 2
    result = ok(firm("gdpr", "forget", "mueller-bau/Petra Müller", "--yes"))
    assert result.stderr.startswith("Erased mueller-bau/Petra Müller: 2 rows removed.")
    assert [fact["text"] for fact in listed(firm)] == ["Firmenjubiläum mit Blaskapelle"]
    assert b"Zyklamenliebhaberin" not in journal_bytes()
    ok(firm("gdpr", "forget", "mueller-bau", "--yes"))
    assert b"Blaskapelle" not in journal_bytes()


def test_a_card_note_becomes_a_fact_once(journal: Run) -> None:
    ok(journal("import", "vcard", str(FIXTURES / "birthdays-apple-3.0.vcf")))
    assert [(row["handle"], row["contact"], row["text"]) for row in listed(journal)] == [
        ("kanzlei-berg-partner", "Anja Berger", "Segelt am Wannsee, zwei Kinder.")
    ]
    again = ok(journal("import", "vcard", str(FIXTURES / "birthdays-apple-3.0.vcf")))
    assert again.stderr.endswith(": nothing to change.\n")
    assert len(listed(journal)) == 1


def test_a_notiz_column_becomes_a_fact(journal: Run) -> None:
    ok(journal("import", "csv", str(FIXTURES / "geburtstage.csv")))
    assert [(row["contact"], row["text"]) for row in listed(journal)] == [
        ("Uwe Schulz", "Fährt Motorrad, mag keine Telefonate am Freitag")
    ]


# An older journal: notes logged as contacts, and notes kept on contacts (m019) -----------


def _older_journal(path: Path) -> None:
    """A journal of m018 with notes of both kinds and a promise made in a note."""
    journal_after(path, 18)
    path.chmod(0o600)
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("PRAGMA journal_mode = WAL")
    moment = "2026-11-02T10:00:00+01:00"
    old.execute(
        "INSERT INTO customers (id, handle, name, customer_since, created_at)"
        " VALUES (1, 'k', 'K', '2026-01-01', ?)",
        (moment,),
    )
    old.executemany(
        "INSERT INTO contacts (id, customer_id, name, created_at, note) VALUES (?, 1, ?, ?, ?)",
        [(1, "Petra", moment, " Mag keine Anrufe vor 10 "), (2, "Hans", moment, "   ")],
    )
    old.executemany(
        "INSERT INTO interactions (id, customer_id, occurred_at, occurred_on, direction, kind,"
        " contact_id, note, recorded_at) VALUES (?, 1, ?, ?, 'out', ?, ?, ?, ?)",
        [
            (number, f"{day}T10:00:00+01:00", day, kind, contact, note, f"{day}T10:00:00+01:00")
            for number, (day, kind, note, contact) in enumerate(
                [
                    ("2026-10-01", "call", "Angebot besprochen", None),
                    ("2026-11-10", "note", "Tochter heißt Lena", 1),
                    ("2026-11-12", "note", None, None),
                    ("2026-11-20", "note", "Spielt Golf", None),
                ],
                start=1,
            )
        ],
    )
    old.execute(
        "INSERT INTO followups (customer_id, interaction_id, what, promised_on, due_on,"
        " created_at) VALUES (1, 4, 'Golfbälle schicken', '2026-11-20', '2026-12-01', ?)",
        (moment,),
    )
    old.close()


@pytest.mark.file_only
def test_an_older_journal_keeps_its_notes_as_facts(tmp_path: Path, journal: Run) -> None:
    path = tmp_path / "old.db"
    _older_journal(path)
    connection = unit_of_work.open_journal(path, clock.now())
    facts = connection.execute(
        "SELECT customer_id, contact_id, text, source, learned_on FROM facts ORDER BY id"
    ).fetchall()
    assert [tuple(row) for row in facts] == [
        (1, 1, "Mag keine Anrufe vor 10", None, "2026-11-02"),  # the contact's own note
        (1, 1, "Tochter heißt Lena", None, "2026-11-10"),
        (1, None, "Spielt Golf", None, "2026-11-20"),
    ]
    entries = connection.execute("SELECT id, kind FROM interactions ORDER BY id").fetchall()
    assert [tuple(row) for row in entries] == [(1, "call"), (3, "contact")]  # no words: a contact
    promise = connection.execute("SELECT interaction_id, what FROM followups").fetchone()
    assert tuple(promise) == (None, "Golfbälle schicken")
    # The notes no longer count: the last contact is the one without words.
    assert connection.execute("SELECT last_interaction_on FROM customers").fetchone()[0] == (
        "2026-11-12"
    )
    assert (
        connection.execute(
            "SELECT count(*) FROM settings WHERE key = 'notes_to_facts_pending'"
        ).fetchone()[0]
        == 0
    )
    assert "note" not in [row[1] for row in connection.execute("PRAGMA table_info(contacts)")]
    latest = changelog.latest(connection)
    assert latest is not None and latest.command == "upgrade: notes to facts"
    connection.close()
    run = lambda *arguments: journal("--db", str(path), *arguments)  # noqa: E731
    doctor = ok(run("doctor")).stdout
    assert (
        "ok       notes: 2 notes logged as contacts became facts on 2026-11-25 09:00; 1 without"
        " words, or with a mood or an amount, stayed a contact; 'kundenpflege undo' puts them"
        " back while it is the latest change"
    ) in doctor
    # Nothing else says so: cron stays quiet.
    assert ok(run("remind")).stderr == ""
    told = ok(run("undo", "--yes")).stderr.splitlines()
    assert told[0] == "Undo 'upgrade: notes to facts' of 2026-11-25 09:00:"
    assert "  bring back interaction #4 of k (2026-11-20, note)" in told
    assert "  remove fact #3 of k: Spielt Golf" in told
    kinds = [row["kind"] for row in json.loads(ok(run("interaction", "list", "-f", "json")).stdout)]
    assert kinds == ["note", "note", "note", "call"]  # newest first
    # Put back, they stay put: the move happens once.
    assert "notes:" not in ok(run("doctor")).stdout
    again = [row["kind"] for row in json.loads(ok(run("interaction", "list", "-f", "json")).stdout)]
    assert again == kinds


def test_an_older_export_brings_its_notes_as_facts(
    tmp_path: Path, journal: Run, other_journal_address: str
) -> None:
    path = tmp_path / "old.db"
    _older_journal(path)
    old = sqlite3.connect(path)
    old.row_factory = sqlite3.Row
    tables = {
        name: [dict(row) for row in old.execute(f"SELECT * FROM {name}")]
        for name in ("customers", "contacts", "interactions", "followups")
    }
    old.close()
    for row in tables["customers"]:
        row.update(restricted=0, status="active")
    export = {"format": "kundenpflege-journal", "schema": ["m001_journal"], "tables": {
        "customers": [{key: row[key] for key in ("id", "handle", "name", "status",
                                                 "customer_since", "created_at", "restricted")}
                      for row in tables["customers"]],
        "contacts": [{key: row[key] for key in ("id", "customer_id", "name", "created_at", "note",
                                                "is_main")} for row in tables["contacts"]],
        "interactions": [{key: row[key] for key in ("id", "customer_id", "occurred_at",
                                                    "occurred_on", "direction", "kind",
                                                    "contact_id", "note", "recorded_at")}
                         for row in tables["interactions"]],
        "followups": [{key: row[key] for key in ("id", "customer_id", "interaction_id", "what",
                                                 "promised_on", "due_on", "status", "created_at")}
                      for row in tables["followups"]],
    }}  # fmt: skip
    source = tmp_path / "old.json"
    source.write_text(json.dumps(export), encoding="utf-8")
    ok(journal("import", "json", str(source)))
    assert [(row["contact"], row["text"], row["learned_on"]) for row in listed(journal)] == [
        ("Petra", "Mag keine Anrufe vor 10", "2026-11-02"),
        ("Petra", "Tochter heißt Lena", "2026-11-10"),
        (None, "Spielt Golf", "2026-11-20"),
    ]
    kinds = [
        row["kind"] for row in json.loads(ok(journal("interaction", "list", "-f", "json")).stdout)
    ]
    assert kinds == ["contact", "call"]
    again = tmp_path / "again.json"
    again.write_text(ok(journal("export", "json")).stdout, encoding="utf-8")
    copy = other_journal_address
    ok(journal("--db", copy, "init"))
    ok(journal("--db", copy, "import", "json", str(again)))
    assert listed(journal, "k") == listed(lambda *a, **k: journal("--db", copy, *a, **k), "k")


def test_the_monday_page_says_what_we_know_about_those_due(firm: Run) -> None:
    ok(firm("fact", "add", "mueller-bau/Petra Müller", "<b>Segelt</b> & taucht"))
    ok(firm("add", "spaeter", "--name", "Später GmbH"))
    ok(firm("log", "spaeter", "--kind", "call"))
    ok(firm("fact", "add", "spaeter", "Nicht diese Woche dran"))
    page = ok(firm("report", "html", "--as-of", "2026-12-20")).stdout
    known = page.split('<section id="known"')[1].split("</section>")[0]
    assert "What we know about them" in known
    assert "&lt;b&gt;Segelt&lt;/b&gt; &amp; taucht" in known and "<b>" not in known
    assert "Nicht diese Woche" not in known
    assert "Nothing kept about those due this week." in ok(firm("report", "html")).stdout


@pytest.mark.file_only
def test_a_note_with_a_mood_or_an_amount_stays_a_contact(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    journal_after(path, 18)
    path.chmod(0o600)
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("INSERT INTO customers (id, handle, name, customer_since, created_at)"
                " VALUES (1, 'k', 'K', '2026-01-01', '2026-11-02T10:00:00+01:00')")  # fmt: skip
    old.execute(
        "INSERT INTO interactions (customer_id, occurred_at, occurred_on, direction, kind, mood,"
        " amount, note, recorded_at) VALUES (1, '2026-11-20T10:00:00+01:00', '2026-11-20', 'in',"
        " 'note', -2, 1200, 'Notiz Ozelot', '2026-11-20T10:00:00+01:00')"
    )
    old.close()
    connection = unit_of_work.open_journal(path, clock.now())
    kept = connection.execute("SELECT kind, mood, amount, note FROM interactions").fetchall()
    assert [tuple(row) for row in kept] == [("contact", -2, 1200, "Notiz Ozelot")]
    assert connection.execute("SELECT count(*) FROM facts").fetchone()[0] == 0
    assert connection.execute("SELECT last_mood FROM customers").fetchone()[0] == -2
    connection.close()
