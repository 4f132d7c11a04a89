"""Data in and out with real files: spreadsheets, address books, JSON, iCalendar, GDPR."""

import csv
import io
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from icalendar import Calendar

from kundenpflege import paths
from kundenpflege.domain import journal as unit_of_work
from kundenpflege.storage import catalogue
from tests.conftest import (
    ON_SERVER,
    Run,
    error_line,
    journal_bytes,
    journal_rows,
    journal_snapshot,
    ok,
    reading,
)

FIXTURES = Path(__file__).parent / "fixtures"


def customers(run: Run) -> dict[str, dict[str, object]]:
    rows = json.loads(ok(run("list", "--format", "json")).stdout)
    return {row["handle"]: row for row in rows}


@pytest.mark.parametrize("name", ["excel-cp1252.csv", "excel-utf8-bom.csv"])
def test_import_german_excel(journal: Run, name: str) -> None:
    result = ok(journal("import", "csv", str(FIXTURES / name)))
    assert result.stderr.splitlines()[-1] == (
        f"Imported {FIXTURES / name}: 3 added, 0 updated, 0 unchanged, 0 skipped."
    )
    found = customers(journal)
    assert set(found) == {"mueller-bau-gmbh", "baeckerei-weiss", "cafe-groessenwahn"}
    mueller = found["mueller-bau-gmbh"]
    assert (mueller["name"], mueller["tier"], mueller["annual_value"], mueller["tags"]) == (
        "Müller Bau GmbH",
        "A",
        24000.0,
        ["bau", "nord"],
    )
    assert found["cafe-groessenwahn"]["annual_value"] == 3200.5
    assert found["baeckerei-weiss"]["annual_value"] == 1500.0
    profile = json.loads(ok(journal("show", "mueller-bau-gmbh", "-f", "json")).stdout)[0]
    assert profile["customer_since"] == "2019-03-01"
    assert profile["contacts"][0]["name"] == "Petra Müller"
    assert profile["contacts"][0]["role"] == "Einkauf"
    assert profile["preference"]["frequency"] == {"count": 2, "unit": "weeks"}


def test_import_libreoffice_english(journal: Run) -> None:
    ok(journal("import", "csv", str(FIXTURES / "libreoffice.csv")))
    found = customers(journal)
    assert set(found) == {"autohaus-hoffmann", "monika-lange", "schroeder-elektro-kg"}
    assert found["monika-lange"]["status"] == "prospect"
    assert found["schroeder-elektro-kg"]["annual_value"] == 12000.5
    profile = json.loads(ok(journal("show", "autohaus-hoffmann", "-f", "json")).stdout)[0]
    assert profile["preference"]["weekdays"] == [1, 3]
    assert profile["preference"]["channel"] == "phone"
    assert profile["contacts"][0]["email"] == "thomas@autohaus-hoffmann.example"


def test_reimport_updates_and_never_duplicates(journal: Run) -> None:
    path = FIXTURES / "libreoffice.csv"
    ok(journal("import", "csv", str(path)))
    again = ok(journal("import", "csv", str(path)))
    assert again.stderr == f"Imported {path}: nothing to change.\n"
    [counts] = journal_rows(
        "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM contacts),"
        " (SELECT count(*) FROM preferences)"
    )
    assert counts == (3, 3, 3)


def test_dry_run_writes_nothing(journal: Run) -> None:
    before = journal_snapshot()
    result = ok(journal("import", "csv", str(FIXTURES / "libreoffice.csv"), "--dry-run"))
    assert result.stderr.endswith(": 3 added, 0 updated, 0 unchanged, 0 skipped.\n")
    assert result.stderr.splitlines()[-1].startswith("Would import ")
    assert journal_snapshot() == before


def test_invalid_rows_abort_everything(journal: Run) -> None:
    path = FIXTURES / "invalid-rows.csv"
    before = journal_snapshot()
    assert error_line(journal("import", "csv", str(path))) == (
        f"Error: {path} line 3: 'keine-mail' does not look like an e-mail address;"
        " nothing was imported (--skip-invalid leaves bad rows out)"
    )
    assert journal_snapshot() == before


def test_skip_invalid_reports_what_it_left_out(journal: Run) -> None:
    path = FIXTURES / "invalid-rows.csv"
    result = ok(journal("import", "csv", str(path), "--skip-invalid"))
    assert result.stderr == (
        "Skipped line 3: 'keine-mail' does not look like an e-mail address\n"
        "Skipped line 4: 'zwölf' is not an amount of money\n"
        "1 of 1 new customer due this week; first contacts spread over working days until"
        " Wed 2026-11-25 (--due-now: all today).\n"
        f"Imported {path}: 1 added, 0 updated, 0 unchanged, 2 skipped.\n"
    )
    assert list(customers(journal)) == ["gut-gmbh"]


def test_map_and_wrong_columns(journal: Run, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Kundennr,Bezeichnung\nk-1,Erste GmbH\n", encoding="utf-8")
    assert error_line(journal("import", "csv", str(path))) == (
        f"Error: {path} line 1: no name or company column (found: Kundennr, Bezeichnung);"
        " name one with --map COLUMN=name"
    )
    ok(journal("import", "csv", str(path), "--map", "Kundennr=handle", "--map", "Bezeichnung=name"))
    assert customers(journal)["k-1"]["name"] == "Erste GmbH"
    assert error_line(journal("import", "csv", str(path), "--map", "Bezeichnung=colour")) == (
        "Error: --map: unknown field 'colour'; use one of handle, name, company, tier, tags,"
        " annual_value, status, since, contact_name, contact_role, email, phone, note, birthday,"
        " anniversary, person, channel, every, days, maximum"
    )
    assert error_line(journal("import", "csv", str(path), "--map", "Bezeichnung")) == (
        "Error: --map 'Bezeichnung' should look like COLUMN=FIELD"
    )


def test_an_address_book_s_name_beside_its_firm_is_the_person_there(
    journal: Run, tmp_path: Path
) -> None:
    path = tmp_path / "adressbuch.csv"
    path.write_text("Name;Firma;E-Mail\nPetra Müller;Müller Bau GmbH;petra@example.org\n",
                    encoding="utf-8")  # fmt: skip
    ok(journal("import", "csv", str(path)))
    assert customers(journal)["mueller-bau-gmbh"]["name"] == "Müller Bau GmbH"
    contacts = json.loads(ok(journal("contact", "list", "mueller-bau-gmbh", "-f", "json")).stdout)
    assert [(row["name"], row["email"]) for row in contacts] == [
        ("Petra Müller", "petra@example.org")
    ]
    # A customer column ("Kunde") is no person; --map keeps the old reading.
    other = tmp_path / "kunden.csv"
    other.write_text("Kunde;Firma\nSchulz;Schulz Logistik GmbH\n", encoding="utf-8")
    mapped = tmp_path / "gemappt.csv"
    mapped.write_text("Name;Firma\nBerg;Kanzlei Berg\n", encoding="utf-8")
    ok(journal("import", "csv", str(other)))
    ok(journal("import", "csv", str(mapped), "--map", "Name=name"))
    for handle in ("schulz-logistik-gmbh", "kanzlei-berg"):
        listed = ok(journal("contact", "list", handle, "-f", "json")).stdout
        assert json.loads(listed) == [], handle


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "{path} is empty"),
        (b"   \n\n", "{path} is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "{path} is not a text file"),
        (b'name\n"never closed\n', "{path} line 2: unexpected end of data"),
    ],
)
def test_bad_csv_files(journal: Run, tmp_path: Path, content: bytes, message: str | None) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = journal_snapshot()
    result = journal("import", "csv", str(path))
    assert error_line(result) == "Error: " + message.format(path=path)
    assert journal_snapshot() == before


def test_missing_file(journal: Run, tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    assert error_line(journal("import", "csv", str(path))) == (
        f"Error: cannot read {path}: No such file or directory"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "apple-3.0.vcf",
            {
                "mueller-bau-gmbh": ("Petra Müller", "Leiterin Einkauf"),
                "baeckerei-weiss": ("Jürgen Weiß", None),
            },
        ),
        ("outlook-2.1.vcf", {"schroeder-elektro-kg": ("Klaus Schröder", "Inhaber")}),
        ("google-3.0.vcf", {"autohaus-hoffmann": ("Thomas Hoffmann", None)}),
        (
            "nextcloud-4.0.vcf",
            {
                "kanzlei-krause-partner": ("Sabine Krause", None),
                "monika-lange": ("Monika Lange", None),
            },
        ),
    ],
)
def test_import_vcards(
    journal: Run, name: str, expected: dict[str, tuple[str, str | None]]
) -> None:
    ok(journal("import", "vcard", str(FIXTURES / name)))
    assert set(customers(journal)) == set(expected)
    for handle, (person, role) in expected.items():
        [contact] = json.loads(ok(journal("contact", "list", handle, "-f", "json")).stdout)
        assert (contact["name"], contact["role"]) == (person, role)


def test_vcard_details(journal: Run) -> None:
    ok(journal("import", "vcard", str(FIXTURES / "apple-3.0.vcf")))
    ok(journal("import", "vcard", str(FIXTURES / "nextcloud-4.0.vcf")))
    # A card's NOTE is a fact of its person (issue 16).
    listed = json.loads(ok(journal("fact", "list", "-f", "json")).stdout)
    facts = {row["contact"]: row for row in listed}
    assert facts["Jürgen Weiß"]["text"].endswith("und trotzdem als eine Zeile gelesen werden muss.")
    assert facts["Petra Müller"]["source"] == str(FIXTURES / "apple-3.0.vcf")
    phones = dict(journal_rows("SELECT name, phone FROM contacts"))
    assert phones["Sabine Krause"] == "+49-221-98765"
    assert phones["Petra Müller"] == "+49 30 1234567"
    again = ok(journal("import", "vcard", str(FIXTURES / "apple-3.0.vcf")))
    assert again.stderr.endswith(": nothing to change.\n")


def test_bad_vcards(journal: Run, tmp_path: Path) -> None:
    before = journal_snapshot()
    truncated = FIXTURES / "truncated.vcf"
    assert error_line(journal("import", "vcard", str(truncated))) == (
        f"Error: {truncated} line 1: this vCard never ends (END:VCARD missing)"
    )
    empty = tmp_path / "empty.vcf"
    empty.write_text("")
    assert error_line(journal("import", "vcard", str(empty))) == f"Error: {empty} is empty"
    text = tmp_path / "notes.vcf"
    text.write_text("just some notes\n")
    assert error_line(journal("import", "vcard", str(text))) == (
        f"Error: {text} line 1: not a readable vCard"
        " (At line 1: Failed to parse line: just some notes)"
    )
    assert journal_snapshot() == before


PAYLOADS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\t=1",
    "\r=1",
    " =cmd|' /C calc'!A0",
    '=HYPERLINK("http://x.example","y")',
]


def test_every_table_exports_safely(journal: Run) -> None:
    ok(journal("add", "evil", "--name", PAYLOADS[0], "--tier", "+A", "--tag", "@x"))
    ok(journal("contact", "add", "evil", PAYLOADS[7], "--role", "-1+1", "--phone", "+49 1"))
    ok(journal("prefer", "evil", "--channel", "phone", "--source", "=2+2"))
    for payload in PAYLOADS:
        ok(journal("log", "evil", "--kind", "call", "--note", payload))
    ok(journal("followup", "add", "evil", "@SUM(A1)", "--due", "today"))
    ok(journal("consent", "grant", "evil", "--purpose", "newsletter", "--evidence", "=3"))
    ok(journal("fact", "add", f"evil/{PAYLOADS[7]}", PAYLOADS[1], "--source", PAYLOADS[3]))
    ok(journal("date", "add", "evil", "--on", "+3d", "--what", PAYLOADS[6], "--source", "=4"))
    tables = ("customers", "contacts", "preferences", "interactions", "followups", "consent",
              "facts", "key_dates")  # fmt: skip
    for table in tables:
        text = ok(journal("export", "csv", table)).stdout
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), (
                    table,
                    cell,
                )
    excel = ok(journal("export", "csv", "interactions", "--excel")).stdout
    assert excel.startswith("\ufeffid;customer;occurred_at;")
    assert error_line(journal("export", "csv", "secrets")) == (
        "Error: unknown table 'secrets'; use one of customers, contacts, preferences,"
        " interactions, followups, facts, key_dates, consent"
    )


def scripted_journal(run: Run) -> None:
    ok(run("person", "add", "anna"))
    ok(run("person", "add", "ben"))
    for step in [
        (
            "add",
            "mueller-bau",
            "--name",
            "Müller Bau GmbH",
            "--tier",
            "A",
            "--value",
            "24000",
            "--tag",
            "bau",
        ),
        ("contact", "add", "mueller-bau", "Petra Müller", "--email", "petra@example.org", "--main"),
        ("prefer", "mueller-bau", "--person", "anna", "--channel", "phone", "--every", "monthly"),
        (
            "log",
            "mueller-bau",
            "--at",
            "2026-11-20 10:00",
            "--kind",
            "complaint",
            "--mood",
            "-1",
            "--note",
            "Lieferung zu spät",
            "--followup",
            "+2d",
            "--contact",
            "Petra Müller",
        ),
        ("consent", "grant", "mueller-bau/Petra Müller", "--purpose", "newsletter"),
        ("add", "klein", "--name", "Klein KG"),
        ("log", "klein", "--at", "2026-11-01", "--kind", "order", "--amount", "1200"),
    ]:
        ok(run(*step))


def test_json_round_trip(journal: Run, tmp_path: Path) -> None:
    scripted_journal(journal)
    first = ok(journal("export", "json")).stdout
    dump = tmp_path / "journal.json"
    dump.write_text(first, encoding="utf-8")
    copy = str(tmp_path / "copy.db")
    ok(journal("--db", copy, "init"))
    assert ok(journal("--db", copy, "import", "json", str(dump))).stderr.startswith("Loaded ")
    second = ok(journal("--db", copy, "export", "json")).stdout
    assert json.loads(first)["tables"] == json.loads(second)["tables"]
    assert (
        ok(journal("--db", copy, "due", "-f", "json")).stdout
        == ok(journal("due", "-f", "json")).stdout
    )
    assert (
        ok(journal("--db", copy, "fairness", "-f", "json")).stdout
        == ok(journal("fairness", "-f", "json")).stdout
    )
    assert error_line(journal("import", "json", str(dump))) == (
        "Error: import json needs an empty journal; create one with --db NEW init"
    )
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "kundenpflege-journal",\n "tables": [}')
    assert error_line(journal("--db", copy, "import", "json", str(broken))).startswith(
        f"Error: {broken} line 2: not valid JSON"
    )
    other = tmp_path / "other.json"
    other.write_text("[1, 2]")
    assert error_line(journal("--db", copy, "import", "json", str(other))) == (
        f"Error: {other} is not a kundenpflege journal export"
    )


def test_ical_export_parses_and_keeps_uids(journal: Run) -> None:
    scripted_journal(journal)
    first = ok(journal("export", "ical", "--days", "30")).stdout_bytes
    calendar = Calendar.from_ical(first)
    events = list(calendar.walk("VEVENT"))
    uids = sorted(str(event["UID"]) for event in events)
    assert uids == ["contact-mueller-bau@kundenpflege", "followup-1@kundenpflege"]
    summaries = {str(event["UID"]): str(event["SUMMARY"]) for event in events}
    assert (
        summaries["followup-1@kundenpflege"] == "Müller Bau GmbH: Lieferung zu spät (phone, anna)"
    )
    ok(journal("log", "mueller-bau", "--kind", "apology", "--mood", "1"))
    second = Calendar.from_ical(ok(journal("export", "ical", "--days", "60")).stdout_bytes)
    assert {str(event["UID"]) for event in second.walk("VEVENT")} <= set(uids)


def test_gdpr_access_export(journal: Run) -> None:
    scripted_journal(journal)
    data = json.loads(ok(journal("gdpr", "export", "mueller-bau")).stdout)
    assert data["subject"] == {"kind": "customer", "handle": "mueller-bau"}
    assert data["interactions"][0]["note"] == "Lieferung zu spät"
    assert data["consent"][0]["purpose"] == "newsletter"
    person = json.loads(ok(journal("gdpr", "export", "mueller-bau/petra@example.org")).stdout)
    assert person["contact"][0]["name"] == "Petra Müller"
    assert len(person["interactions"]) == 1


def test_forget_leaves_no_trace_in_the_file(journal: Run) -> None:
    scripted_journal(journal)
    assert "Müller Bau".encode() in journal_bytes()
    assert error_line(journal("gdpr", "forget", "mueller-bau")) == (
        "Error: erasure cannot be undone; add --yes to confirm"
    )
    result = ok(journal("gdpr", "forget", "mueller-bau", "--yes", "--by", "anna"))
    assert result.stderr.startswith("Erased mueller-bau: ")
    data = journal_bytes()
    for secret in ("Müller Bau", "Petra Müller", "petra@example.org", "Lieferung zu spät"):
        assert secret.encode() not in data, secret
    assert journal_rows("SELECT kind, by_whom FROM erasures") == [("customer", "anna")]
    if not ON_SERVER:  # a file's own check of its pages; a server keeps its pages itself
        assert journal_rows("PRAGMA integrity_check") == [("ok",)]
    assert list(customers(journal)) == ["klein"]


def test_forget_one_person(journal: Run) -> None:
    scripted_journal(journal)
    ok(journal("gdpr", "forget", "mueller-bau/Petra Müller", "--yes"))
    data = journal_bytes()
    assert b"petra@example.org" not in data
    assert "Lieferung zu spät".encode() not in data
    assert "mueller-bau" in customers(journal)
    assert json.loads(ok(journal("consent", "list", "-f", "json")).stdout) == []


def test_restrict_hides_from_reports_and_exports(journal: Run) -> None:
    scripted_journal(journal)
    ok(journal("gdpr", "restrict", "mueller-bau"))
    assert "mueller-bau" not in ok(journal("due")).stdout
    assert "mueller-bau" not in customers(journal)
    assert "mueller-bau" not in ok(journal("export", "csv", "interactions")).stdout
    assert "Müller Bau GmbH" in ok(journal("show", "mueller-bau")).stdout
    ok(journal("gdpr", "restrict", "mueller-bau", "--lift"))
    assert "mueller-bau" in customers(journal)


def test_restriction_means_out_of_everything(
    journal: Run, tmp_path: Path, other_journal_address: str
) -> None:
    """Issue 12 §7: out of every list and count, and no processing but saying stop."""
    scripted_journal(journal)
    ok(journal("followup", "add", "mueller-bau", "Angebot", "--due", "+3d"))
    pulse_before = json.loads(ok(journal("pulse", "-f", "json")).stdout)
    ok(journal("gdpr", "restrict", "mueller-bau"))
    for arguments in (["followup", "list"], ["followup", "list", "-f", "csv"],
                      ["consent", "list"], ["consent", "list", "-f", "csv"]):  # fmt: skip
        assert "mueller-bau" not in ok(journal(*arguments)).stdout, arguments
    pulse_after = json.loads(ok(journal("pulse", "-f", "json")).stdout)
    assert pulse_after != pulse_before  # its contacts left the counts
    refused = (
        "Error: mueller-bau is restricted (GDPR): its data is only kept; lift it first with"
        " 'kundenpflege gdpr restrict mueller-bau --lift'"
    )
    before = journal_snapshot()
    profile = json.loads(ok(journal("show", "mueller-bau", "-f", "json")).stdout)[0]
    [open_followup] = [row for row in profile["open_followups"] if row["what"] == "Angebot"]
    for arguments in (
        ["followup", "done", str(open_followup["id"])],
        ["followup", "snooze", str(open_followup["id"]), "--until", "+9d"],
        ["consent", "grant", "mueller-bau", "--purpose", "phone-marketing"],
        ["prefer", "mueller-bau", "--every", "weekly"],
        ["prefer", "mueller-bau", "--do-not-contact", "--every", "weekly"],
    ):
        assert error_line(journal(*arguments)) == refused, arguments
    assert journal_snapshot() == before
    # A person must always be able to say stop.
    ok(journal("consent", "withdraw", "mueller-bau/Petra Müller", "--purpose", "newsletter"))
    ok(journal("prefer", "mueller-bau", "--do-not-contact"))
    # export json is a complete copy: the customer comes along, still restricted.
    exported = tmp_path / "journal.json"
    exported.write_text(ok(journal("export", "json")).stdout, encoding="utf-8")
    copy = other_journal_address
    ok(journal("--db", copy, "init"))
    ok(journal("--db", copy, "import", "json", str(exported)))
    assert "mueller-bau" not in ok(journal("--db", copy, "list")).stdout
    assert "Müller Bau GmbH" in ok(journal("--db", copy, "show", "mueller-bau")).stdout
    entries = journal_rows("SELECT restricted_at, lifted_at FROM restrictions")
    assert entries == [("2026-11-25T08:00:00+00:00", None)]


WRITER = textwrap.dedent(
    """
    import sys
    from kundenpflege.cli import main
    for number in range(int(sys.argv[1])):
        try:
            main(["log", "k", "--kind", "call", "--note", f"n{number}"])
        except SystemExit as exit:
            if exit.code:
                raise
    """
)


@pytest.mark.file_only
def test_backup_while_another_process_writes(journal: Run, tmp_path: Path) -> None:
    ok(journal("add", "k"))
    writer = subprocess.Popen([sys.executable, "-c", WRITER, "60"])
    copies = []
    for number in range(3):
        target = tmp_path / f"copy{number}.db"
        assert ok(journal("backup", str(target))).stdout == f"{target}\n"
        copies.append(target)
    assert writer.wait(timeout=120) == 0
    for target in copies:
        assert oct(target.stat().st_mode & 0o777) == "0o600"
        connection = sqlite3.connect(target)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = connection.execute("SELECT count(*) FROM interactions").fetchone()[0]
        assert 0 <= count <= 60
        connection.close()
    assert error_line(journal("backup", str(copies[0]))) == (
        f"Error: {copies[0]} exists already; choose another name"
    )


@pytest.mark.file_only
def test_restore_checks_and_keeps_the_old_file(journal: Run, tmp_path: Path) -> None:
    ok(journal("add", "old"))
    saved = tmp_path / "saved.db"
    ok(journal("backup", str(saved)))
    ok(journal("add", "newer"))
    result = ok(journal("restore", str(saved), "--yes"))
    assert "The previous journal is kept as " in result.stderr
    assert list(customers(journal)) == ["old"]
    kept = Path(result.stderr.split("kept as ")[1].split(".db")[0] + ".db")
    assert sqlite3.connect(kept).execute("SELECT count(*) FROM customers").fetchone()[0] == 2
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    before = journal_snapshot()
    assert error_line(journal("restore", str(broken), "--yes")).startswith(
        f"Error: {broken} is not a kundenpflege journal ("
    )
    assert error_line(journal("restore", str(tmp_path / "none.db"), "--yes")) == (
        f"Error: {tmp_path / 'none.db'} does not exist"
    )
    assert journal_snapshot() == before


@pytest.mark.file_only
def test_doctor(journal: Run, db_path: Path) -> None:
    result = ok(journal("doctor"))
    lines = result.stdout.splitlines()
    assert lines[0] == "ok       integrity: ok"
    assert lines[-1] == "verdict: healthy"
    db_path.chmod(0o644)
    result = journal("doctor")
    assert result.exit_code == 1
    assert "problem  file permissions: 0644; others can read it: chmod 600" in result.stdout
    assert result.stdout.splitlines()[-1] == "verdict: problems found"


def test_restricted_customers_cannot_be_changed(journal: Run) -> None:
    scripted_journal(journal)
    ok(journal("gdpr", "restrict", "mueller-bau"))
    before = journal_snapshot()
    message = (
        "Error: mueller-bau is restricted (GDPR): its data is only kept; lift it first with"
        " 'kundenpflege gdpr restrict mueller-bau --lift'"
    )
    for arguments in (
        ("log", "mueller-bau", "--kind", "call"),
        ("edit", "mueller-bau", "--tier", "B"),
        ("prefer", "mueller-bau", "--every", "weekly"),
        ("pause", "mueller-bau", "--until", "+1w"),
        ("contact", "add", "mueller-bau", "Neu"),
        ("followup", "add", "mueller-bau", "x", "--due", "today"),
    ):
        assert error_line(journal(*arguments)) == message
    assert journal_snapshot() == before


@pytest.mark.parametrize("name", ["libreoffice.csv", "excel-cp1252.csv"])
def test_bulk_import_stores_what_a_refresh_would(
    journal: Run, journal_address: str, name: str
) -> None:
    from kundenpflege import clock
    from kundenpflege.domain import schedule

    ok(journal("import", "csv", str(FIXTURES / name)))
    connection = unit_of_work.open_journal(paths.journal_location(journal_address), clock.now())
    ids = [customer_id for (customer_id,) in connection.execute("SELECT id FROM customers")]
    imported = schedule.stored(connection, ids)
    refreshed = schedule.computed(connection, ids)
    connection.close()
    assert imported == refreshed
    assert all(row[schedule.DERIVED.index("next_due")] for row in imported)


def test_long_exports_show_progress_only_on_a_terminal(
    journal: Run, journal_address: str, tmp_path: Path
) -> None:
    from tests.conftest import terminal

    rows = "\n".join(f"k-{number:03d},Firma {number}" for number in range(300))
    source = tmp_path / "many.csv"
    source.write_text(f"handle,name\n{rows}\n", encoding="utf-8")
    ok(journal("import", "csv", str(source)))
    screen = terminal(["export", "csv", "customers"], journal_address)
    assert "Exporting customers" in screen
    piped = ok(journal("export", "csv", "customers"))
    assert piped.stderr == ""
    assert len(piped.stdout.splitlines()) == 301


def test_a_bulk_import_builds_indexes_once_and_a_failed_one_keeps_them(
    journal: Run, tmp_path: Path
) -> None:
    """From 1,000 new customers on, some indexes are dropped and built again at the end,
    inside the import's transaction."""
    from kundenpflege.interop.importing import BULK_INDEXES
    from kundenpflege.storage.db import BULK_ROWS

    rows = ["name,email,rhythm"] + [
        f"Kunde {number},k{number}@example.org,monthly" for number in range(BULK_ROWS + 200)
    ]
    failing = tmp_path / "failing.csv"
    failing.write_text("\n".join([*rows, "Letzte,l@example.org,manchmal"]) + "\n")
    before = journal_snapshot()
    assert journal("import", "csv", str(failing)).exit_code == 1
    assert journal_snapshot() == before
    bulk = tmp_path / "bulk.csv"
    bulk.write_text("\n".join(rows) + "\n")
    ok(journal("import", "csv", str(bulk)))
    with reading() as connection:
        indexes = {name for name, _sql in catalogue.index_definitions(connection, BULK_INDEXES)}
        assert set(BULK_INDEXES) <= indexes
        if not ON_SERVER:  # a file's own check of its pages, and its index hint
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        else:  # the server's planner learnt the new sizes before reading them back
            (known,) = connection.execute(
                "SELECT reltuples FROM pg_class WHERE oid = 'main.contacts'::regclass"
            ).fetchone()
            assert known == BULK_ROWS + 200
        # Spread over their first month (working days up to Christmas Eve), read by the index.
        hint = "" if ON_SERVER else " INDEXED BY customers_next_due"
        due_rows = connection.execute(
            f"SELECT count(*) FROM customers{hint}"
            " WHERE restricted = 0 AND next_due BETWEEN '2026-11-25' AND '2026-12-24'"
        ).fetchone()[0]
    assert due_rows == BULK_ROWS + 200
