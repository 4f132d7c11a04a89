"""`--as-of` is a point in time (issue 14 §5): a journal is built day by day, each
entry recorded on its own day, and every report run on a day is kept; at the end,
every report with `--as-of` that day must say, in JSON, exactly what it said then."""

import json
import random
from datetime import date, timedelta

import pytest

from kundenpflege import clock
from tests.conftest import Run, error_line, ok

FIRST_DAY = date(2026, 9, 28)
DAYS = 24
HANDLES = ("anker", "berg", "chen", "dorn", "eck", "falk")
CONTACTS = ("Petra Adam", "Jan Bode")
# Each report as people run it, in JSON (remind and the calendar are text).
REPORTS = (
    ("due", "--days", "10", "-f", "json"),
    ("impressions", "--last", "2", "-f", "json"),
    ("health", "-f", "json"),
    ("fairness", "-f", "json"),
    ("fairness", "--by", "band", "--window", "30", "-f", "json"),
    ("value", "-f", "json"),
    ("reactive", "--window", "30", "-f", "json"),
    ("pulse", "--period", "7", "-f", "json"),
    ("remind",),
    ("show", "anker", "-f", "json"),
    ("show", "chen", "-f", "json"),
    ("export", "ical", "--days", "14"),
)


def at(day: date, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.PIN_VARIABLE, f"{day.isoformat()}T09:30:00+02:00")


def changes(chance: random.Random, day: int, added: list[str]) -> list[tuple[str, ...]]:
    """The day's entries: new customers (with tiers, values and contacts), contacts
    both ways with moods and notes, wishes (also per contact), a pause, promises made
    and kept, consent granted and confirmed."""
    todo: list[tuple[str, ...]] = []
    if len(added) < len(HANDLES) and (day % 3 == 0 or not added):
        handle = HANDLES[len(added)]
        added.append(handle)
        todo += [
            ("add", handle, "--name", handle.title(), "--tier", chance.choice("ABC"),
             "--value", str(chance.choice([800, 4000, 12000, 30000]))),
            *(("contact", "add", handle, name) for name in CONTACTS),
        ]  # fmt: skip
    for handle in added:
        roll = chance.random()
        if roll < 0.35:
            kind = chance.choice(["call", "email", "visit", "complaint", "order", "apology"])
            direction = "in" if kind in ("complaint", "order") else chance.choice(["in", "out"])
            entry = ["log", handle, "--kind", kind, "--direction", direction,
                     "--mood", str(chance.randint(-2, 2)), "--note", f"{kind} am Tag {day}",
                     "--person", chance.choice(["anna", "ben"]), "--anyway"]  # fmt: skip
            if kind == "order":
                entry += ["--amount", str(chance.choice([250, 1200]))]
            if chance.random() < 0.3:
                entry += ["--contact", chance.choice(CONTACTS)]
            if chance.random() < 0.2:
                entry += ["--followup", f"+{chance.randint(1, 6)}d"]
            todo.append(tuple(entry))
        elif roll < 0.45:
            todo.append(("prefer", handle, "--every", chance.choice(["weekly", "alle 2 Wochen",
                         "monthly"]), "--person", chance.choice(["anna", "ben"]),
                         "--days", chance.choice(["di,do", "mo-fr", "none"]),
                         "--max", chance.choice(["none", "weekly"])))  # fmt: skip
        elif roll < 0.5:
            contact = f"{handle}/{chance.choice(CONTACTS)}"
            todo.append(("prefer", contact, "--every", chance.choice(["weekly", "monthly"]),
                         "--channel", chance.choice(["phone", "email"])))  # fmt: skip
        elif roll < 0.53:
            todo.append(("pause", handle, "--until", f"+{chance.randint(2, 9)}d"))
        elif roll < 0.58:
            todo.append(("followup", "add", handle, f"Angebot {day}", "--due",
                         f"+{chance.randint(0, 5)}d"))  # fmt: skip
        elif roll < 0.62:
            purpose = chance.choice(["newsletter", "email-marketing"])
            action = chance.choice(["grant", "confirm", "withdraw"])
            todo.append(("consent", action, handle, "--purpose", purpose))
        elif roll < 0.64:
            todo.append(("prefer", handle, "--do-not-contact"))
        elif roll < 0.66:
            todo.append(("prefer", handle, "--may-contact"))
    return todo


def keep_the_promises(run: Run, chance: random.Random) -> None:
    """Some open promises are kept today."""
    for promise in json.loads(ok(run("followup", "list", "-f", "json")).stdout):
        if chance.random() < 0.3:
            ok(run("followup", "done", str(promise["id"])))


def said(run: Run, report: tuple[str, ...], *extra: str) -> object:
    result = run(*report, *extra)
    if report[0] == "show" and result.exit_code != 0:
        error_line(result)  # not a customer yet (then: unknown; now: not yet one)
        return "refused"
    text = ok(result).stdout
    if report[0] == "export":  # when the file was made is the one line that may differ
        return [line for line in text.splitlines() if not line.startswith("DTSTAMP")]
    return text if report[0] == "remind" else json.loads(text)


def test_every_report_as_of_a_day_says_what_it_said_that_day(
    journal: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    chance = random.Random(14)
    at(FIRST_DAY, monkeypatch)
    for colleague in ("anna", "ben"):
        ok(journal("person", "add", colleague))
    added: list[str] = []
    then: dict[date, list[object]] = {}
    for offset in range(DAYS):
        day = FIRST_DAY + timedelta(days=offset)
        at(day, monkeypatch)
        for change in changes(chance, offset, added):
            result = journal(*change)
            assert result.exit_code in (0, 1), (change, result.stderr)  # refusals allowed
        keep_the_promises(journal, chance)
        then[day] = [said(journal, report) for report in REPORTS]
    at(FIRST_DAY + timedelta(days=DAYS + 5), monkeypatch)
    for day, reports in then.items():
        for report, before in zip(REPORTS, reports, strict=True):
            assert said(journal, report, "--as-of", day.isoformat()) == before, (day, report)


def test_as_of_hides_a_customer_restricted_now_or_then(
    journal: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(date(2026, 10, 1), monkeypatch)
    for handle in ("offen", "frueher", "jetzt"):
        ok(journal("add", handle))
    ok(journal("gdpr", "restrict", "frueher"))
    at(date(2026, 10, 20), monkeypatch)
    ok(journal("gdpr", "restrict", "frueher", "--lift"))
    ok(journal("gdpr", "restrict", "jetzt"))
    at(date(2026, 11, 1), monkeypatch)

    def due_on(day: str) -> list[object]:
        rows = json.loads(ok(journal("due", "-f", "json", "--as-of", day)).stdout)
        return sorted(row["handle"] for row in rows)

    assert due_on("2026-10-10") == ["offen"]  # frueher restricted then, jetzt now
    assert due_on("2026-10-25") == ["frueher", "offen"]
    assert due_on("2026-11-01") == ["frueher", "offen"]


def test_a_customer_exists_from_their_first_dated_entry(
    journal: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(date(2026, 11, 1), monkeypatch)
    ok(journal("add", "spaet", "--since", "2026-10-20"))
    ok(journal("log", "spaet", "--at", "2026-10-10 10:00", "--kind", "call", "--note", "Messe"))
    early = ok(journal("impressions", "-f", "json", "--as-of", "2026-10-12")).stdout
    assert [row["handle"] for row in json.loads(early)] == ["spaet"]
    assert (
        json.loads(ok(journal("impressions", "-f", "json", "--as-of", "2026-10-09")).stdout) == []
    )
    assert error_line(journal("show", "spaet", "--as-of", "2026-10-09")) == (
        "Error: spaet was not a customer yet on 2026-10-09 (customer since 2026-10-20)"
    )
