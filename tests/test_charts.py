"""Pictures in the terminal (issue 15 §2): bars, the heat strip of weeks, the mood
sparkline; block characters or ASCII by what the output can carry."""

import json
import os
import subprocess
import sys

import pytest

from kundenpflege.present import charts
from kundenpflege.reports.pulse import PulseRow
from tests.conftest import PINNED_NOW, TODAY, Run, ok, terminal


def test_blocks_where_the_encoding_carries_them_ascii_elsewhere() -> None:
    assert charts.glyphs_for("utf-8") is charts.BLOCKS
    assert charts.glyphs_for("UTF8") is charts.BLOCKS
    for encoding in ("ascii", "latin-1", "cp1252", None, "no-such-codec"):
        assert charts.glyphs_for(encoding) is charts.ASCII, encoding


def test_a_bar_is_as_long_as_its_share_of_the_top() -> None:
    blocks, ascii = charts.BLOCKS, charts.ASCII
    assert charts.bar(10, 10, 8, blocks) == "████████"
    assert charts.bar(20, 10, 8, blocks) == "████████"  # never past the width
    assert charts.bar(5, 10, 8, blocks) == "████"
    assert charts.bar(5, 10, 5, blocks) == "██▌"  # eighths: 2.5 cells
    assert charts.bar(0.01, 10, 8, blocks) == "▏"  # above zero always shows
    assert charts.bar(0, 10, 8, blocks) == charts.bar(3, 0, 8, blocks) == ""
    assert charts.bar(5, 10, 5, ascii) == "##"  # whole cells only (2.5 rounds to even)
    assert charts.bar(5, 10, 8, blocks, earlier=True) == "░░░░"
    assert charts.bar(5, 10, 8, ascii, earlier=True) == "===="


def test_mood_sparkline_oldest_first() -> None:
    line = charts.mood_line([-2, -1, 0, 1, 2], charts.BLOCKS)
    assert "▁▂▄▆█" in line and "last +2" in line and "(oldest → newest)" in line
    assert "_.-~^" in charts.mood_line([-2, -1, 0, 1, 2], charts.ASCII)
    assert "none recorded" in charts.mood_line([], charts.BLOCKS)


def test_heat_strip_a_week_a_column_and_the_months_beneath() -> None:
    weeks = [(0, 0)] * 50 + [(1, 0), (5, 2)]
    out, came, ruler = charts.heat_strip(weeks, TODAY, charts.BLOCKS)[1:]
    assert out.endswith("·" * 50 + "░█") and came.endswith("·" * 51 + "▒")
    assert ruler.split() == ["Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                             "Sep", "Oct", "Nov"]  # fmt: skip
    # "Nov" starts under the week that holds Sunday, November 1st (column 47).
    start = len(out) - len(weeks)
    assert ruler.index("Nov") - start == 47


def test_pulse_figure_compares_only_what_has_a_period_before() -> None:
    rows = [
        PulseRow("customers", 40, None, None),
        PulseRow("contacts", 30, 15, 15),
        PulseRow("complaint share", 0.5, 0.25, 0.25),
        PulseRow("average mood", 1.0, 0.5, 0.5),
    ]
    title, *lines = charts.pulse_figure(rows, 80, charts.BLOCKS)
    assert "█" in title and "░" in title
    assert [line.split()[0] for line in lines[::2]] == ["contacts", "complaint"]
    contacts_now, contacts_before = lines[0], lines[1]
    assert contacts_now.count("█") == 2 * contacts_before.count("░")  # 30 against 15
    assert lines[2].endswith(" 50%") and lines[3].endswith(" 25%")
    assert all(len(line) <= 80 for line in lines)
    assert charts.pulse_figure(rows[:1], 80, charts.BLOCKS) == []


@pytest.fixture
def seen(journal: Run) -> Run:
    ok(journal("add", "weingut-hoefler", "--name", "Weingut Höfler", "--tier", "A"))
    for day, direction, mood in (
        ("2026-11-02", "out", "-1"),
        ("2026-11-03", "in", "2"),
        ("2026-11-24", "out", "1"),
        ("2025-12-01", "out", "0"),
    ):
        ok(journal("log", "weingut-hoefler", "--at", f"{day} 10:00", "--direction", direction,
                   "--mood", mood))  # fmt: skip
    return journal


def test_show_draws_the_year_and_the_moods_above_the_timeline(seen: Run) -> None:
    shown = ok(seen("show", "weingut-hoefler")).stdout
    lines = shown.splitlines()
    strip = next(number for number, line in enumerate(lines) if "Contacts per week" in line)
    assert strip < next(number for number, line in enumerate(lines) if line.startswith("Timeline"))
    out, came = lines[strip + 1], lines[strip + 2]
    # Out in the weeks of Nov 2 and Nov 23 (this week, the last column), in on Nov 3;
    # the week of Dec 1, 2025 is the first one shown.
    assert out.endswith("░··░") and came.endswith("░···")
    assert out.split()[-1][0] == "░"  # the week of 2025-12-01, a year ago
    assert "(oldest → newest): ▄▂█▆  last +1" in shown
    profile = json.loads(ok(seen("show", "weingut-hoefler", "-f", "json")).stdout)[0]
    assert profile["moods"] == [0, -1, 2, 1]
    assert profile["weeks"][-4:] == [[1, 1], [0, 0], [0, 0], [1, 0]]
    assert sum(out for out, _ in profile["weeks"]) == 3


def test_pictures_only_under_tables(seen: Run) -> None:
    assert "This period" in ok(seen("pulse")).stdout
    assert "Contacts per customer a year" in ok(seen("fairness")).stdout
    for command in ("pulse", "fairness"):
        for output in ("csv", "json"):
            data = ok(seen(command, "-f", output)).stdout
            assert "█" not in data and "This period" not in data and "a year" not in data


def run_with(
    journal_address: str, *arguments: str, **environment: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kundenpflege", *arguments],
        env={**os.environ, "KUNDENPFLEGE_DB": journal_address, "KUNDENPFLEGE_NOW": PINNED_NOW,
             **environment},
        capture_output=True, text=True, encoding="utf-8", errors="replace",
    )  # fmt: skip


def test_an_output_without_block_characters_gets_ascii_and_no_traceback(
    seen: Run, journal_address: str
) -> None:
    shown = run_with(journal_address, "show", "weingut-hoefler", PYTHONIOENCODING="ascii")
    assert shown.returncode == 0 and shown.stderr == ""
    assert "Weingut H?fler" in shown.stdout  # what ASCII cannot carry is a "?"
    assert "(oldest -> newest): -.^~  last +1" in shown.stdout
    assert "we reached out" in shown.stdout and "█" not in shown.stdout
    pulse = run_with(journal_address, "pulse", PYTHONIOENCODING="latin-1")
    assert pulse.returncode == 0 and "(#) against the last (=)" in pulse.stdout


def test_colour_only_on_a_terminal_and_never_with_no_color(seen: Run, journal_address: str) -> None:
    coloured = terminal(["pulse"], journal_address)
    assert "\x1b[36m█" in coloured
    plain = terminal(["pulse"], journal_address, NO_COLOR="1")
    assert "This period (█)" in plain and "\x1b[36m" not in plain
    assert "\x1b[" not in run_with(journal_address, "pulse").stdout


def test_german_rulers_and_labels(seen: Run) -> None:
    shown = ok(seen("--lang", "de", "show", "weingut-hoefler")).stdout
    assert "wir haben uns gemeldet" in shown and "Dez." in shown and "Sept." in shown
