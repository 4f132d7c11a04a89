"""Everything that leans on Typer 0.28 beyond its documented API, in one place.

Typer vendors Click as the private `typer._click`, without gettext. This module
alone imports from it: Click's exceptions (re-exported for the app), its help
formatter (headings and extras in the chosen language) and its English error
messages, recognised by shape and given a catalog entry. It also builds an app
holding only the command being run, from Typer's registries, and reads the words
a shell's completion request carries, with Typer's own completion classes (bash
gets one that quotes). tests/cli/test_internals.py and tests/test_completion.py
pin every piece, so a Typer upgrade that moves one fails loudly
(docs/design-notes.md).
"""

import inspect
import os
import re
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError
from typer._click.exceptions import UsageError as ClickUsageError
from typer._click.formatting import HelpFormatter
from typer._click.shell_completion import CompletionItem, add_completion_class, get_completion_class
from typer._completion_classes import BashComplete, completion_init
from typer.core import TyperCommand, TyperGroup

from kundenpflege import i18n
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import N_, _

__all__ = [
    "ClickException", "ClickUsageError", "NoArgsIsHelpError", "TyperGroup", "click_message",
    "completion_words", "localize", "overview", "quote_for_bash", "single",
]  # fmt: skip


# Click's usage errors are English f-strings (typer 0.28 vendors Click without gettext),
# so they are recognised by shape and given a catalog entry. First match wins.
CLICK_ERRORS = (
    (r"No such option: (?P<option>\S+) \(Possible options: (?P<choices>.+)\)",
     N_("No such option: {option} (Possible options: {choices})")),
    (r"No such option: (?P<option>.+)", N_("No such option: {option}")),
    (r"No such command '(?P<name>.*)'\.", N_("No such command '{name}'.")),
    (r"Missing command\.", N_("Missing command.")),
    (r"Missing argument (?P<name>'.+?')\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>'.+?')\.", N_("Missing option {name}.")),
    (r"Got unexpected extra argument(?:s|\(s\))? \((?P<extra>.*)\)",
     N_("Got unexpected extra arguments ({extra})")),
    (r"Option (?P<option>'.+') requires an argument\.",
     N_("Option {option} needs a value.")),
    (r"Option (?P<option>'.+') does not take a value\.",
     N_("Option {option} does not take a value.")),
    (r"Invalid value for (?P<name>'.+?'(?: / '.+?')*): (?P<problem>.+)",
     N_("Invalid value for {name}: {problem}")),
    (r"(?P<value>'.*') is not one of (?P<choices>.+)\.",
     N_("{value} is not one of {choices}.")),
    (r"(?P<value>'.*') is not a valid int(?:eger)?(?: range)?\.",
     N_("{value} is not a whole number.")),
    (r"(?P<value>'.*') is not a valid float(?: range)?\.", N_("{value} is not a number.")),
    (r"(?P<value>.+) is not in the range (?P<range>.+)\.",
     N_("{value} is not in the range {range}.")),
)  # fmt: skip


def click_message(message: str) -> str:
    """One of Click's English messages in the chosen language (nested parts too)."""
    if i18n.current() == "en":
        return message
    for pattern, template in CLICK_ERRORS:
        found = re.fullmatch(pattern, message)  # compiled (and cached) only on this path
        if found:
            parts = {key: click_message(part) for key, part in found.groupdict().items()}
            return _(template).format(**parts)
    return message


class LocalFormatter(HelpFormatter):
    """Help pages in the chosen language, including the words Click and Typer add."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix or _("Usage: "))

    def write_heading(self, heading: str) -> None:
        super().write_heading(_(heading))

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().write_dl([(term, help_row(text)) for term, text in rows], *args, **kwargs)


EXTRAS = r"(?s)(?P<text>.*?)\s*\[(?P<extras>[^\[\]]+)\]"


def help_row(text: str) -> str:
    """'Show this message and exit.  [default: 7; required]' in the chosen language."""
    found = re.fullmatch(EXTRAS, text)
    if not found:
        return _(text)
    extras = []
    for extra in found["extras"].split("; "):
        label, separator, rest = extra.partition(": ")
        extras.append(_(label) + separator + rest)
    return f"{_(found['text'])}  [{'; '.join(extras)}]".lstrip()


class LocalContext(typer.Context):
    formatter_class = LocalFormatter


# Words Click and Typer put on help pages; LocalFormatter looks them up.
HELP_WORDS = (
    N_("Usage: "), N_("Options"), N_("Arguments"), N_("Commands"),
    N_("Show this message and exit."), N_("default"), N_("required"),
)  # fmt: skip


# What Typer shows for an option's value when the code names none.
TYPE_METAVARS = {
    "str": N_("<str>"), "int": N_("<int>"), "int range": N_("<int range>"),
    "float": N_("<float>"),
}  # fmt: skip


def localize(command: Any, translate: Callable[[str], str] = _) -> None:
    """Put a built command tree's help into the chosen language.

    Help is written in English in the code and translated here, after Typer has
    built the Click commands, so the language can be chosen per run (even per test).
    The catalog tool passes a `translate` that collects the texts instead.
    """
    command.context_class = LocalContext
    for attribute in ("help", "short_help"):
        if getattr(command, attribute, None):
            setattr(command, attribute, translate(getattr(command, attribute)))
    if command.epilog and command.epilog.startswith("\b\n"):
        title, separator, lines = command.epilog[2:].partition(":\n")
        command.epilog = "\b\n" + translate(title) + separator + lines
    command.options_metavar = translate(command.options_metavar)
    if getattr(command, "subcommand_metavar", None):
        command.subcommand_metavar = translate(command.subcommand_metavar)
    for parameter in command.params:
        if getattr(parameter, "help", None):
            parameter.help = translate(parameter.help)
        if parameter.metavar:
            parameter.metavar = translate(parameter.metavar)
        elif parameter.param_type_name == "option" and parameter.type.name in TYPE_METAVARS:
            parameter.metavar = translate(TYPE_METAVARS[parameter.type.name])
    for subcommand in getattr(command, "commands", {}).values():
        localize(subcommand, translate)


def registered_name(info: Any) -> str:
    return str(info.name or getattr(info.callback, "__name__", "").replace("_", "-"))


def listed_only() -> None:
    """Stands in for a command on the overview; a command line that names a command
    gets the real one built, so Click never runs this."""
    raise KundenpflegeError(_("internal error: the command was not built; please report it"))


def overview(app: typer.Typer, tool: typer.Typer, order: Sequence[str]) -> typer.Typer:
    """`tool` listing every command of `app` (in `order`) from their help texts, but
    running none: building forty commands' options only to list them costs ~12 ms."""
    from typer.models import CommandInfo

    listed = [
        (registered_name(info), info.help or inspect.getdoc(info.callback))
        for info in app.registered_commands
    ] + [
        (registered_name(info), info.typer_instance.info.help if info.typer_instance else None)
        for info in app.registered_groups
    ]
    tool.registered_callback = app.registered_callback
    tool.registered_commands = [
        CommandInfo(name=name, help=text, callback=listed_only)
        for name, text in sorted(listed, key=lambda entry: order.index(entry[0]))
    ]
    return tool


def single(app: typer.Typer, tool: typer.Typer, name: str) -> typer.Typer | None:
    """`tool` holding only the command or group `name` of `app` (None: no such one)."""
    commands = [info for info in app.registered_commands if registered_name(info) == name]
    groups = [info for info in app.registered_groups if info.name == name]
    if not commands and not groups:
        return None
    tool.registered_callback = app.registered_callback
    tool.registered_commands = commands
    tool.registered_groups = groups
    return tool


def in_order(app: typer.Typer, order: Sequence[str]) -> typer.Typer:
    """`app` with its commands and groups listed in `order`, whatever order their
    modules were imported in."""
    app.registered_commands.sort(key=lambda info: order.index(registered_name(info)))
    app.registered_groups.sort(key=lambda info: order.index(registered_name(info)))
    return app


def complete_variable(prog_name: str) -> str:
    """What Typer's completion scripts set: `_KUNDENPFLEGE_COMPLETE`, `_KP_COMPLETE`."""
    return f"_{prog_name}_COMPLETE".replace("-", "_").upper()


def completion_words(prog_name: str) -> list[str] | None:
    """When a shell asks for completions, the words typed before the one being
    completed, read as Typer reads them for that shell; None on an ordinary run."""
    variable = complete_variable(prog_name)
    instruction = os.environ.get(variable)
    if not instruction:
        return None
    completion_init()  # Typer's classes: zsh and fish send _TYPER_COMPLETE_ARGS
    shell = get_completion_class(instruction.partition("_")[2])
    if shell is None:
        return []  # Typer says which shells it knows
    try:
        return shell(TyperCommand(None), {}, prog_name, variable).get_completion_args()[0]
    except (KeyError, ValueError):  # COMP_WORDS or COMP_CWORD missing or garbled
        return []


class QuotingBashComplete(BashComplete):
    """Bash puts a candidate on the line as it is: a contact's name with a space must
    come quoted (`mueller-bau/Petra\\ Müller`), unless the word was begun in quotes,
    which bash then closes itself."""

    @cached_property
    def begun(self) -> str:
        """The word being completed as typed, quotes and all (Typer's script joins
        COMP_WORDS with newlines)."""
        words = os.environ.get("COMP_WORDS", "").split("\n")
        position = int(os.environ.get("COMP_CWORD", "0"))
        return words[position] if 0 <= position < len(words) else ""

    def format_completion(self, item: CompletionItem) -> str:
        return bash_word(item.value, self.begun)


def bash_word(value: str, begun: str) -> str:
    """`value` as bash should insert it where the user began to type `begun`."""
    if begun.startswith("'"):
        return value
    if begun.startswith('"'):
        return re.sub(r'(["\\$`])', r"\\\1", value)
    return re.sub(r"([^\w@%+=:,./-])", r"\\\1", value)


def quote_for_bash() -> None:
    """Bash completion through `QuotingBashComplete`. Typer registers its own classes
    whenever it builds an app, so this runs after that, before Click looks one up."""
    add_completion_class(QuotingBashComplete, "bash")
