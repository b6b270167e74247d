"""Images in the publication's colours and typeface, and each essay's preview image.

* The favicon and touch icons, so no page asks for a missing ``/favicon.ico``.
* A social preview for every page: an essay's ``image`` if it has one, else a
  1200x630 card drawn by ``social_cards`` with the essay's title
  (``social/<docname>.png``); the site's own card for other pages.

Everything is drawn with Pillow from the fonts served in ``_static/fonts``, so
nothing is fetched. Cards are drawn in a separate process while Sphinx writes
the pages (a build uses one core; the card worker the other), and only when
what they are drawn from (title, name, tagline, colours, fonts, code) changed.
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import importlib.metadata
import io
import multiprocessing
from pathlib import Path, PurePosixPath

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from unscripted import __version__, social_cards
from unscripted.incremental import Fingerprints, prune, write_if_changed
from unscripted.posts import package_digest, publishing, records

FONTS = Path(__file__).resolve().parents[1] / "_static/fonts"
FONT = FONTS / "source-serif-4-latin-600-normal.woff2"
ICON_FILES = {"favicon.ico": (16, 32, 48), "apple-touch-icon.png": (180,), "icon-512.png": (512,)}
PREVIEWS = "social"  # social/<docname>.png (or the essay's own image), social/site.png
PREVIEW_FILES = ("*.png", "*.jpg", "*.jpeg", "*.webp", "*.gif")


def preview_path(app: Sphinx, docname: str | None) -> str:
    """Output path of a page's social preview image; None: the site's card."""
    if docname is None:
        return f"{PREVIEWS}/site.png"
    record = records(app.env).get(docname)
    suffix = PurePosixPath(record.source.image).suffix.lower() if record and record.source.image else ".png"
    return f"{PREVIEWS}/{docname}{suffix}"


def preview_size(app: Sphinx, docname: str | None) -> tuple[int, int]:
    record = records(app.env).get(docname) if docname else None
    if record and record.source.image:
        import imagesize  # Sphinx's own dependency

        return imagesize.get(Path(app.srcdir, record.docname).parent / record.source.image)
    return social_cards.WIDTH, social_cards.HEIGHT


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


# -- Preview images ------------------------------------------------------------------


@functools.cache
def drawing_digest() -> str:
    """Everything a drawing depends on besides its text: fonts, code, Pillow."""
    digest = hashlib.sha256(f"{package_digest()} {importlib.metadata.version('pillow')}".encode())
    for path in sorted(FONTS.glob("*.woff2")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def start_previews(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: copy essays' own images; start drawing the cards that changed."""
    if not publishing(app):
        return
    config = app.config
    style = (config.project, config.html_context.get("tagline", ""), config.unscripted_colours)
    fingerprints = app.unscripted_preview_fingerprints = Fingerprints(app, "previews")
    pages = [None, *records(env)]
    app.unscripted_previews = {preview_path(app, docname) for docname in pages}
    jobs = []
    for docname in pages:
        target = Path(app.outdir, preview_path(app, docname))
        record = records(env).get(docname) if docname else None
        if record and record.source.image:
            image = Path(app.srcdir, docname).parent / record.source.image
            write_if_changed(target, image.read_bytes())  # the writer's own image, as it is
            continue
        title = record.title if record else None
        if fingerprints.changed(str(docname), title, style, drawing_digest()) or not target.is_file():
            jobs.append((str(target), title, *style, str(FONTS)))
    app.unscripted_card_jobs = []
    if jobs:
        # Spawned, not forked: a fresh interpreter shares nothing with the Sphinx process,
        # and social_cards imports Pillow only, so the worker stays small.
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        app.unscripted_card_pool = pool
        app.unscripted_card_jobs = [pool.submit(social_cards.draw_card_file, *job) for job in jobs]


def finish_images(app: Sphinx, exception: Exception | None) -> None:
    pool = getattr(app, "unscripted_card_pool", None)
    try:
        if exception is not None or not publishing(app):
            return
        colours = app.config.unscripted_colours
        icons = Fingerprints(app, "icons")
        for name in ICON_FILES:
            path = Path(app.outdir, name)
            if icons.changed(name, colours, app.config.project, drawing_digest()) or not path.is_file():
                write_if_changed(path, icon_bytes(name, colours, app.config.project[0]))
        for job in getattr(app, "unscripted_card_jobs", []):
            job.result()  # re-raises a failed drawing here
        prune(Path(app.outdir), PREVIEWS, app.unscripted_previews, PREVIEW_FILES)
        app.unscripted_preview_fingerprints.save()
        icons.save()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
            app.unscripted_card_pool = None


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.posts")
    colours = {"brand": "#8c2f4b", "ink": "#1c1417", "paper": "#ffffff"}
    app.add_config_value("unscripted_colours", colours, "html", types=frozenset({dict}))
    app.connect("env-updated", start_previews, priority=900)  # once titles are known
    app.connect("html-page-context", icon_links)
    app.connect("build-finished", finish_images)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
