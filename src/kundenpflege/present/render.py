"""Writers for report data: CSV (spreadsheet-safe), JSON, and plain text tables.

Rich tables for terminals are drawn by the CLI; everything here is plain text so
that pipes, files and cron mail get clean output.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TextIO

from kundenpflege import marks

# Spreadsheets treat cells starting with these as formulas (OWASP CSV injection),
# the fullwidth forms too (＝＋－＠, as some spreadsheets read them).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Leading characters that do not hide a formula behind them.
BLANKS = " \u00a0\u3000\n"
# Columns that hold euros, in reports and exports alike: written with their cents.
MONEY = frozenset({"amount", "annual_value", "lifetime_value", "orders_total"})
# The journal's days and instants as text (2026-11-22, 2026-11-22T17:00:00+00:00).
ISO_TEXT = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?)?")


@dataclass
class Report:
    """One report, ready to write: data rows for CSV/JSON, display rows for tables."""

    title: str
    fields: list[str]
    data: list[dict[str, object]]
    titles: list[str]
    table: list[list[str]]
    hidden: int | None = 0  # what the limit left out ("N more"); None: some, not counted
    hidden_unit: str = "rows"
    note: str | None = None  # a summary line for people, printed as a message
    warn: list[bool] = field(default_factory=list)  # rows a terminal should highlight
    key: int = 0  # the column a row is known by (the handle): never left out
    drop_order: list[int] = field(default_factory=list)  # left out first; default: the last


COLUMN_GAP = 2  # between two columns of a terminal table (collapsed padding)
NARROW = 80  # below this, a terminal gets one block per entry instead of a table


@dataclass(frozen=True)
class Layout:
    """Which columns a terminal of some width shows, how wide each is, and which it
    left out (named in a footer). A column never gets narrower than its longest
    word: handles, dates and numbers are never broken, text wraps between words."""

    shown: list[int]
    widths: list[int]
    left_out: list[int]


def fit(report: Report, width: int) -> Layout:
    """Leave out the least important columns until every shown one fits whole words
    and whole values; then give the room left to the columns that would wrap."""
    from rich.cells import cell_len

    columns = range(len(report.titles))
    natural = [
        max([cell_len(report.titles[index]), *(cell_len(row[index]) for row in report.table)])
        for index in columns
    ]
    least = [
        max(cell_len(word) for text in (report.titles[index], *(row[index] for row in report.table))
            for word in (text.split() or [""]))
        for index in columns
    ]  # fmt: skip
    order = report.drop_order or [index for index in reversed(columns) if index != report.key]
    shown = list(columns)
    left_out: list[int] = []
    for index in order:
        if sum(least[kept] for kept in shown) + COLUMN_GAP * (len(shown) - 1) <= width:
            break
        shown.remove(index)
        left_out.append(index)
    widths = [least[index] for index in shown]
    room = width - sum(widths) - COLUMN_GAP * (len(shown) - 1)
    # The room left, a character at a time, to the column that lacks the most.
    while room > 0:
        lacking = [natural[index] - widths[position] for position, index in enumerate(shown)]
        if max(lacking, default=0) <= 0:
            break
        widths[lacking.index(max(lacking))] += 1
        room -= 1
    return Layout(shown, widths, sorted(left_out))


LONGEST_WORD = 24  # in a terminal table, a longer word of free text is cut with "…"


def clipped(report: Report) -> Report:
    """The report with each word longer than LONGEST_WORD cut with "…", except in the
    key column (handles stay whole): one URL in a note must not push every other
    column off the screen. Data outputs never come here."""
    from dataclasses import replace

    def cut(word: str) -> str:
        if len(word) <= LONGEST_WORD:
            return word
        kept = word[: LONGEST_WORD - 1]
        # A search match cut in its middle still ends where the word is cut.
        return kept + "…" + (marks.END if kept.count(marks.START) > kept.count(marks.END) else "")

    def clip(cell: str) -> str:
        return cell if len(cell) <= LONGEST_WORD else " ".join(map(cut, cell.split(" ")))

    table = [[cell if index == report.key else clip(cell) for index, cell in enumerate(row)]
             for row in report.table]  # fmt: skip
    return replace(report, table=table)


def blocks(report: Report) -> str:
    """One block per entry for a narrow terminal: the key, then each other column."""
    lines = []
    for row in ([marks.plain(cell) for cell in cells] for cells in report.table):
        lines.append(row[report.key])
        lines += [
            f"  {title}: {cell}"
            for index, (title, cell) in enumerate(zip(report.titles, row, strict=True))
            if index != report.key and cell
        ]
    return "\n".join(lines) + "\n"


def neutralise(text: str) -> str:
    """Make a text cell inert in spreadsheets; leading blanks do not hide a formula.
    NUL is never written (spreadsheets cut the cell there)."""
    text = text.replace("\x00", "")
    if text.lstrip(BLANKS).startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def plain(value: object) -> object:
    """A JSON-ready value: ISO dates, lists kept, everything else as is."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def number_text(value: float, *, money: bool = False) -> str:
    """Money with its cents (2400.00); other numbers in their shortest exact decimals,
    without a float's trailing '.0' or an exponent (2400, 0.833, 0.00001)."""
    if money:
        return f"{value:.2f}"
    from decimal import Decimal

    return format(Decimal(repr(value)).normalize(), "f")


def iso_value(text: str) -> object:
    """The day or instant that ISO text from the journal stands for; other text as is."""
    if not ISO_TEXT.fullmatch(text):
        return text
    try:
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError:  # 2026-02-30 is text, not a day
        return text


def spreadsheet_moment(value: datetime) -> str:
    """An instant in local time, as German spreadsheets read one; seconds when there are."""
    local = value.astimezone()
    return local.strftime("%d.%m.%Y %H:%M:%S" if local.second else "%d.%m.%Y %H:%M")


def csv_cell(value: object, money: bool = False, excel: bool = False) -> object:
    """One CSV cell; text is made inert. Plain: ISO dates and '.' decimals. `excel`:
    what a spreadsheet under German settings reads as a number or a date (decimal
    comma, TT.MM.JJJJ, local time), ISO text from the journal included."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if excel and isinstance(value, str):
        value = iso_value(value)
    if isinstance(value, float) or (money and isinstance(value, int)):
        written = number_text(value, money=money)  # a number: "-1" is not a formula
        return written.replace(".", ",") if excel else written
    if isinstance(value, int):
        return value
    if excel and isinstance(value, datetime):
        return spreadsheet_moment(value)
    if excel and isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, list | tuple):
        value = "; ".join(str(plain(item)) for item in value)
    return neutralise(str(plain(value)))


def write_csv(
    fields: Sequence[str],
    rows: Iterable[dict[str, object]],
    stream: TextIO,
    *,
    excel: bool = False,
) -> None:
    """CSV with a header (even when empty): RFC 4180 UTF-8 with ',' and ISO dates, or
    with `excel` the spreadsheet form: a BOM, ';', decimal comma and TT.MM.JJJJ."""
    import csv

    if excel:
        stream.write("\ufeff")
    writer = csv.writer(stream, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([csv_cell(row.get(name), name in MONEY, excel) for name in fields])


def write_json(rows: Sequence[dict[str, object]], stream: TextIO) -> None:
    import json

    json.dump(
        [{key: plain(value) for key, value in row.items()} for row in rows],
        stream,
        ensure_ascii=False,
        indent=2,
    )
    stream.write("\n")


def plain_table(titles: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded with two spaces; no box characters, no colour."""
    rows = [[marks.plain(cell) for cell in row] for row in rows]
    widths = [
        max([len(title), *(len(row[index]) for row in rows)]) for index, title in enumerate(titles)
    ]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in [list(titles), *rows]
    ]
    return "\n".join(lines) + "\n"
