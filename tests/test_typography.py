"""Typography: quotes, apostrophes, dashes and ellipses typeset in each essay's own language,
the writer's words untouched, code never; a measure of 55–75 characters a line on desktops and
body text of at least 16 px on phones, measured in a browser."""

from __future__ import annotations

import contextlib
import statistics

import pytest
from lxml import etree

from conftest import SiteMaker, sphinx_build
from tools import BASE_PATH, as_typed, serve


def essay(title: str, body: str, *, language: str | None = None, description: str | None = None) -> str:
    front = ["---", "date: 2025-02-01", "category: Reflections", "tags: [typography]"]
    if language:
        front.append(f"language: {language}")
    if description:
        front.append(f"description: '{description}'")
    return "\n".join([*front, "---", "", f"# {title}", "", body, ""])


ENGLISH = essay(
    'The "Quiet" Test',
    """She said "it's fine" -- twice... and then 'nothing'.

Code keeps its own: `print("it's" -- 1...)` and

```python
print("it's" -- 1...)
```

Math too: $f'(x)$, and an address stays itself: <https://example.org/a--b...c>.
""",
    description='A "test" -- of quotes...',
)
FRENCH = essay("Guillemets", 'Elle a dit "non" -- deux fois.', language="fr")
GERMAN = essay("Anführung", 'Sie sagte "nein" -- zweimal.', language="de")
ARABIC = essay("اقتباس", 'قالت "لا" -- مرتين...', language="ar")
JAPANESE = essay("引用", '彼女は"いいえ" -- と言った...', language="ja")


@pytest.fixture(scope="module")
def typeset(tmp_path_factory):
    base = tmp_path_factory.mktemp("typography")
    srcdir = SiteMaker(base).make(
        {
            "posts/2025/quiet-test.md": ENGLISH,
            "posts/2025/guillemets.md": FRENCH,
            "posts/2025/anfuehrung.md": GERMAN,
            "posts/2025/iqtibas.md": ARABIC,
            "posts/2025/inyo.md": JAPANESE,
        }
    )
    build = sphinx_build(srcdir, base / "html", doctreedir=base / "doctrees")
    assert build.returncode == 0, build.log
    return build


def paragraph(build, docname: str) -> str:
    return build.page(f"posts/2025/{docname}.html").css_first("article section > p").text()


def test_quotes_apostrophes_dashes_and_ellipses_are_typeset(typeset):
    assert paragraph(typeset, "quiet-test") == "She said “it’s fine” – twice… and then ‘nothing’."
    title = typeset.page("posts/2025/quiet-test.html").css_first("h1").text(deep=False)
    assert title == "The “Quiet” Test"


def test_each_essay_gets_its_own_languages_quotation_marks(typeset):
    assert paragraph(typeset, "guillemets").translate({0x202F: " ", 0xA0: " "}) == "Elle a dit « non » – deux fois."
    assert paragraph(typeset, "anfuehrung") == "Sie sagte „nein“ – zweimal."


def test_a_language_without_known_quotes_keeps_the_writers_quotes(typeset):
    """docutils knows no Arabic quotation marks: the writer's stay; dash and ellipsis are typeset."""
    assert paragraph(typeset, "iqtibas") == 'قالت "لا" – مرتين…'


def test_an_excluded_language_is_left_exactly_as_typed(typeset):
    """Sphinx's smartquotes_excludes (Japanese by default): Japanese writers type their own 「」."""
    assert paragraph(typeset, "inyo") == '彼女は"いいえ" -- と言った...'


def test_code_math_and_addresses_are_never_touched(typeset):
    page = typeset.page("posts/2025/quiet-test.html")
    code = [node.text() for node in page.css("article code.literal, article pre")]
    assert code and all('print("it\'s" -- 1...)' in text for text in code), code
    link = page.css_first('article a[href^="https://example.org"]')
    assert link.text() == "https://example.org/a--b...c" == link.attributes["href"]
    math = page.css_first("article math")
    assert math is not None and "’" not in math.text() and "‘" not in math.text()


def test_the_words_stay_the_writers(typeset):
    text = paragraph(typeset, "quiet-test")
    assert as_typed(text) == "She said \"it's fine\" -- twice... and then 'nothing'."


def test_front_matter_text_and_feeds_are_typeset_too(typeset):
    page = typeset.page("posts/2025/quiet-test.html")
    assert page.css_first('meta[name="description"]').attributes["content"] == "A “test” – of quotes…"
    listing = typeset.page("essays.html").text()
    assert "A “test” – of quotes…" in listing and '"test"' not in listing
    feed = etree.fromstring((typeset.outdir / "essays/atom.xml").read_bytes())
    atom = "{http://www.w3.org/2005/Atom}"
    entry = next(e for e in feed.iter(f"{atom}entry") if e.findtext(f"{atom}title") == "The “Quiet” Test")
    assert "“it’s fine” – twice…" in entry.findtext(f"{atom}content")


# -- The measure and the body size, in a browser ---------------------------------------------

# Characters on each full line (a paragraph's last line aside) of the essay's paragraphs.
LINE_LENGTHS = """() => {
  const lengths = [];
  const range = document.createRange();
  for (const p of document.querySelectorAll('article[role=main] section > p')) {
    const counts = [];
    let bottom = -Infinity;  // of the line being counted: a character below it starts the next
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getClientRects()[0];
        if (!box) continue;
        if (box.top >= bottom - 1) {  // superscripts and subscripts stay on their line
          counts.push(0);
          bottom = box.bottom;
        }
        counts[counts.length - 1] += 1;
      }
    }
    lengths.push(...counts.slice(0, -1));
  }
  return lengths;
}"""
BODY_SIZE = "() => parseFloat(getComputedStyle(document.querySelector('article[role=main] section > p')).fontSize)"
DESKTOPS = [(1024, 768), (1280, 800), (1440, 900), (1920, 1080)]
ESSAYS = ["posts/2024/the-quiet-lie.html"]
CORPUS = [  # essays in scripts with spaces between words, from tests/data/multilingual
    "posts/2024/la-juste-distance.html",
    "posts/2024/tishina-vdvoyom.html",
    "posts/2025/oso-plisiazoume.html",
    "posts/2025/das-gewicht-eines-neins.html",
    "posts/2026/words-we-borrow.html",
]


@contextlib.contextmanager
def chromium_page(browser, **options):
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


def line_lengths(browser, url: str, size: tuple[int, int]) -> list[int]:
    with chromium_page(browser, viewport={"width": size[0], "height": size[1]}) as page:
        page.goto(url)
        page.evaluate("document.fonts.ready.then(() => true)")
        return page.evaluate(LINE_LENGTHS)


@pytest.mark.parametrize("size", DESKTOPS, ids=lambda size: f"{size[0]}px")
def test_the_measure_is_55_to_75_characters_on_desktops(site, multilingual, browser, size):
    for build, paths in ((site, ESSAYS), (multilingual, CORPUS)):
        with serve(build.outdir, BASE_PATH) as url:
            for path in paths:
                lengths = line_lengths(browser, url + path, size)
                assert len(lengths) >= 5, (path, lengths)
                outside = [n for n in lengths if not 55 <= n <= 75]
                assert 60 <= statistics.median(lengths) <= 70, (path, size, sorted(lengths))
                assert len(outside) <= len(lengths) // 20, (path, size, sorted(lengths))


def test_body_text_is_at_least_16px_on_a_phone(site, multilingual, browser):
    for build, paths in ((site, ESSAYS), (multilingual, CORPUS)):
        with serve(build.outdir, BASE_PATH) as url:
            for path in paths:
                with chromium_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True) as page:
                    page.goto(url + path)
                    assert page.evaluate(BODY_SIZE) >= 16, path
