"""Relationships at risk: the last impression, a falling mood, too much contact, silence.

Each kind of risk is a date stored on the customer row (see `signals.risks`) with
its own index, so the report reads a few index ranges, not the whole journal.
"""

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, timedelta

from kundenpflege.domain.dates import Frequency, from_iso, parse_frequency
from kundenpflege.domain.vocabulary import label
from kundenpflege.i18n import N_, _, day, ngettext, signed
from kundenpflege.limits import limit_clause
from kundenpflege.reports.due import CONTACT_JOINS, flat
from kundenpflege.reports.filters import filter_clause
from kundenpflege.storage.connection import Connection, Row

# Worst first. Condition, ordering column, and the "since" date of each kind.
REASONS = {
    "negative-last-impression": ("c.negative_since IS NOT NULL", "c.negative_since"),
    "falling-mood": ("c.falling_since IS NOT NULL", "c.falling_since"),
    "over-contacted": ("c.over_contact_until > :today", "c.over_contact_until"),
    "silent": ("c.silent_from <= :today", "c.silent_from"),
}
AGAINST_WISH = "against-their-wish"  # a contact of ours that went against their wish
KINDS = (*REASONS, AGAINST_WISH)
NEXT_STEPS = {
    "negative-last-impression": N_("apologise or put it right, then log it"),
    "falling-mood": N_("ask what has changed"),
    "silent": N_("get in touch"),
}


@dataclass(frozen=True)
class Risk:
    handle: str
    name: str
    reason: str
    detail: str
    since: date | None
    next_step: str
    person: str | None
    channel: str | None
    contact: str | None = None  # a contact at the customer with a wish of their own


_COLUMNS = (
    "SELECT c.handle, c.name, c.last_interaction_on, c.last_mood, c.last_kind, c.mood_trend,"
    " c.outbound_gap_days, c.last_outbound_on, c.over_contact_until, p.frequency,"
    " p.max_frequency, coalesce(p.do_not_contact, 0) AS do_not_contact, p.channel,"
    " pe.handle AS person, i.note AS last_note, NULL AS contact"
)
_JOINS = (
    " FROM customers c LEFT JOIN preferences p ON p.id = c.preference_id"
    " LEFT JOIN people pe ON pe.id = p.person_id"
)


def _risk(reason: str, row: Row, today: date, default: Frequency) -> Risk:
    last_on = from_iso(row["last_interaction_on"])
    since, step = last_on, _(NEXT_STEPS[reason]) if reason in NEXT_STEPS else ""
    if reason == "negative-last-impression":
        detail = _("mood {mood}: {what}").format(
            mood=f"{row['last_mood']:+d}", what=flat(row["last_note"]) or row["last_kind"]
        )
    elif reason == "falling-mood":
        detail = _("recent moods {drop} below earlier ones").format(
            drop=signed(round(row["mood_trend"], 1))
        )
    elif reason == "over-contacted":
        detail = ngettext(
            "two contacts {days} day apart; maximum {maximum}",
            "two contacts {days} days apart; maximum {maximum}",
            row["outbound_gap_days"],
        ).format(
            days=row["outbound_gap_days"],
            maximum=parse_frequency(row["max_frequency"]).describe(),
        )
        until = date.fromisoformat(row["over_contact_until"])
        since = until - parse_frequency(row["max_frequency"]).delta  # the contact too many
        step = _("hold back until {day}").format(day=day(until))
    else:
        rhythm = (parse_frequency(row["frequency"]) if row["frequency"] else default).describe()
        detail = (
            ngettext(
                "no contact for {days} day; they want {rhythm}",
                "no contact for {days} days; they want {rhythm}",
                (today - last_on).days,
            ).format(days=(today - last_on).days, rhythm=rhythm)
            if last_on
            else _("never contacted; they want {rhythm}").format(rhythm=rhythm)
        )
    if row["do_not_contact"]:
        step = _("do not contact: they asked not to be")
    return Risk(row["handle"], row["name"], reason, detail, since, step, row["person"],
                row["channel"], row["contact"])  # fmt: skip


def at_risk(
    connection: Connection,
    today: date,
    *,
    default: Frequency,
    tag: str | None = None,
    tier: str | None = None,
    person: str | None = None,
    limit: int | None = None,
    kinds: Container[str] | None = None,
) -> tuple[list[Risk], int]:
    """Every risk of every current customer, worst kind first, longest-standing first;
    `kinds` picks reasons (the Monday page lists the over-contacted apart)."""
    where, parameters = filter_clause(tag, tier)
    if person:
        where += " AND pe.handle = ?"
        parameters.append(person)
    # Named :today and positional filters do not mix; bind today by position too.
    found: list[Risk] = []
    total = 0
    for reason, (condition, order) in REASONS.items():
        if kinds is not None and reason not in kinds:
            continue
        condition_sql = condition.replace(":today", "?")
        bound = [today.isoformat()] if ":today" in condition else []
        # Counting needs the preference joins only to filter by our person.
        joins = _JOINS if person else " FROM customers c"
        total += connection.execute(
            f"SELECT count(*){joins} WHERE {condition_sql}{where}", [*bound, *parameters]
        ).fetchone()[0]
        wanted = None if limit is None else max(limit - len(found), 0)
        if wanted == 0:
            continue
        cut, cut_parameters = limit_clause(wanted)
        rows = connection.execute(
            f"{_COLUMNS}{_JOINS} LEFT JOIN interactions i ON i.id = c.last_interaction_id"
            f" AND c.negative_since IS NOT NULL WHERE {condition_sql}{where}"
            f" ORDER BY {order}, c.id{cut}",
            [*bound, *parameters, *cut_parameters],
        )
        found.extend(_risk(reason, row, today, default) for row in rows)
    # Contacts with wishes of their own, then contacts of ours against a wish.
    for reason, more in (("silent", _silent_contacts), (AGAINST_WISH, _against_their_wish)):
        if kinds is not None and reason not in kinds:
            continue
        wanted = None if limit is None else max(limit - len(found), 0)
        risks, count = more(connection, today, default, (tag, tier, person), wanted)
        found += risks
        total += count
    return found, total


Selection = tuple[str | None, str | None, str | None]  # tag, tier, our person


def _against_their_wish(
    connection: Connection,
    today: date,
    _default: Frequency,
    selection: Selection,
    wanted: int | None,
) -> tuple[list[Risk], int]:
    """Contacts of ours in the last 90 days that went against the wish in force that
    day: what, when, by whom (`--person` picks whoever made them), newest first."""
    from kundenpflege.domain import preferences, wishes

    tag, tier, person = selection
    chosen, parameters = filter_clause(tag, tier)
    window = [(today - timedelta(days=wishes.RECENT_DAYS)).isoformat(), today.isoformat()]
    days = " WHERE b.occurred_on > ? AND b.occurred_on <= ?"
    joins = (
        " JOIN interactions i ON i.id = b.interaction_id"
        " LEFT JOIN people ipe ON ipe.id = i.person_id"
    )
    who = " AND ipe.handle = ?" if person else ""
    parameters += [person] if person else []
    source = (
        f" FROM wish_breaches b JOIN customers c ON c.id = b.customer_id{joins}"
        f" LEFT JOIN contacts ct ON ct.id = i.contact_id{days}{chosen}{who}"
    )
    # Counted from the index of days alone, leaving out the few customers not chosen
    # (restricted, or another tag or tier); a condition on NULL leaves them out too.
    counted = (
        f" FROM wish_breaches b{joins if person else ''}{days} AND b.customer_id NOT IN"
        f" (SELECT c.id FROM customers c WHERE NOT coalesce(TRUE{chosen}, FALSE)){who}"
    )
    total = connection.execute(f"SELECT count(*){counted}", [*window, *parameters]).fetchone()[0]
    if wanted == 0:
        return [], int(total)
    cut, cut_parameters = limit_clause(wanted)
    rows = connection.execute(
        "SELECT c.id AS customer_id, c.handle, c.name, b.occurred_on, b.breaches, i.kind,"
        " i.channel, i.purpose, i.contact_id, ipe.handle AS person, ct.name AS contact"
        f"{source} ORDER BY b.occurred_on DESC, b.interaction_id DESC{cut}",
        [*window, *parameters, *cut_parameters],
    )
    risks = []
    for row in rows:
        day_on = date.fromisoformat(row["occurred_on"])
        wish = preferences.in_force(connection, row["customer_id"], day_on, row["contact_id"])
        facts = {
            "person": row["person"] or "-", "chosen": wish.person if wish else "-",
            "channel": label(row["channel"]) or "-",
            "wanted": label(wish.channel) if wish else "-",
            "until": day(wish.paused_until) if wish and wish.paused_until else "-",
            "purpose": label(row["purpose"]) or "-",
        }  # fmt: skip
        what = [label(row["kind"])] + [
            _(wishes.BREACHES[code]).format(**facts) for code in row["breaches"].split(",")
        ]
        risks.append(
            Risk(row["handle"], row["name"], AGAINST_WISH, "; ".join(what), day_on,
                 _("apologise, and keep to their wish from now on"), row["person"],
                 row["channel"], row["contact"])
        )  # fmt: skip
    return risks, int(total)


# A contact with a wish of their own falls silent by their own rhythm.
_CONTACT_COLUMNS = (
    "SELECT c.handle, c.name, ct.name AS contact, li.occurred_on AS last_interaction_on,"
    " coalesce(cp.frequency, p.frequency) AS frequency, coalesce(cp.channel, p.channel) AS channel,"
    " coalesce(cpe.handle, pe.handle) AS person, 0 AS do_not_contact"
)


def _silent_contacts(
    connection: Connection,
    today: date,
    default: Frequency,
    selection: Selection,
    wanted: int | None,
) -> tuple[list[Risk], int]:
    tag, tier, person = selection
    where, parameters = filter_clause(tag, tier)
    if person:
        where += " AND coalesce(cpe.handle, pe.handle) = ?"
        parameters.append(person)
    condition = f" WHERE ct.silent_from <= ?{where}"
    total = connection.execute(
        f"SELECT count(*){CONTACT_JOINS}{condition}", [today.isoformat(), *parameters]
    ).fetchone()[0]
    if wanted == 0:
        return [], int(total)
    cut, cut_parameters = limit_clause(wanted)
    rows = connection.execute(
        f"{_CONTACT_COLUMNS}{CONTACT_JOINS}"
        f" LEFT JOIN interactions li ON li.id = ct.last_interaction_id{condition}"
        f" ORDER BY ct.silent_from, ct.id{cut}",
        [today.isoformat(), *parameters, *cut_parameters],
    )
    return [_risk("silent", row, today, default) for row in rows], int(total)


def any_risk(today: date) -> tuple[str, list[object]]:
    """SQL true for a customer with at least one risk (for `pulse`), and its parameters:
    their own, or a contact of ours against their wish in the last 90 days."""
    from kundenpflege.domain import wishes

    conditions = " OR ".join(condition.replace(":today", "?") for condition, _ in REASONS.values())
    bound: list[object] = [
        today.isoformat() for condition, _ in REASONS.values() if ":today" in condition
    ]
    recent = (today - timedelta(days=wishes.RECENT_DAYS)).isoformat()
    conditions += " OR (c.last_breach_on > ? AND c.last_breach_on <= ?)"
    return f"({conditions})", [*bound, recent, today.isoformat()]
