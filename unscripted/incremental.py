"""Incremental builds that stay correct: rewrite the pages that show other essays.

Sphinx rewrites a page when its own source changes. ABlog has no
``env-get-outdated`` handler, so after an essay is added, edited or removed the
home page, its neighbours' previous/next links and related-essay lists go stale. After reading, we
compare what every page shows of other essays with what it showed last time
and rewrite the pages whose view changed.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from unscripted import __version__
from unscripted.posts import PostRecord, neighbours, records, related


def summary(record: PostRecord) -> tuple:
    """What other pages show of an essay: a change here outdates them."""
    source = record.source
    return (
        record.title,
        source.date,
        source.updated,
        source.tags,
        source.categories,
        source.authors,
        source.description,
        source.draft,
        record.excerpt_html,
        record.words,
    )


def outdated_views(app: Sphinx, env: BuildEnvironment) -> list[str]:
    posts = records(env)
    summaries = {docname: summary(record) for docname, record in posts.items()}
    around = neighbours(posts)
    shown = {docname: (*around[docname], *related(docname, posts)) for docname in posts}
    before_summaries = getattr(env, "unscripted_summaries", {})
    before_shown = getattr(env, "unscripted_shown", {})
    env.unscripted_summaries, env.unscripted_shown = summaries, shown

    changed = {d for d in summaries.keys() | before_summaries.keys() if summaries.get(d) != before_summaries.get(d)}
    if not changed:
        return []
    rewrite = {app.config.root_doc}
    for docname, others in shown.items():
        if before_shown.get(docname) != others or changed.intersection(others):
            rewrite.add(docname)
    return sorted(d for d in rewrite if d in env.found_docs)


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.posts")
    app.connect("env-updated", outdated_views, priority=800)  # after excerpts are rendered
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
