"""Write docs/cli-reference.md (and the German cli-reference.de.md) from the live
`--help` of every command.

Run `python docs/generate_reference.py`; a test fails when a file is stale.
"""

import sys
from pathlib import Path

from typer.testing import CliRunner

from kundenpflege.cli.commands import full_app

COMMANDS = [
    [], ["init"], ["demo"], ["add"], ["edit"], ["list"], ["show"],
    ["contact", "add"], ["contact", "list"], ["contact", "edit"], ["contact", "remove"],
    ["person", "add"], ["person", "list"], ["person", "edit"], ["person", "rename"],
    ["person", "remove"],
    ["prefer"], ["pause"], ["log"],
    ["followup", "add"], ["followup", "done"], ["followup", "snooze"], ["followup", "list"],
    ["followup", "cancel"], ["followup", "edit"],
    ["interaction", "list"], ["interaction", "edit"], ["interaction", "delete"], ["undo"],
    ["due"], ["impressions"], ["remind"],
    ["health"], ["fairness"], ["value"], ["reactive"], ["pulse"],
    ["consent", "grant"], ["consent", "confirm"], ["consent", "withdraw"], ["consent", "list"],
    ["import", "csv"], ["import", "vcard"], ["import", "json"],
    ["export", "csv"], ["export", "json"], ["export", "ical"],
    ["gdpr", "export"], ["gdpr", "forget"], ["gdpr", "restrict"],
    ["backup"], ["restore"], ["doctor"], ["copy"],
]  # fmt: skip
TARGETS = {
    "en": Path(__file__).with_name("cli-reference.md"),
    "de": Path(__file__).with_name("cli-reference.de.md"),
}
HEADINGS = {
    "en": "# CLI reference\n\nGenerated from `--help` by `docs/generate_reference.py`.\n",
    "de": "# Befehlsreferenz\n\nErzeugt aus `--lang de ... --help` von"
    " `docs/generate_reference.py`.\n",
}


def reference(language: str = "en") -> str:
    runner = CliRunner()
    parts = [HEADINGS[language]]
    for command in COMMANDS:
        arguments = ["--lang", language, *command, "--help"]
        result = runner.invoke(full_app(), arguments, prog_name="kundenpflege")
        title = " ".join(["kundenpflege", *command])
        parts.append(f"\n## `{title}`\n\n```text\n{result.stdout.rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    for language, target in TARGETS.items():
        target.write_text(reference(language), encoding="utf-8")
        sys.stderr.write(f"wrote {target}\n")
