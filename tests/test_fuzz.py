"""Hypothesis drives the CLI with hostile input: never a traceback, never a half change."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from tests.conftest import Run, journal_snapshot, ok

# Command-line arguments cannot contain NUL bytes; everything else is fair game.
ARGUMENT = st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=60)
LONG_NOTE = st.text(
    alphabet=st.characters(blacklist_characters="\x00"), min_size=0, max_size=100_000
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def assert_clean(result: Result, before: object) -> None:
    """Success, or exactly one Error line with exit 1 or 2 and the journal untouched."""
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    assert "Traceback" not in result.stderr
    if result.exit_code == 0:
        return
    assert result.exit_code in (1, 2), (result.exit_code, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert journal_snapshot() == before


@pytest.fixture
def fuzz_journal(journal: Run) -> Run:
    ok(journal("add", "k", "--name", "Kunde"))
    ok(journal("contact", "add", "k", "Petra"))
    return journal


@pytest.mark.slow
@FUZZ
@given(handle=ARGUMENT, name=ARGUMENT, value=ARGUMENT, since=ARGUMENT)
def test_add(fuzz_journal: Run, handle: str, name: str, value: str, since: str) -> None:
    before = journal_snapshot()
    result = fuzz_journal("add", handle, "--name", name, "--value", value, "--since", since)
    assert_clean(result, before)


@pytest.mark.slow
@FUZZ
@given(
    handle=st.sampled_from(["k", "Kunde", "kk", ""]) | ARGUMENT,
    at=ARGUMENT,
    mood=ARGUMENT,
    note=LONG_NOTE,
    kind=ARGUMENT,
    followup=ARGUMENT,
    contact=ARGUMENT,
)
def test_log(
    fuzz_journal: Run,
    handle: str,
    at: str,
    mood: str,
    note: str,
    kind: str,
    followup: str,
    contact: str,
) -> None:
    before = journal_snapshot()
    result = fuzz_journal(
        "log",
        handle,
        "--at",
        at,
        "--mood",
        mood,
        "--note",
        note,
        "--kind",
        kind,
        "--followup",
        followup,
        "--contact",
        contact,
    )
    assert_clean(result, before)


@pytest.mark.slow
@FUZZ
@given(
    every=ARGUMENT,
    days=ARGUMENT,
    maximum=ARGUMENT,
    channel=ARGUMENT,
    person=ARGUMENT,
    time=ARGUMENT,
)
def test_prefer(
    fuzz_journal: Run,
    every: str,
    days: str,
    maximum: str,
    channel: str,
    person: str,
    time: str,
) -> None:
    before = journal_snapshot()
    result = fuzz_journal(
        "prefer",
        "k",
        "--every",
        every,
        "--days",
        days,
        "--max",
        maximum,
        "--channel",
        channel,
        "--person",
        person,
        "--time",
        time,
    )
    assert_clean(result, before)


@pytest.mark.slow
@FUZZ
@given(as_of=ARGUMENT, mood=ARGUMENT, limit=ARGUMENT)
def test_reports(fuzz_journal: Run, as_of: str, mood: str, limit: str) -> None:
    before = journal_snapshot()
    for arguments in (
        ("due", "--as-of", as_of, "--limit", limit),
        ("impressions", "--as-of", as_of, "--mood", mood),
        ("health", "--as-of", as_of),
        ("pulse", "--as-of", as_of),
    ):
        result = fuzz_journal(*arguments)
        assert_clean(result, before)
        assert journal_snapshot() == before


CSV_TEXT = st.lists(
    st.lists(st.text(max_size=20), min_size=1, max_size=6), min_size=0, max_size=8
).map(lambda rows: "\n".join(",".join(row) for row in rows))


@pytest.mark.slow
@FUZZ
@given(
    content=st.binary(max_size=2000)
    | CSV_TEXT.map(str.encode)
    | st.sampled_from([b"name\n", b"name,email\nA,a@b\n"])
    .map(lambda head: head)
    .flatmap(lambda head: st.binary(max_size=300).map(lambda tail: head + tail))
)
def test_import_csv(fuzz_journal: Run, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(content)
    before = journal_snapshot()
    assert_clean(fuzz_journal("import", "csv", str(path)), before)


VCARD = st.builds(
    lambda name, org, tail: (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nORG:{org}\r\n{tail}"
    ).encode("utf-8", "surrogatepass"),
    ARGUMENT,
    ARGUMENT,
    st.sampled_from(["END:VCARD\r\n", "", "END:VCARD", "NOTE:x\r\n"]),
)


@pytest.mark.slow
@FUZZ
@given(content=VCARD | st.binary(max_size=500))
def test_import_vcard(fuzz_journal: Run, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.vcf"
    path.write_bytes(content)
    before = journal_snapshot()
    assert_clean(fuzz_journal("import", "vcard", str(path)), before)
