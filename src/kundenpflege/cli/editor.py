"""Writing a note in $EDITOR, so private notes stay out of the shell history."""

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from kundenpflege.errors import KundenpflegeError
from kundenpflege.i18n import _, system_message

TEMPLATE = (
    "\n# Write the note above. Lines starting with '#' are dropped; an empty note logs nothing.\n"
)


def write_note(old: str | None = None) -> str:
    """Open the user's editor on a private temporary file (holding the note as it stands,
    when correcting one) and return what they wrote. An empty buffer stops, as git
    does: nothing is logged or changed. The file is gone however the editor ends."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    # The file name holds no user text (a handle could be anything a file allowed).
    descriptor, name = tempfile.mkstemp(prefix="kundenpflege-note-", suffix=".txt")
    path = Path(name)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write((old or "") + TEMPLATE)
        try:
            finished = subprocess.run([*shlex.split(command), str(path)], check=False)
        except OSError as error:
            raise KundenpflegeError(
                _("cannot start editor '{command}': {reason}; set EDITOR or use --note").format(
                    command=command, reason=system_message(error)
                )
            ) from None
        if finished.returncode != 0:
            raise KundenpflegeError(
                _("editor '{command}' exited with status {status}; nothing was logged").format(
                    command=command, status=finished.returncode
                )
            )
        lines = path.read_text(encoding="utf-8").splitlines()
    finally:
        path.unlink(missing_ok=True)
    note = "\n".join(line for line in lines if not line.startswith("#")).strip()
    if not note:
        raise KundenpflegeError(_("empty note; nothing was logged or changed"))
    return note


def keep_note(note: str, folder: Path) -> Path:
    """A typed note that could not be logged, kept in a private (0600) file beside the
    journal (for a journal on a server, in the user's data folder, made if missing), so
    nobody has to type it again; in the temp folder when neither can be written."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix="kundenpflege-unsaved-", suffix=".txt",
                                            dir=folder)  # fmt: skip
    except OSError:
        descriptor, name = tempfile.mkstemp(prefix="kundenpflege-unsaved-", suffix=".txt")
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(note + "\n")
    return Path(name)
