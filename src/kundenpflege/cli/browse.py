"""`browse`: the journal in a web page (Datasette), read-only, on this machine only."""

from typing import Annotated

import typer

from kundenpflege.cli.app import app, examples, say, session
from kundenpflege.errors import KundenpflegeError, UsageError
from kundenpflege.i18n import _

DEFAULT_PORT = 8001  # Datasette's own


@app.command(
    epilog=examples("kundenpflege browse --open", "kundenpflege browse --port 8080"),
)
def browse(
    context: typer.Context,
    port: Annotated[
        int,
        typer.Option(min=0, max=65535, help="The port on 127.0.0.1 (0: any free one)."),
    ] = DEFAULT_PORT,
    open_page: Annotated[
        bool, typer.Option("--open", help="Open the page in the web browser.")
    ] = False,
) -> None:
    """Look at the journal in a web browser: customers, contacts, promises, wishes,
    and who is due or at risk; read-only, without restricted customers, and only on
    this machine. Needs Datasette: pip install 'kundenpflege[browse]'."""
    from importlib.util import find_spec

    if find_spec("datasette") is None:
        raise KundenpflegeError(_("browse needs Datasette: pip install 'kundenpflege[browse]'"))
    from kundenpflege import paths
    from kundenpflege.present import browse as page

    state = session(context)
    if paths.on_a_server(state.db_option):
        raise UsageError(
            _("browse shows a journal file; one on a database server it cannot show"
              " (docs/browse.md)")
        )  # fmt: skip
    # Opened once the usual way: a missing journal is an error, an older one upgraded.
    with state.journal():
        pass
    datasette = page.application(state.path)
    server = page.listening(port)
    page.serve(datasette, server, open_page=open_page, announce=lambda: say(
        _("Serving {path} read-only at {address} (Ctrl-C stops).").format(
            path=state.path, address=page.address(server))))  # fmt: skip
