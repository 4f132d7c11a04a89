"""`browse`: the journal in a web page, through Datasette, on this machine only.

Datasette opens a journal it may change (`is_mutable`) with `mode=ro` for every
read, so the page follows the live WAL while others write and can change
nothing; `immutable` would show what the file held when it started. The metadata
(`reports.browse`) closes every base table and all SQL of the visitor's own.
"""

import socket
import threading
import webbrowser
from pathlib import Path
from typing import Any

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.reports import browse

DATABASE = "journal"  # its name in the page's addresses: /journal/due
HOST = "127.0.0.1"
# Nothing to download whole (the file holds the restricted customers too), no
# facet suggestions (they would run queries nobody asked for).
SETTINGS = {"allow_download": False, "default_allow_sql": False, "suggest_facets": False}
# What SQLite would read as part of a URI rather than of the file name.
_URI_SIGNS = "?#%"


def application(path: Path, closed: list[str]) -> Any:
    """The Datasette instance for the journal at `path`, read-only."""
    from datasette.app import Datasette
    from datasette.database import Database
    from datasette.plugins import pm

    from kundenpflege.present import datasette_plugin

    if any(sign in str(path) for sign in _URI_SIGNS):
        raise KundenpflegeError(
            _("browse cannot open a journal whose path holds ?, # or %: {path}").format(path=path)
        )
    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin)
    datasette = Datasette(metadata=browse.metadata(closed, database=DATABASE), settings=SETTINGS)
    datasette.add_database(Database(datasette, path=str(path), is_mutable=True), name=DATABASE)
    return datasette


def listening(port: int) -> socket.socket:
    """A socket on this machine only; a port in use is one clear error before anything
    is served."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        server.bind((HOST, port))
    except OSError as error:
        server.close()
        raise KundenpflegeError(
            _("cannot listen on {host}:{port} ({reason}); choose another with --port").format(
                host=HOST, port=port, reason=error.strerror or error
            )
        ) from None
    server.listen(128)
    return server


def address(server: socket.socket) -> str:
    return f"http://{HOST}:{server.getsockname()[1]}/{DATABASE}"


def serve(datasette: Any, server: socket.socket, *, open_page: bool) -> None:
    """Serve until Ctrl-C; with `open_page`, the page opens in the browser once the
    socket listens (requests wait in its queue until the server takes them)."""
    import uvicorn

    if open_page:
        threading.Thread(target=webbrowser.open, args=(address(server),), daemon=True).start()
    config = uvicorn.Config(datasette.app(), log_level="warning", lifespan="on")
    try:
        uvicorn.Server(config).run(sockets=[server])
    except KeyboardInterrupt:
        pass  # uvicorn stopped cleanly and passes Ctrl-C on: the way to stop, not an error
