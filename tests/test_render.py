import io
import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kundenpflege.present.render import csv_cell, neutralise, plain_table, write_csv, write_json

# Payloads in the spirit of OWASP's CSV injection page.
PAYLOADS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1,1)",
    "\t=1",
    "\r=1",
    "  =cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","x")',
    "-2+3+cmd|' /C calc'!A0",
    "@cmd",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_payloads_are_neutralised(payload: str) -> None:
    assert neutralise(payload) == "'" + payload


@given(st.text())
def test_no_neutralised_cell_starts_a_formula(text: str) -> None:
    assert not neutralise(text).lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))


def test_numbers_stay_numbers_and_safe_text_stays() -> None:
    assert csv_cell(-1) == -1
    assert csv_cell(2.5) == "2.5"  # written exactly: never 2400.0 or 1e-05
    assert csv_cell("Müller Bau") == "Müller Bau"
    assert csv_cell(None) == ""
    assert csv_cell(True) == "yes"
    assert csv_cell(["a", "=b"]) == "a; =b"
    assert csv_cell(["=a"]) == "'=a"
    assert csv_cell(date(2026, 11, 25)) == "2026-11-25"


def test_csv_has_crlf_header_even_when_empty_and_quotes() -> None:
    stream = io.StringIO()
    write_csv(["a", "b"], [], stream)
    assert stream.getvalue() == "a,b\r\n"
    stream = io.StringIO()
    write_csv(["a", "b"], [{"a": "x,y", "b": 'say "hi"'}], stream)
    assert stream.getvalue() == 'a,b\r\n"x,y","say ""hi"""\r\n'


def test_excel_csv_has_bom_and_semicolons() -> None:
    stream = io.StringIO()
    write_csv(["a", "b"], [{"a": 1, "b": "ä"}], stream, excel=True)
    assert stream.getvalue() == "\ufeffa;b\r\n1;ä\r\n"


def test_json_dates_and_nesting() -> None:
    stream = io.StringIO()
    write_json(
        [{"day": date(2026, 11, 25), "nested": {"d": date(2026, 1, 1)}, "t": (1, 2)}], stream
    )
    assert json.loads(stream.getvalue()) == [
        {"day": "2026-11-25", "nested": {"d": "2026-01-01"}, "t": [1, 2]}
    ]
    umlaut = io.StringIO()
    write_json([{"x": "ä"}], umlaut)
    assert umlaut.getvalue() == '[\n  {\n    "x": "ä"\n  }\n]\n'


def test_plain_table_pads_columns() -> None:
    assert plain_table(["A", "Long"], [["xyz", "1"], ["", "22"]]) == "A    Long\nxyz  1\n     22\n"
