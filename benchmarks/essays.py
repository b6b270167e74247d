"""Realistic sample essays, generated deterministically for tests and benchmarks.

Each essay has valid front matter (date, category, three tags from a pool),
a title, and about *words* words of prose in paragraphs, with the odd
section heading, emphasis and link to an earlier essay, like a real archive.
"""

from __future__ import annotations

import datetime as dt
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


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    if rng.random() < 0.15:
        words[2] = f"*{words[2]}*"
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", "…"])


def paragraph(rng: random.Random, words: int) -> str:
    text, count = [], 0
    while count < words:
        text.append(sentence(rng))
        count += len(text[-1].split())
    return " ".join(text)


def essay(number: int, date: dt.date, rng: random.Random, words: int, earlier: str | None) -> str:
    title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} and the {rng.choice(WORDS)} {number}"
    tags = rng.sample(TAGS, 3)
    body, remaining = [], words
    while remaining > 0:
        size = min(remaining, rng.randint(60, 140))
        if body and rng.random() < 0.12:
            body.append(f"## {rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}")
        body.append(paragraph(rng, size))
        remaining -= size
    if earlier and rng.random() < 0.3:
        body.append(f"I wrote about this before, in [an earlier essay](../{earlier}.md).")
    front = (
        f"---\ndate: {date.isoformat()}\ncategory: {rng.choice(CATEGORIES)}\n"
        f"tags: [{', '.join(tags)}]\n---\n\n# {title}\n\n"
    )
    return front + "\n\n".join(body) + "\n"


def write_essays(
    root: Path, count: int, *, seed: int = 2024, words: int = 800, start: dt.date = dt.date(2019, 1, 7)
) -> list[Path]:
    """Write *count* essays under ``root/posts/YYYY/``, one every few days from *start*."""
    rng = random.Random(seed)
    paths, date, previous = [], start, None
    for number in range(1, count + 1):
        date += dt.timedelta(days=rng.randint(1, 4))
        slug = f"essay-{number:04d}"
        path = root / "posts" / str(date.year) / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        earlier = f"{previous.parent.name}/{previous.stem}" if previous else None
        path.write_text(essay(number, date, rng, words, earlier), encoding="utf-8")
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
