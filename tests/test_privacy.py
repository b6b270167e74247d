"""Readers' browsers talk to this site only, under a strict Content-Security-Policy."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

from conftest import ROOT, SITE_URL

EXECUTABLE = {"", "text/javascript", "application/javascript", "module"}
REQUIRED = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def third_party(url: str) -> bool:
    parts = urlsplit(url)
    if url.startswith("//"):
        return True
    return bool(parts.scheme in {"http", "https"} and not url.startswith(SITE_URL))


def test_no_page_loads_anything_from_another_host(site):
    found = []
    for path, page in site.parsed.items():
        for node in page.css("[src], [srcset], [poster], link[href], [data]"):
            for attribute in ("src", "srcset", "poster", "data") + (("href",) if node.tag == "link" else ()):
                for url in re.split(r",\s*", node.attributes.get(attribute) or ""):
                    if url and third_party(url.split()[0]):
                        found.append(f"{path}: <{node.tag} {attribute}={url!r}>")
    assert not found, "\n".join(found)


def test_no_stylesheet_loads_anything_from_another_host(site):
    css = {name: content.decode() for name, content in site.files().items() if name.endswith(".css")}
    assert "_static/unscripted-site.css" in css
    # ... and the package's own sheets, which only some sites publish (math.css: sites with math)
    css |= {path.name: path.read_text() for path in (ROOT / "unscripted" / "static").rglob("*.css")}
    found = []
    for name, text in css.items():
        for url in re.findall(r"""url\(\s*['"]?([^'")]+)""", text) + re.findall(r"""@import\s+['"]([^'"]+)""", text):
            if url.startswith("data:"):
                continue
            if third_party(url):
                found.append(f"{name}: {url}")
    assert not found, "\n".join(found)


def policy_of(page) -> dict[str, list[str]]:
    metas = page.css('meta[http-equiv="Content-Security-Policy"]')
    assert len(metas) == 1
    directives = {}
    for part in metas[0].attributes["content"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_every_page_carries_a_strict_policy_first(site):
    for path, page in site.parsed.items():
        policy = policy_of(page)
        for directive, value in REQUIRED.items():
            assert policy[directive] == [value], (path, directive, policy.get(directive))
        scripts = policy["script-src"]
        assert "'self'" in scripts, path
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "https:", "http:"} & set(scripts), (path, scripts)
        # Before anything the policy governs: the first element after <meta charset>.
        head = [node for node in page.css_first("head").iter() if node.tag != "-text"]
        assert head[0].tag == "meta" and "charset" in head[0].attributes, path
        assert head[1].attributes.get("http-equiv") == "Content-Security-Policy", path
        # Every inline script that runs is allowed by its exact hash.
        for script in page.css("script:not([src])"):
            if script.attributes.get("type", "") in EXECUTABLE:
                assert script_hash(script.text()) in scripts, (path, script.text()[:80])
        assert page.css_first('meta[name="referrer"]').attributes["content"] == "strict-origin-when-cross-origin"
        for link in page.css('a[target="_blank"]'):
            assert "noopener" in (link.attributes.get("rel") or ""), (path, link.html)


def test_the_policy_check_can_fail(site):
    """A changed inline script would not match the hashes."""
    page = site.page("index.html")
    inline = [s.text() for s in page.css("script:not([src])") if s.attributes.get("type", "") in EXECUTABLE]
    assert inline, "Furo's theme script is inline and hashed"
    assert script_hash(inline[0] + " ") not in policy_of(page)["script-src"]


def test_no_page_breaks_its_policy_or_logs_an_error(site, served_site, browser):
    context = browser.new_context()
    # Record violations before any page script runs.
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    problems, requests = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "console", lambda m: problems.append(f"{page.url}: console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    try:
        for path in site.html_pages:
            response = page.goto(served_site + path, wait_until="networkidle")
            if path != "404.html":
                assert response.ok, path
            problems += [f"{path}: CSP blocked {v}" for v in page.evaluate("window.__violations")]
            # The theme script ran (it is the one inline script): the theme is set.
            assert page.evaluate("document.body.dataset.theme") in {"auto", "light", "dark"}, path
        # Searching works under the policy too.
        page.goto(served_site + "search.html?q=scorecard", wait_until="networkidle")
        page.wait_for_selector("#search-results[data-state=done] li", timeout=20_000)
        problems += [f"search: CSP blocked {v}" for v in page.evaluate("window.__violations")]
    finally:
        context.close()
    assert not problems, "\n".join(problems)
    assert any("/search-index/t/" in url for url in requests), "the search ran"
    assert [url for url in requests if not url.startswith(served_site)] == []


def test_the_search_page_is_as_strict_as_every_other_page(site):
    """Searching needs no exception: no WebAssembly, no eval, the same policy."""
    policies = {path: policy_of(page) for path, page in site.parsed.items()}
    assert policies["search.html"] == policies["index.html"]
    assert all(policy == policies["index.html"] for policy in policies.values())
