"""Which module holds which command, so that a command line loads only its own.

Typer builds every command an app holds at start-up, and importing and building
all forty costs ~15 ms on every call: `run` imports the module of the command
named on the line and builds an app of that command alone. `--help` lists every
command from its help text without building any. Tab completion reads the command
from the line the shell sends, and gets it built for real.
"""

import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

import typer

from kundenpflege.cli import internals
from kundenpflege.cli.app import app, leading_options, new_app

# Command or group -> its module in `kundenpflege.cli`, in the order --help lists them.
MODULES = {
    "init": "setup", "demo": "setup",
    "add": "customers", "edit": "customers", "list": "customers", "show": "customers",
    "prefer": "customers", "pause": "customers",
    "log": "journal", "undo": "journal",
    "due": "reports", "impressions": "reports", "remind": "reports", "health": "reports",
    "fairness": "reports", "value": "reports", "reactive": "reports", "pulse": "reports",
    "search": "search", "browse": "browse",
    "backup": "setup", "restore": "setup", "doctor": "setup", "copy": "copy",
    "contact": "customers", "person": "customers", "followup": "journal",
    "interaction": "journal", "report": "page", "fact": "knowing", "date": "knowing",
    "consent": "consent", "import": "data", "export": "data", "gdpr": "consent",
}  # fmt: skip
ORDER = tuple(MODULES)


def load(name: str) -> None:
    """Import the module that registers command `name` on `app`."""
    import_module(f"kundenpflege.cli.{MODULES[name]}")


def full_app() -> typer.Typer:
    """The app with every command (docs, the catalog tool, tests)."""
    for module in dict.fromkeys(MODULES.values()):
        import_module(f"kundenpflege.cli.{module}")
    return internals.in_order(app, ORDER)


def app_for(argv: Sequence[str], completing: Sequence[str] | None = None) -> typer.Typer:
    """Only what the command line needs: the overview for the tool's own --help, one
    command otherwise, and the full app for a name it does not know (it suggests).

    While a shell asks for completions (`completing`: the words typed so far), the
    command named there, or every command: never the overview, whose stand-ins
    have no options or values to offer."""
    name = leading_options(argv if completing is None else completing)[1]
    if name is None and completing is not None:
        return full_app()
    if name is None:
        return internals.overview(full_app(), new_app(), ORDER)
    if name in MODULES:
        load(name)
        single = internals.single(app, new_app(), name)
        if single is not None:
            return single
    return full_app()


def run(argv: Sequence[str] | None = None) -> None:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not all(argument.isascii() for argument in arguments):
        import unicodedata  # names typed on a Mac may come decomposed (NFD)

        arguments = [unicodedata.normalize("NFC", argument) for argument in arguments]
    # Installed as `kp` too: completion's variable and script follow the name typed.
    program = "kp" if Path(sys.argv[0]).name == "kp" else "kundenpflege"
    app_for(arguments, internals.completion_words(program))(args=arguments, prog_name=program)
