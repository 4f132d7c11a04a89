"""What TAB offers: the journal's own names and the words the options understand.

Typer calls these through `app.completes`, which imports this module only when a
shell asks, so no ordinary command loads it. Names come from the journal the
command being typed would use (`--db` on the line, else as always), read-only
(`storage.names`). Typer keeps the candidates that start with what was typed.
"""

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Literal

import typer

from kundenpflege import paths
from kundenpflege.domain import vocabulary
from kundenpflege.domain.dates import frequency_names
from kundenpflege.errors import KundenpflegeError
from kundenpflege.storage import names

Offer = list[tuple[str, str]]  # each candidate with its help ("" for none)
Offered = Literal[
    "customers", "contacts", "customers_or_contacts", "people", "followups", "channels",
    "kinds", "directions", "purposes", "moods", "rhythms",
]  # fmt: skip


def journal(context: typer.Context) -> Path:
    """The journal the command being typed would use (an empty one, offering nothing,
    where --db is no file path)."""
    try:
        return paths.database_path(context.find_root().params.get("db"))
    except KundenpflegeError:
        return Path(os.devnull)


def customers(context: typer.Context, incomplete: str) -> Offer:
    return [(handle, "") for handle in names.handles(journal(context), incomplete)]


def contacts(context: typer.Context, incomplete: str) -> Offer:
    """HANDLE/CONTACT: the contacts of the customers whose handle starts as typed, or,
    once the slash is there, the contacts at that customer."""
    typed_handle, slash, typed_name = incomplete.partition("/")
    path = journal(context)
    if slash:
        found = [
            (typed_handle, name) for name in names.contact_names(path, typed_handle, typed_name)
        ]
    else:
        found = names.contacts_at(path, typed_handle)
    return [(f"{handle}/{name}", "") for handle, name in found]


def customers_or_contacts(context: typer.Context, incomplete: str) -> Offer:
    """HANDLE[/CONTACT]: the customers and the contacts there."""
    if "/" in incomplete:
        return contacts(context, incomplete)
    both = customers(context, incomplete) + contacts(context, incomplete)
    return sorted(both)[: names.LIMIT]


def people(context: typer.Context, incomplete: str) -> Offer:
    return [(handle, "") for handle in names.people(journal(context), incomplete)]


def followups(context: typer.Context, incomplete: str) -> Offer:
    """Open promises by number, each with whose it is, its day and what it is."""
    # zsh and fish show the help through Rich: a bracket in a promise stays a bracket.
    from rich.markup import escape

    from kundenpflege.present.escape import one_line

    return [
        (str(number), escape(one_line(f"{handle}, {day}: {what}")))
        for number, handle, day, what in names.open_followups(journal(context), incomplete)
    ]


def words(vocabulary: Mapping[str, tuple[str, ...]], incomplete: str) -> Offer:
    """The names of a vocabulary; when none starts as typed, the other words for them
    (`tel` -> telefon), each with the name it stands for."""
    offered = [(name, "") for name in vocabulary if name.startswith(incomplete)]
    return offered or [
        (word, name)
        for name, others in vocabulary.items()
        for word in others
        if word.startswith(incomplete) and word != name
    ]


def channels(context: typer.Context, incomplete: str) -> Offer:
    return words(vocabulary.CHANNELS, incomplete)


def kinds(context: typer.Context, incomplete: str) -> Offer:
    return words(vocabulary.KINDS, incomplete)


def directions(context: typer.Context, incomplete: str) -> Offer:
    return words(vocabulary.DIRECTIONS, incomplete)


def purposes(context: typer.Context, incomplete: str) -> Offer:
    from kundenpflege.domain.consent import PURPOSES  # loads the storage layer: only here

    return [(purpose, "") for purpose in PURPOSES]


def moods(context: typer.Context, incomplete: str) -> Offer:
    return [(str(mood), "") for mood in range(-2, 3)]


def rhythms(context: typer.Context, incomplete: str) -> Offer:
    return [(name, "") for name in frequency_names()]


OFFERS: dict[Offered, Callable[[typer.Context, str], Offer]] = {
    "customers": customers, "contacts": contacts, "customers_or_contacts": customers_or_contacts,
    "people": people, "followups": followups, "channels": channels, "kinds": kinds,
    "directions": directions, "purposes": purposes, "moods": moods, "rhythms": rhythms,
}  # fmt: skip
