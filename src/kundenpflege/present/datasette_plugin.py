"""The Datasette plugin behind `browse` (registered by `present.browse`, never
installed on its own): what the page may show, and to whom.

Datasette's metadata closes tables it knows at start; this closes every table and
view but ours for as long as the page runs (Litestream's, `sqlite_stat1`, one made
by hand), turns away what Datasette would answer without asking permission (full-
text search on any table, SQL, other hosts' names for this machine), reads `as_of`
as the command line does, keeps formulas out of its CSV, and answers errors
without printing tracebacks on the terminal that runs it.
"""

import csv
import io
import re
import sqlite3
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import Response, hookimpl
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import escape

from kundenpflege import clock
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.present.browse import DATABASE
from kundenpflege.present.render import neutralise
from kundenpflege.reports.browse import QUERIES, TODAY_FUNCTION
from kundenpflege.storage.migrations.browsing import BROWSABLE

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
Receive = Callable[[], Awaitable[Message]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# Names this machine answers to: a page elsewhere that points its own name at
# 127.0.0.1 (DNS rebinding) sends that name, and is turned away.
LOCAL_NAMES = ("127.0.0.1", "localhost")
PAGES = {
    "/", "/journal", "/journal.json", "/favicon.ico",
    *(f"/journal/{name}{ending}" for name in (*BROWSABLE, *QUERIES)
      for ending in ("", ".json", ".csv")),
}  # fmt: skip
STATIC = "/-/static/"
# Search and SQL that Datasette would run on any table, the closed ones included.
REFUSED_PARAMETERS = re.compile(r"_fts|_search|_where$|_through$|sql$|_stream$")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


class _Refused(Exception):
    """A request the page does not answer: its status and why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@hookimpl  # type: ignore[untyped-decorator]  # pluggy marker; Datasette ships no types
def prepare_connection(conn: sqlite3.Connection) -> None:
    """Today from `clock`, pinned in tests and demos like every command's."""
    conn.create_function(TODAY_FUNCTION, 0, lambda: clock.today().isoformat())


@hookimpl  # type: ignore[untyped-decorator]
def permission_allowed(action: str, resource: Any) -> bool | None:
    """Our views and queries only; never SQL of the visitor's own."""
    if action == "execute-sql":
        return False
    if action == "view-table":
        return isinstance(resource, tuple) and resource[1] in BROWSABLE
    if action == "view-query":
        return isinstance(resource, tuple) and resource[1] in QUERIES
    return None


@hookimpl  # type: ignore[untyped-decorator]
def handle_exception(request: Any, exception: Exception) -> Response:
    """The error, to the visitor only: Datasette's own handler prints a traceback
    for every one, a refused table included."""
    if isinstance(exception, Base400):
        status, message = exception.status, str(exception.args[0])
    elif isinstance(exception, DatasetteError):
        status, message = exception.status, str(exception.message)
    else:
        status, message = 500, str(exception) or type(exception).__name__
    return _answer(request.path, status, message)


def _answer(path: str, status: int, message: str) -> Response:
    if path.endswith(".json"):
        return Response.json({"ok": False, "error": message, "status": status}, status=status)
    back = escape(_("Back to the journal"))
    page = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{status}</title></head>'
        f'<body><h1>{status}</h1><p>{escape(message)}</p><p><a href="/{DATABASE}">{back}</a>'
        "</p></body></html>"
    )
    return Response.html(page, status=status)


@hookimpl  # type: ignore[untyped-decorator]
def asgi_wrapper() -> Callable[[App], App]:
    return _guarded


def _guarded(app: App) -> App:
    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        path = path.partition("?")[0]
        try:
            scope = dict(scope, query_string=_checked(scope, path))
        except _Refused as refusal:
            await _answer(path, refusal.status, refusal.message).asgi_send(send)
            return
        await app(scope, receive, _formulas_neutralised(send) if path.endswith(".csv") else send)

    return guard


def _checked(scope: Scope, path: str) -> bytes:
    """The request's query string with `as_of` as an ISO day; refused (status and
    message) when it is not for this machine or not for the page."""
    host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
    if (host.rsplit(":", 1)[0] if ":" in host else host) not in LOCAL_NAMES:
        raise _Refused(403, _("this page answers only to 127.0.0.1 and localhost"))
    if scope["method"] not in ("GET", "HEAD"):
        raise _Refused(405, _("the page is read-only"))
    if path not in PAGES and not path.startswith(STATIC):
        raise _Refused(404, _("not on this page"))
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    if any(REFUSED_PARAMETERS.match(name) for name, _value in pairs):
        raise _Refused(403, _("search and SQL of your own are not on this page"))
    return urlencode([(name, _day(value) if name == "as_of" else value)
                      for name, value in pairs]).encode()  # fmt: skip


def _day(text: str) -> str:
    """A day as the command line's --as-of reads it (25.11.2026, heute, 2026-11-25)."""
    from kundenpflege.domain.dates import parse_date

    if not text.strip():
        return ""
    try:
        return parse_date(text.strip(), clock.today()).isoformat()
    except KundenpflegeError as error:
        raise _Refused(400, f"as_of: {error}") from None


def _formulas_neutralised(send: Send) -> Send:
    """Datasette's CSV with every text cell made inert in spreadsheets, as our own
    CSV does: the response is held until its last part and written anew."""
    held: list[bytes] = []
    start: Message = {}

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
            return
        held.append(message.get("body", b""))
        if message.get("more_body"):
            return
        body = _neutralised(b"".join(held)) if start.get("status") == 200 else b"".join(held)
        headers = [(name, value) for name, value in start.get("headers", [])
                   if name.lower() != b"content-length"]  # fmt: skip
        await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return sending


def _neutralised(body: bytes) -> bytes:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerows(
        [cell if NUMBER.fullmatch(cell) else neutralise(cell) for cell in row] for row in rows
    )
    return out.getvalue().encode("utf-8")
