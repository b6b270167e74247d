"""axe-core finds no accessibility violations on any page, light or dark, desktop or phone."""

from __future__ import annotations

import pytest

from tools import node_tool

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


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_axe_violations(site, served_site, browser, axe_source, scheme, viewport):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], color_scheme=scheme, is_mobile=viewport == "phone", has_touch=viewport == "phone"
    )
    page = context.new_page()
    problems = []
    try:
        for path in site.html_pages:
            page.goto(served_site + path, wait_until="load")
            page.add_script_tag(content=axe_source)
            result = page.evaluate(
                """async (tags) => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
                [*WCAG, "best-practice"],
            )
            problems += [describe(path, v) for v in result["violations"]]
    finally:
        context.close()
    assert not problems, f"{len(problems)} axe violations ({scheme}, {viewport}):\n" + "\n".join(problems)
