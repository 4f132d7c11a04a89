"""Readable at a glance (issue 15): data outputs never cut what was typed; tables
may shorten free text with "…"."""

import csv
import io
import json

from tests.conftest import Run, ok

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
