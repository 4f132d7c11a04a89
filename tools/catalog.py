"""Keep the translations in step with the code: extract, merge, compile.

`make catalog` runs this after a user-facing string changed; then translate the
new (empty) entries in the .po file and run it again. Strings come from two places:
`_()`, `N_()` and `ngettext()` calls in the package (Babel's extractor), and the
help texts of every command, which Typer takes from docstrings and `help=`
arguments and `cli.internals.localize` translates once the commands are built.
"""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "kundenpflege"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("de",)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
HELP_LOCATION = "src/kundenpflege/cli/commands.py"


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "kundenpflege.po"


def help_texts() -> list[str]:
    """Every help text, epilog title and metavar of the full command tree."""
    from typer.main import get_command

    from kundenpflege.cli.commands import full_app
    from kundenpflege.cli.internals import localize

    seen: list[str] = []

    def collect(text: str) -> str:
        seen.append(text)
        return text

    localize(get_command(full_app()), collect)
    return seen


def template() -> Catalog:
    catalog = Catalog(project="kundenpflege", msgid_bugs_address="", fuzzy=False)
    extracted = extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()
    )
    for filename, line, message, _comments, _context in extracted:
        catalog.add(message, locations=[(f"src/kundenpflege/{filename}", line)])
    for text in help_texts():
        if text not in catalog:
            catalog.add(text, locations=[(HELP_LOCATION, 0)])
    return catalog


def read(path: Path, language: str) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=language)


def update() -> None:
    """Merge the strings of the code into each language's .po; compile the .mo files."""
    fresh = template()
    for language in LANGUAGES:
        path = po_path(language)
        catalog = read(path, language) if path.exists() else Catalog(locale=language)
        catalog.update(fresh, no_fuzzy_matching=True)
        with path.open("wb") as target:
            write_po(target, catalog, width=96, ignore_obsolete=True)
        compile_catalog(language)
        missing = [message.id for message in catalog if message.id and not message.string]
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} untranslated")


def compile_catalog(language: str) -> Path:
    """The .mo file gettext reads at run time (built, never committed)."""
    catalog = read(po_path(language), language)
    target = po_path(language).with_suffix(".mo")
    with target.open("wb") as output:
        write_mo(output, catalog)
    return target


def compile_all() -> None:
    """What setup.py runs on every build and install."""
    for language in LANGUAGES:
        compile_catalog(language)


if __name__ == "__main__":
    if sys.argv[1:] == ["compile"]:
        compile_all()
    else:
        update()
