"""What `browse` serves: the journal's views and four reports as SQL of their own,
for Datasette, with titles and column descriptions.

The queries are built from the conditions the reports use (the stored next-due
days, risk dates and reactive window), so the page and the command line agree on
who is due, at risk or reactive only, and whose newsletter consent is valid. What
only Python works out (holiday-shifted suggestions, translated warnings and
details) is not on the page. Each query takes `:as_of` (empty: today) and reads
the journal as it stands: `--as-of` on the command line also forgets what was
logged after that day, the page does not.
"""

from typing import Any

from kundenpflege.domain import occasions, wishes
from kundenpflege.domain.consent import RESTRICTED_ON
from kundenpflege.i18n import N_, _
from kundenpflege.reports import due, health, reactive

# The SQL function the page's connections get for today's date (from `clock`).
TODAY_FUNCTION = "kundenpflege_today"
NEWSLETTER = "newsletter"

# The day asked for, the last day `due` looks ahead to, the start of the reactive
# window, and the journal's owner (who looks after customers who chose nobody).
_DAY = (
    f"WITH asked AS (SELECT date(coalesce(nullif(trim(:as_of), ''), {TODAY_FUNCTION}()))"
    " AS today),"
    f" d AS (SELECT today, date(today, '+{due.DEFAULT_DAYS_AHEAD} days') AS last,"
    f" date(today, '-{reactive.WINDOW_DAYS} days') AS start,"
    f" date(today, '-{wishes.RECENT_DAYS} days') AS recent,"
    " (SELECT value FROM settings WHERE key = 'me') AS me FROM asked)"
)
_OPEN = " AND c.restricted = 0"
_LAST_CONTACT = "c.last_interaction_on AS last_contact, c.last_mood"


# The year `occasions.next_on` starts from: this year, or a later one a yearly date begins.
_FIRST_YEAR = (
    "(CASE WHEN k.yearly THEN max(CAST(strftime('%Y', d.today) AS INTEGER), coalesce(k.year, 0))"
    " ELSE k.year END)"
)


def _in_year(year: str) -> str:
    """SQL for `occasions.in_year`: the day of k.month_day in `year`, a 29 February
    being the 28th in other years."""
    leap = f"(({year}) % 4 = 0 AND (({year}) % 100 != 0 OR ({year}) % 400 = 0))"
    return (
        f"printf('%04d-', {year}) || CASE WHEN k.month_day = '02-29' AND NOT {leap}"
        " THEN '02-28' ELSE k.month_day END"
    )


# Datasette shows at most this many rows of a query: each part of a query below
# is cut there in the query's own order, which leaves the first rows of the whole
# as they are and spares sorting every customer of a large journal.
SHOWN = 1000


def _first(part: str, order: str, shown: int) -> str:
    return (
        f"SELECT * FROM (SELECT * FROM ({part}) AS part\n  ORDER BY {order} LIMIT {shown}) AS cut"
    )


_DUE_ORDER = (
    "due_on, handle, coalesce(contact, ''), coalesce(followup_id, 0), coalesce(key_date_id, 0)"
)
_DUE_PARTS = (
    f"""SELECT c.next_due AS due_on, c.handle, c.name, NULL AS contact,
    CASE WHEN c.last_interaction_on IS NULL THEN 'first-contact' ELSE 'cadence' END AS reason,
    p.frequency AS what, coalesce(pe.handle, d.me) AS person, p.channel, {_LAST_CONTACT},
    NULL AS followup_id, NULL AS key_date_id
  FROM d, customers c{due.PREFERENCE_JOINS}
  WHERE c.next_due <= d.last{_OPEN}""",
    f"""SELECT ct.next_due AS due_on, c.handle, c.name, ct.name AS contact,
    CASE WHEN li.occurred_on IS NULL THEN 'first-contact' ELSE 'cadence' END AS reason,
    coalesce(cp.frequency, p.frequency) AS what,
    coalesce(cpe.handle, pe.handle, d.me) AS person, coalesce(cp.channel, p.channel) AS channel,
    li.occurred_on AS last_contact, li.mood AS last_mood, NULL AS followup_id,
    NULL AS key_date_id
  {due.CONTACT_JOINS} CROSS JOIN d
  LEFT JOIN interactions li ON li.id = ct.last_interaction_id
  WHERE ct.next_due <= d.last{_OPEN}""",
    f"""SELECT f.due_effective AS due_on, c.handle, c.name, NULL AS contact,
    'follow-up' AS reason, f.what, coalesce(fp.handle, pe.handle, d.me) AS person, p.channel,
    {_LAST_CONTACT}, f.id AS followup_id, NULL AS key_date_id
  FROM d, followups f JOIN customers c ON c.id = f.customer_id{due.PREFERENCE_JOINS}
  LEFT JOIN people fp ON fp.id = f.person_id
  WHERE f.due_effective <= d.last{_OPEN}""",
    f"""SELECT day AS due_on, handle, name, contact, 'key-date' AS reason, what, person,
    channel, last_contact, last_mood, NULL AS followup_id, id AS key_date_id
  FROM (
    SELECT *, CASE WHEN once >= today THEN once WHEN yearly THEN next_year END AS day
    FROM (
      SELECT k.id, k.yearly, c.handle, c.name, ct.name AS contact,
        coalesce(k.what, k.kind) AS what, coalesce(cpe.handle, pe.handle, d.me) AS person,
        coalesce(cp.channel, p.channel) AS channel, {_LAST_CONTACT}, d.today, d.last,
        {_in_year(_FIRST_YEAR)} AS once, {_in_year(f"{_FIRST_YEAR} + 1")} AS next_year
      {due.KEY_DATE_TABLES} CROSS JOIN d
      WHERE TRUE{occasions.PLANNABLE}{_OPEN}
    ) AS dates
  ) AS days
  WHERE day <= last""",
)


def _due(shown: int) -> str:
    return f"""{_DAY},
items AS ({" UNION ALL ".join(_first(part, _DUE_ORDER, shown) for part in _DUE_PARTS)})
SELECT items.due_on,
  CAST(julianday(d.today) - julianday(items.due_on) AS INTEGER) AS days_overdue,
  handle, name, contact, reason, what, person, channel, last_contact, last_mood
FROM items, d
ORDER BY {_DUE_ORDER}"""


def _risk_part(order: int, reason: str, condition: str, key: str) -> str:
    """One kind of risk of `health`, with the day it shows as "since": the last
    contact, or for the over-contacted the contact too many."""
    since = "c.last_outbound_on" if reason == "over-contacted" else "c.last_interaction_on"
    return (
        f"SELECT {order} AS worst, {key} AS first_key, c.id AS second_key, {since} AS since,"
        f" c.handle, c.name, NULL AS contact, '{reason}' AS reason, {_LAST_CONTACT},"
        f" pe.handle AS person, p.channel FROM d, customers c{due.PREFERENCE_JOINS}"
        f" WHERE {condition.replace(':today', 'd.today')}{_OPEN}"
    )


_RISK_ORDER = "first_key, second_key"
# Each kind of risk and the order its rows are cut in (the same as the whole's).
_RISK_PARTS = (
    *(
        (_risk_part(order, reason, condition, key), _RISK_ORDER)
        for order, (reason, (condition, key)) in enumerate(health.REASONS.items())
    ),
    (f"""SELECT {len(health.REASONS)} AS worst, ct.silent_from AS first_key,
    ct.id AS second_key, li.occurred_on AS since, c.handle, c.name, ct.name AS contact,
    'silent' AS reason, li.occurred_on AS last_contact, li.mood AS last_mood,
    coalesce(cpe.handle, pe.handle) AS person, coalesce(cp.channel, p.channel) AS channel
  {due.CONTACT_JOINS} CROSS JOIN d
  LEFT JOIN interactions li ON li.id = ct.last_interaction_id
  WHERE ct.silent_from <= d.today{_OPEN}""", _RISK_ORDER),
    # Newest first: the day and the number, negated; cut newest first from its index.
    (f"""SELECT {len(health.REASONS) + 1} AS worst, -julianday(b.occurred_on) AS first_key,
    -b.interaction_id AS second_key, b.occurred_on AS since, c.handle, c.name,
    ct.name AS contact, '{health.AGAINST_WISH}' AS reason, {_LAST_CONTACT},
    ipe.handle AS person, i.channel
  FROM d, wish_breaches b CROSS JOIN customers c ON c.id = b.customer_id
  JOIN interactions i ON i.id = b.interaction_id
  LEFT JOIN people ipe ON ipe.id = i.person_id LEFT JOIN contacts ct ON ct.id = i.contact_id
  WHERE b.occurred_on > d.recent AND b.occurred_on <= d.today{_OPEN}""",
     "since DESC, second_key"),
)  # fmt: skip


def _at_risk(shown: int) -> str:
    return f"""{_DAY},
risks AS ({" UNION ALL ".join(_first(part, order, shown) for part, order in _RISK_PARTS)})
SELECT handle, name, contact, reason, since, last_contact, last_mood, person, channel
FROM risks
ORDER BY worst, {_RISK_ORDER}"""


_REACTIVE = f"""{_DAY}
SELECT c.handle, c.name, c.last_inbound_on AS last_from_them,
  c.last_proactive_on AS last_on_our_own, pe.handle AS person, p.channel,
  (SELECT count(*) FROM interactions i WHERE i.customer_id = c.id
   AND i.occurred_on > d.start AND i.occurred_on <= d.today) AS contacts,
  (SELECT count(*) FROM interactions i WHERE i.customer_id = c.id AND i.kind = 'complaint'
   AND i.occurred_on > d.start AND i.occurred_on <= d.today) AS complaints
FROM d, customers c{due.PREFERENCE_JOINS}
WHERE {reactive.REACTIVE_ONLY.format(start="d.start", today="d.today")}{_OPEN}
ORDER BY c.last_inbound_on DESC, c.id"""

# `consent_valid.valid` for the newsletter, in SQL: the newest entry of each ledger
# by that day confirms; a customer's consent reaches its main contact unless that
# contact keeps a ledger of their own; left out are customers restricted then or
# now, people who had asked by then not to be contacted, and people without e-mail.
_ENTRIES = "entries e WHERE e.customer_id = l.customer_id AND e.contact_id IS l.contact_id"
_WISH = (
    "(SELECT q.do_not_contact FROM preferences q WHERE q.customer_id = l.customer_id"
    " AND q.contact_id IS {who} AND q.stated_on <= d.today"
    " ORDER BY q.stated_on DESC, q.id DESC LIMIT 1)"
)
_CONSENT = f"""{_DAY},
entries AS (
  SELECT k.* FROM d, consent k
  WHERE k.purpose = '{NEWSLETTER}' AND date(k.recorded_at, 'localtime') <= d.today),
ledgers AS (
  SELECT customer_id, contact_id, max(id) AS newest FROM entries
  GROUP BY customer_id, contact_id),
confirmed AS (
  SELECT l.*, coalesce(l.contact_id, (SELECT m.id FROM contacts m
    WHERE m.customer_id = l.customer_id AND m.is_main = 1 ORDER BY m.id LIMIT 1)) AS person_id,
    coalesce((SELECT max(e.id) FROM {_ENTRIES} AND e.action = 'grant'),
             (SELECT min(e.id) FROM {_ENTRIES})) AS grant_id
  FROM ledgers l JOIN consent k ON k.id = l.newest
  WHERE k.action = 'confirm'
    AND l.customer_id NOT IN ({RESTRICTED_ON.replace(":day", "(SELECT today FROM d)")}))
SELECT c.handle AS customer, ct.name, ct.email, ct.phone, g.recorded_at AS granted_at,
  k.recorded_at AS confirmed_at,
  CASE WHEN coalesce(g.evidence, '') = '' THEN nullif(k.evidence, '')
       WHEN coalesce(k.evidence, '') IN ('', g.evidence) THEN g.evidence
       ELSE g.evidence || '; ' || k.evidence END AS evidence
FROM d, confirmed l
JOIN customers c ON c.id = l.customer_id
JOIN contacts ct ON ct.id = l.person_id
JOIN consent k ON k.id = l.newest
JOIN consent g ON g.id = l.grant_id
WHERE coalesce(ct.email, '') != ''
  AND NOT (l.contact_id IS NULL
           AND EXISTS (SELECT 1 FROM entries e WHERE e.customer_id = l.customer_id
                       AND e.contact_id = l.person_id))
  AND NOT (coalesce({_WISH.format(who="NULL")}, 0)
           OR coalesce({_WISH.format(who="l.person_id")}, 0))
ORDER BY c.handle, lower(ct.name)"""

AS_OF_HELP = N_("The day to look at, like 2026-11-25; empty: today.")


def queries(shown: int = SHOWN) -> dict[str, tuple[str, str, str]]:
    """Canned query name -> title, description, SQL (its parts cut at `shown` rows)."""
    return {
        "due": (
            N_("Due"),
            N_("Who is due or overdue from the day asked for to a week ahead: by their rhythm,"
               " a promise, or a key date (as `due --format json`: the day, not the suggested"
               " day, warnings or details)."),
            _due(shown),
        ),
        "at_risk": (
            N_("At risk"),
            N_("Relationships at risk on the day asked for, worst kind first (as `health`)."),
            _at_risk(shown),
        ),
        "reactive_only": (
            N_("Reactive only"),
            N_("Customers we only answered in the year before the day asked for, never"
               " contacting them on our own (as `reactive`)."),
            _REACTIVE,
        ),
        "newsletter_consent": (
            N_("Valid newsletter consent"),
            N_("Who may get the newsletter on the day asked for: confirmed and not withdrawn,"
               " with an e-mail address (as `consent list --valid --purpose newsletter`)."),
            _CONSENT,
        ),
    }  # fmt: skip


QUERIES = queries()

# View -> title, description, and what its columns hold.
VIEWS: dict[str, tuple[str, str, dict[str, str]]] = {
    "customer_overview": (
        N_("Customers"),
        N_("Every customer but the restricted, with the wish in force and what follows."),
        {
            "handle": N_("The short name every command takes."),
            "tier": N_("A, B, C or whatever tiers you use."),
            "annual_value": N_("What they are worth a year, in EUR."),
            "tags": N_("Tags, comma-separated."),
            "person": N_("Who of us they chose to hear from."),
            "channel": N_("The channel they prefer."),
            "frequency": N_("How often they want to hear from us."),
            "do_not_contact": N_("1: they asked not to be contacted."),
            "wish_stated_on": N_("When they said what they prefer."),
            "next_due": N_("The next contact by their rhythm (empty: not to be contacted)."),
            "last_contact": N_("The day of the last contact, either way."),
            "last_mood": N_("The mood of the last contact, -2 to +2."),
        },
    ),
    "contact_history": (
        N_("Contacts logged"),
        N_("Every call, mail and meeting with what was said and the mood."),
        {
            "id": N_("The number `interaction edit` takes."),
            "direction": N_("in: they contacted us; out: we contacted them."),
            "mood": N_("How it went, -2 to +2."),
            "amount": N_("An order's amount in EUR, if there was one."),
        },
    ),
    "open_promises": (
        N_("Open promises"),
        N_("What we promised and have not done yet."),
        {
            "id": N_("The number `followup done` takes."),
            "due_on": N_("The day we promised it for."),
        },
    ),
    "stated_wishes": (
        N_("Stated wishes"),
        N_("Each time a customer or a contact said how they want to be looked after."),
        {
            "stated_on": N_("When they said it."),
            "source": N_("Where it was said or written down."),
            "do_not_contact": N_("1: they asked not to be contacted."),
        },
    ),
}


def metadata(*, database: str) -> dict[str, Any]:
    """Datasette's metadata: titles and descriptions in the language chosen, and no
    SQL of the visitor's own."""
    tables: dict[str, Any] = {}
    for name, (title, description, columns) in VIEWS.items():
        tables[name] = {
            "title": _(title),
            "description": _(description),
            "columns": {column: _(text) for column, text in columns.items()},
        }
    queries = {
        name: {
            "title": _(title),
            "description": f"{_(description)} {_(AS_OF_HELP)}",
            "sql": sql,
            "hide_sql": True,
        }  # fmt: skip
        for name, (title, description, sql) in QUERIES.items()
    }
    return {
        "title": _("kundenpflege: the journal, read-only"),
        "description": _("Customers, contacts and reports; restricted customers are left out."),
        "allow_sql": False,
        "databases": {
            database: {"allow_sql": False, "tables": tables, "queries": queries},
        },
    }
