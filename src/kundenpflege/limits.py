"""The bounds of every input, in one place so every check is the same everywhere:
beyond them a value is a typing error (or a hostile file), never a traceback."""

FIRST_YEAR, LAST_YEAR = 1900, 2199  # any date, typed, computed or read from a file
MAX_DAYS = 36_500  # windows, periods, days ahead
LARGEST_ID = 2**62  # entry numbers; SQLite's integers are 64-bit, ids far below that
MAX_ROWS = 1_000_000  # --limit, --last, demo customers
MAX_EUR = 1e9  # amounts and annual values
MAX_LINE_BYTES = 1 << 20  # one line (or field) of an imported file
MAX_NOTE_BYTES = 1 << 20  # one note, however it comes in
MAX_FILE_BYTES = 256 << 20  # one imported CSV or vCard file


def limit_clause(limit: int | None) -> tuple[str, list[int]]:
    """` LIMIT ?` and its value for a statement cut at `limit` rows (`--limit`), or no
    clause at all when there is no limit: PostgreSQL refuses SQLite's `LIMIT -1`, and
    SQLite refuses `LIMIT NULL` (issue 17)."""
    return ("", []) if limit is None else (" LIMIT ?", [limit])
