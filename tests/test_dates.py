from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kundenpflege.domain.dates import (
    Frequency,
    next_preferred_day,
    parse_date,
    parse_frequency,
    parse_moment,
    parse_time_of_day,
    parse_weekdays,
)
from kundenpflege.errors import KundenpflegeError

TODAY = date(2026, 11, 25)  # Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("25.11.2026", date(2026, 11, 25)),
        ("1.2.2027", date(2027, 2, 1)),
        ("today", TODAY),
        ("heute", TODAY),
        ("yesterday", date(2026, 11, 24)),
        ("gestern", date(2026, 11, 24)),
        ("tomorrow", date(2026, 11, 26)),
        ("morgen", date(2026, 11, 26)),
        ("übermorgen", date(2026, 11, 27)),
        ("+3d", date(2026, 11, 28)),
        ("+3", date(2026, 11, 28)),
        ("-2w", date(2026, 11, 11)),
        ("+1m", date(2026, 12, 25)),
        ("+1 woche", date(2026, 12, 2)),
        ("next monday", date(2026, 11, 30)),
        ("nächsten montag", date(2026, 11, 30)),
        ("next wednesday", date(2026, 12, 2)),  # never today itself
        ("freitag", date(2026, 11, 27)),
        ("  Next   Friday ", date(2026, 11, 27)),
    ],
)
def test_parse_date_reads_what_people_type(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31.02.2026", "'31.02.2026' is not a real date"),
        ("2026-13-01", "'2026-13-01' is not a real date"),
        ("11/25/2026", "cannot read date '11/25/2026'; use YYYY-MM-DD, DD.MM.YYYY, today,"),
        ("soon", "cannot read date 'soon'"),
        ("", "cannot read date ''"),
        ("+3x", "cannot read date '+3x'"),
        ("01.01.0900", "'01.01.0900' lies outside the years the journal keeps"),
    ],
)
def test_parse_date_refuses_to_guess(text: str, message: str) -> None:
    with pytest.raises(KundenpflegeError) as error:
        parse_date(text, TODAY)
    assert str(error.value).startswith(message)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_iso_and_german_dates_round_trip(day: date) -> None:
    assert parse_date(day.isoformat(), TODAY) == day
    assert parse_date(f"{day.day:02d}.{day.month:02d}.{day.year}", TODAY) == day


@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_clear_error(text: str) -> None:
    try:
        parse_date(text, TODAY)
    except KundenpflegeError as error:
        assert str(error)


def test_parse_moment_with_and_without_time() -> None:
    now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
    assert parse_moment("yesterday 14:30", now).astimezone().isoformat() == (
        "2026-11-24T14:30:00+01:00"
    )
    assert parse_moment("2026-11-20T09:15", now).astimezone().hour == 9
    assert parse_moment("20.11.2026", now).astimezone().hour == 12  # a past day: noon
    assert parse_moment("today", now) == now
    assert parse_moment("7:45", now).astimezone().isoformat() == "2026-11-25T07:45:00+01:00"
    with pytest.raises(KundenpflegeError, match="'25:00' is not a time of day"):
        parse_moment("today 25:00", now)


@pytest.mark.parametrize(
    ("text", "code", "description"),
    [
        ("weekly", "1w", "weekly"),
        ("wöchentlich", "1w", "weekly"),
        ("every 2 weeks", "2w", "every 2 weeks"),
        ("alle 2 Wochen", "2w", "every 2 weeks"),
        ("monthly", "1m", "monthly"),
        ("monatlich", "1m", "monthly"),
        ("quarterly", "3m", "quarterly"),
        ("vierteljährlich", "3m", "quarterly"),
        ("every 6 weeks", "6w", "every 6 weeks"),
        ("jährlich", "1y", "yearly"),
        ("every 2 quarters", "6m", "every 6 months"),
        ("10d", "10d", "every 10 days"),
        ("2w", "2w", "every 2 weeks"),
    ],
)
def test_parse_frequency(text: str, code: str, description: str) -> None:
    frequency = parse_frequency(text)
    assert frequency.code == code
    assert frequency.describe() == description
    assert parse_frequency(frequency.code) == frequency


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("every -1 weeks", "frequency 'every -1 weeks' needs a positive number of periods"),
        ("every 0 weeks", "frequency 'every 0 weeks' needs a positive number of periods"),
        ("every 11 years", "frequency 'every 11 years' is longer than ten years"),
        ("sometimes", "cannot read frequency 'sometimes'; try weekly, every 2 weeks"),
        ("every 2 fortnights", "cannot read frequency 'every 2 fortnights'"),
    ],
)
def test_parse_frequency_rejects_nonsense(text: str, message: str) -> None:
    with pytest.raises(KundenpflegeError) as error:
        parse_frequency(text)
    assert str(error.value).startswith(message)


@given(st.integers(min_value=1, max_value=120), st.sampled_from(["weeks", "months", "Wochen"]))
def test_every_n_units_parses_to_that_rhythm(count: int, unit: str) -> None:
    frequency = parse_frequency(f"every {count} {unit}")
    assert frequency.count == count
    assert frequency.unit == ("weeks" if unit == "Wochen" else unit)


def test_frequency_delta_handles_month_ends() -> None:
    assert date(2026, 1, 31) + Frequency(1, "months").delta == date(2026, 2, 28)


def test_weekdays_in_both_languages_and_ranges() -> None:
    assert parse_weekdays("di,do") == (1, 3)
    assert parse_weekdays("tue thu") == (1, 3)
    assert parse_weekdays("mo-fr") == (0, 1, 2, 3, 4)
    assert parse_weekdays("fr-mo") == (0, 4, 5, 6)
    with pytest.raises(KundenpflegeError, match="cannot read weekday 'xx'"):
        parse_weekdays("di,xx")
    with pytest.raises(KundenpflegeError, match="no weekdays given"):
        parse_weekdays(" , ")


def test_next_preferred_day() -> None:
    assert next_preferred_day(TODAY, ()) == TODAY
    assert next_preferred_day(TODAY, (2,)) == TODAY  # Wednesday itself
    assert next_preferred_day(TODAY, (1, 3)) == date(2026, 11, 26)  # Thursday
    assert next_preferred_day(TODAY, (0,)) == TODAY + timedelta(days=5)


def test_time_of_day() -> None:
    assert parse_time_of_day("vormittags") == "morning"
    assert parse_time_of_day("9:00-11:30") == "09:00-11:30"
    assert parse_time_of_day("14:00") == "14:00"
    with pytest.raises(KundenpflegeError, match="cannot read time of day '25:00'"):
        parse_time_of_day("25:00")
