"""`report html`: the Monday page, one self-contained file to open in a browser."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from kundenpflege.cli.app import (
    AsOf,
    Language,
    app,
    examples,
    say,
    session,
    today_or,
    utf8_output,
)
from kundenpflege.i18n import _
from kundenpflege.limits import MAX_DAYS

report_app = typer.Typer(no_args_is_help=True, help="Reports to read elsewhere: a web page.")
app.add_typer(report_app, name="report")


@report_app.command(
    "html",
    epilog=examples(
        "kundenpflege report html --out montag.html",
        "kundenpflege report html --lang de --period 7 > woche.html",
    ),
)
def html(
    context: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="FILE", help="Write the page here (0600), not to stdout."),
    ] = None,
    as_of: AsOf = None,
    period: Annotated[
        int, typer.Option(min=1, max=MAX_DAYS, help="Days per period to compare.")
    ] = 30,
    lang: Annotated[
        Language | None,
        typer.Option("--lang", help="Language of the page: de or en.", show_default=False),
    ] = None,
) -> None:
    """The Monday page: pulse, customers at risk, due this week by person, attention by
    tier, the mood trend and the over-contacted, in one HTML file with no requests."""
    from kundenpflege import i18n
    from kundenpflege.present.html_page import page_html
    from kundenpflege.reports.monday import monday_page

    if lang:
        i18n.select(lang.value)
    today = today_or(as_of)
    with session(context).report(today) as connection:
        page = page_html(monday_page(connection, today, period_days=period))
    if out is None or str(out) == "-":
        utf8_output()
        sys.stdout.write(page)
        return
    from kundenpflege.interop.textfile import write_private

    journal = session(context).location
    write_private(out, page, keep_off=journal if isinstance(journal, Path) else None)
    say(_("Wrote {path}.").format(path=out))
