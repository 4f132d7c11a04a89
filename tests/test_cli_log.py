import json
import os
import stat
from pathlib import Path

import pytest

from kundenpflege.cli import editor
from kundenpflege.errors import KundenpflegeError
from tests.conftest import Run, error_line, journal_records, journal_snapshot, ok, terminal


@pytest.fixture
def customer(journal: Run) -> Run:
    ok(journal("add", "mueller-bau", "--name", "Müller Bau GmbH"))
    ok(journal("contact", "add", "mueller-bau", "Petra Müller", "--email", "petra@example.org"))
    for colleague in ("anna", "ben"):
        ok(journal("person", "add", colleague))
    return journal


def interactions() -> list[dict[str, object]]:
    return journal_records("SELECT * FROM interactions ORDER BY id")


def test_prefer_records_and_supersedes(customer: Run) -> None:
    result = ok(
        customer(
            "prefer",
            "mueller-bau",
            "--person",
            "anna",
            "--channel",
            "telefon",
            "--every",
            "alle 2 Wochen",
            "--days",
            "di,do",
            "--max",
            "weekly",
            "--source",
            "said at the trade fair",
        )
    )
    assert result.stderr == ("Recorded the preference of mueller-bau; next contact 2026-11-26.\n")
    ok(customer("prefer", "mueller-bau", "--channel", "email", "--time", "vormittags"))
    data = json.loads(ok(customer("show", "mueller-bau", "-f", "json")).stdout)[0]
    current, earlier = data["preference_history"]
    assert (current["channel"], current["person"], current["weekdays"]) == (
        "email",
        "anna",
        [1, 3],
    )
    assert current["time_of_day"] == "morning"
    assert current["max_frequency"] == {"count": 1, "unit": "weeks"}
    assert earlier["channel"] == "phone"
    assert earlier["source"] == "said at the trade fair"


def test_prefer_none_clears_and_do_not_contact(customer: Run) -> None:
    ok(customer("prefer", "mueller-bau", "--every", "monthly", "--days", "mo"))
    ok(customer("prefer", "mueller-bau", "--days", "none"))
    data = json.loads(ok(customer("show", "mueller-bau", "-f", "json")).stdout)[0]
    assert data["preference"]["weekdays"] == []
    result = ok(customer("prefer", "mueller-bau", "--do-not-contact", "--source", "Brief"))
    assert result.stderr == "Recorded the preference of mueller-bau; not to be contacted.\n"
    assert ok(customer("due")).stdout == ""
    ok(customer("prefer", "mueller-bau", "--may-contact"))
    assert "mueller-bau" in ok(customer("due")).stdout


def test_prefer_errors_change_nothing(customer: Run) -> None:
    before = journal_snapshot()
    assert error_line(customer("prefer", "mueller-bau")) == (
        "Error: nothing to record; give --person, --channel, --every, --days, --time, --max"
        " or --do-not-contact"
    )
    assert error_line(customer("prefer", "mueller-bau", "--every", "every -1 weeks")) == (
        "Error: frequency 'every -1 weeks' needs a positive number of periods"
    )
    assert error_line(customer("prefer", "mueller-bau", "--channel", "fax")) == (
        "Error: unknown channel 'fax'; use one of phone, email, visit, video, letter, messenger,"
        " newsletter (or x-NAME for your own)"
    )
    assert error_line(
        customer("prefer", "mueller-bau", "--every", "weekly", "--max", "monthly")
    ) == (
        "Error: contact weekly is more often than their maximum (monthly); adjust --every or --max"
    )
    assert error_line(customer("prefer", "mueller-bau", "--person", "Anna B")) == (
        "Error: person handle 'Anna B' may only use a-z, 0-9, '.', '_' and '-'"
        " and must start with a letter or digit"
    )
    assert error_line(customer("prefer", "mueller-bau", "--days", "someday")) == (
        "Error: cannot read weekday 'someday'; use mon..sun or mo..so, e.g. 'di,do'"
    )
    assert journal_snapshot() == before


def test_log_the_issue_example(customer: Run) -> None:
    ok(
        customer(
            "prefer",
            "mueller-bau",
            "--person",
            "anna",
            "--channel",
            "phone",
            "--every",
            "alle 2 Wochen",
        )
    )
    result = ok(
        customer(
            "log",
            "mueller-bau",
            "--channel",
            "phone",
            "--kind",
            "complaint",
            "--direction",
            "in",
            "--mood",
            "-1",
            "--note",
            "Lieferung zu spät, verärgert",
            "--followup",
            "+2d",
        )
    )
    assert result.stdout == ""
    assert result.stderr == (
        "Logged #1 for mueller-bau; next contact 2026-12-09; follow-up #1 due 2026-11-27.\n"
    )
    [row] = interactions()
    assert {key: row[key] for key in ("channel", "kind", "direction", "mood", "note")} == {
        "channel": "phone",
        "kind": "complaint",
        "direction": "in",
        "mood": -1,
        "note": "Lieferung zu spät, verärgert",
    }
    assert row["occurred_at"] == "2026-11-25T08:00:00+00:00"
    assert row["occurred_on"] == "2026-11-25"
    assert row["person_id"] is not None  # their chosen person by default


def test_log_defaults_and_german_words(customer: Run) -> None:
    ok(customer("log", "mueller-bau", "--kind", "beschwerde", "--note", "x"))
    ok(
        customer(
            "log",
            "mueller-bau",
            "--channel",
            "besuch",
            "--contact",
            "petra@example.org",
            "--at",
            "gestern 15:00",
        )
    )
    ok(
        customer(
            "log", "mueller-bau", "--kind", "bestellung", "--amount", "99.5", "--at", "20.11.2026"
        )
    )
    complaint, visit, order = interactions()
    assert (complaint["kind"], complaint["direction"], complaint["channel"]) == (
        "complaint",
        "in",
        None,
    )
    assert (visit["kind"], visit["direction"], visit["channel"]) == ("visit", "out", "visit")
    assert visit["contact_id"] == 1
    assert visit["occurred_at"] == "2026-11-24T14:00:00+00:00"
    assert (order["kind"], order["direction"], order["amount"]) == ("order", "in", 99.5)
    assert order["occurred_on"] == "2026-11-20"


def test_log_note_from_stdin(customer: Run) -> None:
    ok(
        customer(
            "log",
            "mueller-bau",
            "--kind",
            "call",
            "--note",
            "-",
            input="Privat: Tochter krank\nbitte später\n",
        )
    )
    assert interactions()[0]["note"] == "Privat: Tochter krank\nbitte später"


def test_log_without_note_off_a_terminal_logs_no_note(customer: Run) -> None:
    ok(customer("log", "mueller-bau", "--kind", "call"))
    assert interactions()[0]["note"] is None


def test_log_errors_change_nothing(customer: Run) -> None:
    before = journal_snapshot()
    cases = {
        ("log", "muller-bau"): "Error: customer 'muller-bau' not found; did you mean mueller-bau?",
        (
            "log",
            "mueller-bau",
            "--at",
            "31.02.2026",
        ): "Error: '31.02.2026' is not a real date",
        (
            "log",
            "mueller-bau",
            "--at",
            "+2d",
        ): "Error: 2026-11-27 12:00 is in the future; plan it with 'kundenpflege followup add'",
        (
            "log",
            "mueller-bau",
            "--kind",
            "gossip",
        ): "Error: unknown kind 'gossip'; use one of call, meeting, email, order, complaint,"
        " apology, visit, quote, letter, message, newsletter, contact (or x-NAME for your own)",
        (
            "log",
            "mueller-bau",
            "--direction",
            "sideways",
        ): "Error: unknown direction 'sideways'; use one of in, out",
        (
            "log",
            "mueller-bau",
            "--contact",
            "Hans",
        ): "Error: no contact 'Hans' at this customer; known contacts: Petra Müller",
        ("log", "mueller-bau", "--amount", "-3"): "Error: amount -3 cannot be negative",
        (
            "log",
            "mueller-bau",
            "--followup",
            "bald",
        ): "Error: cannot read date 'bald'; use YYYY-MM-DD, DD.MM.YYYY, today, +3d or next monday",
    }
    for arguments, message in cases.items():
        assert error_line(customer(*arguments)) == message
    assert error_line(customer("log", "mueller-bau", "--mood", "3"), code=2) == (
        "Error: Invalid value for '--mood': 3 is not in the range -2<=x<=2."
    )
    assert journal_snapshot() == before


def test_custom_channel_with_prefix(customer: Run) -> None:
    ok(customer("log", "mueller-bau", "--channel", "x-signal", "--kind", "x-smalltalk"))
    assert interactions()[0]["channel"] == "x-signal"


def test_editor_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "fake-editor"
    script.write_text('#!/bin/sh\nprintf "Vertraulich: neue Preise\\n# dropped\\n" > "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("EDITOR", str(script))
    assert editor.write_note() == "Vertraulich: neue Preise"


def test_editor_file_is_private_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "seen"
    script = tmp_path / "inspect"
    script.write_text(f'#!/bin/sh\nstat -c %a "$1" > {record}\necho "$1" >> {record}\n')
    script.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(script))
    with pytest.raises(KundenpflegeError, match="empty note; nothing was logged or changed"):
        editor.write_note()  # only the template: stops, as git does
    mode, path = record.read_text().split()
    assert mode == "600"
    assert not os.path.exists(path)


def test_an_interrupted_editor_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "seen"
    script = tmp_path / "interrupted"
    script.write_text(f'#!/bin/sh\necho "$1" > {record}\nkill -INT $PPID\nsleep 1\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    with pytest.raises(KeyboardInterrupt):
        editor.write_note()
    assert not os.path.exists(record.read_text().strip())


def test_editor_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR", "false")
    with pytest.raises(KundenpflegeError, match="editor 'false' exited with status 1; nothing"):
        editor.write_note()
    monkeypatch.setenv("EDITOR", "/no/such/editor")
    with pytest.raises(KundenpflegeError, match="cannot start editor '/no/such/editor'"):
        editor.write_note()


def test_followups(customer: Run) -> None:
    result = ok(
        customer(
            "followup",
            "add",
            "mueller-bau",
            "Angebot schicken",
            "--due",
            "freitag",
            "--person",
            "ben",
        )
    )
    assert (
        result.stderr
        == (
            "Added our person 'ben' (see 'kundenpflege person list').\n"
            "Follow-up #1 for mueller-bau due 2026-11-27.\n"
        )
        or result.stderr == "Follow-up #1 for mueller-bau due 2026-11-27.\n"
    )
    ok(customer("followup", "add", "mueller-bau", "Muster", "--due", "2026-11-30"))
    listing = ok(customer("followup", "list")).stdout.splitlines()
    assert listing[1].split() == [
        "1",
        "mueller-bau",
        "Angebot",
        "schicken",
        "2026-11-27",
        "2026-11-25",
        "ben",
    ]
    assert ok(customer("followup", "snooze", "1", "--until", "+1w")).stderr == (
        "Follow-up #1 moved to 2026-12-02.\n"
    )
    assert ok(customer("followup", "done", "2")).stderr == "Follow-up #2 done.\n"
    [row] = json.loads(
        ok(customer("followup", "list", "--customer", "mueller-bau", "-f", "json")).stdout
    )
    assert (row["id"], row["due_on"], row["promised_on"]) == (1, "2026-12-02", "2026-11-25")


def test_followup_errors(customer: Run) -> None:
    ok(customer("followup", "add", "mueller-bau", "Angebot", "--due", "today"))
    ok(customer("followup", "done", "1"))
    assert error_line(customer("followup", "done", "1")) == "Error: follow-up #1 is already done"
    assert error_line(customer("followup", "done", "7")) == (
        "Error: follow-up #7 not found; see 'kundenpflege followup list'"
    )
    ok(customer("followup", "add", "mueller-bau", "Anruf", "--due", "today"))
    assert error_line(customer("followup", "snooze", "2", "--until", "yesterday")) == (
        "Error: snooze until a day after today, not 2026-11-24"
    )
    assert error_line(customer("followup", "add", "mueller-bau", " ", "--due", "today")) == (
        "Error: say what was promised, e.g. 'send the quote'"
    )
    assert error_line(customer("followup", "add", "mueller-bau", "x"), code=2) == (
        "Error: Missing option '--due'."
    )
    assert error_line(customer("followup", "done", "eins"), code=2) == (
        "Error: Invalid value for 'NUMBER': 'eins' is not a valid int range."
    )


def test_pause(customer: Run) -> None:
    assert ok(customer("pause", "mueller-bau", "--until", "15.01.2027")).stderr == (
        "Paused mueller-bau until 2027-01-15.\n"
    )
    assert ok(customer("due")).stdout == ""
    assert "mueller-bau" in ok(customer("due", "--as-of", "2027-01-15", "--days", "0")).stdout
    assert error_line(customer("pause", "mueller-bau", "--until", "irgendwann")) == (
        "Error: cannot read date 'irgendwann'; use YYYY-MM-DD, DD.MM.YYYY, today, +3d"
        " or next monday"
    )
    assert error_line(customer("pause", "mueller-bau"), code=2) == (
        "Error: Missing option '--until'."
    )


def test_log_without_note_at_a_terminal_opens_the_editor(
    customer: Run, journal_address: str, tmp_path: Path
) -> None:
    script = tmp_path / "editor"
    script.write_text('#!/bin/sh\nprintf "Privat: Umzug im Januar\\n" > "$1"\n')
    script.chmod(0o755)
    screen = terminal(["log", "mueller-bau", "--kind", "call"], journal_address, EDITOR=str(script))
    assert "Logged #1 for mueller-bau" in screen
    assert interactions()[0]["note"] == "Privat: Umzug im Januar"


@pytest.mark.parametrize(
    ("followup", "due"),
    [("+1d", "2026-11-17"), ("morgen", "2026-11-17"), ("17.11.2026", "2026-11-17"),
     ("+2w", "2026-11-30"), ("2026-12-01", "2026-12-01")],
)  # fmt: skip
def test_a_back_dated_promise_counts_from_the_conversation(
    customer: Run, followup: str, due: str
) -> None:
    """Issue 14 §4: `--followup +1d` after a call on 16.11. is due on 17.11., and the
    promise keeps the day it was made."""
    logged = ok(customer("log", "mueller-bau", "--at", "16.11.2026 08:30", "--kind", "call",
                         "--followup", followup))  # fmt: skip
    assert logged.stderr.endswith(f"follow-up #1 due {due}.\n")
    [row] = json.loads(ok(customer("followup", "list", "-f", "json")).stdout)
    assert (row["promised_on"], row["due_on"]) == ("2026-11-16", due)
    shown = ok(customer("show", "mueller-bau")).stdout
    assert f"#1 due {due} (promised 2026-11-16): follow up on call" in shown


def test_a_promise_made_now_is_promised_today(customer: Run) -> None:
    ok(customer("followup", "add", "mueller-bau", "Angebot", "--due", "+2d"))
    [row] = json.loads(ok(customer("followup", "list", "-f", "json")).stdout)
    assert (row["promised_on"], row["due_on"]) == ("2026-11-25", "2026-11-27")
    german = ok(customer("--lang", "de", "show", "mueller-bau")).stdout
    assert "#1 fällig am 27.11.2026 (versprochen am 25.11.2026): Angebot" in german


@pytest.fixture
def wished(customer: Run) -> Run:
    """Müller Bau said on 01.10.2026: anna, by phone."""
    ok(customer("prefer", "mueller-bau", "--person", "anna", "--channel", "phone",
                "--said", "2026-10-01"))  # fmt: skip
    return customer


def test_a_contact_against_their_wish_is_logged_with_warnings(wished: Run) -> None:
    """Issue 14 §2: it happened, so it is logged; the journal says what was wrong."""
    logged = ok(wished("log", "mueller-bau", "--person", "ben", "--channel", "visit",
                       "--kind", "meeting"))  # fmt: skip
    assert logged.stderr.splitlines()[:2] == [
        "Warning: mueller-bau chose anna to contact them; this contact was by ben.",
        "Warning: mueller-bau asked to be contacted by phone; this contact was by visit.",
    ]
    german = ok(wished("--lang", "de", "log", "mueller-bau", "--person", "ben", "--channel",
                       "email", "--kind", "email"))  # fmt: skip
    assert german.stderr.splitlines()[:2] == [
        "Warnung: mueller-bau hat anna als Ansprechpartner gewählt; dieser Kontakt war durch ben.",
        "Warnung: mueller-bau möchte per Telefon kontaktiert werden; dieser Kontakt war per"
        " E-Mail.",
    ]
    for fine in (
        ["log", "mueller-bau", "--kind", "call"],  # their person, their channel
        ["log", "mueller-bau", "--person", "ben", "--kind", "call", "--direction", "in"],
        ["log", "mueller-bau", "--at", "2026-09-15", "--person", "ben", "--channel", "visit"],
    ):
        assert "Warning" not in ok(wished(*fine)).stderr, fine


def test_a_contact_inside_their_pause_is_named(wished: Run) -> None:
    ok(wished("pause", "mueller-bau", "--until", "2026-12-10"))
    logged = ok(wished("log", "mueller-bau", "--kind", "call"))
    assert logged.stderr.splitlines()[0] == (
        "Warning: mueller-bau asked for a pause until 2026-12-10."
    )


def test_do_not_contact_refuses_unless_it_happened_anyway(wished: Run) -> None:
    ok(wished("prefer", "mueller-bau", "--do-not-contact", "--said", "2026-11-20"))
    before = journal_snapshot()
    assert error_line(wished("log", "mueller-bau", "--kind", "call", "--note", "x")) == (
        "Error: mueller-bau asked not to be contacted (stated 2026-11-20); nothing was logged;"
        " if the contact happened all the same, log it with --anyway"
    )
    assert journal_snapshot() == before
    german = wished("--lang", "de", "log", "mueller-bau", "--kind", "call")
    assert (german.exit_code, german.stderr) == (
        1,
        "Fehler: mueller-bau möchte nicht kontaktiert werden (gesagt am 20.11.2026); nichts"
        " wurde eingetragen; wenn der Kontakt trotzdem stattfand, mit --anyway eintragen\n",
    )
    ok(wished("log", "mueller-bau", "--kind", "call", "--anyway"))
    ok(wished("log", "mueller-bau", "--kind", "complaint", "--direction", "in"))  # they call us
    ok(wished("log", "mueller-bau", "--at", "2026-11-10", "--kind", "call"))  # before they said


def test_marketing_needs_confirmed_consent(wished: Run) -> None:
    """Issue 14 §2: `--purpose` marks a contact as marketing; the ledger as it stood
    that day decides (double opt-in: a grant alone is not enough)."""
    warning = (
        "Warning: mueller-bau has no confirmed consent to newsletter (double opt-in) for this"
        " contact; marketing needs it."
    )
    send = ("log", "mueller-bau", "--channel", "phone", "--kind", "newsletter", "--purpose",
            "newsletter")  # fmt: skip
    assert warning in ok(wished(*send)).stderr.splitlines()
    ok(wished("consent", "grant", "mueller-bau", "--purpose", "newsletter"))
    assert warning in ok(wished(*send)).stderr.splitlines()
    ok(wished("consent", "confirm", "mueller-bau", "--purpose", "newsletter"))
    assert "Warning" not in ok(wished(*send)).stderr
    assert warning in ok(wished(*send, "--at", "2026-11-01")).stderr.splitlines()  # before
    petra = ok(wished(*send, "--contact", "Petra Müller")).stderr.splitlines()
    assert warning.replace("mueller-bau", "mueller-bau/Petra Müller") in petra  # never consented
    ok(wished("consent", "withdraw", "mueller-bau", "--purpose", "newsletter"))
    german = ok(wished("--lang", "de", *send)).stderr.splitlines()
    assert (
        "Warnung: mueller-bau hat für diesen Kontakt keine bestätigte Einwilligung in"
        " Newsletter (Double-Opt-in); Werbung braucht sie." in german
    )
    stored = json.loads(ok(wished("export", "json")).stdout)["tables"]["interactions"]
    assert [row["purpose"] for row in stored] == ["newsletter"] * 6
    assert error_line(wished("log", "mueller-bau", "--purpose", "spam")) == (
        "Error: unknown purpose 'spam'; use one of newsletter, email-marketing, phone-marketing"
    )


def test_undo_keeps_the_purpose_of_a_deleted_entry(wished: Run) -> None:
    ok(wished("log", "mueller-bau", "--kind", "call", "--purpose", "phone-marketing"))
    ok(wished("interaction", "delete", "1", "--yes"))
    ok(wished("undo", "--yes"))
    [row] = json.loads(ok(wished("export", "json")).stdout)["tables"]["interactions"]
    assert row["purpose"] == "phone-marketing"


def test_a_pause_is_not_held_against_a_contact_before_it_was_asked_for(wished: Run) -> None:
    ok(wished("pause", "mueller-bau", "--until", "2026-12-10"))
    assert "Warning" not in ok(wished("log", "mueller-bau", "--at", "2026-11-01",
                                      "--kind", "call")).stderr  # fmt: skip


def test_a_promise_is_never_due_before_it_was_made(customer: Run) -> None:
    before = journal_snapshot()
    assert error_line(
        customer("log", "mueller-bau", "--at", "16.11.2026 08:30", "--followup", "-1d")
    ) == (  # fmt: skip
        "Error: a promise made on 2026-11-16 cannot be due on 2026-11-15, before it was made"
    )
    assert journal_snapshot() == before
    # A promise recorded today that is overdue already: made today, due then.
    ok(customer("followup", "add", "mueller-bau", "Rückruf", "--due", "2026-11-20"))
    [row] = json.loads(ok(customer("followup", "list", "-f", "json")).stdout)
    assert (row["promised_on"], row["due_on"]) == ("2026-11-25", "2026-11-20")


def test_a_wish_said_earlier_but_typed_later_does_not_take_over(customer: Run) -> None:
    ok(customer("prefer", "mueller-bau", "--person", "ben", "--said", "01.10.2026"))
    ok(customer("prefer", "mueller-bau", "--person", "anna", "--said", "01.06.2026"))
    [shown] = json.loads(ok(customer("show", "mueller-bau", "-f", "json")).stdout)
    assert shown["preference"]["person"] == "ben"
    assert [old["person"] for old in shown["preference_history"]] == ["ben", "anna"]
    logged = ok(customer("log", "mueller-bau", "--at", "15.07.2026", "--person", "ben"))
    assert "chose anna" in logged.stderr
    assert error_line(
        customer("prefer", "mueller-bau", "--every", "weekly", "--said", "01.01.2027")
    ) == (  # fmt: skip
        "Error: 2027-01-01 is in the future; record what the customer said when they said it"
    )


def test_health_lists_contacts_against_their_wish(wished: Run) -> None:
    """Issue 14 §2: what, when and by whom, for the last 90 days, newest first."""
    ok(wished("log", "mueller-bau", "--at", "2026-08-01 10:00", "--person", "ben",
              "--kind", "visit", "--note", "long ago"))  # fmt: skip
    ok(wished("log", "mueller-bau", "--at", "2026-11-20 10:00", "--person", "ben",
              "--kind", "visit", "--note", "Besuch"))  # fmt: skip
    ok(wished("log", "mueller-bau", "--at", "2026-11-21 10:00", "--kind", "call",
              "--purpose", "phone-marketing", "--note", "Aktion"))  # fmt: skip
    ok(wished("pause", "mueller-bau", "--until", "2026-12-10"))
    ok(wished("log", "mueller-bau", "--kind", "call", "--note", "kurz"))
    ok(wished("log", "mueller-bau", "--at", "2026-11-22 10:00", "--kind", "call", "--note", "ok"))
    risks = [
        (risk["since"], risk["detail"], risk["person"], risk["channel"])
        for risk in json.loads(ok(wished("health", "-f", "json")).stdout)
        if risk["reason"] == "against-their-wish"
    ]
    assert risks == [
        ("2026-11-25", "call; inside their pause until 2026-12-10", "anna", "phone"),
        ("2026-11-21", "call; phone-marketing without confirmed consent", "anna", "phone"),
        ("2026-11-20", "visit; by ben; they chose anna; by visit; they asked for phone", "ben",
         "visit"),
    ]  # fmt: skip
    german = ok(wished("--lang", "de", "health")).stdout
    assert "gegen ihren Wunsch" in german and "während ihrer Pause bis 10.12.2026" in german
    ok(wished("prefer", "mueller-bau", "--do-not-contact"))
    ok(wished("log", "mueller-bau", "--kind", "call", "--note", "doch", "--anyway"))
    [newest] = [
        risk
        for risk in json.loads(ok(wished("health", "-f", "json", "--person", "anna")).stdout)
        if risk["reason"] == "against-their-wish"
    ][:1]
    assert newest["detail"] == (
        "call; they asked not to be contacted; inside their pause until 2026-12-10"
    )
    # Correcting the wish corrects the verdicts: they had chosen ben after all.
    ok(wished("prefer", "mueller-bau", "--person", "ben", "--channel", "visit",
              "--said", "2026-11-01", "--may-contact"))  # fmt: skip
    details = [risk["detail"] for risk in json.loads(ok(wished("health", "-f", "json")).stdout)
               if risk["reason"] == "against-their-wish"]  # fmt: skip
    assert "visit; by ben; they chose anna; by visit; they asked for phone" not in details
    ok(wished("gdpr", "restrict", "mueller-bau"))
    assert json.loads(ok(wished("health", "-f", "json")).stdout) == []
