import importlib.util
import re
from pathlib import Path

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
    assert generator.TARGET.read_text(encoding="utf-8") == generator.reference(), (
        "run: python docs/generate_reference.py"
    )


def test_every_command_help_ends_with_an_example() -> None:
    text = (ROOT / "docs" / "cli-reference.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```text\n(.*?)```", text, flags=re.S)
    assert len(blocks) == len(load_generator().COMMANDS)
    for block in blocks:
        last_heading = block.rstrip().rsplit("\n\n", 1)[-1].strip()
        assert last_heading.startswith(("Example", "Examples", "Example crontab line")), block


def test_readme_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
