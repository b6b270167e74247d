"""Images drawn at build time in the publication's colours and typeface.

* The favicon and touch icons, so no page asks for a missing ``/favicon.ico``.
* A 1200x630 social card per essay (``social/<docname>.png``) and one for the
  site (``social/site.png``), drawn by ``social_cards``.

Everything is drawn with Pillow from the fonts served in ``_static/fonts``, so
nothing is fetched. Cards are drawn in a separate process while Sphinx writes
the pages (a build uses one core; the card worker the other), and only when
their title, the site's name, tagline, colours or fonts changed.
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import io
import json
import multiprocessing
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from unscripted import __version__, social_cards
from unscripted.incremental import Fingerprints, prune

FONTS = Path(__file__).resolve().parents[1] / "_static/fonts"
FONT = FONTS / "source-serif-4-latin-600-normal.woff2"
ICON_FILES = {"favicon.ico": (16, 32, 48), "apple-touch-icon.png": (180,), "icon-512.png": (512,)}
CARDS = "social"  # social preview images: social/<docname>.png, social/site.png
CARD_MANIFEST = "unscripted-cards.json"  # in the doctree directory: what each card was drawn from


def card_path(docname: str | None) -> str:
    """Output path of a page's social card; None: the site's own card."""
    return f"{CARDS}/{docname}.png" if docname else f"{CARDS}/site.png"


def write_if_changed(path: Path, content: bytes) -> None:
    """Leave unchanged files (and their timestamps) alone."""
    if not (path.is_file() and path.read_bytes() == content):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


# -- Icons -----------------------------------------------------------------------


def monogram(size: int, colours: dict[str, str], letter: str):
    """The publication's initial on its brand colour, drawn at 4x and scaled down."""
    from PIL import Image, ImageDraw, ImageFont  # only when icons are drawn

    scale = 4
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 5, fill=colours["brand"])
    font = ImageFont.truetype(str(FONT), int(side * 0.78))
    draw.text((side / 2, side / 2), letter, font=font, fill=colours["paper"], anchor="mm")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def icon_bytes(name: str, colours: dict[str, str], letter: str) -> bytes:
    sizes = ICON_FILES[name]
    buffer = io.BytesIO()
    if name.endswith(".ico"):
        monogram(max(sizes), colours, letter).save(buffer, format="ICO", sizes=[(s, s) for s in sizes])
    else:
        monogram(sizes[0], colours, letter).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def icon_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    pathto = context["pathto"]
    context["unscripted_icons"] = {name: pathto(name, resource=True) for name in ICON_FILES}


# -- Social cards ------------------------------------------------------------------


def card_inputs(app: Sphinx) -> dict[str | None, str]:
    """docname (None: the site) -> a fingerprint of everything its card is drawn from."""
    from unscripted.posts import records

    config = app.config
    shared = json.dumps(
        [
            config.project,
            config.html_context.get("tagline", ""),
            config.unscripted_colours,
            __version__,
            fonts_digest(),
        ],
        sort_keys=True,
    )
    cards = {None: None, **{docname: record.title for docname, record in records(app.env).items()}}
    return {docname: hashlib.sha256(f"{shared}\0{title}".encode()).hexdigest() for docname, title in cards.items()}


@functools.cache
def fonts_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(FONTS.glob("*.woff2")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def start_cards(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: start drawing the cards that are missing or out of date."""
    if app.builder.format != "html":
        return
    manifest_path = Path(app.doctreedir, CARD_MANIFEST)
    drawn = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    wanted = card_inputs(app)
    config = app.config
    jobs = []
    for docname, fingerprint in wanted.items():
        target = Path(app.outdir, card_path(docname))
        if drawn.get(str(docname)) != fingerprint or not target.is_file():
            title = env.unscripted_posts[docname].title if docname else None
            style = (config.project, config.html_context.get("tagline", ""), config.unscripted_colours, str(FONTS))
            jobs.append((str(target), title, *style))
    app.unscripted_card_manifest = {str(d): f for d, f in wanted.items()}
    app.unscripted_card_jobs = []
    if jobs:
        # Spawned, not forked: a fresh interpreter shares nothing with the Sphinx process.
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        app.unscripted_card_pool = pool
        # social_cards imports Pillow only, so the worker stays small.
        app.unscripted_card_jobs = [pool.submit(social_cards.draw_card_file, *job) for job in jobs]


def finish_images(app: Sphinx, exception: Exception | None) -> None:
    pool = getattr(app, "unscripted_card_pool", None)
    try:
        if exception is not None or app.builder.format != "html":
            return
        colours = app.config.unscripted_colours
        icons = Fingerprints(app, "icons")
        for name in ICON_FILES:
            path = Path(app.outdir, name)
            if icons.changed(name, colours, app.config.project, fonts_digest(), __version__) or not path.is_file():
                write_if_changed(path, icon_bytes(name, colours, app.config.project[0]))
        for job in getattr(app, "unscripted_card_jobs", []):
            job.result()  # re-raises a failed drawing here
        cards = {card_path(None if docname == "None" else docname) for docname in app.unscripted_card_manifest}
        prune(Path(app.outdir), CARDS, cards, ("*.png",))
        Path(app.doctreedir, CARD_MANIFEST).write_text(json.dumps(app.unscripted_card_manifest, sort_keys=True))
        icons.save()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
            app.unscripted_card_pool = None


def setup(app: Sphinx) -> dict:
    app.add_config_value(
        "unscripted_colours", {"brand": "#8c2f4b", "paper": "#ffffff"}, "html", types=frozenset({dict})
    )
    app.connect("env-updated", start_cards, priority=900)  # once titles are known
    app.connect("html-page-context", icon_links)
    app.connect("build-finished", finish_images)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
