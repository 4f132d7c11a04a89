"""A seeded demo journal: invented German small-business customers with half a year of history.

Built through the same domain functions as real use, so the demo shows real behaviour.
"""

import random
from datetime import datetime, time, timedelta

from kundenpflege.domain import (
    contacts,
    customers,
    facts,
    followups,
    interactions,
    journal,
    key_dates,
    people,
    preferences,
)
from kundenpflege.storage.connection import Connection

HISTORY_DAYS = 182
_SURNAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner", "Krause",
)  # fmt: skip
_TRADES = (
    ("{} Bau GmbH", "bau"), ("Bäckerei {}", "handwerk"), ("Schreinerei {}", "handwerk"),
    ("Praxis Dr. {}", "praxis"), ("Blumen {}", "einzelhandel"), ("Autohaus {}", "kfz"),
    ("Kanzlei {} & Partner", "kanzlei"), ("Elektro {} KG", "handwerk"),
    ("Café {}", "gastro"), ("Steuerbüro {}", "kanzlei"), ("Gärtnerei {}", "einzelhandel"),
    ("{} Logistik GmbH", "logistik"), ("Hotel {}hof", "gastro"), ("Optik {}", "einzelhandel"),
)  # fmt: skip
_FIRST_NAMES = ("Petra", "Jürgen", "Sabine", "Thomas", "Monika", "Stefan", "Andrea", "Klaus")
_ROLES = ("Inhaberin", "Geschäftsführer", "Einkauf", "Büroleitung", "Buchhaltung")
_RHYTHMS = ("weekly", "alle 2 Wochen", "monthly", "every 6 weeks", "quarterly", "halbjährlich")
_SOURCES = ("am Telefon gesagt", "said at the trade fair", "per E-Mail gebeten",
            "beim Besuch besprochen")  # fmt: skip
_NOTES = {
    2: ("Sehr zufrieden, empfiehlt uns weiter", "Begeistert vom neuen Angebot"),
    1: ("Freundliches Gespräch, alles in Ordnung", "Bestellung wie immer, gute Stimmung",
        "Möchte im Frühjahr erweitern"),
    0: ("Kurz abgestimmt, nichts Neues", "Rechnung besprochen", "Termin verschoben"),
    -1: ("Lieferung zu spät, verärgert", "Preis zu hoch, überlegt zu wechseln",
         "Rückruf versprochen, kam nicht"),
    -2: ("Sehr verärgert über Reklamation", "Droht zu kündigen"),
}  # fmt: skip
_CHANNEL_KINDS = (("phone", "call"), ("email", "email"), ("visit", "visit"), ("video", "meeting"))
# What we know about some of their people (issue 16), chosen by number, not by chance,
# so the rest of the demo stays as it was.
_FACTS = (
    "Segelt am Wochenende auf dem Ammersee", "Zwei Kinder; die Tochter studiert in Leipzig",
    "Kennen uns von der Messe in Nürnberg", "Mag keine Anrufe vor 10 Uhr",
    "Fährt Rennrad, auch zu Terminen", "Trinkt Tee, keinen Kaffee",
)  # fmt: skip


@journal.writes
def build(connection: Connection, now: datetime, *, count: int, seed: int) -> None:
    """Fill an empty journal; the same seed and day give the same journal."""
    chance = random.Random(seed)
    for handle, name in (("anna", "Anna Schmidt"), ("ben", "Ben Krüger")):
        people.add(connection, handle, name, f"{handle}@example.org", now)
    start = now - timedelta(days=HISTORY_DAYS)
    used: set[str] = set()
    for number in range(count):
        pattern, tag = _TRADES[number % len(_TRADES)]
        surname = _SURNAMES[(number * 7 + number // len(_SURNAMES)) % len(_SURNAMES)]
        name = pattern.format(surname)
        handle = _unique(customers.slug(name), used)
        value = chance.choice((800, 1500, 3000, 6000, 12000, 24000, 48000))
        tier = "A" if value >= 12000 else "B" if value >= 3000 else "C"
        customer_id, contact_id = _add_customer(
            connection, chance, handle, name, tier, value, tag, start
        )
        person = chance.choice(("anna", "ben"))
        wished: str | None = None
        if chance.random() < 0.75:
            wished = chance.choice(("phone", "phone", "email", "visit", "video"))
            wishes = preferences.Wishes(
                person=person,
                channel=wished,
                every=chance.choice(_RHYTHMS),
                days=chance.choice((None, None, "di,do", "mo-fr", "mi")),
                maximum="weekly" if chance.random() < 0.3 else None,
            )
            preferences.state(
                connection,
                customer_id,
                wishes,
                stated_on=(start + timedelta(days=chance.randint(0, 30))).date(),
                source=chance.choice(_SOURCES),
                now=now,
            )
        _history(connection, chance, customer_id, (person, wished), start, now)
        if number % 13 == 5:
            preferences.state(
                connection, customer_id, preferences.Wishes(do_not_contact=True),
                stated_on=now.date(), source="per Brief gebeten", now=now,
            )  # fmt: skip
        if number % 17 == 3:
            preferences.pause(connection, customer_id, (now + timedelta(days=20)).date(), now=now)
        _knowing(connection, number, customer_id, contact_id, now)


def _knowing(
    connection: Connection, number: int, customer_id: int, contact_id: int, now: datetime
) -> None:
    """A fact about every third customer's contact, a birthday for every fourth."""
    if number % 3 == 0:
        facts.add(
            connection, customer_id, contact_id=contact_id, text=_FACTS[number % len(_FACTS)],
            source=None, learned_on=now.date() - timedelta(days=number * 3), now=now,
        )  # fmt: skip
    if number % 4 == 1:
        birthday = now.date() + timedelta(days=number * 9 - 7)
        year = 1950 + number % 30
        if (birthday.month, birthday.day) == (2, 29):  # born in a leap year, then
            year -= year % 4
        key_dates.add(
            connection, customer_id, contact_id=contact_id, kind="birthday",
            day=key_dates.Day(year, birthday.month, birthday.day),
            today=now.date(), now=now,
        )  # fmt: skip


def _unique(handle: str, used: set[str]) -> str:
    candidate, counter = handle, 2
    while candidate in used:
        candidate, counter = f"{handle}-{counter}", counter + 1
    used.add(candidate)
    return candidate


def _add_customer(
    connection: Connection,
    chance: random.Random,
    handle: str,
    name: str,
    tier: str,
    value: int,
    tag: str,
    start: datetime,
) -> tuple[int, int]:
    customer_id = customers.add(
        connection, handle=handle, name=name, tier=tier, annual_value=float(value),
        tags=[tag], since=(start - timedelta(days=chance.randint(30, 3000))).date(), now=start,
    )  # fmt: skip
    contact_name = f"{chance.choice(_FIRST_NAMES)} {name.split()[-1].rstrip(',')}"
    contact_id = contacts.add(
        connection, customer_id, name=contact_name, role=chance.choice(_ROLES),
        email=f"kontakt@{handle}.example", phone=None, main=True, now=start,
    )  # fmt: skip
    return customer_id, contact_id


def _history(
    connection: Connection,
    chance: random.Random,
    customer_id: int,
    wish: tuple[str, str | None],
    start: datetime,
    now: datetime,
) -> None:
    """Contacts every few weeks, mostly as the customer wished (by their person, on
    their channel), with the occasional complaint and its (missing) repair."""
    person, wished = wish
    day = start + timedelta(days=chance.randint(0, 40))
    while day < now - timedelta(days=1):
        mood = chance.choices((-2, -1, 0, 1, 2), weights=(1, 3, 4, 6, 2))[0]
        channel, kind = chance.choice(_CHANNEL_KINDS)
        if wished and chance.random() < 0.9:
            channel, kind = next(pair for pair in _CHANNEL_KINDS if pair[0] == wished)
        direction = "out"
        if mood < 0 and chance.random() < 0.6:
            kind, direction = "complaint", "in"
        elif chance.random() < 0.2:
            kind, direction = "order", "in"
        at = datetime.combine(day.date(), time(chance.randint(8, 17), 0)).astimezone()
        logged = interactions.log(
            connection, customer_id, at=at, now=now, person=person, channel=channel, kind=kind,
            direction=direction, mood=mood, note=chance.choice(_NOTES[mood]),
            amount=float(chance.randint(2, 60) * 50) if kind == "order" else None,
            followup_on=(day + timedelta(days=3)).date() if kind == "complaint" else None,
        )  # fmt: skip
        if logged.followup_id and day < now - timedelta(days=14) and chance.random() < 0.9:
            kept = at + timedelta(days=chance.randint(1, 5))  # around the day it was due
            followups.done(connection, logged.followup_id, kept)
        day += timedelta(days=chance.randint(10, 60))
