"""`copy --to`: the whole journal into another place (a file, or a PostgreSQL server)."""

from typing import Annotated

import typer

from kundenpflege import clock, i18n
from kundenpflege.cli.app import app, examples, progress_bar, say, session
from kundenpflege.i18n import _, ngettext


@app.command(
    epilog=examples(
        "kundenpflege copy --to postgresql://anna@db.example/kunden",
        "kundenpflege --db postgresql://anna@db.example/kunden copy --to kunden.db",
    )
)
def copy(
    context: typer.Context,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="PATH|URL",
            help="A new journal file, or an empty PostgreSQL database (postgresql://…).",
            show_default=False,
        ),
    ],
) -> None:
    """Copy the whole journal (--db) into another one: file to server, server to file,
    file to file.

    The target must hold no entries yet; its settings become the journal's. All or
    nothing: a copy that fails leaves the target as it was. The journal itself is
    only read, so others may go on working with it meanwhile.
    """
    from kundenpflege.interop import copying

    target = copying.place(to)
    source = session(context).location
    with copying.opened(source, target, clock.now()) as journals:
        with progress_bar(journals.rows, _("Copying")) as advance:
            count = copying.copy(journals, advance)
        left_to_owner = copying.tidied(journals)
    say(
        ngettext(
            "Copied {count} row from {source} to {target}.",
            "Copied {count} rows from {source} to {target}.",
            count,
        ).format(count=i18n.number(count), source=source, target=target)
    )
    if left_to_owner:
        say(_("The first reports on the copy are slower until autovacuum comes by, or the"
              " tables' owner runs: {statement}").format(statement=left_to_owner))  # fmt: skip
