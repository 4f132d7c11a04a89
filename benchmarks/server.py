"""The benchmark journal on a PostgreSQL server against the same journal in a file
(issue 17's targets: `due --limit 50` and importing 100,000 CSV rows each within 3x
the file's time). Called by run.py when PostgreSQL and psycopg are installed.

The server is a throwaway one (tests/postgres_server.py), started here and stopped at
the end; the journal gets onto it with `kundenpflege copy --to`, as a user's would.
"""

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))  # for tests.postgres_server


def available() -> bool:
    """Whether this machine can run the server part (else run.py says so)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    from tests.postgres_server import find_binaries

    return find_binaries() is not None


def lines(
    command: list[str],
    environment: dict[str, str],
    big: Path,
    import_csv: Path,
    runs: int,
    timed: Callable[..., list[float]],
    file_import_ms: float,
) -> list[str]:
    """The server's rows for RESULTS.md, each beside the file's figure."""
    from tests.postgres_server import PostgresServer

    def run(*arguments: str) -> None:
        subprocess.run([*command, *arguments], env=environment, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip

    with PostgresServer() as server:
        journal = server.create_database("bench")
        began = time.perf_counter()
        run("--db", str(big), "copy", "--to", journal)
        copied = time.perf_counter() - began
        imported = {"url": ""}

        def empty_server_journal() -> None:
            if imported["url"]:
                server.drop_database("imported")
            imported["url"] = server.create_database("imported")
            run("--db", imported["url"], "init")

        due = [*command, "--db", journal, "due", "--limit", "50"]
        due_file = [*command, "--db", str(big), "due", "--limit", "50"]
        file_times, server_times = [], []
        for _ in range(runs):  # interleaved: the ratio does not depend on a busy moment
            file_times += timed(due_file, 1)
            server_times += timed(due, 1)
        empty_server_journal()
        import_times = []
        for _ in range(3):
            empty_server_journal()
            import_times += timed([*command, "--db", imported["url"], "import", "csv",
                                   str(import_csv)], 1)  # fmt: skip
        due_ratio = statistics.median(server_times) / statistics.median(file_times)
        import_ms = statistics.median(import_times)
        return [
            f"- on a local PostgreSQL server (`copy --to` of the 100k/2M journal: {copied:.0f} s):"
            f" `due --limit 50` {statistics.median(server_times):.1f} ms against"
            f" {statistics.median(file_times):.1f} ms in the file, interleaved, {due_ratio:.2f}x"
            f" (target within 3x)",
            f"- on the server, `import csv (100k rows)` {import_ms / 1000:.1f} s against"
            f" {file_import_ms / 1000:.1f} s in a file, {import_ms / file_import_ms:.2f}x"
            " (target within 3x)",
        ]
