"""Pins what `cli.internals` takes from Typer 0.28 beyond its documented API, so that a
Typer upgrade which moves or rewords any of it fails here, loudly, not in front of a
user (docs/design-notes.md)."""

import re

import pytest
import typer
from typer.testing import CliRunner

from kundenpflege.cli import internals
from kundenpflege.cli.commands import ORDER, app_for, full_app
from tests.conftest import Run

# One command line for each Click message the German interface translates.
TRIGGERS = {
    "No such option: {option} (Possible options: {choices})": ["due", "--limt", "3"],
    "No such option: {option}": ["due", "--zzz"],
    "No such command '{name}'.": ["fällig"],
    "Missing command.": ["followup", "--"],
    "Missing argument {name}.": ["add"],
    "Missing option {name}.": ["pause", "k"],
    "Got unexpected extra arguments ({extra})": ["due", "a", "b"],
    "Option {option} needs a value.": ["due", "--limit"],
    "Option {option} does not take a value.": ["due", "--excel=1"],
    "Invalid value for {name}: {problem}": ["log", "k", "--mood", "5"],
    "{value} is not one of {choices}.": ["due", "--format", "xml"],
    "{value} is not a whole number.": ["followup", "done", "x"],
    "{value} is not a number.": ["log", "k", "--amount", "x"],
    "{value} is not in the range {range}.": ["log", "k", "--mood", "5"],
}


def test_typer_is_the_version_these_internals_were_written_for() -> None:
    assert typer.__version__.startswith("0.28."), (
        "Typer changed: check cli/internals.py against it, then update this pin"
    )


def test_every_translated_click_message_is_still_what_click_says(journal: Run) -> None:
    assert set(TRIGGERS) == {template for _pattern, template in internals.CLICK_ERRORS}
    matched = set()
    for arguments in TRIGGERS.values():
        result = journal(*arguments)
        assert result.exit_code == 2, (arguments, result.stderr)
        message = result.stderr.removeprefix("Error: ").rstrip("\n")
        for pattern, template in internals.CLICK_ERRORS:
            found = re.fullmatch(pattern, message)
            if found:
                matched.add(template)
                matched |= {
                    inner
                    for part in found.groupdict().values()
                    for pattern_inside, inner in internals.CLICK_ERRORS
                    if re.fullmatch(pattern_inside, part)
                }
                break
        else:
            pytest.fail(f"Click's message changed: {message!r} ({arguments})")
    assert matched == set(TRIGGERS)


@pytest.mark.parametrize("arguments", list(TRIGGERS.values()), ids=lambda args: " ".join(args))
def test_no_click_message_stays_english_in_german(journal: Run, arguments: list[str]) -> None:
    english = journal(*arguments).stderr.removeprefix("Error: ")
    german = journal("--lang", "de", *arguments).stderr
    assert german.startswith("Fehler: "), german
    prose = re.sub(r"'[^']*'|--?[\w-]+|\([^)]*\)", "", english)  # not names and values
    words = set(re.findall(r"[a-z]{4,}", prose))
    assert not {word for word in words if re.search(rf"\b{word}\b", german)}, german


def test_the_help_formatter_speaks_german() -> None:
    page = CliRunner().invoke(full_app(), ["--lang", "de", "due", "--help"]).stdout
    assert page.startswith("Aufruf: ")
    assert "Optionen:" in page and "[Standard: 7;" in page
    assert "Show this message and exit." not in page


def test_the_overview_lists_every_command_without_building_them() -> None:
    overview = app_for(["--help"])
    listed = [info.name for info in overview.registered_commands]
    assert listed == list(ORDER)
    assert {info.callback for info in overview.registered_commands} == {internals.listed_only}
    assert overview.registered_callback is full_app().registered_callback


def test_a_command_line_builds_only_its_command() -> None:
    single = app_for(["--db", "x.db", "due", "--limit", "3"])
    assert [internals.registered_name(info) for info in single.registered_commands] == ["due"]
    assert single.registered_groups == []
    group = app_for(["consent", "list"])
    assert [info.name for info in group.registered_groups] == ["consent"]
    assert app_for(["dew"]) is full_app()  # unknown: the full app suggests close names


def test_every_command_module_registers_what_the_table_says() -> None:
    app = full_app()
    registered = [internals.registered_name(info) for info in app.registered_commands]
    registered += [internals.registered_name(info) for info in app.registered_groups]
    assert sorted(registered) == sorted(ORDER)
