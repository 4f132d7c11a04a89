"""The language the interface speaks: translated messages and local number/date formats.

English is the source language and lives in the code. German comes from the gettext
catalog compiled into the package, read only when German is chosen, so English runs
never open it. CSV and JSON never pass through here: their column names, codes and
ISO dates stay the same in every language.
"""

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

LANGUAGES = ("en", "de")
DOMAIN = "kundenpflege"
LOCALE_DIR = Path(__file__).parent / "locale"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
SETTING = "KUNDENPFLEGE_LANG"


class Catalog(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, count: int, /) -> str: ...


class _State:
    """The chosen language; one per process, set by the CLI before it builds help."""

    language = "en"
    catalog: Catalog | None = None


def language_of(locale_name: str) -> str | None:
    """`de_DE.UTF-8`, `de_AT`, `de` -> 'de'; `C`, `POSIX` or unknown -> None."""
    code = locale_name.split(".")[0].split("@")[0].split("_")[0].split("-")[0].lower()
    return code if code in LANGUAGES else None


def choose(explicit: str | None, environ: Mapping[str, str]) -> str:
    """--lang, else $KUNDENPFLEGE_LANG, else the locale (first set of LC_ALL,
    LC_MESSAGES, LANG, as POSIX orders them), else English."""
    if explicit in LANGUAGES:
        return explicit
    chosen = language_of(environ.get(SETTING, ""))
    if chosen:
        return chosen
    for variable in LOCALE_VARIABLES:
        if environ.get(variable):
            return language_of(environ[variable]) or "en"
    return "en"


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def select(language: str) -> None:
    """Speak `language` from now on; a missing catalog (a broken install) means English."""
    _State.language, _State.catalog = "en", None
    if language == "en":
        return
    import gettext

    try:
        with catalog_path(language).open("rb") as compiled:
            _State.catalog = gettext.GNUTranslations(compiled)
    except OSError:
        return
    _State.language = language


def current() -> str:
    return _State.language


def _(message: str) -> str:
    """The message in the chosen language (gettext's conventional name)."""
    return message if _State.catalog is None else _State.catalog.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    if _State.catalog is None:
        return singular if count == 1 else plural
    return _State.catalog.ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark, translate later"
    """Marks a string for the catalog where it is translated later (labels, codes)."""
    return message


# The operating system's own words for the errors people meet with files.
_SYSTEM_MESSAGES = (
    N_("Permission denied"), N_("No such file or directory"), N_("No space left on device"),
    N_("Read-only file system"), N_("File too large"), N_("Is a directory"),
    N_("Not a directory"), N_("File exists"),
)  # fmt: skip


def system_message(error: OSError) -> str:
    """An OSError's reason in the chosen language where the catalog knows it."""
    return _(error.strerror or str(error))


# --- how values look in tables for people (never in CSV/JSON) ----------------------------

_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
}


def day(value: date) -> str:
    """25.11.2026 in German tables, 2026-11-25 in English ones."""
    return value.strftime("%d.%m.%Y") if _State.language == "de" else value.isoformat()


_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "de": ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.",
           "Nov.", "Dez."),
}  # fmt: skip


def month(number: int) -> str:
    """A month's short name, Jan to Dec or Jan. to Dez., for rulers and titles."""
    return _MONTHS[_State.language][number - 1]


def span(first: date, last: date, *, year: bool = True) -> str:
    """Days from `first` to `last` as people write them in a title: 1.–29. Nov. 2026,
    Nov 1–29, 2026; the year only once, or left out (`year=False`) beside a span that
    names it, unless the span crosses a new year."""
    german = _State.language == "de"

    def one(value: date, with_month: bool, with_year: bool) -> str:
        if german:
            return (f"{value.day}." + (f" {month(value.month)}" if with_month else "")
                    + (f" {value.year}" if with_year else ""))  # fmt: skip
        return (
            (f"{month(value.month)} " if with_month else "")
            + f"{value.day}"
            + (f", {value.year}" if with_year else "")
        )

    crossing = first.year != last.year
    if first == last:
        return one(last, True, year)
    if crossing:
        return f"{one(first, True, True)}–{one(last, True, True)}"
    same_month = first.month == last.month
    if german:
        return f"{one(first, not same_month, False)}–{one(last, True, year)}"
    return f"{one(first, True, False)}–{one(last, not same_month, year)}"


def moment(value: datetime) -> str:
    """A stored instant in local time: 25.11.2026 09:00 or 2026-11-25 09:00."""
    local = value.astimezone()
    return f"{day(local.date())} {local:%H:%M}"


def weekday(value: date | int) -> str:
    """Mo/Di... or Mon/Tue...; takes a date or a weekday number (Monday = 0)."""
    number = value if isinstance(value, int) else value.weekday()
    return _WEEKDAYS[_State.language][number]


def number(value: float, decimals: int = 0) -> str:
    """Grouped digits: 24.000,5 in German, 24,000.5 in English."""
    english = f"{value:,.{decimals}f}"
    if _State.language != "de":
        return english
    return english.replace(",", "\0").replace(".", ",").replace("\0", ".")


def signed(value: float) -> str:
    """A change such as +3 or -0,25 (shortest form, sign always shown)."""
    text = f"{value:+g}"
    return text.replace(".", ",") if _State.language == "de" else text


def money(value: float) -> str:
    """24.000 € in German, €24,000 in English (cents only when there are any)."""
    amount = number(value, 0 if value == int(value) else 2)
    return f"{amount} €" if _State.language == "de" else f"€{amount}"


def percent(value: float) -> str:
    """45 % (German typography) or 45%."""
    return f"{value * 100:.0f} %" if _State.language == "de" else f"{value * 100:.0f}%"


def overdue(days_overdue: int) -> str:
    """'3 days overdue' / 'seit 3 Tagen überfällig', 'in 2 days' / 'in 2 Tagen', 'today'."""
    if days_overdue == 0:
        return _("today")
    days = abs(days_overdue)
    if days_overdue > 0:
        return ngettext("{days} day overdue", "{days} days overdue", days).format(days=days)
    return ngettext("in {days} day", "in {days} days", days).format(days=days)
