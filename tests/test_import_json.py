"""`import json` checks every value by the rules of the commands, all or nothing,
naming the JSON path of the first bad value (issue 12 §5)."""

import json
from pathlib import Path

import pytest

from tests.conftest import Run, error_line, journal_snapshot, ok


@pytest.fixture
def export(journal: Run, tmp_path: Path) -> dict[str, object]:
    ok(journal("add", "k", "--name", "Kunde", "--value", "1200"))
    ok(journal("person", "add", "anna"))
    ok(journal("log", "k", "--kind", "order", "--amount", "100", "--note", "n", "--followup",
               "+2d"))  # fmt: skip
    data: dict[str, object] = json.loads(ok(journal("export", "json")).stdout)
    return data


@pytest.fixture
def target(other_journal_address: str) -> str:
    """A second journal of the same engine to import into."""
    return other_journal_address


def load(run: Run, tmp_path: Path, target: str, data: object) -> tuple[str, Path, str]:
    ok(run("--db", target, "init"))
    source = tmp_path / "in.json"
    source.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return target, source, str(source)


def tampered(data: dict[str, object], table: str, column: str, value: object) -> object:
    copy = json.loads(json.dumps(data))
    copy["tables"][table][0][column] = value
    return copy


@pytest.mark.parametrize(
    ("table", "column", "value", "problem"),
    [
        ("customers", "customer_since", "garbage", "'garbage' is not a date"),
        ("customers", "annual_value", 1e308 * 10,
         "amount inf is not an amount of money up to 1,000,000,000 EUR"),
        ("customers", "annual_value", 5e9,
         "amount 5e+09 is not an amount of money up to 1,000,000,000 EUR"),
        ("customers", "handle", "../../BAD handle \x1b[2J",
         "customer handle '../../BAD handle \\x1b[2J' may only use a-z, 0-9, '.', '_' and '-'"
         " and must start with a letter or digit"),
        ("people", "handle", "Bad Person!",
         "person handle 'Bad Person!' may only use a-z, 0-9, '.', '_' and '-' and must start"
         " with a letter or digit"),
        ("customers", "id", 2**70, f"not a whole number from 1 to {2**62}"),
        ("interactions", "mood", 7, "not a whole number from -2 to 2"),
        ("interactions", "occurred_on", "2026-02-31", "'2026-02-31' is not a date"),
        ("followups", "due_on", "+9999y", "'+9999y' is not a date"),
        ("customers", "status", "vip", "not one of active, prospect, paused, former"),
    ],
)  # fmt: skip
def test_a_bad_value_is_named_by_its_path_and_nothing_is_imported(
    journal: Run, tmp_path: Path, target: str, export: dict[str, object], table: str, column: str,
    value: object, problem: str,
) -> None:  # fmt: skip
    _target, source, name = load(journal, tmp_path, target, tampered(export, table, column, value))
    before = journal_snapshot(target)
    result = journal("--db", target, "import", "json", name)
    assert error_line(result) == f"Error: {name}: tables.{table}[0].{column}: {problem}"
    assert journal_snapshot(target) == before


def test_derived_columns_are_recomputed_not_read(
    journal: Run, tmp_path: Path, target: str, export: dict[str, object]
) -> None:
    data = tampered(export, "customers", "next_due", "not-a-date")
    _target, _source, name = load(journal, tmp_path, target, data)
    ok(journal("--db", target, "import", "json", name))
    [row] = json.loads(ok(journal("--db", target, "list", "-f", "json")).stdout)
    assert row["next_due"] == "2027-02-25"
    for report in (["due"], ["health"], ["remind"], ["export", "ical"], ["value"]):
        ok(journal("--db", target, *report))


def test_deep_nesting_is_one_error_line(journal: Run, tmp_path: Path, target: str) -> None:
    _target, _source, name = load(journal, tmp_path, target, "[" * 100_000)
    assert error_line(journal("--db", target, "import", "json", name)) == (
        f"Error: {name}: nested too deeply to be a journal export"
    )


def test_a_row_that_refers_to_nothing_is_refused(
    journal: Run, tmp_path: Path, target: str, export: dict[str, object]
) -> None:
    data = tampered(export, "interactions", "customer_id", 99)
    _target, _source, name = load(journal, tmp_path, target, data)
    assert error_line(journal("--db", target, "import", "json", name)) == (
        f"Error: {name}: tables.interactions[0]: refers to a row that is not there;"
        " nothing was imported"
    )


def test_corrections_come_back_from_an_export(
    export: dict[str, object], journal: Run, tmp_path: Path, target: str
) -> None:
    """A cancelled promise (m010) and a colleague who left (m011) load back as they were."""
    ok(journal("followup", "cancel", "1"))
    ok(journal("person", "add", "ben"))
    ok(journal("prefer", "k", "--person", "anna"))
    ok(journal("person", "remove", "anna", "--reassign", "ben"))
    data = json.loads(ok(journal("export", "json")).stdout)
    _target, _source, name = load(journal, tmp_path, target, data)
    ok(journal("--db", target, "import", "json", name))
    again = json.loads(ok(journal("--db", target, "export", "json")).stdout)
    assert again["tables"] == data["tables"]
    assert [row["status"] for row in again["tables"]["followups"]] == ["cancelled"]
