"""Imports never overwrite what you typed, and do not make everyone due today (issue 16 §4)."""

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from kundenpflege.domain import first_contacts
from tests.conftest import TODAY, Run, error_line, journal_snapshot, ok

FIXTURES = Path(__file__).parent / "fixtures"
KEPT = "{who}: {field} {old} kept (file says {new}; --overwrite to replace)"
SHEET = (
    "handle,name,company,tier,value,tags,contact,email,phone,role,every\n"
    "mueller-bau,Müller Bau GmbH,,B,,,,,,,\n"
    "kanzlei-berg,Kanzlei Berg,Kanzlei Berg & Partner,A,12000,recht,Anja Berg,anja@berg.example,"
    "+49 30 1234,Buchhaltung,monthly\n"
    "kanzlei-berg,Kanzlei Berg,,,,,Jan Berg,jan@berg.example,,,\n"
)


@pytest.fixture
def typed(journal: Run) -> Run:
    """A customer typed by hand: company, tier, main contact and rhythm."""
    ok(journal("add", "kanzlei-berg", "--name", "Kanzlei Berg", "--tier", "A",
               "--company", "Berg & Partner Rechtsanwälte PartG mbB"))  # fmt: skip
    ok(journal("contact", "add", "kanzlei-berg", "Anja Berg", "--role", "Partnerin",
               "--email", "anja@berg.example", "--main"))  # fmt: skip
    ok(journal("prefer", "kanzlei-berg", "--every", "weekly", "--source", "said on the phone"))
    return journal


def sheet(tmp_path: Path, text: str, name: str = "kunden.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def profile(run: Run, handle: str) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(ok(run("show", handle, "-f", "json")).stdout)[0]
    return shown


def next_due(run: Run) -> dict[str, str | None]:
    rows = json.loads(ok(run("list", "-f", "json")).stdout)
    return {row["handle"]: row["next_due"] for row in rows}


# --- what a re-import may change --------------------------------------------------------


def test_a_reimport_fills_what_is_empty_and_keeps_what_was_typed(
    typed: Run, tmp_path: Path
) -> None:
    path = sheet(tmp_path, SHEET)
    result = ok(typed("import", "csv", str(path)))
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        'kanzlei-berg: company "Berg & Partner Rechtsanwälte PartG mbB" kept'
        ' (file says "Kanzlei Berg & Partner"; --overwrite to replace)',
        'kanzlei-berg: role (Anja Berg) "Partnerin" kept (file says "Buchhaltung";'
        " --overwrite to replace)",
        'kanzlei-berg: rhythm "weekly" kept (file says "monthly"; --overwrite to replace)',
        "1 of 1 new customer due this week; first contacts spread over working days until"
        " Wed 2026-11-25 (--due-now: all today).",
        f"Imported {path}: 1 added, 2 updated, 0 unchanged, 0 skipped.",
    ]
    berg = profile(typed, "kanzlei-berg")
    assert (berg["company"], berg["tier"], berg["annual_value"], berg["tags"]) == (
        "Berg & Partner Rechtsanwälte PartG mbB", "A", 12000.0, ["recht"],
    )  # fmt: skip
    contacts = {contact["name"]: contact for contact in berg["contacts"]}
    assert (contacts["Anja Berg"]["role"], contacts["Anja Berg"]["phone"]) == (
        "Partnerin", "+49 30 1234",
    )  # fmt: skip
    assert contacts["Jan Berg"]["email"] == "jan@berg.example"
    assert berg["preference"]["frequency"] == {"count": 1, "unit": "weeks"}


def test_overwrite_replaces_and_undo_brings_back_what_was_typed(typed: Run, tmp_path: Path) -> None:
    path = sheet(tmp_path, SHEET)
    result = ok(typed("import", "csv", str(path), "--overwrite"))
    assert "kept" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"Imported {path}: 1 added, 2 updated, 0 unchanged, 0 skipped."
    )
    berg = profile(typed, "kanzlei-berg")
    assert berg["company"] == "Kanzlei Berg & Partner"
    assert berg["contacts"][0]["role"] == "Buchhaltung"
    assert berg["preference"]["frequency"] == {"count": 1, "unit": "months"}
    ok(typed("undo", "--yes"))
    berg = profile(typed, "kanzlei-berg")
    assert berg["company"] == "Berg & Partner Rechtsanwälte PartG mbB"
    assert [(contact["name"], contact["role"], contact["phone"])
            for contact in berg["contacts"]] == [("Anja Berg", "Partnerin", None)]  # fmt: skip
    assert berg["preference"]["frequency"] == {"count": 1, "unit": "weeks"}
    assert (berg["annual_value"], berg["tags"]) == (None, [])
    assert list(next_due(typed)) == ["kanzlei-berg"]


def test_a_dry_run_lists_each_row_and_writes_nothing(typed: Run, tmp_path: Path) -> None:
    path = sheet(tmp_path, SHEET)
    before = journal_snapshot()
    result = ok(typed("import", "csv", str(path), "--dry-run"))
    assert result.stdout.splitlines() == [
        'line 2: mueller-bau: new customer "Müller Bau GmbH", first due Wed 2026-11-25',
        "line 3: kanzlei-berg",
        "  " + KEPT.format(who="kanzlei-berg", field="company",
                           old='"Berg & Partner Rechtsanwälte PartG mbB"',
                           new='"Kanzlei Berg & Partner"'),
        '  annual value: (empty) → "12,000"',
        '  tags: + "recht"',
        "  " + KEPT.format(who="kanzlei-berg", field="role (Anja Berg)", old='"Partnerin"',
                           new='"Buchhaltung"'),
        '  phone (Anja Berg): (empty) → "+49 30 1234"',
        "  " + KEPT.format(who="kanzlei-berg", field="rhythm", old='"weekly"', new='"monthly"'),
        "line 4: kanzlei-berg",
        '  new contact "Jan Berg"',
    ]  # fmt: skip
    assert result.stderr.splitlines()[-1] == (
        f"Would import {path}: 1 added, 2 updated, 0 unchanged, 0 skipped."
    )
    assert journal_snapshot() == before
    overwriting = ok(typed("import", "csv", str(path), "--dry-run", "--overwrite")).stdout
    assert overwriting.splitlines()[2:4] == [
        '  company: "Berg & Partner Rechtsanwälte PartG mbB" → "Kanzlei Berg & Partner"',
        '  annual value: (empty) → "12,000"',
    ]
    assert '  rhythm: "weekly" → "monthly"' in overwriting.splitlines()
    assert journal_snapshot() == before


def test_an_unchanged_reimport_says_nothing_to_change(typed: Run, tmp_path: Path) -> None:
    path = sheet(tmp_path, SHEET)
    ok(typed("import", "csv", str(path), "--overwrite"))
    again = ok(typed("import", "csv", str(path)))
    assert (again.stdout, again.stderr) == ("", f"Imported {path}: nothing to change.\n")
    dry = ok(typed("import", "csv", str(path), "--dry-run"))
    assert (dry.stdout, dry.stderr) == ("", f"Would import {path}: nothing to change.\n")


def test_only_conflicts_change_nothing_and_are_told(typed: Run, tmp_path: Path) -> None:
    path = sheet(tmp_path, "handle,company,tier\nkanzlei-berg,Kanzlei Berg & Partner,B\n")
    result = ok(typed("import", "csv", str(path)))
    assert result.stderr.splitlines() == [
        KEPT.format(who="kanzlei-berg", field="company",
                    old='"Berg & Partner Rechtsanwälte PartG mbB"', new='"Kanzlei Berg & Partner"'),
        KEPT.format(who="kanzlei-berg", field="tier", old='"A"', new='"B"'),
        f"Imported {path}: nothing to change.",
    ]  # fmt: skip


def test_wishes_said_are_kept_and_empty_ones_filled(typed: Run, tmp_path: Path) -> None:
    ok(typed("person", "add", "anna"))
    path = sheet(tmp_path, "handle,name,every,channel,person,days\n"
                           "kanzlei-berg,Kanzlei Berg,alle 2 Wochen,Telefon,anna,di\n")  # fmt: skip
    result = ok(typed("import", "csv", str(path)))
    assert result.stderr.splitlines()[0] == KEPT.format(
        who="kanzlei-berg", field="rhythm", old='"weekly"', new='"every 2 weeks"'
    )
    wish = profile(typed, "kanzlei-berg")["preference"]
    assert (wish["frequency"], wish["channel"], wish["person"], wish["weekdays"]) == (
        {"count": 1, "unit": "weeks"}, "phone", "anna", [1],
    )  # fmt: skip
    # The same words again, in another spelling: nothing new is said.
    again = (
        "handle,name,every,channel,person,days\nkanzlei-berg,Kanzlei Berg,weekly,phone,anna,tue\n"
    )
    path.write_text(again, encoding="utf-8")
    assert ok(typed("import", "csv", str(path))).stderr == f"Imported {path}: nothing to change.\n"


def test_a_vcard_reimport_keeps_a_corrected_phone(journal: Run) -> None:
    address_book = FIXTURES / "apple-3.0.vcf"
    ok(journal("import", "vcard", str(address_book)))
    ok(journal("contact", "edit", "mueller-bau-gmbh/Petra Müller", "--phone", "+49 30 7654321",
               "--role", "Einkauf"))  # fmt: skip
    again = ok(journal("import", "vcard", str(address_book)))
    assert again.stderr.splitlines() == [
        KEPT.format(who="mueller-bau-gmbh", field="role (Petra Müller)", old='"Einkauf"',
                    new='"Leiterin Einkauf"'),
        KEPT.format(who="mueller-bau-gmbh", field="phone (Petra Müller)",
                    old='"+49 30 7654321"', new='"+49 30 1234567"'),
        f"Imported {address_book}: nothing to change.",
    ]  # fmt: skip
    replaced = ok(journal("import", "vcard", str(address_book), "--overwrite"))
    assert replaced.stderr.endswith(": 0 added, 1 updated, 1 unchanged, 0 skipped.\n")
    [contact] = json.loads(ok(journal("contact", "list", "mueller-bau-gmbh", "-f", "json")).stdout)
    assert (contact["role"], contact["phone"]) == ("Leiterin Einkauf", "+49 30 1234567")


def test_file_text_in_conflict_lines_and_listings_is_inert(typed: Run, tmp_path: Path) -> None:
    path = sheet(tmp_path, "handle,company\nkanzlei-berg,Evil\x1b[2J Co\u202e\n")
    result = ok(typed("import", "csv", str(path)))
    assert result.stderr.splitlines()[0] == KEPT.format(
        who="kanzlei-berg", field="company", old='"Berg & Partner Rechtsanwälte PartG mbB"',
        new='"Evil\\x1b[2J Co\\u202e"',
    )  # fmt: skip
    listed = ok(typed("import", "csv", str(path), "--dry-run")).stdout
    assert "\x1b" not in listed and "Evil\\x1b[2J Co\\u202e" in listed


def test_a_restricted_customer_is_still_refused(typed: Run, tmp_path: Path) -> None:
    ok(typed("gdpr", "restrict", "kanzlei-berg"))
    path = sheet(tmp_path, "handle,name,tier\nkanzlei-berg,Kanzlei Berg,B\n")
    assert error_line(typed("import", "csv", str(path))) == (
        f"Error: {path} line 2: kanzlei-berg is restricted (GDPR): its data is only kept;"
        " lift it first with 'kundenpflege gdpr restrict kanzlei-berg --lift'"
    )


# --- new customers are spread over their first rhythm ------------------------------------


def working_days(first: date, end: date, holidays: set[date]) -> list[date]:
    days = (first + timedelta(days=number) for number in range((end - first).days))
    return [day for day in days if day.weekday() < 5 and day not in holidays]


def test_new_customers_are_spread_over_their_first_week_in_handle_order(
    journal: Run, tmp_path: Path
) -> None:
    rows = "".join(f"k-{number:02d},Kunde {number},weekly\n" for number in range(10, 0, -1))
    path = sheet(tmp_path, "handle,name,every\n" + rows)
    result = ok(journal("import", "csv", str(path)))
    assert result.stderr.splitlines()[0] == (
        "6 of 10 new customers due this week; first contacts spread over working days until"
        " Tue 2026-12-01 (--due-now: all today)."
    )
    days = ["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30", "2026-12-01"]
    assert next_due(journal) == {
        f"k-{number:02d}": days[(number - 1) // 2] for number in range(1, 11)
    }
    due = json.loads(ok(journal("due", "--days", "0", "-f", "json")).stdout)
    assert [row["handle"] for row in due] == ["k-01", "k-02"]
    # A contact resets the clock as ever: the plan for the first one is gone.
    ok(journal("log", "k-10", "--kind", "call", "--note", "hello"))
    assert next_due(journal)["k-10"] == "2026-12-02"
    # Importing them again moves nobody.
    assert (
        ok(journal("import", "csv", str(path))).stderr == f"Imported {path}: nothing to change.\n"
    )
    assert next_due(journal)["k-09"] == "2026-12-01"


def test_a_quarter_of_working_days_skips_weekends_and_the_regions_holidays(
    run: Run, tmp_path: Path
) -> None:
    ok(run("init", "--region", "DE-BY"))
    holidays = {date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1), date(2027, 1, 6)}
    days = working_days(TODAY, date(2027, 2, 25), holidays)
    rows = "".join(f"q-{number:03d},Kunde {number}\n" for number in range(len(days)))
    ok(run("import", "csv", str(sheet(tmp_path, "handle,name\n" + rows))))
    planned = next_due(run)
    assert [planned[f"q-{number:03d}"] for number in range(len(days))] == [
        day.isoformat() for day in days
    ]


def test_their_own_weekdays_win_over_ours(journal: Run, tmp_path: Path) -> None:
    rows = "".join(f"t-{number},Kunde {number},weekly,di do\n" for number in range(4))
    result = ok(journal("import", "csv", str(sheet(tmp_path, "handle,name,every,days\n" + rows))))
    assert next_due(journal) == {
        "t-0": "2026-11-26", "t-1": "2026-11-26", "t-2": "2026-12-01", "t-3": "2026-12-01",
    }  # fmt: skip
    assert result.stderr.startswith("2 of 4 new customers due this week;")


def test_due_now_keeps_everyone_due_today(journal: Run, tmp_path: Path) -> None:
    rows = "".join(f"n-{number},Kunde {number},monthly\n" for number in range(5))
    path = sheet(tmp_path, "handle,name,every\n" + rows + "n-paused,Pausiert,monthly,paused\n")
    path.write_text(path.read_text().replace("every\n", "every,status\n", 1), encoding="utf-8")
    result = ok(journal("import", "csv", str(path), "--due-now"))
    assert result.stderr.splitlines() == [
        "5 new customers due today.",
        f"Imported {path}: 6 added, 0 updated, 0 unchanged, 0 skipped.",
    ]
    planned = next_due(journal)
    assert planned.pop("n-paused") is None
    assert set(planned.values()) == {"2026-11-25"}


def test_customers_not_to_be_planned_are_not_spread(journal: Run, tmp_path: Path) -> None:
    path = sheet(tmp_path, "handle,name,status\na,A,former\nb,B,paused\nc,C,prospect\n")
    result = ok(journal("import", "csv", str(path)))
    assert result.stderr.splitlines()[0].startswith("1 of 1 new customer due this week;")
    assert next_due(journal) == {"a": None, "b": None, "c": "2026-11-25"}
    listed = ok(journal("import", "csv", str(sheet(tmp_path, "handle,name,status\nd,D,former\n",
                                                     "more.csv")), "--dry-run")).stdout  # fmt: skip
    assert listed == 'line 2: d: new customer "D"\n'


def test_the_plan_survives_a_journal_export(
    journal: Run, tmp_path: Path, other_journal_address: str
) -> None:
    rows = "".join(f"e-{number},Kunde {number},weekly\n" for number in range(5))
    ok(journal("import", "csv", str(sheet(tmp_path, "handle,name,every\n" + rows))))
    exported = tmp_path / "journal.json"
    exported.write_text(ok(journal("export", "json")).stdout, encoding="utf-8")
    copy = other_journal_address
    ok(journal("--db", copy, "init"))
    ok(journal("--db", copy, "import", "json", str(exported)))
    original = next_due(journal)
    rows_there = json.loads(ok(journal("--db", copy, "list", "-f", "json")).stdout)
    assert {row["handle"]: row["next_due"] for row in rows_there} == original
    assert len(set(original.values())) == 5


def test_the_stored_plan_is_what_a_recomputation_gives(
    journal: Run, journal_address: str, tmp_path: Path
) -> None:
    from kundenpflege import clock, paths
    from kundenpflege.domain import journal as unit_of_work
    from kundenpflege.domain import schedule

    rows = "".join(f"s-{number},Kunde {number},monthly,mo\n" for number in range(30))
    ok(journal("import", "csv", str(sheet(tmp_path, "handle,name,every,days\n" + rows))))
    connection = unit_of_work.open_journal(paths.journal_location(journal_address), clock.now())
    ids = [number for (number,) in connection.execute("SELECT id FROM customers")]
    assert schedule.stored(connection, ids) == schedule.computed(connection, ids)
    mondays = {day for (day,) in connection.execute("SELECT DISTINCT first_due FROM customers")}
    connection.close()
    assert mondays == {"2026-11-30", "2026-12-07", "2026-12-14", "2026-12-21"}


def test_spread_in_handle_order(connection: sqlite3.Connection) -> None:
    weekly = ("1w", None)
    days = first_contacts.spread(connection, ["b", "a", "c", "x"], [weekly, weekly, weekly, None],
                                 TODAY)  # fmt: skip
    assert days == [date(2026, 11, 26), date(2026, 11, 25), date(2026, 11, 30), None]
    # A rhythm shorter than the days off ahead: the next working day.
    saturday = date(2026, 11, 28)
    assert first_contacts.spread(connection, ["d"], [("1d", None)], saturday) == [
        date(2026, 11, 30)
    ]
    assert first_contacts.spread(connection, ["d"], [(None, None)], TODAY) == [TODAY]
    assert first_contacts.week_end(TODAY) == date(2026, 11, 29)
