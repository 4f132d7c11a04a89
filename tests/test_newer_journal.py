"""A journal written by a newer kundenpflege is read, never written; an empty or
foreign file is never turned into a journal by a command that only reads (issue 12 §6)."""

from pathlib import Path

import pytest

from tests.conftest import Run, error_line, journal_rows, journal_snapshot, ok

NEWER = "Error: {path} comes from a newer kundenpflege (m999_future); upgrade kundenpflege"
WARNING = (
    "Warning: {path} comes from a newer kundenpflege (m999_future); upgrade kundenpflege;"
    " nothing was changed\n"
)


@pytest.fixture
def newer(journal: Run) -> Run:
    ok(journal("add", "k", "--name", "Kunde"))
    ok(journal("log", "k", "--at", "2026-06-01", "--kind", "call"))
    journal_rows("INSERT INTO migrations VALUES ('m999_future', 'x')")
    return journal


@pytest.mark.parametrize(
    "arguments",
    [
        ["add", "x2"],
        ["log", "k", "--kind", "call", "--note", "n"],
        ["prefer", "k", "--every", "monthly"],
        ["pause", "k", "--until", "+1w"],
        ["edit", "k", "--tier", "A"],
        ["followup", "add", "k", "Angebot", "--due", "+1d"],
        ["gdpr", "forget", "k", "--yes"],
        ["init", "--default-every", "monthly"],
    ],
)
def test_every_write_is_refused(newer: Run, journal_name: str, arguments: list[str]) -> None:
    before = journal_snapshot()
    assert error_line(newer(*arguments)) == NEWER.format(path=journal_name)
    assert journal_snapshot() == before


def test_the_refusal_in_german(newer: Run, journal_name: str) -> None:
    result = newer("--lang", "de", "add", "x2")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"Fehler: {journal_name} stammt von einem neueren kundenpflege (m999_future);"
        " bitte kundenpflege aktualisieren\n",
    )


def test_reports_work_with_one_warning(newer: Run, journal_name: str) -> None:
    for arguments in (["due"], ["list"], ["show", "k"], ["value"]):
        result = ok(newer(*arguments))
        assert result.stdout
        assert result.stderr.endswith(WARNING.format(path=journal_name)), result.stderr
        assert result.stderr.count("Warning:") == 1


def test_remind_is_silent_when_nothing_is_due(newer: Run, journal_name: str) -> None:
    quiet = ok(newer("remind", "--as-of", "2026-06-02"))
    assert (quiet.stdout, quiet.stderr) == ("", "")
    loud = ok(newer("remind"))
    assert loud.stdout and loud.stderr == WARNING.format(path=journal_name)


def test_doctor_calls_it_a_problem(newer: Run) -> None:
    result = newer("doctor")
    assert result.exit_code == 1
    assert "problem  schema: from a newer kundenpflege: m999_future; upgrade kundenpflege" in (
        result.stdout
    )


@pytest.mark.file_only
@pytest.mark.parametrize("command", [["due"], ["list"], ["log", "k", "--kind", "call"]])
def test_an_empty_file_is_never_made_a_journal_by_another_command(
    run: Run, db_path: Path, command: list[str]
) -> None:
    db_path.touch(mode=0o644)
    assert error_line(run(*command)) == (
        f"Error: {db_path} is empty, not a kundenpflege journal; make it one with"
        f" 'kundenpflege --db {db_path} init'"
    )
    assert db_path.read_bytes() == b""
    ok(run("init"))
    ok(run("add", "k"))
