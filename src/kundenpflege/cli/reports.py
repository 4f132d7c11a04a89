"""The reports: who is due, recent impressions, the cron digest, and the insights."""

import sys
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from kundenpflege.cli.app import (
    AsOf,
    Excel,
    Format,
    Limit,
    OutputFormat,
    Person,
    Tag,
    Tier,
    Wide,
    Window,
    app,
    completes,
    emit,
    examples,
    row_limit,
    say,
    session,
    today_or,
)
from kundenpflege.i18n import N_, _
from kundenpflege.limits import MAX_DAYS, MAX_ROWS

if TYPE_CHECKING:
    from kundenpflege.storage.connection import Connection


@app.command(epilog=examples("kundenpflege due", "kundenpflege due --format csv > due.csv"))
def due(
    context: typer.Context,
    as_of: AsOf = None,
    days: Annotated[
        int, typer.Option(min=0, max=MAX_DAYS, help="Also show what is due in the next N days.")
    ] = 7,
    person: Annotated[
        str | None,
        typer.Option(
            help="Only contacts for this person of ours.", autocompletion=completes("people")
        ),
    ] = None,
    tag: Tag = None,
    tier: Tier = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
    limit: Limit = None,
) -> None:
    """Whom to contact, why, who of us, on which channel, and the last impression.

    Key dates coming within --days (birthdays, anniversaries) have rows of their own.
    """
    from kundenpflege.present import views
    from kundenpflege.reports import due as due_report

    today = today_or(as_of)
    with session(context).report(today, plans_only=True) as connection:
        known_person(connection, person)
        items, total = due_report.due(
            connection,
            today,
            days_ahead=days,
            person=person,
            tag=tag,
            tier=tier,
            limit=row_limit(limit, output, excel),
        )
    emit(views.due_report(items, total), output, excel=excel, wide=wide)


@app.command(
    epilog=examples("kundenpflege impressions --last 3", "kundenpflege impressions --mood negative")
)
def impressions(
    context: typer.Context,
    as_of: AsOf = None,
    last: Annotated[int, typer.Option(min=1, max=MAX_ROWS, help="Impressions per customer.")] = 3,
    customer: Annotated[
        str | None, typer.Option(help="Only this customer.", autocompletion=completes("customers"))
    ] = None,
    tag: Tag = None,
    tier: Tier = None,
    mood: Annotated[
        str | None,
        typer.Option(
            help="Only these moods: -1, -2..0, negative, positive.",
            autocompletion=completes("moods"),
        ),
    ] = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
    limit: Limit = None,
) -> None:
    """Recent impressions per customer, the freshest customers first.

    --limit counts customers, not rows.
    """
    from kundenpflege.domain import customers
    from kundenpflege.present import views
    from kundenpflege.reports import impressions as impressions_report

    today = today_or(as_of)
    moods = impressions_report.parse_mood_filter(mood) if mood else None
    with session(context).report(today, plans_only=True) as connection:
        customer_id = customers.find(connection, customer)["id"] if customer else None
        rows, more = impressions_report.recent(
            connection,
            today,
            last=last,
            customer_id=customer_id,
            tag=tag,
            tier=tier,
            moods=moods,
            limit=row_limit(limit, output, excel),
        )
    emit(views.impressions_report(rows, more), output, excel=excel, wide=wide)


@app.command(
    epilog=examples(
        "0 7 * * 1-5  /path/to/.venv/bin/kundenpflege --db /home/me/kunden.db remind",
        title=N_("Example crontab line (cron knows no PATH of yours: give both paths)"),
    )
)
def remind(
    context: typer.Context,
    as_of: AsOf = None,
    person: Annotated[
        str | None,
        typer.Option(help="Only this person's contacts.", autocompletion=completes("people")),
    ] = None,
    days: Annotated[
        int,
        typer.Option(
            min=0, max=MAX_DAYS, help="Also what comes in the next N days (a birthday, say)."
        ),
    ] = 0,
) -> None:
    """Plain-text digest of what is due today, grouped by our person; silent when nothing is.

    Key dates (birthdays, anniversaries) are in it on their day, or --days ahead.
    """
    from kundenpflege.present.digest import digest
    from kundenpflege.reports import due as due_report
    from kundenpflege.storage.db import newer_than_us

    today = today_or(as_of)
    # A newer journal is said only with something due: cron mails no warning alone.
    with session(context).report(today, plans_only=True, warn=False) as connection:
        known_person(connection, person)
        items, _total = due_report.due(connection, today, days_ahead=days, person=person)
        newer = newer_than_us(connection)
    sys.stdout.write(digest(items, today))
    if items and newer:
        say(_("Warning: {reason}; nothing was changed").format(reason=newer))


@app.command(epilog=examples("kundenpflege health", "kundenpflege health --tier A --format csv"))
def health(
    context: typer.Context,
    as_of: AsOf = None,
    tag: Tag = None,
    tier: Tier = None,
    person: Person = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
    limit: Limit = None,
) -> None:
    """Relationships at risk: a bad last impression, silence, a falling mood, too much contact.

    Each row says why, since when, and the next step (who, which channel).
    """
    from kundenpflege.domain import rhythm
    from kundenpflege.present import views
    from kundenpflege.reports import health as health_report

    today = today_or(as_of)
    with session(context).report(today) as connection:
        rows, total = health_report.at_risk(
            connection,
            today,
            default=rhythm.default_frequency(connection),
            tag=tag,
            tier=tier,
            person=person,
            limit=row_limit(limit, output, excel),
        )
    emit(views.health_report(rows, total), output, excel=excel, wide=wide)


@app.command(epilog=examples("kundenpflege fairness", "kundenpflege fairness --by band"))
def fairness(
    context: typer.Context,
    by: Annotated[str, typer.Option(help="Group by tier or value band.")] = "tier",
    window: Window = 365,
    as_of: AsOf = None,
    tag: Tag = None,
    tier: Tier = None,
    person: Person = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
) -> None:
    """Big versus small: contacts per customer, personal versus mass channels, overdue share."""
    from kundenpflege.present import charts, views
    from kundenpflege.reports import fairness as fairness_report

    today = today_or(as_of)
    with session(context).report(today) as connection:
        rows = fairness_report.fairness(
            connection, today, by=by, window_days=window, tag=tag, tier=tier, person=person
        )
    emit(views.fairness_report(rows, by, window_of(today, window)), output, excel=excel, wide=wide,
         picture=lambda width, glyphs: charts.fairness_figure(rows, width, glyphs))  # fmt: skip


@app.command(epilog=examples("kundenpflege value --flagged", "kundenpflege value --format csv"))
def value(
    context: typer.Context,
    flagged: Annotated[bool, typer.Option("--flagged", help="Only flagged customers.")] = False,
    window: Window = 365,
    as_of: AsOf = None,
    tag: Tag = None,
    tier: Tier = None,
    person: Person = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
    limit: Limit = None,
) -> None:
    """Lifetime value beside attention: high value heard from little, low value over-served."""
    from kundenpflege.present import views
    from kundenpflege.reports import value as value_report

    today = today_or(as_of)
    with session(context).report(today) as connection:
        rows, total = value_report.value(
            connection,
            today,
            window_days=window,
            tag=tag,
            tier=tier,
            person=person,
            flagged_only=flagged,
            limit=row_limit(limit, output, excel),
        )
    emit(views.value_report(rows, total, window_of(today, window)), output, excel=excel, wide=wide)


@app.command(epilog=examples("kundenpflege reactive", "kundenpflege reactive --window 90"))
def reactive(
    context: typer.Context,
    window: Window = 365,
    as_of: AsOf = None,
    tag: Tag = None,
    tier: Tier = None,
    person: Person = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
    limit: Limit = None,
) -> None:
    """Customers we only talk to when they come to us (often with a complaint)."""
    from kundenpflege.present import views
    from kundenpflege.reports import reactive as reactive_report

    today = today_or(as_of)
    with session(context).report(today) as connection:
        rows, total = reactive_report.reactive_only(
            connection,
            today,
            window_days=window,
            tag=tag,
            tier=tier,
            person=person,
            limit=row_limit(limit, output, excel),
        )
        overall = reactive_report.overall(
            connection, today, window, tag=tag, tier=tier, person=person
        )
    emit(
        views.reactive_report(rows, total, overall, window_of(today, window)),
        output,
        excel=excel,
        wide=wide,
    )


@app.command(epilog=examples("kundenpflege pulse", "kundenpflege pulse --period 7"))
def pulse(
    context: typer.Context,
    period: Annotated[
        int, typer.Option(min=1, max=MAX_DAYS, help="Days per period to compare.")
    ] = 30,
    as_of: AsOf = None,
    tag: Tag = None,
    tier: Tier = None,
    person: Person = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
) -> None:
    """The journal on one screen, this period against the one before: run it on Monday."""
    from kundenpflege.present import charts, views
    from kundenpflege.reports import pulse as pulse_report

    today = today_or(as_of)
    with session(context).report(today) as connection:
        rows = pulse_report.pulse(
            connection,
            today,
            period_days=period,
            tag=tag,
            tier=tier,
            person=person,
        )
    current = window_of(today, period)
    previous = window_of(today - timedelta(days=period), period)
    emit(views.pulse_report(rows, current, previous), output, excel=excel, wide=wide,
         picture=lambda width, glyphs: charts.pulse_figure(rows, width, glyphs))  # fmt: skip


def window_of(today: date, days: int) -> tuple[date, date]:
    """The first and last day a report with a window of `days` counts, for its title."""
    from kundenpflege.reports.tally import window

    return window(today, days)


def known_person(connection: "Connection", person: str | None) -> None:
    """A filter on a person who does not exist is a typo, not silence (a cron line)."""
    if person:
        from kundenpflege.domain import people

        people.find(connection, person)
