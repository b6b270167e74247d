"""Realistic sample essays, generated deterministically for tests and benchmarks.

Each essay has valid front matter (date, category, three tags from a pool),
a title, and about *words* words of prose in paragraphs, with the odd
section heading, emphasis and link to an earlier essay, like a real archive.

By default the prose repeats a few dozen theme words (enough for listings,
tags and builds). ``ENGLISH`` draws it instead with the word frequencies of
English (Zipf's law: the word of rank r appears in proportion to 1/r): a few
very common words, a long tail of rare ones. That is what a search index's
size and the cost of a query depend on; the rare words are made up.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

WORDS = [
    "quiet",
    "honest",
    "tender",
    "slow",
    "careful",
    "present",
    "open",
    "trust",
    "touch",
    "breath",
    "morning",
    "evening",
    "conversation",
    "silence",
    "laughter",
    "kitchen",
    "window",
    "letter",
    "promise",
    "habit",
    "memory",
    "story",
    "body",
    "partner",
    "friend",
    "distance",
    "closeness",
    "patience",
    "courage",
    "attention",
    "comfort",
    "doubt",
    "fear",
    "hope",
    "script",
    "stage",
    "mirror",
    "applause",
    "rehearsal",
    "scorecard",
    "performance",
    "practice",
    "listening",
    "noticing",
    "asking",
    "waiting",
    "learning",
    "unlearning",
    "sharing",
    "naming",
    "choosing",
    "staying",
    "leaving",
]
TAGS = [f"{word}-{n}" if n else word for n in range(3) for word in WORDS[:40]][:40]
CATEGORIES = ["Reflections", "Letters", "Notes", "Conversations", "Practice"]


# The most frequent English words, in about their order of frequency.
COMMON_TEXT = (
    "the of and to a in is that it was for on you he be with as by at have are this not but had his they from "
    "she which or we an there her were one do been all their has would will what if can when so no said who more "
    "about up them some could him into its then two out time like only my did other me your now over just may "
    "these new also people any know first see very well after should than where back how get most way down our "
    "made years work life day even because much good many those through long make think still own say here great "
    "little world never under while last might us same another right place off again old found around"
)
COMMON = COMMON_TEXT.split()


class Vocabulary:
    """Words drawn with Zipf's law: the common English words, the theme words, then made-up rare ones."""

    def __init__(self, size: int, seed: int = 1) -> None:
        rng = random.Random(seed)
        words = list(dict.fromkeys(COMMON + WORDS))
        known = set(words)
        syllables = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
        while len(words) < size:
            word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            if word not in known:
                known.add(word)
                words.append(word)
        self.words = words
        self.cumulative = list(itertools.accumulate(1 / rank for rank in range(1, size + 1)))

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def word_with(self, occurrences: float, total_words: int) -> str:
        """A word expected to appear about *occurrences* times in *total_words* words of prose."""
        rank = total_words / (occurrences * self.cumulative[-1])
        return self.words[min(len(self.words), max(1, round(rank))) - 1]


ENGLISH = Vocabulary(40_000)


def sentence(rng: random.Random, vocabulary: Vocabulary | None = None) -> str:
    length = rng.randint(8, 22)
    words = vocabulary.draw(rng, length) if vocabulary else [rng.choice(WORDS) for _ in range(length)]
    if rng.random() < 0.15:
        words[2] = f"*{words[2]}*"
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", "…"])


def paragraph(rng: random.Random, words: int, vocabulary: Vocabulary | None = None) -> str:
    text, count = [], 0
    while count < words:
        text.append(sentence(rng, vocabulary))
        count += len(text[-1].split())
    return " ".join(text)


def essay(
    number: int, date: dt.date, rng: random.Random, words: int, earlier: str | None, vocabulary: Vocabulary | None
) -> str:
    title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} and the {rng.choice(WORDS)} {number}"
    tags = rng.sample(TAGS, 3)
    body, remaining = [], words
    while remaining > 0:
        size = min(remaining, rng.randint(60, 140))
        if body and rng.random() < 0.12:
            body.append(f"## {rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}")
        body.append(paragraph(rng, size, vocabulary))
        remaining -= size
    if earlier and rng.random() < 0.3:
        body.append(f"I wrote about this before, in [an earlier essay](../{earlier}.md).")
    front = (
        f"---\ndate: {date.isoformat()}\ncategory: {rng.choice(CATEGORIES)}\n"
        f"tags: [{', '.join(tags)}]\n---\n\n# {title}\n\n"
    )
    return front + "\n\n".join(body) + "\n"


def write_essays(
    root: Path,
    count: int,
    *,
    seed: int = 2024,
    words: int = 800,
    start: dt.date = dt.date(2019, 1, 7),
    vocabulary: Vocabulary | None = None,
) -> list[Path]:
    """Write *count* essays under ``root/posts/YYYY/``, one every few days from *start*;
    their prose from *vocabulary* (e.g. ``ENGLISH``), else from the theme words."""
    rng = random.Random(seed)
    paths, date, previous = [], start, None
    for number in range(1, count + 1):
        date += dt.timedelta(days=rng.randint(1, 4))
        slug = f"essay-{number:04d}"
        path = root / "posts" / str(date.year) / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        earlier = f"{previous.parent.name}/{previous.stem}" if previous else None
        path.write_text(essay(number, date, rng, words, earlier, vocabulary), encoding="utf-8")
        paths.append(path)
        previous = path
    return paths


def copy_file(source: str, destination: str) -> None:
    """Card fonts (15 MB, never edited by a test) are hard-linked where possible; the rest is copied."""
    if source.endswith(".ttf"):
        try:
            os.link(source, destination)
            return
        except OSError:
            pass
    shutil.copy2(source, destination)


def copy_project(destination: Path, names: tuple[str, ...]) -> None:
    """Copy the project's own files (configuration, templates, extensions...) into *destination*."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in names:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, destination / name, ignore=ignore, copy_function=copy_file)
        else:
            shutil.copy2(source, destination / name)
