"""Our side: the people who may be a customer's chosen contact."""

import re
from dataclasses import dataclass
from datetime import datetime

from kundenpflege.domain import journal
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.storage.connection import Connection, Row

LONGEST_HANDLE = 63
HANDLE_PATTERN = re.compile(rf"[a-z0-9][a-z0-9._-]{{0,{LONGEST_HANDLE - 1}}}")


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    email: str | None
    left_at: str | None = None  # a colleague who left: past contacts stay theirs


def check_handle(handle: str, what: str) -> str:
    """Handles are typed on the command line, so keep them lowercase and shell-safe."""
    if len(handle) > LONGEST_HANDLE:
        message = (
            _("customer handle '{handle}' is longer than {longest} characters")
            if what == "customer"
            else _("person handle '{handle}' is longer than {longest} characters")
        )
        raise KundenpflegeError(message.format(handle=handle, longest=LONGEST_HANDLE))
    if not HANDLE_PATTERN.fullmatch(handle):
        message = (
            _("customer handle '{handle}' may only use a-z, 0-9, '.', '_' and '-'"
              " and must start with a letter or digit")
            if what == "customer"
            else _("person handle '{handle}' may only use a-z, 0-9, '.', '_' and '-'"
                   " and must start with a letter or digit")
        )  # fmt: skip
        raise KundenpflegeError(message.format(handle=handle))
    return handle


@journal.writes
def add(
    connection: Connection, handle: str, name: str | None, email: str | None, now: datetime
) -> int:
    check_handle(handle, "person")
    if connection.execute("SELECT 1 FROM people WHERE handle = ?", (handle,)).fetchone():
        raise KundenpflegeError(
            _("person '{handle}' exists already; see 'kundenpflege person list'").format(
                handle=handle
            )
        )
    cursor = connection.execute(
        "INSERT INTO people (handle, name, email, created_at) VALUES (?, ?, ?, ?)",
        (handle, name or handle, email, now.isoformat(timespec="seconds")),
    )
    return int(cursor.lastrowid or 0)


def person_id(connection: Connection, handle: str) -> int:
    """One of our people who is still with us, by handle. Never made up on the fly: a
    typo ("lnea") must not become a colleague."""
    row = find(connection, handle)
    if row["left_at"]:
        raise KundenpflegeError(
            _("{handle} has left; see 'kundenpflege person list'").format(handle=handle)
        )
    return int(row["id"])


def at_work(connection: Connection, named: str | None, login: str | None) -> str | None:
    """Who of us is logging, when nobody said: the person named (KUNDENPFLEGE_PERSON,
    who must be one of ours), else the server login when one of ours has that handle
    (anna logs in as anna); None leaves the choice to the customer's wish."""
    if named:
        person_id(connection, named)
        return named
    if (
        login
        and connection.execute(
            "SELECT 1 FROM people WHERE handle = ? AND left_at IS NULL", (login,)
        ).fetchone()
    ):
        return login
    return None


def all_people(connection: Connection) -> list[Person]:
    rows = connection.execute("SELECT handle, name, email, left_at FROM people ORDER BY handle")
    return [Person(row["handle"], row["name"], row["email"], row["left_at"]) for row in rows]


@journal.writes
def set_me(connection: Connection, handle: str, now: datetime) -> None:
    """The journal's owner (a one-person business): added if new, and the one `due`
    and `remind` name for customers who chose nobody."""
    from kundenpflege.storage import settings

    if not connection.execute("SELECT 1 FROM people WHERE handle = ?", (handle,)).fetchone():
        add(connection, handle, None, None, now)
    person_id(connection, handle)  # not someone who left
    settings.put(connection, "me", handle)


def find(connection: Connection, handle: str) -> Row:
    """One of our people by handle; else the error suggests close ones."""
    row = connection.execute("SELECT * FROM people WHERE handle = ?", (handle,)).fetchone()
    if row:
        return row  # type: ignore[no-any-return]
    import difflib

    handles = [known for (known,) in connection.execute("SELECT handle FROM people")]
    close = difflib.get_close_matches(handle, handles, n=3, cutoff=0.6)
    hint = (
        _("did you mean {handles}?").format(handles=", ".join(close))
        if close
        else _("see 'kundenpflege person list'")
    )
    raise KundenpflegeError(
        _("person '{handle}' not found; {hint}; to add them: 'kundenpflege person add"
          " {handle}'").format(handle=handle, hint=hint)
    )  # fmt: skip


@journal.writes
def edit(connection: Connection, handle: str, *, name: str | None, email: str | None) -> None:
    """Correct a colleague's name or e-mail."""
    person = find(connection, handle)
    if name is None and email is None:
        raise KundenpflegeError(_("nothing to change; give --name or --email"))
    if name is not None and not name.strip():
        raise KundenpflegeError(_("the name cannot be empty"))
    connection.execute(
        "UPDATE people SET name = coalesce(?, name), email = coalesce(?, email) WHERE id = ?",
        (name.strip() if name else None, email, person["id"]),
    )


@journal.writes
def rename(connection: Connection, old: str, new: str) -> None:
    """A handle typed wrong: every reference follows (they point at the person)."""
    person = find(connection, old)
    check_handle(new, "person")
    if connection.execute("SELECT 1 FROM people WHERE handle = ?", (new,)).fetchone():
        raise KundenpflegeError(
            _("person '{handle}' exists already; see 'kundenpflege person list'").format(handle=new)
        )
    connection.execute("UPDATE people SET handle = ? WHERE id = ?", (new, person["id"]))
    _follow_me(connection, person["handle"], new)


def _follow_me(connection: Connection, old: str, new: str) -> None:
    """The journal's owner (`init --me`) is kept by handle: it follows a rename, and
    passes to whoever takes over from an owner who left."""
    connection.execute("UPDATE settings SET value = ? WHERE key = 'me' AND value = ?", (new, old))


@journal.writes
def remove(connection: Connection, handle: str, reassign: str, now: datetime) -> None:
    """A colleague who left: customers who chose them and their open promises move to
    `reassign`; past contacts stay theirs (they really had them)."""
    person, other = find(connection, handle), find(connection, reassign)
    if person["id"] == other["id"] or other["left_at"]:
        raise KundenpflegeError(
            _("reassign to someone else who is still with us, not {handle}").format(handle=reassign)
        )
    connection.execute(
        "UPDATE preferences SET person_id = ? WHERE person_id = ?", (other["id"], person["id"])
    )
    _follow_me(connection, person["handle"], other["handle"])
    connection.execute(
        "UPDATE followups SET person_id = ? WHERE person_id = ? AND status = 'open'",
        (other["id"], person["id"]),
    )
    connection.execute(
        "UPDATE people SET left_at = ? WHERE id = ?",
        (now.isoformat(timespec="seconds"), person["id"]),
    )
