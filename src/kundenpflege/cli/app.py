"""The app: the top-level group, global options, the journal session, and output.

Command modules (one per group of commands) register on `app`; `cli.commands`
imports only the one a command line needs. Domain modules are imported inside
the commands, so start-up stays fast.
"""

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from kundenpflege import __version__, clock, i18n, paths
from kundenpflege.cli.internals import (
    ClickException,
    ClickUsageError,
    NoArgsIsHelpError,
    TyperGroup,
    click_message,
    localize,
    quote_for_bash,
)
from kundenpflege.errors import ExitStatus, KundenpflegeError, UsageError
from kundenpflege.i18n import N_, _, ngettext
from kundenpflege.limits import MAX_DAYS, MAX_ROWS
from kundenpflege.present.escape import one_line

if TYPE_CHECKING:
    from kundenpflege.cli.completion import Offered
    from kundenpflege.cli.tables import Picture
    from kundenpflege.present.render import Report
    from kundenpflege.storage.connection import Connection

TTY_LIMIT = 50
PERSON_VARIABLE = "KUNDENPFLEGE_PERSON"  # who of us is at work (a team journal)


T = TypeVar("T")


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class Language(StrEnum):
    de = "de"
    en = "en"


def fail(message: str, status: int) -> NoReturn:
    print(_("Error: {message}").format(message=one_line(message)), file=sys.stderr)
    sys.exit(status)


# German names for the daily commands; resolved here instead of registering each
# command twice, which would cost start-up time and clutter --help.
ALIASES = {"faellig": "due", "eindruecke": "impressions", "erinnern": "remind"}


# What people type when they want to take something back: pointed to the real commands.
CORRECTION_WORDS = frozenset({"remove", "delete", "del", "rm", "cancel"})
# Global options that take a value; they may stand before the command name.
VALUE_OPTIONS = ("--db", "--lang")


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


class JournalGroup(TyperGroup):
    """Turns every failure into one `Error: ...` line and a named exit status."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in CORRECTION_WORDS and not ctx.resilient_parsing:  # not on TAB
            raise UsageError(
                _("'{name}' is not a command; to correct something use 'kundenpflege interaction"
                  " delete NUMBER', 'contact remove', 'person remove' or 'followup cancel'")
                .format(name=cmd_name)
            )  # fmt: skip
        return super().get_command(ctx, ALIASES.get(cmd_name, cmd_name))

    def main(self, *args: Any, **kwargs: Any) -> Any:
        arguments = kwargs.get("args", args[0] if args else None)
        arguments = sys.argv[1:] if arguments is None else list(arguments)
        quote_for_bash()
        i18n.select(i18n.choose(leading_options(arguments)[0].get("--lang"), os.environ))
        for argument in arguments:
            # Python hands undecodable bytes over as lone surrogates; no journal can store them.
            if any("\udc80" <= char <= "\udcff" for char in argument):
                fail(_("'{argument}' is not UTF-8 text; nothing was changed").format(
                    argument=argument.encode("utf-8", "surrogateescape").decode(
                        "utf-8", "backslashreplace")), ExitStatus.USAGE)  # fmt: skip
            # No shell can pass a NUL, but a program can; a server's text cannot hold it,
            # so no journal keeps one (notes and files are checked where they are read).
            if "\x00" in argument:
                refused = _("'{argument}' contains a NUL character, which a journal does not"
                            " keep; nothing was changed")  # fmt: skip
                fail(refused.format(argument=argument), ExitStatus.USAGE)
        if i18n.current() != "en":
            localize(self)
        if i18n.current() == "de":  # the German names are worth knowing in German
            for alias, name in ALIASES.items():
                if getattr(self.commands.get(name), "help", None):
                    command = self.commands[name]
                    command.help = f"({alias}) {command.help}"
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
            sys.stdout.flush()  # a full disk shows here, not in a traceback at exit
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
        except OSError as error:  # the output could not be written: a full disk, a device
            unwritable_output()
            fail(_("cannot write the output: {reason}").format(
                reason=i18n.system_message(error)), ExitStatus.ERROR)  # fmt: skip
        sys.exit(result if isinstance(result, int) else ExitStatus.OK)


def unwritable_output() -> None:
    """What is still buffered for stdout goes nowhere, so that Python's own flush at
    exit does not fail again with a traceback."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (a test's captured output)
        pass


def examples(*lines: str, title: str = N_("Examples")) -> str:
    """A help epilog; Click keeps the line breaks of a paragraph that starts with \\b."""
    return "\b\n" + title + ":\n" + "\n".join(f"  {line}" for line in lines)


def new_app() -> typer.Typer:
    """The top-level app; `app_for` builds a second one holding a single command."""
    return typer.Typer(
        cls=JournalGroup,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        add_completion=True,
        no_args_is_help=True,
        help="kundenpflege: a relationship journal where the customer decides who contacts"
        " them, how, and how often.",
        epilog=examples("kundenpflege due", "kundenpflege log mueller-bau --kind call --mood 1"),
    )


app = new_app()


class Session:
    """What the global options chose; commands open the journal through it."""

    def __init__(self, db_option: str | None = None) -> None:
        self.db_option = db_option
        self.command = "change"  # what the change log calls this command's changes

    @contextmanager
    def journal(
        self, write: bool = False, upgrade: bool = True, warn: bool = True
    ) -> Iterator["Connection"]:
        """The open journal; with `write`, the whole command is one change (unit of work).

        A journal from a newer version can only be read: a command that got through
        says so once, after its output (`warn=False`: the command decides).
        """
        from kundenpflege.domain import journal
        from kundenpflege.storage.db import newer_than_us

        with database_errors(self.location):
            connection = journal.open_journal(
                self.location, clock.now(), upgrade=upgrade, command=self.command,
                progress=OpeningProgress(),
            )  # fmt: skip
            self.at_work(connection)
            try:
                if write:
                    with journal.change(connection):
                        yield connection
                else:
                    yield connection
                refused = newer_than_us(connection)
                if warn and refused:
                    say(_("Warning: {reason}; nothing was changed").format(reason=refused))
            finally:
                connection.close()

    @contextmanager
    def report(
        self,
        day: "date",
        *,
        plans_only: bool = False,
        customer: str | None = None,
        warn: bool = True,
    ) -> Iterator["Connection"]:
        """The journal for a report as of `day`: today (or later) reads the stored
        state; a past day reads the journal as it stood then (`domain.as_of`), for
        every customer or only `customer` (a handle), in one read snapshot whose
        shadows end with it."""
        with self.journal(warn=warn) as connection:
            if day >= clock.today():
                yield connection
                return
            from kundenpflege.domain import as_of

            with as_of.travelled(connection, day, handle=customer, plans_only=plans_only):
                yield connection

    @contextmanager
    def new_journal(self) -> Iterator[tuple["Connection", bool]]:
        """The journal file, created (0600) if missing; and whether it is new."""
        from kundenpflege.domain import journal

        with database_errors(self.location):
            connection, created = journal.create_journal(
                self.location, clock.now(), self.command, progress=OpeningProgress()
            )
            self.at_work(connection)
            try:
                yield connection, created
            finally:
                connection.close()

    @staticmethod
    def at_work(connection: "Connection") -> None:
        """Who makes the command's changes: KUNDENPFLEGE_PERSON, else (on a server)
        the login the connection already knows."""
        from kundenpflege.storage.connection import JournalState

        named = os.environ.get(PERSON_VARIABLE)
        if named and isinstance(connection, JournalState):
            connection.person = named

    @staticmethod
    def logging_person(connection: "Connection") -> str | None:
        """Who of us a contact logged without --person was made by, if anyone said."""
        from kundenpflege.domain import people

        login = getattr(connection, "person", None)
        try:
            return people.at_work(connection, os.environ.get(PERSON_VARIABLE), login)
        except KundenpflegeError as unknown:  # only a name the variable gave can be
            raise KundenpflegeError(_("{error} ({variable} says who is at work)").format(
                error=unknown, variable=PERSON_VARIABLE)) from None  # fmt: skip

    @property
    def location(self) -> "Path | paths.Server":
        """The journal: a file, or a database server."""
        return paths.journal_location(self.db_option)

    @property
    def path(self) -> "Path":
        """The journal file, for what only a file has (its copies, its folder)."""
        return paths.database_path(self.db_option)


class OpeningProgress:
    """A bar for long work while a journal opens (the search index of an older journal
    is built once), on a terminal only; nothing is imported unless it is needed."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not sys.stderr.isatty() or total < 10_000:
            return
        if self.bar is None:
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task(_("Building the search index"), total=total)
        self.bar.update(self.task, completed=done)
        if done >= total:
            self.bar.stop()


@contextmanager
def database_errors(path: "Path | paths.Server") -> Iterator[None]:
    """The database's exceptions become one line naming the journal and what to do."""
    from kundenpflege.storage import db
    from kundenpflege.storage.connection import Error

    try:
        yield
    except Error as error:
        raise db.explain(error, path) from None


def session(context: typer.Context) -> Session:
    """The global options, told which command runs (`interaction edit`)."""
    state = context.ensure_object(Session)
    below_the_tool = context.command_path[len(context.find_root().command_path) :].strip()
    state.command = below_the_tool or state.command
    return state


def version_callback(context: typer.Context, value: bool) -> None:
    if value and not context.resilient_parsing:  # completing a command line runs nothing
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
            help="Journal file or postgresql:// address (else $KUNDENPFLEGE_DB, else the"
            " platform data folder).",
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


def completes(offered: "Offered") -> Callable[[typer.Context, str], list[tuple[str, str]]]:
    """What a parameter offers on TAB (`cli.completion`), as Typer's autocompletion
    callback: that module loads only when a shell asks, never on an ordinary run."""

    def offer(context: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        from kundenpflege.cli.completion import OFFERS

        return OFFERS[offered](context, incomplete)

    return offer


# Options shared by reports.
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Report as if today were DATE (reproducible)."),
]
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
Excel = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV for German Excel and LibreOffice: BOM, ';', decimal comma, dates as"
        " DD.MM.YYYY (no --format needed).",
    ),
]
Wide = Annotated[
    bool, typer.Option("--wide", help="All columns in a terminal, however narrow it is.")
]
Limit = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        max=MAX_ROWS,
        help="Show at most N rows (default 50 on a terminal; 0 = all).",
    ),
]
Tag = Annotated[str | None, typer.Option("--tag", help="Only customers with this tag.")]
Tier = Annotated[str | None, typer.Option("--tier", help="Only customers of this tier.")]
Handle = Annotated[
    str,
    typer.Argument(
        help="Customer handle (or exact name).",
        show_default=False,
        autocompletion=completes("customers"),
    ),
]
Person = Annotated[
    str | None,
    typer.Option(
        "--person",
        help="Only customers who chose this person of ours.",
        autocompletion=completes("people"),
    ),
]
Window = Annotated[int, typer.Option("--window", min=1, max=MAX_DAYS, help="Days to look back.")]
FileArgument = Annotated[Path, typer.Argument(metavar="FILE", help="The file to read.")]


def today_or(as_of: str | None) -> date:
    if as_of is None:
        return clock.today()
    from kundenpflege.domain.dates import parse_date

    return parse_date(as_of, clock.today())


def data_format(output: OutputFormat, excel: bool) -> OutputFormat:
    """--excel is a form of CSV: it stands for --format csv, and contradicts json."""
    if not excel:
        return output
    if output is OutputFormat.json:
        raise UsageError(_("--excel writes CSV; leave out --format json"))
    return OutputFormat.csv


def row_limit(limit: int | None, output: OutputFormat, excel: bool = False) -> int | None:
    """Cap tables on a terminal; give scripts and files everything unless asked."""
    if limit is None:
        table = data_format(output, excel) is OutputFormat.table
        return TTY_LIMIT if table and sys.stdout.isatty() else None
    if limit < 0:
        raise KundenpflegeError(_("--limit must be 0 (all) or a positive number"))
    return limit or None


def say(message: str) -> None:
    """Messages go to stderr so stdout stays clean data; user text in them is inert.
    On a terminal a long message breaks between words, never inside one."""
    line = one_line(message)
    if sys.stderr.isatty():
        import shutil
        import textwrap

        width = shutil.get_terminal_size().columns
        line = "\n".join(textwrap.wrap(line, width, break_long_words=False,
                                        break_on_hyphens=False)) or line  # fmt: skip
    print(line, file=sys.stderr)


def utf8_output() -> None:
    """Data and pages are UTF-8 whatever the terminal speaks (CSV, JSON, HTML say so)."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    if encoding != "utf8" and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")


def at_terminal() -> bool:
    """A person who can answer a question: input from and messages to a terminal."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def confirm(yes: bool, question: str, *, refusal: str, declined: str) -> None:
    """Go on only if --yes was given or a person at a terminal agreed; a script without
    --yes is refused, never left waiting on a prompt nobody sees."""
    if yes:
        return
    if not at_terminal():
        raise KundenpflegeError(refusal)
    # Our own yes/no, so that a German "j" is a yes: Click's confirm knows only y/n.
    choices = _("[y/N]")
    answer = typer.prompt(f"{one_line(question)} {choices}", default="", show_default=False,
                          err=True)  # fmt: skip
    if answer.strip().lower() not in YES:
        raise KundenpflegeError(declined)


YES = {"y", "yes", "j", "ja"}


def emit(
    report: "Report",
    output: OutputFormat,
    *,
    excel: bool = False,
    wide: bool = False,
    picture: "Picture | None" = None,
) -> None:
    """A report as its format asks; a table may have a picture under it."""
    from kundenpflege.present import render

    output = data_format(output, excel)
    if output is not OutputFormat.table:
        utf8_output()
    if output is OutputFormat.csv:
        render.write_csv(report.fields, report.data, sys.stdout, excel=excel)
    elif output is OutputFormat.json:
        render.write_json(report.data, sys.stdout)
    elif not report.data:
        say(_("{title}: none.").format(title=report.title))
    elif sys.stdout.isatty():
        from kundenpflege.cli.tables import rich_table

        rich_table(report, wide=wide)
    else:
        sys.stdout.write(render.plain_table(report.titles, report.table))
    if picture and report.data and output is OutputFormat.table:
        from kundenpflege.cli.tables import draw

        draw(picture)
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


def next_contact(day: date) -> str:
    """The part of a confirmation that says when the customer is due next."""
    return _("next contact {day}").format(day=i18n.day(day))


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
