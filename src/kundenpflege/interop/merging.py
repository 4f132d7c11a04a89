"""What a re-import may change (issue 16 §4): it fills what is empty and adds what is
new, but a field that holds another value keeps it unless `--overwrite` (the change
log keeps the old value, so `undo` brings it back). Every difference is told: the
kept ones as conflict lines, all of them in a dry run's listing."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from kundenpflege.domain import preferences
from kundenpflege.domain.dates import parse_frequency, parse_weekdays
from kundenpflege.i18n import N_
from kundenpflege.storage.connection import Row

# What happened to a field.
FILL = "fill"  # it was empty
REPLACE = "replace"  # it held another value; --overwrite
KEEP = "keep"  # it held another value and keeps it: a conflict
ADD = "add"  # something new beside what is there (tags, a contact)


@dataclass(frozen=True, slots=True)
class Difference:
    """One field of a customer (or of a contact there) that the file sees otherwise.

    Values are as read (text, number, date, rhythm, weekdays): shown by `present`."""

    contact: str | None  # the contact's name; None for the customer's own field
    field: str  # an English label (N_), translated where shown
    old: object  # None: empty
    new: object
    kind: str


# (column, label, the Record attribute it comes from)
CUSTOMER_FIELDS = (
    ("company", N_("company"), "company"),
    ("tier", N_("tier"), "tier"),
    ("annual_value", N_("annual value"), "annual_value"),
    ("status", N_("status"), "status"),
    ("customer_since", N_("customer since"), "since"),
)
CONTACT_FIELDS = (
    ("role", N_("role"), "contact_role"),
    ("email", N_("e-mail"), "email"),
    ("phone", N_("phone"), "phone"),
)  # a note from the file is a fact of the contact (`facts`), never a field here
TAGS = N_("tags")
CONTACT = "contact"  # a new contact: told as such (`present.import_text`), never as a field


def merged(
    fields: Iterable[tuple[str, str, object, object]], *, contact: str | None, overwrite: bool
) -> tuple[dict[str, object], list[Difference]]:
    """(column, label, stored value, value from the file) -> what to write (by column)
    and every difference. A value the file leaves empty changes nothing."""
    changes: dict[str, object] = {}
    differences: list[Difference] = []
    for column, label, old, new in fields:
        if new is None or new == "" or new == old:
            continue
        if old is None or old == "":
            kind = FILL
        elif overwrite:
            kind = REPLACE
        else:
            differences.append(Difference(contact, label, old, new, KEEP))
            continue
        changes[column] = new.isoformat() if isinstance(new, date) else new
        differences.append(Difference(contact, label, old, new, kind))
    return changes, differences


def customer_fields(existing: Row, record: object) -> list[tuple[str, str, object, object]]:
    """The customer's fields beside the record's (a Record of `importing`)."""
    return [
        (column, label, _stored(column, existing[column]), getattr(record, attribute))
        for column, label, attribute in CUSTOMER_FIELDS
    ]


def contact_fields(existing: Row, record: object) -> list[tuple[str, str, object, object]]:
    return [
        (column, label, existing[column], getattr(record, attribute))
        for column, label, attribute in CONTACT_FIELDS
    ]


def _stored(column: str, value: object) -> object:
    return date.fromisoformat(str(value)) if column == "customer_since" and value else value


# A wish: (Wishes field, label, Preference attribute, how the file's text is read).
WISH_FIELDS: tuple[tuple[str, str, str, Callable[[str], object] | None], ...] = (
    ("person", N_("person"), "person", str),
    ("channel", N_("channel"), "channel", None),  # read by `preferences.check`
    ("every", N_("rhythm"), "frequency", parse_frequency),
    ("days", N_("days"), "weekdays", parse_weekdays),
    ("maximum", N_("maximum"), "max_frequency", parse_frequency),
)


def wishes_merged(
    current: preferences.Preference | None, wishes: preferences.Wishes, *, overwrite: bool
) -> tuple[preferences.Wishes | None, list[Difference]]:
    """The statement to record (only what it fills or replaces; None: nothing) and the
    differences between what the customer said and what the file says. A clear word
    in a file (`keine`) removes nothing: imports never take away what was said."""
    checked = preferences.check(wishes)  # raises on nonsense, as a new customer's row would
    fields = []
    for name, label, attribute, read in WISH_FIELDS:
        text = getattr(wishes, name)
        if text is None or text.strip().lower() in preferences.CLEAR_WORDS:
            continue
        new = checked["channel"] if read is None else read(text.strip())
        old = getattr(current, attribute) if current else None
        fields.append((name, label, old or None, new))
    changes, differences = merged(fields, contact=None, overwrite=overwrite)
    if not changes:
        return None, differences
    return preferences.Wishes(**{name: getattr(wishes, name) for name in changes}), differences
