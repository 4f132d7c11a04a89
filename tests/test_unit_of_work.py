"""The core keeps its derived state by itself: whatever sequence of changes and
corrections people make, the stored next due, last contact, risk and signal columns
equal a fresh recomputation from the entries, nothing is left marked for later, the
reports read as those of a journal rebuilt from the surviving entries alone, and
`undo` puts the journal back exactly as it was before the change it reverses."""

import csv
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from typer.testing import CliRunner, Result

from kundenpflege import clock, paths
from kundenpflege.domain import customers, gdpr, interactions, preferences, schedule, search_index
from kundenpflege.domain import journal as unit_of_work
from kundenpflege.domain.consent import subject
from kundenpflege.errors import KundenpflegeError
from kundenpflege.storage import fulltext
from tests.conftest import (
    APP,
    ON_SERVER,
    TODAY,
    Run,
    has_journal,
    journal_content,
    journal_rows,
    ok,
    search_content,
)

HANDLES = st.sampled_from(["anker", "berg", "chen", "dorn"])
DAYS = st.dates(min_value=TODAY.replace(year=2026, month=5), max_value=TODAY)
FUTURE = st.integers(min_value=1, max_value=120).map(lambda days: f"+{days}d")
RHYTHMS = st.sampled_from(["weekly", "alle 2 Wochen", "monthly", "quarterly", "none"])
WEEKDAYS = st.sampled_from(["di,do", "mo-fr", "mi", "none"])
STATUSES = st.sampled_from(["active", "prospect", "paused", "former"])


def indexed(text: str) -> str:
    """What the index keeps of a text: folded; on a server its words alone (fulltext.store)."""
    folded = search_index.fold(text)
    return " ".join(fulltext._WORD.findall(folded)) if ON_SERVER else folded


def check_derived_state(connection: sqlite3.Connection) -> None:
    everyone = [row[0] for row in connection.execute("SELECT id FROM customers ORDER BY id")]
    assert schedule.stored(connection, everyone) == schedule.computed(connection, everyone)
    assert schedule.stored_contacts(connection, everyone) == schedule.computed_contacts(
        connection, everyone
    )
    assert schedule.stored_breaches(connection, everyone) == schedule.computed_breaches(
        connection, everyone
    )
    assert schedule.stale_followups(connection) == []
    assert connection.execute("SELECT count(*) FROM pending_refresh").fetchone()[0] == 0
    # The search index holds exactly what the entries say, folded, nothing left marked.
    assert search_content(connection) == sorted((
        (entry.kind, entry.ref, entry.customer_id, entry.day, indexed(entry.text))
        for kind in search_index.SOURCES
        for entry in search_index.entries(connection, kind, [
            row[0] for row in connection.execute(search_index.SOURCES[kind].format(ids="TRUE"))])
    ), key=repr)  # fmt: skip
    assert connection.execute("SELECT count(*) FROM search_pending").fetchone()[0] == 0


class Journal(RuleBasedStateMachine):
    """Today's write commands, through the command line, in any order."""

    # Where each example's journals live: files in a folder of its own, or on
    # PostgreSQL fresh databases (the test's fixture makes them and drops them after).
    new_database: Callable[[], str] | None = None

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.path = self.new_journal("journal.db")
        self.runner = CliRunner()
        # What the journal held before each change undo can still reverse (None: a
        # command made several changes; only the first one's "before" is known).
        self.undoable: list[dict[str, list[tuple[object, ...]]] | None] = []
        self.rebuilds = 0
        self.run("init")
        self.run("person", "add", "anna")
        self.run("person", "add", "ben")

    def teardown(self) -> None:
        try:
            self.reports_read_as_if_rebuilt_from_the_entries()
        finally:
            self.folder.cleanup()

    def new_journal(self, name: str) -> str:
        if Journal.new_database is not None:
            return Journal.new_database()
        return str(Path(self.folder.name) / name)

    def invoke(self, *arguments: str, db: str | None = None) -> Result:
        result = self.runner.invoke(APP, ["--db", db or self.path, *arguments])
        assert isinstance(result.exception, SystemExit | None), repr(result.exception)
        assert result.exit_code in (0, 1), (arguments, result.stderr)
        if result.exit_code:
            assert result.stderr.startswith("Error: "), result.stderr
        return result

    def run(self, *arguments: str) -> None:
        """A change, and what undo will have to put back."""
        before, last = (
            journal_content(self.path),
            max([0, *(number for number, _stop in self.changes())]),
        )
        self.invoke(*arguments)
        made = [change for change in self.changes() if change[0] > last]
        if any(stop for _id, stop in made):
            self.undoable.clear()
        elif made:
            self.undoable += [before] + [None] * (len(made) - 1)

    def changes(self) -> list[tuple[int, str | None]]:
        if not has_journal(self.path):
            return []
        found = journal_rows("SELECT id, stop FROM changes ORDER BY id", address=self.path)
        return [(int(number), stop) for number, stop in found]

    @rule(handle=HANDLES, status=STATUSES, since=DAYS)
    def add(self, handle: str, status: str, since: object) -> None:
        self.run("add", handle, "--status", status, "--since", str(since))

    @rule(handle=HANDLES, status=STATUSES, tier=st.sampled_from(["A", "B", "C"]))
    def edit(self, handle: str, status: str, tier: str) -> None:
        self.run("edit", handle, "--status", status, "--tier", tier)

    @rule(
        handle=HANDLES,
        person=st.sampled_from(["anna", "ben", "none"]),
        every=RHYTHMS,
        days=WEEKDAYS,
        maximum=st.sampled_from(["weekly", "monthly", "none"]),
        do_not_contact=st.booleans(),
        said=DAYS,
    )
    def prefer(self, handle: str, person: str, every: str, days: str, maximum: str,
               do_not_contact: bool, said: object) -> None:  # fmt: skip
        contact = "--do-not-contact" if do_not_contact else "--may-contact"
        self.run("prefer", handle, "--person", person, "--every", every, "--days", days,
                 "--max", maximum, contact, "--said", str(said))  # fmt: skip

    @rule(
        handle=HANDLES,
        day=DAYS,
        kind=st.sampled_from(["call", "visit", "email", "order", "complaint", "apology"]),
        direction=st.sampled_from(["in", "out"]),
        mood=st.integers(min_value=-2, max_value=2),
        followup=st.none() | FUTURE,
    )
    def log(self, handle: str, day: object, kind: str, direction: str, mood: int,
            followup: str | None) -> None:  # fmt: skip
        extra = ["--followup", followup] if followup else []
        self.run("log", handle, "--at", f"{day} 10:00", "--kind", kind, "--direction",
                 direction, "--mood", str(mood), "--note", "n", *extra)  # fmt: skip

    @rule(handle=HANDLES, until=FUTURE)
    def pause(self, handle: str, until: str) -> None:
        self.run("pause", handle, "--until", until)

    @rule(handle=HANDLES, due=FUTURE)
    def followup_add(self, handle: str, due: str) -> None:
        self.run("followup", "add", handle, "Angebot", "--due", due)

    @rule(number=st.integers(min_value=1, max_value=8))
    def followup_cancel(self, number: int) -> None:
        self.run("followup", "cancel", str(number))

    @rule(number=st.integers(min_value=1, max_value=8), due=FUTURE)
    def followup_edit(self, number: int, due: str) -> None:
        self.run("followup", "edit", str(number), "--due", due)

    @rule(number=st.integers(min_value=1, max_value=8))
    def followup_done(self, number: int) -> None:
        self.run("followup", "done", str(number))

    @rule(number=st.integers(min_value=1, max_value=8), until=FUTURE)
    def followup_snooze(self, number: int, until: str) -> None:
        self.run("followup", "snooze", str(number), "--until", until)

    @rule(
        rows=st.lists(
            st.tuples(HANDLES | st.sampled_from(["neu-1", "neu-2"]), RHYTHMS, STATUSES),
            min_size=1,
            max_size=4,
        )
    )
    def import_csv(self, rows: list[tuple[str, str, str]]) -> None:
        path = Path(self.folder.name) / "import.csv"
        with path.open("w", newline="", encoding="utf-8") as target:
            writer = csv.writer(target)
            writer.writerow(["handle", "name", "every", "status"])
            for handle, every, status in rows:
                writer.writerow([handle, handle.title(), "" if every == "none" else every, status])
        self.run("import", "csv", str(path))

    @rule(rhythm=RHYTHMS.filter(lambda rhythm: rhythm != "none"))
    def default_rhythm(self, rhythm: str) -> None:
        self.run("init", "--default-every", rhythm)

    @rule(
        number=st.integers(min_value=1, max_value=12),
        day=DAYS,
        direction=st.sampled_from(["in", "out"]),
        mood=st.integers(min_value=-2, max_value=2),
    )
    def interaction_edit(self, number: int, day: object, direction: str, mood: int) -> None:
        self.run("interaction", "edit", str(number), "--at", f"{day} 09:00", "--direction",
                 direction, "--mood", str(mood))  # fmt: skip

    @rule(number=st.integers(min_value=1, max_value=12))
    def interaction_delete(self, number: int) -> None:
        self.run("interaction", "delete", str(number), "--yes")

    @rule(handle=HANDLES, lift=st.booleans())
    def restrict(self, handle: str, lift: bool) -> None:
        self.run("gdpr", "restrict", handle, *(["--lift"] if lift else []))

    @rule(handle=HANDLES)
    def forget(self, handle: str) -> None:
        self.run("gdpr", "forget", handle, "--yes")

    @rule(handle=HANDLES, name=st.sampled_from(["Petra", "Jan"]))
    def contact_add(self, handle: str, name: str) -> None:
        self.run("contact", "add", handle, name)

    @rule(handle=HANDLES, name=st.sampled_from(["Petra", "Jan"]), main=st.booleans())
    def contact_edit(self, handle: str, name: str, main: bool) -> None:
        self.run("contact", "edit", f"{handle}/{name}", "--role", "Einkauf",
                 *(["--main"] if main else []))  # fmt: skip

    @rule(handle=HANDLES, name=st.sampled_from(["Petra", "Jan"]))
    def contact_remove(self, handle: str, name: str) -> None:
        self.run("contact", "remove", f"{handle}/{name}", "--yes")

    @rule(
        handle=HANDLES,
        name=st.sampled_from(["Petra", "Jan"]),
        every=RHYTHMS,
        days=WEEKDAYS,
        do_not_contact=st.booleans(),
        said=DAYS,
    )
    def prefer_contact(self, handle: str, name: str, every: str, days: str,
                       do_not_contact: bool, said: object) -> None:  # fmt: skip
        contact = "--do-not-contact" if do_not_contact else "--may-contact"
        self.run("prefer", f"{handle}/{name}", "--every", every, "--days", days, contact,
                 "--said", str(said))  # fmt: skip

    @rule(handle=HANDLES, day=DAYS, name=st.sampled_from(["Petra", "Jan"]))
    def log_with_contact(self, handle: str, day: object, name: str) -> None:
        self.run("log", handle, "--at", f"{day} 11:00", "--contact", name, "--kind", "call")

    @rule(handle=HANDLES, name=st.sampled_from(["", "Petra"]))
    def fact_add(self, handle: str, name: str) -> None:
        self.run("fact", "add", f"{handle}/{name}" if name else handle, "Segelt gern")

    @rule(number=st.integers(min_value=1, max_value=6))
    def fact_remove(self, number: int) -> None:
        self.run("fact", "remove", str(number))

    @rule(handle=HANDLES, name=st.sampled_from(["", "Jan"]), day=DAYS)
    def date_add(self, handle: str, name: str, day: date) -> None:
        self.run("date", "add", f"{handle}/{name}" if name else handle, "--anniversary",
                 f"{day.day}.{day.month}.")  # fmt: skip

    @rule(number=st.integers(min_value=1, max_value=6))
    def date_remove(self, number: int) -> None:
        self.run("date", "remove", str(number))

    @rule(handle=HANDLES)
    def consent(self, handle: str) -> None:
        self.run("consent", "grant", handle, "--purpose", "newsletter")

    @rule(old=st.sampled_from(["anna", "ben", "clara"]), new=st.sampled_from(["anna", "clara"]))
    def person_rename(self, old: str, new: str) -> None:
        self.run("person", "rename", old, new)

    @rule(person=st.sampled_from(["anna", "ben", "clara"]), other=st.sampled_from(["anna", "ben"]))
    def person_remove(self, person: str, other: str) -> None:
        self.run("person", "remove", person, "--reassign", other)

    @rule()
    def undo(self) -> None:
        result = self.invoke("undo", "--yes")
        if result.exit_code:
            assert not self.undoable, result.stderr
            return
        before = self.undoable.pop()
        if before is not None:
            assert journal_content(self.path) == before

    def reports_read_as_if_rebuilt_from_the_entries(self) -> None:
        """`due`, `health`, `impressions`, `fairness` and `pulse` equal those of a new
        journal loaded with what `export json` says survives."""
        exported = Path(self.folder.name) / "journal.json"
        rebuilt = self.new_journal(f"rebuilt-{len(list(Path(self.folder.name).glob('r*')))}.db")
        exported.write_text(self.invoke("export", "json").stdout, encoding="utf-8")
        self.invoke("init", db=rebuilt)
        loaded = self.invoke("import", "json", str(exported), db=rebuilt)
        assert loaded.exit_code == 0, loaded.stderr
        for report in ("due", "health", "impressions", "fairness", "pulse"):
            arguments = (report, "--format", "json")
            assert self.invoke(*arguments).stdout == self.invoke(*arguments, db=rebuilt).stdout

    @invariant()
    def derived_state_is_current(self) -> None:
        connection = unit_of_work.open_journal(
            paths.journal_location(self.path), clock.now(), upgrade=False
        )
        try:
            check_derived_state(connection)
        finally:
            connection.close()


PROFILE = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


def test_derived_state_after_any_changes(
    new_journal_address: Callable[[], str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The short profile (make test)."""
    monkeypatch.setattr(Journal, "new_database", new_journal_address)
    Journal.TestCase.settings = settings(max_examples=20, stateful_step_count=20, **PROFILE)
    Journal.TestCase().runTest()


@pytest.mark.slow
def test_derived_state_after_many_changes(
    new_journal_address: Callable[[], str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The long profile (make test-slow)."""
    monkeypatch.setattr(Journal, "new_database", new_journal_address)
    Journal.TestCase.settings = settings(max_examples=100, stateful_step_count=40, **PROFILE)
    Journal.TestCase().runTest()


def test_a_library_caller_gets_the_same_guarantees(connection: sqlite3.Connection) -> None:
    """Domain functions called on their own run in a change of their own."""
    customer_id = customers.add(connection, handle="k", name="K", since=TODAY, now=clock.now())
    assert not connection.in_transaction
    interactions.log(connection, customer_id, at=clock.now(), now=clock.now(), kind="call")
    check_derived_state(connection)
    preferences.pause(connection, customer_id, TODAY.replace(year=2027), now=clock.now())
    assert connection.execute("SELECT next_due FROM customers").fetchone()[0] == "2027-11-25"
    gdpr.forget(connection, subject(connection, "k"), clock.now(), "anna")
    assert connection.execute("SELECT count(*) FROM customers").fetchone()[0] == 0
    if not ON_SERVER:  # a file's WAL; a server vacuums (tests/test_engines.py)
        wal = Path(f"{connection.execute('PRAGMA database_list').fetchone()[2]}-wal")
        assert wal.stat().st_size == 0  # the erasure emptied the WAL


def test_changes_join_the_open_one_and_fail_as_one(connection: sqlite3.Connection) -> None:
    with pytest.raises(KundenpflegeError), unit_of_work.change(connection):
        customers.add(connection, handle="k", name="K", since=TODAY, now=clock.now())
        customers.add(connection, handle="k", name="K", since=TODAY, now=clock.now())
    assert connection.execute("SELECT count(*) FROM customers").fetchone()[0] == 0
    assert connection.execute("SELECT count(*) FROM pending_refresh").fetchone()[0] == 0


def test_an_erasure_runs_on_its_own(connection: sqlite3.Connection) -> None:
    customers.add(connection, handle="k", name="K", since=TODAY, now=clock.now())
    with pytest.raises(KundenpflegeError, match="an erasure runs on its own"):
        with unit_of_work.change(connection):
            gdpr.forget(connection, subject(connection, "k"), clock.now(), None)
    assert connection.execute("SELECT count(*) FROM customers").fetchone()[0] == 1


def test_a_dry_run_keeps_nothing(connection: sqlite3.Connection) -> None:
    with unit_of_work.change(connection, keep=False):
        customers.add(connection, handle="k", name="K", since=TODAY, now=clock.now())
    assert connection.execute("SELECT count(*) FROM customers").fetchone()[0] == 0


def test_writes_from_outside_are_settled_on_the_next_open(journal_address: str) -> None:
    """A change made with another SQLite tool (or SQL client) marks customers like ours
    do; the next open recomputes them."""
    where = paths.journal_location(journal_address)
    connection, _ = unit_of_work.create_journal(where, clock.now())
    customers.add(connection, handle="k", name="K", since=TODAY, now=clock.now())
    connection.close()
    journal_rows("UPDATE customers SET paused_until = '2027-03-01'")
    reopened = unit_of_work.open_journal(where, clock.now())
    assert reopened.execute("SELECT next_due FROM customers").fetchone()[0] == "2027-03-01"
    check_derived_state(reopened)
    reopened.close()


def test_storage_refuses_connections_it_did_not_open() -> None:
    from kundenpflege.storage import db

    plain = sqlite3.connect(":memory:")
    with pytest.raises(TypeError, match="open the journal with storage.db"):
        with db.unit_of_work(plain, unit_of_work.recompute):
            pass


def test_a_date_another_program_wrote_is_named_and_can_be_repaired(journal: Run) -> None:
    ok(journal("add", "x"))
    ok(journal("add", "y"))
    journal_rows("UPDATE customers SET paused_until = '31.12.2026' WHERE handle = 'x'")
    ok(journal("list"))  # reading goes on
    doctor = journal("doctor")
    assert doctor.exit_code == 1
    assert (
        "problem  derived state: customer x holds a value that is not a date (Invalid"
        " isoformat string: '31.12.2026'); correct it with 'kundenpflege pause' or"
        " 'kundenpflege edit'"
    ) in doctor.stdout
    ok(journal("pause", "x", "--until", "2027-01-05"))
    assert "ok       derived state: current" in ok(journal("doctor")).stdout


def test_removing_the_default_rhythm_from_outside_replans_everyone(journal_address: str) -> None:
    where = paths.journal_location(journal_address)
    connection, _ = unit_of_work.create_journal(where, clock.now())
    customers.add(connection, handle="k", name="K", since=TODAY, now=clock.now())
    from kundenpflege.domain import rhythm
    from kundenpflege.domain.dates import parse_frequency

    rhythm.set_default_frequency(connection, parse_frequency("monthly"))
    connection.close()
    journal_rows("DELETE FROM settings WHERE key = 'default_frequency'")
    reopened = unit_of_work.open_journal(where, clock.now())
    check_derived_state(reopened)
    reopened.close()
