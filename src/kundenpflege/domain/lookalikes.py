"""Names that only look alike: "Аcme" with a Cyrillic А next to "Acme".

A skeleton in the sense of Unicode TR39: the name decomposed (NFD), each character
replaced by one representative of the characters it can be confused with, from the
Unicode confusables data that `confusable-homoglyphs` ships. Characters confusable
with one another through any chain share a representative, so two names look
alike exactly when their skeletons are equal. Loaded only where names come in.
"""

import json
import unicodedata
from functools import cache
from importlib.resources import files


@cache
def _table() -> dict[int, str]:
    data = json.loads((files("confusable_homoglyphs") / "confusables.json").read_text("utf-8"))
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.setdefault(char, char) != char:
            parent[char] = parent[parent[char]]
            char = parent[char]
        return char

    for char, entries in data.items():
        for entry in entries:
            other = entry["c"]
            if len(char) == 1 and len(other) == 1:
                first, second = root(char), root(other)
                if first != second:
                    # The representative: ASCII if the class has any, then the lowest.
                    keep, drop = sorted((first, second), key=lambda c: (not c.isascii(), c))
                    parent[drop] = keep
    return {ord(char): root(char) for char in parent if root(char) != char}


def skeleton(name: str) -> str:
    return unicodedata.normalize("NFD", name).translate(_table())
