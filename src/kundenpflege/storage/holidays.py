"""Public holidays of the journal's region, computed once into a table.

The `holidays` package costs 60–140 ms to import, so only setting a region (init,
a migration, doctor after the package changed) loads it; `due` and `log` read the
table.
"""

from functools import lru_cache

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.storage import settings
from kundenpflege.storage.connection import Connection

REGION_KEY, DEFAULT_REGION = "region", "DE"
YEARS = range(1990, 2076)  # what suggestions, back-dated promises and --as-of can reach
# Names in the languages the journal speaks; a country without one keeps its own.
LANGUAGES = {"name_en": ("en_US", "en_GB", "en"), "name_de": ("de",)}

TABLES = (
    "CREATE TABLE public_holidays (region TEXT NOT NULL, day TEXT NOT NULL,"
    " name_en TEXT NOT NULL, name_de TEXT NOT NULL, PRIMARY KEY (region, day)) WITHOUT ROWID",
    "CREATE TABLE holiday_sources (region TEXT PRIMARY KEY, version TEXT NOT NULL,"
    " first_year INTEGER NOT NULL, last_year INTEGER NOT NULL)",
)


def canonical(region: str) -> tuple[str, str | None]:
    """`de`, `DE-BY` or `de-augsburg` as the package spells them: (country, subdivision),
    or an error that lists what it knows."""
    import holidays

    country, _dash, subdivision = region.strip().partition("-")
    countries = holidays.list_supported_countries()
    code = country.upper()
    if code not in countries:
        raise KundenpflegeError(
            _("unknown region '{region}'; use a country code such as DE, AT or CH,"
              " optionally with a subdivision: DE-BY").format(region=region)
        )  # fmt: skip
    if not subdivision:
        return code, None
    known = {name.casefold(): name for name in countries[code]}
    if subdivision.casefold() not in known:
        raise KundenpflegeError(
            _("unknown subdivision '{subdivision}' of {country}; known: {known}").format(
                subdivision=subdivision, country=code, known=", ".join(countries[code])
            )
        )
    return code, known[subdivision.casefold()]


def spelled(country: str, subdivision: str | None) -> str:
    return f"{country}-{subdivision}" if subdivision else country


def installed_version() -> str:
    from importlib.metadata import version

    return version("holidays")


@lru_cache(maxsize=8)
def compute(region: str) -> tuple[tuple[str, str, str], ...]:
    """(day, English name, German name) of every public holiday in YEARS; public ones
    only, not the package's optional categories (school, catholic, …)."""
    import holidays

    country, subdivision = canonical(region)
    supported = holidays.country_holidays(country).supported_languages
    names: dict[str, dict[object, str]] = {}
    for column, wanted in LANGUAGES.items():
        language = next((code for code in wanted if code in supported), None)
        names[column] = dict(
            holidays.country_holidays(
                country, subdiv=subdivision, years=YEARS, language=language
            ).items()
        )
    return tuple(
        (str(day), name, names["name_de"].get(day, name))
        for day, name in sorted(names["name_en"].items())
    )


def store(connection: Connection, region: str) -> None:
    """Compute the region's holidays into the table (again, if they were already),
    noting the package version that computed them."""
    rows = compute(region)
    connection.execute("DELETE FROM public_holidays WHERE region = ?", (region,))
    connection.executemany(
        "INSERT INTO public_holidays (region, day, name_en, name_de) VALUES (?, ?, ?, ?)",
        [(region, *row) for row in rows],
    )
    connection.execute(
        "INSERT INTO holiday_sources (region, version, first_year, last_year)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (region) DO UPDATE SET version = excluded.version,"
        " first_year = excluded.first_year, last_year = excluded.last_year",
        (region, installed_version(), YEARS[0], YEARS[-1]),
    )


def region(connection: Connection) -> str:
    """The region whose holidays suggestions skip (`init --region`)."""
    return settings.get(connection, REGION_KEY, DEFAULT_REGION)


def outdated(connection: Connection) -> tuple[str, str] | None:
    """(computed with, installed) when the holidays package changed since the table
    of the journal's region was computed (or it never was)."""
    known = source(connection, region(connection))
    installed = installed_version()
    if known is None:
        return ("-", installed)
    return (known[0], installed) if known[0] != installed else None


def source(connection: Connection, region: str) -> tuple[str, int, int] | None:
    """The package version and years that computed the region's table, if it was."""
    row = connection.execute(
        "SELECT version, first_year, last_year FROM holiday_sources WHERE region = ?", (region,)
    ).fetchone()
    return (str(row[0]), int(row[1]), int(row[2])) if row else None


def between(
    connection: Connection, region: str, first: str, last: str, column: str
) -> dict[str, str]:
    """Holiday names by ISO day in [first, last], in one language's column."""
    if column not in LANGUAGES:
        raise ValueError(column)
    rows = connection.execute(
        f"SELECT day, {column} FROM public_holidays WHERE region = ? AND day BETWEEN ? AND ?",
        (region, first, last),
    )
    return dict(rows)
