from kundenpflege import clock, paths
from kundenpflege.domain import journal as unit_of_work
from kundenpflege.interop import demo_data
from tests.conftest import ON_SERVER, Run, error_line, journal_rows, ok


def test_demo_builds_a_plausible_journal(run: Run, other_journal_address: str) -> None:
    path = other_journal_address
    shown = paths.journal_location(path)
    result = ok(run("--db", path, "demo"))
    assert result.stderr == f"Created a demo journal with 40 invented customers: {shown}\n"
    [(customers, interactions, people)] = journal_rows(
        "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM interactions),"
        " (SELECT count(*) FROM people)",
        address=path,
    )
    assert customers == 40
    assert people == 2
    assert 100 <= interactions <= 400
    [(first, last)] = journal_rows(
        "SELECT min(occurred_on), max(occurred_on) FROM interactions", address=path
    )
    assert first >= "2026-05-27" and last <= "2026-11-25"
    kinds = {
        kind for (kind,) in journal_rows("SELECT DISTINCT kind FROM interactions", address=path)
    }
    assert {"complaint", "order", "call"} <= kinds
    names = journal_rows("SELECT name FROM customers", address=path)
    assert "Müller" in "".join(name for (name,) in names)
    due = ok(run("--db", path, "due")).stdout
    assert "last impression negative" in due


def test_demo_is_reproducible(journal_address: str, other_journal_address: str) -> None:
    dumps = []
    for address in (journal_address, other_journal_address):
        connection, _ = unit_of_work.create_journal(paths.journal_location(address), clock.now())
        with unit_of_work.change(connection):
            demo_data.build(connection, clock.now(), count=15, seed=3)
        dumps.append(
            connection.execute("SELECT group_concat(note, '|') FROM interactions").fetchone()
        )
        connection.close()
    assert dumps[0] == dumps[1]


def test_demo_never_overwrites_a_journal(journal: Run, journal_name: str) -> None:
    if ON_SERVER:  # a database is there before the journal: it must hold none yet
        said = f"Error: {journal_name} holds a journal already; the demo only writes to a new one"
    else:
        said = f"Error: {journal_name} exists already; the demo only writes to a new file"
    assert error_line(journal("demo")) == said
