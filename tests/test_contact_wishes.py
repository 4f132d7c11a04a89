"""Wishes per contact person (issue 14 §1): Petra wants a call every two weeks, Hans
an e-mail every week; each has a clock of their own beside the customer's."""

import json
from datetime import date

import pytest

from kundenpflege.domain import preferences
from kundenpflege.domain.dates import parse_frequency
from tests.conftest import Run, error_line, journal_bytes, journal_value, ok

PETRA, HANS = "mueller-bau/Petra Müller", "mueller-bau/Hans Berg"


@pytest.fixture
def firm(journal: Run) -> Run:
    """Müller Bau wants anna monthly; Petra a call every two weeks (last 10.11.), Hans
    an e-mail weekly (last 01.10.); the firm as a whole last heard from us on 20.11."""
    ok(journal("add", "mueller-bau", "--name", "Müller Bau GmbH"))
    for name in ("Petra Müller", "Hans Berg"):
        ok(journal("contact", "add", "mueller-bau", name))
    for colleague in ("anna", "ben"):
        ok(journal("person", "add", colleague))
    ok(journal("prefer", "mueller-bau", "--every", "monthly", "--person", "anna",
               "--said", "2026-09-01"))  # fmt: skip
    ok(journal("prefer", PETRA, "--every", "alle 2 Wochen", "--channel", "phone",
               "--said", "2026-09-01"))  # fmt: skip
    ok(journal("prefer", HANS, "--every", "weekly", "--channel", "email", "--said", "2026-09-01"))
    ok(journal("log", "mueller-bau", "--at", "2026-10-01 10:00", "--contact", "Hans Berg",
               "--channel", "email", "--person", "anna", "--note", "Rundschreiben"))  # fmt: skip
    ok(journal("log", "mueller-bau", "--at", "2026-11-10 10:00", "--contact", "Petra Müller",
               "--channel", "phone", "--person", "anna", "--note", "Angebot"))  # fmt: skip
    ok(journal("log", "mueller-bau", "--at", "2026-11-20 10:00", "--channel", "visit",
               "--person", "anna", "--note", "Baustelle angesehen"))  # fmt: skip
    return journal


def rows(run: Run, *arguments: str) -> list[dict[str, object]]:
    return json.loads(ok(run(*arguments, "-f", "json")).stdout)  # type: ignore[no-any-return]


def test_each_contact_with_a_wish_is_due_by_their_own_clock(firm: Run) -> None:
    due = rows(firm, "due")
    assert [
        (row["contact"], row["reason"], row["due_on"], row["channel"], row["person"],
         row["last_contact"], row["last_note"])
        for row in due
    ] == [
        ("Hans Berg", "cadence", "2026-10-08", "email", "anna", "2026-10-01", "Rundschreiben"),
        ("Petra Müller", "cadence", "2026-11-24", "phone", "anna", "2026-11-10", "Angebot"),
    ]  # fmt: skip
    # The customer's own row: the visit on 20.11. reset it, not Petra's or Hans's.
    later = rows(firm, "due", "--days", "30")
    assert [(row["contact"], row["due_on"]) for row in later if row["contact"] is None] == [
        (None, "2026-12-20")
    ]
    table = ok(firm("due")).stdout
    assert "mueller-bau/Petra Müller" in table and "mueller-bau/Hans Berg" in table


def test_a_contact_logged_with_them_resets_their_clock_and_the_customers(firm: Run) -> None:
    logged = ok(firm("log", "mueller-bau", "--contact", "Petra Müller", "--channel", "phone",
                     "--note", "Rückruf"))  # fmt: skip
    assert logged.stderr.splitlines()[-1] == (
        "Logged #4 for mueller-bau; next contact 2026-12-25;"
        " with Petra Müller: next contact 2026-12-09."
    )
    assert [row["contact"] for row in rows(firm, "due")] == ["Hans Berg"]
    # Without --contact: the customer's clock only; Hans is still due.
    ok(firm("log", "mueller-bau", "--channel", "visit", "--note", "Besuch"))
    assert [row["contact"] for row in rows(firm, "due")] == ["Hans Berg"]


def test_a_contact_without_a_wish_moves_with_the_customer(firm: Run) -> None:
    ok(firm("contact", "add", "mueller-bau", "Jan Kurz"))
    ok(firm("log", "mueller-bau", "--contact", "Jan Kurz", "--channel", "phone", "--note", "x"))
    assert [row["contact"] for row in rows(firm, "due", "--days", "40")] == [
        "Hans Berg", "Petra Müller", None
    ]  # fmt: skip
    [customer] = [row for row in rows(firm, "due", "--days", "40") if row["contact"] is None]
    assert customer["due_on"] == "2026-12-25"


def test_their_wish_overrides_the_customers_and_is_kept_when_we_act(firm: Run) -> None:
    # Petra named no person of ours: the customer's choice (anna) stands for her.
    result = ok(firm("log", "mueller-bau", "--contact", "Petra Müller", "--person", "ben",
                     "--channel", "email", "--note", "Mail"))  # fmt: skip
    assert result.stderr.splitlines()[:2] == [
        "Warning: mueller-bau/Petra Müller chose anna to contact them; this contact was by ben.",
        "Warning: mueller-bau/Petra Müller asked to be contacted by phone; this contact was by"
        " email.",
    ]
    german = ok(firm("--lang", "de", "log", "mueller-bau", "--contact", "Hans Berg",
                     "--channel", "phone", "--note", "Anruf"))  # fmt: skip
    assert german.stderr.splitlines()[0].startswith("Warnung: mueller-bau/Hans Berg möchte")


def test_a_contact_who_asked_not_to_be_contacted(firm: Run) -> None:
    ok(firm("prefer", HANS, "--do-not-contact", "--source", "Telefonat"))
    assert [row["contact"] for row in rows(firm, "due")] == ["Petra Müller"]
    refused = error_line(firm("log", "mueller-bau", "--contact", "Hans Berg", "--note", "x"))
    assert refused.startswith("Error: mueller-bau/Hans Berg asked not to be contacted")
    ok(firm("log", "mueller-bau", "--contact", "Hans Berg", "--note", "x", "--anyway"))
    ok(firm("log", "mueller-bau", "--note", "an die Firma"))  # the firm may be contacted


def test_show_lists_each_contacts_wish_with_its_history(firm: Run) -> None:
    ok(firm("prefer", PETRA, "--days", "di", "--source", "am Telefon"))
    text = ok(firm("show", "mueller-bau")).stdout
    assert (
        "Wish of Petra Müller:\n"
        "  who: -, channel: phone, rhythm: every 2 weeks, days: Tue\n"
        '  said 2026-11-25 ("am Telefon")\n'
        "  last contact: 2026-11-10; next due: 2026-11-24 (1 day overdue)\n"
        "  said 2026-09-01: who: -, channel: phone, rhythm: every 2 weeks\n"
    ) in text
    assert "Wish of Hans Berg:" in text
    [profile] = rows(firm, "show", "mueller-bau")
    petra = next(wish for wish in profile["contact_wishes"] if wish["contact"] == "Petra Müller")
    assert [wish["stated_on"] for wish in petra["wishes"]] == ["2026-11-25", "2026-09-01"]
    assert profile["preference"]["frequency"] == {"count": 1, "unit": "months"}
    assert "Wunsch von Petra Müller:" in ok(firm("--lang", "de", "show", "mueller-bau")).stdout


def test_remind_ical_and_health_follow(firm: Run) -> None:
    digest = ok(firm("remind")).stdout
    assert "- mueller-bau/Petra Müller (Müller Bau GmbH): every 2 weeks, 1 day overdue" in digest
    calendar = ok(firm("export", "ical")).stdout.replace("\r\n", "\n").replace("\n ", "")
    assert "SUMMARY:Müller Bau GmbH\\, Petra Müller: cadence: every 2 weeks (phone\\, anna)" in (
        calendar
    )
    assert "UID:contact-mueller-bau/Petra Müller@kundenpflege" in calendar
    risks = rows(firm, "health")
    assert [(risk["contact"], risk["reason"], risk["since"]) for risk in risks] == [
        ("Hans Berg", "silent", "2026-10-01")
    ]
    assert risks[0]["detail"] == "no contact for 55 days; they want weekly"
    assert "mueller-bau/Hans Berg" in ok(firm("health")).stdout


def test_undo_and_removing_the_contact_take_the_wish_along(firm: Run) -> None:
    ok(firm("prefer", PETRA, "--every", "weekly"))
    ok(firm("undo", "--yes"))
    [petra] = [row for row in rows(firm, "due") if row["contact"] == "Petra Müller"]
    assert petra["detail"] == "every 2 weeks"
    ok(firm("contact", "remove", HANS, "--yes"))
    assert [row["contact"] for row in rows(firm, "due")] == ["Petra Müller"]
    kept = journal_value("SELECT count(*) FROM preferences WHERE contact_id IS NOT NULL")
    assert kept == 1  # Petra's; Hans's went with him
    ok(firm("undo", "--yes"))
    assert [row["contact"] for row in rows(firm, "due")] == ["Hans Berg", "Petra Müller"]


def test_unknown_contact_is_an_error(firm: Run) -> None:
    assert error_line(firm("prefer", "mueller-bau/Petra", "--every", "weekly")) == (
        "Error: no contact 'Petra' at this customer; known contacts: Hans Berg, Petra Müller"
    )


def test_overlay_keeps_what_the_contact_did_not_say() -> None:
    customer = preferences.statement("2026-09-01", None, "anna", "visit", "1m", "mo", None,
                                      "1w", 0)  # fmt: skip
    own = preferences.statement("2026-10-01", "Messe", None, "phone", None, None, "morning",
                                 None, 0)  # fmt: skip
    merged = preferences.overlay(customer, own)
    assert merged is not None
    assert (merged.person, merged.channel, merged.frequency, merged.weekdays) == (
        "anna", "phone", parse_frequency("1m"), (0,)
    )  # fmt: skip
    assert (merged.time_of_day, merged.max_frequency, merged.stated_on) == (
        "morning", parse_frequency("1w"), date(2026, 10, 1)
    )  # fmt: skip
    stop = preferences.statement("2026-10-02", None, None, None, None, None, None, None, 1)
    assert preferences.overlay(customer, stop).do_not_contact  # type: ignore[union-attr]
    assert preferences.overlay(None, own) is own
    assert preferences.overlay(customer, None) is customer


def test_a_contacts_wishes_are_exported_and_erased_with_them(firm: Run) -> None:
    ok(firm("prefer", PETRA, "--time", "vormittags", "--source", "Zauberwort Kranich"))
    exported = json.loads(ok(firm("gdpr", "export", PETRA)).stdout)
    assert [row["source"] for row in exported["preferences"]] == [None, "Zauberwort Kranich"]
    ok(firm("gdpr", "forget", PETRA, "--yes"))
    raw = journal_bytes()
    assert b"Zauberwort" not in raw and b"Kranich" not in raw
    assert [row["contact"] for row in rows(firm, "due")] == ["Hans Berg"]


def test_the_firms_stop_is_named_as_the_firms(firm: Run) -> None:
    ok(firm("prefer", "mueller-bau", "--do-not-contact", "--said", "2026-11-21"))
    refused = error_line(firm("log", "mueller-bau", "--contact", "Petra Müller", "--note", "x"))
    assert refused.startswith("Error: mueller-bau asked not to be contacted (stated 2026-11-21)")


def test_a_promise_to_a_contact_falls_on_their_day(firm: Run) -> None:
    ok(firm("prefer", PETRA, "--days", "do"))
    logged = ok(firm("log", "mueller-bau", "--contact", "Petra Müller", "--channel", "phone",
                     "--note", "Rückruf", "--followup", "+2d"))  # fmt: skip
    assert "follow-up #1 due 2026-12-03" in logged.stderr  # Friday 27.11. -> Thursday


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("prefer", "mueller-bau/", "--every", "weekly"),
         "Error: no contact named after 'mueller-bau/'; give their name or e-mail"),
        (("init", "--region", ""), "Error: unknown region ''"),
        (("init", "--workdays", ""), "Error: no weekdays given"),
        (("log", "mueller-bau", "--note", "x", "--followup", ""), "Error: cannot read date ''"),
    ],
)  # fmt: skip
def test_empty_values_are_errors_not_silence(
    firm: Run, arguments: tuple[str, ...], message: str
) -> None:
    assert error_line(firm(*arguments)).startswith(message)


def test_pulse_counts_a_customer_contacted_against_their_wish_as_at_risk(firm: Run) -> None:
    def at_risk() -> object:
        rows = json.loads(ok(firm("pulse", "-f", "json")).stdout)
        return next(row["current"] for row in rows if row["measure"] == "at risk (see health)")

    assert at_risk() == 0
    ok(firm("log", "mueller-bau", "--person", "ben", "--channel", "visit", "--note", "x"))
    assert at_risk() == 1


def test_a_wish_said_before_a_later_one_says_it_stays_behind(firm: Run) -> None:
    ok(firm("pause", "mueller-bau", "--until", "2026-12-05"))
    result = ok(firm("prefer", "mueller-bau", "--person", "ben", "--said", "2026-11-01"))
    assert result.stderr.splitlines()[0] == (
        "Warning: what mueller-bau said on 2026-11-25 stays in force; this statement counts"
        " for the days before it."
    )
    german = ok(firm("--lang", "de", "prefer", PETRA, "--time", "morgens", "--said", "2026-08-01"))
    assert german.stderr.splitlines()[0].startswith(
        "Warnung: was mueller-bau/Petra Müller am 01.09.2026 gesagt hat, gilt weiter"
    )
    assert "Warning" not in ok(firm("prefer", "mueller-bau", "--channel", "phone")).stderr
