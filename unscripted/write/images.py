"""Images in the publication's colours and typeface: icons, and each essay's social preview.

* The favicon and touch icons, so no page asks for a missing ``/favicon.ico``.
* A social preview for every page (``Essay.card_path``): an essay's ``image``
  if it has one, else a 1200x630 card drawn by ``core.cards`` with the essay's
  title; the site's own card for other pages.

Everything is drawn from the package's own fonts (``unscripted/fonts``, in any
script), so nothing is fetched and no system font is used. Cards are drawn in a
separate process while Sphinx writes the pages (or as many as the build has
with ``-j``), and only when what they are drawn from (title, language,
name, tagline, colours, fonts, code, the drawing libraries) changed.

A character no card font has stops the build before anything is written: in a
title, at reading (``read.boundary``); in the name or tagline, here.
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import importlib.metadata
import multiprocessing
from dataclasses import dataclass, field
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from unscripted.core import cards
from unscripted.core.model import CARDS, SITE_CARD
from unscripted.core.problems import Problem
from unscripted.infra.files import Fingerprints, code_digest, prune, write_if_changed
from unscripted.infra.state import PerBuild
from unscripted.infra.strict import stop_build
from unscripted.read.state import publishing, site_of

CARD_FILES = ("*.png", "*.jpg", "*.jpeg", "*.webp", "*.gif")


@dataclass
class CardWork:
    """The card worker of one build: started after reading, awaited when the build ends."""

    fingerprints: Fingerprints | None = None
    expected: set[str] = field(default_factory=set)  # every preview this build publishes
    pool: concurrent.futures.ProcessPoolExecutor | None = None
    jobs: dict[concurrent.futures.Future, str] = field(default_factory=dict)  # each drawing -> its source


card_work = PerBuild(CardWork)


def icon_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    pathto = context["pathto"]
    context["unscripted_icons"] = {name: pathto(name, resource=True) for name in cards.ICON_SIZES}


DRAWING_LIBRARIES = ("pillow", "uharfbuzz", "python-bidi")


@functools.cache
def drawing_digest() -> str:
    """Everything a drawing depends on besides its text: the card fonts and the code (both in
    ``code_digest``, which reads every file of the package), the libraries that shape and draw."""
    versions = " ".join(f"{name}=={importlib.metadata.version(name)}" for name in DRAWING_LIBRARIES)
    return hashlib.sha256(f"{code_digest()} {versions}".encode()).hexdigest()


def check_site_text(name: str, tagline: str) -> None:
    """The publication's name and tagline are on every card: each character must be in a card font."""
    problems = [
        Problem("conf.py", None, cards.missing_glyphs_advice(missing, f"the {what} {text!r}", "change it, or "))
        for what, text in (("name (project)", name), ("tagline", tagline))
        if (missing := cards.missing_glyphs(text))
    ]
    if problems:
        stop_build(problems, "nothing was written")


def start_cards(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: copy essays' own images; start drawing the cards that changed."""
    if not publishing(app):
        return
    config, site, work = app.config, site_of(app), card_work(app)
    style = (config.project, config.html_context.get("tagline", ""), config.unscripted_colours)
    check_site_text(*style[:2])
    work.fingerprints = Fingerprints(app, "previews")
    work.expected = {SITE_CARD} | {essay.card_path for essay in site.essays.values()}
    jobs = []
    pages = [(None, SITE_CARD, None), *((d, e.card_path, e) for d, e in site.essays.items())]
    for docname, card_path, essay in pages:
        target = Path(app.outdir, card_path)
        if essay and essay.source.image:
            image = Path(app.srcdir, docname).parent / essay.source.image
            write_if_changed(target, image.read_bytes())  # the writer's own image, as it is
            continue
        title = essay.title if essay else None
        language = (essay.source.language or config.language) if essay else config.language  # glyphs, direction
        fingerprint = (title, language, style, drawing_digest())
        if work.fingerprints.changed(str(docname), *fingerprint) or not target.is_file():
            source = essay.source.path if essay else "conf.py"
            jobs.append((source, (str(target), title, *style, str(cards.FONTS), language)))
    if jobs:
        # Spawned, not forked: a fresh interpreter shares nothing with the Sphinx process,
        # and core.cards imports only Pillow, HarfBuzz and python-bidi, so the worker stays small.
        # As many workers as the build has processes (``-j``): a clean build draws a card per essay,
        # and with one worker the build ended waiting for it while the other cores idled.
        context = multiprocessing.get_context("spawn")
        workers = max(1, min(app.parallel, len(jobs) // 50 + 1))
        work.pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)
        work.jobs = {work.pool.submit(cards.draw_card_file, *job): source for source, job in jobs}


def finish_images(app: Sphinx, exception: Exception | None) -> None:
    work = card_work(app)
    try:
        if exception is not None or not publishing(app):
            return
        config = app.config
        colours = config.unscripted_colours
        icons = Fingerprints(app, "icons")
        for name in cards.ICON_SIZES:
            path = Path(app.outdir, name)
            if icons.changed(name, colours, config.project, drawing_digest()) or not path.is_file():
                write_if_changed(path, cards.icon_bytes(name, colours, config.project[0], cards.FONTS))
        problems = []
        for job, source in work.jobs.items():
            try:
                job.result()  # re-raises a failed drawing here
            except cards.MissingGlyphs as error:  # what the fonts' character maps promised, shaping did not keep
                problems.append(Problem(source, None, f"its social card cannot be drawn: {error}"))
        if problems:
            stop_build(problems, "the site is incomplete")
        prune(Path(app.outdir), CARDS, work.expected, CARD_FILES)
        if work.fingerprints is not None:
            work.fingerprints.save()
        icons.save()
    finally:
        if work.pool is not None:
            work.pool.shutdown(cancel_futures=True)
            work.pool = None
