"""The command line (Typer and Rich live only here and in `present`).

`main` is the console entry point; it loads only the command module the command
line names (`cli.commands`).
"""

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point for `kundenpflege` and `kp`."""
    import sys

    from kundenpflege.cli.commands import run

    # An output that cannot carry a character (a Latin-1 cron mail, an ASCII pipe)
    # gets "?" for it, never a traceback; pictures switch to ASCII (present.charts).
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")

    run(argv)
