"""The calendar of key dates: when a yearly date comes next, how many years it brings,
and how it is said. Small on purpose: `due` reads it on every run (`key_dates` keeps,
lists and removes them)."""

from datetime import date

from kundenpflege import i18n
from kundenpflege.i18n import _, ngettext

# Whom we may contact: a plan for the customer, and one for a contact with a wish of
# their own (`due` shows no key date of anyone who asked not to be contacted).
PLANNABLE = " AND c.next_due IS NOT NULL AND (ct.preference_id IS NULL OR ct.next_due IS NOT NULL)"


def in_year(year: int, month_day: str) -> date:
    """The day of `month_day` in `year`; a 29 February is the 28th in other years."""
    month, day = int(month_day[:2]), int(month_day[3:])
    if (month, day) == (2, 29) and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        day = 28
    return date(year, month, day)


def next_on(year: int | None, month_day: str, yearly: bool, today: date) -> date | None:
    """The next time the date comes, today included; None for a single date gone by."""
    if not yearly:
        assert year is not None  # the schema holds a single date to its year
        once = in_year(year, month_day)
        return once if once >= today else None
    first = max(today.year, year or today.year)
    this = in_year(first, month_day)
    return this if this >= today else in_year(first + 1, month_day)


def month_days_between(first: date, last: date) -> list[tuple[str, str]]:
    """The ranges of `month_day` whose yearly dates may come from `first` to `last`
    (each to be checked with `next_on`): a 29 February is read where the 28th is."""
    if (last - first).days >= 365:
        return [("01-01", "12-31")]
    start, end = first.strftime("%m-%d"), last.strftime("%m-%d")
    if end == "02-28":
        end = "02-29"
    if first.year == last.year:
        return [(start, end)]
    return [(start, "12-31"), ("01-01", end)]


def years_at(year: int | None, on: date) -> int | None:
    """How old (how many years) on that day, when the year is known."""
    return on.year - year if year is not None and on.year > year else None


def describe(
    kind: str, what: str | None, yearly: bool, years: int | None, on: date, who: str
) -> str:
    """'Petra Müller turns 50 on Sat 2027-03-14', in the language spoken."""
    day = f"{i18n.weekday(on)} {i18n.day(on)}"
    if kind == "birthday":
        if years:
            return _("{who} turns {years} on {day}").format(who=who, years=years, day=day)
        return _("{who}'s birthday on {day}").format(who=who, day=day)
    if kind == "anniversary" and not what:
        if years:
            return ngettext("{who} celebrates {years} year on {day}",
                            "{who} celebrates {years} years on {day}",
                            years).format(who=who, years=years, day=day)  # fmt: skip
        return _("{who}'s anniversary on {day}").format(who=who, day=day)
    label = what or _(kind)
    if years and yearly:
        return ngettext("{who}: {what} ({years} year) on {day}",
                        "{who}: {what} ({years} years) on {day}",
                        years).format(who=who, what=label, years=years, day=day)  # fmt: skip
    return _("{who}: {what} on {day}").format(who=who, what=label, day=day)
