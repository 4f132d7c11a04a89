"""Tab completion, asked as each shell's script asks (Typer 0.28's protocol): bash
sends COMP_WORDS (joined by newlines) and COMP_CWORD, zsh and fish the line typed so
far in _TYPER_COMPLETE_ARGS. Most tests run `cli.commands.run` in this process; the
real programs `kundenpflege` and `kp` are run where their name matters."""

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pytest

from kundenpflege.cli import commands, internals
from kundenpflege.cli.completion import OFFERS, Offered
from kundenpflege.domain.consent import PURPOSES
from tests.conftest import Run, ok

BIN = Path(sys.executable).parent
# TAB reads the names from the journal FILE, read-only (storage/names.py); for a
# journal on a server it offers none, by design (no connection on every TAB).
FROM_THE_FILE = pytest.mark.file_only
FIXTURE = Path(__file__).parent / "fixtures" / "journal-m005.kundenpflege"

Ask = Callable[..., str]


@pytest.fixture
def ask(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Ask:
    """What the program prints when a shell's script runs it with `variables`; it
    must say nothing on stderr and succeed, whatever the journal."""

    def asking(variables: dict[str, str], program: str = "kundenpflege") -> str:
        capsys.readouterr()
        with monkeypatch.context() as patch:
            for name, value in variables.items():
                patch.setenv(name, value)
            patch.setattr(sys, "argv", [str(BIN / program)])
            with pytest.raises(SystemExit) as stopped:
                commands.run([])
        out, err = capsys.readouterr()
        assert (stopped.value.code, err) == (0, ""), err
        return out

    return asking


def bash(ask: Ask, *words: str, program: str = "kundenpflege") -> list[str]:
    """What bash offers for `words` as typed, TAB at the end of the last one."""
    out = ask(
        {
            internals.complete_variable(program): "complete_bash",
            "COMP_WORDS": "\n".join([program, *words]),
            "COMP_CWORD": str(len(words)),
        },
        program,
    )
    return [line for line in out.split("\n") if line]  # as bash reads them (IFS=newline)


def zsh(ask: Ask, line: str) -> str:
    return ask({"_KUNDENPFLEGE_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line})


def fish(ask: Ask, line: str) -> list[str]:
    out = ask(
        {
            "_KUNDENPFLEGE_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            "_TYPER_COMPLETE_ARGS": line,
        }
    )
    return out.splitlines()


def program(name: str, *arguments: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """The installed program `name` (kundenpflege or kp), run as a shell would."""
    return subprocess.run(
        [str(BIN / name), *arguments],
        env={**os.environ, **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def customers(journal: Run) -> Run:
    """Two customers, contacts with spaces in their names, two of us, one promise."""
    for arguments in (
        ("add", "mueller-bau", "--name", "Müller Bau GmbH"),
        ("add", "muench"),
        ("add", "bauer"),
        ("contact", "add", "mueller-bau", "Petra Müller"),
        ("contact", "add", "mueller-bau", "Hans Berg"),
        ("person", "add", "anna"),
        ("person", "add", "ben"),
    ):
        ok(journal(*arguments))
    return journal


def test_every_offer_has_its_callback() -> None:
    assert set(OFFERS) == set(get_args(Offered))


def test_commands_and_the_commands_of_a_group(ask: Ask) -> None:
    assert bash(ask, "fo") == ["followup"]
    assert {"due", "log", "followup", "gdpr", "init"} <= set(bash(ask, ""))
    assert set(bash(ask, "followup", "")) == {"add", "done", "snooze", "cancel", "edit", "list"}
    assert bash(ask, "--db", "x.db", "impr") == ["impressions"]


def test_options_come_from_the_real_command_not_the_overview(ask: Ask) -> None:
    assert bash(ask, "log", "mueller-bau", "--ch") == ["--channel"]
    assert {"--person", "--format", "--limit", "--as-of"} <= set(bash(ask, "due", "--"))
    assert {"--db", "--lang", "--install-completion", "--show-completion"} <= set(bash(ask, "--"))


@pytest.mark.parametrize(
    ("words", "offered"),
    [
        (["due", "--format", ""], ["table", "csv", "json"]),
        (["--lang", ""], ["de", "en"]),
        (
            ["log", "x", "--channel", ""],
            ["phone", "email", "visit", "video", "letter", "messenger", "newsletter"],
        ),
        (["log", "x", "--channel", "tel"], ["telefon", "tel"]),  # the other words for a name
        (["log", "x", "--kind", "comp"], ["complaint"]),
        (["interaction", "edit", "3", "--direction", ""], ["in", "out"]),
        (["log", "x", "--mood", ""], ["-2", "-1", "0", "1", "2"]),
        (["impressions", "--mood", ""], ["-2", "-1", "0", "1", "2"]),
        (["consent", "grant", "x", "--purpose", ""], list(PURPOSES)),
        (["prefer", "x", "--every", "quar"], ["quarterly", "quartalsweise"]),
        (["prefer", "x", "--max", "monat"], ["monatlich"]),
        (["init", "--default-every", "week"], ["weekly"]),
    ],
)
def test_the_values_an_option_understands(ask: Ask, words: list[str], offered: list[str]) -> None:
    assert bash(ask, *words) == offered


@FROM_THE_FILE
def test_customer_handles(customers: Run, ask: Ask) -> None:
    assert bash(ask, "show", "mu") == ["mueller-bau", "muench"]
    assert bash(ask, "log", "") == ["bauer", "mueller-bau", "muench"]
    assert bash(ask, "interaction", "list", "b") == ["bauer"]
    assert bash(ask, "followup", "list", "--customer", "muen") == ["muench"]
    assert bash(ask, "show", "x") == []


@FROM_THE_FILE
def test_a_contact_is_quoted_as_each_shell_needs_it(customers: Run, ask: Ask) -> None:
    ok(customers("contact", "add", "muench", "Jo O'Neil & Co"))
    petra = ["mueller-bau/Petra\\ Müller"]
    assert bash(ask, "contact", "edit", "mueller-bau/P") == petra
    assert bash(ask, "contact", "edit", "mueller-bau/Petra\\ M") == petra  # as bash keeps it
    # Begun in quotes, the name goes in as it is: bash closes the quote itself.
    assert bash(ask, "contact", "edit", '"mueller-bau/P') == ["mueller-bau/Petra Müller"]
    assert bash(ask, "contact", "remove", "muench/") == ["muench/Jo\\ O\\'Neil\\ \\&\\ Co"]
    assert bash(ask, "contact", "edit", "mue") == [
        "mueller-bau/Petra\\ Müller",
        "mueller-bau/Hans\\ Berg",
        "muench/Jo\\ O\\'Neil\\ \\&\\ Co",
    ]
    assert zsh(ask, "kundenpflege contact edit mueller-bau/P") == (
        """_arguments '*: :(("mueller-bau/Petra Müller"))'\n"""
    )
    assert fish(ask, "kundenpflege contact edit mueller-bau/P") == ["mueller-bau/Petra Müller"]


@FROM_THE_FILE
def test_a_customer_or_a_contact_there(customers: Run, ask: Ask) -> None:
    both = ["mueller-bau", "mueller-bau/Hans\\ Berg", "mueller-bau/Petra\\ Müller", "muench"]
    assert bash(ask, "prefer", "mu") == both
    assert bash(ask, "consent", "grant", "mu") == both
    assert bash(ask, "gdpr", "export", "mueller-bau/H") == ["mueller-bau/Hans\\ Berg"]


@FROM_THE_FILE
def test_people_of_ours(customers: Run, ask: Ask) -> None:
    assert bash(ask, "due", "--person", "") == ["anna", "ben"]
    assert bash(ask, "health", "--person", "b") == ["ben"]
    assert bash(ask, "person", "remove", "ben", "--reassign", "a") == ["anna"]
    assert bash(ask, "log", "muench", "--person", "") == ["anna", "ben"]


@FROM_THE_FILE
def test_open_follow_ups_by_number(customers: Run, ask: Ask) -> None:
    ok(customers("followup", "add", "mueller-bau", "Angebot [final] schicken", "--due", "+2d"))
    ok(customers("followup", "add", "muench", "Rückruf", "--due", "+5d"))
    ok(customers("followup", "done", "2"))
    assert bash(ask, "followup", "done", "") == ["1"]
    assert bash(ask, "followup", "snooze", "2") == []
    # zsh and fish show what was promised; a bracket in it stays a bracket.
    assert '"1":"mueller-bau, 2026-11-27\\\\: Angebot [final] schicken"' in zsh(
        ask, "kundenpflege followup done "
    )
    assert fish(ask, "kundenpflege followup edit 1") == [
        "1\tmueller-bau, 2026-11-27: Angebot [final] schicken"
    ]


@FROM_THE_FILE
def test_at_most_200_candidates(journal: Run, tmp_path: Path, ask: Ask) -> None:
    rows = "".join(f"kunde-{number:03d},Kunde {number}\n" for number in range(250))
    (tmp_path / "kunden.csv").write_text("handle,name\n" + rows, encoding="utf-8")
    ok(journal("import", "csv", str(tmp_path / "kunden.csv")))
    offered = bash(ask, "show", "")
    assert offered == [f"kunde-{number:03d}" for number in range(200)]
    assert len(bash(ask, "show", "kunde-2")) == 50


@FROM_THE_FILE
def test_a_missing_journal_stays_missing(tmp_path: Path, ask: Ask) -> None:
    assert bash(ask, "show", "") == []
    assert bash(ask, "followup", "done", "") == []
    assert "--region" in bash(ask, "init", "--")  # completing `init` runs nothing
    assert bash(ask, "--db", str(tmp_path / "new" / "journal.db"), "show", "") == []
    assert list(tmp_path.iterdir()) == []


@FROM_THE_FILE
def test_an_old_journal_is_read_but_not_migrated(tmp_path: Path, ask: Ask) -> None:
    old = tmp_path / "old.kundenpflege"
    shutil.copyfile(FIXTURE, old)
    before = old.read_bytes()
    handles = bash(ask, "--db", str(old), "show", "")
    assert "autohaus-richter" in handles and len(handles) == 12
    assert bash(ask, "--db", str(old), "followup", "done", "")  # its open promises
    assert old.read_bytes() == before


@FROM_THE_FILE
def test_db_on_the_line_wins_over_the_environment(customers: Run, tmp_path: Path, ask: Ask) -> None:
    other = tmp_path / "other.db"
    ok(customers("--db", str(other), "init"))
    ok(customers("--db", str(other), "add", "zeta"))
    assert bash(ask, "--db", str(other), "show", "") == ["zeta"]
    assert bash(ask, "show", "") == ["bauer", "mueller-bau", "muench"]


@FROM_THE_FILE
def test_damaged_foreign_or_busy_files_offer_nothing(
    customers: Run, db_path: Path, tmp_path: Path, ask: Ask
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a journal\n", encoding="utf-8")
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE things (name TEXT)").connection.close()
    for path in (text, foreign, tmp_path):
        assert bash(ask, "--db", str(path), "show", "") == []
    busy = sqlite3.connect(db_path, isolation_level=None)
    busy.execute("PRAGMA locking_mode = EXCLUSIVE")
    busy.execute("BEGIN EXCLUSIVE")
    try:
        assert bash(ask, "show", "") == []
    finally:
        busy.close()
    assert bash(ask, "show", "") == ["bauer", "mueller-bau", "muench"]


def test_completing_runs_nothing(customers: Run, ask: Ask) -> None:
    assert "kundenpflege " not in "\n".join(bash(ask, "--version", ""))
    assert bash(ask, "remove", "") == bash(ask, "")  # a correction word is no error here


@pytest.mark.parametrize("name", ["kundenpflege", "kp"])
@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("bash", "complete -o default -F _{name}_completion {name}"),
        ("zsh", "compdef _{name}_completion {name}"),
        ("fish", "complete --command {name} --no-files"),
    ],
)
def test_show_completion(name: str, shell: str, expected: str) -> None:
    shown = program(
        name, "--show-completion", shell, _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1"
    )
    assert (shown.returncode, shown.stderr) == (0, "")
    assert expected.format(name=name) in shown.stdout
    assert f"{internals.complete_variable(name)}=complete_{shell}" in shown.stdout


def test_install_completion_for_kp(tmp_path: Path) -> None:
    installed = program(
        "kp", "--install-completion", "bash", HOME=str(tmp_path),
        _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1",
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    script = tmp_path / ".bash_completions" / "kp.sh"
    assert "_KP_COMPLETE=complete_bash" in script.read_text(encoding="utf-8")
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text(encoding="utf-8")


@FROM_THE_FILE
@pytest.mark.parametrize("name", ["kundenpflege", "kp"])
def test_the_installed_programs_answer_under_their_own_name(customers: Run, name: str) -> None:
    answered = program(
        name,
        **{
            internals.complete_variable(name): "complete_bash",
            "COMP_WORDS": f"{name}\nshow\nmu",
            "COMP_CWORD": "2",
        },
    )
    assert (answered.returncode, answered.stdout, answered.stderr) == (
        0,
        "mueller-bau\nmuench\n",
        "",
    )


@pytest.mark.parametrize(
    ("value", "begun", "inserted"),
    [
        ("mueller-bau/Petra Müller", "mue", "mueller-bau/Petra\\ Müller"),
        ("a$b`c\"d'e", "a", "a\\$b\\`c\\\"d\\'e"),
        ("a$b`c\"d'e", '"a', "a\\$b\\`c\\\"d'e"),
        ("Petra Müller", "'P", "Petra Müller"),
        ("weekly", "", "weekly"),
    ],
)
def test_bash_gets_words_it_can_insert(value: str, begun: str, inserted: str) -> None:
    assert internals.bash_word(value, begun) == inserted
