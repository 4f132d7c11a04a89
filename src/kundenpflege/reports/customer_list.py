"""`list`: customers by handle, with their last and next contact."""

from dataclasses import dataclass
from datetime import date

from kundenpflege.domain.customers import check_status
from kundenpflege.domain.dates import from_iso
from kundenpflege.limits import limit_clause
from kundenpflege.reports.filters import filter_clause
from kundenpflege.storage.connection import Connection


@dataclass(frozen=True)
class CustomerRow:
    """One line of `list`."""

    handle: str
    name: str
    company: str | None
    tier: str | None
    tags: list[str]
    annual_value: float | None
    status: str
    last_contact: date | None
    next_due: date | None


def list_customers(
    connection: Connection,
    *,
    tag: str | None = None,
    tier: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> tuple[list[CustomerRow], int]:
    """Customers by handle, and how many match in all (for the "N more" line)."""
    where, parameters = filter_clause(tag, tier)
    if status:
        where += " AND c.status = ?"
        parameters.append(check_status(status))
    total = connection.execute(
        f"SELECT count(*) FROM customers c WHERE TRUE{where}", parameters
    ).fetchone()[0]
    cut, cut_parameters = limit_clause(limit)
    rows = connection.execute(
        "SELECT c.*, (SELECT group_concat(tag, ',') FROM customer_tags t"
        " WHERE t.customer_id = c.id) AS tag_list"
        f" FROM customers c WHERE TRUE{where} ORDER BY c.handle{cut}",
        [*parameters, *cut_parameters],
    )
    return [
        CustomerRow(
            handle=row["handle"],
            name=row["name"],
            company=row["company"],
            tier=row["tier"],
            tags=sorted(row["tag_list"].split(",")) if row["tag_list"] else [],
            annual_value=row["annual_value"],
            status=row["status"],
            last_contact=from_iso(row["last_interaction_on"]),
            next_due=from_iso(row["next_due"]),
        )
        for row in rows
    ], int(total)
