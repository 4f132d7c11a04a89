"""Reading customer lists from spreadsheets: encodings, delimiters and headers as found.

Encodings and bounds are `textfile`'s; the delimiter is sniffed (German Excel
writes ';'); headers may be English or German.
"""

import csv
import io
from datetime import date
from pathlib import Path

from kundenpflege.domain import key_dates, vocabulary
from kundenpflege.domain.customers import clean_tags
from kundenpflege.domain.dates import parse_date
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.interop import textfile
from kundenpflege.interop.importing import Record, parse_money, parse_status

FIELDS = {
    "handle": ("handle", "kürzel", "kuerzel", "id", "kundennummer", "kunden-nr", "kdnr"),
    "name": ("name", "kunde", "kundenname", "customer", "full name", "vollständiger name"),
    "company": ("company", "firma", "unternehmen", "organisation", "organization", "org"),
    "tier": ("tier", "stufe", "kategorie", "klasse", "segment"),
    "tags": ("tags", "tag", "schlagworte", "schlagwörter", "gruppe", "gruppen", "labels"),
    "annual_value": ("value", "annual value", "annual_value", "umsatz", "jahresumsatz", "wert"),
    "status": ("status", "zustand"),
    "since": ("since", "customer since", "kunde seit", "seit"),
    "contact_name": ("contact", "contact name", "ansprechpartner", "ansprechpartnerin",
                     "kontakt", "kontaktperson"),
    "contact_role": ("role", "title", "position", "rolle", "funktion", "job title"),
    "email": ("email", "e-mail", "mail", "e-mail-adresse", "email address", "e-mail address"),
    "phone": ("phone", "telefon", "tel", "tel.", "telefonnummer", "mobile", "handy", "mobil"),
    "note": ("note", "notes", "notiz", "notizen", "bemerkung", "bemerkungen"),
    "birthday": ("birthday", "geburtstag", "geburtsdatum", "date of birth", "birth date", "bday"),
    "anniversary": ("anniversary", "jahrestag", "jubiläum", "jubilaeum"),
    "person": ("person", "betreuer", "betreuerin", "zuständig", "owner", "account owner"),
    "channel": ("channel", "kanal", "preferred channel", "bevorzugter kanal"),
    "every": ("every", "frequency", "rhythm", "rhythmus", "häufigkeit", "kontakt alle"),
    "days": ("days", "weekdays", "tage", "wochentage"),
    "maximum": ("max", "maximum", "höchstens", "max frequency"),
}  # fmt: skip
_ALIASES = {alias: field for field, aliases in FIELDS.items() for alias in aliases}
# Headers that name a person: beside a company column (an address book's "Name" and
# "Firma") and without a contact column, they are the person there, in a row with a
# company; in a row without one, the customer is that person.
PERSON_NAMES = ("name", "full name", "vollständiger name")
PERSON_OR_CUSTOMER = "person or customer"


def _delimiter(text: str) -> str:
    header = text.splitlines()[0]
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        return max(",;\t", key=header.count)


def mapping(header: list[str], overrides: dict[str, str], path: Path) -> dict[int, str]:
    """Column index -> field, from known header words and `--map column=field`."""
    for field in overrides.values():
        if field not in FIELDS:
            raise KundenpflegeError(
                _("--map: unknown field '{field}'; use one of {known}").format(
                    field=field, known=", ".join(FIELDS)
                )
            )
    columns = {}
    people = []
    for index, title in enumerate(header):
        key = " ".join(title.strip().lower().split())
        chosen = overrides.get(title.strip()) or overrides.get(key) or _ALIASES.get(key)
        if chosen:
            columns[index] = chosen
        mapped = title.strip() in overrides or key in overrides  # --map decides alone
        if chosen == "name" and key in PERSON_NAMES and not mapped:
            people.append(index)
    if "company" in columns.values() and "contact_name" not in columns.values():
        columns.update(dict.fromkeys(people, PERSON_OR_CUSTOMER))
    if not {"name", "company"} & set(columns.values()):
        found = ", ".join(title.strip() for title in header) or "nothing"
        raise KundenpflegeError(
            _(
                "{path} line 1: no name or company column (found: {found});"
                " name one with --map COLUMN=name"
            ).format(path=path, found=found)
        )
    return columns


def _record(where: str, values: dict[str, str], today: date) -> Record:
    person = values.pop(PERSON_OR_CUSTOMER, "")
    if person and values.get("company"):
        values["contact_name"] = person
    elif person:
        values["name"] = person
    name = values.get("name") or values.get("company")
    if not name:
        raise KundenpflegeError(_("no name or company"))
    # Handles and wishes are checked where they are written (importing.apply).
    handle = values.get("handle")
    tags = values.get("tags")
    return Record(
        where=where,
        name=name,
        handle=handle.lower() if handle else None,
        company=values.get("company") or None,
        tier=values.get("tier") or None,
        tags=clean_tags(tags.replace(";", ",").replace("|", ",").split(",")) if tags else [],
        annual_value=parse_money(values["annual_value"]) if values.get("annual_value") else None,
        status=parse_status(values["status"]) if values.get("status") else None,
        since=parse_date(values["since"], today) if values.get("since") else None,
        contact_name=values.get("contact_name") or None,
        contact_role=values.get("contact_role") or None,
        email=_email(values.get("email")),
        phone=values.get("phone") or None,
        note=values.get("note") or None,
        birthday=_key_day("birthday", values.get("birthday"), today),
        anniversary=_key_day("anniversary", values.get("anniversary"), today),
        person=values.get("person") or None,
        channel=vocabulary.channel(values["channel"]) if values.get("channel") else None,
        every=values.get("every"),
        days=values.get("days"),
        maximum=values.get("maximum"),
    )


def _key_day(kind: str, text: str | None, today: date) -> key_dates.Day | None:
    """A birthday or anniversary as spreadsheets hold it: 14.03.1975, 14.03., 1975-03-14."""
    if not text:
        return None
    day = key_dates.parse_day(text, today)
    key_dates.check(kind, day, what=None, yearly=True, today=today)
    return day


def _email(text: str | None) -> str | None:
    if not text:
        return None
    if "@" not in text:
        raise KundenpflegeError(
            _("'{email}' does not look like an e-mail address").format(email=text)
        )
    return text.strip()


def read(
    path: Path, today: date, overrides: dict[str, str] | None = None
) -> tuple[list[Record], list[str]]:
    """Records and the problems of rows that could not be read ("line N: reason")."""
    text = textfile.read(path).text
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        header = next(reader)
        columns = mapping(header, overrides or {}, path)
        fields = list(columns.items())
        where = _("line {line}")  # looked up once, not for each of 100,000 rows
        records, problems = [], []
        line = reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                problems.append(
                    _("line {line}: {count} fields, but the header has {expected}").format(
                        line=start, count=len(row), expected=len(header)
                    )
                )
                continue
            values = {field: cell for index, field in fields
                      if index < len(row) and (cell := row[index].strip())}  # fmt: skip
            try:
                records.append(_record(where.format(line=start), values, today))
            except KundenpflegeError as error:
                problems.append(_("line {line}: {error}").format(line=start, error=error))
    except csv.Error as error:
        raise KundenpflegeError(
            _("{path} line {line}: {error}").format(path=path, line=reader.line_num, error=error)
        ) from None
    return records, problems
