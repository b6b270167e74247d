"""Incremental builds that stay correct: rewrite the pages that show other essays.

Sphinx rewrites a page when its own source changes. ABlog has no
``env-get-outdated`` handler, so after an essay is added, edited or removed the
home page and its neighbours' previous/next links go stale. After reading, we
compare what every page shows of other essays with what it showed last time
and rewrite the pages whose view changed.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from unscripted import __version__
from unscripted.posts import PostRecord, records


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


def order(posts: dict[str, PostRecord]) -> list[str]:
    """Oldest first, as ABlog orders posts for previous/next links."""
    return sorted(posts, key=lambda d: (posts[d].date, posts[d].title))


def outdated_views(app: Sphinx, env: BuildEnvironment) -> list[str]:
    posts = records(env)
    summaries = {docname: summary(record) for docname, record in posts.items()}
    sequence = order(posts)
    neighbours = {
        docname: (sequence[i - 1] if i else None, sequence[i + 1] if i + 1 < len(sequence) else None)
        for i, docname in enumerate(sequence)
    }
    before_summaries = getattr(env, "unscripted_summaries", {})
    before_neighbours = getattr(env, "unscripted_neighbours", {})
    env.unscripted_summaries, env.unscripted_neighbours = summaries, neighbours

    changed = {d for d in summaries.keys() | before_summaries.keys() if summaries.get(d) != before_summaries.get(d)}
    if not changed:
        return []
    rewrite = {app.config.root_doc}
    for docname, pair in neighbours.items():
        if before_neighbours.get(docname) != pair or any(n in changed for n in pair if n):
            rewrite.add(docname)
    return sorted(d for d in rewrite if d in env.found_docs)


def setup(app: Sphinx) -> dict:
    app.setup_extension("unscripted.posts")
    app.connect("env-updated", outdated_views, priority=800)  # after excerpts are rendered
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
