"""Correcting entries (issue 13, first part): `interaction list|edit|delete`, and
every report looks as if the mistake never happened."""

import json
from pathlib import Path

import pytest

from tests.conftest import Run, error_line, journal_snapshot, ok


@pytest.fixture
def at_risk(journal: Run) -> Run:
    ok(journal("add", "yoga-lotus", "--name", "Yoga Lotus"))
    ok(journal("log", "yoga-lotus", "--at", "2026-11-01", "--kind", "complaint", "--mood", "-2",
               "--note", "Ärger über die Rechnung"))  # fmt: skip
    return journal


def health(run: Run) -> list[str]:
    return [row["handle"] for row in json.loads(ok(run("health", "-f", "json")).stdout)]


def test_a_mistyped_entry_is_deleted_and_the_risk_comes_back(at_risk: Run) -> None:
    assert health(at_risk) == ["yoga-lotus"]
    ok(at_risk("log", "yoga-lotus", "--direction", "rein", "--kind", "call", "--mood", "1",
               "--note", "x"))  # fmt: skip
    assert health(at_risk) == []  # "a better contact" took them off
    listing = ok(at_risk("interaction", "list", "yoga-lotus")).stdout.splitlines()
    assert listing[0].split() == ["#", "Customer", "Date", "Kind", "Channel", "Dir", "Who",
                                  "Contact", "Mood", "Note"]  # fmt: skip
    assert listing[1].split()[:2] == ["2", "yoga-lotus"]
    result = ok(at_risk("interaction", "delete", "2", "--yes"))
    assert result.stderr == 'Deleted #2 of yoga-lotus on 2026-11-25: call "x".\n'
    assert health(at_risk) == ["yoga-lotus"]
    [entry] = json.loads(ok(at_risk("interaction", "list", "-f", "json")).stdout)
    assert entry["id"] == 1 and entry["note"] == "Ärger über die Rechnung"


def test_an_entry_is_corrected_and_the_plan_follows(at_risk: Run) -> None:
    before = json.loads(ok(at_risk("list", "-f", "json")).stdout)[0]["next_due"]
    result = ok(at_risk("interaction", "edit", "1", "--at", "2026-10-01", "--mood", "1",
                        "--kind", "call", "--direction", "out", "--note", "Alles gut"))  # fmt: skip
    assert result.stderr == "Corrected #1 of yoga-lotus.\n"
    [entry] = json.loads(ok(at_risk("interaction", "list", "-f", "json")).stdout)
    assert (entry["occurred_on"], entry["mood"], entry["kind"], entry["direction"],
            entry["note"]) == ("2026-10-01", 1, "call", "out", "Alles gut")  # fmt: skip
    after = json.loads(ok(at_risk("list", "-f", "json")).stdout)[0]["next_due"]
    assert (before, after) == ("2027-02-01", "2027-01-01")
    assert health(at_risk) == []


def test_list_filters_and_formats(at_risk: Run) -> None:
    ok(at_risk("add", "other"))
    ok(at_risk("log", "other", "--kind", "call", "--note", "hallo"))
    assert len(json.loads(ok(at_risk("interaction", "list", "-f", "json")).stdout)) == 2
    since = json.loads(ok(at_risk("interaction", "list", "--since", "2026-11-20", "-f",
                                  "json")).stdout)  # fmt: skip
    assert [row["handle"] for row in since] == ["other"]
    text = ok(at_risk("interaction", "list", "--format", "csv")).stdout
    assert text.splitlines()[0] == (
        "id,handle,occurred_at,occurred_on,kind,channel,direction,person,contact,mood,note,amount"
    )
    limited = at_risk("interaction", "list", "--limit", "1")
    assert limited.stderr == "… 1 more row; use --limit 0 to see all.\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["interaction", "edit", "99", "--mood", "1"],
         "interaction #99 not found; see 'kundenpflege interaction list'"),
        (["interaction", "delete", "99", "--yes"],
         "interaction #99 not found; see 'kundenpflege interaction list'"),
        (["interaction", "edit", "1"],
         "nothing to change; see 'kundenpflege interaction edit --help'"),
        (["interaction", "delete", "1"],
         "deleting #1 needs --yes when no one is at a terminal to confirm"),
        (["interaction", "edit", "1", "--at", "+3d"],
         "2026-11-28 12:00 is in the future; plan it with 'kundenpflege followup add'"),
        (["interaction", "edit", "1", "--contact", "Niemand"],
         "no contact 'Niemand' at this customer; add one with 'kundenpflege contact add'"),
    ],
)  # fmt: skip
def test_errors_change_nothing(at_risk: Run, arguments: list[str], message: str) -> None:
    before = journal_snapshot()
    assert error_line(at_risk(*arguments)) == f"Error: {message}"
    assert journal_snapshot() == before


def test_a_deleted_or_restricted_entry_is_not_edited(at_risk: Run) -> None:
    ok(at_risk("interaction", "delete", "1", "--yes"))
    assert error_line(at_risk("interaction", "edit", "1", "--mood", "1")) == (
        "Error: interaction #1 not found; see 'kundenpflege interaction list'"
    )
    ok(at_risk("log", "yoga-lotus", "--kind", "call"))
    ok(at_risk("gdpr", "restrict", "yoga-lotus"))
    assert "yoga-lotus is restricted" in error_line(
        at_risk("interaction", "edit", "2", "--mood", "1")
    )
    assert ok(at_risk("interaction", "list", "-f", "json")).stdout.strip() == "[]"


def test_in_german(at_risk: Run) -> None:
    result = at_risk("--lang", "de", "interaction", "edit", "1")
    assert result.stderr == (
        "Fehler: nichts zu ändern; siehe „kundenpflege interaction edit --help“\n"
    )
    done = ok(at_risk("--lang", "de", "interaction", "edit", "1", "--mood", "0"))
    assert done.stderr == "#1 von yoga-lotus korrigiert.\n"


def test_a_promise_is_corrected_or_cancelled(at_risk: Run) -> None:
    ok(at_risk("followup", "add", "yoga-lotus", "Angebot", "--due", "+2d"))
    assert ok(at_risk("followup", "edit", "1", "--due", "2026-12-01", "--text",
                      "Angebot schicken")).stderr == "Follow-up #1 corrected.\n"  # fmt: skip
    [row] = json.loads(ok(at_risk("followup", "list", "-f", "json")).stdout)
    assert (row["what"], row["due_on"], row["promised_on"]) == (
        "Angebot schicken",
        "2026-12-01",
        "2026-11-25",
    )
    assert "follow-up" in {
        item["reason"]
        for item in json.loads(ok(at_risk("due", "--days", "7", "-f", "json")).stdout)
    }
    assert ok(at_risk("followup", "cancel", "1")).stderr == "Follow-up #1 cancelled.\n"
    assert ok(at_risk("followup", "list", "-f", "json")).stdout.strip() == "[]"
    assert "follow-up" not in {
        item["reason"]
        for item in json.loads(ok(at_risk("due", "--days", "7", "-f", "json")).stdout)
    }
    before = journal_snapshot()
    for arguments, message in (
        (["followup", "cancel", "1"], "follow-up #1 is cancelled"),
        (["followup", "done", "1"], "follow-up #1 is cancelled"),
        (["followup", "edit", "1", "--text", "x"], "follow-up #1 is cancelled"),
        (["followup", "cancel", "9"], "follow-up #9 not found; see 'kundenpflege followup list'"),
    ):
        assert error_line(at_risk(*arguments)) == f"Error: {message}"
    ok(at_risk("followup", "add", "yoga-lotus", "Rückruf", "--due", "+1d"))
    assert error_line(at_risk("followup", "edit", "2")) == (
        "Error: nothing to change; give --due or --text"
    )
    assert journal_snapshot() != before  # only the add changed it


def test_a_contact_is_corrected_or_removed(at_risk: Run) -> None:
    ok(at_risk("contact", "add", "yoga-lotus", "Petra", "--email", "petra@lotus.example"))
    ok(at_risk("contact", "add", "yoga-lotus", "Jan"))
    ok(at_risk("log", "yoga-lotus", "--contact", "Jan", "--kind", "call", "--note", "mit Jan"))
    result = ok(at_risk("contact", "edit", "yoga-lotus/Jan", "--name", "Jan Berg", "--role",
                        "Einkauf", "--main"))  # fmt: skip
    assert result.stderr == "Corrected yoga-lotus/Jan.\n"
    rows = json.loads(ok(at_risk("contact", "list", "yoga-lotus", "-f", "json")).stdout)
    assert [(row["name"], row["role"], row["is_main"]) for row in rows] == [
        ("Jan Berg", "Einkauf", True), ("Petra", None, False)]  # fmt: skip
    assert error_line(at_risk("contact", "remove", "yoga-lotus/Jan Berg")) == (
        "Error: removing yoga-lotus/Jan Berg needs --yes when no one is at a terminal to confirm"
    )
    ok(at_risk("contact", "remove", "yoga-lotus/Jan Berg", "--yes"))
    [entry] = [row for row in json.loads(ok(at_risk("interaction", "list", "-f", "json")).stdout)
               if row["note"] == "mit Jan"]  # fmt: skip
    assert entry["contact"] is None
    ok(at_risk("consent", "grant", "yoga-lotus/Petra", "--purpose", "newsletter"))
    before = journal_snapshot()
    assert "consent ledger, which is append-only" in error_line(
        at_risk("contact", "remove", "yoga-lotus/Petra", "--yes")
    )
    assert error_line(at_risk("contact", "edit", "yoga-lotus", "--role", "x")) == (
        "Error: name the contact as HANDLE/CONTACT, e.g. 'mueller-bau/Petra Müller'"
    )
    assert error_line(at_risk("contact", "edit", "yoga-lotus/Petra")) == (
        "Error: nothing to change; give --name, --role, --email, --phone or --main"
    )
    assert journal_snapshot() == before


def test_our_people_are_corrected_renamed_and_leave(journal: Run) -> None:
    ok(journal("person", "add", "anna"))
    ok(journal("person", "add", "ben"))
    ok(journal("add", "k"))
    assert error_line(journal("prefer", "k", "--person", "lnea")) == (  # a typo: no colleague
        "Error: person 'lnea' not found; see 'kundenpflege person list'; to add them:"
        " 'kundenpflege person add lnea'"
    )
    ok(journal("person", "add", "lnea"))  # typed wrong here too, corrected below
    ok(journal("prefer", "k", "--person", "lnea"))
    ok(journal("log", "k", "--kind", "call", "--person", "ben", "--followup", "+3d"))
    assert ok(journal("person", "rename", "lnea", "lena")).stderr == "Renamed lnea to lena.\n"
    assert ok(journal("person", "edit", "lena", "--name", "Lena Roth")).stderr == (
        "Corrected lena.\n"
    )
    ok(journal("person", "remove", "ben", "--reassign", "lena"))
    people = json.loads(ok(journal("person", "list", "-f", "json")).stdout)
    assert [(row["handle"], row["left_at"] is not None) for row in people] == [
        ("anna", False), ("ben", True), ("lena", False)]  # fmt: skip
    [promise] = json.loads(ok(journal("followup", "list", "-f", "json")).stdout)
    assert promise["person"] == "lena"
    [entry] = json.loads(ok(journal("interaction", "list", "-f", "json")).stdout)
    assert entry["person"] == "ben"  # who really had the contact
    before = journal_snapshot()
    for arguments, message in (
        (["person", "rename", "anna", "lena"],
         "person 'lena' exists already; see 'kundenpflege person list'"),
        (["person", "edit", "ana", "--name", "A"], "person 'ana' not found; did you mean anna?;"
         " to add them: 'kundenpflege person add ana'"),
        (["person", "remove", "anna", "--reassign", "ben"],
         "reassign to someone else who is still with us, not ben"),
        (["log", "k", "--kind", "call", "--person", "ben"],
         "ben has left; see 'kundenpflege person list'"),
        (["person", "edit", "anna"], "nothing to change; give --name or --email"),
    ):  # fmt: skip
        assert error_line(journal(*arguments)) == f"Error: {message}", arguments
    assert journal_snapshot() == before


@pytest.mark.parametrize("word", ["remove", "delete", "del"])
def test_words_for_taking_back_point_to_the_commands(journal: Run, word: str) -> None:
    assert error_line(journal(word, "3"), code=2) == (
        f"Error: '{word}' is not a command; to correct something use 'kundenpflege interaction"
        " delete NUMBER', 'contact remove', 'person remove' or 'followup cancel'"
    )
    german = journal("--lang", "de", word)
    assert german.stderr.startswith(f"Fehler: „{word}“ ist kein Befehl; zum Korrigieren")


def test_only_people_who_exist_are_taken(journal: Run, tmp_path: Path) -> None:
    ok(journal("person", "add", "anna"))
    ok(journal("add", "k"))
    hint = "to add them: 'kundenpflege person add {name}'"
    for arguments in (["due", "--person", "nobody"], ["remind", "--person", "nobody"],
                      ["log", "k", "--kind", "call", "--person", "nobody"]):  # fmt: skip
        assert error_line(journal(*arguments)) == (
            "Error: person 'nobody' not found; see 'kundenpflege person list'; "
            + hint.format(name="nobody")
        ), arguments
    sheet = tmp_path / "in.csv"
    sheet.write_text("name,betreuer\nNeu GmbH,anan\nAlt KG,anna\n", encoding="utf-8")
    before = journal_snapshot()
    assert error_line(journal("import", "csv", str(sheet))) == (
        f"Error: {sheet} line 2: person 'anan' not found; did you mean anna?; "
        + hint.format(name="anan")
    )
    assert journal_snapshot() == before
    skipped = ok(journal("import", "csv", str(sheet), "--skip-invalid")).stderr
    assert "1 added, 0 updated, 0 unchanged, 1 skipped" in skipped


def test_the_owner_looks_after_customers_who_chose_nobody(run: Run) -> None:
    assert ok(run("init", "--me", "anna")).stderr.splitlines()[0] == (
        "You are anna: customers who chose nobody are yours."
    )
    ok(run("person", "add", "ben"))
    ok(run("add", "a"))
    ok(run("add", "b"))
    ok(run("prefer", "b", "--person", "ben"))
    due = json.loads(ok(run("due", "-f", "json")).stdout)
    assert [(item["handle"], item["person"]) for item in due] == [("a", "anna"), ("b", "ben")]
    mine = json.loads(ok(run("due", "--person", "anna", "-f", "json")).stdout)
    assert [item["handle"] for item in mine] == ["a"]
    assert "anna (1):" in ok(run("remind")).stdout


def test_the_owner_follows_a_rename_and_a_handover(journal: Run) -> None:
    ok(journal("person", "add", "ben"))
    ok(journal("person", "add", "anna"))
    ok(journal("init", "--me", "ben"))
    ok(journal("add", "solo"))
    ok(journal("person", "rename", "ben", "benno"))
    [row] = json.loads(ok(journal("due", "-f", "json")).stdout)
    assert row["person"] == "benno"
    ok(journal("person", "remove", "benno", "--reassign", "anna"))
    [row] = json.loads(ok(journal("due", "-f", "json")).stdout)
    assert row["person"] == "anna"
