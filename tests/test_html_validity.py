"""Every page is valid HTML by the Nu HTML Checker (vnu), the W3C's validator."""

from __future__ import annotations

import json
import subprocess

import pytest

from tools import node_tool, program


def vnu(site, *arguments: str) -> list[dict]:
    java = program("java", "default-jre-headless")
    checker = node_tool("vnu-jar/build/dist/vnu.jar")
    result = subprocess.run(
        [java, "-jar", str(checker), "--format", "json", "--exit-zero-always", *arguments],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(result.stderr)["messages"]


def describe(site, message: dict) -> str:
    page = message.get("url", "").removeprefix("file:").removeprefix(str(site.outdir) + "/")
    where = f"{page}:{message.get('lastLine', '?')}"
    return f"{where}: {message['message']}\n    {message.get('extract', '').strip()}"


@pytest.mark.parametrize("which", ["site", "many", "multilingual", "imported"])
def test_every_page_has_no_html_errors(request, which):
    """The publication, a generated site with pagination, related essays and neighbours,
    essays in many languages and scripts using every common MyST feature, and an imported
    ABlog site (reST essays, link posts, places, the pages at old addresses)."""
    site = request.getfixturevalue(which)
    site = getattr(site, "build", site)
    pages = [str(site.outdir / path) for path in site.html_pages]
    messages = vnu(site, "--errors-only", *pages)
    errors = [describe(site, m) for m in messages if m["type"] in {"error", "non-document-error"}]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)


def test_our_stylesheet_is_valid_css(site):
    messages = vnu(site, "--css", "--errors-only", str(site.outdir / "_static/unscripted.css"))
    errors = [describe(site, m) for m in messages if m["type"] in {"error", "non-document-error"}]
    assert not errors, "\n".join(errors)
