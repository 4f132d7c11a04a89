"""Where the journal lives: --db, then KUNDENPFLEGE_DB, then the platform data dir."""

import os
from pathlib import Path

DB_VARIABLE = "KUNDENPFLEGE_DB"
FILE_NAME = "journal.db"


def database_path(explicit: str | None = None) -> Path:
    """Resolve the journal file the user means, without touching the disk."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(DB_VARIABLE)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("kundenpflege", appauthor=False)) / FILE_NAME
