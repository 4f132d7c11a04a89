"""Small pictures in plain text: bars, a heat strip of weeks, a mood sparkline.

Block characters where the output can carry them, ASCII where it cannot (a cron
mail in Latin-1, a Windows console); no colour here: the CLI colours on a terminal.
Eight characters of sparkline need no plotting library (docs/design-notes.md).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from kundenpflege import i18n
from kundenpflege.domain.vocabulary import label
from kundenpflege.i18n import _, ngettext
from kundenpflege.present.views import is_share, pulse_number

if TYPE_CHECKING:
    from kundenpflege.reports.fairness import FairnessRow
    from kundenpflege.reports.pulse import PulseRow

BAR = 32  # the longest bar, where the terminal has room for it


@dataclass(frozen=True)
class Glyphs:
    """The characters a picture is drawn with."""

    eighths: str  # a bar's last cell, 1/8 to 8/8 full; one character: whole cells only
    earlier: str  # the bar of the period before, lighter than this period's
    shades: str  # heat of a week: 0, 1, 2, 3, 4 or more contacts
    moods: str  # mood -2 to +2
    arrow: str


BLOCKS = Glyphs("▏▎▍▌▋▊▉█", "░", "·░▒▓█", "▁▂▄▆█", "→")
ASCII = Glyphs("#", "=", ".-+*#", "_.-~^", "->")


def glyphs_for(encoding: str | None) -> Glyphs:
    """Block characters if the output's encoding can carry them, ASCII otherwise."""
    try:
        "".join(vars(BLOCKS).values()).encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ASCII
    return BLOCKS


def bar(value: float, top: float, width: int, glyphs: Glyphs, *, earlier: bool = False) -> str:
    """`value` as a bar of up to `width` cells, `top` filling them all; a value above
    zero always shows (a sliver), so a small customer group is never drawn as none."""
    if top <= 0 or value <= 0:
        return ""
    cells = min(value / top, 1.0) * width
    if earlier or len(glyphs.eighths) == 1:
        fill = glyphs.earlier if earlier else glyphs.eighths
        return fill * max(1, round(cells))
    whole, eighths = divmod(max(1, round(cells * 8)), 8)
    return glyphs.eighths[-1] * whole + (glyphs.eighths[eighths - 1] if eighths else "")


def _bar_width(width: int, label_width: int) -> int:
    """Room for a bar beside its label and its figure (about ten characters)."""
    return max(8, min(BAR, width - label_width - 12))


def compared(rows: Sequence["PulseRow"]) -> list[tuple["PulseRow", float]]:
    """The measures a period can be drawn against the last by (the average mood can be
    negative: its figure is the number), each with the value that fills a bar."""
    return [
        (row, 1.0 if is_share(row.measure) else max(row.current, row.previous))
        for row in rows
        if row.current is not None and row.previous is not None and "mood" not in row.measure
    ]


def pulse_figure(rows: Sequence["PulseRow"], width: int, glyphs: Glyphs) -> list[str]:
    """Each measure with a period before it: this period's bar above the last one's."""
    drawn = compared(rows)
    if not drawn:
        return []
    names = [label(row.measure) for row, _top in drawn]
    indent = max(len(name) for name in names) + 2
    room = _bar_width(width, indent)
    lines = [_("This period ({now}) against the last ({earlier})").format(
        now=glyphs.eighths[-1], earlier=glyphs.earlier)]  # fmt: skip
    for name, (row, top) in zip(names, drawn, strict=True):
        assert row.current is not None and row.previous is not None
        now = bar(row.current, top, room, glyphs)
        before = bar(row.previous, top, room, glyphs, earlier=True)
        lines.append(f"{name.ljust(indent)}{now} {pulse_number(row.current, row.measure)}")
        lines.append(f"{'':{indent}}{before} {pulse_number(row.previous, row.measure)}")
    return lines


def _short(name: str, most: int = 20) -> str:
    """A group's name beside its bar: a tier named at length must not push it off."""
    return name if len(name) <= most else name[: most - 1] + "…"


def fairness_figure(rows: Sequence["FairnessRow"], width: int, glyphs: Glyphs) -> list[str]:
    """Contacts per customer and the personal share, a bar per group: small customers
    who get less care show as shorter bars."""
    if not rows:
        return []
    names = [_short(label(row.group) or "-") for row in rows]
    indent = max(len(name) for name in names) + 4
    room = _bar_width(width, indent)
    most = max(row.contacts_per_customer_year for row in rows)
    lines = [_("Contacts per customer a year")]
    lines += [
        f"  {name.ljust(indent - 2)}{bar(row.contacts_per_customer_year, most, room, glyphs)}"
        f" {i18n.number(row.contacts_per_customer_year, 1)}"
        for name, row in zip(names, rows, strict=True)
    ]
    lines.append(_("Personal share (phone, visit, video)"))
    lines += [
        f"  {name.ljust(indent - 2)}{bar(row.personal_share or 0, 1.0, room, glyphs)}"
        f" {i18n.percent(row.personal_share) if row.personal_share is not None else '-'}"
        for name, row in zip(names, rows, strict=True)
    ]
    return lines


def heat_strip(
    weeks: Sequence[tuple[int, int]], today: date, glyphs: Glyphs, width: int | None = None
) -> list[str]:
    """A year of weeks (oldest first), one character each, one row for contacts we
    started and one for contacts they started, and the months under them; a narrow
    terminal gets the most recent weeks that fit."""
    shades = glyphs.shades
    rows = [(_("we reached out"), [out for out, _in in weeks]),
            (_("they came to us"), [came for _out, came in weeks])]  # fmt: skip
    indent = max(len(name) for name, _counts in rows) + 4
    shown = len(weeks) if width is None else max(4, min(len(weeks), width - indent))
    weeks = weeks[-shown:]
    lines = [_("Contacts per week, the last {count} weeks ({shades}: 0 to 4 or more)").format(
        count=shown, shades=shades)]  # fmt: skip
    lines += [
        "  " + name.ljust(indent - 2) + "".join(shades[min(count, len(shades) - 1)]
                                                 for count in counts[-shown:])
        for name, counts in rows
    ]  # fmt: skip
    first = today - timedelta(days=today.weekday(), weeks=len(weeks) - 1)
    ruler = ""
    for column in range(len(weeks)):
        monday = first + timedelta(weeks=column)
        sunday = monday + timedelta(days=6)
        starts = sunday.day <= 7  # a month begins in this week
        if starts and len(ruler) <= column:
            ruler = ruler.ljust(column) + i18n.month(sunday.month) + " "
    lines.append(" " * indent + ruler.rstrip())
    return lines


def mood_line(moods: Sequence[int], glyphs: Glyphs) -> str:
    """The moods of the last contacts, oldest first, one character each (-2 to +2)."""
    if not moods:
        return _("Mood of the last contacts: none recorded")
    spark = "".join(glyphs.moods[mood + 2] for mood in moods)
    line = ngettext(
        "Mood of the last contact: {spark}  last {mood}",
        "Mood of the last {count} contacts (oldest {arrow} newest): {spark}  last {mood}",
        len(moods),
    )
    return line.format(count=len(moods), arrow=glyphs.arrow, spark=spark, mood=f"{moods[-1]:+d}")
