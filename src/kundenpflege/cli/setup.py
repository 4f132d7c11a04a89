"""Setting up and looking after the journal file: init, demo, backup, restore, doctor."""

from pathlib import Path
from typing import Annotated

import typer

from kundenpflege import clock, i18n
from kundenpflege.cli.app import (
    FileArgument,
    app,
    completes,
    confirm,
    database_errors,
    examples,
    say,
    session,
)
from kundenpflege.errors import ExitStatus, KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.limits import MAX_ROWS
from kundenpflege.present.escape import one_line


@app.command(
    epilog=examples(
        "kundenpflege init --region DE-BY --workdays mo-fr",
        "kundenpflege --db ~/kunden.db init --default-every monthly",
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
            autocompletion=completes("rhythms"),
        ),
    ] = None,
    me: Annotated[
        str | None,
        typer.Option("--me", metavar="HANDLE", help="You, for customers who chose nobody."),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            metavar="REGION",
            help="Public holidays of this country or state, e.g. DE, DE-BY (default: DE).",
        ),
    ] = None,
    workdays: Annotated[
        str | None,
        typer.Option("--workdays", metavar="DAYS", help="The days we work (default: mo-fr)."),
    ] = None,
) -> None:
    """Create the journal file (0600), or bring an existing one up to date.

    Suggested contact days fall on our working days and never on a public holiday
    of the region; a weekday the customer asked for wins over our working days.
    """
    from kundenpflege.domain import journal, people, rhythm
    from kundenpflege.domain import workdays as calendar
    from kundenpflege.domain.dates import parse_frequency, parse_weekdays

    frequency = parse_frequency(default_every) if default_every else None
    days = parse_weekdays(workdays) if workdays is not None else None  # before the file is made
    state = session(context)
    path = state.location
    with state.new_journal() as (connection, created), journal.change(connection):
        if frequency:
            rhythm.set_default_frequency(connection, frequency)
        if me:
            people.set_me(connection, me, clock.now())
        if workdays is not None:
            calendar.set_workdays(connection, workdays)
        named = calendar.set_region(connection, region) if region is not None else None
        recomputed = not named and calendar.refresh(connection)
        current = calendar.region(connection)
    if named:
        say(_("Suggestions skip the public holidays of {region}.").format(region=named))
    if recomputed:
        say(_("Public holidays of {region} computed again.").format(region=current))
    if days:
        say(_("Working days: {days}.").format(days=", ".join(i18n.weekday(day) for day in days)))
    if me:
        say(_("You are {handle}: customers who chose nobody are yours.").format(handle=me))
    if frequency:
        say(_("Default rhythm is now {rhythm}.").format(rhythm=frequency.describe()))
    say((_("Created {path}") if created else _("Journal is up to date: {path}")).format(path=path))


@app.command(epilog=examples("kundenpflege --db /tmp/demo.db demo"))
def demo(
    context: typer.Context,
    customers: Annotated[
        int, typer.Option(help="How many invented customers.", min=1, max=MAX_ROWS)
    ] = 40,
    seed: Annotated[int, typer.Option(help="Seed, for the same demo every time.")] = 7,
) -> None:
    """Create a NEW journal filled with invented customers and half a year of history.

    Refuses to touch an existing file, so it can never overwrite your real journal.
    """
    from kundenpflege.interop import demo_data

    state = session(context)
    path = state.location
    if isinstance(path, Path) and path.exists():
        raise KundenpflegeError(
            _("{path} exists already; the demo only writes to a new file").format(path=path)
        )
    with state.new_journal() as (connection, created):
        if not created:  # a database on a server that holds a journal already
            raise KundenpflegeError(
                _("{path} holds a journal already; the demo only writes to a new one").format(
                    path=path
                )
            )
        demo_data.build(connection, clock.now(), count=customers, seed=seed)
    say(_("Created a demo journal with {count} invented customers: {path}").format(
        count=customers, path=path))  # fmt: skip


@app.command(epilog=examples("kundenpflege backup", "kundenpflege backup /mnt/usb/kunden.db"))
def backup(
    context: typer.Context,
    target: Annotated[Path | None, typer.Argument(metavar="[PATH]", help="Where to write.")] = None,
) -> None:
    """Copy the journal safely, even while another command writes (file mode 0600)."""
    from kundenpflege.storage import maintenance

    state = session(context)
    path = state.path  # a file: a server's journal is copied with pg_dump
    with state.journal() as connection, database_errors(path):
        written = maintenance.backup(connection, path, target, clock.now())
    print(one_line(str(written)))


@app.command(epilog=examples("kundenpflege restore journal-20261120-070000.backup.db --yes"))
def restore(
    context: typer.Context,
    source: FileArgument,
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask (scripts): the journal is kept aside.")
    ] = False,
) -> None:
    """Replace the journal with a backup after checking it; the old content is kept aside.

    Safe while others use the journal: they see the old content or the new, and
    nothing they wrote before is lost (it is in the kept copy).
    """
    from kundenpflege.storage import restore as restoring

    state = session(context)
    from kundenpflege.interop.journal_rules import check_rows

    with database_errors(source):
        restoring.check_backup(source, clock.now(), state.path)
        with restoring.backup_opened(source) as candidate:
            check_rows(candidate, str(source))
    confirm(
        yes,
        _("Replace {path} with {source}? The current journal is kept aside.").format(
            path=state.path, source=source
        ),
        refusal=_("restore replaces {path}; add --yes to confirm").format(path=state.path),
        declined=_("nothing was restored"),
    )
    with database_errors(state.path):
        kept = restoring.restore(source, state.path, clock.now())
    with state.journal():
        pass  # brings the restored journal's schema and derived columns up to date
    if kept:
        say(_("The previous journal is kept as {path}.").format(path=kept))
    say(_("Restored {path} from {source}.").format(path=state.path, source=source))


@app.command(epilog=examples("kundenpflege doctor"))
def doctor(context: typer.Context) -> None:
    """Check integrity, foreign keys, schema, permissions and WAL size; exit 1 on problems."""
    from kundenpflege.domain import journal
    from kundenpflege.storage import maintenance

    state = session(context)
    with state.journal(upgrade=False) as connection:
        findings = maintenance.doctor(connection, state.location, clock.now(), journal.recompute)
    for finding in findings:
        print(one_line(f"{_(finding.status):8} {_(finding.check)}: {finding.detail}"))
    problems = [finding for finding in findings if finding.status == "problem"]
    print(_("verdict: problems found") if problems else _("verdict: healthy"))
    if problems:
        raise typer.Exit(ExitStatus.ERROR)
