"""Tables and pictures on a terminal: Rich draws them, fitted to its width.

Only `emit` (cli.app) calls these, and only when stdout is a terminal or a picture
is asked for, so a report piped into a file never imports Rich's table machinery.
"""

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from kundenpflege.cli.app import say
from kundenpflege.i18n import _

if TYPE_CHECKING:
    from rich.text import Text

    from kundenpflege.present.charts import Glyphs
    from kundenpflege.present.render import Report


def marked(cell: str) -> "Text":
    """A cell as Rich text; a search match in it (kundenpflege.marks) in bold."""
    from rich.text import Text

    from kundenpflege import marks

    if marks.START not in cell:
        return Text(cell)
    shown = Text()
    for number, part in enumerate(cell.replace(marks.END, marks.START).split(marks.START)):
        shown.append(part, style="bold" if number % 2 else None)
    return shown


def rich_table(report: "Report", *, wide: bool = False) -> None:
    """A table that fits the terminal: below 80 columns one block per entry; else the
    least important columns are left out (and named) until every value and word
    fits whole. `--wide` shows every column, wrapping as it must."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from kundenpflege.present import render

    console = Console(highlight=False)
    if not wide:
        report = render.clipped(report)
    if not wide and console.width < render.NARROW:
        console.print(Text(report.title, style="bold"))
        console.print(Text(render.blocks(report).rstrip("\n")))
        return
    shown: list[int] = list(range(len(report.titles)))
    widths: list[int | None] = [None] * len(shown)
    layout = None if wide else render.fit(report, console.width)
    if layout:
        shown, widths = layout.shown, list(layout.widths)
    # Text objects: a bracket in a customer's name is a bracket, never markup.
    table = Table(
        title=Text(report.title), header_style="bold", title_justify="left",
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True,
    )  # fmt: skip
    for index, width in zip(shown, widths, strict=True):
        table.add_column(Text(report.titles[index]), width=width, overflow="fold")
    for number, row in enumerate(report.table):
        warn = bool(report.warn) and report.warn[number]
        table.add_row(*(marked(row[index]) for index in shown), style="yellow" if warn else None)
    console.print(table)
    if layout and layout.left_out:
        names = ", ".join(report.titles[index] for index in layout.left_out)
        say(_("Not shown at this width: {columns}; add --wide to see every column.").format(
            columns=names))  # fmt: skip


# Draws a picture's lines for a width and the characters the output can carry.
Picture = Callable[[int, "Glyphs"], list[str]]


def draw(picture: Picture) -> None:
    """A picture under a table: block characters where the output can carry them,
    the bars coloured on a terminal (Rich honours NO_COLOR), plain in a pipe."""
    import shutil

    from kundenpflege.present import render
    from kundenpflege.present.charts import BLOCKS, glyphs_for

    terminal = sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if terminal else render.NARROW
    lines = picture(width, glyphs_for(sys.stdout.encoding))
    if not lines:
        return
    if not terminal:
        sys.stdout.write("".join(f"\n{line}" for line in lines) + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    shown = Text("\n" + "\n".join(lines))
    shown.highlight_regex(f"[{BLOCKS.eighths}]+", "cyan")
    shown.highlight_regex(f"{BLOCKS.earlier}+", "bright_black")
    Console(highlight=False).print(shown)
