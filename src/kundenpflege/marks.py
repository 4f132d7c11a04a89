"""Where a search matched, inside a snippet: two private-use characters that no
keyboard types. Each medium shows them its own way: bold on a terminal, »…« in
plain text and data."""

START, END = "\ue000", "\ue001"


def plain(text: str) -> str:
    """The marks as »…«, for pipes, files and data."""
    return text.replace(START, "»").replace(END, "«")
