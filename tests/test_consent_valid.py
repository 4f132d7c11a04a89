"""The newsletter hand-off: `consent list --valid --purpose P` (issue 16 §5)."""

import csv
import io
import json

import pytest

from kundenpflege import clock
from tests.conftest import PINNED_NOW, Run, error_line, ok

HEADER = "name,email,phone,customer,granted_at,confirmed_at,evidence"


def on(monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    """From now on it is 10:00 (Berlin) on `day`."""
    monkeypatch.setenv(clock.PIN_VARIABLE, f"{day}T10:00:00+01:00")


@pytest.fixture
def ledger(journal: Run, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Granted on the 20th, confirmed on the 22nd; on the 24th Hans withdraws, lotus is
    restricted and stop-gmbh asks not to be contacted; unconfirmed-kg never confirms."""
    on(monkeypatch, "2026-11-20")
    people = {
        "mueller-bau": [("Petra Müller", "petra@mueller.example", True),
                        ("Hans Müller", "hans@mueller.example", False)],
        "berg": [("Jan Berg", None, True)],
        "lotus": [("Lena Lotus", "lena@lotus.example", True)],
        "stop-gmbh": [("Sven Stop", "sven@stop.example", True)],
        "unconfirmed-kg": [("Uwe Un", "uwe@un.example", True)],
    }  # fmt: skip
    for handle, contacts in people.items():
        ok(journal("add", handle, "--name", handle.title()))
        for name, email, main in contacts:
            options = ["--email", email] if email else ["--phone", "+49 30 1"]
            ok(journal("contact", "add", handle, name, *options, *(["--main"] if main else [])))
    whom = ["mueller-bau", "mueller-bau/Hans Müller", "berg", "lotus", "stop-gmbh"]
    for subject in [*whom, "unconfirmed-kg"]:
        ok(journal("consent", "grant", subject, "--purpose", "newsletter", "--evidence", "form"))
    on(monkeypatch, "2026-11-22")
    for subject in whom:
        ok(journal("consent", "confirm", subject, "--purpose", "newsletter", "--evidence", "DOI"))
    on(monkeypatch, "2026-11-24")
    ok(journal("consent", "withdraw", "mueller-bau/Hans Müller", "--purpose", "newsletter"))
    ok(journal("gdpr", "restrict", "lotus"))
    ok(journal("prefer", "stop-gmbh", "--do-not-contact", "--source", "phone call"))
    monkeypatch.setenv(clock.PIN_VARIABLE, PINNED_NOW)
    return journal


def rows(result_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(result_text)))


def test_only_confirmed_and_standing_consent_is_handed_over(ledger: Run) -> None:
    result = ok(ledger("consent", "list", "--valid", "--purpose", "newsletter", "-f", "csv"))
    assert result.stdout.splitlines() == [
        HEADER,
        "Petra Müller,petra@mueller.example,,mueller-bau,2026-11-20T09:00:00+00:00,"
        "2026-11-22T09:00:00+00:00,form; DOI",
    ]
    # Jan Berg's consent stands, but there is no address to send a newsletter to.
    assert result.stderr == "Left out 1 without an e-mail address: berg/Jan Berg\n"


def test_as_of_reads_the_ledger_and_the_wishes_of_that_day(ledger: Run) -> None:
    before = ok(ledger("consent", "list", "--valid", "--purpose", "newsletter", "-f", "csv",
                       "--as-of", "2026-11-23"))  # fmt: skip
    # Hans had not withdrawn yet, Sven had not asked to be left alone; lotus is
    # restricted now, which hides it for every day.
    assert [(row["name"], row["customer"]) for row in rows(before.stdout)] == [
        ("Hans Müller", "mueller-bau"), ("Petra Müller", "mueller-bau"),
        ("Sven Stop", "stop-gmbh"),
    ]  # fmt: skip
    assert rows(before.stdout)[0]["evidence"] == "form; DOI"
    granted_only = ok(ledger("consent", "list", "--valid", "--purpose", "newsletter",
                             "-f", "json", "--as-of", "2026-11-21"))  # fmt: skip
    assert json.loads(granted_only.stdout) == []
    assert granted_only.stderr == ""


def test_a_lifted_restriction_hides_only_the_days_it_stood(
    ledger: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    on(monkeypatch, "2026-11-25")
    ok(ledger("gdpr", "restrict", "lotus", "--lift"))
    now = rows(ok(ledger("consent", "list", "--valid", "--purpose", "newsletter",
                         "-f", "csv")).stdout)  # fmt: skip
    assert [row["customer"] for row in now] == ["lotus", "mueller-bau"]
    then = rows(ok(ledger("consent", "list", "--valid", "--purpose", "newsletter", "-f", "csv",
                          "--as-of", "2026-11-24")).stdout)  # fmt: skip
    assert [row["customer"] for row in then] == ["mueller-bau"]


def test_a_contacts_own_word_decides_for_them(ledger: Run) -> None:
    """The customer's consent reaches its main contact, unless she said otherwise."""
    ok(ledger("consent", "grant", "mueller-bau/Petra Müller", "--purpose", "newsletter"))
    ok(ledger("consent", "withdraw", "mueller-bau/Petra Müller", "--purpose", "newsletter"))
    result = ok(ledger("consent", "list", "mueller-bau", "--valid", "--purpose", "newsletter",
                       "-f", "csv"))  # fmt: skip
    assert (result.stdout, result.stderr) == (HEADER + "\n", "")


def test_a_contact_who_asked_not_to_be_contacted_is_left_out(ledger: Run) -> None:
    ok(ledger("prefer", "mueller-bau/Petra Müller", "--do-not-contact"))
    result = ok(ledger("consent", "list", "--valid", "--purpose", "newsletter", "-f", "json"))
    assert json.loads(result.stdout) == []


def test_phone_marketing_needs_a_phone_number(ledger: Run) -> None:
    for action in ("grant", "confirm"):
        for subject in ("berg", "mueller-bau"):
            ok(ledger("consent", action, subject, "--purpose", "phone-marketing"))
    result = ok(ledger("consent", "list", "--valid", "--purpose", "phone-marketing", "-f", "json"))
    [jan] = json.loads(result.stdout)
    assert (jan["name"], jan["phone"], jan["email"], jan["evidence"]) == (
        "Jan Berg", "+49 30 1", None, None,
    )  # fmt: skip
    assert result.stderr == "Left out 1 without a phone number: mueller-bau/Petra Müller\n"


def test_the_table_for_people(ledger: Run) -> None:
    table = ok(ledger("consent", "list", "--valid", "--purpose", "newsletter")).stdout
    header, petra = table.splitlines()[:2]
    assert header.split() == ["Name", "E-mail", "Phone", "Customer", "Granted", "Confirmed",
                              "Evidence"]  # fmt: skip
    assert petra.split() == [
        "Petra", "Müller", "petra@mueller.example", "mueller-bau",
        "2026-11-20", "10:00", "2026-11-22", "10:00", "form;", "DOI",
    ]  # fmt: skip


def test_the_ledger_by_purpose_and_day(ledger: Run) -> None:
    listed = json.loads(ok(ledger("consent", "list", "--purpose", "newsletter",
                                  "--as-of", "2026-11-21", "-f", "json")).stdout)  # fmt: skip
    assert {row["action"] for row in listed} == {"grant"}
    assert len(listed) == 5  # lotus, restricted now, is not in the ledger's list
    everything = json.loads(ok(ledger("consent", "list", "-f", "json")).stdout)
    assert len(everything) == 10


def test_consent_list_errors(ledger: Run) -> None:
    assert error_line(ledger("consent", "list", "--valid")) == (
        "Error: --valid needs --purpose: newsletter, email-marketing or phone-marketing"
    )
    assert error_line(ledger("consent", "list", "--valid", "--purpose", "fax")) == (
        "Error: unknown purpose 'fax'; use one of newsletter, email-marketing, phone-marketing"
    )
    assert error_line(
        ledger("consent", "list", "nobody", "--valid", "--purpose", "newsletter")
    ) == ("Error: customer 'nobody' not found; see 'kundenpflege list'")
    assert error_line(
        ledger("consent", "list", "--valid", "--purpose", "newsletter", "--as-of", "31.02.2026")
    ).startswith("Error: ")


def test_a_person_may_withdraw_what_the_firm_s_consent_gave_her(journal: Run) -> None:
    ok(journal("add", "mueller-bau", "--name", "Müller Bau"))
    ok(journal("contact", "add", "mueller-bau", "Petra Müller", "--email", "p@m.de", "--main"))
    ok(journal("consent", "grant", "mueller-bau", "--purpose", "newsletter"))
    ok(journal("consent", "confirm", "mueller-bau", "--purpose", "newsletter"))
    listed = ok(journal("consent", "list", "--valid", "--purpose", "newsletter", "-f", "csv"))
    assert "p@m.de" in listed.stdout
    ok(journal("consent", "withdraw", "mueller-bau/Petra Müller", "--purpose", "newsletter"))
    after = ok(journal("consent", "list", "--valid", "--purpose", "newsletter", "-f", "csv"))
    assert "p@m.de" not in after.stdout
    # Nothing given, nothing to withdraw: still an error.
    assert "no email-marketing consent" in error_line(
        journal("consent", "withdraw", "mueller-bau/Petra Müller", "--purpose", "email-marketing")
    )
