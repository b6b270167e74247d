"""Images in the publication's colours and typeface: icons, and each essay's social preview.

* The favicon and touch icons, so no page asks for a missing ``/favicon.ico``.
* A social preview for every page (``Essay.card_path``): an essay's ``image``
  if it has one, else a 1200x630 card drawn by ``core.cards`` with the essay's
  title; the site's own card for other pages.

Everything is drawn with Pillow from the package's own fonts, so nothing is
fetched. Cards are drawn in a separate process while Sphinx writes the pages
(a build uses one core; the card worker the other), and only when what they
are drawn from (title, name, tagline, colours, fonts, code) changed.
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
from unscripted.infra.files import Fingerprints, code_digest, prune, write_if_changed
from unscripted.infra.state import PerBuild
from unscripted.read.state import publishing, site_of

CARD_FILES = ("*.png", "*.jpg", "*.jpeg", "*.webp", "*.gif")


@dataclass
class CardWork:
    """The card worker of one build: started after reading, awaited when the build ends."""

    fingerprints: Fingerprints | None = None
    expected: set[str] = field(default_factory=set)  # every preview this build publishes
    pool: concurrent.futures.ProcessPoolExecutor | None = None
    jobs: list[concurrent.futures.Future] = field(default_factory=list)


card_work = PerBuild(CardWork)


def icon_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    pathto = context["pathto"]
    context["unscripted_icons"] = {name: pathto(name, resource=True) for name in cards.ICON_SIZES}


@functools.cache
def drawing_digest() -> str:
    """Everything a drawing depends on besides its text: fonts and code (in ``code_digest``), Pillow."""
    return hashlib.sha256(f"{code_digest()} {importlib.metadata.version('pillow')}".encode()).hexdigest()


def start_cards(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: copy essays' own images; start drawing the cards that changed."""
    if not publishing(app):
        return
    config, site, work = app.config, site_of(app), card_work(app)
    style = (config.project, config.html_context.get("tagline", ""), config.unscripted_colours)
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
        if work.fingerprints.changed(str(docname), title, style, drawing_digest()) or not target.is_file():
            jobs.append((str(target), title, *style, str(cards.FONTS)))
    if jobs:
        # Spawned, not forked: a fresh interpreter shares nothing with the Sphinx process,
        # and core.cards imports Pillow only, so the worker stays small.
        context = multiprocessing.get_context("spawn")
        work.pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context)
        work.jobs = [work.pool.submit(cards.draw_card_file, *job) for job in jobs]


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
        for job in work.jobs:
            job.result()  # re-raises a failed drawing here
        prune(Path(app.outdir), CARDS, work.expected, CARD_FILES)
        if work.fingerprints is not None:
            work.fingerprints.save()
        icons.save()
    finally:
        if work.pool is not None:
            work.pool.shutdown(cancel_futures=True)
            work.pool = None
