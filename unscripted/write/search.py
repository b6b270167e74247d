"""Site search: the sharded index of the published essays and the about page, and the page that searches it.

* Sphinx's own search is off: its index (``searchindex.js``) is loaded whole by
  every search, megabytes at ten thousand essays. Ours (``core.search``) is cut
  into shards by term; a query fetches the directory, the shards of its words
  and the records of the results it shows (``static/unscripted-search.js``).
* What is indexed: exactly the site model's published essays, numbered oldest
  first by (date, name), and the about page (``core.search.PAGES``) before them;
  their terms and excerpts were recorded as they were read (``read.search``).
  Drafts and scheduled essays are never in it, in the preview either.
* Written at build-finished through the same mechanism as the feeds and the
  sitemap: only files whose bytes changed are written, files a clean build
  would not have are deleted, so incremental builds and ``-j`` builds equal a
  clean serial one. A build in which no indexed document changed leaves the
  index alone after one fingerprint (``Fingerprints``); otherwise the postings
  kept from the last build (``STATE``, in the doctree folder) are updated for
  the documents that changed, and only the shards and groups of records whose
  bytes changed are written (their names are the hashes of their bytes).
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from sphinx.application import Sphinx

from unscripted.core import search
from unscripted.core.dates import machine_date
from unscripted.core.languages import direction
from unscripted.infra.files import Fingerprints, code_digest, inputs_digest, prune, write_if_changed
from unscripted.read.search import SEARCHABLE
from unscripted.read.state import build_state, publishing, site_fingerprint, site_of
from unscripted.write.entries import human_date

PAGE = "search"
STATE = "unscripted-search.pickle"  # in the doctree folder: the postings of the last index


def switch_off_sphinx_search(app: Sphinx) -> None:
    if publishing(app):
        app.builder.search = False  # no searchindex.js, no indexing while pages are written


def search_page(app: Sphinx):
    if publishing(app):
        yield PAGE, {}, "search.html"


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename == PAGE:
        # For this page only (Sphinx forgets them after it), with their checksums like every asset.
        app.add_css_file("unscripted-search.css")
        app.add_js_file("unscripted-search.js", type="module")
        context["unscripted_preview"] = app.config.unscripted_preview


def indexed_documents(app: Sphinx) -> list[str]:
    """What the index holds, in its order: the pages, then the published essays, oldest first."""
    site, now = site_of(app), build_state(app).now
    store = SEARCHABLE(app.env)
    pages = [docname for docname in search.PAGES if docname in store and docname in app.env.found_docs]
    essays = sorted(site.published(now), key=lambda docname: (site.essays[docname].date, docname))
    return pages + essays


def record_inputs(app: Sphinx, docname: str) -> tuple:
    """What a document's record is made from (cheap: its fingerprint)."""
    found = SEARCHABLE(app.env)[docname]
    essay = site_of(app).essays.get(docname)
    date = machine_date(essay.date) if essay else None
    language = essay.source.language if essay else None
    return (docname, app.builder.get_target_uri(docname), found.title, date, found.excerpt, language)


def make_record(app: Sphinx, docname: str) -> search.Record:
    _, path, title, date, excerpt, language = record_inputs(app, docname)
    essay = site_of(app).essays.get(docname)
    site_language = app.config.language or "en"
    language = language or site_language
    return search.Record(
        path=path,
        title=title,
        date=date,
        date_text=human_date(essay.date.date(), site_language) if essay else None,
        excerpt=excerpt,
        language=language if language != site_language else None,
        direction="rtl" if direction(language) == "rtl" else None,
    )


def write_index(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not publishing(app):
        return
    docnames = indexed_documents(app)
    store = SEARCHABLE(app.env)
    folder = Path(app.outdir, search.INDEX_FOLDER)
    # Records show dates as the site writes them: the configuration and packages count.
    shared = site_fingerprint(app)
    inputs = [record_inputs(app, docname) for docname in docnames]
    digests = [store[docname].digest for docname in docnames]
    fingerprints = Fingerprints(app, "search")
    if not fingerprints.changed("index", shared, digests, inputs) and complete(folder):
        return  # no indexed document changed: nothing to do
    settings = (search.FORMAT, code_digest())  # postings made by other code are not reused
    state = load_state(Path(app.doctreedir) / STATE, settings)
    postings: search.Postings = state["postings"]
    documents = [
        search.DocumentTerms(docname, store[docname].terms, store[docname].title_terms, store[docname].digest)
        for docname in docnames
    ]
    postings.update(documents)
    files: dict[str, bytes] = {}
    shards = []
    for first, path, content in search.shard_files(postings):
        files[path] = content
        shards.append((first, path))
    groups, known = [], dict(state["groups"])
    for start in range(0, len(docnames), search.GROUP):
        members = docnames[start : start + search.GROUP]
        key = inputs_digest(shared, inputs[start : start + search.GROUP])
        path = known.get(key)
        if path is None or not (folder / path).is_file():
            path, content = search.group_file([make_record(app, docname) for docname in members])
            files[path] = content
        groups.append((key, path))
    files[search.DIRECTORY] = search.directory(len(docnames), shards, [path for _, path in groups])
    for path, content in files.items():
        write_if_changed(folder / path, content)
    keep = {f"{search.INDEX_FOLDER}/{path}" for path in [*files, *(path for _, path in groups)]}
    prune(Path(app.outdir), search.INDEX_FOLDER, keep, ("*",))
    save_state(Path(app.doctreedir) / STATE, {"settings": settings, "postings": postings, "groups": groups})
    fingerprints.save()


def complete(folder: Path) -> bool:
    """The index as its directory describes it is all there."""
    try:
        directory = json.loads((folder / search.DIRECTORY).read_bytes())
    except (OSError, ValueError):
        return False
    names = [f"t/{name}.txt" for _, name in directory["shards"]] + [f"d/{name}.json" for name in directory["groups"]]
    return all((folder / name).is_file() for name in names)


def load_state(path: Path, settings: tuple) -> dict:
    """The postings and record groups the last index was made from, if made by this code."""
    try:
        with path.open("rb") as handle:
            state = pickle.load(handle)
        if state["settings"] == settings:
            return state
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError, ImportError, KeyError, TypeError):
        pass
    return {"settings": settings, "postings": search.Postings(), "groups": []}


def save_state(path: Path, state: dict) -> None:
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as handle:
        pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)
