"""Readable at a glance (issue 15): data outputs never cut what was typed; tables
may shorten free text with "…"."""

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PINNED_NOW, Run, ok, terminal

LONG = (
    "Lieferung kam zwei Tage zu spät, Frau Sommer war verärgert und bittet um einen"
    " Rückruf wegen der Abrechnung, außerdem fehlt die Gutschrift für den Oktober bis heute"
)


def test_data_outputs_keep_the_whole_note(journal: Run) -> None:
    ok(journal("add", "baeckerei-sommer", "--name", "Bäckerei Sommer"))
    ok(journal("log", "baeckerei-sommer", "--at", "2026-08-01 10:00", "--kind", "complaint",
               "--mood", "-1", "--note", LONG + "\nzweite Zeile"))  # fmt: skip
    [row] = json.loads(ok(journal("due", "-f", "json")).stdout)
    assert row["last_note"] == LONG + "\nzweite Zeile"
    [line] = list(csv.DictReader(io.StringIO(ok(journal("due", "-f", "csv")).stdout)))
    assert line["last_note"] == LONG + "\nzweite Zeile"
    assert '-1 "Lieferung kam zwei Tage zu spät, Frau S…"' in ok(journal("due")).stdout
    assert f"{LONG} zweite Zeile" in ok(journal("remind")).stdout
    [risk] = json.loads(ok(journal("health", "-f", "json")).stdout)
    assert risk["detail"] == f"mood -1: {LONG} zweite Zeile"


def test_a_promise_made_from_a_note_keeps_its_first_line_whole(journal: Run) -> None:
    ok(journal("add", "baeckerei-sommer", "--name", "Bäckerei Sommer"))
    ok(journal("log", "baeckerei-sommer", "--note", LONG + "\nDetails", "--followup", "+2d"))
    [promise] = json.loads(ok(journal("followup", "list", "-f", "json")).stdout)
    assert promise["what"] == LONG


WIDTHS = (60, 80, 100, 160)
CAPPED = ("--limit", "8")
TABLES = (
    ("due", *CAPPED), ("impressions", *CAPPED), ("health", *CAPPED), ("fairness",),
    ("value", *CAPPED), ("reactive", *CAPPED), ("pulse",), ("list", *CAPPED),
    ("followup", "list"), ("consent", "list"), ("interaction", "list", *CAPPED),
)  # fmt: skip
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module")
def demo_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "journal.db"
    environment = {**os.environ, "KUNDENPFLEGE_DB": str(path), "KUNDENPFLEGE_NOW": PINNED_NOW}
    subprocess.run([sys.executable, "-m", "kundenpflege", "demo", "--customers", "40"],
                   env=environment, check=True, capture_output=True)  # fmt: skip
    return path


@pytest.mark.parametrize("report", TABLES, ids=lambda report: " ".join(report[:2]))
def test_tables_fit_the_terminal_and_break_no_value(
    report: tuple[str, ...], demo_journal: Path
) -> None:
    """At 60, 80, 100 and 160 columns: no line is wider than the terminal, every
    handle and every date the table would show appears whole."""
    plain = subprocess.run(
        [sys.executable, "-m", "kundenpflege", *report],
        env={**os.environ, "KUNDENPFLEGE_DB": str(demo_journal), "KUNDENPFLEGE_NOW": PINNED_NOW},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rows = json.loads(subprocess.run(
        [sys.executable, "-m", "kundenpflege", *report, "-f", "json"],
        env={**os.environ, "KUNDENPFLEGE_DB": str(demo_journal), "KUNDENPFLEGE_NOW": PINNED_NOW},
        capture_output=True, text=True, check=True,
    ).stdout)  # fmt: skip
    handles = {row["handle"] for row in rows if "handle" in row}
    for width in WIDTHS:
        screen = ANSI.sub("", terminal([*report], demo_journal,
                                       COLUMNS=str(width), NO_COLOR="1"))  # fmt: skip
        lines = screen.replace("\r", "").splitlines()
        messages = ("Not shown", "…", "All contacts")  # on stderr, wrapped by the terminal
        table = [line for line in lines if not line.startswith(messages)]
        assert max(len(line) for line in table) <= width, (width, screen)
        words = set(re.findall(r"[^\s│]+", screen))
        for handle in handles:
            assert handle in words or f"{handle}/" in screen, (width, handle, screen)
        for day in set(ISO_DAY.findall(plain)):
            if "Not shown" not in screen:
                assert day in screen, (width, day, screen)
        if width >= 160:
            assert "Not shown" not in screen


def test_wide_shows_every_column_and_the_footer_says_what_is_left_out(demo_journal: Path) -> None:
    narrow = ANSI.sub("", terminal(["due", "--limit", "3"], demo_journal, COLUMNS="80"))
    assert "Not shown at this width: When, Channel, Last impression; add --wide to see" in narrow
    wide = ANSI.sub("", terminal(["due", "--limit", "3", "--wide"], demo_journal, COLUMNS="80"))
    assert "Not shown" not in wide and "phone" in wide  # the channel column is there
    german = ANSI.sub("", terminal(["--lang", "de", "due", "--limit", "3"], demo_journal,
                                   COLUMNS="80"))  # fmt: skip
    assert "Nicht gezeigt" in german


def test_below_80_columns_each_entry_is_a_block(demo_journal: Path) -> None:
    screen = ANSI.sub("", terminal(["due", "--limit", "2"], demo_journal, COLUMNS="60"))
    lines = screen.replace("\r", "").splitlines()
    assert lines[0] == "Due contacts"
    assert lines[1] == "autohaus-wolf"
    assert lines[2].startswith("  #: ") and lines[3].startswith("  Why: follow-up: ")


def test_show_aligns_its_timeline_and_names_a_company_once(
    journal: Run, journal_address: str
) -> None:
    ok(journal("add", "hotel-seeblick", "--name", "Hotel Seeblick", "--company", "Hotel Seeblick"))
    ok(journal("log", "hotel-seeblick", "--at", "2026-11-20 10:00", "--kind", "call",
               "--mood", "1", "--note", "gut"))  # fmt: skip
    ok(journal("log", "hotel-seeblick", "--at", "2026-11-21 10:00", "--kind", "order",
               "--amount", "53946.61", "--note", "Bestellung"))  # fmt: skip
    shown = ok(journal("show", "hotel-seeblick")).stdout
    assert shown.splitlines()[0] == "Hotel Seeblick (hotel-seeblick)"
    timeline = shown.split("Timeline (latest 2):\n")[1].splitlines()
    assert timeline[0].index("Bestellung") == timeline[1].index("gut")  # aligned
    assert "€53,947" in timeline[0]  # whole euros in text
    screen = ANSI.sub("", terminal(["show", "hotel-seeblick"], journal_address, COLUMNS="40"))
    assert "hotel-seeblick" in screen and "2026-11-21" in screen
    assert max(len(line) for line in screen.replace("\r", "").splitlines()) <= 40


def test_german_help_names_the_german_commands(run: Run) -> None:
    overview = ok(run("--lang", "de", "--help")).stdout
    for alias in ("(faellig)", "(eindruecke)", "(erinnern)"):
        assert alias in overview
    assert "(faellig)" not in ok(run("--help")).stdout


def test_a_full_disk_is_one_error_line(demo_journal: Path) -> None:
    environment = {**os.environ, "KUNDENPFLEGE_DB": str(demo_journal),
                   "KUNDENPFLEGE_NOW": PINNED_NOW}  # fmt: skip
    for command in (["due"], ["due", "--excel"], ["report", "html"], ["export", "json"]):
        with open("/dev/full", "w") as full:
            result = subprocess.run([sys.executable, "-m", "kundenpflege", *command], stdout=full,
                                    stderr=subprocess.PIPE, text=True, env=environment)  # fmt: skip
        assert result.returncode == 1, command
        assert result.stderr == "Error: cannot write the output: No space left on device\n"


def test_one_long_word_does_not_push_the_other_columns_out(
    journal: Run, journal_address: str
) -> None:
    ok(journal("add", "cafe-koch", "--name", "Café Koch"))
    url = "https://example.org/angebote/2026/kunde/cafe-koch/version-3-final.pdf"
    ok(journal("followup", "add", "cafe-koch", f"Angebot {url} schicken", "--due", "2026-11-26"))
    screen = ANSI.sub("", terminal(["followup", "list"], journal_address, COLUMNS="80"))
    header = next(line for line in screen.splitlines() if "Customer" in line)
    assert "Due" in header and "What" in header
    assert "https://example.org/ang…" in screen and "Not shown" not in screen
    assert url in ok(journal("followup", "list", "-f", "csv")).stdout  # data keeps it whole


def test_messages_break_between_words_on_a_terminal(demo_journal: Path) -> None:
    screen = ANSI.sub("", terminal(["fairness"], demo_journal, COLUMNS="80")).replace("\r", "")
    assert "Not shown at this width:" in screen and "every\ncolumn." in screen
    for line in screen.splitlines():
        assert len(line) <= 80, line
