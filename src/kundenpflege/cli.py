"""The command line: parse arguments, call the domain, render the result.

The only module that imports Typer and Rich. Domain modules are imported inside
the commands that need them, so `--help` and start-up stay fast.
"""

import inspect
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError  # typer 0.28 vendors Click
from typer._click.exceptions import UsageError as ClickUsageError
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup

from kundenpflege import __version__, clock, i18n, paths
from kundenpflege.errors import ExitStatus, KundenpflegeError
from kundenpflege.i18n import N_, _, ngettext

if TYPE_CHECKING:
    import sqlite3

    from kundenpflege.importing import Record
    from kundenpflege.render import Report

TTY_LIMIT = 50
T = TypeVar("T")


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class Language(StrEnum):
    de = "de"
    en = "en"


def one_line(text: str) -> str:
    """Control characters from user input shown escaped, so an error stays one line."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def fail(message: str, status: int) -> NoReturn:
    print(_("Error: {message}").format(message=one_line(message)), file=sys.stderr)
    sys.exit(status)


# German names for the daily commands; resolved here instead of registering each
# command twice, which would cost start-up time and clutter --help.
ALIASES = {"faellig": "due", "eindruecke": "impressions", "erinnern": "remind"}
# Global options that take a value; they may stand before the command name.
VALUE_OPTIONS = ("--db", "--lang")

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
    (r"Got unexpected extra arguments? \((?P<extra>.*)\)",
     N_("Got unexpected extra arguments ({extra})")),
    (r"Option (?P<option>'.+') requires an argument\.",
     N_("Option {option} needs a value.")),
    (r"Option (?P<option>'.+') does not take a value\.",
     N_("Option {option} does not take a value.")),
    (r"Invalid value for (?P<name>'.+?'(?: / '.+?')*): (?P<problem>.+)",
     N_("Invalid value for {name}: {problem}")),
    (r"Invalid value: (?P<problem>.+)", N_("Invalid value: {problem}")),
    (r"(?P<value>'.*') is not one of (?P<choices>.+)\.",
     N_("{value} is not one of {choices}.")),
    (r"(?P<value>'.*') is not a valid integer\.", N_("{value} is not a whole number.")),
    (r"(?P<value>'.*') is not a valid float\.", N_("{value} is not a number.")),
    (r"(?P<value>.+) is not in the range (?P<range>.+)\.",
     N_("{value} is not in the range {range}.")),
    (r"(?:File|Path|Directory) (?P<path>'.+') does not exist\.",
     N_("{path} does not exist.")),
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


class JournalGroup(TyperGroup):
    """Turns every failure into one `Error: ...` line and a named exit status."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return super().get_command(ctx, ALIASES.get(cmd_name, cmd_name))

    def main(self, *args: Any, **kwargs: Any) -> Any:
        arguments = kwargs.get("args", args[0] if args else None)
        arguments = sys.argv[1:] if arguments is None else list(arguments)
        i18n.select(i18n.choose(leading_options(arguments)[0].get("--lang"), os.environ))
        if i18n.current() != "en":
            localize(self)
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except KundenpflegeError as error:
            fail(str(error), error.exit_status)
        except NoArgsIsHelpError as error:
            print(error.format_message())
            sys.exit(ExitStatus.OK)
        except ClickUsageError as error:
            fail(click_message(error.format_message()), ExitStatus.USAGE)
        except ClickException as error:
            fail(click_message(error.format_message()), ExitStatus.ERROR)
        except (typer.Abort, KeyboardInterrupt):
            fail(_("interrupted; nothing was changed"), ExitStatus.INTERRUPTED)
        except BrokenPipeError:
            # The reader (e.g. `head`) went away; that is not our error.
            sys.stderr.close()
            sys.exit(ExitStatus.OK)
        sys.exit(result if isinstance(result, int) else ExitStatus.OK)


def examples(*lines: str, title: str = N_("Examples")) -> str:
    """A help epilog; Click keeps the line breaks of a paragraph that starts with \\b."""
    return "\b\n" + title + ":\n" + "\n".join(f"  {line}" for line in lines)


def new_app() -> typer.Typer:
    """The top-level app; `app_for` builds a second one holding a single command."""
    return typer.Typer(
        cls=JournalGroup,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        add_completion=False,
        no_args_is_help=True,
        help="kundenpflege: a relationship journal where the customer decides who contacts"
        " them, how, and how often.",
        epilog=examples("kundenpflege due", "kundenpflege log mueller-bau --kind call --mood 1"),
    )


app = new_app()
contact_app = typer.Typer(no_args_is_help=True, help="People at a customer's side.")
person_app = typer.Typer(no_args_is_help=True, help="People on our side.")
followup_app = typer.Typer(no_args_is_help=True, help="Explicit promises with a due date.")
consent_app = typer.Typer(no_args_is_help=True, help="The consent ledger for marketing contact.")
import_app = typer.Typer(no_args_is_help=True, help="Bring customers in: CSV, vCard, JSON.")
export_app = typer.Typer(no_args_is_help=True, help="Take everything out: CSV, JSON, iCalendar.")
gdpr_app = typer.Typer(no_args_is_help=True, help="Data rights: access, erasure, restriction.")
app.add_typer(contact_app, name="contact")
app.add_typer(person_app, name="person")
app.add_typer(followup_app, name="followup")
app.add_typer(consent_app, name="consent")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(gdpr_app, name="gdpr")


class Session:
    """What the global options chose; commands open the journal through it."""

    def __init__(self, db_option: str | None = None) -> None:
        self.db_option = db_option

    @contextmanager
    def journal(self, write: bool = False, upgrade: bool = True) -> Iterator["sqlite3.Connection"]:
        """The open journal; with `write`, one BEGIN IMMEDIATE transaction around it all."""
        from kundenpflege import db

        with sqlite_errors(self.path):
            connection = db.open_journal(self.path, clock.now(), upgrade=upgrade)
            try:
                if write:
                    with db.transaction(connection):
                        yield connection
                else:
                    yield connection
            finally:
                connection.close()

    @property
    def path(self) -> "Path":
        return paths.database_path(self.db_option)


@contextmanager
def sqlite_errors(path: "Path") -> Iterator[None]:
    """SQLite's exceptions become one line naming the file and what to do."""
    import sqlite3

    from kundenpflege import db

    try:
        yield
    except sqlite3.Error as error:
        raise db.explain(error, path) from None


def session(context: typer.Context) -> Session:
    return context.ensure_object(Session)


def version_callback(value: bool) -> None:
    if value:
        print(f"kundenpflege {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    context: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="PATH",
            help="Journal file (else $KUNDENPFLEGE_DB, else the platform data folder).",
        ),
    ] = None,
    lang: Annotated[
        Language | None,
        typer.Option(
            "--lang",
            help="Language: de or en (else $KUNDENPFLEGE_LANG, else the locale, else en).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=version_callback, is_eager=True, help="Show version."),
    ] = False,
) -> None:
    # --lang was read before the commands were built (JournalGroup.main), so their help
    # could be translated; here it is only validated.
    context.obj = Session(db)


# Options shared by reports.
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Report as if today were DATE (reproducible)."),
]
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
Limit = Annotated[
    int | None,
    typer.Option("--limit", "-n", help="Show at most N rows (default 50 on a terminal; 0 = all)."),
]
Tag = Annotated[str | None, typer.Option("--tag", help="Only customers with this tag.")]
Tier = Annotated[str | None, typer.Option("--tier", help="Only customers of this tier.")]
Handle = Annotated[str, typer.Argument(help="Customer handle (or exact name).", show_default=False)]
Person = Annotated[
    str | None, typer.Option("--person", help="Only customers who chose this person of ours.")
]
Window = Annotated[int, typer.Option("--window", min=1, help="Days to look back.")]


def today_or(as_of: str | None) -> date:
    if as_of is None:
        return clock.today()
    from kundenpflege.dates import parse_date

    return parse_date(as_of, clock.today())


def row_limit(limit: int | None, output: OutputFormat) -> int | None:
    """Cap tables on a terminal; give scripts and files everything unless asked."""
    if limit is None:
        return TTY_LIMIT if output is OutputFormat.table and sys.stdout.isatty() else None
    if limit < 0:
        raise KundenpflegeError(_("--limit must be 0 (all) or a positive number"))
    return limit or None


def say(message: str) -> None:
    """Messages go to stderr so stdout stays clean data."""
    print(message, file=sys.stderr)


def emit(report: "Report", output: OutputFormat, *, excel: bool = False) -> None:
    from kundenpflege import render

    if output is OutputFormat.csv:
        render.write_csv(report.fields, report.data, sys.stdout, excel=excel)
    elif output is OutputFormat.json:
        render.write_json(report.data, sys.stdout)
    elif not report.data:
        say(_("{title}: none.").format(title=report.title))
    elif sys.stdout.isatty():
        rich_table(report)
    else:
        sys.stdout.write(render.plain_table(report.titles, report.table))
    if report.note:
        say(report.note)
    if report.hidden is None:
        say(_("… more customers; use --limit 0 to see all."))
    elif report.hidden and report.hidden_unit == "customers":
        say(ngettext("… {count} more customer; use --limit 0 to see all.",
                     "… {count} more customers; use --limit 0 to see all.",
                     report.hidden).format(count=report.hidden))  # fmt: skip
    elif report.hidden:
        say(ngettext("… {count} more row; use --limit 0 to see all.",
                     "… {count} more rows; use --limit 0 to see all.",
                     report.hidden).format(count=report.hidden))  # fmt: skip


def rich_table(report: "Report") -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=report.title, header_style="bold", title_justify="left")
    for title in report.titles:
        table.add_column(title, overflow="fold")
    for index, row in enumerate(report.table):
        warn = bool(report.warn) and report.warn[index]
        table.add_row(*row, style="yellow" if warn else None)
    Console(highlight=False).print(table)


def next_contact(day: date) -> str:
    """The part of a confirmation that says when the customer is due next."""
    return _("next contact {day}").format(day=i18n.day(day))


def ask_note(note: str | None, handle: str) -> str | None:
    """--note TEXT, --note - (stdin), or the editor when typing at a terminal."""
    if note == "-":
        return sys.stdin.read()
    if note is None and sys.stdin.isatty() and sys.stdout.isatty():
        from kundenpflege.editor import write_note

        return write_note(handle)
    return note


# --- setting up --------------------------------------------------------------------------


@app.command(
    epilog=examples(
        "kundenpflege init", "kundenpflege --db ~/kunden.db init --default-every monthly"
    )
)
def init(
    context: typer.Context,
    default_every: Annotated[
        str | None,
        typer.Option(
            "--default-every",
            metavar="FREQ",
            help="Rhythm for customers who stated none (default: quarterly).",
        ),
    ] = None,
) -> None:
    """Create the journal file (0600), or bring an existing one up to date."""
    from kundenpflege import db, schedule, settings
    from kundenpflege.dates import parse_frequency

    frequency = parse_frequency(default_every) if default_every else None
    path = session(context).path
    with sqlite_errors(path):
        connection, created = db.create_journal(path, clock.now())
        try:
            if frequency:
                with db.transaction(connection):
                    settings.put(connection, "default_frequency", frequency.code)
                    schedule.refresh_all(connection)
                say(_("Default rhythm is now {rhythm}.").format(rhythm=frequency.describe()))
        finally:
            connection.close()
    say((_("Created {path}") if created else _("Journal is up to date: {path}")).format(path=path))


@app.command(epilog=examples("kundenpflege --db /tmp/demo.db demo"))
def demo(
    context: typer.Context,
    customers: Annotated[int, typer.Option(help="How many invented customers.", min=1)] = 40,
    seed: Annotated[int, typer.Option(help="Seed, for the same demo every time.")] = 7,
) -> None:
    """Create a NEW journal filled with invented customers and half a year of history.

    Refuses to touch an existing file, so it can never overwrite your real journal.
    """
    from kundenpflege import db, demo_data

    path = session(context).path
    if path.exists():
        raise KundenpflegeError(
            _("{path} exists already; the demo only writes to a new file").format(path=path)
        )
    with sqlite_errors(path):
        connection, _created = db.create_journal(path, clock.now())
        try:
            with db.transaction(connection):
                demo_data.build(connection, clock.now(), count=customers, seed=seed)
        finally:
            connection.close()
    say(_("Created a demo journal with {count} invented customers: {path}").format(
        count=customers, path=path))  # fmt: skip


# --- customers ---------------------------------------------------------------------------


@app.command(
    epilog=examples(
        'kundenpflege add mueller-bau --name "Müller Bau GmbH" --tier A --value 24000 --tag bau'
    )
)
def add(
    context: typer.Context,
    handle: Annotated[str, typer.Argument(help="Short unique handle, e.g. mueller-bau.")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the handle).")] = None,
    company: Annotated[str | None, typer.Option(help="Company.")] = None,
    tier: Annotated[str | None, typer.Option(help="Tier: A/B/C or your own word.")] = None,
    value: Annotated[float | None, typer.Option(help="Annual value in EUR.")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Tag (repeat or comma-separate).")] = None,
    status: Annotated[str, typer.Option(help="active, prospect, paused or former.")] = "active",
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="Customer since (default: today).")
    ] = None,
) -> None:
    """Add a customer."""
    from kundenpflege import customers, schedule
    from kundenpflege.dates import parse_date

    start = parse_date(since, clock.today()) if since else clock.today()
    with session(context).journal(write=True) as connection:
        customer_id = customers.add(
            connection,
            handle=handle,
            name=name or handle,
            company=company,
            tier=tier,
            annual_value=value,
            tags=tag or [],
            status=status,
            since=start,
            now=clock.now(),
        )
        schedule.refresh(connection, customer_id)
    say(_("Added customer {handle}.").format(handle=handle))


@app.command(epilog=examples("kundenpflege edit mueller-bau --tier B --tag stammkunde"))
def edit(
    context: typer.Context,
    handle: Handle,
    name: Annotated[str | None, typer.Option(help="New display name.")] = None,
    company: Annotated[str | None, typer.Option(help="New company.")] = None,
    tier: Annotated[str | None, typer.Option(help="New tier.")] = None,
    value: Annotated[float | None, typer.Option(help="New annual value in EUR.")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Add a tag.")] = None,
    untag: Annotated[list[str] | None, typer.Option(help="Remove a tag.")] = None,
    status: Annotated[str | None, typer.Option(help="active, prospect, paused, former.")] = None,
    since: Annotated[str | None, typer.Option(metavar="DATE", help="Customer since.")] = None,
) -> None:
    """Change a customer's details; options left out stay as they are."""
    from kundenpflege import customers, schedule
    from kundenpflege.dates import parse_date

    changes: dict[str, object] = {
        field: new
        for field, new in (
            ("name", name),
            ("company", company),
            ("tier", tier),
            ("annual_value", value),
            ("status", status),
        )
        if new is not None
    }
    if since:
        changes["customer_since"] = parse_date(since, clock.today()).isoformat()
    if not changes and not tag and not untag:
        raise KundenpflegeError(_("nothing to change; see 'kundenpflege edit --help'"))
    with session(context).journal(write=True) as connection:
        customer = customers.find_changeable(connection, handle)
        customers.edit(connection, customer["id"], changes)
        customers.set_tags(connection, customer["id"], add=tag or [], remove=untag or [])
        schedule.refresh(connection, customer["id"])
    say(_("Updated {handle}.").format(handle=customer["handle"]))


@app.command(
    "list",
    epilog=examples("kundenpflege list --tier A", "kundenpflege list --format csv > kunden.csv"),
)
def list_command(
    context: typer.Context,
    tag: Tag = None,
    tier: Tier = None,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    output: Format = OutputFormat.table,
    limit: Limit = None,
) -> None:
    """List customers by handle."""
    from kundenpflege import customers, views

    with session(context).journal() as connection:
        rows, total = customers.list_customers(
            connection, tag=tag, tier=tier, status=status, limit=row_limit(limit, output)
        )
    emit(views.customers_report(rows, total), output)


@app.command(epilog=examples("kundenpflege show mueller-bau"))
def show(
    context: typer.Context,
    handle: Handle,
    as_of: AsOf = None,
    output: Format = OutputFormat.table,
) -> None:
    """Profile, contacts, current and past preferences, open follow-ups, timeline.

    With --format csv the timeline is written as rows; json gives everything.
    """
    from kundenpflege import customers, profile, views

    today = today_or(as_of)
    with session(context).journal() as connection:
        found = profile.profile(connection, customers.find(connection, handle), today)
    if output is OutputFormat.json:
        import dataclasses

        from kundenpflege import render

        render.write_json([dataclasses.asdict(found)], sys.stdout)
    elif output is OutputFormat.csv:
        emit(views.impressions_report(found.timeline, more=False), output)
    else:
        from kundenpflege.show_text import profile_text

        sys.stdout.write(profile_text(found, today))


# --- people ------------------------------------------------------------------------------


@contact_app.command(
    "add",
    epilog=examples('kundenpflege contact add mueller-bau "Petra Müller" --role Einkauf --main'),
)
def contact_add(
    context: typer.Context,
    handle: Handle,
    name: Annotated[str, typer.Argument(help="The contact's name.")],
    role: Annotated[str | None, typer.Option(help="Role, e.g. Einkauf.")] = None,
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone number.")] = None,
    main: Annotated[bool, typer.Option("--main", help="Make this the main contact.")] = False,
) -> None:
    """Add a person at the customer."""
    from kundenpflege import contacts, customers

    with session(context).journal(write=True) as connection:
        customer = customers.find_changeable(connection, handle)
        contacts.add(
            connection,
            customer["id"],
            name=name,
            role=role,
            email=email,
            phone=phone,
            main=main,
            now=clock.now(),
        )
    say(_("Added contact {name} at {handle}.").format(name=name, handle=customer["handle"]))


@contact_app.command("list", epilog=examples("kundenpflege contact list mueller-bau"))
def contact_list(
    context: typer.Context, handle: Handle, output: Format = OutputFormat.table
) -> None:
    """List the people at a customer, main contact first."""
    from kundenpflege import contacts, customers, views

    with session(context).journal() as connection:
        rows = contacts.of_customer(connection, customers.find(connection, handle)["id"])
    emit(views.contacts_report(rows), output)


@person_app.command("add", epilog=examples('kundenpflege person add anna --name "Anna Schmidt"'))
def person_add(
    context: typer.Context,
    handle: Annotated[str, typer.Argument(help="Short handle, e.g. anna.")],
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
) -> None:
    """Add someone on our side who may be a customer's chosen contact."""
    from kundenpflege import people

    with session(context).journal(write=True) as connection:
        people.add(connection, handle, name, email, clock.now())
    say(_("Added {handle}.").format(handle=handle))


@person_app.command("list", epilog=examples("kundenpflege person list"))
def person_list(context: typer.Context, output: Format = OutputFormat.table) -> None:
    """List the people on our side."""
    from kundenpflege import people, views

    with session(context).journal() as connection:
        rows = people.all_people(connection)
    emit(views.people_report(rows), output)


# --- what the customer wants -------------------------------------------------------------


@app.command(
    epilog=examples(
        'kundenpflege prefer mueller-bau --person anna --channel phone --every "alle 2 Wochen"',
        'kundenpflege prefer mueller-bau --days di,do --max weekly --source "Messe 2026"',
    )
)
def prefer(
    context: typer.Context,
    handle: Handle,
    person: Annotated[str | None, typer.Option(help="Who of us they want to hear from.")] = None,
    channel: Annotated[
        str | None, typer.Option(help="phone, email, visit, video, letter, messenger, x-NAME.")
    ] = None,
    every: Annotated[
        str | None, typer.Option(metavar="FREQ", help="How often, e.g. 'alle 2 Wochen'.")
    ] = None,
    days: Annotated[str | None, typer.Option(help="Preferred weekdays, e.g. di,do.")] = None,
    time: Annotated[str | None, typer.Option(help="Time of day, e.g. vormittags, 14:00.")] = None,
    maximum: Annotated[
        str | None, typer.Option("--max", metavar="FREQ", help="Not more often than this.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="How they said it.")] = None,
    said: Annotated[
        str | None, typer.Option(metavar="DATE", help="When they said it (default: today).")
    ] = None,
    do_not_contact: Annotated[
        bool | None,
        typer.Option("--do-not-contact/--may-contact", help="They asked not to be contacted."),
    ] = None,
) -> None:
    """Record what the customer said they prefer; options left out keep their value.

    'none' clears an option. Each statement is kept; 'show' lists the history.
    """
    from kundenpflege import customers, preferences, schedule
    from kundenpflege.dates import parse_date

    stated_on = parse_date(said, clock.today()) if said else clock.today()
    with session(context).journal(write=True) as connection:
        customer = customers.find_changeable(connection, handle)
        wishes = preferences.Wishes(person, channel, every, days, time, maximum, do_not_contact)
        notices = preferences.state(
            connection, customer["id"], wishes, stated_on=stated_on, source=source, now=clock.now()
        )
        schedule.refresh(connection, customer["id"])
        next_due = schedule.next_due(connection, customer["id"])
    for notice in notices:
        say(notice)
    plan = next_contact(next_due) if next_due else _("not to be contacted")
    say(_("Recorded the preference of {handle}; {plan}.").format(
        handle=customer["handle"], plan=plan))  # fmt: skip


@app.command(epilog=examples("kundenpflege pause mueller-bau --until 15.01.2027"))
def pause(
    context: typer.Context,
    handle: Handle,
    until: Annotated[str, typer.Option(metavar="DATE", help="No contact before this day.")],
) -> None:
    """Pause contact with a customer until a given day (holidays, busy season)."""
    from kundenpflege import customers, schedule
    from kundenpflege.dates import parse_date

    day = parse_date(until, clock.today())
    with session(context).journal(write=True) as connection:
        customer = customers.find_changeable(connection, handle)
        connection.execute(
            "UPDATE customers SET paused_until = ? WHERE id = ?", (day.isoformat(), customer["id"])
        )
        schedule.refresh(connection, customer["id"])
    say(_("Paused {handle} until {day}.").format(handle=customer["handle"], day=i18n.day(day)))


# --- what happened -----------------------------------------------------------------------


@app.command(
    epilog=examples(
        'kundenpflege log mueller-bau --kind complaint --mood -1 --note "Lieferung zu spät"',
        "kundenpflege log mueller-bau --kind apology --channel visit --mood 1 --followup +2d",
    )
)
def log(
    context: typer.Context,
    handle: Handle,
    at: Annotated[
        str | None, typer.Option(metavar="DATE[ TIME]", help="When it happened (default: now).")
    ] = None,
    channel: Annotated[str | None, typer.Option(help="phone, email, visit, video...")] = None,
    kind: Annotated[
        str | None, typer.Option(help="call, meeting, email, order, complaint, apology, note...")
    ] = None,
    direction: Annotated[
        str | None, typer.Option(help="out: we reached out; in: they did.")
    ] = None,
    person: Annotated[str | None, typer.Option(help="Who of us (default: their choice).")] = None,
    contact: Annotated[str | None, typer.Option(help="Their contact: name or e-mail.")] = None,
    mood: Annotated[
        int | None, typer.Option(min=-2, max=2, help="Impression from -2 (bad) to 2 (very good).")
    ] = None,
    note: Annotated[
        str | None, typer.Option(help="What was said; '-' reads stdin; omitted: $EDITOR.")
    ] = None,
    followup: Annotated[
        str | None, typer.Option(metavar="DATE", help="Promise a follow-up, e.g. +2d.")
    ] = None,
    amount: Annotated[float | None, typer.Option(help="Order amount in EUR.")] = None,
) -> None:
    """Log an interaction; any contact resets the customer's clock."""
    from kundenpflege import customers, db, interactions, schedule
    from kundenpflege.dates import parse_date, parse_moment

    now = clock.now()
    moment = parse_moment(at, now) if at else now
    followup_on = parse_date(followup, clock.today()) if followup else None
    with session(context).journal() as connection:
        customer = customers.find_changeable(connection, handle)
        # Ask for the note before taking the write lock: the editor may stay open a while.
        text = ask_note(note, customer["handle"])
        with db.transaction(connection):
            logged = interactions.log(
                connection,
                customer["id"],
                at=moment,
                now=now,
                channel=channel,
                kind=kind,
                direction=direction,
                person=person,
                contact=contact,
                mood=mood,
                note=text,
                followup_on=followup_on,
                amount=amount,
            )
            next_due = schedule.next_due(connection, customer["id"])
    for notice in logged.notices:
        say(notice)
    parts = [_("Logged #{number} for {handle}").format(
        number=logged.interaction_id, handle=customer["handle"])]  # fmt: skip
    if next_due:
        parts.append(next_contact(next_due))
    if logged.followup_id and followup_on:
        parts.append(_("follow-up #{number} due {day}").format(
            number=logged.followup_id, day=i18n.day(followup_on)))  # fmt: skip
    say("; ".join(parts) + ".")


@followup_app.command(
    "add",
    epilog=examples('kundenpflege followup add mueller-bau "Angebot schicken" --due "next friday"'),
)
def followup_add(
    context: typer.Context,
    handle: Handle,
    what: Annotated[str, typer.Argument(help="What was promised.")],
    due_on: Annotated[str, typer.Option("--due", metavar="DATE", help="Due date, e.g. friday.")],
    person: Annotated[str | None, typer.Option(help="Who of us keeps the promise.")] = None,
) -> None:
    """Record a promise with a due date."""
    from kundenpflege import customers, followups
    from kundenpflege.dates import parse_date

    day = parse_date(due_on, clock.today())
    with session(context).journal(write=True) as connection:
        customer = customers.find_changeable(connection, handle)
        followup_id = followups.add(
            connection,
            customer["id"],
            what=what,
            due_on=day,
            person_id=followups.person_id_for(connection, person, clock.now()),
            now=clock.now(),
        )
    say(_("Follow-up #{number} for {handle} due {day}.").format(
        number=followup_id, handle=customer["handle"], day=i18n.day(day)))  # fmt: skip


FollowupId = Annotated[
    int, typer.Argument(metavar="NUMBER", help="Number shown by 'followup list' and 'due'.")
]


@followup_app.command("done", epilog=examples("kundenpflege followup done 3"))
def followup_done(context: typer.Context, followup_id: FollowupId) -> None:
    """Mark a promise as kept."""
    from kundenpflege import followups

    with session(context).journal(write=True) as connection:
        followups.done(connection, followup_id, clock.now())
    say(_("Follow-up #{number} done.").format(number=followup_id))


@followup_app.command("snooze", epilog=examples("kundenpflege followup snooze 3 --until +1w"))
def followup_snooze(
    context: typer.Context,
    followup_id: FollowupId,
    until: Annotated[str, typer.Option(metavar="DATE", help="New due date.")],
) -> None:
    """Move a promise to a later day (the original date is kept)."""
    from kundenpflege import followups
    from kundenpflege.dates import parse_date

    today = clock.today()
    day = parse_date(until, today)
    with session(context).journal(write=True) as connection:
        followups.snooze(connection, followup_id, day, today)
    say(_("Follow-up #{number} moved to {day}.").format(number=followup_id, day=i18n.day(day)))


@followup_app.command("list", epilog=examples("kundenpflege followup list --customer mueller-bau"))
def followup_list(
    context: typer.Context,
    customer: Annotated[str | None, typer.Option(help="Only this customer.")] = None,
    output: Format = OutputFormat.table,
) -> None:
    """List open promises by due date."""
    from kundenpflege import customers, followups, views

    with session(context).journal() as connection:
        customer_id = customers.find(connection, customer)["id"] if customer else None
        rows = followups.open_followups(connection, customer_id)
    emit(views.followups_report(rows), output)


# --- reports -----------------------------------------------------------------------------


@app.command(epilog=examples("kundenpflege due", "kundenpflege due --format csv > due.csv"))
def due(
    context: typer.Context,
    as_of: AsOf = None,
    days: Annotated[int, typer.Option(min=0, help="Also show what is due in the next N days.")] = 7,
    person: Annotated[
        str | None, typer.Option(help="Only contacts for this person of ours.")
    ] = None,
    tag: Tag = None,
    tier: Tier = None,
    output: Format = OutputFormat.table,
    limit: Limit = None,
    excel: Annotated[bool, typer.Option(help="CSV for German Excel: BOM and ';'.")] = False,
) -> None:
    """Whom to contact, why, who of us, on which channel, and the last impression."""
    from kundenpflege import due as due_report
    from kundenpflege import views

    today = today_or(as_of)
    with session(context).journal() as connection:
        items, total = due_report.due(
            connection,
            today,
            days_ahead=days,
            person=person,
            tag=tag,
            tier=tier,
            limit=row_limit(limit, output),
        )
    emit(views.due_report(items, total), output, excel=excel)


@app.command(
    epilog=examples("kundenpflege impressions --last 3", "kundenpflege impressions --mood negative")
)
def impressions(
    context: typer.Context,
    as_of: AsOf = None,
    last: Annotated[int, typer.Option(min=1, help="Impressions per customer.")] = 3,
    customer: Annotated[str | None, typer.Option(help="Only this customer.")] = None,
    tag: Tag = None,
    tier: Tier = None,
    mood: Annotated[
        str | None, typer.Option(help="Only these moods: -1, -2..0, negative, positive.")
    ] = None,
    output: Format = OutputFormat.table,
    limit: Limit = None,
) -> None:
    """Recent impressions per customer, the freshest customers first.

    --limit counts customers, not rows.
    """
    from kundenpflege import customers, views
    from kundenpflege import impressions as impressions_report

    today = today_or(as_of)
    moods = impressions_report.parse_mood_filter(mood) if mood else None
    with session(context).journal() as connection:
        customer_id = customers.find(connection, customer)["id"] if customer else None
        rows, more = impressions_report.recent(
            connection,
            today,
            last=last,
            customer_id=customer_id,
            tag=tag,
            tier=tier,
            moods=moods,
            limit=row_limit(limit, output),
        )
    emit(views.impressions_report(rows, more), output)


@app.command(epilog=examples("0 7 * * 1-5  kundenpflege remind", title=N_("Example crontab line")))
def remind(
    context: typer.Context,
    as_of: AsOf = None,
    person: Annotated[str | None, typer.Option(help="Only this person's contacts.")] = None,
) -> None:
    """Plain-text digest of what is due today, grouped by our person; silent when nothing is."""
    from kundenpflege import due as due_report
    from kundenpflege.remind import digest

    today = today_or(as_of)
    with session(context).journal() as connection:
        items, _total = due_report.due(connection, today, days_ahead=0, person=person)
    sys.stdout.write(digest(items, today))


# --- insights -----------------------------------------------------------------------------


@app.command(epilog=examples("kundenpflege health", "kundenpflege health --tier A --format csv"))
def health(
    context: typer.Context,
    as_of: AsOf = None,
    tag: Tag = None,
    tier: Tier = None,
    person: Person = None,
    output: Format = OutputFormat.table,
    limit: Limit = None,
) -> None:
    """Relationships at risk: a bad last impression, silence, a falling mood, too much contact.

    Each row says why, since when, and the next step (who, which channel).
    """
    from kundenpflege import health as health_report
    from kundenpflege import settings, views

    today = today_or(as_of)
    with session(context).journal() as connection:
        rows, total = health_report.at_risk(
            connection,
            today,
            default=settings.default_frequency(connection),
            tag=tag,
            tier=tier,
            person=person,
            limit=row_limit(limit, output),
        )
    emit(views.health_report(rows, total), output)


@app.command(epilog=examples("kundenpflege fairness", "kundenpflege fairness --by band"))
def fairness(
    context: typer.Context,
    by: Annotated[str, typer.Option(help="Group by tier or value band.")] = "tier",
    window: Window = 365,
    as_of: AsOf = None,
    tag: Tag = None,
    tier: Tier = None,
    person: Person = None,
    output: Format = OutputFormat.table,
) -> None:
    """Big versus small: contacts per customer, personal versus mass channels, overdue share."""
    from kundenpflege import fairness as fairness_report
    from kundenpflege import views

    today = today_or(as_of)
    with session(context).journal() as connection:
        rows = fairness_report.fairness(
            connection, today, by=by, window_days=window, tag=tag, tier=tier, person=person
        )
    emit(views.fairness_report(rows, by), output)


@app.command(epilog=examples("kundenpflege value --flagged", "kundenpflege value --format csv"))
def value(
    context: typer.Context,
    flagged: Annotated[bool, typer.Option("--flagged", help="Only flagged customers.")] = False,
    window: Window = 365,
    as_of: AsOf = None,
    tag: Tag = None,
    tier: Tier = None,
    person: Person = None,
    output: Format = OutputFormat.table,
    limit: Limit = None,
) -> None:
    """Lifetime value beside attention: high value heard from little, low value over-served."""
    from kundenpflege import value as value_report
    from kundenpflege import views

    today = today_or(as_of)
    with session(context).journal() as connection:
        rows, total = value_report.value(
            connection,
            today,
            window_days=window,
            tag=tag,
            tier=tier,
            person=person,
            flagged_only=flagged,
            limit=row_limit(limit, output),
        )
    emit(views.value_report(rows, total), output)


@app.command(epilog=examples("kundenpflege reactive", "kundenpflege reactive --window 90"))
def reactive(
    context: typer.Context,
    window: Window = 365,
    as_of: AsOf = None,
    tag: Tag = None,
    tier: Tier = None,
    person: Person = None,
    output: Format = OutputFormat.table,
    limit: Limit = None,
) -> None:
    """Customers we only talk to when they come to us (often with a complaint)."""
    from kundenpflege import reactive as reactive_report
    from kundenpflege import views

    today = today_or(as_of)
    with session(context).journal() as connection:
        rows, total = reactive_report.reactive_only(
            connection,
            today,
            window_days=window,
            tag=tag,
            tier=tier,
            person=person,
            limit=row_limit(limit, output),
        )
        overall = reactive_report.overall(
            connection, today, window, tag=tag, tier=tier, person=person
        )
    emit(views.reactive_report(rows, total, overall), output)


@app.command(epilog=examples("kundenpflege pulse", "kundenpflege pulse --period 7"))
def pulse(
    context: typer.Context,
    period: Annotated[int, typer.Option(min=1, help="Days per period to compare.")] = 30,
    as_of: AsOf = None,
    tag: Tag = None,
    tier: Tier = None,
    person: Person = None,
    output: Format = OutputFormat.table,
) -> None:
    """The journal on one screen, this period against the one before: run it on Monday."""
    from kundenpflege import pulse as pulse_report
    from kundenpflege import views

    today = today_or(as_of)
    with session(context).journal() as connection:
        rows = pulse_report.pulse(
            connection,
            today,
            period_days=period,
            tag=tag,
            tier=tier,
            person=person,
        )
    emit(views.pulse_report(rows), output)


# --- consent ------------------------------------------------------------------------------

Whom = Annotated[
    str, typer.Argument(metavar="HANDLE[/CONTACT]", help="Customer, or one contact there.")
]
Purpose = Annotated[
    str, typer.Option(help="newsletter, email-marketing or phone-marketing.", show_default=False)
]
Evidence = Annotated[
    str | None, typer.Option(help="How it was given, e.g. 'form on website, IP ...'.")
]


def record_consent(context: typer.Context, whom: str, action: str, purpose: str,
                   evidence: str | None) -> None:  # fmt: skip
    from kundenpflege import consent

    with session(context).journal(write=True) as connection:
        who = consent.subject(connection, whom)
        state = consent.record(
            connection, who, action=action, purpose=purpose, evidence=evidence, now=clock.now()
        )
    say(_("{purpose} consent of {whom}: {state}.").format(
        purpose=_(purpose), whom=consent.describe(who), state=_(state)))  # fmt: skip


@consent_app.command(
    "grant",
    epilog=examples(
        'kundenpflege consent grant mueller-bau --purpose newsletter --evidence "form 2026-11-25"'
    ),
)
def consent_grant(context: typer.Context, whom: Whom, purpose: Purpose,
                  evidence: Evidence = None) -> None:  # fmt: skip
    """Record that consent was given (the first step of double opt-in)."""
    record_consent(context, whom, "grant", purpose, evidence)


@consent_app.command(
    "confirm",
    epilog=examples('kundenpflege consent confirm "mueller-bau/Petra Müller" --purpose newsletter'),
)
def consent_confirm(context: typer.Context, whom: Whom, purpose: Purpose,
                    evidence: Evidence = None) -> None:  # fmt: skip
    """Record the confirmation of a grant (double opt-in complete)."""
    record_consent(context, whom, "confirm", purpose, evidence)


@consent_app.command(
    "withdraw",
    epilog=examples(
        'kundenpflege consent withdraw mueller-bau --purpose newsletter --evidence "Anruf"'
    ),
)
def consent_withdraw(context: typer.Context, whom: Whom, purpose: Purpose,
                     evidence: Evidence = None) -> None:  # fmt: skip
    """Record that consent was withdrawn."""
    record_consent(context, whom, "withdraw", purpose, evidence)


@consent_app.command("list", epilog=examples("kundenpflege consent list mueller-bau"))
def consent_list(
    context: typer.Context,
    handle: Annotated[str | None, typer.Argument(help="Only this customer.")] = None,
    output: Format = OutputFormat.table,
) -> None:
    """The whole ledger, oldest first: every grant, confirmation and withdrawal."""
    from kundenpflege import consent, customers, views

    with session(context).journal() as connection:
        customer_id = customers.find(connection, handle)["id"] if handle else None
        rows = consent.ledger(connection, customer_id)
    emit(views.consent_report(rows), output)


# --- data in and out ------------------------------------------------------------------------

FileArgument = Annotated[Path, typer.Argument(metavar="FILE", help="The file to read.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")]
SkipInvalid = Annotated[
    bool, typer.Option("--skip-invalid", help="Leave out bad rows (listed) instead of stopping.")
]


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on a terminal; nothing at all when piped."""
    if not sys.stderr.isatty() or total < 200:
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.advance(task, done)


def counted(rows: Iterable[T], advance: Callable[[int], None] | None) -> Iterator[T]:
    """Pass rows through, moving a progress bar every thousand."""
    for number, row in enumerate(rows, start=1):
        if advance and number % 1000 == 0:
            advance(1000)
        yield row


def run_import(
    context: typer.Context,
    records: "list[Record]",
    problems: list[str],
    path: Path,
    dry_run: bool,
    skip_invalid: bool,
) -> None:
    from kundenpflege import importing

    if problems and not skip_invalid:
        raise KundenpflegeError(
            _("{path} {problem}; nothing was imported (--skip-invalid leaves bad rows out)").format(
                path=path, problem=problems[0]
            )
        )
    with (
        session(context).journal() as connection,
        progress_bar(len(records), _("Importing")) as bar,
    ):
        # A big import touches every index page; a larger page cache saves re-reading them.
        connection.execute("PRAGMA cache_size = -65536")
        connection.execute("BEGIN IMMEDIATE")
        try:
            outcome = importing.apply(
                connection, records, now=clock.now(), today=clock.today(), source=str(path),
                skip_invalid=skip_invalid, progress=bar,
            )  # fmt: skip
            connection.execute("ROLLBACK" if dry_run else "COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    skipped = problems + outcome.skipped
    for problem in skipped:
        say(_("Skipped {problem}").format(problem=problem))
    summary = (
        _("Would import {path}: {added} added, {updated} updated, {skipped} skipped.")
        if dry_run
        else _("Imported {path}: {added} added, {updated} updated, {skipped} skipped.")
    )
    say(summary.format(path=path, added=outcome.added, updated=outcome.updated,
                       skipped=len(skipped)))  # fmt: skip


@import_app.command(
    "csv",
    epilog=examples(
        "kundenpflege import csv kunden.csv --dry-run",
        "kundenpflege import csv export.csv --map Kundennr=handle --map Betreuer=person",
    ),
)
def import_csv(
    context: typer.Context,
    path: FileArgument,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", metavar="COLUMN=FIELD", help="Read COLUMN as FIELD."),
    ] = None,
    dry_run: DryRun = False,
    skip_invalid: SkipInvalid = False,
) -> None:
    """Import customers (and a contact each) from CSV; English or German headers.

    All or nothing: a bad row stops the import unless --skip-invalid. Importing the
    same file again updates (by handle, then e-mail, then name), never duplicates.
    """
    from kundenpflege import csv_import

    overrides = {}
    for item in mapping or []:
        column, separator, field = item.partition("=")
        if not separator or not column.strip() or not field.strip():
            raise KundenpflegeError(
                _("--map '{item}' should look like COLUMN=FIELD").format(item=item)
            )
        overrides[column.strip()] = field.strip()
    records, problems = csv_import.read(path, clock.today(), overrides)
    run_import(context, records, problems, path, dry_run, skip_invalid)


@import_app.command("vcard", epilog=examples("kundenpflege import vcard kontakte.vcf"))
def import_vcard(
    context: typer.Context, path: FileArgument, dry_run: DryRun = False,
    skip_invalid: SkipInvalid = False,
) -> None:  # fmt: skip
    """Import an address book (vCard 2.1/3.0/4.0): ORG is the customer, the person a contact."""
    from kundenpflege import vcard_import

    run_import(context, vcard_import.read(path), [], path, dry_run, skip_invalid)


@import_app.command(
    "json",
    epilog=examples(
        "kundenpflege --db neu.db init && kundenpflege --db neu.db import json journal.json"
    ),
)
def import_json(context: typer.Context, path: FileArgument) -> None:
    """Load a whole journal written by 'export json' into an empty journal."""
    import json

    from kundenpflege import exporting
    from kundenpflege.csv_import import decode

    try:
        data = json.loads(decode(path))
    except json.JSONDecodeError as error:
        raise KundenpflegeError(
            _("{path} line {line}: not valid JSON ({error})").format(
                path=path, line=error.lineno, error=error.msg
            )
        ) from None
    with session(context).journal(write=True) as connection:
        count = exporting.load(connection, data, str(path))
    say(_("Loaded {count} rows from {path}.").format(count=count, path=path))


@export_app.command(
    "csv",
    epilog=examples(
        "kundenpflege export csv customers > kunden.csv",
        "kundenpflege export csv interactions --excel > kontakte.csv",
    ),
)
def export_csv(
    context: typer.Context,
    table: Annotated[str, typer.Argument(
        help="customers, contacts, preferences, interactions, followups or consent.")],
    excel: Annotated[bool, typer.Option(help="BOM and ';' for German Excel.")] = False,
) -> None:  # fmt: skip
    """Write one table as spreadsheet-safe CSV to stdout."""
    from kundenpflege import exporting, render

    with session(context).journal() as connection:
        fields, count, rows = exporting.table(connection, table)
        with progress_bar(count, _("Exporting {table}").format(table=table)) as advance:
            render.write_csv(fields, counted(rows, advance), sys.stdout, excel=excel)


@export_app.command("json", epilog=examples("kundenpflege export json > journal.json"))
def export_json(context: typer.Context) -> None:
    """The whole journal as JSON with its schema version; 'import json' reads it back."""
    from kundenpflege import exporting

    with session(context).journal() as connection:
        with progress_bar(exporting.journal_size(connection), _("Exporting")) as advance:
            exporting.write_journal(connection, clock.now(), sys.stdout, advance)


@export_app.command("ical", epilog=examples("kundenpflege export ical --days 30 > kunden.ics"))
def export_ical(
    context: typer.Context,
    days: Annotated[int, typer.Option(min=0, help="How far ahead.")] = 30,
    as_of: AsOf = None,
) -> None:
    """Due contacts and follow-ups as calendar events; stable UIDs update on re-import."""
    from kundenpflege import exporting

    today = today_or(as_of)
    with session(context).journal() as connection:
        data = exporting.ical(connection, today, clock.now(), days)
    # iCalendar text is CRLF-delimited UTF-8; write the bytes untouched.
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


Subject = Annotated[
    str, typer.Argument(metavar="HANDLE[/CONTACT]", help="Customer, or one person there.")
]


@gdpr_app.command("export", epilog=examples("kundenpflege gdpr export mueller-bau > auskunft.json"))
def gdpr_export(context: typer.Context, subject: Subject) -> None:
    """Everything stored about a customer or a person there, as JSON (access request)."""
    import json

    from kundenpflege import consent, gdpr

    with session(context).journal() as connection:
        data = gdpr.access(connection, consent.subject(connection, subject), clock.now())
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


@gdpr_app.command(
    "forget",
    epilog=examples(
        "kundenpflege gdpr forget mueller-bau --yes",
        'kundenpflege gdpr forget "mueller-bau/Petra Müller" --yes',
    ),
)
def gdpr_forget(
    context: typer.Context,
    subject: Subject,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: this cannot be undone.")] = False,
    by: Annotated[str | None, typer.Option(help="Who of us erased it (for the log).")] = None,
) -> None:
    """Erase a customer or a person there for good; only an erasure log entry remains."""
    from kundenpflege import consent, gdpr

    if not yes:
        raise KundenpflegeError(_("erasure cannot be undone; add --yes to confirm"))
    with session(context).journal(write=True) as connection:
        who = consent.subject(connection, subject)
        label = consent.describe(who)
        removed = gdpr.forget(connection, who, clock.now(), by)
    with session(context).journal() as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    say(ngettext("Erased {whom}: {count} row removed.", "Erased {whom}: {count} rows removed.",
                 removed).format(whom=label, count=removed))  # fmt: skip


@gdpr_app.command("restrict", epilog=examples("kundenpflege gdpr restrict mueller-bau"))
def gdpr_restrict(
    context: typer.Context,
    handle: Handle,
    lift: Annotated[bool, typer.Option("--lift", help="End the restriction.")] = False,
) -> None:
    """Keep a customer's data but leave it out of every report and export (Art. 18)."""
    from kundenpflege import customers, gdpr

    with session(context).journal(write=True) as connection:
        customer = customers.find(connection, handle)
        gdpr.restrict(connection, customer["id"], not lift)
    done = _("Lifted the restriction of {handle}.") if lift else _("Restricted {handle}.")
    say(done.format(handle=customer["handle"]))


@app.command(epilog=examples("kundenpflege backup", "kundenpflege backup /mnt/usb/kunden.db"))
def backup(
    context: typer.Context,
    target: Annotated[Path | None, typer.Argument(metavar="[PATH]", help="Where to write.")] = None,
) -> None:
    """Copy the journal safely, even while another command writes (file mode 0600)."""
    from kundenpflege import maintenance

    state = session(context)
    with state.journal() as connection, sqlite_errors(state.path):
        written = maintenance.backup(connection, state.path, target, clock.now())
    print(written)


@app.command(epilog=examples("kundenpflege restore journal-20261120-070000.backup.db"))
def restore(context: typer.Context, source: FileArgument) -> None:
    """Replace the journal with a backup after checking it; the old file is kept aside."""
    from kundenpflege import maintenance

    state = session(context)
    with sqlite_errors(source):
        kept = maintenance.restore(source, state.path, clock.now())
    if kept:
        say(_("The previous journal is kept as {path}.").format(path=kept))
    say(_("Restored {path} from {source}.").format(path=state.path, source=source))


@app.command(epilog=examples("kundenpflege doctor"))
def doctor(context: typer.Context) -> None:
    """Check integrity, foreign keys, schema, permissions and WAL size; exit 1 on problems."""
    from kundenpflege import maintenance

    state = session(context)
    with state.journal(upgrade=False) as connection:
        findings = maintenance.doctor(connection, state.path)
    for finding in findings:
        print(f"{_(finding.status):8} {_(finding.check)}: {finding.detail}")
    problems = [finding for finding in findings if finding.status == "problem"]
    print(_("verdict: problems found") if problems else _("verdict: healthy"))
    if problems:
        raise typer.Exit(ExitStatus.ERROR)


def leading_options(argv: Sequence[str]) -> tuple[dict[str, str | None], str | None]:
    """Global options given before the command, and the command a command line runs
    (None when it is about the whole tool: --help, --version or nothing)."""
    options: dict[str, str | None] = {}
    arguments = iter(argv)
    for argument in arguments:
        name, equals, value = argument.partition("=")
        if name in VALUE_OPTIONS:
            options[name] = value if equals else next(arguments, None)
        elif argument == "--":  # what follows is the command, even if it starts with "-"
            command = next(arguments, None)
            return options, ALIASES.get(command, command) if command else None
        elif argument.startswith("-"):
            return options, None  # --help, --version or a mistake
        else:
            return options, ALIASES.get(argument, argument)
    return options, None


def registered_name(info: Any) -> str:
    return str(info.name or getattr(info.callback, "__name__", "").replace("_", "-"))


def listed_only() -> None:
    """Stands in for a command on the overview; `app_for` builds the real one whenever a
    command is named, so Click never runs this."""
    raise KundenpflegeError(_("internal error: the command was not built; please report it"))


def overview() -> typer.Typer:
    """The whole tool's --help lists every command but runs none: listing them from
    their help texts skips building forty commands' options (about 12 ms)."""
    from typer.models import CommandInfo

    listed = [
        (registered_name(info), info.help or inspect.getdoc(info.callback))
        for info in app.registered_commands
    ] + [
        (registered_name(info), info.typer_instance.info.help if info.typer_instance else None)
        for info in app.registered_groups
    ]
    tool = new_app()
    tool.registered_callback = app.registered_callback
    tool.registered_commands = [
        CommandInfo(name=name, help=text, callback=listed_only) for name, text in listed
    ]
    return tool


def app_for(argv: Sequence[str]) -> typer.Typer:
    """Only what the command line needs: Typer builds every command it holds at start-up,
    and building all forty costs about 12 ms on each call."""
    name = leading_options(argv)[1]
    if name is None:
        return overview()
    commands = [info for info in app.registered_commands if registered_name(info) == name]
    groups = [info for info in app.registered_groups if info.name == name]
    if not commands and not groups:
        return app  # unknown: the full app suggests close matches
    single = new_app()
    single.registered_callback = app.registered_callback
    single.registered_commands = commands
    single.registered_groups = groups
    return single


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point for `kundenpflege` and `kp`."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    app_for(arguments)(args=arguments, prog_name="kundenpflege")
