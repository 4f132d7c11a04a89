"""Write docs/cli-reference.md from the live `--help` of every command.

Run `python docs/generate_reference.py`; a test fails when the file is stale.
"""

import sys
from pathlib import Path

from typer.testing import CliRunner

from kundenpflege.cli import app

COMMANDS = [
    [], ["init"], ["demo"], ["add"], ["edit"], ["list"], ["show"],
    ["contact", "add"], ["contact", "list"], ["person", "add"], ["person", "list"],
    ["prefer"], ["pause"], ["log"],
    ["followup", "add"], ["followup", "done"], ["followup", "snooze"], ["followup", "list"],
    ["due"], ["impressions"], ["remind"],
    ["health"], ["fairness"], ["value"], ["reactive"], ["pulse"],
    ["consent", "grant"], ["consent", "confirm"], ["consent", "withdraw"], ["consent", "list"],
    ["import", "csv"], ["import", "vcard"], ["import", "json"],
    ["export", "csv"], ["export", "json"], ["export", "ical"],
    ["gdpr", "export"], ["gdpr", "forget"], ["gdpr", "restrict"],
    ["backup"], ["restore"], ["doctor"],
]  # fmt: skip
TARGET = Path(__file__).with_name("cli-reference.md")


def reference() -> str:
    runner = CliRunner()
    parts = ["# CLI reference\n\nGenerated from `--help` by `docs/generate_reference.py`.\n"]
    for command in COMMANDS:
        result = runner.invoke(app, [*command, "--help"], prog_name="kundenpflege")
        title = " ".join(["kundenpflege", *command])
        parts.append(f"\n## `{title}`\n\n```text\n{result.stdout.rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    TARGET.write_text(reference(), encoding="utf-8")
    sys.stderr.write(f"wrote {TARGET}\n")
