"""Suggested days fall on working days of the journal's region (DESIGN §3): known
answers for German holidays, weekends, our days off and the customer's own days."""

import json
import os
import subprocess
import sys
from datetime import date

import pytest

from kundenpflege import clock, i18n
from kundenpflege.domain import workdays
from kundenpflege.domain.dates import parse_weekdays
from kundenpflege.storage import holidays
from kundenpflege.storage.connection import Connection
from tests.conftest import Run, error_line, journal_rows, ok

WEEKDAYS = parse_weekdays("mo-fr")


def calendar(connection: Connection, region: str) -> workdays.Calendar:
    workdays.set_region(connection, region)
    return workdays.calendar(connection, date(2026, 1, 1), date(2028, 12, 31))


def moved(connection: Connection, region: str, day: str, days: str = "") -> tuple[str, ...]:
    found = workdays.suggest(
        date.fromisoformat(day),
        parse_weekdays(days) if days else (),
        calendar(connection, region),
    )
    return (found.day.isoformat(), *found.reasons)


@pytest.mark.parametrize(
    ("region", "day", "expected"),
    [
        ("DE", "2026-11-29", ("2026-11-30", "Sonntag")),
        ("DE", "2026-11-28", ("2026-11-30", "Wochenende")),
        ("DE", "2026-10-03", ("2026-10-05", "Tag der Deutschen Einheit", "Wochenende")),
        ("DE", "2026-12-25",
         ("2026-12-28", "Erster Weihnachtstag", "Zweiter Weihnachtstag", "Wochenende")),
        # 1 November is a holiday in Bavaria, not in Berlin.
        ("DE-BY", "2027-11-01", ("2027-11-02", "Allerheiligen")),
        ("DE-BE", "2027-11-01", ("2027-11-01",)),
        # Corpus Christi in Bavaria only.
        ("DE-BY", "2026-06-04", ("2026-06-05", "Fronleichnam")),
        ("de-be", "2026-06-04", ("2026-06-04",)),
        # Augsburg, the package's own subdivision, has a holiday of its own.
        ("DE-Augsburg", "2027-08-09", ("2027-08-09",)),
        ("DE-augsburg", "2028-08-08", ("2028-08-09", "Augsburger Hohes Friedensfest")),
        ("DE", "2026-11-25", ("2026-11-25",)),
    ],
)  # fmt: skip
def test_known_answers_in_german(
    connection: Connection, region: str, day: str, expected: tuple[str, ...]
) -> None:
    i18n.select("de")
    assert moved(connection, region, day) == expected


def test_reasons_in_english(connection: Connection) -> None:
    assert moved(connection, "DE", "2026-11-29") == ("2026-11-30", "Sunday")
    assert moved(connection, "DE", "2026-12-25") == (
        "2026-12-28", "Christmas Day", "Second Day of Christmas", "weekend"
    )  # fmt: skip


def test_the_customers_weekday_wins_over_ours(connection: Connection) -> None:
    # They asked for Saturdays: a Saturday it is, though we work Monday to Friday.
    assert moved(connection, "DE", "2026-11-28", "sa") == ("2026-11-28",)
    # Monday to Friday, on a Sunday: Monday, saying so briefly.
    assert moved(connection, "DE", "2026-11-29", "mo-fr") == ("2026-11-30", "their days: Mon–Fri")
    # Tuesdays and Thursdays: from a Friday to Tuesday, saying why.
    assert moved(connection, "DE", "2026-11-27", "di,do") == ("2026-12-01", "their days: Tue, Thu")
    # Their day is a holiday: the next of their days (holidays on other days are not
    # named: those days were never theirs).
    assert moved(connection, "DE", "2026-12-25", "fr") == (
        "2027-01-08", "Christmas Day", "New Year's Day", "their days: Fri"
    )  # fmt: skip


def test_our_days_off_are_named(connection: Connection) -> None:
    workdays.set_workdays(connection, "mo-do")
    assert moved(connection, "DE", "2026-11-27") == ("2026-11-30", "Friday", "weekend")
    workdays.set_workdays(connection, "di-sa")
    assert moved(connection, "DE", "2026-11-29") == ("2026-12-01", "Sunday", "Monday")


def test_the_table_holds_public_holidays_only(connection: Connection) -> None:
    workdays.set_region(connection, "DE-BY")
    days = dict(connection.execute(
        "SELECT day, name_en FROM public_holidays WHERE region = 'DE-BY' AND day LIKE '2026-%'"
    ).fetchall())  # fmt: skip
    assert len(days) == 12  # Bavaria's public holidays in 2026
    assert "2026-08-15" not in days  # Assumption Day: only in Catholic communes (optional)
    assert holidays.source(connection, "DE-BY") == (holidays.installed_version(), 1990, 2075)


def test_init_sets_region_and_workdays(journal: Run) -> None:
    result = ok(journal("init", "--region", "de-by", "--workdays", "mo-do"))
    assert result.stderr.splitlines()[:2] == [
        "Suggestions skip the public holidays of DE-BY.",
        "Working days: Mon, Tue, Wed, Thu.",
    ]
    german = ok(journal("--lang", "de", "init", "--region", "DE"))
    assert german.stderr.splitlines()[0] == "Vorschläge meiden die Feiertage von DE."


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--region", "XX"], "Error: unknown region 'XX'; use a country code such as DE,"),
        (["--region", "DE-XY"], "Error: unknown subdivision 'XY' of DE; known: BB, BE, BW, BY"),
        (["--workdays", "mo-fx"], "Error: cannot read weekday 'mo-fx'"),
    ],
)
def test_init_refuses_unknown_regions_and_days(
    journal: Run, arguments: list[str], message: str
) -> None:
    assert error_line(journal("init", *arguments)).startswith(message)
    assert "Augsburg" in error_line(journal("init", "--region", "DE-Nowhere"))


def on(day: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.PIN_VARIABLE, f"{day}T09:00:00+01:00")


def test_due_on_a_sunday_suggests_monday(journal: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    on("2026-11-29", monkeypatch)
    ok(journal("add", "baeckerei-sommer", "--name", "Bäckerei Sommer"))
    [row] = json.loads(ok(journal("due", "-f", "json")).stdout)
    assert (row["due_on"], row["suggested_on"], row["suggested_because"]) == (
        "2026-11-29", "2026-11-30", ["Sunday"]
    )  # fmt: skip
    assert "Mon 2026-11-30 (Sunday)" in ok(journal("due")).stdout
    assert "Mo 30.11.2026 (Sonntag)" in ok(journal("--lang", "de", "due")).stdout
    assert "Sunday" in ok(journal("due", "-f", "csv")).stdout.splitlines()[1]


def test_due_names_a_holiday_and_the_weekend(journal: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    on("2026-10-03", monkeypatch)
    ok(journal("add", "baeckerei-sommer", "--name", "Bäckerei Sommer"))
    german = ok(journal("--lang", "de", "due")).stdout
    assert "Mo 05.10.2026 (Tag der Deutschen Einheit, Wochenende)" in german
    reminder = ok(journal("--lang", "de", "remind")).stdout
    assert "am Mo 05.10.2026 (Tag der Deutschen Einheit, Wochenende)" in reminder
    calendar_file = ok(journal("export", "ical")).stdout
    assert "DTSTART;VALUE=DATE:20261005" in calendar_file


def test_a_promise_of_some_days_moves_to_their_day_a_named_day_stays(journal: Run) -> None:
    ok(journal("add", "mueller-bau", "--name", "Müller Bau GmbH"))
    ok(journal("prefer", "mueller-bau", "--days", "di"))
    # Wednesday 25.11.: "+2d" is Friday; they take calls on Tuesdays.
    logged = ok(journal("log", "mueller-bau", "--note", "Angebot", "--followup", "+2d"))
    assert "follow-up #1 due 2026-12-01" in logged.stderr
    ok(journal("log", "mueller-bau", "--note", "Muster", "--followup", "27.11.2026"))
    ok(journal("followup", "add", "mueller-bau", "Rückruf", "--due", "+1w"))
    rows = json.loads(ok(journal("followup", "list", "-f", "json")).stdout)
    # "+1w" is Wednesday 02.12.: the Tuesday after.
    assert sorted((row["what"], row["due_on"]) for row in rows) == [
        ("Angebot", "2026-12-01"), ("Muster", "2026-11-27"), ("Rückruf", "2026-12-08")
    ]  # fmt: skip


def test_a_promise_of_some_days_skips_a_holiday(
    journal: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    on("2026-12-22", monkeypatch)
    ok(journal("add", "mueller-bau", "--name", "Müller Bau GmbH"))
    logged = ok(journal("log", "mueller-bau", "--at", "2026-12-21 10:00", "--note", "Offer",
                        "--followup", "+4d"))  # fmt: skip
    assert "follow-up #1 due 2026-12-28" in logged.stderr


@pytest.mark.file_only  # doctor on a server checks what the server answers for (docs/team.md)
def test_doctor_names_the_region(journal: Run) -> None:
    ok(journal("init", "--region", "DE-BY"))
    assert "public holidays: DE-BY" in ok(journal("doctor")).stdout
    journal_rows("UPDATE holiday_sources SET version = '0.1'")
    result = journal("doctor")
    assert "computed by holidays 0.1, installed is" in result.stdout
    assert result.exit_code == 0  # a warning: the old table still serves
    assert "Public holidays of DE-BY computed again." in ok(journal("init")).stderr
    assert "public holidays: DE-BY" in ok(journal("doctor")).stdout


def test_init_computes_holidays_of_an_older_package_again(journal: Run) -> None:
    ok(journal("init", "--region", "DE-BY"))
    [(installed,)] = journal_rows("SELECT version FROM holiday_sources WHERE region = 'DE-BY'")
    journal_rows("UPDATE holiday_sources SET version = '0.1'")
    assert "Public holidays of DE-BY computed again." in ok(journal("init")).stderr
    assert journal_rows("SELECT version FROM holiday_sources WHERE region = 'DE-BY'") == [
        (installed,)
    ]


def test_an_upgraded_journal_knows_german_holidays(connection: Connection) -> None:
    assert holidays.region(connection) == "DE"
    named = holidays.between(connection, "DE", "2026-10-03", "2026-10-03", "name_de")
    assert named == {"2026-10-03": "Tag der Deutschen Einheit"}


def test_due_and_log_never_import_the_holidays_package(journal: Run, journal_address: str) -> None:
    ok(journal("add", "mueller-bau", "--name", "Müller Bau GmbH"))
    probe = (
        "import sys\nfrom kundenpflege.cli import main\n"
        "for arguments in (['due'], ['log', 'mueller-bau', '--note', 'x', '--followup', '+2d']):\n"
        "    sys.argv = ['kundenpflege', *arguments]\n"
        "    try:\n        main()\n    except SystemExit:\n        pass\n"
        "print('holidays' in sys.modules, file=sys.stderr)\n"
    )
    environment = {**os.environ, "KUNDENPFLEGE_DB": journal_address}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=environment, check=True
    )
    assert result.stderr.splitlines()[-1] == "False"
