"""Reading the text files people bring (CSV, vCard, JSON): encodings as found, and
bounded, so a runaway file (`/dev/zero`, a 200 MB line, a 22 MB photo in an
address book) costs an error line, not the machine's memory.

UTF-8 (with or without BOM), UTF-16 with BOM and cp1252 (Excel on Windows) are
recognised. Lines are read one at a time with a cap; properties a reader does
not want (vCard PHOTO, LOGO, SOUND) are dropped while streaming, continuation
lines and all.
"""

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _, system_message
from kundenpflege.limits import MAX_FILE_BYTES, MAX_LINE_BYTES


@dataclass
class Text:
    text: str
    skipped: int = 0  # properties left out while reading


def read(path: Path, *, skip: tuple[str, ...] = (), max_bytes: int | None = MAX_FILE_BYTES) -> Text:
    """The file's text; binary, empty, runaway or unreadable files are errors that name it."""
    try:
        with path.open("rb") as handle:
            start = handle.peek(4096)[:4096]
            if b"\x00" in start and not start.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise KundenpflegeError(_("{path} is not a text file").format(path=path))
            if start.startswith((b"\xff\xfe", b"\xfe\xff")):
                # UTF-16 has no byte lines: read it whole (capped), then line by line
                # like any other, with the same caps and the same properties left out.
                data = handle.read(max_bytes or -1)
                if max_bytes is not None and handle.read(1):
                    _check_total(path, max_bytes + 1, max_bytes)
                utf8 = io.BytesIO(data.decode("utf-16").encode("utf-8"))
                data, skipped = _lines(path, utf8, skip, max_bytes)
            else:
                data, skipped = _lines(path, handle, skip, max_bytes)
    except OSError as error:
        raise KundenpflegeError(
            _("cannot read {path}: {reason}").format(path=path, reason=system_message(error))
        ) from None
    # macOS writes "ü" as u + combining diaeresis (NFD); the journal keeps one form.
    text = unicodedata.normalize("NFC", _decoded(data))
    if not text.strip():
        raise KundenpflegeError(_("{path} is empty").format(path=path))
    return Text(text, skipped)


def _lines(
    path: Path, handle: BinaryIO, skip: tuple[str, ...], max_bytes: int | None
) -> tuple[bytes, int]:
    """The file's bytes line by line, each line capped, unwanted properties left out
    (their overlong lines are read in pieces and thrown away, never held)."""
    unwanted = (
        re.compile(rb"(?i)^(?:[\w-]+\.)?(?:" + "|".join(skip).encode() + rb")[;:]")
        if skip
        else None
    )
    kept: list[bytes] = []
    read = kept_size = skipped = number = 0
    dropping = False
    while line := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        read += len(line)
        overlong = len(line) > MAX_LINE_BYTES and not line.endswith(b"\n")
        if unwanted is not None and (
            (dropping and line[:1] in (b" ", b"\t")) or unwanted.match(line)
        ):
            dropping, skipped = True, skipped + (line[:1] not in (b" ", b"\t"))
            while overlong and (piece := handle.readline(MAX_LINE_BYTES)):
                read += len(piece)
                overlong = not piece.endswith(b"\n")
                _check_total(path, read, max_bytes)
            continue
        dropping = False
        if overlong:
            raise KundenpflegeError(
                _("{path} line {line} is longer than {size} MiB; is this the right file?").format(
                    path=path, line=number, size=MAX_LINE_BYTES >> 20
                )
            )
        if b"\x00" in line:  # past the start that told a text file: no journal keeps one
            raise KundenpflegeError(
                _("{path} line {line} contains a NUL character, which a journal does not keep")
                .format(path=path, line=number)
            )  # fmt: skip
        kept_size += len(line)
        _check_total(path, kept_size, max_bytes)
        kept.append(line)
    return b"".join(kept), skipped


def _check_total(path: Path, size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise KundenpflegeError(
            _("{path} is larger than {size} MiB; split it").format(path=path, size=max_bytes >> 20)
        )


def _decoded(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def write_private(path: Path, text: str, *, keep_off: Path | None = None) -> None:
    """Write a file only we may read (0600: it names customers), whole or not at all:
    a temporary file beside it, then renamed over it, so a reader never sees half.
    Only a regular file is replaced, never `keep_off` (the journal) or its companions."""
    import os
    import tempfile

    target = path.resolve()  # through a link, the file it points to
    if keep_off is not None:
        journal = keep_off.resolve()
        if target in (journal, *(journal.with_name(journal.name + end) for end in _SIDES)):
            raise KundenpflegeError(
                _("{path} is the journal; write the page to another file").format(path=path)
            )
    if target.exists() and not target.is_file():
        raise KundenpflegeError(
            _("{path} is not a regular file; name a file to write").format(path=path)
        )
    try:
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as error:
        raise _unwritable(path, error) from error
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        os.unlink(temporary)
        raise _unwritable(path, error) from error


_SIDES = ("-wal", "-shm", "-journal")  # what SQLite keeps beside a journal


def _unwritable(path: Path, error: OSError) -> KundenpflegeError:
    return KundenpflegeError(
        _("cannot write {path}: {reason}").format(path=path, reason=system_message(error))
    )
