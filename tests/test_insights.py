"""The insight reports on a scripted journal whose right answers are known (2026-11-25)."""

import json

import pytest

from kundenpflege.domain import signals
from kundenpflege.storage.connection import IntegrityError
from tests.conftest import Run, error_line, ok, reading, terminal


def data(run: Run, *arguments: str) -> list[dict[str, object]]:
    return json.loads(ok(run(*arguments, "--format", "json")).stdout)  # type: ignore[no-any-return]


@pytest.fixture
def scripted(journal: Run) -> Run:
    ok(journal("person", "add", "anna"))
    ok(journal("person", "add", "ben"))
    steps = [
        ("add", "happy", "--tier", "A", "--value", "30000", "--since", "2020-11-25"),
        ("prefer", "happy", "--person", "anna", "--channel", "phone", "--every", "monthly"),
        ("log", "happy", "--at", "2026-10-01", "--kind", "visit", "--mood", "2"),
        ("log", "happy", "--at", "2026-11-01", "--kind", "call", "--mood", "1"),
        ("add", "angry", "--tier", "B", "--value", "3000", "--since", "2024-11-25"),
        (
            "log",
            "angry",
            "--at",
            "2026-11-20",
            "--kind",
            "complaint",
            "--mood",
            "-2",
            "--note",
            "Ware kaputt angekommen",
        ),
        ("add", "fixed", "--tier", "B", "--value", "3000", "--since", "2025-11-25"),
        (
            "log",
            "fixed",
            "--at",
            "2026-11-10",
            "--kind",
            "complaint",
            "--mood",
            "-1",
            "--followup",
            "2026-11-12",
        ),
        ("followup", "done", "1"),
        ("add", "apologised", "--tier", "B", "--value", "2500", "--since", "2023-11-25"),
        ("log", "apologised", "--at", "2026-11-10", "--kind", "complaint", "--mood", "-1"),
        ("log", "apologised", "--at", "2026-11-12", "--kind", "apology", "--mood", "-1"),
        ("add", "silent", "--tier", "C", "--value", "50000", "--since", "2016-11-25"),
        ("prefer", "silent", "--every", "monthly", "--person", "ben"),
        ("log", "silent", "--at", "2026-03-01", "--kind", "call"),
        ("log", "silent", "--at", "2026-08-01", "--kind", "call", "--mood", "0"),
        ("add", "never", "--tier", "C", "--value", "400"),
        ("log", "never", "--at", "2026-11-10", "--kind", "call"),
        ("log", "never", "--at", "2026-11-12", "--kind", "call"),
        ("add", "falling", "--tier", "A", "--value", "25000", "--since", "2018-11-25"),
        ("log", "falling", "--at", "2026-06-01", "--kind", "call", "--mood", "2"),
        ("log", "falling", "--at", "2026-07-01", "--kind", "call", "--mood", "2"),
        ("log", "falling", "--at", "2026-08-01", "--kind", "call", "--mood", "1"),
        ("log", "falling", "--at", "2026-09-01", "--kind", "call", "--mood", "-1"),
        ("log", "falling", "--at", "2026-10-01", "--kind", "apology", "--mood", "-1"),
        ("add", "pushed", "--tier", "C", "--value", "800", "--since", "2025-11-25"),
        ("prefer", "pushed", "--max", "monthly", "--channel", "email"),
        ("log", "pushed", "--at", "2026-11-15", "--kind", "email"),
        ("add", "complainer", "--tier", "C", "--value", "600", "--since", "2025-11-25"),
        (
            "log",
            "complainer",
            "--at",
            "2026-09-10",
            "--kind",
            "complaint",
            "--mood",
            "-1",
            "--direction",
            "in",
        ),
        ("log", "complainer", "--at", "2026-09-12", "--kind", "call", "--mood", "0"),
        ("log", "complainer", "--at", "2026-11-02", "--kind", "complaint", "--mood", "0"),
    ]
    for step in steps:
        ok(journal(*step))
    result = ok(journal("log", "pushed", "--at", "2026-11-20", "--kind", "email"))
    assert result.stderr.splitlines()[0] == (
        "Warning: pushed asked to be contacted not more than monthly;"
        " our previous contact was 5 days earlier."
    )
    return journal


def test_health(scripted: Run) -> None:
    rows = data(scripted, "health")
    assert [(row["handle"], row["reason"], row["since"]) for row in rows] == [
        ("angry", "negative-last-impression", "2026-11-20"),
        ("falling", "falling-mood", "2026-10-01"),
        ("pushed", "over-contacted", "2026-11-20"),
        ("silent", "silent", "2026-08-01"),
    ]
    angry, falling, pushed, silent = rows
    assert angry["detail"] == "mood -2: Ware kaputt angekommen"
    assert angry["next_step"] == "apologise or put it right, then log it"
    assert falling["detail"] == "recent moods -2.7 below earlier ones"
    assert pushed["detail"] == "two contacts 5 days apart; maximum monthly"
    assert pushed["next_step"] == "hold back until 2026-12-20"
    assert (silent["detail"], silent["person"]) == (
        "no contact for 116 days; they want monthly",
        "ben",
    )
    assert [row["handle"] for row in data(scripted, "health", "--tier", "A")] == ["falling"]
    assert [row["handle"] for row in data(scripted, "health", "--person", "ben")] == ["silent"]
    # A pause is not silence.
    ok(scripted("pause", "silent", "--until", "2027-01-10"))
    assert "silent" not in [row["handle"] for row in data(scripted, "health")]


def test_health_table_and_errors(scripted: Run) -> None:
    lines = ok(scripted("health")).stdout.splitlines()
    assert lines[0].split()[:4] == ["Customer", "Why", "Detail", "Since"]
    assert lines[1].startswith("angry  ")
    assert error_line(scripted("health", "--as-of", "31.02.2026")) == (
        "Error: '31.02.2026' is not a real date"
    )


def test_fairness(scripted: Run) -> None:
    rows = {row["group"]: row for row in data(scripted, "fairness")}
    assert set(rows) == {"A", "B", "C"}
    assert rows["A"]["customers"] == 2
    # A: happy 2 + falling 5 contacts in the last year.
    assert rows["A"]["contacts_per_customer_year"] == 3.5
    assert rows["A"]["personal_share"] == pytest.approx(6 / 7, abs=0.001)
    assert rows["C"]["customers"] == 4
    assert rows["C"]["never_contacted"] == 0
    # C: silent 2, never 2, pushed 2 e-mails, complainer 3.
    assert rows["C"]["mass_share"] == pytest.approx(2 / 9, abs=0.001)
    for row in rows.values():  # personal, mass and the other channels make the whole
        shares = (row["personal_share"], row["mass_share"], row["other_share"])
        assert sum(shares) == pytest.approx(1, abs=0.002)
    # happy: 24 days, falling: 55 days since the last contact.
    assert rows["A"]["median_days_since_contact"] == 39.5
    bands = [row["group"] for row in data(scripted, "fairness", "--by", "band")]
    assert bands == ["under 1k", "1k-5k", "20k+"]
    assert error_line(scripted("fairness", "--by", "size")) == (
        "Error: cannot group by 'size'; use tier or band"
    )


def test_fairness_filtered_path_agrees_with_the_daily_tally(scripted: Run) -> None:
    everyone = data(scripted, "fairness")
    for handle in (
        "happy",
        "angry",
        "fixed",
        "apologised",
        "silent",
        "never",
        "falling",
        "pushed",
        "complainer",
    ):
        ok(scripted("edit", handle, "--tag", "all"))
    assert data(scripted, "fairness", "--tag", "all") == everyone


def test_value(scripted: Run) -> None:
    rows = data(scripted, "value")
    # Fifths by lifetime value: never, complainer | pushed, fixed | angry, apologised |
    # happy, falling | silent. Our gaps: silent 153 days (the top fifth's median), never 2.
    assert [(row["handle"], row["flag"]) for row in rows[:2]] == [
        ("silent", "high value, little attention"),
        ("never", "low value, over-served"),
    ]
    silent = rows[0]
    assert silent["years_as_customer"] == 10.0
    assert silent["lifetime_value"] == pytest.approx(50000 * 3652 / 365.25, abs=0.01)
    assert silent["contacts_in_window"] == 2
    assert [row["handle"] for row in rows[2:]] == [
        "falling",
        "happy",
        "apologised",
        "angry",
        "fixed",
        "pushed",
        "complainer",
    ]
    assert [row["handle"] for row in data(scripted, "value", "--flagged")] == ["silent", "never"]
    ok(scripted("log", "complainer", "--at", "2026-11-24", "--kind", "order", "--amount", "900000"))
    assert data(scripted, "value")[0]["handle"] == "complainer"


def test_reactive(scripted: Run) -> None:
    rows = data(scripted, "reactive")
    assert [(row["handle"], row["contacts"], row["from_them"], row["from_us"]) for row in rows] == [
        ("angry", 1, 1, 0),
        ("fixed", 1, 1, 0),
        ("apologised", 2, 1, 1),
        ("complainer", 3, 2, 1),
    ]
    assert ok(scripted("reactive", "--limit", "1")).stderr == (
        "All contacts in the window: 20; complaints from customers 25%, started by us 75%.\n"
        "… 3 more rows; use --limit 0 to see all.\n"
    )
    title = ok(scripted("reactive", "--format", "table")).stdout
    assert title.startswith("Customer")
    assert data(scripted, "reactive", "--window", "20") == rows[:1] + rows[1:3]


def test_pulse(scripted: Run) -> None:
    rows = {row["measure"]: row for row in data(scripted, "pulse")}
    assert rows["customers"]["current"] == 9
    assert rows["overdue follow-ups"]["current"] == 0
    # 2026-10-26 .. 2026-11-25: happy 1, angry 1, fixed 1, apologised 2, never 2, pushed 2,
    # complainer 1.
    assert rows["contacts"]["current"] == 10
    # 2026-09-26 .. 2026-10-25: happy 1, falling 1.
    assert rows["contacts"]["previous"] == 2
    assert rows["contacts"]["change"] == 8
    table = ok(scripted("pulse")).stdout
    assert "proactive share (we reached out)" in table
    ok(scripted("followup", "add", "happy", "Angebot", "--due", "2026-11-20"))
    ok(scripted("followup", "add", "silent", "Rückruf", "--due", "2026-11-21"))
    ok(scripted("pause", "silent", "--until", "2026-12-01"))
    overdue = {row["measure"]: row["current"] for row in data(scripted, "pulse")}
    assert overdue["overdue follow-ups"] == 1  # the paused customer's promise waits
    tier_c = {row["measure"]: row["current"] for row in data(scripted, "pulse", "--tier", "C")}
    assert tier_c["overdue follow-ups"] == 0


def test_consent_ledger(scripted: Run) -> None:
    ok(scripted("prefer", "happy", "--channel", "newsletter"))
    ok(scripted("contact", "add", "happy", "Petra Müller", "--email", "petra@example.org"))
    warnings = {row["handle"]: row["warnings"] for row in data(scripted, "due", "--days", "30")}
    assert "no confirmed newsletter consent" in warnings["happy"]
    assert error_line(scripted("consent", "confirm", "happy", "--purpose", "newsletter")) == (
        "Error: no newsletter consent to confirm for happy; record the grant first"
        " (double opt-in is a grant followed by a confirm)"
    )
    assert (
        ok(
            scripted(
                "consent", "grant", "happy", "--purpose", "newsletter", "--evidence", "Formular"
            )
        ).stderr
        == "newsletter consent of happy: granted.\n"
    )
    ok(scripted("consent", "confirm", "happy", "--purpose", "newsletter"))
    warnings = {row["handle"]: row["warnings"] for row in data(scripted, "due", "--days", "30")}
    assert "no confirmed newsletter consent" not in warnings["happy"]
    ok(scripted("consent", "grant", "happy/petra@example.org", "--purpose", "phone-marketing"))
    ok(scripted("consent", "withdraw", "happy", "--purpose", "newsletter", "--evidence", "Anruf"))
    warnings = {row["handle"]: row["warnings"] for row in data(scripted, "due", "--days", "30")}
    assert "no confirmed newsletter consent" in warnings["happy"]
    ledger = data(scripted, "consent", "list", "happy")
    assert [(row["contact"], row["purpose"], row["action"]) for row in ledger] == [
        (None, "newsletter", "grant"),
        (None, "newsletter", "confirm"),
        ("Petra Müller", "phone-marketing", "grant"),
        (None, "newsletter", "withdraw"),
    ]
    show = ok(scripted("show", "happy")).stdout
    assert "  newsletter: withdrawn\n  phone-marketing (Petra Müller): granted\n" in show
    assert error_line(scripted("consent", "withdraw", "happy", "--purpose", "newsletter")) == (
        "Error: happy has no newsletter consent to withdraw"
    )
    assert error_line(scripted("consent", "grant", "happy", "--purpose", "spam")) == (
        "Error: unknown purpose 'spam'; use one of newsletter, email-marketing, phone-marketing"
    )
    assert error_line(scripted("consent", "grant", "happy/Hans", "--purpose", "newsletter")) == (
        "Error: no contact 'Hans' at this customer; known contacts: Petra Müller"
    )
    with reading() as connection:
        for statement in ("UPDATE consent SET action = 'confirm'", "DELETE FROM consent"):
            with pytest.raises(IntegrityError, match="the consent ledger is append-only"):
                connection.execute(statement)


def test_prospects_need_consent_for_cold_email(journal: Run) -> None:
    ok(journal("add", "lead", "--status", "prospect"))
    ok(journal("prefer", "lead", "--channel", "email"))
    [row] = data(journal, "due")
    assert row["warnings"] == ["no confirmed email-marketing consent"]


def test_reports_on_an_empty_journal(journal: Run) -> None:
    for command in ("health", "value", "reactive"):
        assert data(journal, command) == []
    assert data(journal, "fairness") == []
    pulse = {row["measure"]: row["current"] for row in data(journal, "pulse")}
    assert pulse["customers"] == 0 and pulse["contacts"] == 0


def test_one_interaction_customer(journal: Run) -> None:
    ok(journal("add", "solo"))
    ok(journal("log", "solo", "--at", "2026-11-24", "--kind", "call", "--mood", "1"))
    assert data(journal, "health") == []
    [row] = data(journal, "fairness")
    assert row["customers"] == 1 and row["median_days_since_contact"] == 1


@pytest.mark.parametrize(
    ("moods", "trend"),
    [([], None), ([1, 1, 1], None), ([-1, -1, 2, 2], -3.0), ([1, 0, 0, 0, 0, -2], 0.5)],
)
def test_mood_trend(moods: list[int], trend: float | None) -> None:
    assert signals.mood_trend(moods) == trend


def test_proactive_ignores_replies_and_apologies() -> None:
    history = [
        (4, "2026-11-20", "out", None, "call", None),
        (3, "2026-11-15", "in", None, "complaint", None),
        (2, "2026-11-01", "out", None, "apology", None),
        (1, "2026-10-01", "out", None, "call", None),
    ]
    assert str(signals.last_proactive(history)) == "2026-10-01"
    # Issue 14: the apology and the reply count toward no maximum; one contact is left.
    assert signals.from_history(history).outbound_gap_days is None


def test_pulse_counts_reactive_only_customers_as_reactive_lists_them(scripted: Run) -> None:
    """Issue 14 §6: one definition and one window for both, with any filter."""
    for filters in ([], ["--tier", "A"], ["--tier", "B"], ["--tier", "C"]):
        rows = {row["measure"]: row["current"] for row in data(scripted, "pulse", *filters)}
        listed = data(scripted, "reactive", "--limit", "0", *filters)
        share = rows["reactive only (see reactive)"] or 0
        assert share * rows["customers"] == pytest.approx(len(listed), abs=0.01), filters
    assert len(data(scripted, "reactive", "--limit", "0")) == 4


@pytest.mark.parametrize(
    ("arguments", "title"),
    [
        (["pulse"], "Pulse, Oct 27–Nov 25, 2026 against Sep 27–Oct 26"),
        (["pulse", "--period", "7"], "Pulse, Nov 19–25, 2026 against Nov 12–18"),
        (["--lang", "de", "pulse"], "Puls, 27. Okt.–25. Nov. 2026 gegen 27. Sept.–26. Okt."),
        (["pulse", "--as-of", "2026-01-10", "--period", "14"],
         "Pulse, Dec 28, 2025–Jan 10, 2026 against Dec 14–27, 2025"),
        (["reactive"], "Contacted only reactively, Nov 26, 2025–Nov 25, 2026"),
        (["--lang", "de", "reactive", "--window", "25"],
         "Nur reaktiv betreut, 1.–25. Nov. 2026"),
        (["fairness", "--window", "30"], "Care per tier, Oct 27–Nov 25, 2026"),
        (["--lang", "de", "fairness", "--by", "band"],
         "Betreuung je Wertklasse, 26. Nov. 2025–25. Nov. 2026"),
        (["value", "--window", "90"], "Lifetime value and attention, contacts Aug 28–Nov 25, 2026"),
    ],
)  # fmt: skip
def test_windows_are_dates_in_the_title(
    scripted: Run, journal_address: str, arguments: list[str], title: str
) -> None:
    screen = terminal(arguments, journal_address, NO_COLOR="1")
    assert screen.splitlines()[0].strip() == title


@pytest.fixture
def baeckerei(journal: Run) -> Run:
    """Issue 14 §2: a customer who wants to hear from us at most monthly."""
    ok(journal("add", "baeckerei-sommer", "--since", "2025-01-01"))
    ok(journal("prefer", "baeckerei-sommer", "--max", "monthly", "--said", "2025-01-01"))
    ok(journal("log", "baeckerei-sommer", "--at", "02.11.2026 10:00", "--kind", "call",
               "--direction", "out"))  # fmt: skip
    return journal


def over_contacted(run: Run) -> list[str]:
    return [row["handle"] for row in data(run, "health") if row["reason"] == "over-contacted"]


@pytest.mark.parametrize(
    "answer",
    [
        # An apology the day after their complaint.
        [["log", "baeckerei-sommer", "--at", "16.11.2026 09:00", "--kind", "complaint"],
         ["log", "baeckerei-sommer", "--at", "17.11.2026 10:00", "--kind", "apology"]],
        # Our answer within a week to their own call.
        [["log", "baeckerei-sommer", "--at", "16.11.2026 09:00", "--kind", "call",
          "--direction", "in"],
         ["log", "baeckerei-sommer", "--at", "23.11.2026 10:00", "--kind", "call",
          "--direction", "out"]],
        # The follow-up we promised, on its day.
        [["log", "baeckerei-sommer", "--at", "01.11.2026 09:00", "--kind", "call",
          "--direction", "in", "--followup", "2026-11-17"],
         ["log", "baeckerei-sommer", "--at", "17.11.2026 10:00", "--kind", "visit",
          "--direction", "out"]],
    ],
)  # fmt: skip
def test_answers_apologies_and_kept_promises_are_never_too_much(
    baeckerei: Run, answer: list[list[str]]
) -> None:
    for step in answer:
        assert "Warning" not in ok(baeckerei(*step)).stderr
    assert over_contacted(baeckerei) == []


def test_our_own_initiative_too_soon_is_still_too_much(baeckerei: Run) -> None:
    ok(baeckerei("log", "baeckerei-sommer", "--at", "10.11.2026 09:00", "--kind", "apology"))
    logged = ok(baeckerei("log", "baeckerei-sommer", "--at", "17.11.2026 10:00", "--kind",
                          "call", "--direction", "out"))  # fmt: skip
    assert logged.stderr.splitlines()[0] == (
        "Warning: baeckerei-sommer asked to be contacted not more than monthly;"
        " our previous contact was 15 days earlier."
    )
    [row] = [row for row in data(baeckerei, "health") if row["reason"] == "over-contacted"]
    assert (row["since"], row["detail"]) == (
        "2026-11-17",
        "two contacts 15 days apart; maximum monthly",
    )


def test_a_contact_logged_late_between_two_others_is_named(baeckerei: Run) -> None:
    ok(baeckerei("log", "baeckerei-sommer", "--at", "01.10.2026 10:00", "--kind", "call",
                 "--direction", "out"))  # fmt: skip
    logged = ok(baeckerei("log", "baeckerei-sommer", "--at", "15.10.2026 10:00", "--kind",
                          "call", "--direction", "out"))  # fmt: skip
    assert logged.stderr.splitlines()[0] == (
        "Warning: baeckerei-sommer asked to be contacted not more than monthly;"
        " our previous contact was 14 days earlier."
    )
    ok(baeckerei("log", "baeckerei-sommer", "--at", "20.11.2026 10:00", "--kind", "call",
                 "--direction", "out"))  # fmt: skip
    late = ok(baeckerei("log", "baeckerei-sommer", "--at", "05.12.2025 10:00", "--kind",
                        "call", "--direction", "out"))  # fmt: skip
    assert "Warning" not in late.stderr  # nothing near it
    squeezed = ok(baeckerei("log", "baeckerei-sommer", "--at", "10.11.2026 10:00", "--kind",
                            "call", "--direction", "out"))  # fmt: skip
    assert squeezed.stderr.splitlines()[0] == (
        "Warning: baeckerei-sommer asked to be contacted not more than monthly;"
        " our previous contact was 8 days earlier."
    )


def test_a_promise_typed_later_excuses_nothing_before_it(baeckerei: Run) -> None:
    """A follow-up recorded today, due on the 17th, did not exist on the 17th."""
    ok(baeckerei("log", "baeckerei-sommer", "--at", "17.11.2026 10:00", "--kind", "visit",
                 "--direction", "out"))  # fmt: skip
    ok(baeckerei("followup", "add", "baeckerei-sommer", "Muster", "--due", "2026-11-17"))
    assert over_contacted(baeckerei) == ["baeckerei-sommer"]


def test_a_contact_logged_late_just_before_another_is_named(baeckerei: Run) -> None:
    logged = ok(baeckerei("log", "baeckerei-sommer", "--at", "20.10.2026 10:00", "--kind",
                          "call", "--direction", "out"))  # fmt: skip
    assert logged.stderr.splitlines()[0] == (
        "Warning: baeckerei-sommer asked to be contacted not more than monthly;"
        " our next contact was 13 days later."
    )
    german = ok(baeckerei("--lang", "de", "log", "baeckerei-sommer", "--at", "01.09.2026 10:00",
                          "--kind", "call", "--direction", "out"))  # fmt: skip
    assert "Warnung" not in german.stderr
