"""Bytes and milliseconds per social card, over a few hundred realistic titles.

    .venv/bin/python -m benchmarks.cards [--titles 300] [--scripts] [--compare] [--json OUT]

Titles are generated deterministically from essay-like patterns (short, with a
subtitle, with curly quotes and dashes, long enough to shrink or be cut), so two
runs, or two versions of ``unscripted/core/cards.py``, draw the same cards.
``--scripts`` adds titles in every script the cards support (Cyrillic, Greek,
Arabic, Hebrew, Devanagari, Chinese, Japanese, Korean, emoji, mixed);
``--compare`` reports how far the cards are from 256-step antialiased RGB ones.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import time

from benchmarks.essays import WORDS

SITE = {
    "site_name": "Unscripted",
    "tagline": "Intimacy, without the performance.",
    "colours": {"brand": "#8c2f4b", "ink": "#1c1417", "paper": "#ffffff"},
}
PATTERNS = [
    "On {A}",
    "{A} and {B}",
    "The {a} {b}",
    "What {a} Taught Me About {b}",
    "Notes on {A}: What We Hide When We Perform {B}",
    "\u201c{A}\u201d \u2014 and Other Things I\u2019ve Learned to Say",
    "The Quiet Lie We\u2019re Sold About {A} (And How I\u2019m Unlearning It)",
    "{A}, {B}, {C}: A Year of {D} Without a Script",
    "Why {a} Is Not the Same as {b}, and Why It Took Me So Long to Notice",
    "A Letter to My Younger Self About {A}, {B} and the {C} We Never Talked About at Home",
    "{A} {b} and the {c} {n}",
    "Learning {a}\u2026 Slowly",
    "Ten Years of {A}: Everything I Got Wrong About {B}, {C} and {D}, in the Order I Found Out, "
    "With Notes on What Finally Helped and What Still Does Not",
]
# Realistic titles in the other scripts (see tests/test_social_cards.py for what each checks).
SCRIPT_TITLES = [
    "Заметки о близости: почему мы прячемся, когда нас наконец видят",
    "Σημειώσεις για την οικειότητα: τι κρύβουμε όταν μας βλέπουν",
    "ملاحظات عن القرب: ما نخفيه حين يرانا الآخرون أخيرًا",
    "הערות על קרבה: מה אנחנו מסתירים כשסוף סוף רואים אותנו",
    "निकटता पर टिप्पणियाँ: जब कोई हमें सचमुच देखता है तो हम क्या छिपाते हैं",
    "关于亲密的笔记：当我们终于被看见时，我们隐藏了什么",
    "親密さについての覚え書き：ようやく誰かに見られたとき",
    "친밀함에 관한 메모: 마침내 누군가 우리를 볼 때",
    "🎉 Party of One 👩🏽\u200d💻 ❤️ and the Art of Being Alone",
    "Learning to say مرحبا بالعالم in 2024 🌍 (and שלום too)",
]


def titles(count: int, seed: int = 14) -> list[str]:
    rng = random.Random(seed)
    out = []
    for number in range(count):
        words = [rng.choice(WORDS) for _ in range(4)]
        fields = dict(zip("abcd", words, strict=True))
        fields |= {k.upper(): w.capitalize() for k, w in fields.items()}
        out.append(PATTERNS[number % len(PATTERNS)].format(n=number, **fields))
    return out


def measure(count: int, scripts: bool) -> dict:
    from PIL import Image

    from unscripted.core import cards

    sample = titles(count) + (SCRIPT_TITLES * max(1, count // 50) if scripts else [])
    cards.render_card("warm up", fonts=cards.FONTS, **SITE)
    sizes, times = [], []
    colours = []
    for title in sample:
        start = time.perf_counter()
        png = cards.render_card(title, fonts=cards.FONTS, **SITE)
        times.append((time.perf_counter() - start) * 1000)
        sizes.append(len(png))
        colours.append(len(Image.open(io.BytesIO(png)).convert("RGB").getcolors(1 << 20)))
    return {
        "cards": len(sample),
        "bytes_mean": round(statistics.mean(sizes)),
        "bytes_median": round(statistics.median(sizes)),
        "bytes_max": max(sizes),
        "mib_per_1000": round(statistics.mean(sizes) * 1000 / 2**20, 1),
        "ms_mean": round(statistics.mean(times), 2),
        "ms_median": round(statistics.median(times), 2),
        "colours_max": max(colours),
    }


def compare(count: int, scripts: bool) -> dict:
    """How far each card is from the same card antialiased in 256 steps and stored as RGB."""
    from PIL import ImageChops

    from unscripted.core import cards

    sample = titles(count) + (SCRIPT_TITLES if scripts else [])
    stepped = [cards.draw_card(title, fonts=cards.FONTS, **SITE).convert("RGB") for title in sample]
    steps, coverage = cards.COVERAGE_STEPS, cards.COVERAGE
    cards.COVERAGE_STEPS, cards.COVERAGE = 256, list(range(256))
    cards.background.cache_clear()
    try:
        exact = [cards.draw_card(title, fonts=cards.FONTS, **SITE) for title in sample]
    finally:
        cards.COVERAGE_STEPS, cards.COVERAGE = steps, coverage
        cards.background.cache_clear()
    worst, means, changed = 0, [], []
    for a, b in zip(stepped, exact, strict=True):
        difference = ImageChops.difference(a, b)
        worst = max(worst, *(high for _, high in difference.getextrema()))
        histogram = difference.convert("L").histogram()
        means.append(sum(level * n for level, n in enumerate(histogram)) / (a.width * a.height))
        changed.append(1 - histogram[0] / (a.width * a.height))
    return {
        "cards": len(sample),
        "max_channel_difference": worst,
        "mean_difference": round(statistics.mean(means), 4),
        "pixels_changed": f"{statistics.mean(changed):.2%}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=300)
    parser.add_argument("--scripts", action="store_true", help="add titles in every supported script")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--compare", action="store_true", help="pixel difference from 256-step RGB cards instead")
    args = parser.parse_args()
    result = (compare if args.compare else measure)(args.titles, args.scripts)
    print(json.dumps(result, indent=1))
    if args.json:
        with open(args.json, "w") as file:
            json.dump(result, file, indent=1)


if __name__ == "__main__":
    main()
