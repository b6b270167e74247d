"""What HTML an essay may contain: one allowlist, used at both boundaries.

* ``raw_html_problems``: the HTML a writer types into an essay (MyST passes it
  through) may only be a few phrasing elements with plain attributes; checked
  while the essay is read, with its line.
* ``sanitize``: the essay as it reaches readers (its page's article, each feed
  entry, each excerpt) is the final serialized HTML passed through the
  allowlist with nh3 (ammonia, on html5ever: the browsers' own parsing
  algorithm), so no parser trick gets past it; and if the allowlist would
  change anything, the build fails, naming what it would remove.

Remote resources are refused everywhere: an ``img`` may only point into the
site itself; links (``a href``) may go anywhere a reader chooses to follow.
"""

from __future__ import annotations

import difflib
import html as htmllib
import re
from collections import Counter
from collections.abc import Callable
from urllib.parse import urlsplit

import nh3

from unscripted.core.mathml import MATHML_MARKUP

# -- What a writer may type as raw HTML ------------------------------------------------------


def names(text: str) -> frozenset[str]:
    return frozenset(text.split())


WRITER_ELEMENTS = names(
    "abbr b bdi br cite code del dfn em i ins kbd mark q rp rt ruby s samp small span strong sub sup time u var wbr"
)
WRITER_ATTRIBUTES = {"title", "lang", "dir", "datetime"}
TAG_RE = re.compile(
    r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<attributes>(?:\s+[^\s=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>"
)
ATTRIBUTE_RE = re.compile(r"([^\s=/>]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
EMBEDS = {"iframe", "video", "audio", "object", "embed", "source", "track", "picture", "frame", "frameset"}
ACTIVE = {"script", "style", "noscript", "template", "link", "meta", "base", "form", "input", "button", "select",
          "textarea", "svg", "math", "canvas", "dialog", "slot"}  # fmt: skip
KNOWN_ELEMENTS = names(
    """a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col
    colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form h1 h2
    h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark menu meta
    meter nav noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp script
    search section select slot small source span strong style sub summary sup table tbody td template textarea tfoot
    th thead time title tr track u ul var video wbr center font big strike tt frame frameset marquee math svg"""
)


def without_comments(fragment: str) -> str:
    """A writer's private HTML comments are the one thing removed without a word."""
    return COMMENT_RE.sub("", fragment)


def raw_html_problems(fragment: str) -> list[str]:
    """What is wrong with raw HTML a writer typed into an essay (comments already removed)."""
    problems: list[str] = []
    position = 0
    for match in TAG_RE.finditer(fragment):
        if "<" in fragment[position : match.start()]:
            break
        problems += _tag_problems(match["name"].lower(), match["attributes"])
        position = match.end()
    if "<" in fragment[position:]:
        problems.append(
            f"{excerpt(fragment[position:].lstrip())} is not HTML a reader's browser would show as written; "
            "write it in Markdown, or escape the < as &lt;"
        )
    return list(dict.fromkeys(problems))


def _tag_problems(name: str, attributes: str) -> list[str]:
    if name in EMBEDS:
        return [
            f"<{name}> embeds another site's player in the page; link to it instead, "
            "e.g. [Watch “the title” on its site](https://…)"
        ]
    if name == "svg":
        return [
            "inline <svg> is not allowed (a drawing can carry scripts and files from elsewhere); export it as a "
            "PNG or WebP image next to the essay and show it: ![what it shows](drawing.png)"
        ]
    if name == "img":
        return ["<img> in raw HTML is not allowed; use Markdown, ![what it shows](picture.jpg), next to the essay"]
    if name == "a":
        return ["<a> in raw HTML is not allowed; write a Markdown link, [the text](https://…)"]
    if name in ACTIVE:
        return [f"<{name}> is not allowed in an essay: essays hold text, never code, forms or page settings"]
    if name not in KNOWN_ELEMENTS:
        return [
            f"<{name}> is not an HTML element: readers would see nothing of it; "
            f"write the words themselves, or &lt;{name}&gt; to show the tag"
        ]
    if name not in WRITER_ELEMENTS:
        return [
            f"<{name}> is not allowed in an essay's raw HTML; write it in Markdown "
            f"(raw HTML may be: {', '.join(sorted(WRITER_ELEMENTS))})"
        ]
    problems = []
    for attribute in ATTRIBUTE_RE.finditer(attributes):
        key = attribute[1].lower()
        if key not in WRITER_ATTRIBUTES:
            problems.append(
                f"the attribute {excerpt(key)} on <{name}> is not allowed; only {', '.join(sorted(WRITER_ATTRIBUTES))}"
            )
    return problems


# -- What reaches readers --------------------------------------------------------------------

# What Sphinx, MyST and docutils write for an essay, the writer's phrasing elements, and MathML.
# MathML: exactly what the converter makes (``core.mathml`` refuses anything else).
MATHML_ELEMENTS = frozenset(MATHML_MARKUP)
ELEMENTS = (
    names(
        """a aside blockquote br caption code col colgroup dd div dl dt em figcaption figure h1 h2 h3 h4 h5 h6 hr img
        li ol p pre section span strong sub sup table tbody td tfoot th thead tr ul"""
    )
    | WRITER_ELEMENTS
    | MATHML_ELEMENTS
)
GENERIC_ATTRIBUTES = {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-labelledby", "aria-hidden"}
ATTRIBUTES = {
    "*": GENERIC_ATTRIBUTES,
    "a": {"href", "rel", "download", "hreflang", "type"},
    "img": {"src", "alt", "width", "height", "loading", "style"},
    "col": {"style", "span"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "table": {"style"},
    "figure": {"style"},
    "div": {"tabindex"},  # a display formula's box scrolls on a phone: it takes the keyboard's focus
}
for element, attributes in MATHML_MARKUP.items():  # MathML, and the few HTML elements inside it
    ATTRIBUTES.setdefault(element, set()).update(attributes)
SCHEMES = {"http", "https", "mailto"}
# Only a few layout properties with plain values in style attributes: no url(),
# image-set(), escapes or quotes, whatever the spelling.
STYLE_PROPERTIES = {"width", "height", "max-width", "min-width", "text-align", "vertical-align", "padding-left",
                    "padding-right", "padding-top", "padding-bottom", "margin-left", "margin-right", "display",
                    # what MathML layout uses (core.mathml)
                    "justify-items", "border-top", "border-right", "border-left", "border-bottom", "color",
                    "font-size", "font-variant-caps", "math-shift"}  # fmt: skip
STYLE_DECLARATION = re.compile(r"\s*([a-z-]+)\s*:\s*[\w\s.%#,+-]*")
RESOURCE_ATTRIBUTES = {("img", "src")}


def plain_style(value: str) -> bool:
    declarations = [part for part in value.split(";") if part.strip()]
    return all((match := STYLE_DECLARATION.fullmatch(part)) and match[1] in STYLE_PROPERTIES for part in declarations)


def own_resources(prefix: str | None) -> Callable[[str, str, str], str | None]:
    """An nh3 attribute filter: resources (``img src``) only from the site itself, plain styles.

    In a page, the site's own files are relative URLs (*prefix* None); in a feed,
    absolute URLs that start with the site's base URL (*prefix*)."""

    def allowed(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "style":
            return value if plain_style(value) else None
        if (tag, attribute) not in RESOURCE_ATTRIBUTES:
            return value
        parts = urlsplit(value.strip())
        if prefix is None:
            local = not (parts.scheme or parts.netloc or value.strip().startswith(("/", "\\")))
            return value if local else None
        return value if value.startswith(prefix) and "\\" not in value else None

    return allowed


def sanitize(html: str, *, site_prefix: str | None = None) -> tuple[str, list[str]]:
    """*html* as readers receive it (the allowlist applied), and what the allowlist removed.

    Readers only ever get the allowlisted HTML, so safety never depends on the
    comparison; the comparison (against a pass that keeps everything *html*
    holds, so that only html5ever's serialization differs) is what makes the
    build fail instead of removing anything silently."""
    allowed = nh3.clean(
        html,
        tags=set(ELEMENTS),
        clean_content_tags=set(),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=own_resources(site_prefix),
        strip_comments=True,
        link_rel=None,
        url_schemes=set(SCHEMES),
    )
    as_is = nh3.clean(html, **_keep_everything(html))
    if as_is == allowed:
        # Markup the parser itself drops or swallows (an unclosed tag, an element out of
        # its namespace) is gone from both: count each element to still notice it.
        typed, kept = _elements(html), _elements(allowed)
        lost = sorted(name for name, count in typed.items() if kept[name] < count)
        return allowed, [f"<{name}>" for name in lost]
    before, after = TOKEN_RE.findall(as_is), TOKEN_RE.findall(allowed)
    removed = []
    for operation, start, end, _, _ in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if operation in {"delete", "replace"}:
            removed.append(excerpt("".join(before[start:end])))
    return allowed, removed or ["something (the allowlist changes this HTML)"]


TOKEN_RE = re.compile(r"<[^>]*>|[^<]+")
START_TAG_RE = re.compile(r"<([A-Za-z][^\t\n\f\r />]*)")


def _elements(html: str) -> Counter:
    return Counter(name.translate(ASCII_LOWER) for name in START_TAG_RE.findall(html))


# Tag names as the HTML tokenizer reads them, and the URL schemes a browser would see
# (it ignores tabs and newlines in URLs and decodes character references first).
TAG_NAME_RE = re.compile(r"</?([A-Za-z][^\t\n\f\r />]*)")
SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ\0", "abcdefghijklmnopqrstuvwxyz\ufffd")


def _keep_everything(html: str) -> dict:
    """nh3 options that keep everything *html* holds: only the serialization changes."""
    names = {name.translate(ASCII_LOWER) for name in TAG_NAME_RE.findall(html)}
    decoded = re.sub(r"[\t\n\r]", "", htmllib.unescape(html))
    schemes = {name.lower() for name in SCHEME_RE.findall(decoded)}
    return {
        "tags": (names | ELEMENTS | KNOWN_ELEMENTS) - {"html", "head", "body"},
        "clean_content_tags": set(),
        "attributes": {},
        "generic_attribute_prefixes": set("abcdefghijklmnopqrstuvwxyz_:"),
        "strip_comments": False,
        "link_rel": None,
        "url_schemes": schemes | SCHEMES | {"javascript", "data", "vbscript", "file", "ftp"},
    }


def source_line(text: str, snippet: str) -> int | None:
    """The first line of *text* holding the element, attribute or value that *snippet* shows
    (or, failing those, *snippet* itself)."""
    needles = re.findall(r"=\"([^\"]{4,})", snippet)
    needles += [f"{name}=" for name in re.findall(r"\s([\w:-]+)=", snippet)]
    needles += [f"<{tag}" for tag in re.findall(r"<\s*/?\s*([\w:-]+)", snippet)]
    needles.append(snippet)
    lowered = text.lower()
    for needle in needles:
        index = lowered.find(needle.lower())
        if index >= 0:
            return text.count("\n", 0, index) + 1
    return None


def excerpt(value: object, limit: int = 60) -> str:
    """A value as a message quotes it: never more than *limit* characters."""
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
