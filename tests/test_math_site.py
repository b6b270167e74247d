"""Math in a built site: MathML in pages and feeds, no script, numbers and links, strict errors.

One small project-shaped site with a math essay, a second essay that refers to
its equations, and the first essay (no math), built once for the module.
"""

from __future__ import annotations

import json
import re
import time

import lxml.html
import pytest
from lxml import etree
from test_accessibility import VIEWPORTS, WCAG
from test_accessibility import describe as describe_violation
from test_html_validity import describe as describe_message
from test_html_validity import vnu

from unscripted.core.mathml import display_tex, to_mathml

from conftest import BASE_PATH, ROOT, SiteMaker, built_site, resolve, sphinx_build
from tools import MEASUREMENTS, node_tool, serve

MATH_ESSAY = r"""---
date: 2024-05-01
tags: [numbers]
---

# Counting what we cannot see

It cost $5 and then $10, which is fine. The fraction $\frac{a}{b}$ sits in the sentence,
with Greek $\alpha + \beta = \Gamma(\omega)$ and text $f(x) = 0 \text{ if and only if } x \in \ker f$.

The role works too: {math}`e^{i\pi} + 1 = 0`. A labelled equation, referenced as {eq}`bayes`:

$$
\mathrm{P}(A \mid B) = \frac{\mathrm{P}(B \mid A)\,\mathrm{P}(A)}{\mathrm{P}(B)}
$$ (bayes)

The directive, with a label:

```{math}
:label: euler-product

\zeta(s) = \sum_{n=1}^{\infty} \frac{1}{n^s} = \prod_{p\ \text{prime}} \frac{1}{1-p^{-s}}
```

An unnumbered display, as wide as a phone is not:

$$
\begin{pmatrix} a & b \\ c & d \end{pmatrix}^{-1} = \frac{1}{ad-bc}\begin{pmatrix} d & -b \\ -c & a \end{pmatrix},
\qquad
|x| = \begin{cases} x & \text{if } x \ge 0, \\ -x & \text{otherwise.} \end{cases}
$$

An amsmath environment, numbered by Sphinx:

\begin{align}
(a+b)^2 &= (a+b)(a+b) \\
        &= a^2 + 2ab + b^2
\end{align}

and one that is not:

\begin{gather*}
\int_0^\infty e^{-x^2}\,\mathrm{d}x = \frac{\sqrt{\pi}}{2} \\
\lim_{x \to 0} \frac{\sin x}{x} = 1
\end{gather*}

Equation {eq}`bayes` is Bayes' rule; {eq}`euler-product` is Euler's product.
"""

SECOND_ESSAY = r"""---
date: 2024-06-01
tags: [numbers]
description: Equations referred to from another essay.
---

# Another look at $x^2$

Bayes' rule is {eq}`bayes` in the other essay. Numbering starts again here:

$$
x^2 + y^2 = z^2
$$ (pythagoras)

See {eq}`pythagoras`, and a second numbered environment:

\begin{equation}
E = mc^2
\end{equation}
"""

BROKEN_ESSAY = r"""---
date: 2024-05-01
---

# Broken math

A fine line, and prices: $5 and $10.

Some text with an unknown command $\frobnicate{x}$ in it,
and on the next line an unbalanced $\frac{a}{b$ one.

$$
\begin{tikzcd} A \arrow[r] & B \end{tikzcd}
$$

\begin{align}
a &= b \label{inner}
\end{align}
"""

ESSAY = "posts/2024/counting.html"
SECOND = "posts/2024/another-look.html"
FILES = {"posts/2024/counting.md": MATH_ESSAY, "posts/2024/another-look.md": SECOND_ESSAY}
MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.S)
VERSIONED = re.compile(r"\?v=[0-9a-f]+$")
SCREENSHOTS = ROOT / "_build" / "screenshots"  # for a person to look at (kept until `make clean`)


@pytest.fixture(scope="module")
def math_site(tmp_path_factory):
    return built_site(tmp_path_factory, "math", FILES)


def article(site, path: str) -> str:
    text = site.text(path)
    return text[text.index("<article") : text.index("</article>")]


def test_every_formula_is_mathml_with_its_tex(math_site):
    formulas = MATH_ELEMENT.findall(article(math_site, ESSAY))
    # 4 inline ($...$ and the role), 3 displays, 2 amsmath environments
    assert len(formulas) == 9
    for formula in formulas:
        root = lxml.html.fragment_fromstring(formula)  # as a browser reads it (HTML: &nbsp; and all)
        assert root.get("alttext")
        assert root.find("semantics/annotation").get("encoding") == "application/x-tex"
    page = math_site.page(ESSAY)
    blocks = page.css("div.math > math")
    assert len(blocks) == 5 and all(b.attributes.get("display") == "block" for b in blocks)
    # No TeX is left for a script to typeset: none outside the formulas' own annotations.
    prose = MATH_ELEMENT.sub("", article(math_site, ESSAY))
    assert not re.search(r"\\(frac|begin|alpha|mathrm)|\$\$", prose)


def test_prices_stay_prose(math_site):
    first = math_site.page(ESSAY).css_first("article section > p")
    assert first.text().startswith("It cost $5 and then $10, which is fine.")
    assert "<math" not in first.html.split("The fraction")[0]


def test_no_page_gets_a_script_for_math(math_site):
    """The renderer adds no script: a page with math loads exactly the scripts of one
    without, all from the site; nothing anywhere mentions MathJax."""

    def scripts(path: str) -> set[str]:
        found = set()
        for script in math_site.page(path).css("script[src]"):
            src = script.attributes["src"]
            assert not re.match(r"([a-z]+:)?//", src), f"{path}: {src}"
            found.add(VERSIONED.sub("", resolve(path, src)))
        return found

    assert scripts(ESSAY) == scripts("posts/2024/the-quiet-lie.html")
    assert scripts("essays.html") == scripts("about.html")
    for name, content in math_site.files().items():
        if name.endswith((".html", ".xml", ".json", ".js")):
            assert b"mathjax" not in content.lower(), name
            assert b"tex2jax" not in content, name


def test_equation_references_resolve_to_ids_that_exist(math_site):
    links = []
    for path in (ESSAY, SECOND):
        page = math_site.page(path)
        ids = [node.attributes["id"] for node in page.css("[id]")]
        assert len(ids) == len(set(ids)), f"{path}: duplicate ids"
        for link in page.css('a[href*="#equation-"]'):
            links.append((path, link.attributes["href"], link.text()))
    assert ("posts/2024/counting.html", "#equation-bayes", "(1)") in links
    assert ("posts/2024/counting.html", "#equation-euler-product", "(2)") in links
    assert ("posts/2024/another-look.html", "counting.html#equation-bayes", "(1)") in links
    assert ("posts/2024/another-look.html", "#equation-pythagoras", "(1)") in links  # numbering restarts
    for path, href, _ in links:
        target, fragment = resolve(path, href), href.split("#", 1)[1]
        assert math_site.page(target).css_first(f'[id="{fragment}"]'), f"{path}: {href} points nowhere"


def test_numbered_environments_have_stable_ids(math_site):
    page = math_site.page(ESSAY)
    numbers = {n.text(): n.css_first("a").attributes["href"] for n in page.css("span.eqno")}
    assert numbers == {
        "(1)#": "#equation-bayes",
        "(2)#": "#equation-euler-product",
        "(3)#": "#equation-posts-2024-counting-amsmath-1",
    }
    second = math_site.page(SECOND).css("span.eqno a")
    assert [a.attributes["href"] for a in second] == [
        "#equation-pythagoras",
        "#equation-posts-2024-another-look-amsmath-1",
    ]
    everything = "".join(math_site.text(p) for p in math_site.html_pages)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-", everything), "MyST's random labels"


def feed_entries(site, listing: str) -> dict[str, dict[str, str]]:
    """Each format's entry content, by entry URL."""
    entries: dict[str, dict[str, str]] = {}
    atom = etree.fromstring((site.outdir / listing / "atom.xml").read_bytes())
    namespace = {"a": "http://www.w3.org/2005/Atom"}
    for entry in atom.iterfind("a:entry", namespace):
        entries.setdefault(entry.findtext("a:id", namespaces=namespace), {})["atom"] = entry.findtext(
            "a:content", namespaces=namespace
        )
    rss = etree.fromstring((site.outdir / listing / "rss.xml").read_bytes())
    for item in rss.iterfind("channel/item"):
        encoded = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
        entries.setdefault(item.findtext("link"), {})["rss"] = encoded
    for item in json.loads((site.outdir / listing / "feed.json").read_bytes())["items"]:
        entries.setdefault(item["url"], {})["json"] = item["content_html"]
    return entries


def test_feeds_carry_the_same_mathml(math_site):
    page_formulas = MATH_ELEMENT.findall(article(math_site, ESSAY))
    entry = next(formats for url, formats in feed_entries(math_site, "essays").items() if url.endswith(ESSAY))
    assert set(entry) == {"atom", "rss", "json"}
    for name, content in entry.items():
        assert MATH_ELEMENT.findall(content) == page_formulas, name
        assert '<span class="eqno">(1)</span>' in content, name  # the numbers travel too
        assert "<script" not in content, name


def test_the_math_style_sheet_and_font_only_where_math_shows(math_site):
    def sheets(path: str) -> list[str]:
        return [VERSIONED.sub("", s.attributes["href"]) for s in math_site.page(path).css('link[rel="stylesheet"]')]

    # The essays themselves, and listings whose excerpts show a formula.
    for path in (ESSAY, SECOND, "essays.html", "index.html", "essays/tag/numbers.html"):
        assert any(s.endswith("_static/math/math.css") for s in sheets(path)), path
    for path in ("about.html", "posts/2024/the-quiet-lie.html", "essays/tag/intimacy.html", "search.html"):
        assert not any("math" in s for s in sheets(path)), path
    css = math_site.text("_static/math/math.css")
    assert 'url("LibertinusMath-Regular.woff2")' in css
    assert math_site.exists("_static/math/LibertinusMath-Regular.woff2")
    assert "SIL OPEN FONT LICENSE Version 1.1" in math_site.text("_static/math/OFL.txt")


def test_a_formula_in_a_title_is_math_on_the_page_and_tex_in_metadata(math_site):
    page = math_site.page(SECOND)
    assert page.css_first("article h1 math")
    assert page.css_first("title").text() == "Another look at x^2 - Unscripted"
    assert page.css_first('meta[property="og:title"]').attributes["content"] == "Another look at x^2"
    titles = [e["title"] for e in json.loads(math_site.text("essays/feed.json"))["items"]]
    assert "Another look at x^2" in titles


def test_excerpts_keep_formulas_whole_and_descriptions_show_tex(math_site):
    listing = math_site.text("essays.html")
    excerpt = listing[listing.index("It cost $5") : listing.index("</div>", listing.index("It cost $5"))]
    formulas = MATH_ELEMENT.findall(excerpt)
    assert len(formulas) == 3, "the opening's three formulas, each whole"
    assert all(formula in article(math_site, ESSAY) for formula in formulas)
    description = math_site.page(ESSAY).css_first('meta[name="description"]').attributes["content"]
    assert r"The fraction \frac{a}{b} sits in the sentence" in description


def test_pages_with_math_are_valid_html(math_site):
    pages = [str(math_site.outdir / path) for path in (ESSAY, SECOND, "essays.html", "index.html")]
    messages = vnu(math_site, "--errors-only", *pages)
    errors = [describe_message(math_site, m) for m in messages if m["type"] in {"error", "non-document-error"}]
    assert not errors, "\n".join(errors)
    css = vnu(math_site, "--css", "--errors-only", str(math_site.outdir / "_static/math/math.css"))
    assert not [m for m in css if m["type"] in {"error", "non-document-error"}], css


def test_two_clean_builds_are_identical(math_site, tmp_path):
    """Elsewhere, in parallel: the same bytes (MyST's random amsmath labels would differ)."""
    srcdir = SiteMaker(tmp_path).make(FILES, with_essay=True)
    again = sphinx_build(srcdir, tmp_path / "html", doctreedir=tmp_path / "doctrees", options=("-j", "2"))
    assert again.returncode == 0, again.log
    one, two = math_site.files(), again.files()
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_broken_tex_stops_the_build_with_file_and_line(tmp_path):
    srcdir = SiteMaker(tmp_path).make({"posts/2024/broken.md": BROKEN_ESSAY})
    for attempt in ("first", "again"):  # nothing is kept that would let a second build pass
        build = sphinx_build(srcdir, tmp_path / "html", doctreedir=tmp_path / "doctrees")
        assert build.returncode == 1, attempt
        errors = [line for line in build.log.splitlines() if "ERROR" in line]
        assert errors == [
            "posts/2024/broken.md:9: ERROR: cannot turn the inline math '\\frobnicate{x}' into MathML: "
            'Unknown command "\\frobnicate" (at character 0); correct the TeX, or write the formula another way',
            "posts/2024/broken.md:10: ERROR: cannot turn the inline math '\\frac{a}{b' into MathML: "
            'Expected closing token "}", but reached end of input (at character 10); '
            "correct the TeX, or write the formula another way",
            "posts/2024/broken.md:13: ERROR: cannot turn the display math "
            "'\\begin{tikzcd} A \\arrow[r] & B \\end{tikzcd}' into MathML: "
            'Unknown environment "tikzcd" (at character 6); correct the TeX, or write the formula another way',
            "posts/2024/broken.md:16: ERROR: cannot turn the display math "
            "'\\begin{align} a &= b \\label{inner} \\end{align}' into MathML: \\label inside a numbered "
            "amsmath environment: Sphinx numbers it, and MyST cannot make it referenceable; write "
            "$$ ... $$ (label) or {math} with :label:, or a starred environment (align*) for a tag of your own",
            "ERROR: 4 problems in the essay above; nothing was written.",
        ], attempt
        assert "Traceback" not in build.log
        assert not (tmp_path / "html" / "posts/2024/broken.html").exists()


@pytest.fixture(scope="module")
def served_math(math_site):
    with serve(math_site.outdir, BASE_PATH) as url:
        yield url


def test_a_phone_shows_the_math_in_its_font_without_widening_the_page(math_site, served_math, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.blockedURI));"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(served_math + ESSAY, wait_until="networkidle")
        state = page.evaluate(
            """() => {
              const wrappers = [...document.querySelectorAll('div.math')];
              const fraction = document.querySelector('p mfrac').getBoundingClientRect();
              const line = document.querySelector('p').getBoundingClientRect();
              return {
                font: document.fonts.check('16px "Libertinus Math"'),
                mathFont: getComputedStyle(document.querySelector('math')).fontFamily,
                pageWidth: document.documentElement.scrollWidth,
                viewport: window.innerWidth,
                scrolling: wrappers.filter(w => w.scrollWidth > w.clientWidth).map(w => {
                  w.scrollLeft = w.scrollWidth;  // scrolls only if the box itself scrolls
                  const reached = w.scrollLeft > 0;
                  w.scrollLeft = 0;
                  return reached;
                }),
                fractionHeight: fraction.height,
                violations: window.__violations,
              };
            }"""
        )
        page.screenshot(path=str(SCREENSHOTS / "math-phone.png"), full_page=True)
    finally:
        context.close()
    MEASUREMENTS.append(f"math: to look at: {SCREENSHOTS / 'math-phone.png'}")
    assert state["violations"] == []
    assert all(url.startswith(served_math.rsplit(BASE_PATH, 1)[0]) for url in requests), requests
    assert any(url.endswith("LibertinusMath-Regular.woff2") for url in requests)
    assert state["font"] and state["mathFont"].startswith('"Libertinus Math"'), state
    assert state["pageWidth"] <= state["viewport"], "a formula widens the page"
    assert state["scrolling"] and all(state["scrolling"]), "a wide display scrolls inside its own box"
    assert state["fractionHeight"] > 20, "MathML laid out natively: a fraction is two rows tall"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_axe_violations_on_a_page_with_math(served_math, browser, viewport):
    """A formula too wide for a phone scrolls in a box a keyboard can reach (axe: scrollable-region-focusable)."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], is_mobile=viewport == "phone", bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(served_math + ESSAY, wait_until="load")
        page.add_script_tag(content=node_tool("axe-core/axe.min.js").read_text(encoding="utf-8"))
        result = page.evaluate(
            "async (tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            [*WCAG, "best-practice"],
        )
    finally:
        context.close()
    assert not result["violations"], "\n".join(describe_violation(ESSAY, v) for v in result["violations"])


def test_screen_readers_get_the_math_itself(served_math, browser):
    """Chromium exposes MathML to assistive technology as math (MathMLMath, MathMLFraction...),
    not as an image or a label: nothing hides it."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(served_math + ESSAY, wait_until="load")
        tree = context.new_cdp_session(page).send("Accessibility.getFullAXTree")["nodes"]
    finally:
        context.close()
    roles = [node["role"]["value"] for node in tree if not node.get("ignored") and "role" in node]
    assert roles.count("MathMLMath") == 9
    assert {"MathMLFraction", "MathMLTable", "MathMLSup", "MathMLText"} <= set(roles)


def test_conversion_cost_per_formula():
    """Recorded, not gated: what one formula costs a build (the converter and the finishing)."""
    formulas = [
        (False, r"\frac{a}{b}"),
        (False, r"\alpha + \beta = \Gamma(\omega)"),
        (True, r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}^{-1} = \frac{1}{ad-bc}"),
        (True, display_tex(r"\begin{align} (a+b)^2 &= (a+b)(a+b) \\ &= a^2 + 2ab + b^2 \end{align}", nowrap=True)),
    ]
    rounds = 250
    start = time.perf_counter()
    for number in range(rounds):
        for display, tex in formulas:
            to_mathml(tex + " " * (number + 1), display=display, alt=tex)  # a new key each time: no cache
    per_formula = (time.perf_counter() - start) / (rounds * len(formulas))
    MEASUREMENTS.append(f"math: {per_formula * 1e6:.0f} µs per formula (math-core and finishing, uncached)")
    assert per_formula < 0.01
