import csv
import io
import json
import re
import subprocess
import sys

import pytest

from tests.conftest import Run, error_line, no_journal_error, ok, terminal

COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-9]|9[0-7])[;m]")


@pytest.fixture
def scene(journal: Run) -> Run:
    """Three customers: one with an open complaint, one overdue by cadence, one not due."""
    ok(journal("person", "add", "anna"))
    ok(journal("person", "add", "ben"))
    ok(journal("add", "mueller-bau", "--name", "Müller Bau GmbH", "--tier", "A", "--tag", "bau"))
    ok(
        journal(
            "prefer",
            "mueller-bau",
            "--person",
            "anna",
            "--channel",
            "phone",
            "--every",
            "alle 2 Wochen",
        )
    )
    ok(
        journal(
            "log",
            "mueller-bau",
            "--at",
            "2026-11-24 10:00",
            "--kind",
            "complaint",
            "--mood",
            "-1",
            "--note",
            "Lieferung zu spät, verärgert",
            "--followup",
            "2026-11-25",
        )
    )
    ok(journal("add", "baeckerei", "--name", "Bäckerei Schmidt", "--tier", "C"))
    ok(
        journal(
            "prefer", "baeckerei", "--person", "ben", "--channel", "visit", "--every", "monthly"
        )
    )
    ok(
        journal(
            "log",
            "baeckerei",
            "--at",
            "2026-10-20",
            "--kind",
            "visit",
            "--mood",
            "2",
            "--note",
            "Sehr zufrieden, empfiehlt uns weiter",
        )
    )
    ok(journal("add", "cafe", "--name", "Café Wolf", "--tier", "B"))
    ok(journal("log", "cafe", "--at", "2026-11-10", "--kind", "call", "--mood", "0"))
    return journal


def test_due_table(scene: Run) -> None:
    result = ok(scene("due"))
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == [
        "Customer",
        "#",
        "Why",
        "Due",
        "When",
        "Suggested",
        "Who",
        "Channel",
        "Last impression",
        "Warnings",
    ]
    assert re.split(r"\s{2,}", lines[1]) == [
        "baeckerei",
        "cadence: monthly",
        "2026-11-20",
        "5 days overdue",
        "Wed 2026-11-25",
        "ben",
        "visit",
        '+2 "Sehr zufrieden, empfiehlt uns weiter"',
    ]
    assert re.split(r"\s{2,}", lines[2]) == [
        "mueller-bau",
        "1",  # the follow-up's number, for `followup done 1`
        "follow-up: Lieferung zu spät, verärgert",
        "2026-11-25",
        "today",
        "Wed 2026-11-25",
        "anna",
        "phone",
        '-1 "Lieferung zu spät, verärgert"',
        "last impression negative",
    ]
    assert len(lines) == 3  # café is due in February


def test_due_csv_and_json(scene: Run) -> None:
    text = ok(scene("due", "--format", "csv")).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "handle",
        "name",
        "reason",
        "detail",
        "due_on",
        "suggested_on",
        "suggested_because",
        "preferred_time",
        "days_overdue",
        "person",
        "channel",
        "last_contact",
        "last_mood",
        "last_note",
        "warnings",
        "followup_id",
        "contact",
        "key_date_id",
        "occasion",
        "years",
    ]
    assert [(row["handle"], row["days_overdue"], row["last_mood"]) for row in rows] == [
        ("baeckerei", "5", "2"),
        ("mueller-bau", "0", "-1"),
    ]
    data = json.loads(ok(scene("due", "--format", "json")).stdout)
    assert data[1]["warnings"] == ["last impression negative"]
    assert data[1]["followup_id"] == 1
    assert data[0]["due_on"] == "2026-11-20"


def test_due_excel_csv(scene: Run) -> None:
    text = ok(scene("due", "--format", "csv", "--excel")).stdout
    assert text.startswith("\ufeffhandle;name;reason;")


def test_due_filters_limit_and_as_of(scene: Run) -> None:
    assert [
        row["handle"]
        for row in json.loads(ok(scene("due", "-f", "json", "--person", "anna")).stdout)
    ] == ["mueller-bau"]
    assert [
        row["handle"] for row in json.loads(ok(scene("due", "-f", "json", "--tier", "C")).stdout)
    ] == ["baeckerei"]
    assert [
        row["handle"] for row in json.loads(ok(scene("due", "-f", "json", "--tag", "bau")).stdout)
    ] == ["mueller-bau"]
    limited = ok(scene("due", "--limit", "1"))
    assert len(limited.stdout.splitlines()) == 2
    assert limited.stderr == "… 1 more row; use --limit 0 to see all.\n"
    later = json.loads(ok(scene("due", "-f", "json", "--as-of", "10.02.2027")).stdout)
    assert [(row["handle"], row["reason"]) for row in later] == [
        ("baeckerei", "cadence"),
        ("mueller-bau", "follow-up"),
        ("mueller-bau", "cadence"),
        ("cafe", "cadence"),
    ]
    assert ok(scene("due", "--as-of", "2026-11-01", "--days", "0")).stdout == ""


def test_due_errors(scene: Run) -> None:
    assert error_line(scene("due", "--as-of", "31.02.2026")) == (
        "Error: '31.02.2026' is not a real date"
    )
    assert error_line(scene("due", "--format", "xml"), code=2) == (
        "Error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'csv', 'json'."
    )
    assert error_line(scene("due", "--limit", "-1")) == (
        "Error: --limit must be 0 (all) or a positive number"
    )
    assert error_line(scene("due", "--days", "-1"), code=2) == (
        "Error: Invalid value for '--days': -1 is not in the range 0<=x<=36500."
    )


def test_german_alias(scene: Run) -> None:
    assert ok(scene("faellig")).stdout == ok(scene("due")).stdout


def test_impressions(scene: Run) -> None:
    ok(
        scene(
            "log",
            "mueller-bau",
            "--at",
            "2026-11-01",
            "--kind",
            "call",
            "--mood",
            "1",
            "--note",
            "Alles gut",
        )
    )
    ok(scene("log", "mueller-bau", "--at", "2026-10-01", "--kind", "order", "--amount", "5"))
    lines = ok(scene("impressions", "--last", "3")).stdout.splitlines()
    assert [line.split()[1:4] for line in lines] == [
        ["Customer", "Date", "Kind"],
        ["mueller-bau", "2026-11-24", "complaint"],
        ["mueller-bau", "2026-11-01", "call"],
        ["cafe", "2026-11-10", "call"],
        ["baeckerei", "2026-10-20", "visit"],
    ]  # the order without mood or note is no impression
    one = json.loads(ok(scene("impressions", "--last", "1", "-f", "json")).stdout)
    assert [(row["handle"], row["mood"]) for row in one] == [
        ("mueller-bau", -1),
        ("cafe", 0),
        ("baeckerei", 2),
    ]
    assert list(one[0]) == [
        "id",
        "handle",
        "name",
        "occurred_on",
        "kind",
        "channel",
        "direction",
        "person",
        "mood",
        "note",
        "amount",
    ]
    negative = json.loads(ok(scene("impressions", "--mood", "negative", "-f", "json")).stdout)
    assert [row["note"] for row in negative] == ["Lieferung zu spät, verärgert"]
    ranged = json.loads(ok(scene("impressions", "--mood", "0..2", "-f", "json")).stdout)
    assert [row["handle"] for row in ranged] == ["mueller-bau", "cafe", "baeckerei"]
    only = json.loads(ok(scene("impressions", "--customer", "cafe", "-f", "json")).stdout)
    assert [row["handle"] for row in only] == ["cafe"]
    by_tier = json.loads(ok(scene("impressions", "--tier", "c", "-f", "json")).stdout)
    assert [row["handle"] for row in by_tier] == ["baeckerei"]
    capped = ok(scene("impressions", "--limit", "1"))
    assert capped.stderr == "… more customers; use --limit 0 to see all.\n"
    assert ok(scene("impressions", "--limit", "3")).stderr == ""
    old = json.loads(ok(scene("impressions", "--as-of", "2026-10-31", "-f", "json")).stdout)
    assert [row["handle"] for row in old] == ["baeckerei"]
    assert (
        ok(scene("eindruecke", "--last", "1")).stdout
        == ok(scene("impressions", "--last", "1")).stdout
    )


def test_impressions_errors(scene: Run) -> None:
    assert error_line(scene("impressions", "--mood", "grumpy")) == (
        "Error: cannot read mood filter 'grumpy'; use -2..2, a range like -2..-1,"
        " negative or positive"
    )
    assert error_line(scene("impressions", "--mood", "2..-2")) == (
        "Error: cannot read mood filter '2..-2'; use -2..2, a range like -2..-1,"
        " negative or positive"
    )
    assert error_line(scene("impressions", "--last", "0"), code=2) == (
        "Error: Invalid value for '--last': 0 is not in the range 1<=x<=1000000."
    )
    assert error_line(scene("impressions", "--customer", "nobody")) == (
        "Error: customer 'nobody' not found; see 'kundenpflege list'"
    )


def test_remind_digest(scene: Run) -> None:
    result = ok(scene("remind"))
    assert result.stderr == ""
    assert result.stdout == (
        "kundenpflege: 2 contacts due on Wed 2026-11-25\n"
        "\n"
        "anna (1):\n"
        '- mueller-bau (Müller Bau GmbH): follow-up "Lieferung zu spät, verärgert", today\n'
        '  via phone; last contact 2026-11-24: -1 "Lieferung zu spät, verärgert"\n'
        "  ! last impression negative\n"
        "\n"
        "ben (1):\n"
        "- baeckerei (Bäckerei Schmidt): monthly, 5 days overdue\n"
        '  via visit; last contact 2026-10-20: +2 "Sehr zufrieden, empfiehlt uns weiter"\n'
    )
    assert ok(scene("remind", "--person", "ben")).stdout.startswith(
        "kundenpflege: 1 contact due on Wed 2026-11-25\n"
    )
    assert ok(scene("erinnern")).stdout == result.stdout


def test_remind_is_silent_when_nothing_is_due(scene: Run) -> None:
    result = ok(scene("remind", "--as-of", "2026-11-01"))
    assert result.stdout == "" and result.stderr == ""


def test_remind_errors(run: Run, journal_name: str) -> None:
    assert error_line(run("remind")) == no_journal_error(journal_name)
    ok(run("init"))
    assert error_line(run("remind", "--as-of", "someday")) == (
        "Error: cannot read date 'someday'; use YYYY-MM-DD, DD.MM.YYYY, today, +3d or next monday"
    )


def test_remind_under_cron(scene: Run, journal_address: str) -> None:
    """cron: `env -i`, no TTY, no locale; plain text and exit 0."""
    result = subprocess.run(
        [
            "env",
            "-i",
            sys.executable,
            "-m",
            "kundenpflege",
            "--db",
            journal_address,
            "remind",
            "--as-of",
            "2026-11-25",
        ],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    assert b"\x1b" not in result.stdout
    assert b"- mueller-bau (M\xc3\xbcller Bau GmbH)" in result.stdout


def test_tables_on_a_terminal_are_rich_and_coloured(scene: Run, journal_address: str) -> None:
    screen = terminal(["due"], journal_address)
    assert "Due contacts" in screen
    assert "━" in screen or "─" in screen
    assert COLOUR.search(screen)


def test_no_color_is_honoured_on_a_terminal(scene: Run, journal_address: str) -> None:
    screen = terminal(["due"], journal_address, NO_COLOR="1")
    assert "Due contacts" in screen
    assert not COLOUR.search(screen)
