"""Reading address books (vCard 2.1, 3.0, 4.0) as Apple, Google, Outlook and Nextcloud
export them. ORG becomes the customer, the person a contact there."""

from pathlib import Path
from typing import Any

from kundenpflege.domain.key_dates import Day, parse_vcard
from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _
from kundenpflege.interop import textfile
from kundenpflege.interop.importing import Record


def _value(card: Any, name: str) -> str | None:
    """The first value of a property, as text ('' and lists handled)."""
    entries = card.contents.get(name) or []
    for entry in entries:
        value = entry.value
        if isinstance(value, list):  # ORG: company;department -> the company
            value = next((part for part in value if part), "")
        text = str(value).strip()
        if name == "tel":
            text = text.removeprefix("tel:")  # vCard 4 writes phone numbers as URIs
        if text:
            return text
    return None


def _name(card: Any) -> str | None:
    full = _value(card, "fn")
    if full:
        return full
    structured = (card.contents.get("n") or [None])[0]
    if structured is None:
        return None
    name = structured.value
    return " ".join(part for part in (name.given, name.family) if part).strip() or None


# vCard 4.0 has ANNIVERSARY; 3.0 address books write it under names of their own.
ANNIVERSARIES = ("anniversary", "x-anniversary", "x-ms-anniversary", "x-evolution-anniversary")


def _day(card: Any, names: tuple[str, ...], where: str, problems: list[str]) -> Day | None:
    """The first birthday (or anniversary) the card gives, with or without its year.
    One we cannot keep (vCard 4.0 allows `1975`, `--03` or words) is a problem of the
    card: the import stops on it, or with --skip-invalid keeps the card without it."""
    for name in names:
        text = _value(card, name)
        if text:
            try:
                return parse_vcard(text)
            except KundenpflegeError as error:
                problems.append(f"{where}: {name.upper()}: {error}")
                return None
    return None


# Pictures and sounds: phone address books carry megabytes of them; we keep none.
MEDIA = ("PHOTO", "LOGO", "SOUND")


def read(path: Path) -> tuple[list[Record], int, list[str]]:
    """Every card in the file, how many pictures and sounds were left out while
    reading, and the dates it gives that cannot be kept; a damaged file is an error
    naming its line."""
    import vobject  # imported here: only vCard imports need it

    read_file = textfile.read(path, skip=MEDIA)
    # vobject counts CR and LF separately; plain LF keeps its line numbers right.
    text = read_file.text.replace("\r\n", "\n")
    records: list[Record] = []
    problems: list[str] = []
    try:
        for card in vobject.readComponents(text, validate=False):
            if card.name != "VCARD":
                continue
            person = _name(card)
            company = _value(card, "org")
            if not (person or company):
                continue
            where = _("card {number}").format(number=len(records) + 1)
            records.append(
                Record(
                    where=where,
                    name=company or person or "",
                    company=company,
                    contact_name=person if company else person,
                    contact_role=_value(card, "title") or _value(card, "role"),
                    email=_value(card, "email"),
                    phone=_value(card, "tel"),
                    note=_value(card, "note"),
                    birthday=_day(card, ("bday",), where, problems),
                    anniversary=_day(card, ANNIVERSARIES, where, problems),
                )
            )
    except KundenpflegeError:
        raise
    except Exception as error:  # vobject raises several unrelated types on bad input
        lines = text.splitlines()
        if "never closed" in str(error):
            # Point at the card that lacks its END:VCARD.
            starts = [n for n, line in enumerate(lines, 1) if line.upper() == "BEGIN:VCARD"]
            start = starts[-1] if starts else len(lines)
            raise KundenpflegeError(
                _("{path} line {line}: this vCard never ends (END:VCARD missing)").format(
                    path=path, line=start
                )
            ) from None
        reported = getattr(error, "lineNumber", None)
        where = f"{path} " + _("line {line}").format(line=reported) if reported else str(path)
        raise KundenpflegeError(
            _("{where}: not a readable vCard ({error})").format(where=where, error=error)
        ) from None
    if not records:
        raise KundenpflegeError(_("{path}: no vCards found").format(path=path))
    return records, read_file.skipped, problems
