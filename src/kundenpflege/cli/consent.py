"""Consent for marketing contact and the data rights (GDPR)."""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from kundenpflege import clock
from kundenpflege.cli.app import (
    AsOf,
    Excel,
    Format,
    OutputFormat,
    Wide,
    app,
    completes,
    emit,
    examples,
    say,
    session,
    today_or,
    utf8_output,
)
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _, ngettext

if TYPE_CHECKING:
    from kundenpflege.reports.consent_valid import Unreachable

consent_app = typer.Typer(no_args_is_help=True, help="The consent ledger for marketing contact.")
app.add_typer(consent_app, name="consent")

gdpr_app = typer.Typer(no_args_is_help=True, help="Data rights: access, erasure, restriction.")
app.add_typer(gdpr_app, name="gdpr")


Whom = Annotated[
    str,
    typer.Argument(
        metavar="HANDLE[/CONTACT]",
        help="Customer, or one contact there.",
        autocompletion=completes("customers_or_contacts"),
    ),
]


Purpose = Annotated[
    str,
    typer.Option(
        help="newsletter, email-marketing or phone-marketing.",
        show_default=False,
        autocompletion=completes("purposes"),
    ),
]


Evidence = Annotated[
    str | None, typer.Option(help="How it was given, e.g. 'form on website, IP ...'.")
]


def record_consent(context: typer.Context, whom: str, action: str, purpose: str,
                   evidence: str | None) -> None:  # fmt: skip
    from kundenpflege.domain import consent

    with session(context).journal(write=True) as connection:
        who = consent.subject(connection, whom)
        state = consent.record(
            connection, who, action=action, purpose=purpose, evidence=evidence, now=clock.now()
        )
    say(_("{purpose} consent of {whom}: {state}.").format(
        purpose=_(purpose), whom=consent.describe(who), state=_(state)))  # fmt: skip


@consent_app.command(
    "grant",
    epilog=examples(
        'kundenpflege consent grant mueller-bau --purpose newsletter --evidence "form 2026-11-25"'
    ),
)
def consent_grant(context: typer.Context, whom: Whom, purpose: Purpose,
                  evidence: Evidence = None) -> None:  # fmt: skip
    """Record that consent was given (the first step of double opt-in)."""
    record_consent(context, whom, "grant", purpose, evidence)


@consent_app.command(
    "confirm",
    epilog=examples('kundenpflege consent confirm "mueller-bau/Petra Müller" --purpose newsletter'),
)
def consent_confirm(context: typer.Context, whom: Whom, purpose: Purpose,
                    evidence: Evidence = None) -> None:  # fmt: skip
    """Record the confirmation of a grant (double opt-in complete)."""
    record_consent(context, whom, "confirm", purpose, evidence)


@consent_app.command(
    "withdraw",
    epilog=examples(
        'kundenpflege consent withdraw mueller-bau --purpose newsletter --evidence "Anruf"'
    ),
)
def consent_withdraw(context: typer.Context, whom: Whom, purpose: Purpose,
                     evidence: Evidence = None) -> None:  # fmt: skip
    """Record that consent was withdrawn."""
    record_consent(context, whom, "withdraw", purpose, evidence)


@consent_app.command(
    "list",
    epilog=examples(
        "kundenpflege consent list mueller-bau",
        "kundenpflege consent list --valid --purpose newsletter --format csv > newsletter.csv",
    ),
)
def consent_list(
    context: typer.Context,
    handle: Annotated[
        str | None,
        typer.Argument(help="Only this customer.", autocompletion=completes("customers")),
    ] = None,
    valid: Annotated[
        bool,
        typer.Option(
            "--valid",
            help="Only the people whose consent for --purpose is confirmed and not withdrawn"
            " (today or --as-of): name, e-mail, customer, when, evidence.",
        ),
    ] = False,
    purpose: Annotated[
        str | None,
        typer.Option(
            help="Only this purpose: newsletter, email-marketing or phone-marketing.",
            autocompletion=completes("purposes"),
        ),
    ] = None,
    as_of: AsOf = None,
    output: Format = OutputFormat.table,
    excel: Excel = False,
    wide: Wide = False,
) -> None:
    """The whole ledger, oldest first: every grant, confirmation and withdrawal.

    With --valid --purpose: who may be contacted for it, ready for a newsletter platform;
    people who asked not to be contacted and restricted customers are left out.
    """
    from kundenpflege.domain import consent, customers
    from kundenpflege.present import views

    if purpose is not None:
        consent.check_purpose(purpose)
    if valid and purpose is None:
        raise KundenpflegeError(
            _("--valid needs --purpose: newsletter, email-marketing or phone-marketing")
        )
    day = today_or(as_of)
    unreachable: list[Unreachable] = []
    with session(context).journal() as connection:
        customer_id = customers.find(connection, handle)["id"] if handle else None
        if valid and purpose:
            from kundenpflege.reports.consent_valid import valid as valid_consent

            people, unreachable = valid_consent(connection, purpose, day, customer_id)
            report = views.valid_consent_report(people, purpose)
        else:
            until = day if as_of is not None else None
            rows = consent.ledger(connection, customer_id, purpose=purpose, until=until)
            report = views.consent_report(rows)
    emit(report, output, excel=excel, wide=wide)
    if unreachable:
        whom = ", ".join(f"{person.customer}/{person.name}" for person in unreachable)
        message = (
            ngettext("Left out {count} without a phone number: {whom}",
                     "Left out {count} without a phone number: {whom}", len(unreachable))
            if purpose == "phone-marketing"
            else ngettext("Left out {count} without an e-mail address: {whom}",
                          "Left out {count} without an e-mail address: {whom}", len(unreachable))
        )  # fmt: skip
        say(message.format(count=len(unreachable), whom=whom))


Subject = Annotated[
    str,
    typer.Argument(
        metavar="HANDLE[/CONTACT]",
        help="Customer, or one person there.",
        autocompletion=completes("customers_or_contacts"),
    ),
]


@gdpr_app.command("export", epilog=examples("kundenpflege gdpr export mueller-bau > auskunft.json"))
def gdpr_export(context: typer.Context, subject: Subject) -> None:
    """Everything stored about a customer or a person there, as JSON (access request)."""
    import json

    from kundenpflege.domain import gdpr

    with session(context).journal() as connection:
        found = gdpr.subjects(connection, subject)
        data = [gdpr.access(connection, who, clock.now()) for who in found]
    # One person at one customer: their document; at several: one document each.
    utf8_output()
    json.dump(data[0] if len(data) == 1 else data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


@gdpr_app.command(
    "forget",
    epilog=examples(
        "kundenpflege gdpr forget mueller-bau --yes",
        'kundenpflege gdpr forget "mueller-bau/Petra Müller" --yes',
    ),
)
def gdpr_forget(
    context: typer.Context,
    subject: Subject,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: this cannot be undone.")] = False,
    by: Annotated[
        str | None,
        typer.Option(help="Who of us erased it (for the log).", autocompletion=completes("people")),
    ] = None,
) -> None:
    """Erase a customer or a person there for good; only an erasure log entry remains."""
    from kundenpflege.domain import consent, gdpr
    from kundenpflege.storage import catalogue, schema
    from kundenpflege.storage.maintenance import copies, vacuum

    if not yes:
        raise KundenpflegeError(_("erasure cannot be undone; add --yes to confirm"))
    state = session(context)
    with state.journal() as connection:
        by = by if by is not None else state.logging_person(connection)  # as `log` says who
        on_server = catalogue.on_server(connection)
        replicated = not on_server and schema.replicated(connection)
        try:
            found = gdpr.subjects(connection, subject)
        except KundenpflegeError:
            if not gdpr.forget_removed(connection, subject, clock.now(), by):
                raise
            found = []
            say(_("Erased {whom}: removed before, kept only for undo; now gone from there"
                  " too.").format(whom=subject))  # fmt: skip
        for who in found:
            label = consent.describe(who)
            removed = gdpr.forget(connection, who, clock.now(), by)
            say(ngettext("Erased {whom}: {count} row removed.",
                         "Erased {whom}: {count} rows removed.",
                         removed).format(whom=label, count=removed))  # fmt: skip
        left_to_owner = vacuum(connection) if on_server else None
    if left_to_owner:
        say(_("Old row versions on the server still hold the erased words until the"
              " journal's owner runs: {statement}").format(statement=left_to_owner))  # fmt: skip
    earlier = [] if on_server else copies(state.path)
    if earlier:
        say(_("These copies were made before and still hold them: {paths}").format(
            paths=", ".join(str(path) for path in earlier)))  # fmt: skip
    if replicated:
        say(_("Litestream replicates this journal: its replica keeps the erased words until"
              " its retention ends, and while it runs the journal's WAL keeps them until its"
              " next checkpoint; docs/replication.md says how to purge them."))  # fmt: skip


@gdpr_app.command("restrict", epilog=examples("kundenpflege gdpr restrict mueller-bau"))
def gdpr_restrict(
    context: typer.Context,
    subject: Subject,
    lift: Annotated[bool, typer.Option("--lift", help="End the restriction.")] = False,
) -> None:
    """Keep a customer's data but leave it out of every report and export (Art. 18).

    A contact's e-mail or name restricts the customers they are a contact of.
    """
    from kundenpflege.domain import gdpr

    with session(context).journal(write=True) as connection:
        handles = {}
        for who in gdpr.subjects(connection, subject):
            handles[who.customer["handle"]] = who.customer["id"]
        for customer_id in handles.values():
            gdpr.restrict(connection, customer_id, not lift, clock.now())
    done = _("Lifted the restriction of {handle}.") if lift else _("Restricted {handle}.")
    for handle in handles:
        say(done.format(handle=handle))
