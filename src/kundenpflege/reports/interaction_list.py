"""`interaction list`: the entries as logged, newest first, each with its number, so
any of them can be corrected."""

from dataclasses import dataclass
from datetime import date

from kundenpflege.limits import limit_clause
from kundenpflege.reports.filters import filter_clause
from kundenpflege.storage.connection import Connection


@dataclass(frozen=True)
class LoggedEntry:
    id: int
    handle: str
    occurred_at: str
    occurred_on: date
    kind: str
    channel: str | None
    direction: str
    person: str | None
    contact: str | None
    mood: int | None
    note: str | None
    amount: float | None


def entries(
    connection: Connection,
    *,
    customer_id: int | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> tuple[list[LoggedEntry], int]:
    """Entries of one customer or all (never a restricted one's), and how many in all."""
    where, parameters = filter_clause(None, None)
    if customer_id is not None:
        where += " AND i.customer_id = ?"
        parameters.append(customer_id)
    if since is not None:
        where += " AND i.occurred_on >= ?"
        parameters.append(since.isoformat())
    joined = " FROM interactions i JOIN customers c ON c.id = i.customer_id"
    total = connection.execute(f"SELECT count(*){joined} WHERE TRUE{where}", parameters)
    cut, cut_parameters = limit_clause(limit)
    rows = connection.execute(
        "SELECT i.id, c.handle, i.occurred_at, i.occurred_on, i.kind, i.channel, i.direction,"
        f" pe.handle AS person, ct.name AS contact, i.mood, i.note, i.amount{joined}"
        " LEFT JOIN people pe ON pe.id = i.person_id LEFT JOIN contacts ct ON ct.id = i.contact_id"
        f" WHERE TRUE{where} ORDER BY i.occurred_at DESC, i.id DESC{cut}",
        [*parameters, *cut_parameters],
    )
    return [
        LoggedEntry(
            id=row[0],
            handle=row[1],
            occurred_at=row[2],
            occurred_on=date.fromisoformat(row[3]),
            kind=row[4],
            channel=row[5],
            direction=row[6],
            person=row[7],
            contact=row[8],
            mood=row[9],
            note=row[10],
            amount=row[11],
        )  # fmt: skip
        for row in rows
    ], int(total.fetchone()[0])
