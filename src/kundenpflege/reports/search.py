"""`search`: what people typed, found again, whatever its kind.

The query is folded like the index (`domain.search_index.fold`) and never reaches
the index's syntax raw (storage.fulltext quotes every word): a word of three letters
or more is a prefix; `"…"` is a phrase. The newest matches are ranked (all of them
with `everything`); the snippet marks the match on the text as typed.
"""

import re
from dataclasses import dataclass
from datetime import date

from kundenpflege.domain.search_index import Entry, entries, fold
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import N_, _
from kundenpflege.marks import END, START
from kundenpflege.storage import fulltext
from kundenpflege.storage.connection import Connection, OperationalError

RANKED = 1000  # the newest matches that are ranked; a common word stays fast
PREFIX = 3  # letters a word needs before it matches as a prefix
SNIPPET = 160  # characters of context a result shows
# What `--in` chooses: kinds of entries.
PLACES = {
    "all": None,
    "notes": ("note", "followup", "preference"),
    "customers": ("customer",),
    "contacts": ("contact",),
    "facts": ("fact", "date"),
}
KINDS = {
    "customer": N_("customer"), "contact": N_("contact"), "note": N_("note"),
    "preference": N_("said"), "followup": N_("follow-up"), "fact": N_("fact"),
    "date": N_("key date"),
}  # fmt: skip
_WORD = re.compile(r"[^\W_]+")
_PARTS = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # folded
    prefix: bool  # the last word may go on


@dataclass(frozen=True)
class Hit:
    handle: str
    name: str
    kind: str
    ref: int  # the entry's number in its own table (interaction, follow-up, …)
    day: date | None
    snippet: str  # marked with START and END
    text: str  # whole, as typed
    score: float


def terms(text: str) -> list[Term]:
    """A query's words and phrases, folded; words of three letters or more are
    prefixes. Signs FTS5 would read as syntax are only separators here."""
    found = []
    for phrase, word in _PARTS.findall(text):
        typed = _WORD.findall(phrase if phrase else word)
        words = tuple(_WORD.findall(fold(phrase if phrase else word.replace('"', " "))))
        if words:  # as typed: "Mue" is three letters, though it folds to "mu"
            found.append(Term(words, prefix=not phrase and len(typed[-1]) >= PREFIX))
    return found


def _marks(text: str, found: list[Term]) -> list[tuple[int, int]]:
    """Where in the text as typed the terms match: (start, end) of each run of words."""
    words = [(match.start(), match.end(), fold(match.group())) for match in _WORD.finditer(text)]
    spans = []
    for term in found:
        size = len(term.words)
        for index in range(len(words) - size + 1):
            run = words[index : index + size]
            whole = all(folded == wanted for (_s, _e, folded), wanted
                        in zip(run[:-1], term.words[:-1], strict=True))  # fmt: skip
            last = run[-1][2]
            if whole and (last.startswith(term.words[-1]) if term.prefix
                          else last == term.words[-1]):  # fmt: skip
                spans.append((run[0][0], run[-1][1]))
    return sorted(spans)


def snippet(text: str, found: list[Term], width: int = SNIPPET) -> str:
    """The text on one line around its first match, the matches marked."""
    line = " ".join(text.split())
    spans = _marks(line, found)
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    if start:
        start = line.rfind(" ", 0, start) + 1
    end = min(len(line), start + width)
    if end < len(line):
        end = line.rfind(" ", start, end) if " " in line[start:end] else end
    out, position = [], start
    for begin, finish in spans:
        if begin < position or finish > end:
            continue
        out += [line[position:begin], START, line[begin:finish], END]
        position = finish
    out.append(line[position:end])
    return ("…" if start else "") + "".join(out) + ("…" if end < len(line) else "")


def search(
    connection: Connection,
    text: str,
    *,
    place: str = "all",
    customer_id: int | None = None,
    since: date | None = None,
    limit: int | None = None,
    everything: bool = False,
) -> tuple[list[Hit], int]:
    """The best matches first, and how many were ranked (RANKED at most, unless
    `everything`); restricted customers never appear."""
    found = terms(text)
    if not found:
        raise KundenpflegeError(_("'{text}' has no words to search for").format(text=text))
    condition, score, query = fulltext.match(
        connection, [(term.words, term.prefix) for term in found]
    )
    conditions = [condition, "c.restricted = 0"]
    parameters: list[object] = [query]
    kinds = PLACES[place]
    if kinds:
        conditions.append(f"r.kind IN ({', '.join('?' * len(kinds))})")
        parameters += kinds
    if customer_id is not None:
        conditions.append("r.customer_id = ?")
        parameters.append(customer_id)
    if since:
        conditions.append("r.day >= ?")
        parameters.append(since.isoformat())
    try:
        rows = connection.execute(
            f"SELECT r.kind, r.ref, r.customer_id, {score}, c.handle, c.name"
            " FROM search_index CROSS JOIN search_rows r ON r.row = search_index.rowid"
            " CROSS JOIN customers c ON c.id = r.customer_id"
            f" WHERE {' AND '.join(conditions)} ORDER BY search_index.rowid DESC"
            + ("" if everything else f" LIMIT {RANKED}"),
            parameters,
        ).fetchall()
    except OperationalError as error:  # what FTS5 still refuses
        raise KundenpflegeError(
            _("cannot search for '{text}': {reason}").format(text=text, reason=error)
        ) from error
    ranked = sorted(rows, key=lambda row: row[3])[:limit]
    typed: dict[tuple[str, int], Entry] = {}
    for kind in {row[0] for row in ranked}:
        refs = [row[1] for row in ranked if row[0] == kind]
        typed.update({(kind, entry.ref): entry for entry in entries(connection, kind, refs)})
    return [
        Hit(handle, name, kind, ref, date.fromisoformat(entry.day) if entry.day else None,
            snippet(entry.text, found), entry.text, round(score, 3))
        for kind, ref, _customer, score, handle, name in ranked
        if (entry := typed.get((kind, ref)))
    ], len(rows)  # fmt: skip
