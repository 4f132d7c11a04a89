"""Key dates (issue 16 §3): `date add|list|remove`, their rows in due and remind, the
yearly events of `export ical`, show, imports from vCard and CSV."""

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kundenpflege.domain import key_dates, occasions
from kundenpflege.errors import KundenpflegeError
from tests.conftest import TODAY, Run, error_line, journal_snapshot, ok

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def firm(journal: Run) -> Run:
    ok(journal("person", "add", "anna"))
    ok(journal("add", "mueller-bau", "--name", "Müller Bau GmbH"))
    ok(journal("contact", "add", "mueller-bau", "Petra Müller", "--main"))
    ok(journal("contact", "add", "mueller-bau", "Hans Weber"))
    ok(journal("prefer", "mueller-bau", "--person", "anna", "--channel", "phone", "--every",
               "monthly"))  # fmt: skip
    ok(journal("log", "mueller-bau", "--at", "2026-11-20 10:00", "--kind", "call"))
    return journal


def due(run: Run, *arguments: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(ok(run("due", "-f", "json", *arguments)).stdout)
    return rows


def key_date_rows(run: Run, *arguments: str) -> list[tuple[str, str, str]]:
    return [(row["due_on"], row["handle"], row["detail"]) for row in due(run, *arguments)
            if row["reason"] == "key-date"]  # fmt: skip


def test_birthdays_and_anniversaries_come_in_due_on_rows_of_their_own(firm: Run) -> None:
    cadence = due(firm, "--days", "40")
    added = ok(firm("date", "add", "mueller-bau/Petra Müller", "--birthday", "28.11.1976"))
    assert added.stderr == (
        "Kept key date #1 for mueller-bau/Petra Müller: Petra Müller turns 50 on Sat 2026-11-28.\n"
    )
    ok(firm("date", "add", "mueller-bau", "--anniversary", "2001-12-01"))
    ok(firm("date", "add", "mueller-bau/Hans Weber", "--birthday", "30.11."))
    ok(firm("date", "add", "mueller-bau", "--on", "01.12.2026", "--what", "Vertrag verlängern"))
    ok(firm("date", "add", "mueller-bau", "--on", "14.01.2025", "--what", "Erster Auftrag",
            "--yearly"))  # fmt: skip
    assert key_date_rows(firm) == [
        ("2026-11-28", "mueller-bau", "Petra Müller turns 50 on Sat 2026-11-28"),
        ("2026-11-30", "mueller-bau", "Hans Weber's birthday on Mon 2026-11-30"),
        ("2026-12-01", "mueller-bau", "Müller Bau GmbH celebrates 25 years on Tue 2026-12-01"),
        ("2026-12-01", "mueller-bau", "Müller Bau GmbH: Vertrag verlängern on Tue 2026-12-01"),
    ]
    [petra] = [row for row in due(firm) if row["contact"] == "Petra Müller"]
    assert petra | {"detail": ""} == {
        "handle": "mueller-bau", "name": "Müller Bau GmbH", "reason": "key-date", "detail": "",
        "due_on": "2026-11-28", "suggested_on": "2026-11-28", "suggested_because": [],
        "preferred_time": None, "days_overdue": -3, "person": "anna", "channel": "phone",
        "last_contact": "2026-11-20", "last_mood": None, "last_note": None, "warnings": [],
        "followup_id": None, "contact": "Petra Müller", "key_date_id": 1,
        "occasion": "birthday", "years": 50,
    }  # fmt: skip
    # Within --days only, today included; a key date never moves the cadence.
    assert key_date_rows(firm, "--days", "2") == []
    assert key_date_rows(firm, "--as-of", "2026-11-28", "--days", "0")[0][0] == "2026-11-28"
    assert [row for row in due(firm, "--days", "40") if row["reason"] != "key-date"] == cadence
    assert key_date_rows(firm, "--days", "60")[-1] == (
        "2027-01-14",
        "mueller-bau",
        "Müller Bau GmbH: Erster Auftrag (2 years) on Thu 2027-01-14",
    )
    table = ok(firm("due")).stdout
    assert "key date: Petra Müller turns 50 on Sat 2026-11-28" in table.replace(
        "key-date", "key date"
    )
    assert "mueller-bau/Petra Müller" in table


def test_remind_tells_key_dates_on_their_day_or_days_ahead(firm: Run) -> None:
    ok(firm("date", "add", "mueller-bau/Petra Müller", "--birthday", "28.11.1976"))
    assert "Petra Müller" not in ok(firm("remind")).stdout
    digest = ok(firm("remind", "--days", "3")).stdout
    assert (
        "- mueller-bau/Petra Müller (Müller Bau GmbH): Petra Müller turns 50 on Sat 2026-11-28,"
        " in 3 days\n  via phone; last contact 2026-11-20\n"
    ) in digest
    on_the_day = ok(firm("remind", "--as-of", "2026-11-28")).stdout
    assert "Petra Müller turns 50 on Sat 2026-11-28, today" in on_the_day


def test_a_29_february_birthday_is_kept_on_the_28th_in_other_years(firm: Run) -> None:
    ok(firm("date", "add", "mueller-bau/Petra Müller", "--birthday", "29.02.1976"))
    assert key_date_rows(firm, "--as-of", "2027-02-25") == [
        ("2027-02-28", "mueller-bau", "Petra Müller turns 51 on Sun 2027-02-28")
    ]
    assert key_date_rows(firm, "--as-of", "2028-02-25") == [
        ("2028-02-29", "mueller-bau", "Petra Müller turns 52 on Tue 2028-02-29")
    ]
    assert key_date_rows(firm, "--as-of", "2027-03-01", "--days", "365")[0][0] == "2028-02-29"
    [listed] = json.loads(ok(firm("date", "list", "--as-of", "2027-01-01", "-f", "json")).stdout)
    assert (listed["on"], listed["next_on"], listed["years"]) == ("1976-02-29", "2027-02-28", 51)


def test_the_next_coming_across_the_new_year(firm: Run) -> None:
    ok(firm("date", "add", "mueller-bau", "--anniversary", "02.01."))
    ok(firm("date", "add", "mueller-bau/Hans Weber", "--birthday", "30.12.1980"))
    assert key_date_rows(firm, "--as-of", "2026-12-28") == [
        ("2026-12-30", "mueller-bau", "Hans Weber turns 46 on Wed 2026-12-30"),
        ("2027-01-02", "mueller-bau", "Müller Bau GmbH's anniversary on Sat 2027-01-02"),
    ]


def test_key_dates_of_those_not_to_be_contacted_stay_out(firm: Run) -> None:
    ok(firm("add", "stille-gmbh", "--name", "Stille GmbH"))
    ok(firm("date", "add", "stille-gmbh", "--anniversary", "26.11.2000"))
    ok(firm("add", "privat", "--name", "Privat KG"))
    ok(firm("date", "add", "privat", "--anniversary", "27.11.2000"))
    ok(firm("date", "add", "mueller-bau/Hans Weber", "--birthday", "26.11.1970"))
    assert [row[1] for row in key_date_rows(firm)] == ["mueller-bau", "stille-gmbh", "privat"]
    ok(firm("prefer", "stille-gmbh", "--do-not-contact"))
    ok(firm("gdpr", "restrict", "privat"))
    ok(firm("prefer", "mueller-bau/Hans Weber", "--do-not-contact"))
    assert key_date_rows(firm) == []
    assert [row["handle"] for row in json.loads(ok(firm("date", "list", "-f", "json")).stdout)] == [
        "mueller-bau",
        "stille-gmbh",
    ]  # a list shows what is kept; never the restricted
    ok(firm("gdpr", "restrict", "privat", "--lift"))
    ok(firm("pause", "privat", "--until", "2026-12-15"))
    [paused] = [row for row in due(firm) if row["reason"] == "key-date"]
    assert paused["warnings"] == ["paused until 2026-12-15"]
    assert [row[1] for row in key_date_rows(firm, "--person", "anna")] == []
    ok(firm("prefer", "privat", "--person", "anna"))
    assert [row[1] for row in key_date_rows(firm, "--person", "anna")] == ["privat"]


def test_date_list_formats_and_removal(firm: Run) -> None:
    ok(firm("date", "add", "mueller-bau/Petra Müller", "--birthday", "14.03.1975",
            "--source", "Visitenkarte"))  # fmt: skip
    ok(firm("date", "add", "mueller-bau", "--on", "01.03.2027", "--what", "Vertrag"))
    ok(firm("date", "add", "mueller-bau/Hans Weber", "--birthday", "--0704"))
    rows = json.loads(ok(firm("date", "list", "-f", "json")).stdout)
    assert rows == [
        {"id": 2, "handle": "mueller-bau", "name": "Müller Bau GmbH", "contact": None,
         "kind": "other", "what": "Vertrag", "on": "2027-03-01", "yearly": False,
         "next_on": "2027-03-01", "years": None, "source": None},
        {"id": 1, "handle": "mueller-bau", "name": "Müller Bau GmbH", "contact": "Petra Müller",
         "kind": "birthday", "what": None, "on": "1975-03-14", "yearly": True,
         "next_on": "2027-03-14", "years": 52, "source": "Visitenkarte"},
        {"id": 3, "handle": "mueller-bau", "name": "Müller Bau GmbH", "contact": "Hans Weber",
         "kind": "birthday", "what": None, "on": "--07-04", "yearly": True,
         "next_on": "2027-07-04", "years": None, "source": None},
    ]  # fmt: skip
    table = ok(firm("date", "list", "mueller-bau/Petra Müller")).stdout.splitlines()
    assert table[0].split() == ["#", "Customer", "Kind", "What", "Date", "Next", "Years"]
    assert table[1].split() == ["1", "mueller-bau/Petra", "Müller", "birthday", "1975-03-14",
                                "Sun", "2027-03-14", "52"]  # fmt: skip
    german = ok(firm("--lang", "de", "date", "list", "mueller-bau/Hans Weber")).stdout
    assert "4. Juli" in german
    text = ok(firm("date", "list", "-f", "csv")).stdout
    assert list(next(csv.reader(io.StringIO(text)))) == [
        "id", "handle", "name", "contact", "kind", "what", "on", "yearly", "next_on", "years",
        "source",
    ]  # fmt: skip
    assert ok(firm("date", "remove", "1")).stderr == (
        "Removed key date #1 of mueller-bau/Petra Müller.\n"
    )
    assert ok(firm("undo", "--yes")).stderr.splitlines()[1] == (
        "  bring back key date #1 of mueller-bau (birthday 1975-03-14)"
    )
    assert len(json.loads(ok(firm("date", "list", "-f", "json")).stdout)) == 3
    shown = ok(firm("show", "mueller-bau")).stdout
    assert (
        "Key dates:\n"
        "  #2 Müller Bau GmbH: Vertrag on Mon 2027-03-01 (other 2027-03-01)\n"
        "  #1 Petra Müller turns 52 on Sun 2027-03-14 (birthday 1975-03-14)\n"
        "  #3 Hans Weber's birthday on Sun 2027-07-04 (birthday Jul 4)\n"
    ) in shown
    past = ok(firm("show", "mueller-bau", "--as-of", "2027-03-05")).stdout
    assert "  #2 Müller Bau GmbH: Vertrag on 2027-03-01 (gone by)\n" in past


@pytest.mark.parametrize(
    ("arguments", "message", "status"),
    [
        ([], "Error: give one of --birthday, --anniversary or --on (with --what)", 2),
        (["--birthday", "1.1.1980", "--on", "+3d"],
         "Error: give only one of --birthday, --anniversary and --on", 2),
        (["--on", "+3d"], "Error: say what the date is with --what, e.g. 'contract renewal'", 1),
        (["--birthday", "1.1.1980", "--what", "x"], "Error: a birthday needs no --what", 1),
        (["--birthday", "1.1.2027"], "Error: a birthday on 2027-01-01 would be in the future", 1),
        (["--birthday", "31.02."], "Error: '31.02.' is not a real date", 1),
        (["--birthday", "bald"], "Error: cannot read the day 'bald'; use 14.03.1975, 14.03."
         " without a year, or use YYYY-MM-DD, DD.MM.YYYY, today, +3d or next monday", 1),
        (["--on", "14.03.", "--what", "x"],
         "Error: a date without a year comes every year; add --yearly", 1),
        (["--on", "yesterday", "--what", "x"],
         "Error: a date that comes once must be today or later; add --yearly for one that"
         " comes back", 1),
        (["--birthday", "01.01.1850"],
         "Error: '01.01.1850' lies outside the years the journal keeps (1900-2199)", 1),
        (["--birthday", "14.03.2200"],
         "Error: '14.03.2200' lies outside the years the journal keeps (1900-2199)", 1),
    ],
)  # fmt: skip
def test_date_add_errors(firm: Run, arguments: list[str], message: str, status: int) -> None:
    before = journal_snapshot()
    assert error_line(firm("date", "add", "mueller-bau", *arguments), status).startswith(message)
    assert journal_snapshot() == before


def test_one_birthday_a_person_and_other_errors(firm: Run) -> None:
    ok(firm("date", "add", "mueller-bau/Petra Müller", "--birthday", "14.03.1975"))
    before = journal_snapshot()
    assert error_line(firm("date", "add", "mueller-bau/Petra Müller", "--birthday", "15.03.")) == (
        "Error: a birthday is kept already (#1); remove it first with 'kundenpflege date remove 1'"
    )
    assert error_line(firm("date", "remove", "7")) == (
        "Error: no key date #7; see 'kundenpflege date list'"
    )
    assert error_line(firm("date", "list", "nobody")).startswith(
        "Error: customer 'nobody' not found"
    )
    assert error_line(firm("date", "add", "mueller-bau/Nobody", "--birthday", "1.1.")).startswith(
        "Error: no contact 'Nobody' at this customer"
    )
    assert journal_snapshot() == before
    ok(firm("date", "add", "mueller-bau", "--birthday", "1.1."))  # the firm's own: allowed


def test_the_calendar_gets_yearly_events_with_stable_uids(firm: Run) -> None:
    from icalendar import Calendar

    ok(firm("date", "add", "mueller-bau/Petra Müller", "--birthday", "29.02.1976"))
    ok(firm("date", "add", "mueller-bau/Hans Weber", "--birthday", "30.11."))
    ok(firm("date", "add", "mueller-bau", "--on", "01.03.2027", "--what", "Vertrag"))
    ok(firm("date", "add", "mueller-bau", "--on", "01.04.2020", "--what", "Erster Auftrag",
            "--yearly"))  # fmt: skip
    first = ok(firm("export", "ical", "--days", "10")).stdout
    events = {
        str(event["uid"]): event
        for event in Calendar.from_ical(first).walk("VEVENT")
        if str(event["uid"]).startswith("key-date")
    }
    assert sorted(events) == [f"key-date-{number}@kundenpflege" for number in (1, 2, 3, 4)]
    petra = events["key-date-1@kundenpflege"]
    assert str(petra["summary"]) == "Petra Müller, Müller Bau GmbH: birthday (1976)"
    assert petra.decoded("dtstart") == date(1976, 2, 29)
    assert petra.decoded("dtend") == date(1976, 3, 1)
    assert dict(petra["rrule"]) == {"FREQ": ["YEARLY"], "BYMONTH": [2], "BYMONTHDAY": [-1]}
    hans = events["key-date-2@kundenpflege"]
    assert (hans.decoded("dtstart"), dict(hans["rrule"])) == (
        date(2026, 11, 30),
        {"FREQ": ["YEARLY"]},
    )
    assert "rrule" not in events["key-date-3@kundenpflege"]
    assert events["key-date-4@kundenpflege"].decoded("dtstart") == date(2020, 4, 1)
    # Key dates are not repeated as due items; the same UIDs come again.
    assert first.count("key-date-2@kundenpflege") == 1
    again = ok(firm("export", "ical", "--days", "10")).stdout
    assert [line for line in again.splitlines() if line.startswith("UID")] == [
        line for line in first.splitlines() if line.startswith("UID")
    ]


def test_key_dates_of_a_contact_go_with_them(firm: Run) -> None:
    ok(firm("date", "add", "mueller-bau/Hans Weber", "--birthday", "30.11.1980"))
    ok(firm("contact", "remove", "mueller-bau/Hans Weber", "--yes"))
    assert json.loads(ok(firm("date", "list", "-f", "json")).stdout) == []
    ok(firm("undo", "--yes"))
    assert len(json.loads(ok(firm("date", "list", "-f", "json")).stdout)) == 1
    access = json.loads(ok(firm("gdpr", "export", "mueller-bau/Hans Weber")).stdout)
    assert [row["month_day"] for row in access["key_dates"]] == ["11-30"]
    ok(firm("gdpr", "forget", "mueller-bau/Hans Weber", "--yes"))
    assert json.loads(ok(firm("date", "list", "-f", "json")).stdout) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14.03.1975", key_dates.Day(1975, 3, 14)),
        ("14.3.", key_dates.Day(None, 3, 14)),
        ("14.03", key_dates.Day(None, 3, 14)),
        ("--0314", key_dates.Day(None, 3, 14)),
        ("--03-14", key_dates.Day(None, 3, 14)),
        ("19750314", key_dates.Day(1975, 3, 14)),
        ("1975-03-14", key_dates.Day(1975, 3, 14)),
        ("29.02.", key_dates.Day(None, 2, 29)),
        ("tomorrow", key_dates.Day(2026, 11, 26)),
    ],
)
def test_days_are_read_as_people_and_address_books_write_them(
    text: str, expected: key_dates.Day
) -> None:
    assert key_dates.parse_day(text, TODAY) == expected


def test_vcard_days_include_apples_year_left_out() -> None:
    assert key_dates.parse_vcard("1604-03-14") == key_dates.Day(None, 3, 14)
    assert key_dates.parse_vcard("19860107T000000Z") == key_dates.Day(1986, 1, 7)
    with pytest.raises(KundenpflegeError, match="a vCard writes"):
        key_dates.parse_vcard("14.03.1975")
    assert occasions.in_year(2027, "02-29") == date(2027, 2, 28)
    assert occasions.next_on(None, "11-24", True, TODAY) == date(2027, 11, 24)
    assert occasions.next_on(2026, "11-24", False, TODAY) is None
    assert occasions.month_days_between(date(2027, 2, 20), date(2027, 2, 28)) == [
        ("02-20", "02-29")
    ]


def test_address_books_bring_birthdays_and_anniversaries(journal: Run) -> None:
    ok(journal("import", "vcard", str(FIXTURES / "birthdays-apple-3.0.vcf")))
    ok(journal("import", "vcard", str(FIXTURES / "birthdays-4.0.vcf")))
    rows = json.loads(ok(journal("date", "list", "-f", "json")).stdout)
    assert [(row["handle"], row["contact"], row["kind"], row["on"], row["source"].rsplit("/")[-1])
            for row in rows] == [
        ("vogt-optik", "Lena Vogt", "birthday", "--11-30", "birthdays-4.0.vcf"),
        ("hahn-druck-kg", "Karl Hahn", "birthday", "--12-02", "birthdays-apple-3.0.vcf"),
        ("tim-roth", "Tim Roth", "birthday", "1986-01-07", "birthdays-4.0.vcf"),
        ("kanzlei-berg-partner", "Anja Berger", "birthday", "1976-02-29",
         "birthdays-apple-3.0.vcf"),
        ("vogt-optik", "Lena Vogt", "anniversary", "1999-03-01", "birthdays-4.0.vcf"),
        ("kanzlei-berg-partner", "Anja Berger", "anniversary", "2004-06-12",
         "birthdays-apple-3.0.vcf"),
    ]  # fmt: skip
    assert key_date_rows(journal) == [
        ("2026-11-30", "vogt-optik", "Lena Vogt's birthday on Mon 2026-11-30"),
        ("2026-12-02", "hahn-druck-kg", "Karl Hahn's birthday on Wed 2026-12-02"),
    ]
    again = ok(journal("import", "vcard", str(FIXTURES / "birthdays-4.0.vcf")))
    assert again.stderr.endswith(": nothing to change.\n")


def test_a_changed_birthday_in_the_file_is_a_conflict_unless_overwritten(
    journal: Run, tmp_path: Path
) -> None:
    ok(journal("import", "vcard", str(FIXTURES / "birthdays-4.0.vcf")))
    changed = tmp_path / "changed.vcf"
    changed.write_text(
        (FIXTURES / "birthdays-4.0.vcf").read_text().replace("BDAY:--1130", "BDAY:19801130")
    )
    ok(journal("import", "vcard", str(changed)))
    [lena] = [row for row in json.loads(ok(journal("date", "list", "-f", "json")).stdout)
              if row["contact"] == "Lena Vogt" and row["kind"] == "birthday"]  # fmt: skip
    assert lena["on"] == "--11-30"
    ok(journal("import", "vcard", str(changed), "--overwrite"))
    [lena] = [row for row in json.loads(ok(journal("date", "list", "-f", "json")).stdout)
              if row["contact"] == "Lena Vogt" and row["kind"] == "birthday"]  # fmt: skip
    assert (lena["on"], lena["years"]) == ("1980-11-30", 46)


def test_a_bad_bday_names_its_card(journal: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.vcf"
    bad.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Eva\nBDAY:irgendwann\nEND:VCARD\n")
    before = journal_snapshot()
    assert error_line(journal("import", "vcard", str(bad))) == (
        f"Error: {bad} card 1: BDAY: cannot read the day 'irgendwann'; a vCard writes 19750314,"
        " 1975-03-14 or --0314; nothing was imported (--skip-invalid leaves bad rows out)"
    )
    assert journal_snapshot() == before
    # vCard 4.0 allows dates we cannot keep (a year, a month): the card comes without it.
    bad.write_text("BEGIN:VCARD\nVERSION:4.0\nFN:Eva\nBDAY:1975\nEND:VCARD\n"
                   "BEGIN:VCARD\nVERSION:4.0\nFN:Udo\nBDAY:--0314\nEND:VCARD\n")  # fmt: skip
    result = ok(journal("import", "vcard", str(bad), "--skip-invalid"))
    assert "Skipped card 1: BDAY: cannot read the day '1975'" in result.stderr
    assert {row["handle"] for row in json.loads(ok(journal("list", "-f", "json")).stdout)} == {
        "eva", "udo"}  # fmt: skip
    assert [row["contact"] or row["handle"] for row in json.loads(
        ok(journal("date", "list", "-f", "json")).stdout)] == ["Udo"]  # fmt: skip


def test_a_geburtstag_column_is_read(journal: Run, tmp_path: Path) -> None:
    ok(journal("import", "csv", str(FIXTURES / "geburtstage.csv")))
    rows = json.loads(ok(journal("date", "list", "-f", "json")).stdout)
    assert [(row["handle"], row["contact"], row["on"], row["years"]) for row in rows] == [
        ("schulz-metall-gmbh", "Uwe Schulz", "1966-11-27", 60),
        ("gaertnerei-blum", None, "--12-01", None),
    ]
    english = tmp_path / "birthdays.csv"
    english.write_text(
        "name,birthday\nZed Ltd,2030-01-01\nYork Ltd,1990-13-01\nAmy Ltd,1990-01-02\n"
    )
    result = journal("import", "csv", str(english), "--skip-invalid")
    assert ok(result).stderr.splitlines()[:2] == [
        "Skipped line 2: a birthday on 2030-01-01 would be in the future",
        "Skipped line 3: '1990-13-01' is not a real date",
    ]


def test_key_dates_and_facts_go_through_export_json_and_back(
    firm: Run, tmp_path: Path, other_journal_address: str
) -> None:
    ok(firm("date", "add", "mueller-bau/Petra Müller", "--birthday", "29.02.1976"))
    ok(firm("date", "add", "mueller-bau", "--on", "01.03.2027", "--what", "Vertrag"))
    ok(firm("fact", "add", "mueller-bau/Hans Weber", "Sammelt Briefmarken", "--source", "Messe"))
    exported = tmp_path / "journal.json"
    exported.write_text(ok(firm("export", "json")).stdout, encoding="utf-8")
    copy = other_journal_address
    ok(firm("--db", copy, "init"))
    ok(firm("--db", copy, "import", "json", str(exported)))
    for listing in (["date", "list"], ["fact", "list"]):
        assert (
            ok(firm("--db", copy, *listing, "-f", "json")).stdout
            == ok(firm(*listing, "-f", "json")).stdout
        )
    assert due(firm, "--days", "120") == due(
        lambda *arguments: firm("--db", copy, *arguments), "--days", "120"
    )
