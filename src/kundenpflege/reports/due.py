"""Who is due: by cadence (stored next-due date), by an explicit follow-up, or for a
key date coming up (a birthday, an anniversary)."""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from kundenpflege import i18n
from kundenpflege.domain import consent_rules, rhythm, workdays
from kundenpflege.domain.dates import from_iso, parse_frequency, parse_weekdays
from kundenpflege.i18n import _
from kundenpflege.limits import limit_clause
from kundenpflege.reports.filters import filter_clause
from kundenpflege.storage import settings
from kundenpflege.storage.connection import Connection, Row
from kundenpflege.storage.db import slices

NOTE_PREVIEW = 40
DEFAULT_DAYS_AHEAD = 7


@dataclass(frozen=True)
class DueItem:
    handle: str
    name: str
    reason: str  # cadence, first-contact, follow-up or key-date
    detail: str  # the rhythm, what was promised, or the key date in words
    due_on: date
    suggested_on: date
    suggested_because: list[str]  # why the suggestion is not the due day: holidays, days off
    preferred_time: str | None  # morning, 14:00, 09:00-11:00 ... as the customer said
    days_overdue: int
    person: str | None
    channel: str | None
    last_contact: date | None
    last_mood: int | None
    last_note: str | None
    warnings: list[str] = field(default_factory=list)
    followup_id: int | None = None
    contact: str | None = None  # a contact at the customer with a wish of their own
    key_date_id: int | None = None  # the number `date remove` takes, on a key date's row
    occasion: str | None = None  # birthday, anniversary or other, on a key date's row
    years: int | None = None  # the age or the years on that day, when the year is known


def flat(note: str | None) -> str | None:
    """A note on one line, whole (for mail, calendars and sentences in data)."""
    return " ".join(note.split()) if note else None


def preview(note: str | None, length: int = NOTE_PREVIEW) -> str | None:
    """The first words of a note, on one line (for tables only)."""
    line = flat(note)
    if not line:
        return None
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


# Shared columns: who should act, how, and the last impression.
_CONTEXT = (
    "c.id AS customer_id, c.handle, c.name, c.status, c.last_interaction_on, c.paused_until,"
    " c.last_outbound_on,"
    " i.mood AS last_mood, i.note AS last_note, p.frequency, p.weekdays, p.channel,"
    " p.max_frequency, p.time_of_day, pe.handle AS preferred_person"
)
PREFERENCE_JOINS = (
    " LEFT JOIN preferences p ON p.id = c.preference_id LEFT JOIN people pe ON pe.id = p.person_id"
)
# Joined only for the rows shown: interactions is the largest table.
_IMPRESSION_JOIN = " LEFT JOIN interactions i ON i.id = c.last_interaction_id"


def _warnings(connection: Connection, row: Row, suggested_on: date) -> list[str]:
    warnings = []
    if row["last_mood"] is not None and row["last_mood"] < 0:
        warnings.append(_("last impression negative"))
    # The stated maximum limits how often *we* reach out; their own calls do not count.
    last_outbound = from_iso(row["last_outbound_on"])
    if row["max_frequency"] and last_outbound:
        maximum = parse_frequency(row["max_frequency"])
        if (suggested_on - last_outbound).days < maximum.approximate_days:
            warnings.append(
                _("more often than their maximum ({maximum})").format(maximum=maximum.describe())
            )
    purpose = consent_rules.missing_for(
        connection, row["customer_id"], row["status"], row["channel"]
    )
    if purpose:
        warnings.append(_("no confirmed {purpose} consent").format(purpose=_(purpose)))
    return warnings


def _item(
    connection: Connection,
    row: Row,
    today: date,
    *,
    reason: str,
    detail: str,
    due_on: date,
    suggestion: workdays.Suggestion,
    person: str | None,
    followup_id: int | None = None,
) -> DueItem:
    suggested_on = suggestion.day
    return DueItem(
        handle=row["handle"],
        name=row["name"],
        reason=reason,
        detail=detail,
        due_on=due_on,
        suggested_on=suggested_on,
        suggested_because=list(suggestion.reasons),
        preferred_time=row["time_of_day"],
        days_overdue=(today - due_on).days,
        person=person,
        channel=row["channel"],
        last_contact=from_iso(row["last_interaction_on"]),
        last_mood=row["last_mood"],
        last_note=row["last_note"],  # whole: data outputs never cut; tables preview it
        warnings=_warnings(connection, row, suggested_on),
        followup_id=followup_id,
    )


def _weekdays(row: Row) -> tuple[int, ...]:
    return parse_weekdays(row["weekdays"]) if row["weekdays"] else ()


# A contact with a wish of their own: their wish over the customer's (as
# `preferences.overlay`), their last contact, their stored next due day.
_CONTACT_CONTEXT = (
    "c.id AS customer_id, c.handle, c.name, c.status, li.occurred_on AS last_interaction_on,"
    " c.paused_until, c.last_outbound_on, li.mood AS last_mood, li.note AS last_note,"
    + ", ".join(
        f"coalesce(cp.{column}, p.{column}) AS {column}"
        for column in ("frequency", "weekdays", "channel", "max_frequency", "time_of_day")
    )
    + ", coalesce(cpe.handle, pe.handle) AS preferred_person, ct.next_due, ct.name AS contact"
)
CONTACT_JOINS = (
    " FROM contacts ct CROSS JOIN customers c ON c.id = ct.customer_id"
    " LEFT JOIN preferences cp ON cp.id = ct.preference_id"
    " LEFT JOIN people cpe ON cpe.id = cp.person_id"
    f"{PREFERENCE_JOINS}"
)


def due(
    connection: Connection,
    today: date,
    *,
    days_ahead: int = DEFAULT_DAYS_AHEAD,
    person: str | None = None,
    tag: str | None = None,
    tier: str | None = None,
    limit: int | None = None,
) -> tuple[list[DueItem], int]:
    """Overdue and upcoming contacts, most overdue first, and how many there are in all:
    customers by their rhythm, contacts with a wish of their own by theirs, promises."""
    horizon = (today + timedelta(days=days_ahead)).isoformat()
    where, parameters = filter_clause(tag, tier)
    # The unit of work leaves next_due empty for anyone not to be contacted, so the
    # cadence side needs no status or do-not-contact filter and stays on its index.
    cadence_where = f" WHERE c.next_due <= ?{where}"
    contact_where = f" WHERE ct.next_due <= ?{where}"
    # Likewise a promise's due_effective (its day after any pause; empty when the
    # customer is not to be contacted or restricted): unfiltered, only its index is read.
    followup_core = " FROM followups f WHERE f.due_effective <= ?"
    if tag or tier or person:
        followup_core = (
            f" FROM followups f CROSS JOIN customers c ON c.id = f.customer_id{PREFERENCE_JOINS}"
            f" LEFT JOIN people fp ON fp.id = f.person_id WHERE f.due_effective <= ?{where}"
        )
    # The journal's owner (init --me) looks after everyone who chose nobody.
    me = settings.get(connection, "me", "") or None
    if person:

        def chosen_is(who: str) -> str:
            return f" AND ({who} = ? OR {who} IS NULL)" if person == me else f" AND {who} = ?"

        cadence_where += chosen_is("pe.handle")
        contact_where += chosen_is("coalesce(cpe.handle, pe.handle)")
        followup_core += chosen_is("coalesce(fp.handle, pe.handle)")
        parameters.append(person)
    followup_parameters = parameters if tag or tier or person else []
    cadence_joins = PREFERENCE_JOINS if person else ""
    count = connection.execute(
        f"SELECT (SELECT count(*) FROM customers c{cadence_joins}{cadence_where}),"
        f" (SELECT count(*){CONTACT_JOINS}{contact_where}),"
        f" (SELECT count(*){followup_core})",
        [horizon, *parameters, horizon, *parameters, horizon, *followup_parameters],
    ).fetchone()
    cut, cut_parameters = limit_clause(limit)
    default_rhythm = rhythm.default_frequency(connection)
    calendar = workdays.calendar(connection, today, today + timedelta(days=days_ahead))

    def by_rhythm(row: Row) -> DueItem:
        due_on = date.fromisoformat(row["next_due"])
        stated = (
            parse_frequency(row["frequency"]).describe()
            if row["frequency"]
            else _("{rhythm} (default)").format(rhythm=default_rhythm.describe())
        )
        first = row["last_interaction_on"] is None
        return _item(
            connection,
            row,
            today,
            reason="first-contact" if first else "cadence",
            detail=_("no contact logged yet") if first else stated,
            due_on=due_on,
            suggestion=workdays.suggest(max(due_on, today), _weekdays(row), calendar),
            person=row["preferred_person"] or me,
        )

    cadence_rows = connection.execute(
        f"SELECT {_CONTEXT}, c.next_due FROM customers c{PREFERENCE_JOINS}{_IMPRESSION_JOIN}"
        f"{cadence_where} ORDER BY c.next_due, c.id{cut}",
        [horizon, *parameters, *cut_parameters],
    )
    items = [by_rhythm(row) for row in cadence_rows]
    contact_rows = connection.execute(
        f"SELECT {_CONTACT_CONTEXT}{CONTACT_JOINS}"
        " LEFT JOIN interactions li ON li.id = ct.last_interaction_id"
        f"{contact_where} ORDER BY ct.next_due, ct.id{cut}",
        [horizon, *parameters, *cut_parameters],
    )
    items += [replace(by_rhythm(row), contact=row["contact"]) for row in contact_rows]
    followup_rows = connection.execute(
        f"SELECT {_CONTEXT}, top.*, coalesce(fp.handle, pe.handle) AS followup_person FROM"
        " (SELECT f.id AS followup_id, f.customer_id, f.what, f.person_id,"
        f" f.due_effective AS effective_due{followup_core}"
        f" ORDER BY f.due_effective, f.id{cut}) AS top"
        f" JOIN customers c ON c.id = top.customer_id{PREFERENCE_JOINS}{_IMPRESSION_JOIN}"
        " LEFT JOIN people fp ON fp.id = top.person_id"
        " ORDER BY top.effective_due, top.followup_id",
        [horizon, *followup_parameters, *cut_parameters],
    )
    for row in followup_rows:
        due_on = date.fromisoformat(row["effective_due"])
        items.append(
            _item(
                connection,
                row,
                today,
                reason="follow-up",
                detail=row["what"],
                due_on=due_on,
                # A promised day stands (its day was suited when it was made); one
                # that has passed is kept on the next day that suits.
                suggestion=workdays.suggest(today, _weekdays(row), calendar)
                if due_on < today
                else workdays.Suggestion(due_on, ()),
                person=row["followup_person"] or me,
                followup_id=row["followup_id"],
            )
        )
    occasions, coming = key_date_items(
        connection, today, today + timedelta(days=days_ahead), tag=tag, tier=tier, person=person,
        me=me, limit=limit,
    )  # fmt: skip
    items += occasions
    items.sort(
        key=lambda item: (item.due_on, item.handle, item.contact or "", item.followup_id or 0,
                          item.key_date_id or 0)
    )  # fmt: skip
    return items[:limit] if limit is not None else items, int(sum(count)) + coming


# Whose key dates they are, and who of us looks after them (the contact's own wish first).
KEY_DATE_TABLES = (
    " FROM key_dates k CROSS JOIN customers c ON c.id = k.customer_id"
    " LEFT JOIN contacts ct ON ct.id = k.contact_id"
    " LEFT JOIN preferences cp ON cp.id = ct.preference_id"
    " LEFT JOIN people cpe ON cpe.id = cp.person_id"
    f"{PREFERENCE_JOINS}"
)
# A key date's row, read for the rows shown only.
_KEY_DATE_CONTEXT = (
    "SELECT c.id AS customer_id, c.handle, c.name, c.status, c.last_interaction_on,"
    " c.paused_until, c.last_outbound_on, i.mood AS last_mood, i.note AS last_note,"
    " coalesce(cp.channel, p.channel) AS channel,"
    " coalesce(cp.time_of_day, p.time_of_day) AS time_of_day,"
    " coalesce(cpe.handle, pe.handle) AS preferred_person, ct.name AS contact,"
    " k.id AS key_date_id, k.kind, k.what, k.year, k.month_day, k.yearly"
    f"{KEY_DATE_TABLES}{_IMPRESSION_JOIN}"
)


def key_date_items(
    connection: Connection,
    today: date,
    last: date,
    *,
    tag: str | None = None,
    tier: str | None = None,
    person: str | None = None,
    me: str | None = None,
    limit: int | None = None,
) -> tuple[list[DueItem], int]:
    """Key dates that come from today to `last`, each on its own row (never a cadence:
    a birthday resets nothing), the first `limit` of them, and how many come in all.
    They are found by month and day in an index; only the rows shown are read whole."""
    from kundenpflege.domain import occasions

    where, parameters = filter_clause(tag, tier)
    if person:
        where += " AND (coalesce(cpe.handle, pe.handle) = ?" + (
            " OR coalesce(cpe.handle, pe.handle) IS NULL)" if person == me else ")"
        )
        parameters.append(person)
    ranges: list[tuple[str, list[object]]] = [
        ("k.yearly = 1 AND k.month_day BETWEEN ? AND ?", [first, end])
        for first, end in occasions.month_days_between(today, last)
    ]
    ranges.append(("k.yearly = 0 AND k.year BETWEEN ? AND ?", [today.year, last.year]))
    coming: list[tuple[date, str, str, int]] = []
    for condition, bounds in ranges:
        for number, year, month_day, yearly, handle, contact in connection.execute(
            "SELECT k.id, k.year, k.month_day, k.yearly, c.handle, coalesce(ct.name, '')"
            f"{KEY_DATE_TABLES} WHERE {condition}{occasions.PLANNABLE}{where}",
            [*bounds, *parameters],
        ):
            day = occasions.next_on(year, month_day, bool(yearly), today)
            if day is not None and day <= last:
                coming.append((day, handle, contact, number))
    coming.sort()
    shown = {number: day for day, _handle, _contact, number in coming[:limit]}
    items = []
    for chunk, marks in slices(list(shown)):
        for row in connection.execute(f"{_KEY_DATE_CONTEXT} WHERE k.id IN ({marks})", chunk):
            day = shown[row["key_date_id"]]
            years = occasions.years_at(row["year"], day)
            detail = occasions.describe(row["kind"], row["what"], bool(row["yearly"]), years, day,
                                        row["contact"] or row["name"])  # fmt: skip
            paused = from_iso(row["paused_until"])
            items.append(
                DueItem(
                    handle=row["handle"],
                    name=row["name"],
                    reason="key-date",
                    detail=detail,
                    due_on=day,
                    suggested_on=day,
                    suggested_because=[],
                    preferred_time=row["time_of_day"],
                    days_overdue=(today - day).days,
                    person=row["preferred_person"] or me,
                    channel=row["channel"],
                    last_contact=from_iso(row["last_interaction_on"]),
                    last_mood=row["last_mood"],
                    last_note=row["last_note"],
                    warnings=[_("paused until {day}").format(day=i18n.day(paused))]
                    if paused and paused > day
                    else [],
                    contact=row["contact"],
                    key_date_id=row["key_date_id"],
                    occasion=row["kind"],
                    years=years,
                )
            )
    items.sort(key=lambda item: (item.due_on, item.handle, item.contact or "", item.key_date_id))
    return items, len(coming)
