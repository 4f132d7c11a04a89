"""German and English: the catalog is complete, the language is chosen as documented,
and the main commands read as German while CSV/JSON stay the same in both languages."""

import csv
import gettext
import importlib.util
import io
import json
import re
import string
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner, Result

from kundenpflege import i18n
from kundenpflege.cli.commands import app_for, full_app
from tests.conftest import ON_SERVER, PINNED_NOW, Run, journal_snapshot, ok

app = full_app()

ROOT = Path(__file__).parent.parent


def load_tool(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def catalog_tool() -> ModuleType:
    return load_tool("catalog", ROOT / "tools" / "catalog.py")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# --- the catalog -------------------------------------------------------------------------


def test_every_string_shown_to_users_has_a_german_translation(catalog_tool: ModuleType) -> None:
    """Extracted from `_()`/`N_()`/`ngettext()` calls and from every command's help."""
    german = catalog_tool.read(catalog_tool.po_path("de"), "de")
    problems = []
    for message in catalog_tool.template():
        if not message.id:
            continue
        found = german.get(message.id)
        if found is None or found.fuzzy:
            problems.append(f"missing or fuzzy: {message.id!r}")
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = found.string if isinstance(found.string, tuple) else (found.string,)
        if not all(texts):
            problems.append(f"untranslated: {message.id!r}")
            continue
        wanted = set().union(*(placeholders(text) for text in ids))
        for text in texts:
            # A singular may leave the number out ("jede Woche"); nothing may be invented.
            extra = placeholders(text) - wanted
            lost = set() if len(texts) > 1 else wanted - placeholders(text)
            if extra or lost:
                problems.append(f"placeholders differ: {message.id!r} -> {text!r}")
    assert not problems, "run `make catalog` and translate:\n" + "\n".join(problems)


def test_the_catalog_holds_the_help_of_every_command(catalog_tool: ModuleType) -> None:
    texts = catalog_tool.help_texts()
    due = "Whom to contact, why, who of us, on which channel, and the last impression."
    assert any(text.startswith(due) for text in texts)
    assert "Only customers of this tier." in texts and "Examples" in texts


def test_the_compiled_catalog_matches_its_source(catalog_tool: ModuleType) -> None:
    """A stale .mo would show old German; `make` recompiles it when the .po changes."""
    source = catalog_tool.read(catalog_tool.po_path("de"), "de")
    with i18n.catalog_path("de").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    for message in source:
        if message.id and not isinstance(message.id, tuple):
            assert translations.gettext(message.id) == message.string, "run: make"


# --- choosing the language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("explicit", "environment", "expected"),
    [
        (None, {}, "en"),
        ("de", {}, "de"),
        ("en", {"KUNDENPFLEGE_LANG": "de", "LANG": "de_DE.UTF-8"}, "en"),
        (None, {"KUNDENPFLEGE_LANG": "de"}, "de"),
        (None, {"KUNDENPFLEGE_LANG": "en", "LANG": "de_DE.UTF-8"}, "en"),
        (None, {"KUNDENPFLEGE_LANG": "fr", "LANG": "de_DE.UTF-8"}, "de"),
        (None, {"LANG": "de_DE.UTF-8"}, "de"),
        (None, {"LANG": "de_AT"}, "de"),
        (None, {"LC_MESSAGES": "de_CH.utf8", "LANG": "en_US.UTF-8"}, "de"),
        (None, {"LC_ALL": "C", "LANG": "de_DE.UTF-8"}, "en"),
        (None, {"LC_ALL": "", "LANG": "de_DE.UTF-8"}, "de"),
        (None, {"LANG": "fr_FR.UTF-8"}, "en"),
        (None, {"LANG": "de_DE@euro"}, "de"),
    ],
)
def test_language_is_chosen_by_option_then_setting_then_locale(
    explicit: str | None, environment: dict[str, str], expected: str
) -> None:
    assert i18n.choose(explicit, environment) == expected


def test_lang_option_before_the_command_is_read_without_building_every_command() -> None:
    for arguments in (["--lang", "de", "due"], ["--lang=de", "--db", "x.db", "faellig"]):
        commands = app_for(arguments).registered_commands
        assert [info.callback.__name__ for info in commands if info.callback] == ["due"]


def test_an_unknown_language_is_a_usage_error(journal: Run) -> None:
    result = journal("--lang", "fr", "due")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Invalid value for '--lang': 'fr' is not one of")


# --- formats for people ---------------------------------------------------------------------


def test_german_and_english_table_formats() -> None:
    day = date(2026, 11, 25)
    i18n.select("de")
    german = (i18n.day(day), i18n.weekday(day), i18n.money(24000), i18n.money(24000.5),
              i18n.percent(0.456), i18n.number(1234.5, 1), i18n.signed(-0.25),
              i18n.overdue(3), i18n.overdue(1), i18n.overdue(-2), i18n.overdue(0))  # fmt: skip
    i18n.select("en")
    english = (i18n.day(day), i18n.weekday(day), i18n.money(24000), i18n.money(24000.5),
               i18n.percent(0.456), i18n.number(1234.5, 1), i18n.signed(-0.25),
               i18n.overdue(3), i18n.overdue(1), i18n.overdue(-2), i18n.overdue(0))  # fmt: skip
    assert german == ("25.11.2026", "Mi", "24.000 €", "24.000,50 €", "46 %", "1.234,5", "-0,25",
                      "seit 3 Tagen überfällig", "seit 1 Tag überfällig", "in 2 Tagen",
                      "heute")  # fmt: skip
    assert english == ("2026-11-25", "Wed", "€24,000", "€24,000.50", "46%", "1,234.5", "-0.25",
                       "3 days overdue", "1 day overdue", "in 2 days", "today")  # fmt: skip


def test_a_missing_catalog_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "LOCALE_DIR", Path("/nonexistent"))
    i18n.select("de")
    assert i18n.current() == "en" and i18n._("Customer") == "Customer"


# --- the main commands in both languages ----------------------------------------------------


@pytest.fixture
def shop(journal: Run) -> Run:
    """One customer with a complaint promised for today, one overdue by their rhythm."""
    ok(journal("person", "add", "anna"))
    ok(journal("person", "add", "ben"))
    ok(journal("add", "mueller-bau", "--name", "Müller Bau GmbH", "--tier", "A", "--value",
               "24000"))  # fmt: skip
    ok(journal("prefer", "mueller-bau", "--person", "anna", "--channel", "telefon", "--every",
               "alle 2 Wochen", "--days", "mi,fr"))  # fmt: skip
    ok(journal("log", "mueller-bau", "--at", "2026-11-24 10:00", "--kind", "beschwerde",
               "--mood", "-1", "--note", "Lieferung zu spät",
               "--followup", "25.11.2026"))  # fmt: skip
    ok(journal("add", "baeckerei", "--name", "Bäckerei Schmidt", "--tier", "C"))
    ok(journal("prefer", "baeckerei", "--person", "ben", "--channel", "besuch", "--every",
               "monatlich"))  # fmt: skip
    ok(journal("log", "baeckerei", "--at", "20.10.2026", "--kind", "besuch", "--mood", "2"))
    return journal


def rows(result: Result) -> list[list[str]]:
    return [re.split(r"\s{2,}", line) for line in result.stdout.splitlines()]


def test_due_reads_as_german(shop: Run) -> None:
    table = rows(ok(shop("--lang", "de", "due")))
    assert table[0] == ["Kunde", "#", "Warum", "Fällig", "Wann", "Vorschlag", "Wer", "Kanal",
                        "Letzter Eindruck", "Warnungen"]  # fmt: skip
    assert table[1] == ["baeckerei", "Rhythmus: monatlich", "20.11.2026",
                        "seit 5 Tagen überfällig", "Mi 25.11.2026", "ben", "Besuch",
                        "+2"]  # fmt: skip
    assert table[2] == ["mueller-bau", "1", "Wiedervorlage: Lieferung zu spät", "25.11.2026",
                        "heute", "Mi 25.11.2026", "anna", "Telefon", "-1 „Lieferung zu spät“",
                        "letzter Eindruck negativ"]  # fmt: skip
    english = rows(ok(shop("due")))
    assert english[1][:5] == ["baeckerei", "cadence: monthly", "2026-11-20", "5 days overdue",
                              "Wed 2026-11-25"]  # fmt: skip


def test_the_german_alias_and_the_locale_give_german(shop: Run) -> None:
    result = CliRunner().invoke(app, ["faellig"], env={"LANG": "de_DE.UTF-8"})
    assert ok(result).stdout.startswith("Kunde")
    english = CliRunner().invoke(app, ["--lang", "en", "faellig"], env={"LANG": "de_DE.UTF-8"})
    assert ok(english).stdout.startswith("Customer")


def test_data_formats_do_not_change_with_the_language(shop: Run) -> None:
    for output in ("csv", "json"):
        german = ok(shop("--lang", "de", "due", "--format", output)).stdout
        english = ok(shop("due", "--format", output)).stdout
        if output == "csv":
            german_rows = list(csv.DictReader(io.StringIO(german)))
            english_rows = list(csv.DictReader(io.StringIO(english)))
        else:
            german_rows, english_rows = json.loads(german), json.loads(english)
        assert [list(row) for row in german_rows] == [list(row) for row in english_rows]
        for german_row, english_row in zip(german_rows, english_rows, strict=True):
            for key in ("handle", "reason", "due_on", "suggested_on", "channel", "days_overdue"):
                assert german_row[key] == english_row[key]
        assert german_rows[0]["due_on"] == "2026-11-20"


def test_list_show_and_reports_in_german(shop: Run) -> None:
    listing = rows(ok(shop("--lang", "de", "list")))
    assert listing[0][:5] == ["Kürzel", "Name", "Stufe", "Schlagworte", "Jahreswert"]
    assert listing[2][:4] == ["mueller-bau", "Müller Bau GmbH", "A", "24.000 €"]
    shown = ok(shop("--lang", "de", "show", "mueller-bau")).stdout
    assert (
        "Status: aktiv; Stufe: A; Schlagworte: -; Wert: 24.000 € im Jahr; Kunde seit 25.11.2026"
        in shown
    )
    assert "wer: anna, Kanal: Telefon, Rhythmus: alle 2 Wochen, Tage: Mi,Fr" in shown
    assert "24.11.2026  Beschwerde  eingehend  anna  -1  Lieferung zu spät" in shown
    health = rows(ok(shop("--lang", "de", "health")))
    assert health[1][:4] == ["mueller-bau", "letzter Eindruck negativ",
                             "Stimmung -1: Lieferung zu spät", "24.11.2026"]  # fmt: skip
    assert health[1][4] == "entschuldigen oder in Ordnung bringen, dann eintragen"
    pulse = ok(shop("--lang", "de", "pulse")).stdout
    assert "Kennzahl" in pulse and "rechtzeitig betreut (nicht überfällig)" in pulse
    assert "Betreuung" not in pulse
    fairness = rows(ok(shop("--lang", "de", "fairness")))
    assert fairness[0][:3] == ["Stufe", "Kunden", "Kontakte/Kunde/Jahr"]


def test_remind_for_german_cron(shop: Run, journal_address: str) -> None:
    """cron with LANG=de_DE.UTF-8 gets the German digest, as a real process."""
    environment = {"PATH": "/usr/bin:/bin", "LANG": "de_DE.UTF-8", "TZ": "Europe/Berlin",
                   "KUNDENPFLEGE_DB": journal_address, "KUNDENPFLEGE_NOW": PINNED_NOW}  # fmt: skip
    result = subprocess.run([sys.executable, "-m", "kundenpflege", "remind"], env=environment,
                            capture_output=True, text=True, check=True)  # fmt: skip
    assert result.stdout.splitlines()[:3] == [
        "kundenpflege: 2 Kontakte fällig am Mi 25.11.2026",
        "",
        "anna (1):",
    ]
    assert "- baeckerei (Bäckerei Schmidt): monatlich, seit 5 Tagen überfällig" in result.stdout
    assert "  per Besuch; letzter Kontakt 20.10.2026: +2" in result.stdout


def test_messages_of_writing_commands_in_german(journal: Run) -> None:
    assert journal("--lang", "de", "add", "kunde", "--name", "Kunde AG").stderr == (
        "Kunde kunde angelegt.\n"
    )
    unknown = journal("--lang", "de", "prefer", "kunde", "--person", "eva")
    assert unknown.stderr == (
        "Fehler: Person „eva“ nicht gefunden; siehe „kundenpflege person list“; zum Anlegen:"
        " „kundenpflege person add eva“\n"
    )
    ok(journal("person", "add", "eva"))
    said = journal("--lang", "de", "prefer", "kunde", "--every", "monatlich", "--person", "eva")
    assert ok(said).stderr.splitlines() == [
        "Wunsch von kunde festgehalten; nächster Kontakt am 25.11.2026.",
    ]
    logged = ok(journal("--lang", "de", "log", "kunde", "--note", "gut", "--followup", "+2d"))
    assert logged.stderr == (
        "Kontakt #1 für kunde eingetragen; nächster Kontakt am 25.12.2026;"
        " Wiedervorlage #1 am 27.11.2026.\n"
    )


@pytest.mark.parametrize(
    ("arguments", "message", "status"),
    [
        (["log", "nixda"], "Fehler: Kunde „nixda“ nicht gefunden; siehe „kundenpflege list“", 1),
        (["pause", "kunde", "--until", "31.02.2026"],
         "Fehler: „31.02.2026“ ist kein gültiges Datum", 1),
        (["prefer", "kunde", "--every", "manchmal"],
         "Fehler: Rhythmus „manchmal“ nicht verstanden; möglich sind z. B. wöchentlich,"
         " alle 2 Wochen, monatlich, vierteljährlich oder 3m", 1),
        (["log", "kunde", "--mood", "5"],
         "Fehler: Ungültiger Wert für '--mood': 5 liegt nicht im erlaubten Bereich -2<=x<=2.", 2),
        (["due", "--limt", "3"],
         "Fehler: Unbekannte Option --limt (gemeint ist vielleicht --limit)", 2),
        (["due", "--format", "xml"], "Fehler: Ungültiger Wert für '--format' / '-f': 'xml' ist"
         " nicht vorgesehen; möglich sind 'table', 'csv', 'json'.", 2),
        (["add"], "Fehler: Es fehlt die Angabe 'handle'.", 2),
        (["fällig"], "Fehler: Unbekannter Befehl „fällig“; siehe „kundenpflege --help“.", 2),
        (["log", "kunde", "--kind", "plausch"], "Fehler: unbekannte Kontaktart „plausch“; möglich"
         " sind call, meeting, email, order, complaint, apology, visit, quote, letter,"
         " message, newsletter, contact (oder x-NAME für eine eigene)", 1),
    ],
)  # fmt: skip
def test_errors_read_as_german(
    journal: Run, arguments: list[str], message: str, status: int
) -> None:
    ok(journal("add", "kunde"))
    before = journal_snapshot()
    result = journal("--lang", "de", *arguments)
    assert (result.exit_code, result.stdout, result.stderr) == (status, "", message + "\n")
    assert journal_snapshot() == before


def test_every_help_page_is_german(catalog_tool: ModuleType) -> None:
    """No help text of any command is left in English (the words the code supplies)."""
    generator = load_tool("generate", ROOT / "docs" / "generate_reference.py")
    english_texts = [text for text in catalog_tool.help_texts() if len(text.split()) > 2]
    runner = CliRunner()
    for command in generator.COMMANDS:
        page = runner.invoke(app, ["--lang", "de", *command, "--help"], prog_name="kundenpflege")
        assert page.exit_code == 0 and page.stdout.startswith("Aufruf: kundenpflege"), command
        flat = " ".join(page.stdout.split())
        leftovers = [text for text in english_texts if " ".join(text.split()) in flat]
        assert not leftovers, (command, leftovers)
        assert "Optionen:" in page.stdout and "Show this message" not in page.stdout


@pytest.mark.parametrize(
    ("arguments", "first_line"),
    [
        (["impressions"], ["#", "Kunde", "Datum", "Art", "Kanal", "Richtung", "Wer", "Stimmung",
                           "Notiz"]),
        (["value"], ["Kunde", "Stufe", "Kundenwert", "Jahre", "Bestellungen",
                     "Kontakte (Zeitraum)", "Zuletzt von uns", "Hinweis"]),
        (["fairness", "--by", "band"], ["Wertklasse", "Kunden", "Kontakte/Kunde/Jahr",
                                        "Persönlich", "Massenkanal", "Andere",
                                        "Tage seit Kontakt (Median)", "Nie kontaktiert",
                                        "Überfällig"]),
        (["followup", "list"], ["#", "Kunde", "Was", "Fällig", "Versprochen am", "Wer"]),
        (["person", "list"], ["Kürzel", "Name", "E-Mail", "Gegangen"]),
    ],
)  # fmt: skip
def test_every_report_has_german_columns(
    shop: Run, arguments: list[str], first_line: list[str]
) -> None:
    assert rows(ok(shop("--lang", "de", *arguments)))[0] == first_line


def test_empty_reports_and_doctor_speak_german(shop: Run) -> None:
    reactive = ok(shop("--lang", "de", "reactive"))
    assert rows(reactive)[1][:2] == ["mueller-bau", "1"]
    assert reactive.stderr == (
        "Alle Kontakte im Zeitraum: 2; Beschwerden von Kunden 50 %, von uns ausgegangen 50 %.\n"
    )
    assert ok(shop("--lang", "de", "health", "--tier", "C")).stderr == (
        "Gefährdete Beziehungen: keine.\n"
    )
    verdict = shop("--lang", "de", "doctor").stdout.splitlines()
    if ON_SERVER:  # on a server doctor checks the connection first (docs/team.md)
        assert verdict[0].startswith("ok       Verbindung: PostgreSQL ")
        assert verdict[0].endswith(" als postgres")
    else:
        assert verdict[0] == "ok       Integrität: ok"
    assert verdict[-1].startswith("Ergebnis: ")
    ok(shop("consent", "grant", "mueller-bau", "--purpose", "newsletter", "--evidence", "Web"))
    ledger = rows(ok(shop("--lang", "de", "consent", "list")))
    assert ledger[0] == ["Kunde", "Kontakt", "Zweck", "Vorgang", "Wann", "Nachweis"]
    assert ledger[1] == ["mueller-bau", "Newsletter", "Erteilung", "25.11.2026 09:00", "Web"]


def test_placeholders_are_never_translated() -> None:
    """A translation may leave a placeholder out ("täglich" for every {count} day), but
    never name one the English text does not have (`{Kürzel}` would crash or show)."""
    from babel.messages.pofile import read_po

    with i18n.catalog_path("de").with_suffix(".po").open("rb") as source:
        catalog = read_po(source, locale="de")
    for message in catalog:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        german = message.string if isinstance(message.string, tuple) else (message.string,)
        allowed = {name for text in english for name in re.findall(r"\{(\w*)\}", text)}
        for text in german:
            assert set(re.findall(r"\{(\w*)\}", text or "")) <= allowed, (english, text)
