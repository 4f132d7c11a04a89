"""`search`: everything people typed, found again."""

from enum import StrEnum
from typing import Annotated

import typer

from kundenpflege.cli.app import (
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
    session,
)


class Place(StrEnum):
    all = "all"
    notes = "notes"
    customers = "customers"
    contacts = "contacts"
    facts = "facts"


@app.command(
    epilog=examples(
        "kundenpflege search müller", 'kundenpflege search "zu teuer" --in notes --since 01.01.2026'
    )
)
def search(
    context: typer.Context,
    text: Annotated[
        str, typer.Argument(help='Words to find (prefixes from 3 letters on); "…" a phrase.')
    ],
    place: Annotated[
        Place, typer.Option("--in", help="Where: all, or only notes, customers, contacts, facts.")
    ] = Place.all,
    customer: Annotated[
        str | None,
        typer.Option(help="Only this customer.", autocompletion=completes("customers")),
    ] = None,
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="Only entries of this day or later.")
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Rank every match, not the newest 1,000 (slower).")
    ] = False,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
    limit: Limit = None,
) -> None:
    """Search names, contacts, notes, what customers said and what we promised.

    Umlauts as you like: Müller, Muller and Mueller find each other; straße finds
    Strasse. Words inside compound words are not found (straße does not find
    Hauptstraße).
    """
    from kundenpflege import clock
    from kundenpflege.domain import customers
    from kundenpflege.domain.dates import parse_date
    from kundenpflege.present import views
    from kundenpflege.reports import search as search_report

    today = clock.today()
    with session(context).journal() as connection:
        customer_id = customers.find(connection, customer)["id"] if customer else None
        hits, ranked = search_report.search(
            connection,
            text,
            place=place.value,
            customer_id=customer_id,
            since=parse_date(since, today) if since else None,
            limit=row_limit(limit, output, excel),
            everything=everything,
        )
    emit(views.search_report(hits, text, ranked, everything), output, excel=excel, wide=wide)
