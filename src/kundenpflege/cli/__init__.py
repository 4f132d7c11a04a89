"""The command line (Typer and Rich live only here and in `present`).

`main` is the console entry point; it loads only the command module the command
line names (`cli.commands`).
"""

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point for `kundenpflege` and `kp`."""
    from kundenpflege.cli.commands import run

    run(argv)
