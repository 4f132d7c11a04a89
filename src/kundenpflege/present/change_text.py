"""What `undo` is about to reverse, in lines a person can check before saying yes."""

from collections.abc import Callable
from typing import Any

from kundenpflege.domain.undo import Entry, Plan
from kundenpflege.i18n import _, ngettext
from kundenpflege.storage import changelog

_WIDEST = 40  # a value shown in a change, cut beyond this


def describe(plan: Plan) -> list[str]:
    """A heading naming the change, then one line per row, or per kind of row."""
    when = changelog.when(plan.change)
    lines = [_("Undo '{command}' of {when}:").format(command=plan.change.command, when=when)]
    if plan.entries is None:
        lines += [
            f"  {_VERBS[operation](_NOUNS[table](count).format(count=count))}"
            for (table, operation), count in plan.counts.items()
        ]
    else:
        lines += [f"  {_entry(entry)}" for entry in plan.entries] or [
            "  " + _("(nothing you would see: only what it kept in step)")
        ]
    if plan.later:
        others = sorted({change.person or _("someone") for change in plan.later})
        lines.append(
            ngettext(
                "{count} later change, by {people}, stays as it is.",
                "{count} later changes, by {people}, stay as they are.",
                len(plan.later),
            ).format(count=len(plan.later), people=", ".join(others))
        )
    return lines


def done(plan: Plan) -> str:
    when = changelog.when(plan.change)
    return _("Undone: '{command}' of {when}.").format(command=plan.change.command, when=when)


def _entry(entry: Entry) -> str:
    thing = _THINGS[entry.table](entry.row, entry.customer or "")
    if entry.operation == "update":
        changes = ", ".join(
            f"{column} {_value(now)} → {_value(back)}"
            for column, (now, back) in entry.changed.items()
        )
        return _("change back {thing}: {changes}").format(thing=thing, changes=changes)
    return _VERBS[entry.operation](thing)


def _value(value: Any) -> str:
    text = "–" if value is None else str(value)
    return text if len(text) <= _WIDEST else text[: _WIDEST - 1] + "…"


_VERBS: dict[str, Callable[[str], str]] = {
    "insert": lambda thing: _("remove {thing}").format(thing=thing),
    "update": lambda thing: _("change back {thing}").format(thing=thing),
    "delete": lambda thing: _("bring back {thing}").format(thing=thing),
}
_THINGS: dict[str, Callable[[dict[str, Any], str], str]] = {
    "interactions": lambda row, customer: _(
        "interaction #{id} of {customer} ({day}, {kind})"
    ).format(id=row.get("id"), customer=customer, day=row.get("occurred_on"), kind=row.get("kind")),
    "followups": lambda row, customer: _("follow-up #{id} of {customer}: {what}").format(
        id=row.get("id"), customer=customer, what=_value(row.get("what"))
    ),
    "preferences": lambda row, customer: (
        _("the wish of a contact at {customer} stated {day}")
        if row.get("contact_id")
        else _("the wish of {customer} stated {day}")
    ).format(customer=customer, day=row.get("stated_on")),
    "customers": lambda row, customer: _("customer {customer}").format(customer=customer),
    "contacts": lambda row, customer: _("contact {name} of {customer}").format(
        name=row.get("name"), customer=customer
    ),
    "people": lambda row, customer: _("person {handle}").format(handle=row.get("handle")),
    "customer_tags": lambda row, customer: _("tag {tag} of {customer}").format(
        tag=row.get("tag"), customer=customer
    ),
    "settings": lambda row, customer: _("setting {key}").format(key=row.get("key")),
    "facts": lambda row, customer: _("fact #{id} of {customer}: {text}").format(
        id=row.get("id"), customer=customer, text=_value(row.get("text"))
    ),
    "key_dates": lambda row, customer: _("key date #{id} of {customer} ({kind} {day})").format(
        id=row.get("id"),
        customer=customer,
        kind=row.get("kind"),
        day=f"{row.get('year') or '-'}-{row.get('month_day')}",
    ),  # fmt: skip
}
_NOUNS: dict[str, Callable[[int], str]] = {
    "interactions": lambda n: ngettext("{count} interaction", "{count} interactions", n),
    "followups": lambda n: ngettext("{count} follow-up", "{count} follow-ups", n),
    "preferences": lambda n: ngettext("{count} wish", "{count} wishes", n),
    "customers": lambda n: ngettext("{count} customer", "{count} customers", n),
    "contacts": lambda n: ngettext("{count} contact", "{count} contacts", n),
    "people": lambda n: ngettext("{count} person", "{count} people", n),
    "customer_tags": lambda n: ngettext("{count} tag", "{count} tags", n),
    "settings": lambda n: ngettext("{count} setting", "{count} settings", n),
    "facts": lambda n: ngettext("{count} fact", "{count} facts", n),
    "key_dates": lambda n: ngettext("{count} key date", "{count} key dates", n),
}
