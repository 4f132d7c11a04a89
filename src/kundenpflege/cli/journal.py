"""What happened and what we promised: log, follow-ups."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from kundenpflege import clock, i18n, paths
from kundenpflege.cli.app import (
    Excel,
    Format,
    Handle,
    Limit,
    OutputFormat,
    Wide,
    app,
    at_terminal,
    completes,
    confirm,
    emit,
    examples,
    next_contact,
    row_limit,
    say,
    session,
)
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.limits import LARGEST_ID, MAX_EUR, MAX_NOTE_BYTES

Direction = Annotated[
    str | None,
    typer.Option(help="out: we reached out; in: they did.", autocompletion=completes("directions")),
]
followup_app = typer.Typer(no_args_is_help=True, help="Explicit promises with a due date.")
app.add_typer(followup_app, name="followup")
interaction_app = typer.Typer(
    no_args_is_help=True, help="Entries as logged: list, correct, delete."
)
app.add_typer(interaction_app, name="interaction")


@app.command(
    epilog=examples(
        'kundenpflege log mueller-bau --kind complaint --mood -1 --note "Lieferung zu spät"',
        "kundenpflege log mueller-bau --kind apology --channel visit --mood 1 --followup +2d",
    )
)
def log(
    context: typer.Context,
    handle: Handle,
    at: Annotated[
        str | None, typer.Option(metavar="DATE[ TIME]", help="When it happened (default: now).")
    ] = None,
    channel: Annotated[
        str | None,
        typer.Option(help="phone, email, visit, video...", autocompletion=completes("channels")),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="call, meeting, email, order, complaint, apology... (from the channel, else"
            " contact). What you learn is a fact: 'fact add'.",
            autocompletion=completes("kinds"),
        ),
    ] = None,
    direction: Direction = None,
    person: Annotated[
        str | None,
        typer.Option(
            help="Who of us (default: KUNDENPFLEGE_PERSON or your server login, else"
            " their choice).",
            autocompletion=completes("people"),
        ),
    ] = None,
    contact: Annotated[str | None, typer.Option(help="Their contact: name or e-mail.")] = None,
    mood: Annotated[
        int | None,
        typer.Option(
            min=-2,
            max=2,
            help="Impression from -2 (bad) to 2 (very good).",
            autocompletion=completes("moods"),
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option(help="What was said; '-' reads stdin; omitted: $EDITOR.")
    ] = None,
    followup: Annotated[
        str | None, typer.Option(metavar="DATE", help="Promise a follow-up, e.g. +2d.")
    ] = None,
    amount: Annotated[float | None, typer.Option(max=MAX_EUR, help="Order amount in EUR.")] = None,
    anyway: Annotated[
        bool, typer.Option("--anyway", help="Log a contact they asked not to have (it happened).")
    ] = False,
    purpose: Annotated[
        str | None,
        typer.Option(
            metavar="PURPOSE",
            help="Marketing: newsletter, email-marketing or phone-marketing (consent checked).",
            autocompletion=completes("purposes"),
        ),
    ] = None,
) -> None:
    """Log an interaction; any contact resets the customer's clock."""
    from kundenpflege.domain import customers, interactions, schedule
    from kundenpflege.domain.dates import is_offset, parse_date, parse_moment

    now = clock.now()
    moment = parse_moment(at, now) if at else now
    # A promise counts from the day of the conversation: "+2d" after a call last Monday.
    followup_on = parse_date(followup, moment.astimezone().date()) if followup is not None else None
    if kind is not None:
        from kundenpflege.domain import vocabulary

        vocabulary.kind(kind)  # `--kind note` is refused before anyone types a note
    state = session(context)
    with state.journal() as connection:
        customer = customers.find_changeable(connection, handle)
        # Ask for the note before taking the write lock: the editor may stay open a while.
        text = ask_note(note)
        try:
            logged = interactions.log(
                connection, customer["id"], at=moment, now=now, channel=channel, kind=kind,
                direction=direction, person=person or state.logging_person(connection),
                contact=contact, mood=mood, note=text,
                followup_on=followup_on, amount=amount, anyway=anyway, purpose=purpose,
                flexible=followup is not None and is_offset(followup),
            )  # fmt: skip
        except customers.CustomerGone:
            raise gone(customer["handle"], text, state.location) from None
        next_due = schedule.next_due(connection, customer["id"])
        # A contact with a wish of their own has a clock of their own.
        contact_due = logged.contact_id and schedule.next_due(
            connection, customer["id"], logged.contact_id
        )
    for notice in logged.notices:
        say(notice)
    parts = [_("Logged #{number} for {handle}").format(
        number=logged.interaction_id, handle=customer["handle"])]  # fmt: skip
    if next_due:
        parts.append(next_contact(next_due))
    if contact_due:
        parts.append(
            _("with {contact}: {plan}").format(contact=contact, plan=next_contact(contact_due))
        )
    if logged.followup_id and logged.followup_due:
        parts.append(_("follow-up #{number} due {day}").format(
            number=logged.followup_id, day=i18n.day(logged.followup_due)))  # fmt: skip
    say("; ".join(parts) + ".")


def ask_note(note: str | None) -> str | None:
    """--note TEXT, --note - (stdin, UTF-8), or the editor when typing at a terminal."""
    if note == "-":
        data = sys.stdin.buffer.read(MAX_NOTE_BYTES + 1)  # never more than a note may hold
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            if len(data) > MAX_NOTE_BYTES:  # cut inside a character: too long anyway
                return data.decode("utf-8", "ignore")
            raise KundenpflegeError(
                _(
                    "the note on stdin is not UTF-8 text (byte {position}); nothing was logged"
                ).format(position=error.start)
            ) from None
    if note is None and sys.stdin.isatty() and sys.stdout.isatty():
        from kundenpflege.cli.editor import write_note

        return write_note()
    return note


def gone(handle: str, text: str | None, journal: "Path | paths.Server") -> KundenpflegeError:
    """The customer was erased while the note was typed: say so, and keep the note."""
    if not text:
        return KundenpflegeError(
            _("customer '{handle}' was removed meanwhile; nothing was logged").format(handle=handle)
        )
    from kundenpflege.cli.editor import keep_note

    kept = keep_note(text, paths.local_folder(journal))
    return KundenpflegeError(
        _("customer '{handle}' was removed meanwhile; nothing was logged; your note is kept"
          " in {path}").format(handle=handle, path=kept)
    )  # fmt: skip


@followup_app.command(
    "add",
    epilog=examples('kundenpflege followup add mueller-bau "Angebot schicken" --due "next friday"'),
)
def followup_add(
    context: typer.Context,
    handle: Handle,
    what: Annotated[str, typer.Argument(help="What was promised.")],
    due_on: Annotated[str, typer.Option("--due", metavar="DATE", help="Due date, e.g. friday.")],
    person: Annotated[
        str | None,
        typer.Option(help="Who of us keeps the promise.", autocompletion=completes("people")),
    ] = None,
) -> None:
    """Record a promise with a due date."""
    from kundenpflege.domain import customers, followups
    from kundenpflege.domain.dates import is_offset, parse_date

    day = parse_date(due_on, clock.today())
    with session(context).journal(write=True) as connection:
        customer = customers.find_changeable(connection, handle)
        followup_id, day = followups.add(
            connection,
            customer["id"],
            what=what,
            promised_on=clock.today(),
            due_on=day,
            person_id=followups.person_id_for(connection, person),
            now=clock.now(),
            flexible=is_offset(due_on),
        )
    say(_("Follow-up #{number} for {handle} due {day}.").format(
        number=followup_id, handle=customer["handle"], day=i18n.day(day)))  # fmt: skip


FollowupId = Annotated[
    int,
    typer.Argument(
        metavar="NUMBER",
        min=1,
        max=LARGEST_ID,
        help="Number shown by 'followup list' and 'due'.",
        autocompletion=completes("followups"),
    ),
]


@followup_app.command("done", epilog=examples("kundenpflege followup done 3"))
def followup_done(context: typer.Context, followup_id: FollowupId) -> None:
    """Mark a promise as kept."""
    from kundenpflege.domain import followups

    with session(context).journal(write=True) as connection:
        followups.done(connection, followup_id, clock.now())
    say(_("Follow-up #{number} done.").format(number=followup_id))


@followup_app.command("snooze", epilog=examples("kundenpflege followup snooze 3 --until +1w"))
def followup_snooze(
    context: typer.Context,
    followup_id: FollowupId,
    until: Annotated[str, typer.Option(metavar="DATE", help="New due date.")],
) -> None:
    """Move a promise to a later day (the original date is kept)."""
    from kundenpflege.domain import followups
    from kundenpflege.domain.dates import parse_date

    today = clock.today()
    day = parse_date(until, today)
    with session(context).journal(write=True) as connection:
        followups.snooze(connection, followup_id, day, today)
    say(_("Follow-up #{number} moved to {day}.").format(number=followup_id, day=i18n.day(day)))


@followup_app.command("cancel", epilog=examples("kundenpflege followup cancel 3"))
def followup_cancel(context: typer.Context, followup_id: FollowupId) -> None:
    """Cancel a promise that no longer stands (kept for the record, gone from due)."""
    from kundenpflege.domain import followups

    with session(context).journal(write=True) as connection:
        followups.cancel(connection, followup_id)
    say(_("Follow-up #{number} cancelled.").format(number=followup_id))


@followup_app.command(
    "edit", epilog=examples('kundenpflege followup edit 3 --due "next friday" --text "Angebot"')
)
def followup_edit(
    context: typer.Context,
    followup_id: FollowupId,
    due_on: Annotated[
        str | None, typer.Option("--due", metavar="DATE", help="New due date.")
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="What was promised.")] = None,
) -> None:
    """Correct a promise: its due date or what was promised."""
    from kundenpflege.domain import followups
    from kundenpflege.domain.dates import parse_date

    day = parse_date(due_on, clock.today()) if due_on else None
    with session(context).journal(write=True) as connection:
        followups.edit(connection, followup_id, due_on=day, what=text)
    say(_("Follow-up #{number} corrected.").format(number=followup_id))


@followup_app.command("list", epilog=examples("kundenpflege followup list --customer mueller-bau"))
def followup_list(
    context: typer.Context,
    customer: Annotated[
        str | None, typer.Option(help="Only this customer.", autocompletion=completes("customers"))
    ] = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
) -> None:
    """List open promises by due date."""
    from kundenpflege.domain import customers, followups
    from kundenpflege.present import views

    with session(context).journal() as connection:
        customer_id = customers.find(connection, customer)["id"] if customer else None
        rows = followups.open_followups(connection, customer_id)
    emit(views.followups_report(rows), output, excel=excel, wide=wide)


InteractionId = Annotated[
    int,
    typer.Argument(
        metavar="NUMBER", min=1, max=LARGEST_ID, help="Number shown by 'interaction list'."
    ),
]


@interaction_app.command(
    "list", epilog=examples("kundenpflege interaction list mueller-bau --since 01.11.2026")
)
def interaction_list(
    context: typer.Context,
    handle: Annotated[
        str | None,
        typer.Argument(help="Only this customer.", autocompletion=completes("customers")),
    ] = None,
    since: Annotated[
        str | None, typer.Option(metavar="DATE", help="Only entries from this day on.")
    ] = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
    limit: Limit = None,
) -> None:
    """The entries as logged, newest first, each with its number for edit and delete."""
    from kundenpflege.domain import customers
    from kundenpflege.domain.dates import parse_date
    from kundenpflege.present import views
    from kundenpflege.reports.interaction_list import entries

    day = parse_date(since, clock.today()) if since else None
    with session(context).journal() as connection:
        customer_id = customers.find_changeable(connection, handle)["id"] if handle else None
        rows, total = entries(
            connection, customer_id=customer_id, since=day, limit=row_limit(limit, output, excel)
        )
    emit(views.interactions_report(rows, total), output, excel=excel, wide=wide)


@interaction_app.command(
    "edit",
    epilog=examples(
        "kundenpflege interaction edit 42 --direction in",
        'kundenpflege interaction edit 42 --at "16.11.2026 08:30" --mood -1',
    ),
)
def interaction_edit(
    context: typer.Context,
    interaction_id: InteractionId,
    at: Annotated[str | None, typer.Option(metavar="DATE[ TIME]", help="When it happened.")] = None,
    channel: Annotated[
        str | None,
        typer.Option(help="phone, email, visit, video...", autocompletion=completes("channels")),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(help="call, meeting, email, order...", autocompletion=completes("kinds")),
    ] = None,
    direction: Direction = None,
    person: Annotated[
        str | None,
        typer.Option(help="Who of us had the contact.", autocompletion=completes("people")),
    ] = None,
    contact: Annotated[
        str | None, typer.Option(help="Their contact: name or e-mail; 'none' clears it.")
    ] = None,
    mood: Annotated[
        int | None,
        typer.Option(
            min=-2, max=2, help="Impression from -2 to 2.", autocompletion=completes("moods")
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(help="The new note; '-' reads stdin; '+' opens $EDITOR on the old."),
    ] = None,
    amount: Annotated[float | None, typer.Option(max=MAX_EUR, help="Order amount in EUR.")] = None,
) -> None:
    """Correct a logged entry; options left out stay as they are."""
    from kundenpflege.domain import corrections, journal
    from kundenpflege.domain.dates import parse_moment

    now = clock.now()
    moment = parse_moment(at, now) if at else None
    with session(context).journal() as connection:
        old = corrections.entry(connection, interaction_id)
        text = ask_note(note) if note != "+" else edit_note(old["note"])
        with journal.change(connection):
            corrections.edit_interaction(
                connection, interaction_id, now=now, at=moment, channel=channel, kind=kind,
                direction=direction, person=person, contact=contact, mood=mood, note=text,
                amount=amount,
            )  # fmt: skip
    say(_("Corrected #{number} of {handle}.").format(number=interaction_id, handle=old["handle"]))


def edit_note(old: str | None) -> str | None:
    """The editor, opened on the note as it stands."""
    from kundenpflege.cli.editor import write_note

    return write_note(old)


@interaction_app.command("delete", epilog=examples("kundenpflege interaction delete 42 --yes"))
def interaction_delete(
    context: typer.Context,
    interaction_id: InteractionId,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask (scripts).")] = False,
) -> None:
    """Delete a logged entry, as if it had never been logged; reports follow at once."""
    from kundenpflege.domain import corrections, journal

    with session(context).journal() as connection:
        old = corrections.entry(connection, interaction_id)
        described = _("#{number} of {handle} on {day}: {kind}").format(
            number=interaction_id, handle=old["handle"], day=old["occurred_on"], kind=old["kind"]
        ) + (f' "{old["note"]}"' if old["note"] else "")
        confirm(
            yes,
            _("Delete {entry}?").format(entry=described),
            refusal=_(
                "deleting {entry} needs --yes when no one is at a terminal to confirm"
            ).format(entry=f"#{interaction_id}"),
            declined=_("nothing was deleted"),
        )
        with journal.change(connection):
            corrections.delete_interaction(connection, interaction_id)
    say(_("Deleted {entry}.").format(entry=described))


@app.command(epilog=examples("kundenpflege undo", "kundenpflege undo --yes"))
def undo(
    context: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask (scripts).")] = False,
) -> None:
    """Reverse your latest change to the journal, after showing it; again for the one before."""
    from kundenpflege.domain import undo as undoing
    from kundenpflege.present import change_text

    with session(context).journal() as connection:
        plan = undoing.plan(connection)
        if yes or at_terminal():
            for line in change_text.describe(plan):
                say(line)
        confirm(
            yes,
            _("Undo this?"),
            refusal=_("undoing '{command}' needs --yes when no one is at a terminal to"
                      " confirm").format(command=plan.change.command),
            declined=_("nothing was undone"),
        )  # fmt: skip
        undoing.undo(connection, plan.change.id)
    say(change_text.done(plan))
