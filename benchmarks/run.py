"""Time whole commands against seeded journals and write benchmarks/RESULTS.md.

    python benchmarks/run.py [--runs 7]

Builds (and caches in benchmarks/data/) a 100,000-customer / 2,000,000-interaction
journal and a 300 / 6,000 one, then times each command as a separate process
(median, min, max) beside two yardsticks: the floor `python -c "import sqlite3"` and
a bare two-command Typer app in the same virtualenv (`bare_app.py`, what Typer alone
costs). Our own share is the ratio to the bare app, each pair run alternating.
"""

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import closing
from datetime import date
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / "data"
BIN = Path(sys.executable).parent
COMMAND = [str(BIN / "kundenpflege")]
PACKAGE = HERE.parent / "src" / "kundenpflege"
# Timed as installed: with cached bytecode (pip compiles it; some sandboxes forbid it).
ENVIRONMENT = {
    **{name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"},
    "KUNDENPFLEGE_NOW": "2026-11-25T09:00:00+01:00",
    "TZ": "Europe/Berlin",
}
SIZES = {"big": (100_000, 2_000_000), "small": (300, 6_000)}


def journal(size: str) -> Path:
    path = DATA / f"{size}.db"
    if not path.exists():
        customers, interactions = SIZES[size]
        DATA.mkdir(exist_ok=True)
        print(f"generating {path} ({customers} / {interactions}) ...", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                str(path),
                "--customers",
                str(customers),
                "--interactions",
                str(interactions),
            ],
            check=True,
        )
    return path


def timed(arguments: list[str], runs: int, prepare: "None | object" = None) -> list[float]:
    times = []
    for _ in range(runs):
        if callable(prepare):
            prepare()
        began = time.perf_counter()
        subprocess.run(arguments, env=ENVIRONMENT, stdout=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - began) * 1000)
    return times


def completion(words: list[str], typed: str) -> list[str]:
    """What bash runs on TAB after `words`, with `typed` begun (Typer's script, by `env`)."""
    return [
        "env",
        "\n".join(["COMP_WORDS=kundenpflege", *words, typed]),
        f"COMP_CWORD={len(words) + 1}",
        "_KUNDENPFLEGE_COMPLETE=complete_bash",
        *COMMAND,
    ]


def paired(first: list[str], second: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Alternate two commands run by run, so the machine's noise hits both alike."""
    one: list[float] = []
    other: list[float] = []
    for _ in range(runs):
        one += timed(first, 1)
        other += timed(second, 1)
    return one, other


def write_import_csv(path: Path, rows: int) -> None:
    """A spreadsheet export as a freelancer might bring it (seeded, German values)."""
    import random

    chance = random.Random(11)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Kürzel;Firma;Ansprechpartner;E-Mail;Telefon;Jahresumsatz;Stufe;Rhythmus\n")
        for number in range(rows):
            handle.write(
                f"imp-{number:06d};Firma {number} GmbH;Person {number};p{number}@example.org;"
                f"+49 30 {number};{chance.randint(5, 600)}.000;{'ABC'[number % 3]};"
                f"{chance.choice(['monatlich', 'vierteljährlich', ''])}\n"
            )


def peak_memory_mb(arguments: list[str]) -> float:
    """Maximum resident set size of one run, measured by a parent that does nothing else."""
    probe = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe, *arguments],
        env=ENVIRONMENT,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(output.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    big, small = journal("big"), journal("small")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(PACKAGE)], env=ENVIRONMENT,
                   check=True)  # fmt: skip
    for cached in (big, small):  # a journal cached by older code gets its migrations first
        subprocess.run([*COMMAND, "--db", str(cached), "init"], env=ENVIRONMENT, check=True,
                       stderr=subprocess.DEVNULL)  # fmt: skip
    scratch = DATA / "scratch.db"

    def fresh_copy() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(big, scratch)

    def db(path: Path, *arguments: str) -> list[str]:
        return [*COMMAND, "--db", str(path), *arguments]

    def unindexed_copy() -> None:
        """The big journal as an older version left it: its index still to be built."""
        fresh_copy()
        with closing(sqlite3.connect(scratch)) as connection, connection:
            connection.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES ('search_index_pending', '1')"
            )

    fresh_copy()
    import_csv = DATA / "import-100k.csv"
    if not import_csv.exists():
        write_import_csv(import_csv, 100_000)
    imported = DATA / "imported.db"

    def empty_journal() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{imported}{suffix}").unlink(missing_ok=True)
        subprocess.run(
            [*COMMAND, "--db", str(imported), "init"],
            env=ENVIRONMENT,
            check=True,
            stderr=subprocess.DEVNULL,
        )

    log_command = db(scratch, "log", "kunde-000042", "--kind", "call", "--note", "bench")
    due_target = "< 120 ms"
    insight = "< 2x due"
    bare = [sys.executable, str(HERE / "bare_app.py")]
    cases: list[tuple[str, list[str], str, object]] = [
        ("floor: python -c 'import sqlite3'", [sys.executable, "-c", "import sqlite3"], "", None),
        ("yardstick: bare Typer app, one command", [*bare, "hello"], "", None),
        ("yardstick: bare Typer app --help", [*bare, "--help"], "", None),
        ("--help", [*COMMAND, "--help"], "< 70 ms", None),
        ("due --limit 50 (300 / 6k)", db(small, "due", "--limit", "50"), "", None),
        ("due --limit 50 (100k / 2M)", db(big, "due", "--limit", "50"), due_target, None),
        (
            "due --limit 50 --as-of 2026-06-01 (100k / 2M)",
            db(big, "due", "--limit", "50", "--as-of", "2026-06-01"),
            "< 2 s",
            None,
        ),
        (
            "health --as-of 2026-06-01 (100k / 2M)",
            db(big, "health", "--limit", "50", "--as-of", "2026-06-01"),
            "",
            lambda: None,  # the whole journal recomputed: three runs are enough
        ),
        ("impressions --limit 50", db(big, "impressions", "--limit", "50"), "", None),
        ("show", db(big, "show", "kunde-050000"), "", None),
        (
            "TAB after 'show kunde-' (100k)",
            completion(["--db", str(big), "show"], "kunde-"),
            "< 150 ms",
            None,
        ),
        ("remind --person anna", db(big, "remind", "--person", "anna"), "", None),
        ("log (one interaction)", log_command, "< 80 ms", None),
        ("list --limit 50", db(big, "list", "--limit", "50"), "", None),
        ("health --limit 50", db(big, "health", "--limit", "50"), insight, None),
        ("fairness", db(big, "fairness"), insight, None),
        ("fairness --by band", db(big, "fairness", "--by", "band"), insight, None),
        ("value --limit 50", db(big, "value", "--limit", "50"), insight, None),
        ("reactive --limit 50", db(big, "reactive", "--limit", "50"), insight, None),
        ("pulse", db(big, "pulse"), insight, None),
        (
            "search preis (a common word)",
            db(big, "search", "preis", "--limit", "50"),
            insight,
            None,
        ),
        ("report html (100k / 2M)", db(big, "report", "html"), "", None),
        (
            "search index of a 100k/2M journal, built on opening",
            db(scratch, "search", "preis", "--limit", "1"),
            "< 60 s",
            unindexed_copy,
        ),
        ("export csv customers (100k)", db(big, "export", "csv", "customers"), "", None),
        (
            "import csv (100k rows)",
            db(imported, "import", "csv", str(import_csv)),
            "< 5 s",
            empty_journal,
        ),
    ]
    results = []
    for label, arguments, target, prepare in cases:
        times = timed(arguments, 3 if prepare else runs, prepare)
        results.append((label, statistics.median(times), min(times), max(times), target))
        print(f"{label:40} {statistics.median(times):8.1f} ms", file=sys.stderr)
    english, german = paired(
        db(big, "--lang", "en", "due", "--limit", "50"),
        db(big, "--lang", "de", "due", "--limit", "50"),
        3 * runs,
    )
    for label, times in (("--lang en due --limit 50 (100k / 2M)", english),
                         ("--lang de due --limit 50 (100k / 2M)", german)):  # fmt: skip
        results.append((label, statistics.median(times), min(times), max(times), ""))
    german_cost = statistics.median(de - en for en, de in zip(english, german, strict=True))
    # Each insight report against `due`, run by run, so the ratio does not depend on
    # how busy the machine was when each was measured.
    due_command = db(big, "due", "--limit", "50")
    ratios = []
    for label, arguments, target, _ in cases:
        if target == insight:
            due_times, report_times = paired(due_command, arguments, runs)
            ratio = statistics.median(r / d for d, r in zip(due_times, report_times, strict=True))
            ratios.append(f"- `{label}` / `due`, interleaved: {ratio:.2f}x (target < 2x)")
    # Our own share: each hot command against the bare Typer app, run by run.
    yardstick = []
    for label, ours, theirs, target in (
        ("due --limit 50 (100k / 2M)", db(big, "due", "--limit", "50"), [*bare, "hello"], 1.25),
        ("log (one interaction)", log_command, [*bare, "hello"], 1.25),
        ("--help", [*COMMAND, "--help"], [*bare, "--help"], 1.1),
    ):
        fresh_copy()
        our_times, bare_times = paired(ours, theirs, 3 * runs)
        ratio = statistics.median(o / b for o, b in zip(our_times, bare_times, strict=True))
        yardstick.append(
            f"- `{label}` / bare Typer app, interleaved ({len(our_times)} pairs):"
            f" {ratio:.2f}x (target <= {target}x; {statistics.median(our_times):.1f} ms"
            f" against {statistics.median(bare_times):.1f} ms)"
        )
    import server  # beside this file

    if server.available():
        file_import = next(r[1] for r in results if r[0] == "import csv (100k rows)")
        on_server = server.lines(COMMAND, ENVIRONMENT, big, import_csv, runs, timed, file_import)
    else:
        on_server = ["- on a PostgreSQL server: not measured (no PostgreSQL or psycopg here)"]
    memory = peak_memory_mb(db(big, "due", "--limit", "50"))
    small_due = next(r[1] for r in results if r[0].startswith("due --limit 50 (300"))
    big_due = next(r[1] for r in results if r[0].startswith("due --limit 50 (100k"))
    lines = [
        "# Benchmark results",
        "",
        f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version};"
        f" {runs} runs each, whole processes. Regenerate with `make bench`.",
        "",
        "| command | median ms | min ms | max ms | target |",
        "|---|---:|---:|---:|---|",
        *(
            f"| {label} | {median:.1f} | {low:.1f} | {high:.1f} | {target} |"
            for label, median, low, high, target in results
        ),
        "",
        *yardstick,
        f"- `due` at 100k/2M vs 300/6k: {big_due / small_due:.2f}x (target within 1.3x)",
        f"- insight reports target: within 2x of `due` at 100k/2M = {2 * big_due:.0f} ms",
        *ratios,
        f"- German vs English `due` (interleaved, {len(german)} pairs): median difference"
        f" {german_cost:+.1f} ms (target within 5 ms)",
        f"- peak memory of `due --limit 50` at 100k/2M: {memory:.1f} MB (target < 80 MB)",
        *on_server,
        "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    for leftover in (scratch, imported):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{leftover}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
