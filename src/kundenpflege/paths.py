"""Where the journal lives: --db, then KUNDENPFLEGE_DB, then the platform data dir."""

import os
import re
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
            if on_a_server(given):
                raise UsageError(
                    _("'{scheme}://…' names a database server; this kundenpflege keeps its"
                      " journal in a file: give --db a file path").format(scheme=scheme)
                )  # fmt: skip
            raise UsageError(
                _("'{scheme}://…' is not a journal file; give --db a file path").format(
                    scheme=scheme
                )
            )
        return Path(given).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("kundenpflege", appauthor=False)) / FILE_NAME
