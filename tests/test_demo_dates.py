"""The demo's invented birthdays are real days (issue 17's attack: `demo --customers
10000` ended in a traceback on 29 February of a common year)."""

import calendar
import json

from tests.conftest import Run, ok


def test_a_demo_birthday_on_29_february_falls_in_a_leap_year(run: Run) -> None:
    # Customer number 1513's contact is born on a 29 February (the first one the demo
    # meets, counting from 2026-11-25 in steps of nine days).
    ok(run("demo", "--customers", "1514"))
    exported = json.loads(ok(run("export", "json")).stdout)
    leap_days = [row for row in exported["tables"]["key_dates"] if row["month_day"] == "02-29"]
    assert leap_days and all(calendar.isleap(row["year"]) for row in leap_days)
