import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def load_generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "generate", ROOT / "docs" / "generate_reference.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_up_to_date() -> None:
    generator = load_generator()
    for language, target in generator.TARGETS.items():
        assert target.read_text(encoding="utf-8") == generator.reference(language), (
            "run: python docs/generate_reference.py"
        )


@pytest.mark.parametrize(
    ("name", "titles"), [("cli-reference.md", ("Example",)), ("cli-reference.de.md", ("Beispiel",))]
)
def test_every_command_help_ends_with_an_example(name: str, titles: tuple[str, ...]) -> None:
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    blocks = re.findall(r"```text\n(.*?)```", text, flags=re.S)
    assert len(blocks) == len(load_generator().COMMANDS)
    for block in blocks:
        last_heading = block.rstrip().rsplit("\n\n", 1)[-1].strip()
        assert last_heading.startswith(titles), block


def test_readme_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme


def test_the_single_command_app_behaves_like_the_full_one() -> None:
    """`main` builds only the command being run; its help and errors must not differ."""
    from typer.testing import CliRunner

    from kundenpflege.cli.app import leading_options
    from kundenpflege.cli.commands import app_for, full_app

    app = full_app()

    runner = CliRunner()
    for command in load_generator().COMMANDS:
        for arguments in ([*command, "--help"], ["--lang", "de", *command, "--help"]):
            full = runner.invoke(app, arguments, prog_name="kundenpflege")
            single = runner.invoke(app_for(arguments), arguments, prog_name="kundenpflege")
            assert (single.exit_code, single.stdout) == (full.exit_code, full.stdout), arguments
    assert leading_options(["--db", "x.db", "faellig"]) == ({"--db": "x.db"}, "due")
    assert leading_options(["--db=x.db", "--lang", "de", "log", "k"]) == (
        {"--db": "x.db", "--lang": "de"},
        "log",
    )
    assert leading_options(["--version"]) == ({}, None)
    assert app_for(["dew"]) is app
    assert leading_options(["--", "due"]) == ({}, "due")
    assert runner.invoke(app_for(["--", "init"]), ["--", "init"]).exit_code == 0
    overview = app_for(["--help"])
    assert overview is not app and len(overview.registered_commands) == 35
    assert [info.name for info in app_for(["consent", "list"]).registered_groups] == ["consent"]
