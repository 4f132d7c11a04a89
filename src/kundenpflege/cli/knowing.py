"""Knowing people: facts (what we know, never a contact) and key dates (birthdays,
anniversaries, renewals, shown in due, remind and the calendar export)."""

from typing import Annotated

import typer

from kundenpflege import clock
from kundenpflege.cli.app import (
    AsOf,
    Excel,
    Format,
    Limit,
    OutputFormat,
    Wide,
    app,
    completes,
    emit,
    examples,
    row_limit,
    say,
    session,
    today_or,
)
from kundenpflege.errors import UsageError
from kundenpflege.i18n import _
from kundenpflege.limits import LARGEST_ID

fact_app = typer.Typer(
    no_args_is_help=True, help="What we know about a customer or a person there (not a contact)."
)
app.add_typer(fact_app, name="fact")
date_app = typer.Typer(
    no_args_is_help=True, help="Birthdays, anniversaries and renewals, shown in due and remind."
)
app.add_typer(date_app, name="date")

Whom = Annotated[
    str,
    typer.Argument(
        metavar="HANDLE[/CONTACT]",
        help="Customer, or one contact there.",
        show_default=False,
        autocompletion=completes("customers_or_contacts"),
    ),
]
Among = Annotated[
    str | None,
    typer.Argument(
        metavar="[HANDLE[/CONTACT]]",
        help="Only this customer, or one contact there.",
        show_default=False,
        autocompletion=completes("customers_or_contacts"),
    ),
]
FactNumber = Annotated[
    int,
    typer.Argument(metavar="NUMBER", min=1, max=LARGEST_ID, help="Number shown by 'fact list'."),
]
DateNumber = Annotated[
    int,
    typer.Argument(metavar="NUMBER", min=1, max=LARGEST_ID, help="Number shown by 'date list'."),
]
Source = Annotated[
    str | None,
    typer.Option(metavar="TEXT", help="How we know it, e.g. 'at the trade fair'."),
]


@fact_app.command(
    "add",
    epilog=examples(
        'kundenpflege fact add "mueller-bau/Petra Müller" "Tochter Lena, studiert in Leipzig"',
        'kundenpflege fact add mueller-bau "Mag keine Anrufe vor 10" --source Messe',
    ),
)
def fact_add(
    context: typer.Context,
    whom: Whom,
    text: Annotated[
        str | None,
        typer.Argument(
            metavar="[TEXT]",
            help="What we know; '-' reads stdin; left out at a terminal: $EDITOR.",
            show_default=False,
        ),
    ] = None,
    source: Source = None,
) -> None:
    """Keep a fact about a customer or a person there: interests, family, how we met,
    what they dislike. A fact is never a contact: it resets no clock."""
    from kundenpflege.cli.journal import ask_note
    from kundenpflege.domain import consent, customers, facts

    with session(context).journal() as connection:
        who = consent.subject(connection, whom)
        customers.still_changeable(connection, who.customer["id"])
        # Asked before the write lock is taken: the editor may stay open a while.
        said = ask_note(text)
        if said is None:
            raise UsageError(_("give the fact as TEXT, or '-' to read it from stdin"))
        number = facts.add(
            connection, who.customer["id"], contact_id=who.contact_id, text=said, source=source,
            learned_on=clock.today(), now=clock.now(),
        )  # fmt: skip
    say(_("Kept fact #{number} about {whom}.").format(number=number, whom=consent.describe(who)))


@fact_app.command(
    "list",
    epilog=examples("kundenpflege fact list mueller-bau", "kundenpflege fact list --format csv"),
)
def fact_list(
    context: typer.Context,
    whom: Among = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
    limit: Limit = None,
) -> None:
    """What we know, by customer, oldest first."""
    from kundenpflege.domain import consent, facts
    from kundenpflege.present import views

    with session(context).journal() as connection:
        who = consent.subject(connection, whom) if whom else None
        rows, total = facts.listed(
            connection,
            customer_id=who.customer["id"] if who else None,
            contact_id=who.contact_id if who else None,
            limit=row_limit(limit, output, excel),
        )
    emit(views.facts_report(rows, total), output, excel=excel, wide=wide)


@fact_app.command(
    "edit",
    epilog=examples(
        'kundenpflege fact edit 12 "Tochter Lena, studiert jetzt in Halle"',
        "kundenpflege fact edit 12 + --source 'am Telefon'",
    ),
)
def fact_edit(
    context: typer.Context,
    number: FactNumber,
    text: Annotated[
        str | None,
        typer.Argument(
            metavar="[TEXT]",
            help="The new text; '-' reads stdin; '+' opens $EDITOR on the old.",
            show_default=False,
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option(metavar="TEXT", help="How we know it; '' clears it.")
    ] = None,
) -> None:
    """Correct a fact: what it says, how we know it, or both."""
    from kundenpflege.cli.journal import ask_note, edit_note
    from kundenpflege.domain import facts

    with session(context).journal() as connection:
        old, _customer = facts.find(connection, number)
        said = edit_note(old.text) if text == "+" else ask_note(text) if text == "-" else text
        fact = facts.edit(connection, number, text=said, source=source)
    say(_("Corrected fact #{number} about {whom}.").format(
        number=number, whom=_whose(fact.handle, fact.contact)))  # fmt: skip


@fact_app.command("remove", epilog=examples("kundenpflege fact remove 12"))
def fact_remove(context: typer.Context, number: FactNumber) -> None:
    """Forget a fact that no longer holds ('undo' brings it back; 'gdpr forget' erases)."""
    from kundenpflege.domain import facts

    with session(context).journal(write=True) as connection:
        fact = facts.remove(connection, number)
    say(_("Removed fact #{number} about {whom}.").format(
        number=number, whom=_whose(fact.handle, fact.contact)))  # fmt: skip


def _whose(handle: str, contact: str | None) -> str:
    return f"{handle}/{contact}" if contact else handle


@date_app.command(
    "add",
    epilog=examples(
        'kundenpflege date add "mueller-bau/Petra Müller" --birthday 14.03.1975',
        "kundenpflege date add mueller-bau --on 01.03.2027 --what Vertragsverlängerung --yearly",
    ),
)
def date_add(
    context: typer.Context,
    whom: Whom,
    birthday: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Birthday: 14.03.1975, or 14.03. without the year."),
    ] = None,
    anniversary: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Anniversary (founded, wedding, customer since)."),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="Another date; say what with --what.")
    ] = None,
    what: Annotated[
        str | None, typer.Option(metavar="TEXT", help="What the date is, e.g. 'contract renewal'.")
    ] = None,
    yearly: Annotated[
        bool, typer.Option("--yearly", help="It comes every year (birthdays always do).")
    ] = False,
    source: Source = None,
) -> None:
    """Keep a birthday, an anniversary or another date; due and remind show it as it comes."""
    from kundenpflege.domain import consent, key_dates

    given = [(kind, day) for kind, day in (("birthday", birthday), ("anniversary", anniversary),
                                          ("other", on)) if day is not None]  # fmt: skip
    if len(given) != 1:
        raise UsageError(
            _("give one of --birthday, --anniversary or --on (with --what)")
            if not given
            else _("give only one of --birthday, --anniversary and --on")
        )
    [(kind, text)] = given
    today = clock.today()
    day = key_dates.parse_day(text, today)
    with session(context).journal(write=True) as connection:
        who = consent.subject(connection, whom)
        number = key_dates.add(
            connection, who.customer["id"], contact_id=who.contact_id, kind=kind, day=day,
            what=what, yearly=yearly, source=source, today=today, now=clock.now(),
        )  # fmt: skip
        kept, _customer = key_dates.find(connection, number, today)
    coming = (
        key_dates.sentence(kept, who.contact_name or who.customer["name"])
        if kept.next_on
        else key_dates.shown_day(kept.on)
    )
    say(_("Kept key date #{number} for {whom}: {coming}.").format(
        number=number, whom=consent.describe(who), coming=coming))  # fmt: skip


@date_app.command(
    "list", epilog=examples("kundenpflege date list", "kundenpflege date list mueller-bau -f json")
)
def date_list(
    context: typer.Context,
    whom: Among = None,
    as_of: AsOf = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
    limit: Limit = None,
) -> None:
    """Key dates, the next to come first, with the age or the years they bring."""
    from kundenpflege.domain import consent, key_dates
    from kundenpflege.present import views

    today = today_or(as_of)
    with session(context).journal() as connection:
        who = consent.subject(connection, whom) if whom else None
        rows, total = key_dates.listed(
            connection,
            today,
            customer_id=who.customer["id"] if who else None,
            contact_id=who.contact_id if who else None,
            limit=row_limit(limit, output, excel),
        )
    emit(views.key_dates_report(rows, total), output, excel=excel, wide=wide)


@date_app.command("remove", epilog=examples("kundenpflege date remove 3"))
def date_remove(context: typer.Context, number: DateNumber) -> None:
    """Forget a key date ('undo' brings it back)."""
    from kundenpflege.domain import key_dates

    with session(context).journal(write=True) as connection:
        old = key_dates.remove(connection, number, clock.today())
    say(_("Removed key date #{number} of {whom}.").format(
        number=number, whom=_whose(old.handle, old.contact)))  # fmt: skip
