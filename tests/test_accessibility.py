"""axe-core finds no accessibility violations on any page, light or dark, desktop or phone."""

from __future__ import annotations

import pytest

from conftest import BASE_PATH
from tools import node_tool, serve

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def axe_source() -> str:
    return node_tool("axe-core/axe.min.js").read_text(encoding="utf-8")


def describe(path: str, violation: dict) -> str:
    nodes = "\n".join(
        f"      {', '.join(map(str, node['target']))}: {node['html'][:160]}" for node in violation["nodes"][:5]
    )
    return f"{path}: [{violation['id']}] {violation['help']} ({violation['impact']})\n{nodes}"


# The search page is checked with results on it (words of the essay's description: marked).
SEARCH = "search.html?q=performance+scorecard"
# Pages only the generated site has: later pages of a list, related essays, neighbours.
MANY_PAGES = ["essays/page/2.html", "essays/tag/quiet.html", "posts/2019/essay-0010.html", "essays/archive.html"]


@pytest.fixture(scope="module")
def served_many(many):
    with serve(many.outdir, BASE_PATH) as url:
        yield url


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_axe_violations(site, served_site, many, served_many, browser, axe_source, scheme, viewport):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        color_scheme=scheme,
        is_mobile=viewport == "phone",
        has_touch=viewport == "phone",
        bypass_csp=True,  # the site's policy rightly refuses the injected axe-core; test_privacy checks it
    )
    page = context.new_page()
    problems = []
    paths = [SEARCH if path == "search.html" else path for path in site.html_pages]
    pages = [served_site + path for path in paths] + [served_many + path for path in MANY_PAGES]
    try:
        for url in pages:
            path = url.split("/", 3)[-1]
            response = page.goto(url, wait_until="load")
            assert response.ok, url
            if "?q=" in url:
                page.wait_for_selector("#search-results[data-state=done] li mark", timeout=20_000)
            page.add_script_tag(content=axe_source)
            result = page.evaluate(
                "async (tags) => axe.run(document, "
                '{runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})',
                [*WCAG, "best-practice"],
            )
            problems += [describe(path, v) for v in result["violations"]]
    finally:
        context.close()
    assert not problems, f"{len(problems)} axe violations ({scheme}, {viewport}):\n" + "\n".join(problems)
