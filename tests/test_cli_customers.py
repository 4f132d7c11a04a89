import csv
import io
import json

from tests.conftest import Run, error_line, journal_snapshot, ok


def test_add_and_list(journal: Run) -> None:
    result = ok(
        journal(
            "add",
            "mueller-bau",
            "--name",
            "Müller Bau GmbH",
            "--tier",
            "A",
            "--value",
            "24000",
            "--tag",
            "bau",
            "--tag",
            "Stammkunde,nord",
        )
    )
    assert result.stderr == "Added customer mueller-bau.\n"
    assert result.stdout == ""
    ok(journal("add", "klein", "--name", "Klein KG", "--status", "prospect"))
    listing = ok(journal("list")).stdout.splitlines()
    assert listing[0].split() == [
        "Handle",
        "Name",
        "Tier",
        "Tags",
        "Value",
        "Status",
        "Last",
        "contact",
        "Next",
        "due",
    ]
    assert listing[1].split() == ["klein", "Klein", "KG", "prospect", "2026-11-25"]
    assert listing[2].split() == [
        "mueller-bau",
        "Müller",
        "Bau",
        "GmbH",
        "A",
        "bau,",
        "nord,",
        "stammkunde",
        "€24,000",
        "active",
        "2026-11-25",
    ]


def test_list_formats_and_filters(journal: Run) -> None:
    ok(journal("add", "a", "--name", '=HYPERLINK("x")', "--tier", "A", "--tag", "bau"))
    ok(journal("add", "b", "--name", "Bäckerei B", "--tier", "C"))
    rows = list(csv.DictReader(io.StringIO(ok(journal("list", "--format", "csv")).stdout)))
    assert [row["handle"] for row in rows] == ["a", "b"]
    assert rows[0]["name"] == '\'=HYPERLINK("x")'  # neutralised for spreadsheets
    assert list(rows[0]) == [
        "handle",
        "name",
        "company",
        "tier",
        "tags",
        "annual_value",
        "status",
        "last_contact",
        "next_due",
    ]
    data = json.loads(ok(journal("list", "--format", "json", "--tag", "bau")).stdout)
    assert data == [
        {
            "handle": "a",
            "name": '=HYPERLINK("x")',
            "company": None,
            "tier": "A",
            "tags": ["bau"],
            "annual_value": None,
            "status": "active",
            "last_contact": None,
            "next_due": "2026-11-25",
        }
    ]
    assert json.loads(ok(journal("list", "-f", "json", "--tier", "c")).stdout)[0]["handle"] == "b"


def test_list_limit_says_how_many_more(journal: Run) -> None:
    for handle in "abcde":
        ok(journal("add", handle))
    result = ok(journal("list", "--limit", "2"))
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == "… 3 more rows; use --limit 0 to see all.\n"
    assert len(ok(journal("list", "--limit", "0")).stdout.splitlines()) == 6


def test_list_of_an_empty_journal(journal: Run) -> None:
    result = ok(journal("list"))
    assert result.stdout == ""
    assert result.stderr == "Customers: none.\n"
    assert ok(journal("list", "--format", "csv")).stdout.startswith("handle,name,")
    assert ok(journal("list", "--format", "json")).stdout == "[]\n"


def test_add_errors_change_nothing(journal: Run) -> None:
    ok(journal("add", "mueller-bau"))
    before = journal_snapshot()
    assert error_line(journal("add", "mueller-bau")) == (
        "Error: customer 'mueller-bau' exists already; change it with"
        " 'kundenpflege edit mueller-bau'"
    )
    assert error_line(journal("add", "Müller Bau")) == (
        "Error: customer handle 'Müller Bau' may only use a-z, 0-9, '.', '_' and '-'"
        " and must start with a letter or digit"
    )
    assert error_line(journal("add", "a" * 64)) == (
        f"Error: customer handle '{'a' * 64}' is longer than 63 characters"
    )
    assert error_line(journal("person", "add", "b" * 64)) == (
        f"Error: person handle '{'b' * 64}' is longer than 63 characters"
    )
    assert error_line(journal("add", "x", "--status", "vip")) == (
        "Error: unknown status 'vip'; use one of active, prospect, paused, former"
    )
    assert error_line(journal("add", "x", "--value", "-5")) == (
        "Error: annual value -5 cannot be negative"
    )
    assert error_line(journal("add", "x", "--since", "31.02.2026")) == (
        "Error: '31.02.2026' is not a real date"
    )
    assert error_line(journal("add", "x", "--value", "lots"), code=2) == (
        "Error: Invalid value for '--value': 'lots' is not a valid float range."
    )
    assert error_line(journal("add"), code=2) == "Error: Missing argument 'handle'."
    assert journal_snapshot() == before


def test_edit(journal: Run) -> None:
    ok(journal("add", "mueller-bau", "--name", "Müller", "--tag", "bau"))
    result = ok(
        journal(
            "edit",
            "mueller-bau",
            "--tier",
            "B",
            "--tag",
            "nord",
            "--untag",
            "bau",
            "--name",
            "Müller Bau GmbH",
            "--status",
            "former",
        )
    )
    assert result.stderr == "Updated mueller-bau.\n"
    [row] = json.loads(ok(journal("list", "-f", "json")).stdout)
    assert (row["name"], row["tier"], row["tags"], row["status"], row["next_due"]) == (
        "Müller Bau GmbH",
        "B",
        ["nord"],
        "former",
        None,
    )


def test_edit_errors(journal: Run) -> None:
    ok(journal("add", "mueller-bau"))
    assert error_line(journal("edit", "mueller-bau")) == (
        "Error: nothing to change; see 'kundenpflege edit --help'"
    )
    assert error_line(journal("edit", "mueler-bau", "--tier", "A")) == (
        "Error: customer 'mueler-bau' not found; did you mean mueller-bau?"
    )
    assert error_line(journal("edit", "zzz", "--tier", "A")) == (
        "Error: customer 'zzz' not found; see 'kundenpflege list'"
    )
    assert error_line(journal("edit", "mueller-bau", "--name", " ")) == (
        "Error: the name cannot be empty"
    )


def test_customers_can_be_named_instead_of_handled(journal: Run) -> None:
    ok(journal("add", "mb", "--name", "Müller Bau GmbH"))
    ok(journal("add", "s1", "--name", "Schmidt"))
    ok(journal("add", "s2", "--name", "schmidt"))
    assert "Müller Bau GmbH (mb)" in ok(journal("show", "müller bau gmbh")).stdout
    assert error_line(journal("show", "Schmidt")) == (
        "Error: 'Schmidt' matches several customers: s1, s2"
    )


def test_contacts(journal: Run) -> None:
    ok(journal("add", "mueller-bau"))
    result = ok(
        journal(
            "contact",
            "add",
            "mueller-bau",
            "Petra Müller",
            "--role",
            "Einkauf",
            "--email",
            "petra@example.org",
            "--main",
        )
    )
    assert result.stderr == "Added contact Petra Müller at mueller-bau.\n"
    ok(journal("contact", "add", "mueller-bau", "Jens Müller", "--phone", "+49 30 123"))
    ok(journal("contact", "add", "mueller-bau", "Eva Berg", "--main"))
    table = ok(journal("contact", "list", "mueller-bau")).stdout.splitlines()
    assert table[1].startswith("Eva Berg (main)")
    rows = list(
        csv.DictReader(
            io.StringIO(ok(journal("contact", "list", "mueller-bau", "-f", "csv")).stdout)
        )
    )
    assert [(row["name"], row["is_main"]) for row in rows] == [
        ("Eva Berg", "yes"),
        ("Jens Müller", "no"),
        ("Petra Müller", "no"),
    ]
    assert rows[1]["phone"] == "'+49 30 123"
    assert error_line(journal("contact", "add", "mueller-bau", "X", "--email", "nope")) == (
        "Error: 'nope' does not look like an e-mail address"
    )
    assert error_line(journal("contact", "list", "nobody")) == (
        "Error: customer 'nobody' not found; see 'kundenpflege list'"
    )


def test_people(journal: Run) -> None:
    assert ok(journal("person", "add", "anna", "--name", "Anna Schmidt")).stderr == "Added anna.\n"
    assert json.loads(ok(journal("person", "list", "-f", "json")).stdout) == [
        {"handle": "anna", "name": "Anna Schmidt", "email": None, "left_at": None}
    ]
    assert ok(journal("person", "list")).stdout.splitlines()[1].split() == [
        "anna",
        "Anna",
        "Schmidt",
    ]
    assert error_line(journal("person", "add", "anna")) == (
        "Error: person 'anna' exists already; see 'kundenpflege person list'"
    )


def test_show(journal: Run) -> None:
    ok(journal("person", "add", "anna"))
    ok(
        journal(
            "add",
            "mueller-bau",
            "--name",
            "Müller Bau GmbH",
            "--tier",
            "A",
            "--value",
            "24000",
            "--tag",
            "bau",
        )
    )
    ok(journal("contact", "add", "mueller-bau", "Petra Müller", "--role", "Einkauf", "--main"))
    ok(
        journal(
            "prefer",
            "mueller-bau",
            "--person",
            "anna",
            "--channel",
            "phone",
            "--every",
            "monthly",
            "--said",
            "2026-10-01",
            "--source",
            "Messe",
        )
    )
    ok(
        journal(
            "prefer",
            "mueller-bau",
            "--every",
            "alle 2 Wochen",
            "--days",
            "di,do",
            "--source",
            "am Telefon",
        )
    )
    ok(
        journal(
            "log",
            "mueller-bau",
            "--at",
            "2026-11-20 10:00",
            "--kind",
            "order",
            "--amount",
            "1200",
            "--mood",
            "1",
            "--note",
            "Bestellung wie immer",
        )
    )
    ok(journal("followup", "add", "mueller-bau", "Angebot schicken", "--due", "+2d"))
    ok(journal("fact", "add", "mueller-bau/Petra Müller", "Segelt, Tochter Lena", "--source",
               "Messe"))  # fmt: skip
    ok(journal("date", "add", "mueller-bau/Petra Müller", "--birthday", "14.03.1975"))
    assert ok(journal("show", "mueller-bau")).stdout == (
        "Müller Bau GmbH (mueller-bau)\n"
        "  status: active; tier: A; tags: bau; value: €24,000 a year;"
        " customer since 2026-11-25\n"
        "  last contact: 2026-11-20; next due: 2026-12-08 (in 13 days); rhythm: every 2 weeks\n"
        "\n"
        "Contacts:\n"
        "  Petra Müller (main), Einkauf\n"
        "\n"
        "What we know:\n"
        "  #1 Petra Müller: Segelt, Tochter Lena (2026-11-25; Messe)\n"
        "\n"
        "Key dates:\n"
        "  #1 Petra Müller turns 52 on Sun 2027-03-14 (birthday 1975-03-14)\n"
        "\n"
        "Preference:\n"
        "  who: anna, channel: phone, rhythm: every 2 weeks, days: Tue,Thu\n"
        '  said 2026-11-25 ("am Telefon")\n'
        "\n"
        "Earlier statements (superseded):\n"
        '  said 2026-10-01 ("Messe"): who: anna, channel: phone, rhythm: monthly\n'
        "\n"
        "Open follow-ups:\n"
        "  #1 due 2026-12-01 (promised 2026-11-25): Angebot schicken\n"
        "\n"
        "Consent:\n"
        "  none recorded\n"
        "\n"
        "Contacts per week, the last 52 weeks (·░▒▓█: 0 to 4 or more)\n"
        f"  we reached out   {'·' * 52}\n"
        f"  they came to us  {'·' * 50}░·\n"
        "                   Dec Jan Feb Mar  Apr May  Jun Jul Aug  Sep Oct Nov\n"
        "Mood of the last contact: ▆  last +1\n"
        "\n"
        "Timeline (latest 1):\n"
        "  #1  2026-11-20  order  in  anna  +1  €1,200  Bestellung wie immer\n"
    )
    data = json.loads(ok(journal("show", "mueller-bau", "-f", "json")).stdout)[0]
    assert data["preference"]["frequency"] == {"count": 2, "unit": "weeks"}
    assert len(data["preference_history"]) == 2
    assert data["timeline"][0]["amount"] == 1200
    assert [(fact["contact"], fact["text"]) for fact in data["facts"]] == [
        ("Petra Müller", "Segelt, Tochter Lena")
    ]
    assert data["key_dates"][0] == {
        "id": 1, "handle": "mueller-bau", "name": "Müller Bau GmbH", "contact": "Petra Müller",
        "kind": "birthday", "what": None, "on": "1975-03-14", "yearly": True,
        "next_on": "2027-03-14", "years": 52, "source": None,
    }  # fmt: skip
    timeline = list(
        csv.DictReader(io.StringIO(ok(journal("show", "mueller-bau", "-f", "csv")).stdout))
    )
    assert timeline[0]["kind"] == "order"


def test_show_as_of_hides_later_contacts(journal: Run) -> None:
    ok(journal("add", "k", "--since", "2026-10-01"))
    ok(journal("log", "k", "--at", "2026-11-20", "--kind", "call", "--note", "neu"))
    assert "nothing logged yet" in ok(journal("show", "k", "--as-of", "2026-11-01")).stdout
    assert error_line(journal("show", "k", "--as-of", "2026-09-30")) == (
        "Error: k was not a customer yet on 2026-09-30 (customer since 2026-10-01)"
    )


def test_slug_suggests_shell_safe_handles() -> None:
    from kundenpflege.domain.customers import slug

    assert slug("Müller Bau GmbH") == "mueller-bau-gmbh"
    assert slug("Café Wolf") == "cafe-wolf"
    assert slug("Straße & Söhne") == "strasse-soehne"
    assert slug("!!!") == "kunde"


def test_errors_stay_on_one_line_whatever_was_typed(journal: Run) -> None:
    assert error_line(journal("add", "a\nb\rc\td")) == (
        "Error: customer handle 'a\\nb\\rc\\td' may only use a-z, 0-9, '.', '_' and '-'"
        " and must start with a letter or digit"
    )


def test_list_by_status_and_edit_since(journal: Run) -> None:
    ok(journal("add", "a", "--status", "prospect"))
    ok(journal("add", "b"))
    ok(journal("edit", "b", "--since", "01.02.2020"))
    assert [
        row["handle"]
        for row in json.loads(ok(journal("list", "--status", "prospect", "-f", "json")).stdout)
    ] == ["a"]
    profile = json.loads(ok(journal("show", "b", "-f", "json")).stdout)[0]
    assert profile["customer_since"] == "2020-02-01"
    assert error_line(journal("list", "--status", "vip")) == (
        "Error: unknown status 'vip'; use one of active, prospect, paused, former"
    )
