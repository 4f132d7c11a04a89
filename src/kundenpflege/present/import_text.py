"""What an import tells: the fields it kept (conflicts), a dry run's listing per row,
the summary, and how many new customers are due this week. Plain text; `say` and the
listing's printer make user text inert on the way out."""

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from kundenpflege import i18n
from kundenpflege.domain.dates import Frequency
from kundenpflege.i18n import _, ngettext

if TYPE_CHECKING:
    from kundenpflege.interop.importing import Outcome, RowChange
    from kundenpflege.interop.merging import Difference


def value_text(value: object) -> str:
    """A field's value as people read it, quoted; empty as such."""
    if value is None:
        return _("(empty)")
    if isinstance(value, date):
        shown = i18n.day(value)
    elif isinstance(value, float):
        shown = i18n.number(value, 0 if value == int(value) else 2)
    elif isinstance(value, Frequency):
        shown = value.describe()
    elif isinstance(value, tuple):  # weekdays
        shown = ", ".join(i18n.weekday(number) for number in value)
    elif isinstance(value, list):  # tags
        return ", ".join(_('"{text}"').format(text=item) for item in value)
    else:
        shown = str(value)
    return _('"{text}"').format(text=shown)  # „…“ in German


def field_text(difference: "Difference") -> str:
    field = _(difference.field)
    if difference.contact is None:
        return field
    return _("{field} ({contact})").format(field=field, contact=difference.contact)


def conflict_line(handle: str, difference: "Difference") -> str:
    """kanzlei-berg: company "…" kept (file says "…"; --overwrite to replace)"""
    return _("{who}: {field} {old} kept (file says {new}; --overwrite to replace)").format(
        who=handle,
        field=field_text(difference),
        old=value_text(difference.old),
        new=value_text(difference.new),
    )


def change_line(handle: str, difference: "Difference") -> str:
    """One difference in a dry run's listing."""
    from kundenpflege.interop.merging import ADD, CONTACT, KEEP

    if difference.kind == KEEP:
        return conflict_line(handle, difference)
    if difference.kind == ADD and difference.field == CONTACT:
        return _("new contact {name}").format(name=value_text(difference.new))
    if difference.kind == ADD:
        return _("{field}: + {new}").format(
            field=field_text(difference), new=value_text(difference.new)
        )
    return _("{field}: {old} → {new}").format(
        field=field_text(difference),
        old=value_text(difference.old),
        new=value_text(difference.new),
    )


def listing(rows: "list[RowChange]") -> Iterator[str]:
    """A dry run, row by row: each new customer on one line (with their first due
    day), each changed one with a line per field it would fill, change or keep."""
    for row in rows:
        if row.name is not None and row.first_due:
            yield _("{where}: {handle}: new customer {name}, first due {day}").format(
                where=row.where,
                handle=row.handle,
                name=value_text(row.name),
                day=f"{i18n.weekday(row.first_due)} {i18n.day(row.first_due)}",
            )
        elif row.name is not None:
            yield _("{where}: {handle}: new customer {name}").format(
                where=row.where, handle=row.handle, name=value_text(row.name)
            )
        else:
            yield f"{row.where}: {row.handle}"
            for difference in row.differences:
                yield "  " + change_line(row.handle, difference)


def summary(outcome: "Outcome", path: str, skipped: int, dry_run: bool) -> str:
    if not (outcome.added or outcome.updated or skipped):
        if dry_run:
            return _("Would import {path}: nothing to change.").format(path=path)
        return _("Imported {path}: nothing to change.").format(path=path)
    counts = (
        _("Would import {path}: {added} added, {updated} updated, {unchanged} unchanged,"
          " {skipped} skipped.")
        if dry_run
        else _("Imported {path}: {added} added, {updated} updated, {unchanged} unchanged,"
               " {skipped} skipped.")
    )  # fmt: skip
    return counts.format(
        path=path,
        added=outcome.added,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        skipped=skipped,
    )


def due_this_week(first_due: list[date], today: date, spread: bool) -> str | None:
    """How many of the new customers are due this week (up to Sunday)."""
    from kundenpflege.domain.first_contacts import week_end

    count = len(first_due)
    if not count:
        return None
    if not spread:
        return ngettext(
            "{count} new customer due today.", "{count} new customers due today.", count
        ).format(count=count)
    last, sunday = max(first_due), week_end(today)
    return ngettext(
        "{due} of {count} new customer due this week; first contacts spread over working"
        " days until {last} (--due-now: all today).",
        "{due} of {count} new customers due this week; first contacts spread over working"
        " days until {last} (--due-now: all today).",
        count,
    ).format(
        due=sum(day <= sunday for day in first_due),
        count=count,
        last=f"{i18n.weekday(last)} {i18n.day(last)}",
    )
