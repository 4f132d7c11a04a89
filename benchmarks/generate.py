"""Seeded synthetic journals for the benchmarks (DESIGN §7).

    python benchmarks/generate.py PATH --customers 100000 --interactions 2000000

Rows go in with bulk inserts; the stored last-contact and next-due columns are then
computed by the application's own unit of work, so the file is exactly
what real use would leave behind.
"""

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kundenpflege.domain import journal
from kundenpflege.storage import db

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
PEOPLE = ("anna", "ben", "clara", "dirk", "emre")
SURNAMES = (
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
)
TRADES = (
    "Bau GmbH",
    "Bäckerei",
    "Schreinerei",
    "Praxis",
    "Blumen",
    "Autohaus",
    "Kanzlei",
    "Elektro KG",
    "Café",
    "Steuerbüro",
    "Logistik GmbH",
    "Hotel",
    "Optik",
)
NOTES = (
    "Alles in Ordnung",
    "Lieferung zu spät, verärgert",
    "Sehr zufrieden",
    "Preis zu hoch",
    "Möchte erweitern",
    "Rückruf erbeten",
    None,
    None,
)
CHANNELS = ("phone", "email", "visit", "video", "letter", "newsletter")
KINDS = ("call", "email", "visit", "meeting", "order", "complaint", "apology", "contact")
RHYTHMS = ("1w", "2w", "1m", "6w", "3m", "6m", None, None)
HISTORY_DAYS = 730
BATCH = 50_000


def generate(path: Path, customers: int, interactions: int, seed: int = 2026) -> None:
    chance = random.Random(seed)
    connection, created = journal.create_journal(path, NOW)
    if not created:
        raise SystemExit(f"{path} exists already")
    stamp = NOW.isoformat(timespec="seconds")
    started = NOW - timedelta(days=HISTORY_DAYS + 30)
    with db.transaction(connection):
        connection.executemany(
            "INSERT INTO people (id, handle, name, created_at) VALUES (?, ?, ?, ?)",
            [(i + 1, handle, handle.title(), stamp) for i, handle in enumerate(PEOPLE)],
        )
        rows = []
        for number in range(1, customers + 1):
            value = chance.choice((500, 1500, 3000, 8000, 24000, 60000))
            tier = "A" if value >= 24000 else "B" if value >= 3000 else "C"
            status = chance.choices(("active", "prospect", "paused", "former"), (90, 5, 2, 3))[0]
            name = f"{chance.choice(TRADES)} {chance.choice(SURNAMES)} {number}"
            since = (started - timedelta(days=chance.randint(0, 3000))).date().isoformat()
            rows.append(
                (
                    number,
                    f"kunde-{number:06d}",
                    name,
                    tier,
                    float(value),
                    status,
                    since,
                    started.isoformat(timespec="seconds"),
                )
            )
        connection.executemany(
            "INSERT INTO customers (id, handle, name, tier, annual_value, status, customer_since,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        connection.executemany(
            "INSERT INTO customer_tags (customer_id, tag) VALUES (?, ?)",
            [
                (n, chance.choice(("bau", "handwerk", "praxis", "gastro", "handel")))
                for n in range(1, customers + 1)
            ],
        )
        preferences = []
        for number in range(1, customers + 1):
            if chance.random() < 0.6:
                preferences.append(
                    (
                        number,
                        number,
                        started.date().isoformat(),
                        stamp,
                        "benchmark",
                        chance.randint(1, len(PEOPLE)),
                        chance.choice(CHANNELS[:4]),
                        chance.choice(RHYTHMS),
                        chance.choice((None, None, "tue,thu", "mon")),
                        int(chance.random() < 0.01),
                    )
                )
        connection.executemany(
            "INSERT INTO preferences (id, customer_id, stated_on, recorded_at, source, person_id,"
            " channel, frequency, weekdays, do_not_contact) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            preferences,
        )
        connection.executemany(
            "UPDATE customers SET preference_id = ? WHERE id = ?",
            [(row[0], row[1]) for row in preferences],
        )
    followups = []
    for start in range(0, interactions, BATCH):
        batch = []
        for number in range(start + 1, min(start + BATCH, interactions) + 1):
            at = NOW - timedelta(minutes=chance.randint(60, HISTORY_DAYS * 24 * 60))
            kind = chance.choice(KINDS)
            customer = chance.randint(1, customers)
            batch.append(
                (
                    number,
                    customer,
                    at.isoformat(timespec="seconds"),
                    at.date().isoformat(),
                    chance.choice(CHANNELS),
                    "in" if kind in ("complaint", "order") else "out",
                    kind,
                    chance.randint(1, len(PEOPLE)),
                    chance.choice((-2, -1, 0, 1, 1, 2, None)),
                    chance.choice(NOTES),
                    stamp,
                )
            )
            if kind == "complaint" and chance.random() < 0.1:
                due_on = (at + timedelta(days=3)).date().isoformat()
                status = "open" if at > NOW - timedelta(days=60) else "done"
                done_at = (at + timedelta(days=2)).isoformat(timespec="seconds")
                followups.append(
                    (
                        customer,
                        number,
                        "Rückmeldung geben",
                        due_on,
                        due_on,
                        status,
                        stamp,
                        None if status == "open" else done_at,
                    )
                )
        with db.transaction(connection):
            connection.executemany(
                "INSERT INTO interactions (id, customer_id, occurred_at, occurred_on, channel,"
                " direction, kind, person_id, mood, note, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
    with db.transaction(connection):
        connection.executemany(
            "INSERT INTO followups (customer_id, interaction_id, what, promised_on, due_on,"
            " status, created_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            followups,
        )
    # The bulk rows above marked every customer for the unit of work; an empty change
    # recomputes them all with the application's own code.
    with journal.change(connection):
        pass
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    began = time.perf_counter()
    generate(arguments.path, arguments.customers, arguments.interactions, arguments.seed)
    print(f"generated {arguments.path} in {time.perf_counter() - began:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
