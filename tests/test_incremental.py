"""After any change, an incremental build publishes exactly what a clean build would."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest

from benchmarks.essays import write_essays

from conftest import STRICT, SiteMaker, sphinx_build

COUNT = 24


def essay(srcdir: Path, number: int) -> Path:
    return next((srcdir / "posts").glob(f"*/essay-{number:04d}.md"))


def rewrite(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text()
    changed = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert changed != text, pattern
    path.write_text(changed)


def edit_body(srcdir):
    path = essay(srcdir, 12)
    path.write_text(path.read_text() + "\nA sentence added later, *with emphasis*.\n")


def edit_opening(srcdir):  # changes the excerpt that listings show
    rewrite(essay(srcdir, COUNT), r"^(# .+\n\n)", r"\1A new first line. ")


def add_newest(srcdir):
    path = srcdir / "posts/2020/a-new-essay.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        "---\ndate: 2020-03-01\ncategory: Notes\ntags: [quiet, honest]\n---\n\n# A New Essay\n\nFresh words.\n"
    )


def add_in_the_middle(srcdir):
    path = srcdir / "posts/2019/an-old-essay.md"
    path.write_text("---\ndate: 2019-01-20\ncategory: Letters\ntags: [tender]\n---\n\n# An Old Essay\n\nOlder words.\n")


def remove_one(srcdir):  # the newest generated essay: no other essay links to it
    essay(srcdir, COUNT).unlink()


def retag(srcdir):
    rewrite(essay(srcdir, 8), r"^tags: \[.*\]$", "tags: [quiet, brand-new-tag]")


def remove_a_tag_everywhere(srcdir):
    path = srcdir / "posts/2020/a-new-essay.md"
    rewrite(path, r"^tags: \[.*\]$", "tags: [quiet]")
    rewrite(essay(srcdir, 8), r"^tags: \[.*\]$", "tags: [quiet]")


def redate(srcdir):  # moves an essay: neighbours, listings, years
    rewrite(essay(srcdir, 3), r"^date: .*$", "date: 2019-06-01")


def retitle(srcdir):
    rewrite(essay(srcdir, 15), r"^# .*$", "# A Better Title")


def recategorise(srcdir):
    rewrite(essay(srcdir, 16), r"^category: .*$", "category: Brand New")


def restyle(srcdir):  # every page carries the stylesheet's checksum
    css = srcdir / "_static/unscripted.css"
    css.write_text(css.read_text() + "\n.essay-list { letter-spacing: 0.01em; }\n")


def make_draft(srcdir):  # an essay no other essay links to
    rewrite(srcdir / "posts/2020/a-new-essay.md", r"^date: (.*)$", r"date: \1\ndraft: true")


def publish_again(srcdir):  # back in the listings, the feeds and the search index
    rewrite(srcdir / "posts/2020/a-new-essay.md", r"^draft: true\n", "")


def add_math(srcdir):  # math in the opening (listings get the math style sheet), numbered, referenced
    path = essay(srcdir, 10)
    rewrite(path, r"^(# .+\n\n)", r"\1The ratio $\\frac{a}{b}$ matters, not $5 or $10. ")
    path.write_text(
        path.read_text()
        + "\n$$\ne^{i\\pi} + 1 = 0\n$$ (euler)\n\nSee {eq}`euler`.\n\n\\begin{align}\na &= b\n\\end{align}\n"
    )


def quote_hebrew_and_code(srcdir):  # its font, licence and the code colours are published
    path = essay(srcdir, 11)
    path.write_text(path.read_text() + "\nShe wrote שלום.\n\n```python\nprint('hi')\n```\n")


def drop_hebrew_and_code(srcdir):  # ... and go again when no page needs them
    rewrite(essay(srcdir, 11), r"\nShe wrote (.|\n)*", "\n")


def add_an_alias(srcdir):  # an old address: a page that sends readers on
    rewrite(essay(srcdir, 5), r"^(date: .*)$", r"\1\naliases: [blog/old-five, old/five.html]")


def remove_an_alias(srcdir):  # its page goes, as in a clean build
    rewrite(essay(srcdir, 5), r"^aliases: .*$", "aliases: [old/five.html]")


def add_a_rest_essay(srcdir):  # ABlog's reST, with a month-name date
    path = srcdir / "posts/2020/a-rest-essay.rst"
    path.write_text(
        "A reST essay\n============\n\n.. post:: Mar 02, 2020\n   :tags: quiet\n   :redirect: blog/rest\n\nWords.\n"
    )


CHANGES = [
    edit_body,
    edit_opening,
    add_newest,
    add_in_the_middle,
    remove_one,
    retag,
    remove_a_tag_everywhere,
    redate,
    retitle,
    recategorise,
    restyle,
    make_draft,
    publish_again,
    add_math,
    quote_hebrew_and_code,
    drop_hebrew_and_code,
    add_an_alias,
    remove_an_alias,
    add_a_rest_essay,
]


@pytest.fixture(scope="module")
def evolving(tmp_path_factory):
    base = tmp_path_factory.mktemp("incremental")
    srcdir = SiteMaker(base).make({}, with_essay=True)
    write_essays(srcdir, COUNT, seed=7, words=150)
    first = sphinx_build(srcdir, base / "html", doctreedir=base / "doctrees")
    assert first.returncode == 0, first.log
    return srcdir, base


def differences(incremental: dict[str, bytes], clean: dict[str, bytes]) -> list[str]:
    found = [f"only after the incremental build: {n}" for n in sorted(incremental.keys() - clean.keys())]
    found += [f"missing after the incremental build: {n}" for n in sorted(clean.keys() - incremental.keys())]
    found += [f"differs: {n}" for n in sorted(clean.keys() & incremental.keys()) if clean[n] != incremental[n]]
    return found


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_incremental_build_equals_clean_build(evolving, change, tmp_path):
    srcdir, base = evolving
    time.sleep(0.01)  # a new modification time for the changed file
    change(srcdir)
    incremental = sphinx_build(srcdir, base / "html", doctreedir=base / "doctrees")
    assert incremental.returncode == 0, incremental.log
    clean = sphinx_build(srcdir, tmp_path / "clean", doctreedir=tmp_path / "doctrees")
    assert clean.returncode == 0, clean.log
    files = clean.files()
    assert any(name.startswith("search-index/t/") for name in files), "the search index is compared too"
    assert not differences(incremental.files(), files)
    if change in (quote_hebrew_and_code, drop_hebrew_and_code):
        needed = {"_static/fonts/noto-serif-hebrew-hebrew-400-normal.woff2", "_static/pygments.css"}
        assert (needed <= files.keys()) == (change is quote_hebrew_and_code)
    # ... and it got there without reading everything again.
    added, changed, _ = map(int, re.search(r"(\d+) added, (\d+) changed, (\d+) removed", incremental.log).groups())
    assert added + changed <= 2, incremental.log


def test_a_link_shows_its_targets_new_title(evolving, tmp_path):
    """A link written without text shows the linked essay's title: retitling rewrites it."""
    srcdir, base = evolving
    linking = essay(srcdir, 14)
    linking.write_text(linking.read_text() + "\nSee also [](essay-0010.md).\n")
    assert sphinx_build(srcdir, base / "html", doctreedir=base / "doctrees").returncode == 0
    rewrite(essay(srcdir, 10), r"^# .*$", "# A Title Others Quote")
    incremental = sphinx_build(srcdir, base / "html", doctreedir=base / "doctrees")
    clean = sphinx_build(srcdir, tmp_path / "clean", doctreedir=tmp_path / "doctrees")
    assert incremental.returncode == clean.returncode == 0, incremental.log + clean.log
    assert "A Title Others Quote" in incremental.text(linking.relative_to(srcdir).with_suffix(".html").as_posix())
    assert not differences(incremental.files(), clean.files())


def test_removing_a_linked_essay_fails_as_a_clean_build_does(evolving, tmp_path):
    srcdir, base = evolving
    essay(srcdir, 10).unlink()
    incremental = sphinx_build(srcdir, base / "html", doctreedir=base / "doctrees")
    clean = sphinx_build(srcdir, tmp_path / "clean", doctreedir=tmp_path / "doctrees")
    assert clean.returncode != 0
    assert incremental.returncode != 0, incremental.log
    for build in (incremental, clean):
        assert re.search(r"essay-0014\.md:\d+: WARNING: .*essay-0010", build.log), build.log


def test_parallel_builds_equal_serial_ones(tmp_path):
    """`sphinx-build -j` reads and writes in several processes (pages, e-books and, with an
    essay a page, the listing pages in ``write.listings``): the site must not notice."""
    from unscripted.write.listings import PARALLEL_FROM

    srcdir = SiteMaker(tmp_path).make({}, with_essay=True)
    write_essays(srcdir, 40, seed=11, words=120)
    one_a_page = ("-D", "unscripted_page_size=1", "-D", "unscripted_group_page_size=1")

    def both() -> tuple:
        serial = sphinx_build(
            srcdir, tmp_path / "serial", doctreedir=tmp_path / "serial.doctrees", options=(*STRICT, *one_a_page)
        )
        parallel = sphinx_build(
            srcdir,
            tmp_path / "parallel",
            doctreedir=tmp_path / "parallel.doctrees",
            options=(*STRICT, *one_a_page, "-j", "2"),
        )
        assert serial.returncode == parallel.returncode == 0, serial.log + parallel.log
        return serial, parallel

    serial, parallel = both()
    assert len([p for p in parallel.files() if p.startswith("essays/") and p.endswith(".html")]) > PARALLEL_FROM
    assert re.search(r"reading sources\.\.\. \[ *\d+%\] \S+ \.\. \S+", parallel.log), "no parallel read"
    assert not differences(parallel.files(), serial.files())
    for number in range(2, 40, 5):  # more than a few changed essays: read in parallel again
        path = essay(srcdir, number)
        path.write_text(path.read_text() + "\nAn afterthought.\n")
    add_newest(srcdir)
    retag(srcdir)
    add_a_rest_essay(srcdir)  # reST, ABlog's directive: read in a child process too
    serial, parallel = both()
    assert re.search(r"reading sources\.\.\. \[ *\d+%\] \S+ \.\. \S+", parallel.log), "no parallel read"
    assert not differences(parallel.files(), serial.files())


def test_a_kept_paragraph_carries_nothing_of_its_document():
    """Stores are pickled with the environment by every child of a parallel read, and
    unpickled by the main process: a paragraph kept for an excerpt must not take its whole
    document along (docutils' deepcopy keeps that link; with it, reading 3,000 essays took
    67 s in two processes against 56 s in one, and 29 s without it)."""
    import pickle

    from docutils.core import publish_doctree

    from unscripted.read.state import detached_copy

    document = publish_doctree("The opening.\n\n" + "\n\n".join(f"Paragraph {n}: " + "word " * 60 for n in range(200)))
    paragraph = document[0]
    kept = detached_copy(paragraph)
    assert kept.astext() == paragraph.astext() == "The opening."
    assert all(node.document is None for node in kept.findall())
    assert paragraph.document is document  # the original is left as it was
    assert len(pickle.dumps(kept)) * 50 < len(pickle.dumps(paragraph.deepcopy()))


def test_a_forked_reader_sends_back_only_what_it_read():
    """Every chunk of a parallel read pickles the whole environment for the main process;
    the stores in it hold only the documents that chunk read, and no site-wide values.
    Before, the last of 45 chunks at 10,000 essays carried 66 MB of everything before it."""
    import os
    import pickle

    from unscripted.infra.state import DocumentValues, SiteValues

    documents = DocumentValues({"posts/old": "read before the fork", "posts/other": "read before the fork"})
    site = SiteValues({"last-build": "what the last build saw"})
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # a reader, as Sphinx's ParallelTasks forks one
        documents["posts/new"] = "read here"
        documents["posts/old"] = "read again here"
        documents.setdefault("posts/problems", []).append("found here")  # each way of storing
        documents.update({"posts/updated": "read here"}, **{"posts/keyword": "read here"})
        os.write(writing, pickle.dumps((documents, site)))
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        sent_documents, sent_site = pickle.loads(pipe.read())
    os.waitpid(child, 0)
    assert dict(sent_documents) == {
        "posts/new": "read here",
        "posts/old": "read again here",
        "posts/problems": ["found here"],
        "posts/updated": "read here",
        "posts/keyword": "read here",
    }
    with pytest.raises(TypeError):  # no dict-only way round __setitem__
        documents |= {"posts/new": "read here"}
    assert sent_site == {}
    # Unpickled, the main process owns them and saves them whole.
    sent_documents["posts/more"] = "merged"
    assert pickle.loads(pickle.dumps(sent_documents)) == sent_documents
    assert len(pickle.loads(pickle.dumps(documents))) == 2
    assert pickle.loads(pickle.dumps(site)) == site


def test_objects_are_frozen_while_forked_writers_share_them():
    """Frozen, the main process's objects stay out of every collector pass, so that a forked
    writer does not copy the environment it inherits (peak memory at 1,000 essays: 320 MiB
    with plain forking, 282 frozen); a serial build freezes nothing, and every build thaws."""
    import gc
    from types import SimpleNamespace

    from unscripted.infra.collector import freeze_for_writers, unfreeze

    assert gc.get_freeze_count() == 0
    freeze_for_writers(SimpleNamespace(parallel=1), None)
    assert gc.get_freeze_count() == 0
    try:
        freeze_for_writers(SimpleNamespace(parallel=2), None)
        assert gc.get_freeze_count() > 1000
    finally:
        unfreeze(None, None)
    assert gc.get_freeze_count() == 0


def test_a_new_essay_leaves_the_numbered_pages_of_every_listing_alone(tmp_path):
    """Pages count from the first essay, so adding the newest rewrites the front page of each
    listing it joins (and, once every few essays, adds a page), never the older pages."""
    srcdir = SiteMaker(tmp_path).make({}, with_essay=True)
    write_essays(srcdir, COUNT, seed=5, words=60)
    options = (*STRICT, "-D", "unscripted_page_size=3", "-D", "unscripted_group_page_size=3")
    first = sphinx_build(srcdir, tmp_path / "html", doctreedir=tmp_path / "doctrees", options=options)
    assert first.returncode == 0, first.log

    def numbered() -> dict[str, tuple[int, bytes]]:
        return {
            path.relative_to(tmp_path / "html").as_posix(): (path.stat().st_mtime_ns, path.read_bytes())
            for path in (tmp_path / "html/essays").rglob("page/*.html")
        }

    newest = essay(srcdir, COUNT)
    front_matter = newest.read_text().split("\n---\n", 1)[0]  # its year, category and tags: no new sidebar entry
    date = dt.date.fromisoformat(re.search(r"^date: (\S+)$", front_matter, re.M)[1])
    added = 0
    for round_ in range(4):  # enough to fill a front page and add a page to several listings
        before = numbered()
        time.sleep(0.01)
        later = (date + dt.timedelta(days=round_ + 1)).isoformat()
        path = newest.with_name(f"new-{round_}.md")
        path.write_text(
            re.sub(r"^date: .*$", f"date: {later}", front_matter, flags=re.M) + f"\n---\n\n# New {round_}\n\nWords.\n"
        )
        build = sphinx_build(srcdir, tmp_path / "html", doctreedir=tmp_path / "doctrees", options=options)
        assert build.returncode == 0, build.log
        after = numbered()
        assert before.keys() <= after.keys()
        new = after.keys() - before.keys()
        added += len(new)
        # When a page is added, the page that was newest gains a link to it; no other page changes.
        neighbours = {re.sub(r"/page/(\d+)\.html$", lambda m: f"/page/{int(m[1]) - 1}.html", name) for name in new}
        changed = {name for name in before if after[name] != before[name]}
        assert changed <= neighbours, sorted(changed)
    assert added >= 3  # the essays, Notes and quiet listings each grew a page
