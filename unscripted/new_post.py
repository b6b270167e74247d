"""Start a new essay: ``python -m unscripted.new_post "The Title"`` (``make post``).

Writes ``posts/YYYY/<slug>.md`` with valid front matter, today's date in the
site's time zone and the title. The essay starts as a draft, so pushing it
half-written publishes nothing. Never overwrites a file.

The slug (the essay's file name and URL) is ASCII in every script: a title in
any other script is transliterated (``anyascii``: Тишина вдвоём becomes
``tishina-vdvoem``, ما لا نقوله ``m-l-nqwlh``), so that every host, feed reader
and chat application handles the link; ``--slug`` (``make post SLUG=…``) sets it
by hand, e.g. as a writer would romanize a Japanese title.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import runpy
import sys
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

from anyascii import anyascii

ROOT = Path(__file__).resolve().parents[1]
MAX_SLUG = 60
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

TEMPLATE = """\
---
date: {date}
draft: true  # delete this line when the essay is ready to publish
tags: []
# category: Reflections
# description: One sentence for listings, feeds and search engines.
---

# {title}

Write here.
"""


def slugify(title: str) -> str:
    """ASCII, lower case, words joined by hyphens: the essay's URL, from a title in any script."""
    letters = "".join(c for c in unicodedata.normalize("NFKC", title) if not unicodedata.category(c).startswith("S"))
    ascii_title = anyascii(letters)
    words = re.findall(r"[a-z0-9]+", re.sub(r"['’]", "", ascii_title.lower()))
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > MAX_SLUG and slug:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug


def today(root: Path) -> dt.date:
    settings = runpy.run_path(str(root / "conf.py"))
    return dt.datetime.now(ZoneInfo(settings.get("unscripted_timezone", "UTC"))).date()


def new_post(title: str, root: Path = ROOT, date: dt.date | None = None, slug: str | None = None) -> Path:
    title = " ".join(title.split())
    if slug is not None and not SLUG_RE.fullmatch(slug):
        raise SystemExit(f"The slug {slug!r} is not one: lower-case ASCII letters, digits and single hyphens.")
    slug = slug or slugify(title)
    if not slug:
        raise SystemExit(f'The title {title!r} has no letters or digits to make a file name from; give one: SLUG="…"')
    date = date or today(root)
    path = root / "posts" / f"{date.year}" / f"{slug}.md"
    relative = path.relative_to(root).as_posix()
    if path.exists():
        raise SystemExit(f"{relative} already exists; edit it, or choose another title.")
    same_slug = sorted(
        p.relative_to(root).as_posix() for p in (root / "posts").glob(f"*/{slug}.*") if p.suffix in {".md", ".rst"}
    )
    if same_slug:
        raise SystemExit(f"{same_slug[0]} already uses the slug {slug!r}; choose another title.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(TEMPLATE.format(date=date.isoformat(), title=title))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("title", help="the essay's title")
    parser.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)")
    parser.add_argument("--slug", help="the file name and URL, e.g. kotoba-no-mae-ni (default: from the title)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if not arguments.title.strip():
        parser.error('give the title: make post TITLE="The title of the essay"')
    path = new_post(arguments.title, arguments.root.resolve(), arguments.date, arguments.slug or None)
    print(f"Created {path.relative_to(arguments.root.resolve()).as_posix()} (a draft: see `make serve`)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
