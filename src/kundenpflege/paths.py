"""Where the journal lives: --db, then KUNDENPFLEGE_DB, then the platform data dir."""

import os
import re
from dataclasses import dataclass
from pathlib import Path

DB_VARIABLE = "KUNDENPFLEGE_DB"
FILE_NAME = "journal.db"


# `postgresql://…`, `https://…`: a URL, never a file name (it would make a folder
# named `postgresql:` in the working directory).
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
SERVERS = ("postgresql", "postgres")


def on_a_server(explicit: str | None = None) -> bool:
    """Whether --db (or KUNDENPFLEGE_DB) names a database server rather than a file."""
    found = _URL.match(explicit or os.environ.get(DB_VARIABLE) or "")
    return found is not None and found.group()[:-3].lower() in SERVERS


@dataclass(frozen=True)
class Server:
    """A journal on a database server: its libpq address, and that address as it may
    be printed (without a password)."""

    url: str

    def __str__(self) -> str:
        from urllib.parse import parse_qsl, urlencode, urlsplit

        parts = urlsplit(self.url)
        host = parts.netloc.rpartition("@")[2]
        user = parts.username
        netloc = f"{user}@{host}" if user else host
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "password"])
        return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def journal_location(explicit: str | None = None) -> "Path | Server":
    """The journal the user means: a file, or a database server (`postgresql://…`)."""
    given = explicit or os.environ.get(DB_VARIABLE)
    if given and on_a_server(given):
        return Server(given)
    return database_path(explicit)


def local_folder(location: "Path | Server") -> Path:
    """Where a command may leave a file for the user (a note it could not log): beside
    the journal file, or for a journal on a server, in the user's data folder."""
    if isinstance(location, Path):
        return location.parent
    import platformdirs

    return Path(platformdirs.user_data_dir("kundenpflege", appauthor=False))


def database_path(explicit: str | None = None) -> Path:
    """Resolve the journal file the user means, without touching the disk; a URL is an
    error that names only its scheme (a password in it is never printed)."""
    given = explicit or os.environ.get(DB_VARIABLE)
    if given:
        found = _URL.match(given)
        if found:
            from kundenpflege.errors import UsageError
            from kundenpflege.i18n import _

            scheme = found.group()[:-3]
            if scheme.lower() in SERVERS:
                raise UsageError(
                    _(
                        "'{scheme}://…' names a database server; this command works on a journal"
                        " file (on a server: 'copy --to FILE' for a file of the moment, or"
                        " pg_dump and pg_restore; see docs/team.md)"
                    ).format(scheme=scheme)
                )
            raise UsageError(
                _("'{scheme}://…' is not a journal file; give --db a file path").format(
                    scheme=scheme
                )
            )
        return Path(given).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("kundenpflege", appauthor=False)) / FILE_NAME
