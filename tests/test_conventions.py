"""ABlog writers' conventions, read by the pure core: one schema whatever the syntax, as strict as front matter.

Front matter, a reST field list, ABlog's ``{post}`` directive (MyST and reST,
options as lines or a YAML block) all become the same ``EssaySource``;
ABlog's keys get ABlog's meaning or are refused naming what to write; the old
addresses an essay lists become pages by one naming rule. No site is built.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from unscripted.core.frontmatter import EssaySource, read_essay_source, unknown_authors
from unscripted.core.model import Essay, Site, SiteSettings, alias_pages
from unscripted.core.problems import ProblemsFound
from unscripted.core.text import Length

pytestmark = pytest.mark.fast

LONDON = ZoneInfo("Europe/London")
AUTHORS = {"alex": "Alex Rowan", "mara": "Mara Quinn", "tomas": "Tomás Ferreira"}
LOCATIONS = {"Lisbon": "Lisbon, Portugal", "SF": "San Francisco, CA"}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def read(tmp_path: Path, text: str, name: str = "posts/2024/an-essay.md") -> EssaySource:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return read_essay_source(path, tmp_path, timezone=LONDON, authors=AUTHORS, locations=LOCATIONS)


def problems(tmp_path: Path, text: str, name: str = "posts/2024/an-essay.md") -> list[str]:
    with pytest.raises(ProblemsFound) as raised:
        read(tmp_path, text, name)
    return [str(problem) for problem in raised.value.problems]


def details(source: EssaySource) -> dict:
    """What an essay says, apart from where it says it."""
    values = dataclasses.asdict(source)
    for where in ("path", "lines", "post_line"):
        values.pop(where)
    return values


SAME_ESSAY = {
    "front matter": (
        "posts/2024/same.md",
        "---\nblogpost: true\ndate: Jan 8th, 2024\ntags: [winter, cycling]\ncategory: Journal\n"
        "author: Tomás Ferreira\nlocation: Lisbon\nredirect: blog/2024/same\nexcerpt: 2\n---\n\n"
        "# Riding through the first frost\n\nText.\n",
    ),
    "MyST {post}, option lines": (
        "posts/2024/same.md",
        "# Riding through the first frost\n\n```{post} Jan 8th, 2024\n:tags: winter, cycling\n:category: Journal\n"
        ":author: tomas\n:location: Lisbon\n:redirect: blog/2024/same\n:excerpt: 2\n```\n\nText.\n",
    ),
    "MyST {post} before the title, YAML options, colon fence": (
        "posts/2024/same.md",
        ":::{post} 2024-01-08\n---\ntags: [winter, cycling]\ncategory: Journal\nauthor: tomas\nlocation: Lisbon\n"
        "redirect: blog/2024/same\nexcerpt: 2\n---\n:::\n\n(a-label)=\n# Riding through the first frost\n\nText.\n",
    ),
    "reST field list": (
        "posts/2024/same.rst",
        ".. A comment first, as `ablog post` writes.\n\n:blogpost: true\n:date: January 08, 2024\n"
        ":tags: [winter, cycling]\n:category: Journal\n:author: Tomás Ferreira\n:location: Lisbon\n"
        ":redirect: blog/2024/same\n:excerpt: 2\n\n.. _a-label:\n\n"
        "================================\nRiding through the first frost\n================================\n\nText.\n",
    ),
    "reST post directive": (
        "posts/2024/same.rst",
        "Riding through the first frost\n==============================\n\n.. post:: 8 Jan, 2024\n"
        "   :tags: winter, cycling\n   :category: Journal\n   :author: tomas\n   :location: Lisbon\n"
        "   :redirect: blog/2024/same\n   :excerpt: 2\n\nText.\n",
    ),
}


@pytest.mark.parametrize("syntax", SAME_ESSAY)
def test_every_syntax_feeds_the_same_schema(tmp_path, syntax):
    name, text = SAME_ESSAY[syntax]
    source = read(tmp_path, text, name)
    assert details(source) == {
        "title": "Riding through the first frost",
        "date": dt.datetime(2024, 1, 8, tzinfo=LONDON),
        "updated": None,
        "tags": ("winter", "cycling"),
        "categories": ("Journal",),
        "authors": ("tomas",),  # by key or by display name, kept as the key
        "description": None,
        "image": None,
        "draft": False,
        "content_note": None,
        "aliases": ("blog/2024/same",),  # ABlog's redirect
        "locations": ("Lisbon",),
        "excerpt": 2,
        "external_link": None,
        "language": None,
    }
    assert source.lines["date"] > 0 and source.lines["tags"] > 0


def test_each_syntax_names_the_line_of_a_mistake(tmp_path):
    found = problems(tmp_path, "Title\n=====\n\n.. post:: 01/02/2024\n   :tags: a\n   :nocomments:\n\nText.\n",
                     "posts/2024/x.rst")  # fmt: skip
    assert "posts/2024/x.rst:4: `date: 01/02/2024` could be 1 February 2024 or 2 January 2024; write 2024-02-01" in (
        found[0] if "date" in found[0] else found[1]
    )
    assert any(
        p.startswith("posts/2024/x.rst:6: `nocomments`: Unscripted has no comments; delete the line") for p in found
    )
    found = problems(tmp_path, "# T\n\n```{post} 2024-01-08\n:tgas: a\n```\n")
    assert found == [
        "posts/2024/an-essay.md:4: unknown post directive option 'tgas'; did you mean 'tags'? "
        "(known keys: date, updated, tags, category, author, description, image, draft, content_note, language, "
        "aliases, location, excerpt, external_link)"
    ]


def test_front_matter_and_a_post_directive_are_refused_naming_both(tmp_path):
    found = problems(
        tmp_path, "---\nblogpost: true\ndate: 2024-06-01\n---\n\n# T\n\n```{post} 2024-06-02\n:tags: x\n```\n"
    )
    assert found == [
        "posts/2024/an-essay.md:8: has both front matter (line 1) and a {post} directive (line 8), which would give "
        "the essay two sets of details; delete the {post} directive, moving any option you want to keep into the "
        "front matter"
    ]
    found = problems(tmp_path, ":date: 2024-06-01\n\nT\n=\n\n.. post:: 2024-06-02\n", "posts/2024/x.rst")
    assert "posts/2024/x.rst:6: has both a field list (line 1) and a post directive (line 6)" in found[0]
    assert "delete the post directive" in found[0]


def test_one_essay_per_file(tmp_path):
    text = (
        "Log\n===\n\nSeeds\n-----\n\n.. post:: Feb 2, 2024\n\nA.\n\nHarvest\n-------\n\n.. post:: Jul 14, 2024\n\nB.\n"
    )
    assert (
        "posts/2024/x.rst:14: a second post directive (the first is on line 7): one essay per file"
        in problems(tmp_path, text, "posts/2024/x.rst")[0]
    )


def test_a_post_directive_shown_as_code_is_not_one(tmp_path):
    """ABlog's own documentation shows the directive in code blocks; only the real one counts."""
    rest = (
        "Drafts\n======\n\n.. post:: 2024-01-08\n\nGive the directive no date:\n\n.. code-block:: rst\n\n"
        "  .. post::\n     :tags: draft\n\nOr::\n\n  .. post:: x\n"
    )
    assert read(tmp_path, rest, "posts/2024/x.rst").date.date() == dt.date(2024, 1, 8)
    markdown = "---\ndate: 2024-01-08\n---\n\n# T\n\n````markdown\n```{post} 2020-01-01\n```\n````\n"
    assert read(tmp_path, markdown).date.date() == dt.date(2024, 1, 8)


def test_a_post_without_a_date_is_refused_with_what_to_write(tmp_path):
    found = problems(tmp_path, "# T\n\n```{post}\n:tags: x\n```\n")
    assert found[0].startswith(
        "posts/2024/an-essay.md:3: the post directive has no date (ABlog keeps such a post as a draft forever); "
        "give it one, e.g. `{post} "
    )
    assert read(tmp_path, "# T\n\n```{post} 2024-01-08\n:draft: true\n```\n").draft


@pytest.mark.parametrize(
    ("front", "line", "says"),
    [
        ("blogpost: false", 3, "`blogpost: false`: every file under posts/ is an essay; delete the line"),
        ("nocomments: true", 3, "`nocomments`: Unscripted has no comments; delete the line"),
        ("canonical_link: https://x.example/a", 3, "`canonical_link`: an essay's canonical address is its own page"),
        ("permalink: old-slug", 3, "list it in `aliases:` instead"),
        ("title: Another", 3, "`title`: the title is the essay's heading"),
        ("language: Englisch", 3, "`language`: 'Englisch' is not a language tag"),
        ("exclude: true", 3, "`exclude` only means something in a {post} directive"),
        ("myst:\n  substitutions: {a: b}", 3, "`myst`: per-essay MyST settings are not supported"),
        ("redirect: a\naliases: [b]", 3, "`redirect` (line 3) and `aliases` (line 4) both list old addresses"),
        ("excerpt: 2\ndescription: One line.", 3, "`excerpt` (line 3) and `description` (line 4) both say what"),
        ("excerpt: many", 3, "`excerpt` must be a number of paragraphs (0 for none), not many"),
        ("external_link: javascript:alert(1)", 3, "must be a web address starting with https://"),
        ("author: Rosa (Council, Org; Labs), Anders", 3, "reads as several authors at every comma"),
        ("image: 1", 3, "`image: 1`: the essay shows 0 image(s); give a smaller number"),
        ("aliases: [https://old.example/a]", 3, "is a full web address; give the old path on this site"),
        ("aliases: [../etc/passwd]", 3, "is not a path of this site"),
        ("aliases: [_static/x]", 3, "is in a folder the site's own files use"),
        ("aliases: [a b]", 3, "is not a path of this site"),
    ],
)
def test_ablog_keys_get_ablogs_meaning_or_are_refused_by_name(tmp_path, front, line, says):
    found = problems(tmp_path, f"---\ndate: 2024-03-14\n{front}\n---\n\n# Title\n\nText.\n")
    assert any(f"an-essay.md:{line}: " in p and says in p for p in found), found


@pytest.mark.parametrize(
    ("written", "tag"), [("pt-br", "pt-BR"), ("English", "en"), ("Portuguese", "pt"), ("nl", "nl"), ("Dutch", "nl")]
)
def test_a_language_is_a_tag_or_as_ablog_writers_name_it(tmp_path, written, tag):
    """A BCP 47 tag, a key or display name of blog_languages, or the language's English name."""
    source = read(tmp_path, f"Title\n=====\n\n.. post:: 2024-01-08\n   :language: {written}\n", "posts/2024/x.rst")
    assert source.language == tag
    path = tmp_path / "posts/2024/y.md"
    path.write_text("---\ndate: 2024-01-08\nlanguage: Nederlands\n---\n\n# T\n", encoding="utf-8")
    assert (
        read_essay_source(path, tmp_path, timezone=LONDON, authors=AUTHORS, languages={"nl": "Nederlands"}).language
        == "nl"
    )


def test_what_ablog_accepts_is_accepted(tmp_path):
    (tmp_path / "posts/2024").mkdir(parents=True)
    (tmp_path / "posts/2024/map.png").write_bytes(PNG)
    source = read(
        tmp_path,
        "---\nblogpost: true\norphan: true\ndate: 2022 May 06\nauthor: Mara Quinn, tomas\nimage: 1\n"
        "location: London, England\nexternal_link: https://paper.example.org/a\nexcerpt: 0\ntags:\n---\n\n"
        "# A map\n\n![The map](map.png)\n",
    )
    assert source.authors == ("mara", "tomas")
    assert source.image == "map.png"  # ABlog's image: 1, the essay's first image
    assert source.locations == ("London, England",)  # one place, not two
    assert (source.external_link, source.excerpt, source.tags) == ("https://paper.example.org/a", 0, ())
    two_places = read(tmp_path, "---\ndate: 2013-04-15\nlocation: Lisbon, SF\n---\n\n# T\n")
    assert two_places.locations == ("Lisbon", "SF")  # both are places of blog_locations
    by_name = read(tmp_path, "---\ndate: 2013-04-15\nlocation: San Francisco, CA\n---\n\n# T\n")
    assert by_name.locations == ("SF",)
    empty = read(
        tmp_path, "Ferments\n========\n\n.. post:: Dec 01, 2026\n   :tags:\n   :category:\n", "posts/2026/t.rst"
    )
    assert (empty.tags, empty.categories) == ((), ())  # what `ablog post` writes: none


def test_an_image_number_must_name_an_image_next_to_the_essay(tmp_path):
    found = problems(tmp_path, "---\ndate: 2024-03-14\nimage: 2\n---\n\n# T\n\n![a](a.png)\n\n![b](/_static/b.png)\n")
    assert (
        "an-essay.md:3: `image: 2` is the image on line 10, /_static/b.png, which is not next to the essay" in found[0]
    )


def test_reST_details_must_come_before_the_title(tmp_path):
    found = problems(tmp_path, "Title\n=====\n\n:date: 2024-03-14\n\nText.\n", "posts/2024/x.rst")
    assert "posts/2024/x.rst:4: the field list after the title is not read as the essay's details; move it above" in (
        " ".join(found)
    )
    found = problems(tmp_path, ":date: 2024-03-14\n\nText first.\n\nTitle\n=====\n", "posts/2024/x.rst")
    assert found == [
        "posts/2024/x.rst:3: the essay must begin with its title, underlined with = signs on the next line "
        "(after its field list or post directive)"
    ]
    assert problems(tmp_path, "Title\n=====\n\nText.\n", "posts/2024/x.rst")[-1].startswith(
        "posts/2024/x.rst:1: has no details; start the file with a field list holding at least `:date:`"
    )


def test_a_field_list_in_markdown_is_refused_with_front_matter_as_the_fix(tmp_path):
    found = problems(tmp_path, ":blogpost: true\n:date: Jan 28, 2026\n\n# T\n")
    assert found == [
        "posts/2024/an-essay.md:1: starts with `:key: value` lines, which Markdown shows as text; write the details "
        "as front matter between two `---` lines (`key: value`, no leading colon)"
    ]


def test_unknown_authors_are_named_once_with_the_entries_to_add(tmp_path):
    found = []
    for name, author in (("a", "Dana Whit"), ("b", "Dana Whit, kim"), ("c", "Ñandú Pérez")):
        with pytest.raises(ProblemsFound) as raised:
            read(tmp_path, f"---\ndate: 2024-03-14\nauthor: {author}\n---\n\n# T\n", f"posts/2024/{name}.md")
        assert all(problem.author for problem in raised.value.problems)
        found += raised.value.problems
    problem = unknown_authors(found, AUTHORS)
    assert str(problem) == (
        "posts/2024/a.md:3: 3 unknown authors: 'Dana Whit' in posts/2024/a.md:3, posts/2024/b.md:3; 'kim' in "
        "posts/2024/b.md:3; 'Ñandú Pérez' in posts/2024/c.md:3. An author is a key or display name of blog_authors "
        "(alex (Alex Rowan), mara (Mara Quinn), tomas (Tomás Ferreira)); fix the spelling, or add them to "
        'blog_authors in conf.py:\n    "dana-whit": ("Dana Whit", None),\n    "kim": ("kim", None),\n'
        '    "nandu-perez": ("Ñandú Pérez", None),'
    )


# -- Old addresses: the naming rule and collisions ------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "pages"),
    [
        ("blog/2020/hello", ("blog/2020/hello", "blog/2020/hello/index")),  # html's x.html and dirhtml's x/
        ("/blog/2020/hello", ("blog/2020/hello", "blog/2020/hello/index")),
        ("blog/2020/hello.html", ("blog/2020/hello",)),
        ("blog/2021/long-ride/", ("blog/2021/long-ride/index",)),
    ],
)
def test_an_alias_names_the_pages_of_both_old_url_forms(alias, pages):
    assert alias_pages(alias) == pages


def essay(docname: str, day: int, aliases=()) -> Essay:
    source = EssaySource(path=f"{docname}.md", title=docname, date=dt.datetime(2024, 1, day, tzinfo=LONDON),
                         aliases=tuple(aliases))  # fmt: skip
    return Essay(docname=docname, title=docname, source=source, length=Length(words=10))


def test_aliases_that_would_replace_a_page_or_each_other_are_named():
    settings = SiteSettings(title="U", blog_path="essays", authors={}, default_authors=(), page_size=10)
    site = Site(
        {
            "posts/2024/a": essay("posts/2024/a", 1, ["blog/a", "about.html", "posts/2024/b"]),
            "posts/2024/b": essay("posts/2024/b", 2, ["blog/a/", "Blog/A.html", "essays/tag"]),
        },
        settings,
    )
    pages = {"about", "index", "posts/2024/a", "posts/2024/b"} | site.generated_pages
    assert site.alias_problems(pages) == [
        ("posts/2024/a", "the alias 'about.html' would replace the page about; choose another"),
        ("posts/2024/a", "the alias 'posts/2024/b' would replace the page posts/2024/b; choose another"),
        ("posts/2024/b", "the alias 'blog/a/' would replace the alias 'blog/a' of posts/2024/a.md; choose another"),
        ("posts/2024/b", "the alias 'Blog/A.html' would replace the alias 'blog/a' of posts/2024/a.md; choose another"),
        ("posts/2024/b", "the alias 'essays/tag' would replace the page essays/tag; choose another"),
    ]
    assert site.alias_targets["blog/a"] == site.alias_targets["blog/a/index"] == "posts/2024/a"
