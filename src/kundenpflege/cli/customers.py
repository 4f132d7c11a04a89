"""Customers, the people at their side and on ours, and what each customer wants."""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from kundenpflege import clock, i18n
from kundenpflege.cli.app import (
    AsOf,
    Excel,
    Format,
    Handle,
    Limit,
    OutputFormat,
    Tag,
    Tier,
    Wide,
    app,
    completes,
    confirm,
    data_format,
    emit,
    examples,
    next_contact,
    row_limit,
    say,
    session,
    today_or,
    utf8_output,
)
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _

if TYPE_CHECKING:
    from kundenpflege.domain.consent import Subject
    from kundenpflege.storage.connection import Connection
from kundenpflege.limits import MAX_EUR

contact_app = typer.Typer(no_args_is_help=True, help="People at a customer's side.")
app.add_typer(contact_app, name="contact")

person_app = typer.Typer(no_args_is_help=True, help="People on our side.")
app.add_typer(person_app, name="person")


@app.command(
    epilog=examples(
        'kundenpflege add mueller-bau --name "Müller Bau GmbH" --tier A --value 24000 --tag bau'
    )
)
def add(
    context: typer.Context,
    handle: Annotated[str, typer.Argument(help="Short unique handle, e.g. mueller-bau.")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the handle).")] = None,
    company: Annotated[str | None, typer.Option(help="Company.")] = None,
    tier: Annotated[str | None, typer.Option(help="Tier: A/B/C or your own word.")] = None,
    value: Annotated[float | None, typer.Option(max=MAX_EUR, help="Annual value in EUR.")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Tag (repeat or comma-separate).")] = None,
    status: Annotated[str, typer.Option(help="active, prospect, paused or former.")] = "active",
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="Customer since (default: today).")
    ] = None,
) -> None:
    """Add a customer."""
    from kundenpflege.domain import customers
    from kundenpflege.domain.dates import parse_date

    start = parse_date(since, clock.today()) if since else clock.today()
    with session(context).journal(write=True) as connection:
        customer_id = customers.add(
            connection,
            handle=handle,
            name=name or handle,
            company=company,
            tier=tier,
            annual_value=value,
            tags=tag or [],
            status=status,
            since=start,
            now=clock.now(),
        )
        warnings = customers.lookalikes(connection, customer_id)
    say(_("Added customer {handle}.").format(handle=handle))
    for warning in warnings:
        say(warning)


@app.command(epilog=examples("kundenpflege edit mueller-bau --tier B --tag stammkunde"))
def edit(
    context: typer.Context,
    handle: Handle,
    name: Annotated[str | None, typer.Option(help="New display name.")] = None,
    company: Annotated[str | None, typer.Option(help="New company.")] = None,
    tier: Annotated[str | None, typer.Option(help="New tier.")] = None,
    value: Annotated[
        float | None, typer.Option(max=MAX_EUR, help="New annual value in EUR.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Add a tag.")] = None,
    untag: Annotated[list[str] | None, typer.Option(help="Remove a tag.")] = None,
    status: Annotated[str | None, typer.Option(help="active, prospect, paused, former.")] = None,
    since: Annotated[str | None, typer.Option(metavar="DATE", help="Customer since.")] = None,
) -> None:
    """Change a customer's details; options left out stay as they are."""
    from kundenpflege.domain import customers
    from kundenpflege.domain.dates import parse_date

    changes: dict[str, object] = {
        field: new
        for field, new in (
            ("name", name),
            ("company", company),
            ("tier", tier),
            ("annual_value", value),
            ("status", status),
        )
        if new is not None
    }
    if since:
        changes["customer_since"] = parse_date(since, clock.today()).isoformat()
    if not changes and not tag and not untag:
        raise KundenpflegeError(_("nothing to change; see 'kundenpflege edit --help'"))
    with session(context).journal(write=True) as connection:
        customer = customers.find_changeable(connection, handle)
        customers.edit(connection, customer["id"], changes)
        customers.set_tags(connection, customer["id"], add=tag or [], remove=untag or [])
    say(_("Updated {handle}.").format(handle=customer["handle"]))


@app.command(
    "list",
    epilog=examples("kundenpflege list --tier A", "kundenpflege list --format csv > kunden.csv"),
)
def list_command(
    context: typer.Context,
    tag: Tag = None,
    tier: Tier = None,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
    limit: Limit = None,
) -> None:
    """List customers by handle."""
    from kundenpflege.present import views
    from kundenpflege.reports.customer_list import list_customers

    with session(context).journal() as connection:
        rows, total = list_customers(
            connection,
            tag=tag,
            tier=tier,
            status=status,
            limit=row_limit(limit, output, excel),
        )
    emit(views.customers_report(rows, total), output, excel=excel, wide=wide)


@app.command(epilog=examples("kundenpflege show mueller-bau"))
def show(
    context: typer.Context,
    handle: Handle,
    as_of: AsOf = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
) -> None:
    """Profile, contacts, current and past preferences, open follow-ups, timeline.

    With --format csv the timeline is written as rows; json gives everything.
    """
    from kundenpflege.domain import customers
    from kundenpflege.present import views
    from kundenpflege.reports import profile

    output = data_format(output, excel)
    today = today_or(as_of)
    with session(context).report(today, customer=handle) as connection:
        found = profile.profile(connection, customers.find(connection, handle), today)
    if output is OutputFormat.json:
        import dataclasses

        from kundenpflege.present import render

        utf8_output()
        render.write_json([dataclasses.asdict(found)], sys.stdout)
    elif output is OutputFormat.csv:
        emit(views.impressions_report(found.timeline, more=False), output, excel=excel)
    else:
        from kundenpflege.present.charts import glyphs_for
        from kundenpflege.present.show_text import profile_text, wrapped

        glyphs = glyphs_for(sys.stdout.encoding)
        if sys.stdout.isatty():  # a terminal: long lines broken between words
            import shutil

            width = shutil.get_terminal_size().columns
            shown = wrapped(profile_text(found, today, glyphs, width), width)
        else:
            shown = profile_text(found, today, glyphs)
        sys.stdout.write(shown)


@contact_app.command(
    "add",
    epilog=examples('kundenpflege contact add mueller-bau "Petra Müller" --role Einkauf --main'),
)
def contact_add(
    context: typer.Context,
    handle: Handle,
    name: Annotated[str, typer.Argument(help="The contact's name.")],
    role: Annotated[str | None, typer.Option(help="Role, e.g. Einkauf.")] = None,
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    phone: Annotated[str | None, typer.Option(help="Phone number.")] = None,
    main: Annotated[bool, typer.Option("--main", help="Make this the main contact.")] = False,
) -> None:
    """Add a person at the customer."""
    from kundenpflege.domain import contacts, customers

    with session(context).journal(write=True) as connection:
        customer = customers.find_changeable(connection, handle)
        contacts.add(
            connection,
            customer["id"],
            name=name,
            role=role,
            email=email,
            phone=phone,
            main=main,
            now=clock.now(),
        )
    say(_("Added contact {name} at {handle}.").format(name=name, handle=customer["handle"]))


ContactOf = Annotated[
    str,
    typer.Argument(
        metavar="HANDLE/CONTACT",
        help="The customer and the contact there.",
        autocompletion=completes("contacts"),
    ),
]


@contact_app.command(
    "edit", epilog=examples('kundenpflege contact edit "mueller-bau/Petra Müller" --role Einkauf')
)
def contact_edit(
    context: typer.Context,
    whom: ContactOf,
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    role: Annotated[str | None, typer.Option(help="New role.")] = None,
    email: Annotated[str | None, typer.Option(help="New e-mail address.")] = None,
    phone: Annotated[str | None, typer.Option(help="New phone number.")] = None,
    main: Annotated[bool, typer.Option("--main", help="Make this the main contact.")] = False,
) -> None:
    """Correct a person at a customer; options left out stay as they are."""
    from kundenpflege.domain import consent, contacts

    with session(context).journal(write=True) as connection:
        who = _contact_of(connection, whom)
        contacts.edit(connection, who.customer["id"], who.contact_id or 0, name=name, role=role,
                      email=email, phone=phone, main=main)  # fmt: skip
    say(_("Corrected {whom}.").format(whom=consent.describe(who)))


@contact_app.command(
    "remove", epilog=examples('kundenpflege contact remove "mueller-bau/Petra Müller" --yes')
)
def contact_remove(
    context: typer.Context,
    whom: ContactOf,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask (scripts).")] = False,
) -> None:
    """Remove a person who left; their conversations keep their text, the link goes."""
    from kundenpflege.domain import consent, contacts

    with session(context).journal(write=True) as connection:
        who = _contact_of(connection, whom)
        facts, dates = contacts.belongings(connection, who.contact_id or 0)
        also = (
            _(" (with {facts} facts and {dates} key dates of theirs)").format(
                facts=facts, dates=dates
            )
            if facts or dates
            else ""
        )
        confirm(
            yes,
            _("Remove {whom}?").format(whom=consent.describe(who) + also),
            refusal=_("removing {whom} needs --yes when no one is at a terminal to confirm").format(
                whom=consent.describe(who)
            ),
            declined=_("nothing was removed"),
        )
        contacts.remove(connection, who.customer["id"], who.contact_id or 0)
    say(_("Removed {whom}.").format(whom=consent.describe(who) + also))
    if also:
        say(_("'kundenpflege undo' brings them back while it is the latest change."))


def _contact_of(connection: "Connection", whom: str) -> "Subject":
    from kundenpflege.domain import consent

    who = consent.subject(connection, whom)
    if who.contact_id is None:
        raise KundenpflegeError(
            _("name the contact as HANDLE/CONTACT, e.g. 'mueller-bau/Petra Müller'")
        )
    return who


@contact_app.command("list", epilog=examples("kundenpflege contact list mueller-bau"))
def contact_list(
    context: typer.Context,
    handle: Handle,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
) -> None:
    """List the people at a customer, main contact first."""
    from kundenpflege.domain import contacts, customers
    from kundenpflege.present import views

    with session(context).journal() as connection:
        rows = contacts.of_customer(connection, customers.find_changeable(connection, handle)["id"])
    emit(views.contacts_report(rows), output, excel=excel, wide=wide)


@person_app.command("add", epilog=examples('kundenpflege person add anna --name "Anna Schmidt"'))
def person_add(
    context: typer.Context,
    handle: Annotated[str, typer.Argument(help="Short handle, e.g. anna.")],
    name: Annotated[str | None, typer.Option(help="Full name.")] = None,
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
) -> None:
    """Add someone on our side who may be a customer's chosen contact."""
    from kundenpflege.domain import people

    with session(context).journal(write=True) as connection:
        people.add(connection, handle, name, email, clock.now())
    say(_("Added {handle}.").format(handle=handle))


@person_app.command("edit", epilog=examples('kundenpflege person edit anna --name "Anna Berg"'))
def person_edit(
    context: typer.Context,
    handle: Annotated[
        str, typer.Argument(help="Their handle.", autocompletion=completes("people"))
    ],
    name: Annotated[str | None, typer.Option(help="New full name.")] = None,
    email: Annotated[str | None, typer.Option(help="New e-mail address.")] = None,
) -> None:
    """Correct the name or e-mail of someone on our side."""
    from kundenpflege.domain import people

    with session(context).journal(write=True) as connection:
        people.edit(connection, handle, name=name, email=email)
    say(_("Corrected {handle}.").format(handle=handle))


@person_app.command("rename", epilog=examples("kundenpflege person rename lnea lena"))
def person_rename(
    context: typer.Context,
    old: Annotated[
        str, typer.Argument(help="The handle as it is.", autocompletion=completes("people"))
    ],
    new: Annotated[str, typer.Argument(help="The handle it should be.")],
) -> None:
    """Give someone on our side another handle; every reference follows."""
    from kundenpflege.domain import people

    with session(context).journal(write=True) as connection:
        people.rename(connection, old, new)
    say(_("Renamed {old} to {new}.").format(old=old, new=new))


@person_app.command("remove", epilog=examples("kundenpflege person remove ben --reassign anna"))
def person_remove(
    context: typer.Context,
    handle: Annotated[str, typer.Argument(help="Who left.", autocompletion=completes("people"))],
    reassign: Annotated[
        str,
        typer.Option(
            metavar="HANDLE",
            help="Who takes over their customers and promises.",
            autocompletion=completes("people"),
        ),
    ],
) -> None:
    """Someone who left: their customers and open promises move on; past contacts stay theirs."""
    from kundenpflege.domain import people

    with session(context).journal(write=True) as connection:
        people.remove(connection, handle, reassign, clock.now())
    say(_("{handle} has left; {other} takes over.").format(handle=handle, other=reassign))


@person_app.command("list", epilog=examples("kundenpflege person list"))
def person_list(
    context: typer.Context,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
) -> None:
    """List the people on our side."""
    from kundenpflege.domain import people
    from kundenpflege.present import views

    with session(context).journal() as connection:
        rows = people.all_people(connection)
    emit(views.people_report(rows), output, excel=excel, wide=wide)


@app.command(
    epilog=examples(
        'kundenpflege prefer mueller-bau --person anna --channel phone --every "alle 2 Wochen"',
        'kundenpflege prefer "mueller-bau/Hans Berg" --channel email --every quarterly',
    )
)
def prefer(
    context: typer.Context,
    whom: Annotated[
        str,
        typer.Argument(
            metavar="HANDLE[/CONTACT]",
            help="The customer, or one contact there (their wish overrides the customer's).",
            autocompletion=completes("customers_or_contacts"),
        ),
    ],
    person: Annotated[
        str | None,
        typer.Option(help="Who of us they want to hear from.", autocompletion=completes("people")),
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            help="phone, email, visit, video, letter, messenger, x-NAME.",
            autocompletion=completes("channels"),
        ),
    ] = None,
    every: Annotated[
        str | None,
        typer.Option(
            metavar="FREQ",
            help="How often, e.g. 'alle 2 Wochen'.",
            autocompletion=completes("rhythms"),
        ),
    ] = None,
    days: Annotated[str | None, typer.Option(help="Preferred weekdays, e.g. di,do.")] = None,
    time: Annotated[str | None, typer.Option(help="Time of day, e.g. vormittags, 14:00.")] = None,
    maximum: Annotated[
        str | None,
        typer.Option(
            "--max",
            metavar="FREQ",
            help="Not more often than this.",
            autocompletion=completes("rhythms"),
        ),
    ] = None,
    source: Annotated[str | None, typer.Option(help="How they said it.")] = None,
    said: Annotated[
        str | None, typer.Option(metavar="DATE", help="When they said it (default: today).")
    ] = None,
    do_not_contact: Annotated[
        bool | None,
        typer.Option("--do-not-contact/--may-contact", help="They asked not to be contacted."),
    ] = None,
) -> None:
    """Record what the customer said they prefer; options left out keep their value.

    'none' clears an option. Each statement is kept; 'show' lists the history. A
    contact with a wish of their own has their own next due day: only a contact
    logged with them (--contact) resets it.
    """
    from kundenpflege.domain import journal, preferences, schedule
    from kundenpflege.domain.consent import subject
    from kundenpflege.domain.dates import parse_date

    stated_on = parse_date(said, clock.today()) if said else clock.today()
    wishes = preferences.Wishes(person, channel, every, days, time, maximum, do_not_contact)
    with session(context).journal() as connection:
        with journal.change(connection):
            # preferences.state refuses a restricted customer unless they say stop.
            whose = subject(connection, whom)
            later = preferences.state(
                connection, whose.customer["id"], wishes, stated_on=stated_on, source=source,
                now=clock.now(), contact_id=whose.contact_id,
            )  # fmt: skip
        next_due = schedule.next_due(connection, whose.customer["id"], whose.contact_id)
    plan = next_contact(next_due) if next_due else _("not to be contacted")
    name = whose.customer["handle"] + (f"/{whose.contact_name}" if whose.contact_name else "")
    if later:
        say(_("Warning: what {handle} said on {later} stays in force; this statement counts"
              " for the days before it.").format(handle=name, later=i18n.day(later)))  # fmt: skip
    say(_("Recorded the preference of {handle}; {plan}.").format(handle=name, plan=plan))


@app.command(epilog=examples("kundenpflege pause mueller-bau --until 15.01.2027"))
def pause(
    context: typer.Context,
    handle: Handle,
    until: Annotated[str, typer.Option(metavar="DATE", help="No contact before this day.")],
) -> None:
    """Pause contact with a customer until a given day (holidays, busy season)."""
    from kundenpflege.domain import customers, preferences
    from kundenpflege.domain.dates import parse_date

    day = parse_date(until, clock.today())
    with session(context).journal(write=True) as connection:
        customer = customers.find_changeable(connection, handle)
        preferences.pause(connection, customer["id"], day, now=clock.now())
    say(_("Paused {handle} until {day}.").format(handle=customer["handle"], day=i18n.day(day)))
