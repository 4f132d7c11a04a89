"""The Monday page (issue 15 §3): `report html`, one self-contained file; escaped,
accessible, and in a real browser (headless Chromium) equal to the reports' JSON."""

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kundenpflege.reports.monday import mood_trend
from tests.conftest import PINNED_NOW, TODAY, Run, error_line, ok, program, reading

PAYLOADS = (
    "<script>window.pwned = 1</script>",
    '"><img src=x onerror="window.pwned = 2">',
    "{{7*7}} ${7*7} [bold red]markup[/bold red]",
)
SUNDAY = date(2026, 11, 29)  # the end of the pinned day's week


@pytest.fixture
def hostile(journal: Run) -> Run:
    """Customers whose names, notes and promises are attacks on an HTML page."""
    ok(journal("person", "add", "anna", "--name", "Anna"))
    for number, payload in enumerate(PAYLOADS):
        handle = f"kunde-{number}"
        ok(journal("add", handle, "--name", payload, "--tier", "A"))
        ok(journal("prefer", handle, "--person", "anna", "--every", "2w", "--max", "1w"))
        ok(journal("log", handle, "--at", "2026-11-02 10:00", "--kind", "complaint",
                   "--mood", "-2", "--note", payload))  # fmt: skip
        ok(journal("log", handle, "--at", "2026-11-10 10:00", "--direction", "out",
                   "--mood", "-1", "--note", payload))  # fmt: skip
        ok(journal("followup", "add", handle, payload, "--due", "2026-11-27"))
    # Two of ours two days apart, where they asked for a week between: over-contacted.
    for day in ("2026-11-20", "2026-11-22"):
        ok(journal("log", "kunde-0", "--at", f"{day} 10:00", "--direction", "out"))
    ok(journal("add", "stiller-kunde", "--name", "Stiller Kunde", "--tier", "B"))
    ok(journal("log", "stiller-kunde", "--at", "2026-01-05 10:00", "--mood", "1"))
    return journal


def test_the_page_goes_to_stdout_and_every_user_text_is_escaped(hostile: Run) -> None:
    page = ok(hostile("report", "html")).stdout
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    for payload in PAYLOADS[:2]:
        assert payload not in page
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=&quot;window.pwned = 2&quot;&gt;" in page
    assert PAYLOADS[2] in page  # no template engine, no markup: shown as typed
    # Nothing that could fetch anything, and a policy that forbids it anyway.
    for fetching in ("<script", "<img", "<link", "<iframe", "url(", "@import", "http://",
                     "https://", "src=\"", "href="):  # fmt: skip
        assert fetching not in page.replace("&lt;script&gt;", "").replace("src=x", ""), fetching
    assert "default-src 'none'" in page


def test_out_writes_a_private_file_and_says_so(hostile: Run, tmp_path: Path) -> None:
    target = tmp_path / "montag.html"
    target.write_text("last week's page")
    target.chmod(0o644)
    result = ok(hostile("report", "html", "--out", str(target)))
    assert result.stdout == "" and f"Wrote {target}." in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_german_page(hostile: Run) -> None:
    page = ok(hostile("report", "html", "--lang", "de")).stdout
    assert '<html lang="de">' in page and "Kunden in Gefahr" in page and "25.11.2026" in page
    assert ok(hostile("--lang", "de", "report", "html")).stdout == page


def test_errors_are_one_line(hostile: Run, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "page.html"
    assert "cannot write" in error_line(hostile("report", "html", "--out", str(missing)))
    assert not missing.parent.exists()
    assert "not a real date" in error_line(hostile("report", "html", "--as-of", "31.02.2026"))
    assert error_line(hostile("report", "html", "--period", "0"), 2)
    assert error_line(hostile("report", "html", "--lang", "fr"), 2)


def test_mood_trend_is_the_weekly_average(hostile: Run) -> None:
    with reading() as connection:
        weeks = mood_trend(connection, TODAY)
    assert len(weeks) == 12 and weeks[-1].week == date(2026, 11, 23)
    by_week = {week.week: (week.average, week.moods) for week in weeks}
    assert by_week[date(2026, 11, 2)] == (-2.0, 3)
    assert by_week[date(2026, 11, 9)] == (-1.0, 3)
    assert by_week[date(2026, 11, 16)] == (None, 0)


# In a real browser ------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = program("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium,
            args=[
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],  # fmt: skip
        )
        yield launched
        launched.close()


def rows_of(page: Any, selector: str) -> list[dict[str, Any]]:
    return [json.loads(row) for row in page.eval_on_selector_all(
        f"{selector} tbody tr", "rows => rows.map(row => row.dataset.row)")]  # fmt: skip


def test_in_a_browser_the_page_shows_what_the_reports_say(
    hostile: Run, browser: Any, tmp_path: Path
) -> None:
    target = tmp_path / "page.html"
    ok(hostile("report", "html", "--out", str(target)))
    context = browser.new_context(offline=True, java_script_enabled=True)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text))
    page.goto(target.as_uri())
    page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    assert (tmp_path / "page.png").stat().st_size > 10_000
    # Nothing left the page; no payload ran or became an element.
    assert requests == [target.as_uri()]
    assert page.evaluate("window.pwned") is None and page.query_selector("img") is None

    def report(*arguments: str) -> list[dict[str, Any]]:
        loaded: list[dict[str, Any]] = json.loads(ok(hostile(*arguments, "-f", "json")).stdout)
        return loaded

    assert rows_of(page, "#pulse") == report("pulse")
    risks = report("health")
    over = [risk for risk in risks if risk["reason"] == "over-contacted"]
    assert over, "the fixture makes someone over-contacted"
    assert rows_of(page, "#at-risk") == [risk for risk in risks if risk not in over]
    assert rows_of(page, "#over-contacted") == over
    due = [{key: value for key, value in row.items() if key != "last_note"}
           for row in report("due", "--days", str((SUNDAY - TODAY).days))]  # fmt: skip
    shown_due = rows_of(page, "#due")
    assert sorted(shown_due, key=json.dumps) == sorted(due, key=json.dumps)
    people = page.eval_on_selector_all("#due h3", "heads => heads.map(h => h.textContent)")
    assert people == ["anna", "nobody chosen"]
    assert rows_of(page, "#fairness") == report("fairness")
    # What people see is those figures: handles as row headers, days whole.
    handles = page.eval_on_selector_all(
        "#at-risk tbody th", "cells => cells.map(cell => cell.textContent)"
    )
    assert handles == [risk["handle"] for risk in risks if risk not in over]
    assert page.inner_text("#pulse tbody tr:nth-child(8) td:nth-child(2)") == str(
        next(row for row in report("pulse") if row["measure"] == "contacts")["current"]
    )
    # Accessible: headed tables, charts with a text alternative.
    assert page.eval_on_selector_all(
        "table",
        "ts => ts.every(t => t.tHead.rows[0].cells.length"
        " === t.tHead.querySelectorAll('th[scope=col]').length)",
    )
    labels = page.eval_on_selector_all("svg", "svgs => svgs.map(s => [s.getAttribute('role'),"
                                       " s.getAttribute('aria-label'), s.querySelector('title')"
                                       ".textContent])")  # fmt: skip
    assert len(labels) == 4
    assert all(role == "img" and label and title in label for role, label, title in labels)
    assert "contacts, this period: 8; contacts, the period before: 0" in labels[0][1]
    assert errors == []
    # Readable when printed: it prints, on A4, more than one page.
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type/Page") >= 1
    context.close()


def test_readme_shows_the_demo_page(browser: Any, tmp_path: Path) -> None:
    """README's picture is the demo journal's page (tools/page_screenshot.py makes it);
    the page still has every part the picture shows."""
    journal = tmp_path / "demo.db"
    environment = {**os.environ, "KUNDENPFLEGE_DB": str(journal), "KUNDENPFLEGE_NOW": PINNED_NOW}
    subprocess.run([sys.executable, "-m", "kundenpflege", "demo"], env=environment, check=True,
                   capture_output=True)  # fmt: skip
    html = subprocess.run(
        [sys.executable, "-m", "kundenpflege", "report", "html"],
        env=environment, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    page.set_content(html)
    for heading in ("How we are doing", "Customers at risk", "Due this week", "Attention by tier",
                    "Mood trend", "Over-contacted"):  # fmt: skip
        assert page.get_by_role("heading", name=heading).count() == 1
    picture = page.screenshot()
    page.close()
    readme = Path(__file__).parent.parent / "README.md"
    assert "docs/monday-page.png" in readme.read_text(encoding="utf-8")
    shown = (readme.parent / "docs" / "monday-page.png").read_bytes()
    assert shown[:8] == picture[:8] == b"\x89PNG\r\n\x1a\n"
    assert shown[16:24] == picture[16:24]  # the same width and height


@pytest.mark.file_only
def test_the_page_never_replaces_the_journal_or_a_special_file(
    hostile: Run, db_path: Path, tmp_path: Path
) -> None:
    before = db_path.read_bytes()
    for target in (db_path, Path(f"{db_path}-wal")):
        assert "is the journal" in error_line(hostile("report", "html", "--out", str(target)))
    assert db_path.read_bytes() == before
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "not a regular file" in error_line(hostile("report", "html", "--out", str(fifo)))
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    # Through a link: the file it points to is written, the link stays.
    (tmp_path / "real.html").write_text("old")
    (tmp_path / "link.html").symlink_to(tmp_path / "real.html")
    ok(hostile("report", "html", "--out", str(tmp_path / "link.html")))
    assert (tmp_path / "link.html").is_symlink()
    assert (tmp_path / "real.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert ok(hostile("report", "html", "--out", "-")).stdout.startswith("<!DOCTYPE html>")


def test_the_page_is_utf8_whatever_the_output_speaks(hostile: Run, journal_address: str) -> None:
    ok(hostile("add", "weingut-hoefler", "--name", "Weingut Höfler"))
    environment = {**os.environ, "KUNDENPFLEGE_DB": journal_address, "KUNDENPFLEGE_NOW": PINNED_NOW,
                   "PYTHONIOENCODING": "latin-1"}  # fmt: skip
    page = subprocess.run([sys.executable, "-m", "kundenpflege", "report", "html"],
                          env=environment, capture_output=True, check=True).stdout  # fmt: skip
    assert "Weingut Höfler".encode() in page and b'charset="utf-8"' in page


def test_the_page_shows_a_note_s_first_words_only(hostile: Run) -> None:
    secret = "Vertraulich: " + " ".join(["die Scheidung läuft noch"] * 6)
    ok(hostile("log", "kunde-1", "--at", "2026-11-24 09:00", "--note", secret))
    page = ok(hostile("report", "html")).stdout
    assert "Vertraulich: die Scheidung" in page and secret not in page
