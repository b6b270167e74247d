"""The pure core, tested directly: the schema, the model and its naming rules, words. No site is built."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unscripted.core.frontmatter import EssaySource, read_essay_source
from unscripted.core.model import FRONT, Essay, Site, SiteSettings, page_name, paginated, slugify
from unscripted.core.problems import Problem, ProblemsFound, problems_summary
from unscripted.core.text import Length, count_words, measure

pytestmark = pytest.mark.fast

LONDON = ZoneInfo("Europe/London")
AUTHORS = {"alex", "sam"}


def read(tmp_path: Path, text: str, name: str = "posts/2024/an-essay.md") -> EssaySource:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return read_essay_source(path, tmp_path, timezone=LONDON, authors=AUTHORS)


def problems(tmp_path: Path, text: str, name: str = "posts/2024/an-essay.md") -> list[str]:
    with pytest.raises(ProblemsFound) as raised:
        read(tmp_path, text, name)
    return [str(problem) for problem in raised.value.problems]


# -- The front-matter schema ----------------------------------------------------------------


def test_a_complete_essay_is_read_with_every_key(tmp_path):
    source = read(
        tmp_path,
        "---\ndate: 2024-03-14\nupdated: 2024-05-02T10:00:00+02:00\ncategory: Reflections\n"
        "tags: [intimacy, trust]\nauthor: sam\ndescription: One  sentence.\ncontent_note: Grief.\n---\n\n"
        "# The Title ##\n\nText.\n",
    )
    assert source.title == "The Title"
    assert source.date == dt.datetime(2024, 3, 14, tzinfo=LONDON)
    assert source.updated == dt.datetime(2024, 5, 2, 9, 0, tzinfo=LONDON)
    assert (source.tags, source.categories, source.authors) == (("intimacy", "trust"), ("Reflections",), ("sam",))
    assert (source.description, source.content_note, source.draft) == ("One sentence.", "Grief.", False)
    assert source.lines == {"date": 2, "updated": 3, "category": 4, "tags": 5, "author": 6, "description": 7,
                            "content_note": 8}  # fmt: skip
    assert source.slug == "an-essay"


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("date: 2024-03-14\ntag: [x]", "an-essay.md:3: unknown front-matter key 'tag'; did you mean 'tags'?"),
        ("date: 01/02/2024", "an-essay.md:2: `date: 01/02/2024` could be 1 February 2024 or 2 January 2024"),
        ("date: 2024-02-30", "an-essay.md:2: `date: 2024-02-30` is not a real date"),
        (
            "date: 2024-03-14T09:00",
            "an-essay.md:2: `date: 2024-03-14T09:00:00` has a time but no UTC offset; write it as "
            "2024-03-14T09:00:00+00:00 (09:00 in Europe/London)",
        ),
        ("date: 2024-03-14\nupdated: 2024-03-01", "an-essay.md:3: `updated` (2024-03-01) is earlier than `date`"),
        ("date: 2024-03-14\nauthor: kim", "an-essay.md:3: unknown author 'kim'"),
        ("date: 2024-03-14\ndraft: maybe", "an-essay.md:3: `draft` must be true or false"),
        ("date: 2024-03-14\ntags: a, , b", "an-essay.md:3: `tags` has an empty entry"),
        ("date: 2024-03-14\nimage: cover.png", "an-essay.md:3: `image: cover.png` is not a file next to the essay"),
        ("date: 2024-03-14\ndate: 2024-03-15", "an-essay.md:3: front-matter key 'date' is given twice"),
        ("date: [2024", "an-essay.md:2: front matter is not valid YAML"),
        ("tags: [x]", "an-essay.md:2: front matter has no `date:`"),
    ],
)
def test_each_mistake_is_named_with_its_line(tmp_path, front, expected):
    found = problems(tmp_path, f"---\n{front}\n---\n\n# Title\n\nText.\n")
    assert any(expected in problem for problem in found), found


def test_the_title_must_come_first(tmp_path):
    assert problems(tmp_path, "---\ndate: 2024-03-14\n---\n\nText first.\n\n# Title\n")[0].endswith(
        "an-essay.md:5: the essay must begin with its title as a `# Title` heading, right after the front matter"
    )


def test_a_file_name_must_be_a_slug(tmp_path):
    found = problems(tmp_path, "---\ndate: 2024-03-14\n---\n\n# T\n", name="posts/2024/My Essay.md")
    assert "file name 'My Essay.md' is not a URL slug; rename it to my-essay.md" in found[0]


def test_text_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    path = tmp_path / "posts/2024/latin1.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"---\ndate: 2024-03-14\n---\n\n# Caf\xe9\n")
    with pytest.raises(ProblemsFound) as raised:
        read_essay_source(path, tmp_path, timezone=LONDON, authors=AUTHORS)
    assert str(raised.value.problems[0]).startswith("posts/2024/latin1.md:5: is not UTF-8 text")


# -- The model and its naming rules --------------------------------------------------------

SETTINGS = SiteSettings(
    title="Unscripted", blog_path="essays", authors={"alex": "Alex Rowan", "sam": "Sam Lee"}, default_authors=("alex",),
    page_size=2,
)  # fmt: skip


def essay(docname: str, day: int, title: str, tags=(), categories=(), authors=(), image=None) -> Essay:
    source = EssaySource(
        path=f"{docname}.md",
        title=title,
        date=dt.datetime(2024, 1, day, tzinfo=LONDON),
        tags=tuple(tags),
        categories=tuple(categories),
        authors=tuple(authors),
        image=image,
    )
    return Essay(docname=docname, title=title, source=source, length=Length(words=100))


@pytest.fixture
def site() -> Site:
    essays = [
        essay("posts/2024/a", 1, "A", tags=["trust", "touch"], categories=["Notes"]),
        essay("posts/2024/b", 2, "B", tags=["trust"], categories=["Notes"], authors=["sam"]),
        essay("posts/2024/c", 3, "C", tags=["touch", "trust"], categories=["Letters"], image="c.JPG"),
        essay("posts/2023/d", 3, "B", tags=["C++"]),  # same day as c, an earlier title
    ]
    return Site({e.docname: e for e in essays}, SETTINGS)


def test_chronology_and_neighbours(site):
    assert site.chronological == ["posts/2024/a", "posts/2024/b", "posts/2023/d", "posts/2024/c"]
    assert site.neighbours["posts/2024/a"] == (None, "posts/2024/b")
    assert site.neighbours["posts/2024/c"] == ("posts/2023/d", None)


def test_related_essays_share_most_tags_then_are_nearest_in_time(site):
    assert site.related["posts/2024/a"] == ("posts/2024/c", "posts/2024/b")
    assert site.related["posts/2023/d"] == ()
    assert all(docname not in related for docname, related in site.related.items())
    # A later essay on the same tag is related to its recent neighbours, not to the old essays.
    later = essay("posts/2024/e", 20, "E", tags=["trust"])
    more = Site({**site.essays, later.docname: later}, SETTINGS)
    assert more.related["posts/2024/b"] == ("posts/2024/a", "posts/2024/c", "posts/2024/e")
    assert more.related["posts/2024/e"] == ("posts/2024/c", "posts/2024/b", "posts/2024/a")
    for docname in ("posts/2024/a", "posts/2024/c"):  # it only fills a free place, last
        assert more.related[docname] == (*site.related[docname], "posts/2024/e")


def test_collections_follow_ablogs_names_and_order(site):
    tags = site.catalogs["tags"]
    assert tags.docname == "essays/tag"
    assert [(c.key, c.docname, c.essays) for c in tags.collections] == [
        ("C++", "essays/tag/c", ("posts/2023/d",)),
        ("touch", "essays/tag/touch", ("posts/2024/c", "posts/2024/a")),
        ("trust", "essays/tag/trust", ("posts/2024/c", "posts/2024/b", "posts/2024/a")),
    ]
    authors = site.catalogs["author"].collections
    assert [(c.key, c.name, c.docname) for c in authors] == [
        ("alex", "Alex Rowan", "essays/author/alex-rowan"),
        ("sam", "Sam Lee", "essays/author/sam-lee"),
    ]
    assert [c.docname for c in site.catalogs["archive"].collections] == ["essays/2024"]
    assert site.catalogs["archive"].docname == "essays/archive"
    assert [c.key for c in site.collections_of("posts/2024/c", "tags")] == ["touch", "trust"]  # the writer's order


def test_every_generated_page_is_named_by_the_model(site):
    assert site.listing_pages(site.all_essays) == ["essays", "essays/page/1"]
    assert "essays/tag/trust" in site.generated_pages  # three essays: the front page holds two to three
    assert "essays/tag/trust/page/1" not in site.generated_pages
    assert {"essays/tag", "essays/category", "essays/author", "essays/archive"} <= site.generated_pages
    assert page_name("essays/tag/x", FRONT) == "essays/tag/x"
    assert page_name("essays/tag/x", 3) == "essays/tag/x/page/3"
    assert paginated((), 10) == [(FRONT, ())]


def test_pages_are_numbered_from_the_oldest_so_an_added_essay_changes_only_the_front():
    for size in (1, 2, 3, 10):
        before = None
        for count in range(0, 5 * size + 2):
            newest_first = tuple(f"e{n}" for n in range(count, 0, -1))  # e1 is the first essay
            pages = paginated(newest_first, size)
            assert [essay for _, shown in pages for essay in shown] == list(newest_first)
            (front, newest), *fixed = pages
            assert front == FRONT and (size <= len(newest) < 2 * size or (count < size and len(newest) == count))
            for number, shown in fixed:  # page N: essays (N-1)*size+1 to N*size, for good
                assert shown == tuple(f"e{n}" for n in range(number * size, (number - 1) * size, -1))
            assert [number for number, _ in fixed] == list(range(len(fixed), 0, -1))
            if before is not None:
                kept = dict(before[1:])
                assert all(kept.get(number, shown) == shown for number, shown in fixed)
                assert len(pages) - len(before) in (0, 1)
            before = pages


def test_feeds_and_cards_are_named_by_rule(site):
    assert [feed.listing for feed in site.feeds] == [
        "essays", "essays/tag/c", "essays/tag/touch", "essays/tag/trust", "essays/category/letters",
        "essays/category/notes",
    ]  # fmt: skip
    assert site.feeds[1].title == "Unscripted: essays tagged “C++”"
    assert site.feeds[0].path("atom.xml") == "essays/atom.xml"
    assert site.essays["posts/2024/c"].card_path == "social/posts/2024/c.jpg"
    assert site.essays["posts/2024/a"].card_path == "social/posts/2024/a.png"


def test_an_essays_appearance_changes_with_what_others_show():
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    first, second = essay("x", 1, "X"), essay("x", 1, "X")
    assert first.appearance(now) == second.appearance(now)
    second.excerpt_html = "<p>Changed</p>"
    assert first.appearance(now) != second.appearance(now)


@given(st.text(max_size=40))
def test_a_label_has_one_page_however_it_is_typed(text):
    assert slugify(text) == slugify(unicodedata.normalize("NFD", text)) == slugify(f"  {text} ")
    assert "--" not in slugify(text) and not slugify(text).startswith("-")


@pytest.mark.parametrize(
    ("label", "slug"),
    [("つながり", "つながり"), ("आत्मीयता", "आत्मीयता"), ("تأملات", "تأملات"), ("친밀감", "친밀감"),
     ("💬 разговор", "разговор"), ("performance anxiety", "performance-anxiety"), ("C++", "c"),
     ("Réflexions", "réflexions")],
)  # fmt: skip
def test_slugs_keep_every_scripts_letters_and_marks(label, slug):
    assert slugify(label) == slug
    assert unicodedata.is_normalized("NFC", slugify(label))


# -- Words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [("I don’t know", 3), ("well-known words", 2), ("— … !", 0), ("it's 2024", 2), ("snake_case", 2)],
)
def test_words_are_counted_as_readers_count_them(text, words):
    assert count_words(text) == words


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("言葉の前に、まだ。", Length(characters=7)),  # punctuation is not read
        ("iPhoneを使う", Length(words=1, characters=3)),
        ("आत्मीयता और भरोसा", Length(words=3)),  # vowel signs belong to their words
        ("서툰 고백에 대하여", Length(words=3)),  # Korean spaces its words
        ("Тишина вдвоём", Length(words=2)),
    ],
)
def test_length_in_every_script(text, length):
    assert measure(text) == length
    assert Length(characters=600).minutes(230, 300) == 2


@given(st.text(alphabet=st.sampled_from("ab é1-’' \n—日本アイ한,.")) | st.text())
def test_text_without_chinese_or_japanese_is_counted_by_the_full_rule(text):
    """``measure`` skips the per-character test for Chinese and Japanese when the text has none
    of either: it must count exactly as the full rule (``UNIT_RE``) does, on any text."""
    from unscripted.core.text import UNIT_RE

    units = [unit["character"] is not None for unit in UNIT_RE.finditer(text)]
    assert measure(text) == Length(words=units.count(False), characters=units.count(True))


def test_the_closing_line_counts_the_problems_where_they_are():
    essay, other, settings = Problem("posts/a.md", 3, "x"), Problem("posts/b.md", 1, "y"), Problem("conf.py", 1, "z")
    assert problems_summary([essay]) == "1 problem in the essay above"
    assert problems_summary([essay, essay, other]) == "3 problems in the essays above"
    assert problems_summary([settings]) == "1 problem in conf.py"
    assert problems_summary([settings, essay]) == "2 problems in the files above"
