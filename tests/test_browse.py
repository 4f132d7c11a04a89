"""`browse` (issue 18 §1): the journal in Datasette, read-only, on 127.0.0.1 only,
without restricted customers; its canned queries agree with the command line."""

import asyncio
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("datasette")

from typer.testing import CliRunner  # noqa: E402

from kundenpflege import i18n  # noqa: E402
from kundenpflege.present import browse as page  # noqa: E402
from kundenpflege.reports import browse  # noqa: E402
from kundenpflege.storage.migrations.browsing import BROWSABLE  # noqa: E402
from tests.conftest import APP, PINNED_NOW, Run, error_line, ok, program  # noqa: E402

# browse serves the journal FILE through Datasette (its views run on SQLite alone).
pytestmark = pytest.mark.file_only

RESTRICTED = ("autohaus-wolf", "Autohaus Wolf")  # a demo customer with a due promise
DAYS = ("2026-11-25", "2026-12-28", "2027-02-25")  # today, over new year, before 29 Feb


def at(day: str) -> str:
    return f"{day}T09:00:00+01:00"


def build(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo, and what its reports must leave out or take in: a restricted
    customer, a contact with a wish of their own, the owner, key dates over new
    year and on 29 February, an over-contacted customer, newsletter ledgers."""
    ok(run("demo"))
    ok(run("init", "--me", "anna"))
    ok(run("gdpr", "restrict", RESTRICTED[0]))
    ok(run("contact", "add", "cafe-koch", "Clara Koch", "--email", "clara@example.org", "--main"))
    ok(run("prefer", "cafe-koch/Clara Koch", "--every", "1w", "--person", "ben"))
    ok(run("contact", "add", "optik-werner", "Otto Werner", "--email", "otto@example.org"))
    ok(run("contact", "add", "blumen-weber", "Berta Weber", "--main"))  # no e-mail
    ok(run("date", "add", "baeckerei-klein", "--birthday", "02.01.1980"))
    ok(run("date", "add", "optik-werner/Otto Werner", "--birthday", "29.02."))
    ok(run("date", "add", "cafe-schulz", "--on", "30.12.2026", "--what", "Vertrag"))
    ok(run("prefer", "hotel-kleinhof", "--max", "2w"))
    for day in ("2026-11-20", "2026-11-23"):
        ok(run("log", "hotel-kleinhof", "--at", f"{day} 10:00", "--direction", "out"))
    ledgers = [
        ("2026-11-02", "grant", "cafe-koch", "Formular"),
        ("2026-11-03", "confirm", "cafe-koch", "Link"),
        ("2026-11-02", "grant", "optik-werner/Otto Werner", "Messe"),
        ("2026-11-04", "confirm", "optik-werner/Otto Werner", None),
        ("2026-12-01", "withdraw", "optik-werner/Otto Werner", None),
        ("2026-11-02", "grant", "blumen-weber", None),
        ("2026-11-03", "confirm", "blumen-weber", None),
    ]
    for day, action, who, evidence in ledgers:
        monkeypatch.setenv("KUNDENPFLEGE_NOW", at(day))
        extra = ("--evidence", evidence) if evidence else ()
        ok(run("consent", action, who, "--purpose", "newsletter", *extra))
    monkeypatch.setenv("KUNDENPFLEGE_NOW", PINNED_NOW)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made once for the module (some thirty commands), copied for each test."""
    folder = tmp_path_factory.mktemp("served")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("KUNDENPFLEGE_DB", str(folder / "journal.db"))
        monkeypatch.setenv("KUNDENPFLEGE_NOW", PINNED_NOW)
        monkeypatch.setenv("TZ", "Europe/Berlin")
        time.tzset()
        runner = CliRunner()
        build(lambda *args: runner.invoke(APP, list(args)), monkeypatch)
    time.tzset()
    return folder / "journal.db"


@pytest.fixture
def served_journal(built: Path, db_path: Path, run: Run) -> Run:
    shutil.copyfile(built, db_path)
    db_path.chmod(0o600)
    return run


@pytest.fixture
def datasette(served_journal: Run, db_path: Path) -> Iterator[Any]:
    instance = page.application(db_path)
    asyncio.run(instance.invoke_startup())
    yield instance
    instance.databases[page.DATABASE].close()


def get(datasette: Any, path: str, **options: Any) -> Any:
    return asyncio.run(datasette.client.get(path, **options))


def rows(datasette: Any, name: str, as_of: str = "") -> list[dict[str, Any]]:
    """A view's rows, or a query's on the day asked for."""
    asked = f"&as_of={as_of}" if name in browse.QUERIES else ""
    response = get(datasette, f"/journal/{name}.json?_shape=array&_size=max{asked}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def cli(run: Run, monkeypatch: pytest.MonkeyPatch, day: str, *arguments: str) -> Any:
    monkeypatch.setenv("KUNDENPFLEGE_NOW", at(day))
    return json.loads(ok(run(*arguments, "--format", "json")).stdout)


# Agreement with the command line ------------------------------------------------------


@pytest.mark.parametrize("day", DAYS)
def test_the_due_query_lists_who_due_lists(
    datasette: Any, served_journal: Run, monkeypatch: pytest.MonkeyPatch, day: str
) -> None:
    expected = [(item["handle"], item["contact"], item["reason"], item["due_on"],
                 item["days_overdue"], item["person"], item["channel"])
                for item in cli(served_journal, monkeypatch, day, "due")]  # fmt: skip
    shown = [(row["handle"], row["contact"], row["reason"], row["due_on"], row["days_overdue"],
              row["person"], row["channel"]) for row in rows(datasette, "due", day)]  # fmt: skip
    assert shown == expected
    assert {"follow-up", "cadence", "key-date"} <= {reason for _, _, reason, *_ in shown}


def test_the_due_query_covers_new_year_29_february_and_contacts(datasette: Any) -> None:
    new_year = {(row["handle"], row["due_on"]) for row in rows(datasette, "due", "2026-12-28")}
    assert {("baeckerei-klein", "2027-01-02"), ("cafe-schulz", "2026-12-30")} <= new_year
    february = {(row["handle"], row["contact"], row["due_on"], row["reason"])
                for row in rows(datasette, "due", "2027-02-25")}  # fmt: skip
    assert ("optik-werner", "Otto Werner", "2027-02-28", "key-date") in february
    today = rows(datasette, "due")
    assert ("cafe-koch", "Clara Koch", "ben") in {
        (row["handle"], row["contact"], row["person"]) for row in today
    }
    assert rows(datasette, "due", "2026-11-25") == today  # empty :as_of is today


@pytest.mark.parametrize("day", DAYS[:2])
def test_the_at_risk_query_lists_who_health_lists(
    datasette: Any, served_journal: Run, monkeypatch: pytest.MonkeyPatch, day: str
) -> None:
    expected = [(risk["handle"], risk["reason"], risk["contact"], risk["person"],
                 None if risk["reason"] == "over-contacted" else risk["since"])
                for risk in cli(served_journal, monkeypatch, day, "health")]  # fmt: skip
    shown = [(row["handle"], row["reason"], row["contact"], row["person"],
              None if row["reason"] == "over-contacted" else row["since"])
             for row in rows(datasette, "at_risk", day)]  # fmt: skip
    assert shown == expected
    assert {"negative-last-impression", "silent", "against-their-wish"} <= {
        reason for _, reason, *_ in shown
    }
    if day == DAYS[0]:
        assert ("hotel-kleinhof", "over-contacted") in {(row[0], row[1]) for row in shown}


def test_the_reactive_query_lists_who_reactive_lists(
    datasette: Any, served_journal: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nobody is reactive only in the demo; one customer who only ever called us is.
    ok(served_journal("add", "nur-anrufer", "--name", "Nur Anrufer"))
    ok(served_journal("log", "nur-anrufer", "--at", "2026-11-10 10:00", "--direction", "in",
                      "--kind", "complaint"))  # fmt: skip
    expected = [(row["handle"], row["contacts"], row["complaints"])
                for row in cli(served_journal, monkeypatch, DAYS[0], "reactive")]  # fmt: skip
    shown = [(row["handle"], row["contacts"], row["complaints"])
             for row in rows(datasette, "reactive_only", DAYS[0])]  # fmt: skip
    assert shown == expected == [("nur-anrufer", 1, 1)]


@pytest.mark.parametrize("day", ("2026-11-25", "2026-12-28", "2026-11-02"))
def test_the_newsletter_query_lists_whom_consent_list_valid_lists(
    datasette: Any, served_journal: Run, monkeypatch: pytest.MonkeyPatch, day: str
) -> None:
    monkeypatch.setenv("KUNDENPFLEGE_NOW", at(day))
    expected = json.loads(ok(served_journal(
        "consent", "list", "--valid", "--purpose", "newsletter", "--format", "json"
    )).stdout)  # fmt: skip
    fields = ("customer", "name", "email", "granted_at", "confirmed_at", "evidence")
    shown = rows(datasette, "newsletter_consent", day)
    assert [tuple(row[f] for f in fields) for row in shown] == [
        tuple(row[f] for f in fields) for row in expected
    ]
    people = {row["name"] for row in shown}
    if day == "2026-11-25":  # the withdrawal comes on 1 December; Berta has no e-mail
        assert people == {"Clara Koch", "Otto Werner"}
        assert shown[0]["evidence"] == "Formular; Link"
    if day == "2026-12-28":
        assert people == {"Clara Koch"}


# Nothing restricted, no SQL, no base table --------------------------------------------


def test_restricted_customers_appear_nowhere(datasette: Any) -> None:
    pages = ["/", "/journal", "/journal.json"]
    for name in BROWSABLE:
        pages += [f"/journal/{name}", f"/journal/{name}.json?_size=max", f"/journal/{name}.csv"]
    for name in browse.QUERIES:
        pages += [f"/journal/{name}", f"/journal/{name}.json", f"/journal/{name}.csv",
                  f"/journal/{name}.json?as_of=2026-01-01"]  # fmt: skip
    for path in pages:
        response = get(datasette, path)
        assert response.status_code == 200, path
        if ("customer_overview" in path or "/due" in path) and "as_of" not in path:
            assert "cafe-koch" in response.text, path
        for text in RESTRICTED:
            assert text not in response.text, path
    assert len(rows(datasette, "contact_history")) > 200  # every contact, not a first page


def names_in(db_path: Path) -> list[str]:
    connection = sqlite3.connect(db_path)
    try:
        query = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
        return [name for (name,) in connection.execute(query)]
    finally:
        connection.close()


def test_sql_of_ones_own_and_every_table_are_refused(datasette: Any, db_path: Path) -> None:
    assert get(datasette, "/journal?sql=select+*+from+customers").status_code == 403
    assert get(datasette, "/journal.json?sql=select+1").status_code == 403
    closed = [name for name in names_in(db_path) if name not in BROWSABLE]
    assert {"customers", "interactions", "consent", "search_index", "interaction_facts",
            "changes", "settings"} <= set(closed)  # fmt: skip
    for name in closed:
        for ending in ("", ".json", ".csv", "/1", ".json?_shape=array"):
            assert get(datasette, f"/journal/{name}{ending}").status_code in (403, 404), name
    for path in ("/journal.db", "/-/metadata.json", "/-/databases.json", "/_internal",
                 "/_memory", "/-/permissions", "/journal/customer%5Foverview"):  # fmt: skip
        assert get(datasette, path).status_code in (403, 404), path
    listed = get(datasette, "/journal.json").json()
    assert listed["tables"] == [] and [view["name"] for view in listed["views"]] == list(BROWSABLE)
    assert [query["name"] for query in listed["queries"]] == list(browse.QUERIES)
    assert list(browse.VIEWS) == list(BROWSABLE)


def test_full_text_search_cannot_probe_restricted_customers(datasette: Any) -> None:
    """Datasette searches any FTS table named in the address, closed or not."""
    probes = ("_fts_table=search_index&_fts_pk=id&_search=Wolf", "_search=Wolf",
              "_searchmode=raw&_search=W*", "_where=1", "_through=x", "_stream=on")  # fmt: skip
    for probe in probes:
        response = get(datasette, f"/journal/contact_history.json?{probe}")
        assert response.status_code == 403, probe
        assert response.json()["error"] == "search and SQL of your own are not on this page"


def test_a_table_made_while_the_page_runs_is_closed_too(datasette: Any, db_path: Path) -> None:
    writer = sqlite3.connect(db_path)
    writer.execute("CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)")
    writer.execute("CREATE VIEW everyone AS SELECT handle, name FROM customers")
    writer.execute("ANALYZE")
    writer.commit()
    writer.close()
    for name in ("_litestream_seq", "everyone", "sqlite_stat1"):
        assert get(datasette, f"/journal/{name}.json").status_code in (403, 404), name
    listed = get(datasette, "/journal.json").json()
    assert listed["tables"] == [] and [view["name"] for view in listed["views"]] == list(BROWSABLE)
    assert RESTRICTED[1] not in get(datasette, "/journal").text


def test_only_this_machine_may_ask_and_only_to_read(datasette: Any) -> None:
    rebinding = get(datasette, "/journal/due.json", headers={"host": "evil.example:8001"})
    assert rebinding.status_code == 403
    assert (
        get(datasette, "/journal/due.json", headers={"host": "127.0.0.1:8001"}).status_code == 200
    )
    posted = asyncio.run(datasette.client.post("/journal/due", data={"as_of": "2026-11-25"}))
    assert posted.status_code == 405


def test_as_of_is_read_as_the_command_line_reads_it(datasette: Any) -> None:
    assert rows(datasette, "due", "25.11.2026") == rows(datasette, "due", "2026-11-25")
    assert rows(datasette, "due", "heute") == rows(datasette, "due")
    for wrong in ("2026-11-31", "'; DROP TABLE customers; --", "x" * 5000, "2026-13-01"):
        response = get(datasette, f"/journal/due.json?as_of={wrong}")
        assert response.status_code == 400, wrong
        assert response.json()["error"].startswith("as_of: "), wrong


def test_the_page_s_csv_keeps_formulas_out_of_spreadsheets(
    datasette: Any, served_journal: Run
) -> None:
    ok(served_journal("log", "cafe-koch", "--mood", "-2", "--note", '=HYPERLINK("http://x")'))
    text = get(datasette, "/journal/contact_history.csv?_size=max").text
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    assert ",-2," in text  # numbers stay numbers


def test_the_page_reads_the_live_journal_and_cannot_write(
    datasette: Any, served_journal: Run
) -> None:
    assert "neuer-kunde" not in {row["handle"] for row in rows(datasette, "customer_overview")}
    ok(served_journal("add", "neuer-kunde", "--name", "Neuer Kunde"))  # while it serves
    assert "neuer-kunde" in {row["handle"] for row in rows(datasette, "customer_overview")}
    database = datasette.databases[page.DATABASE]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        asyncio.run(database.execute_fn(lambda conn: conn.execute("DELETE FROM customers")))


def test_views_and_columns_are_described_in_the_language_chosen() -> None:
    described = browse.metadata(database="journal")["databases"]["journal"]
    assert described["allow_sql"] is False
    assert described["tables"]["customer_overview"]["columns"]["next_due"].startswith("The next")
    i18n.select("de")
    german = browse.metadata(database="journal")["databases"]["journal"]
    assert german["queries"]["due"]["title"] == "Fällig"
    assert german["tables"]["open_promises"]["title"] == "Offene Zusagen"


# The command ---------------------------------------------------------------------------


def test_without_datasette_browse_says_how_to_install_it(
    journal: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec

    def without_datasette(name: str, *rest: Any) -> Any:
        return None if name == "datasette" else real(name, *rest)

    monkeypatch.setattr(importlib.util, "find_spec", without_datasette)
    assert error_line(journal("browse")) == (
        "Error: browse needs Datasette: pip install 'kundenpflege[browse]'"
    )


def test_browse_errors(
    run: Run, journal: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        line = error_line(journal("browse", "--port", str(port)))
    finally:
        taken.close()
    assert line.startswith(f"Error: cannot listen on 127.0.0.1:{port} (")
    assert line.endswith("); choose another with --port")
    assert "Error: Invalid value for '--port'" in journal("browse", "--port", "70000").stderr
    missing = tmp_path / "nirgends.db"
    assert error_line(run("--db", str(missing), "browse")) == (
        f"Error: no journal at {missing}; create one with 'kundenpflege init'"
    )
    for server in ("postgresql://anna:geheim@db/kunden", "postgres://db/kunden"):
        line = error_line(run("--db", server, "browse"), code=2)
        assert line == ("Error: browse shows a journal file; one on a database server it"
                        " cannot show (docs/browse.md)")  # fmt: skip
    ok(run("--db", f"/{tmp_path}/journal.db", "init"))  # '//tmp/…' is a file too
    odd = tmp_path / "kunden#2.db"
    ok(run("--db", str(odd), "init"))
    assert error_line(run("--db", str(odd), "browse")) == (
        f"Error: browse cannot open a journal whose path holds ?, # or %: {odd}"
    )


def started(db_path: Path, *arguments: str, **extra: str) -> tuple[subprocess.Popen[str], str]:
    """`browse` as people run it, in a process of its own; and the address it serves."""
    environment = {**os.environ, "KUNDENPFLEGE_DB": str(db_path), **extra}
    process = subprocess.Popen(
        [sys.executable, "-m", "kundenpflege", "browse", "--port", "0", *arguments],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
    )  # fmt: skip
    assert process.stderr is not None
    line = process.stderr.readline()
    assert line.startswith(f"Serving {db_path} read-only at http://127.0.0.1:"), line
    return process, line.split(" at ")[1].split(" ")[0]


def stopped(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


def test_browse_serves_until_ctrl_c_on_this_machine_only(
    served_journal: Run, db_path: Path, tmp_path: Path
) -> None:
    import urllib.error
    import urllib.request

    opener = tmp_path / "browser.sh"
    opener.write_text(f'#!/bin/sh\necho "$1" > {tmp_path / "opened.txt"}\n')
    opener.chmod(0o755)
    process, address = started(db_path, "--open", BROWSER=str(opener))
    try:
        with urllib.request.urlopen(f"{address}/due.json?_shape=array", timeout=10) as response:
            handles = [row["handle"] for row in json.load(response)]
        assert handles and RESTRICTED[0] not in handles
        for _ in range(50):
            if (tmp_path / "opened.txt").exists():
                break
            time.sleep(0.1)
        assert (tmp_path / "opened.txt").read_text().strip() == address
        for bad in (
            "/contact_history?_next=abc",
            "/contact_history?_sort=nope",
            "/customers",
            "/due?as_of=x",
        ):
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(f"{address}{bad}", timeout=10)
        port = int(address.split(":")[2].split("/")[0])
        for other in {ip for *_, (ip, *_rest) in socket.getaddrinfo(socket.gethostname(), None,
                                                                    socket.AF_INET)}:  # fmt: skip
            if not other.startswith("127."):
                with pytest.raises(OSError), socket.create_connection((other, port), timeout=2):
                    pass
    finally:
        code, out, err = stopped(process)
    assert code == 0 and out == ""
    assert err == ""  # visitors' mistakes are theirs: nothing on the terminal


def test_ctrl_c_twice_stops_without_a_traceback(served_journal: Run, db_path: Path) -> None:
    process, _address = started(db_path)
    process.send_signal(signal.SIGINT)
    time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert (process.returncode, out, err) == (0, "", "")


def test_a_screenshot_of_the_due_page_in_chromium(
    served_journal: Run, db_path: Path, tmp_path: Path
) -> None:
    chromium = program("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    process, address = started(db_path)
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium,
                args=["--disable-gpu", "--disable-background-networking", "--no-first-run",
                      "--disable-component-update", "--disable-sync"],
            )  # fmt: skip
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.goto(f"{address}/due?as_of=2026-11-25")
            text = tab.inner_text("body")
            shot = tmp_path / "due.png"
            tab.screenshot(path=str(shot), full_page=True)
            browser.close()
    finally:
        stopped(process)
    assert "Due" in text and "schreinerei-schwarz" in text and RESTRICTED[0] not in text
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000


@pytest.mark.parametrize("name", ["due", "at_risk"])
def test_cutting_each_part_keeps_the_first_rows_of_the_whole(
    served_journal: Run, db_path: Path, name: str
) -> None:
    """The queries cut each part at the rows the page shows (a large journal is not
    sorted whole): the first rows are those of the uncut query, in the same order."""
    connection = sqlite3.connect(db_path)
    connection.create_function(browse.TODAY_FUNCTION, 0, lambda: "2026-11-25")
    whole = connection.execute(browse.queries(10**6)[name][2], {"as_of": ""}).fetchall()
    for shown in (1, 2, 5):
        cut = connection.execute(browse.queries(shown)[name][2], {"as_of": ""}).fetchall()
        assert cut[:shown] == whole[:shown], shown
    connection.close()
    assert len(whole) > 10
