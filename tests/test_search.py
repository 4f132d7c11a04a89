"""`search` (issue 16 §1): one FTS5 index over everything typed, kept by the unit of
work, German-aware, never fed raw query syntax, purged on erasure."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from kundenpflege.domain.search_index import fold
from kundenpflege.reports.search import Term, snippet, terms
from kundenpflege.storage import fulltext
from tests.conftest import Run, error_line, journal_bytes, ok, terminal

FIXTURES = Path(__file__).parent / "fixtures"


def test_fold_meets_every_way_of_writing_an_umlaut() -> None:
    assert fold("Müller") == fold("Mueller") == fold("Muller") == fold("MÜLLER") == "muller"
    assert fold("Straße") == fold("Strasse") == fold("STRASSE") == "strasse"
    assert fold("Café Österreich") == "cafe osterreich"
    assert fold("Goethe") == "gothe" and fold("Ähre") == fold("Aehre")


class _OnServer:
    """Picks the server's words; `match` only writes SQL, it runs none."""

    engine = "postgresql"


def expression(found: list[Term], connection: object = None) -> str:
    """The query as the index reads it: FTS5's in a file, a tsquery on a server."""
    chosen = connection or sqlite3.connect(":memory:")
    return fulltext.match(chosen, [(term.words, term.prefix) for term in found])[2]  # type: ignore[arg-type]


def test_query_words_are_quoted_and_prefixes_need_three_letters() -> None:
    assert expression(terms("Müller bau")) == '"muller"* AND "bau"*'
    assert expression(terms("zu")) == '"zu"'
    assert expression(terms('"zu hoch" Preis')) == '"zu hoch" AND "preis"*'
    # What FTS5 would read as syntax is only a separator here.
    assert expression(terms("mueller-bau")) == '"muller bau"*'
    assert expression(terms("anja@example.de")) == '"anja example de"'
    assert expression(terms("+49 30")) == '"49" AND "30"'
    assert expression(terms("Angebot:")) == '"angebot"*'
    assert expression(terms("2.400")) == '"2 400"*'
    assert expression(terms('NEAR(a b) OR x:y "unclosed')) == (
        '"near a" AND "b" AND "or" AND "x y" AND "unclosed"*'
    )
    assert terms("- & !") == []


def test_a_server_gets_the_same_terms_as_a_tsquery() -> None:
    assert expression(terms("Müller bau"), _OnServer()) == "'muller':* & 'bau':*"
    assert expression(terms('"zu hoch" Preis'), _OnServer()) == "'zu' <-> 'hoch' & 'preis':*"
    assert expression(terms("anja@example.de"), _OnServer()) == "'anja' <-> 'example' <-> 'de'"


def test_snippet_marks_the_match_on_the_text_as_typed() -> None:
    found = terms("mueller stras")
    assert snippet("Termin bei Müller in der Straße", found) == (
        "Termin bei \ue000Müller\ue001 in der \ue000Straße\ue001"
    )
    long = "wort " * 60 + "Angebot geschickt " + "rest " * 60
    shown = snippet(long, terms("angebot"))
    assert shown.startswith("…") and shown.endswith("…") and "\ue000Angebot\ue001" in shown
    assert len(shown) <= 165


@pytest.fixture
def known(journal: Run) -> Run:
    ok(journal("add", "mueller-bau", "--name", "Müller Bau GmbH", "--company", "Müller Bau"))
    ok(journal("contact", "add", "mueller-bau", "Anja Sommer", "--email", "anja@example.de",
               "--role", "Einkauf", "--phone", "+49 30 1234"))  # fmt: skip
    ok(journal("add", "hoefler", "--name", "Weingut Höfler"))
    ok(journal("log", "hoefler", "--at", "2026-10-01 10:00", "--kind", "call",
               "--note", "Lieferung in die Hauptstraße, Preis 2.400 zu hoch"))  # fmt: skip
    ok(journal("log", "hoefler", "--at", "2026-11-02 10:00", "--kind", "email",
               "--note", "Angebot: neue Preisliste für die Strasse"))  # fmt: skip
    ok(journal("log", "mueller-bau", "--at", "2026-11-20 10:00", "--kind", "call",
               "--note", "Herr Mueller fragt nach dem Preis"))  # fmt: skip
    ok(journal("prefer", "mueller-bau", "--every", "monthly", "--source", "Messe in Straßburg"))
    ok(journal("followup", "add", "hoefler", "Preis nachrechnen", "--due", "2026-12-01"))
    return journal


def found(run: Run, *arguments: str) -> list[tuple[str, str]]:
    hits = json.loads(ok(run("search", *arguments, "-f", "json")).stdout)
    return [(hit["handle"], hit["kind"]) for hit in hits]


def test_known_answers(known: Run) -> None:
    for spelling in ("Müller", "Mueller", "Muller", "MÜLLER", "müll"):
        assert ("mueller-bau", "customer") in found(known, spelling), spelling
    assert found(known, "Mueller", "--in", "notes") == [("mueller-bau", "note")]
    assert found(known, "straße") == [("hoefler", "note")]  # Strasse, not Hauptstraße
    assert found(known, "Straßburg") == [("mueller-bau", "preference")]
    assert found(known, "anja@example.de") == [("mueller-bau", "contact")]
    assert found(known, "+49 30") == [("mueller-bau", "contact")]
    assert found(known, "Einkauf") == [("mueller-bau", "contact")]
    assert found(known, "2.400") == [("hoefler", "note")]
    assert found(known, "Angebot:") == [("hoefler", "note")]
    assert found(known, '"zu hoch"') == [("hoefler", "note")]
    assert found(known, '"hoch zu"') == []
    assert found(known, "nachrechnen") == [("hoefler", "followup")]
    assert sorted(found(known, "Preis")) == [
        ("hoefler", "followup"), ("hoefler", "note"), ("hoefler", "note"), ("mueller-bau", "note"),
    ]  # fmt: skip
    assert found(known, "pr") == []  # two letters are a word, not a prefix
    assert found(known, "Preis", "--customer", "mueller-bau") == [("mueller-bau", "note")]
    assert sorted(found(known, "Preis", "--since", "2026-11-01", "--in", "notes")) == [
        ("hoefler", "followup"), ("hoefler", "note"), ("mueller-bau", "note"),
    ]  # fmt: skip
    assert len(found(known, "Preis", "--limit", "1")) == 1


def test_the_better_match_ranks_first(known: Run) -> None:
    ok(known("add", "preis-agentur", "--name", "Preis Preis Agentur"))
    assert found(known, "preis")[0] == ("preis-agentur", "customer")


def test_output_marks_the_match(known: Run, journal_address: str) -> None:
    [hit] = json.loads(ok(known("search", "straße", "-f", "json")).stdout)
    assert hit["snippet"] == "Angebot: neue Preisliste für die »Strasse«"
    assert hit["text"] == "Angebot: neue Preisliste für die Strasse"
    assert hit["day"] == "2026-11-02" and hit["name"] == "Weingut Höfler"
    plain = ok(known("search", "straße")).stdout
    assert "»Strasse«" in plain and "hoefler" in plain
    screen = terminal(["search", "straße"], journal_address)
    assert "\x1b[1mStrasse\x1b[0m" in screen and "»" not in screen
    header = ok(known("search", "straße", "-f", "csv")).stdout.splitlines()[0]
    assert header == "handle,name,kind,ref,day,snippet,text,score"


def test_user_text_never_reaches_fts5_syntax(known: Run) -> None:
    for query in ('"', "*", "NEAR(", "a:b", "^x", "AND", "(", "'; DROP TABLE customers; --"):
        result = known("search", query, "-f", "json")
        assert result.exit_code in (0, 1), query
        if result.exit_code:
            assert error_line(result).startswith("Error: ")
    assert "no words to search for" in error_line(known("search", "?! &"))
    assert "Error:" in error_line(known("search", "x", "--customer", "nobody"))
    assert "Error:" in error_line(known("search", "x", "--since", "31.02.2026"))
    assert error_line(known("search", "x", "--in", "everywhere"), 2)


def test_the_index_follows_every_change(known: Run) -> None:
    ok(known("interaction", "edit", "3", "--note", "Nur noch Rabatt besprochen"))
    assert ("mueller-bau", "note") not in found(known, "Mueller", "--in", "notes")
    assert found(known, "Rabatt") == [("mueller-bau", "note")]
    ok(known("undo", "--yes"))
    assert found(known, "Rabatt") == []
    assert found(known, "Mueller", "--in", "notes") == [("mueller-bau", "note")]
    ok(known("interaction", "delete", "3", "--yes"))
    assert found(known, "Mueller", "--in", "notes") == []
    ok(known("edit", "hoefler", "--name", "Weingut Zauberberg"))
    assert found(known, "Zauberberg") == [("hoefler", "customer")]
    assert found(known, '"Weingut Höfler"') == []  # the handle still says hoefler


def test_restricted_customers_never_appear(known: Run) -> None:
    ok(known("gdpr", "restrict", "hoefler"))
    assert [handle for handle, _kind in found(known, "Preis")] == ["mueller-bau"]
    ok(known("gdpr", "restrict", "hoefler", "--lift"))
    assert "hoefler" in {handle for handle, _kind in found(known, "Preis")}


def test_forget_leaves_no_word_in_the_file(known: Run) -> None:
    ok(known("log", "hoefler", "--note", "Zwetschgenröster Quaxelbrunn"))
    ok(known("gdpr", "forget", "hoefler", "--yes"))
    assert found(known, "Quaxelbrunn") == []
    raw = journal_bytes()
    for word in ("Quaxelbrunn", "quaxelbrunn", "Zwetschgenröster", "zwetschgenroster",
                 "Höfler", "hofler", "Hauptstraße", "hauptstrasse"):  # fmt: skip
        assert word.encode() not in raw, word
    assert b"muller" in raw  # the customer kept is still found


@pytest.mark.file_only
def test_an_older_journal_gets_its_index_on_opening(run: Run, tmp_path: Path) -> None:
    old = tmp_path / "old.kundenpflege"
    shutil.copy(FIXTURES / "journal-m005.kundenpflege", old)
    hits = json.loads(ok(run("--db", str(old), "search", "a", "--all", "-f", "json")).stdout)
    connection = sqlite3.connect(old)
    indexed = connection.execute("SELECT count(*) FROM search_rows").fetchone()[0]
    pending = connection.execute(
        "SELECT count(*) FROM settings WHERE key = 'search_index_pending'"
    ).fetchone()[0]
    customers = connection.execute("SELECT count(*) FROM customers").fetchone()[0]
    connection.close()
    assert indexed >= customers > 0 and pending == 0
    assert isinstance(hits, list)


def test_prefixes_count_the_letters_as_typed(known: Run) -> None:
    assert ("mueller-bau", "customer") in found(known, "Mue")  # folds to "mu", typed three
    assert found(known, "Mu") == []


def test_what_is_left_out_is_said(known: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    result = ok(known("search", "Preis", "--limit", "2"))
    assert "… 2 more rows; use --limit 0 to see all." in result.stderr
    monkeypatch.setattr("kundenpflege.reports.search.RANKED", 3)
    capped = ok(known("search", "Preis", "--limit", "0"))
    assert "Only the newest 3 matches were ranked; --all ranks every one." in capped.stderr
    assert len(capped.stdout.splitlines()) == 1 + 3
    everything = ok(known("search", "Preis", "--all"))
    assert "Only the newest" not in everything.stderr
    assert len(everything.stdout.splitlines()) == 1 + 4


def test_a_match_in_a_cut_word_ends_with_it(journal: Run, journal_address: str) -> None:
    ok(journal("add", "evil", "--name", "Smith <script>alert(1)</script>xx =1+2"))
    screen = terminal(["search", "script"], journal_address, COLUMNS="80")
    # The long word is cut with "…"; the bold of the match in it stops there too.
    assert "</\x1b[1msc…\x1b[0m =1+2" in screen
