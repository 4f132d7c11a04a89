"""`browse`: the journal in a web page, through Datasette, on this machine only.

Datasette opens a journal it may change (`is_mutable`) with `mode=ro` for every
read, so the page follows the live WAL while others write and can change
nothing; `immutable` would show what the file held when it started. The metadata
(`reports.browse`) describes our views and queries; the plugin
(`present.datasette_plugin`) closes everything else.
"""

import os
import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.reports import browse

DATABASE = "journal"  # its name in the page's addresses: /journal/due
HOST = "127.0.0.1"
# Nothing to download whole (the file holds the restricted customers too); no facet
# suggestions (queries nobody asked for); as many rows as the queries keep of each
# part (`browse.SHOWN`); 5 s for a query rather than Datasette's 1 s: one person on
# this machine waits, not a crowd (at 100k customers `at_risk` on a cold cache ~1 s).
SETTINGS = {
    "allow_download": False,
    "default_allow_sql": False,
    "suggest_facets": False,
    "max_returned_rows": browse.SHOWN,
    "sql_time_limit_ms": 5000,
}
# What SQLite would read as part of a URI rather than of the file name.
_URI_SIGNS = "?#%"


def application(path: Path) -> Any:
    """The Datasette instance for the journal at `path`, read-only."""
    from datasette.app import Datasette
    from datasette.database import Database
    from datasette.plugins import pm

    from kundenpflege.present import datasette_plugin

    # Absolute and without a leading '//', which Datasette's file: URI would read as a host.
    where = os.path.realpath(path)
    if any(sign in where for sign in _URI_SIGNS):
        raise KundenpflegeError(
            _("browse cannot open a journal whose path holds ?, # or %: {path}").format(path=path)
        )
    _only_ours_and_datasettes_own(pm, datasette_plugin)
    datasette = Datasette(metadata=browse.metadata(database=DATABASE), settings=SETTINGS)
    datasette.remove_database("_memory")  # Datasette's scratch database: nothing of ours
    datasette.add_database(Database(datasette, path=where, is_mutable=True), name=DATABASE)
    return datasette


def _only_ours_and_datasettes_own(plugins: Any, ours: object) -> None:
    """Datasette loads every plugin installed beside it, and one may write or open
    the page to others: only its own stay, but its error handler, which prints a
    traceback for every refused request (ours answers instead)."""
    from datasette.plugins import DEFAULT_PLUGINS

    kept = set(DEFAULT_PLUGINS) - {"datasette.handle_exception"}
    for name, plugin in plugins.list_name_plugin():
        if name not in kept and plugin is not ours:
            plugins.unregister(plugin)
    if not plugins.is_registered(ours):
        plugins.register(ours)


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


def serve(
    datasette: Any, server: socket.socket, *, open_page: bool, announce: Callable[[], None]
) -> None:
    """Serve until Ctrl-C. Once the server has started, and with it taken over Ctrl-C,
    `announce` says where, and with `open_page` the page opens in the browser."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            announce()
            if open_page:
                threading.Thread(target=webbrowser.open, args=(address(server),)).start()

        def handle_exit(self, sig: int, frame: object) -> None:
            """Ctrl-C (or SIGTERM) stops the page, a second one at once; the way to
            stop it, so not passed on as an interruption once it has stopped."""
            self.force_exit = self.should_exit
            self.should_exit = True

    config = uvicorn.Config(datasette.app(), log_level="critical", lifespan="on")
    Server(config).run(sockets=[server])
