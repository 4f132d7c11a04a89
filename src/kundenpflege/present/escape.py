"""User text is data: shown to a person, it never controls the terminal.

Names, notes, tags and sources come from people and from files. On their way to
a terminal, a cron mail, a calendar or stderr, control characters (C0, DEL, C1)
and the bidi embeddings, overrides and isolates become visible escapes (`\\x1b`,
`\\u202e`): Rich lets ESC, C1, NUL, DEL and bidi through raw in every mode, so this
is our own. Every output here is line by line (notes are shown flattened), so
newlines and tabs are escaped too. Rich tables take these texts as `Text`
objects (cli), so markup in them stays literal. Spreadsheets have their own
guard (`render.neutralise`); CSV and JSON otherwise keep the data exact.
"""

import re

# C0, DEL, C1; the bidi marks, embeddings, overrides and isolates; line separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    code = ord(char)
    return _SHORT.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def one_line(text: str) -> str:
    """User text on its line of a table, a message, the digest or a calendar entry:
    every control character visible (tab and newline as `\\t`, `\\n`)."""
    return _UNSAFE.sub(_escape, text)
