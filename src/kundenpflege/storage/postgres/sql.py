"""Our SQL, written for SQLite, as PostgreSQL reads it.

Most statements run unchanged on both engines. What differs only in spelling is
rewritten here, once per distinct statement (cached), so that reports and domain code
keep one text: the marks (`?`, `?2`, `:name` become `$n`, PostgreSQL's own), SQLite's
join-order hint `CROSS JOIN t ON`, null-safe `IS`, `INSERT OR IGNORE`, `json_object`
and the empty list `IN ()`. String literals, quoted names and comments are never touched.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# The parts of a statement: quoted text, comments and `::` casts are copied as they
# are; a mark is one of `?`, `?NNN`, `:name`.
_TOKENS = re.compile(
    r"""(?P<quoted>'(?:[^']|'')*'|"(?:[^"]|"")*")"""
    r"|(?P<comment>--[^\n]*|/\*.*?\*/)"
    r"|(?P<cast>::)"
    r"|(?P<mark>\?(?P<number>\d+)?|(?<![\w:]):(?P<name>[A-Za-z_]\w*))",
    re.DOTALL,
)
_CROSS_JOIN_ON = re.compile(r"\bCROSS\s+JOIN(\s+\w+(?:\s+(?:AS\s+)?\w+)?\s+ON\b)", re.IGNORECASE)
_NULL_SAFE_IS = re.compile(r"\bIS\s+(NOT\s+)?(?!NULL\b|TRUE\b|FALSE\b|DISTINCT\b|NOT\b)", re.I)
_JSON_OBJECT = re.compile(r"\bjson_object\(", re.IGNORECASE)
# SQLite reads `x IN ()` as false and `x NOT IN ()` as true; PostgreSQL has no empty
# list, but an empty array takes the type of `x`: `= ANY ('{}')` is false, `<> ALL` true.
_EMPTY_LIST = re.compile(r"\b(NOT\s+)?IN\s*\(\s*\)", re.IGNORECASE)
_OR_IGNORE = re.compile(r"^(\s*INSERT)\s+OR\s+IGNORE\b", re.IGNORECASE)
_TEMP_INDEX = re.compile(
    r"\b(CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?)temp\.", re.I
)


@dataclass(frozen=True)
class Statement:
    """A statement in PostgreSQL's words, and where each `$n` takes its value from:
    a position in the caller's sequence, or a key of the caller's mapping."""

    text: str
    sources: tuple[int | str, ...]
    inserts: str | None  # the table of a plain INSERT (for `lastrowid`)
    writes: bool = False  # INSERT, UPDATE or DELETE: undone alone when it fails
    copy: str | None = None  # COPY's form of an INSERT of one row of values, in order

    def values(self, parameters: Sequence[Any] | Mapping[str, Any]) -> list[Any]:
        if isinstance(parameters, Mapping):
            return [parameters[str(source)] for source in self.sources]
        return [parameters[int(source)] for source in self.sources]


def _rewrite_code(code: str) -> str:
    """The rewrites that apply to SQL outside quotes."""
    code = _CROSS_JOIN_ON.sub(r"JOIN\1", code)
    code = _JSON_OBJECT.sub("json_build_object(", code)
    code = _EMPTY_LIST.sub(
        lambda found: "<> ALL ('{}')" if found.group(1) else "= ANY ('{}')", code
    )
    code = _NULL_SAFE_IS.sub(
        lambda found: "IS DISTINCT FROM " if found.group(1) else "IS NOT DISTINCT FROM ", code
    )
    return _TEMP_INDEX.sub(r"\1", code)


_WRITES = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+IGNORE\s+)?INTO\s+(\w+)", re.IGNORECASE)


@lru_cache(maxsize=2048)
def translate(sql: str) -> Statement:
    """`sql` as PostgreSQL reads it (cached: the same texts come again and again)."""
    pieces: list[str] = []
    sources: list[int | str] = []
    numbered: dict[int | str, int] = {}  # `?2` or `:name` used twice is one `$n`
    position = 0
    counter = 0
    code_start = 0
    for token in _TOKENS.finditer(sql):
        pieces.append(_rewrite_code(sql[code_start : token.start()]))
        code_start = token.end()
        if token.group("mark") is None:
            pieces.append(token.group())
            continue
        source: int | str
        if token.group("name"):
            source = token.group("name")
        elif token.group("number"):
            source = int(token.group("number")) - 1
        else:
            source = counter
            counter += 1
            sources.append(source)
            position += 1
            pieces.append(f"${position}")
            continue
        if source not in numbered:
            sources.append(source)
            position += 1
            numbered[source] = position
        pieces.append(f"${numbered[source]}")
    pieces.append(_rewrite_code(sql[code_start:]))
    text = "".join(pieces)
    if _OR_IGNORE.match(text):
        text = _OR_IGNORE.sub(r"\1", text).rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    insert = _INSERT.match(sql)
    plain_insert = insert is not None and not re.search(r"\bRETURNING\b", sql, re.IGNORECASE)
    values = _ROW_OF_VALUES.fullmatch(text)
    in_order = values is not None and [mark.strip() for mark in values.group(3).split(",")] == [
        f"${number}" for number in range(1, values.group(2).count(",") + 2)
    ]
    return Statement(
        text,
        tuple(sources),
        insert.group(1).lower() if plain_insert and insert else None,
        _WRITES.match(sql) is not None,
        f"COPY {values.group(1)} ({values.group(2)}) FROM STDIN" if values and in_order else None,
    )


# INSERT INTO table (a, b) VALUES ($1, $2) and nothing else: many such rows go as COPY.
_ROW_OF_VALUES = re.compile(
    r"\s*INSERT\s+INTO\s+(\w+)\s*\(([\w\s,]+)\)\s*VALUES\s*\(([$\d,\s]+)\)\s*;?\s*",
    re.IGNORECASE,
)
