"""Bringing data in and taking it out: import csv|vcard|json, export csv|json|ical."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kundenpflege import clock
from kundenpflege.cli.app import (
    AsOf,
    Excel,
    FileArgument,
    app,
    counted,
    examples,
    progress_bar,
    say,
    session,
    today_or,
    utf8_output,
)
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _, ngettext
from kundenpflege.limits import MAX_DAYS

if TYPE_CHECKING:
    from kundenpflege.interop.importing import Record

import_app = typer.Typer(no_args_is_help=True, help="Bring customers in: CSV, vCard, JSON.")
app.add_typer(import_app, name="import")

export_app = typer.Typer(no_args_is_help=True, help="Take everything out: CSV, JSON, iCalendar.")
app.add_typer(export_app, name="export")


LOOKALIKES_SHOWN = 20

DryRun = Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")]


SkipInvalid = Annotated[
    bool, typer.Option("--skip-invalid", help="Leave out bad rows (listed) instead of stopping.")
]


Overwrite = Annotated[
    bool,
    typer.Option(
        "--overwrite",
        help="Replace fields that hold another value (else kept and listed); undo restores them.",
    ),
]


DueNow = Annotated[
    bool,
    typer.Option(
        "--due-now",
        help="Make every new customer due today instead of spreading them over their rhythm.",
    ),
]


def run_import(
    context: typer.Context,
    records: "list[Record]",
    problems: list[str],
    path: Path,
    dry_run: bool,
    skip_invalid: bool,
    overwrite: bool,
    due_now: bool,
) -> None:
    from kundenpflege.interop import importing
    from kundenpflege.present import import_text
    from kundenpflege.present.escape import one_line

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
        outcome = importing.apply(
            connection, records, now=clock.now(), today=clock.today(), source=str(path),
            skip_invalid=skip_invalid, dry_run=dry_run, overwrite=overwrite, due_now=due_now,
            progress=bar,
        )  # fmt: skip
    # A dry run's listing is what was asked for (stdout); a real import's kept fields
    # are messages (stderr), one line each.
    for line in import_text.listing(outcome.rows):
        print(one_line(line))
    for handle, difference in outcome.kept if not dry_run else ():
        say(import_text.conflict_line(handle, difference))
    skipped = problems + outcome.skipped
    for problem in skipped:
        say(_("Skipped {problem}").format(problem=problem))
    for warning in outcome.lookalikes[:LOOKALIKES_SHOWN]:
        say(warning)
    if len(outcome.lookalikes) > LOOKALIKES_SHOWN:
        say(_("… {count} more names that look like others").format(
            count=len(outcome.lookalikes) - LOOKALIKES_SHOWN))  # fmt: skip
    planned = import_text.due_this_week(outcome.first_due, clock.today(), spread=not due_now)
    if planned:
        say(planned)
    say(import_text.summary(outcome, str(path), len(skipped), dry_run))


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
    overwrite: Overwrite = False,
    due_now: DueNow = False,
) -> None:
    """Import customers (and a contact each) from CSV; English or German headers.

    All or nothing: a bad row stops the import unless --skip-invalid. Importing the
    same file again finds each customer (by handle, then e-mail, then name), never
    duplicates, fills empty fields and keeps the ones you typed (--overwrite replaces
    them). New customers are spread over their first rhythm on working days.
    """
    from kundenpflege.interop import csv_import

    overrides = {}
    for item in mapping or []:
        column, separator, field = item.partition("=")
        if not separator or not column.strip() or not field.strip():
            raise KundenpflegeError(
                _("--map '{item}' should look like COLUMN=FIELD").format(item=item)
            )
        overrides[column.strip()] = field.strip()
    records, problems = csv_import.read(path, clock.today(), overrides)
    run_import(context, records, problems, path, dry_run, skip_invalid, overwrite, due_now)


@import_app.command("vcard", epilog=examples("kundenpflege import vcard kontakte.vcf"))
def import_vcard(
    context: typer.Context, path: FileArgument, dry_run: DryRun = False,
    skip_invalid: SkipInvalid = False, overwrite: Overwrite = False, due_now: DueNow = False,
) -> None:  # fmt: skip
    """Import an address book (vCard 2.1/3.0/4.0): ORG is the customer, the person a contact.

    Importing it again fills empty fields and keeps the ones you typed (--overwrite
    replaces them); new customers are spread over their first rhythm on working days.
    """
    from kundenpflege.interop import vcard_import

    records, media, problems = vcard_import.read(path)
    if media:
        say(ngettext("Left out {count} picture or sound: the journal keeps none.",
                     "Left out {count} pictures and sounds: the journal keeps none.",
                     media).format(count=media))  # fmt: skip
    run_import(context, records, problems, path, dry_run, skip_invalid, overwrite, due_now)


@import_app.command(
    "json",
    epilog=examples(
        "kundenpflege --db neu.db init && kundenpflege --db neu.db import json journal.json"
    ),
)
def import_json(context: typer.Context, path: FileArgument) -> None:
    """Load a whole journal written by 'export json' into an empty journal."""
    import json

    from kundenpflege.interop import exporting, textfile

    try:
        # A whole journal may be large; each of its lines is still capped.
        data = json.loads(textfile.read(path, max_bytes=None).text)
    except ValueError as error:  # an integer of thousands of digits, among others
        if isinstance(error, json.JSONDecodeError):
            raise KundenpflegeError(
                _("{path} line {line}: not valid JSON ({error})").format(
                    path=path, line=error.lineno, error=error.msg
                )
            ) from None
        raise KundenpflegeError(
            _("{path}: not a journal export ({error})").format(path=path, error=error)
        ) from None
    except RecursionError:
        raise KundenpflegeError(
            _("{path}: nested too deeply to be a journal export").format(path=path)
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
    excel: Excel = False,
) -> None:  # fmt: skip
    """Write one table as spreadsheet-safe CSV to stdout."""
    from kundenpflege.interop import exporting
    from kundenpflege.present import render

    with session(context).journal() as connection:
        fields, count, rows = exporting.table(connection, table)
        with progress_bar(count, _("Exporting {table}").format(table=table)) as advance:
            utf8_output()
            render.write_csv(fields, counted(rows, advance), sys.stdout, excel=excel)


@export_app.command("json", epilog=examples("kundenpflege export json > journal.json"))
def export_json(context: typer.Context) -> None:
    """The whole journal as JSON with its schema version; 'import json' reads it back."""
    from kundenpflege.interop import exporting

    with session(context).journal() as connection:
        with progress_bar(exporting.journal_size(connection), _("Exporting")) as advance:
            utf8_output()
            exporting.write_journal(connection, clock.now(), sys.stdout, advance)


@export_app.command("ical", epilog=examples("kundenpflege export ical --days 30 > kunden.ics"))
def export_ical(
    context: typer.Context,
    days: Annotated[int, typer.Option(min=0, max=MAX_DAYS, help="How far ahead.")] = 30,
    as_of: AsOf = None,
) -> None:
    """Due contacts and follow-ups as calendar events, key dates (birthdays, anniversaries)
    as yearly events; stable UIDs update on re-import."""
    from kundenpflege.domain import key_dates
    from kundenpflege.present.ical import calendar
    from kundenpflege.reports.due import due

    today = today_or(as_of)
    with session(context).report(today, plans_only=True) as connection:
        items, _total = due(connection, today, days_ahead=days)
        occasions, _count = key_dates.listed(connection, today, plannable=True)
    coming = [occasion for occasion in occasions if occasion.next_on is not None]
    data = calendar(items, clock.now(), coming)
    # iCalendar text is CRLF-delimited UTF-8; write the bytes untouched.
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
