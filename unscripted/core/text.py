"""Words, as readers count them: for reading time and the byline."""

from __future__ import annotations

import re

# A word: letters or digits, joined by apostrophes or hyphens ("don’t", "well-known").
WORD_RE = re.compile(r"[^\W_]+(?:[’'\-][^\W_]+)*")


def count_words(text: str) -> int:
    return len(WORD_RE.findall(text))
