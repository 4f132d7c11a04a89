"""The yardstick: a bare two-command Typer app, set up as ours is (no rich markup, with
tab completion), in the same virtualenv. What Typer alone costs on every call."""

import typer

app = typer.Typer(rich_markup_mode=None, add_completion=True, no_args_is_help=True)


@app.command()
def hello(name: str = "world") -> None:
    """Say hello."""
    print(f"hello {name}")


@app.command()
def bye(name: str = "world") -> None:
    """Say goodbye."""
    print(f"bye {name}")


if __name__ == "__main__":
    app()
