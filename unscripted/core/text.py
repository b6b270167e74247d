"""Length, as readers measure it: for reading time and the byline.

Writing that separates words with spaces is counted in words: letters, the marks
that belong to them (vowel signs, diacritics) and digits, joined by apostrophes
or hyphens ("don’t", "well-known", "आत्मीयता"). Chinese and Japanese, written
without spaces, are counted in characters (Han and kana), as their readers
count text; Korean separates words with spaces and is counted in words.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

# One unit of reading: a character of Chinese or Japanese, or a word of any other script.
CHARACTER = r"[\p{Han}\p{Hiragana}\p{Katakana}\u3005\u30fc]"
UNIT_RE = regex.compile(
    rf"(?P<character>{CHARACTER})|(?P<word>(?:(?!{CHARACTER})[\p{{L}}\p{{M}}\p{{N}}])+"
    rf"(?:['’\-](?:(?!{CHARACTER})[\p{{L}}\p{{M}}\p{{N}}])+)*)"
)
# The same units in text without Chinese or Japanese (most text): a third of the time.
HAS_CHARACTERS = regex.compile(CHARACTER)
WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+)*")
# Two characters take about as long to read as a word: for where an excerpt stops.
CHARACTERS_PER_WORD = 2


@dataclass(frozen=True)
class Length:
    words: int = 0
    characters: int = 0  # of Chinese and Japanese

    def __add__(self, other: Length) -> Length:
        return Length(self.words + other.words, self.characters + other.characters)

    def minutes(self, words_per_minute: int, characters_per_minute: int) -> int:
        """Reading time, at least a minute."""
        return max(1, round(self.words / words_per_minute + self.characters / characters_per_minute))

    @property
    def units(self) -> float:
        return self.words + self.characters / CHARACTERS_PER_WORD


def measure(text: str) -> Length:
    if not HAS_CHARACTERS.search(text):
        return Length(len(WORD_RE.findall(text)))
    words = characters = 0
    for unit in UNIT_RE.finditer(text):
        if unit["character"]:
            characters += 1
        else:
            words += 1
    return Length(words, characters)


def count_words(text: str) -> int:
    return measure(text).words


def units(text: str):
    """Where each unit of reading ends in *text*, and its weight in words."""
    for unit in UNIT_RE.finditer(text):
        yield unit.end(), (1 / CHARACTERS_PER_WORD if unit["character"] else 1)
