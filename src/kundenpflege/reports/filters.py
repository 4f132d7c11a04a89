"""The selection every report shares: tag, tier, our person, and never a restricted customer."""


def filter_clause(tag: str | None, tier: str | None, alias: str = "c") -> tuple[str, list[object]]:
    """SQL conditions shared by every report: tag, tier, and never restricted customers."""
    # GDPR restriction of processing: the data stays, but no report or export uses it.
    conditions: list[str] = [f"{alias}.restricted = 0"]
    parameters: list[object] = []
    if tag:
        conditions.append(
            f"EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = {alias}.id AND t.tag = ?)"
        )
        parameters.append(tag.strip().lower())
    if tier:
        conditions.append(f"{alias}.tier = ? COLLATE NOCASE")
        parameters.append(tier)
    return "".join(f" AND {condition}" for condition in conditions), parameters


def selection_parts(
    tag: str | None, tier: str | None, person: str | None, *, former: bool = False
) -> tuple[str, str, list[object]]:
    """Joins, conditions and parameters that pick customers by tag, tier and our person."""
    where, parameters = filter_clause(tag, tier)
    joins = ""
    if person:
        joins = (" LEFT JOIN preferences p ON p.id = c.preference_id"
                 " LEFT JOIN people pe ON pe.id = p.person_id")  # fmt: skip
        where += " AND pe.handle = ?"
        parameters.append(person)
    status = "TRUE" if former else "c.status != 'former'"
    return joins, f"{status}{where}", parameters


def selection(
    tag: str | None, tier: str | None, person: str | None, *, former: bool = False
) -> tuple[str, list[object]]:
    """`FROM customers c ... WHERE ...` for reports filtered by tag, tier and our person."""
    joins, conditions, parameters = selection_parts(tag, tier, person, former=former)
    return f" FROM customers c{joins} WHERE {conditions}", parameters
