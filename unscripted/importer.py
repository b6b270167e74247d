"""Bring an existing Sphinx + ABlog blog in: ``python -m unscripted.importer DIR`` (``make import FROM=DIR``).

DIR is the source folder of the old site (the folder with its ``conf.py``).
The command:

* reads the old ``conf.py`` with ``ast``, never running it (real ones import
  local modules and call the network): only the literal values it needs;
* finds the posts as ABlog would: documents matched by ``blog_post_pattern``
  with details, documents with ``blogpost`` in their details, documents with a
  ``post`` directive;
* copies each to ``posts/YYYY/<slug>.<md|rst>`` with the images and files it
  uses (next to it, renamed where two would share a name), turns links
  between imported posts into links between the new files, lists each post's
  old addresses (and ABlog's ``redirect`` pages) in its ``aliases``, writes
  what ABlog assumed (the default author, a draft's missing date, a time's
  offset) and ABlog's keys that have another name here;
* adds the authors (and places) the posts use to ``conf.py``;
* never overwrites a file;
* ends with a report: what was imported and where, what was changed, and
  what still needs a person, each with its file and line in the new site
  (the essay schema's own checks, embedded videos, links to pages of the old
  site that were not posts, roles and directives of extensions Unscripted
  does not load).

Imports only ``unscripted.core``, like ``make post``.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import glob
import json
import os
import posixpath
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from unscripted.core.dates import DateError, parse_date
from unscripted.core.frontmatter import (
    SLUG_RE,
    author_key,
    read_essay_source,
    read_header,
)
from unscripted.core.headers import (
    MD_FENCE_RE,
    RST_DIRECTIVE_RE,
    RST_FIELD_RE,
    Header,
    markdown_blocks,
    read_field_list,
    rest_literal_lines,
    split_lines,
)
from unscripted.core.model import is_reserved_label, slugify
from unscripted.core.problems import ProblemsFound

ROOT = Path(__file__).resolve().parents[1]
CONF_NAMES = set(
    "extensions source_suffix exclude_patterns include_patterns root_doc master_doc blog_post_pattern blog_path "  # noqa: SIM905
    "blog_authors blog_default_author blog_locations blog_languages blog_default_language post_date_format "
    "html_baseurl blog_baseurl html_link_suffix html_file_suffix ablog_builder myst_enable_extensions extlinks "
    "language".split()
)
SKIPPED_FOLDERS = {"_build", "node_modules", ".venv", "venv", "__pycache__"}
# ABlog's keys that have another name here, and ones that only ever meant something to ABlog.
KEYS_TO_ALIASES = ("redirect", "permalink")
KEYS_DROPPED = {"nocomments": "Unscripted has no comments"}
# MyST's own front-matter keys: never ABlog details (ABlog does not see them either).
MYST_KEYS = {"myst", "mystnb", "substitutions", "html_meta", "jupytext", "kernelspec"}

# Roles and directives Unscripted reads (docutils, Sphinx's own, MyST, ABlog's, Unscripted's).
ROLES = set(
    """emphasis strong literal code math sub sup subscript superscript abbreviation ab acronym ac title-reference
    title t pep pep-reference rfc rfc-reference doc ref numref download term abbr command dfn file guilabel kbd
    mailheader makevar manpage menuselection mimetype newsgroup program regexp samp eq keyword option envvar token
    any sub-ref sub-def""".split()  # noqa: SIM905
)
DIRECTIVES = set(
    """admonition attention caution danger error hint important note tip warning seealso image figure topic sidebar
    line-block parsed-literal code code-block sourcecode math rubric epigraph highlights pull-quote compound container
    table list-table csv-table replace unicode date class default-role role centered hlist only versionadded
    versionchanged deprecated versionremoved highlight glossary productionlist eval-rst post postlist update
    latest-essays""".split()  # noqa: SIM905
)
# Directives that read other files or pass raw markup: essays may not (the read boundary).
REFUSED_DIRECTIVES = {
    "raw": "raw HTML",
    "include": "text read from another file",
    "literalinclude": "code read from another file",
    "meta": "page-level <meta> tags",
    "title": "a page title apart from the heading",
}
EMBEDS = ("iframe", "video", "audio", "embed", "object")
ABLOG_LABEL_KINDS = ("tag", "category", "author", "location", "language", "archive")
ABLOG_BLOG_LABELS = {"blog-posts", "blog-feed", "blog-tags", "blog-categories", "blog-authors", "blog-archive"}

MD_ROLE_RE = re.compile(r"\{(?P<name>[\w:.+-]+)\}`(?P<content>[^`]*)`")
RST_ROLE_RE = re.compile(r"(?<![\w`]):(?P<name>[\w:.+-]+):`(?P<content>[^`]*)`")
MD_LINK_RE = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\(\s*(?P<target><[^>]*>|[^)\s]+)(?P<rest>(?:\s+\"[^\"]*\")?\s*)\)")
MD_IMAGE_RE = re.compile(r"!\[(?P<text>[^\]]*)\]\(\s*(?P<target><[^>]*>|[^)\s]+)(?P<rest>(?:\s+\"[^\"]*\")?\s*)\)")
HTML_TAG_RE = re.compile(r"<(" + "|".join(EMBEDS) + r")\b", re.I)
ROLE_TARGET_RE = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


# -- Reading the old site's configuration, without running it --------------------------------------


@dataclass
class OldConf:
    path: Path
    values: dict = field(default_factory=dict)
    skipped: list[tuple[str, int]] = field(default_factory=list)  # names set by code, and where

    def get(self, name: str, default=None):
        return self.values.get(name, default)


def find_conf(folder: Path) -> Path:
    candidates = [folder, folder / "docs", folder / "docs" / "source", folder / "source"]
    found = [c / "conf.py" for c in candidates if (c / "conf.py").is_file()]
    if not found:
        raise SystemExit(
            f"{folder} has no conf.py (nor docs/, docs/source/, source/): give the old site's source folder"
        )
    with_ablog = [path for path in found if "ablog" in path.read_text(encoding="utf-8", errors="replace")]
    return (with_ablog or found)[0]


def read_conf(path: Path) -> OldConf:
    """The literal values of a conf.py's module-level assignments (and their ``+=``,
    ``.append``, ``.extend``, ``.update`` and ``x[k] = ...``), read with ``ast``."""
    conf = OldConf(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))

    def value_of(node: ast.AST):
        """A literal, perhaps naming values read before (``(author, None)``); anything else is computed."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name) and node.id in conf.values:
            return conf.values[node.id]
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items = [value_of(item) for item in node.elts]
            return {ast.List: list, ast.Tuple: tuple, ast.Set: set}[type(node)](items)
        if isinstance(node, ast.Dict) and None not in node.keys:
            return {value_of(key): value_of(value) for key, value in zip(node.keys, node.values, strict=True)}
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return value_of(node.left) + value_of(node.right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value_of(node.operand)
        raise ValueError("computed")

    def set_value(name: str, node: ast.AST, line: int) -> None:
        try:
            conf.values[name] = value_of(node)
        except (ValueError, TypeError, SyntaxError, KeyError, RecursionError):
            conf.values.pop(name, None)
            conf.skipped.append((name, line))

    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    set_value(target.id, statement.value, statement.lineno)
                elif (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Name)
                    and isinstance(conf.values.get(target.value.id), dict)
                ):
                    try:
                        conf.values[target.value.id][value_of(target.slice)] = value_of(statement.value)
                    except (ValueError, TypeError, SyntaxError, KeyError):
                        conf.skipped.append((target.value.id, statement.lineno))
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value:
            set_value(statement.target.id, statement.value, statement.lineno)
        elif (
            isinstance(statement, ast.AugAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id in conf.values
        ):
            try:
                conf.values[statement.target.id] = conf.values[statement.target.id] + value_of(statement.value)
            except (ValueError, TypeError, SyntaxError, KeyError):
                conf.skipped.append((statement.target.id, statement.lineno))
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            method = call.func
            if (
                isinstance(method, ast.Attribute)
                and isinstance(method.value, ast.Name)
                and method.value.id in conf.values
                and method.attr in {"append", "extend", "update", "insert"}
            ):
                try:
                    getattr(conf.values[method.value.id], method.attr)(*(value_of(arg) for arg in call.args))
                except (ValueError, TypeError, SyntaxError, KeyError, AttributeError):
                    conf.skipped.append((method.value.id, statement.lineno))
        elif isinstance(statement, (ast.For, ast.While, ast.If, ast.Try, ast.With)):
            for node in ast.walk(statement):
                if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        name = getattr(target, "id", None) or getattr(getattr(target, "value", None), "id", None)
                        if name in CONF_NAMES:
                            conf.skipped.append((name, node.lineno))
    return conf


# -- Finding the documents and the posts, as Sphinx and ABlog would ------------------------------


def translate_pattern(pattern: str) -> re.Pattern:
    """Sphinx's glob-like patterns (``sphinx.util.matching``): ``**`` crosses folders, ``*`` does not."""
    out, index = "", 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "*":
            if index < len(pattern) and pattern[index] == "*":
                index += 1
                out += ".*"
            else:
                out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            end = pattern.find("]", index)
            if end < 0:
                out += re.escape(char)
            else:
                body = pattern[index:end]
                out += "[" + ("^/" + body[1:] if body.startswith("!") else body) + "]"
                index = end + 1
        else:
            out += re.escape(char)
    return re.compile(out + r"\Z")


def source_suffixes(conf: OldConf) -> dict[str, str]:
    """Suffix -> parser, as Sphinx 9 resolves ``source_suffix`` with the extensions loaded."""
    value = conf.get("source_suffix", {".rst": "restructuredtext"})
    if isinstance(value, str):
        value = [value]
    suffixes = dict.fromkeys(value, "restructuredtext") if isinstance(value, list) else dict(value)
    extensions = conf.get("extensions", []) or []
    if {"myst_parser", "myst_nb"} & set(extensions):
        suffixes.setdefault(".md", "markdown")
    if {"myst_nb", "nbsphinx"} & set(extensions):
        suffixes.setdefault(".ipynb", "notebook")
    for suffix, kind in list(suffixes.items()):
        if kind in {"md", "myst"}:
            suffixes[suffix] = "markdown"
    return suffixes


def documents(srcdir: Path, conf: OldConf) -> dict[str, Path]:
    """docname -> file, for every document Sphinx would read."""
    suffixes = source_suffixes(conf)
    excluded = [translate_pattern(p) for p in conf.get("exclude_patterns", []) or []]
    included = [translate_pattern(p) for p in conf.get("include_patterns", ["**"]) or ["**"]]
    found: dict[str, Path] = {}
    for directory, folders, files in os.walk(srcdir):
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f not in SKIPPED_FOLDERS)
        for name in sorted(files):
            path = Path(directory, name)
            rel = path.relative_to(srcdir).as_posix()
            suffix = next((s for s in sorted(suffixes, key=len, reverse=True) if name.endswith(s)), None)
            if suffix is None or name.startswith("."):
                continue
            if any(p.match(rel) for p in excluded) or not any(p.match(rel) for p in included):
                continue
            found.setdefault(rel[: -len(suffix)], path)
    return found


def pattern_matches(srcdir: Path, conf: OldConf) -> set[str]:
    """Docnames matched by ``blog_post_pattern``, expanded like ABlog does (``glob``, recursive)."""
    patterns = conf.get("blog_post_pattern", []) or []
    if isinstance(patterns, str):
        patterns = [patterns]
    matched = set()
    for pattern in patterns:
        for name in glob.glob(pattern, root_dir=srcdir, recursive=True):
            matched.add(str(PurePosixPath(Path(name).as_posix()).with_suffix("")))
    return matched


@dataclass
class OldPost:
    docname: str
    rel: str  # the file, relative to the old source folder
    path: Path
    suffix: str  # ".md" or ".rst"
    text: str
    header: Header
    field_list_in_markdown: bool = False  # MyST's fieldlist header, which becomes front matter
    # decided while planning:
    year: int = 0
    slug: str = ""
    target: str = ""  # posts/YYYY/<slug>.<ext>, relative to the new site
    aliases: list[str] = field(default_factory=list)

    @property
    def new_docname(self) -> str:
        return self.target.rsplit(".", 1)[0]

    @property
    def old_label(self) -> str:
        """ABlog's automatic label: the file name, or the folder's for an ``index``."""
        parts = self.docname.split("/")
        return parts[-2] if parts[-1] == "index" and len(parts) > 1 else parts[-1]


@dataclass
class Report:
    imported: list[tuple[str, str, list[str]]] = field(default_factory=list)  # old file, new file, old URLs
    changed: list[str] = field(default_factory=list)
    person: list[tuple[str, int | None, str]] = field(default_factory=list)  # new file, line, what
    not_imported: list[str] = field(default_factory=list)
    configuration: list[str] = field(default_factory=list)

    def needs(self, path: str, line: int | None, message: str) -> None:
        entry = (path, line, message)
        if entry not in self.person:
            self.person.append(entry)

    def text(self, source: Path) -> str:
        out = [f"Imported {len(self.imported)} post(s) from {source}:"]
        out += [f"  {old} -> {new}  (old addresses: {', '.join(urls)})" for old, new, urls in self.imported]
        if self.configuration:
            out += ["", "Added to conf.py:"] + [f"  {line}" for line in self.configuration]
        if self.changed:
            out += ["", "Changed while importing:"] + [f"  {line}" for line in self.changed]
        if self.not_imported:
            out += ["", "Not imported:"] + [f"  {line}" for line in self.not_imported]
        if self.person:
            out += ["", f"Needs a person ({len(self.person)}; `make html` stops at each until it is fixed):"]
            out += [
                f"  {path}:{line}: {message}" if line else f"  {path}: {message}" for path, line, message in self.person
            ]
        else:
            out += ["", "Nothing needs a person: `make html` builds the site as imported."]
        return "\n".join(out) + "\n"


def _quiet(message: str, line: int | None) -> None:
    pass


def find_posts(srcdir: Path, conf: OldConf, report: Report) -> list[OldPost]:
    docs = documents(srcdir, conf)
    matched = pattern_matches(srcdir, conf)
    suffixes = source_suffixes(conf)
    myst_fieldlist = "fieldlist" in (conf.get("myst_enable_extensions", []) or [])
    posts = []
    for docname, path in sorted(docs.items()):
        rel = path.relative_to(srcdir).as_posix()
        kind = suffixes.get(path.suffix)
        if kind == "notebook":
            if docname in matched or '"blogpost"' in path.read_text(encoding="utf-8", errors="replace"):
                report.not_imported.append(f"{rel}: a notebook; save it as Markdown (.md) and import again")
            continue
        text = path.read_text(encoding="utf-8", errors="replace").removeprefix("\ufeff")
        suffix = ".rst" if kind == "restructuredtext" else ".md"
        header = read_header(text, suffix, _quiet)
        fieldlist_header = False
        if suffix == ".md" and not header.fields and header.post_line is None and myst_fieldlist:
            lines = split_lines(text)
            start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
            fields, _ = read_field_list(lines, start) if start < len(lines) else ({}, start)
            if fields:
                header.fields, header.origin, fieldlist_header = fields, "field list", True
        details = {key for key in header.fields if key not in MYST_KEYS}
        is_post = header.post_line is not None or (details and ("blogpost" in details or docname in matched))
        if not is_post:
            if docname in matched:
                report.not_imported.append(
                    f"{rel}: matched by blog_post_pattern, but has no details (no front matter, field list or post "
                    "directive), so it was not a post in the old site"
                )
            continue
        posts.append(OldPost(docname, rel, path, suffix, text, header, fieldlist_header))
    return posts


# -- Planning: where each post goes, under which name, with which old addresses ----------------------


def old_addresses(post: OldPost, conf: OldConf) -> tuple[list[str], list[str]]:
    """(aliases to list, the old URLs they cover): the html builder's ``x.html``, the
    dirhtml builder's ``x/`` (ABlog's default); an ``index`` page is its folder."""
    suffix = conf.get("html_link_suffix") or conf.get("html_file_suffix") or ".html"
    docname = post.docname
    if docname.endswith("/index") or docname == "index":
        folder = docname.removesuffix("index")
        return [folder or "index.html"], [f"{docname}{suffix}", folder or "/"]
    if suffix != ".html":
        return [f"{docname}{suffix}", f"{docname}/"], [f"{docname}{suffix}", f"{docname}/"]
    return [docname], [f"{docname}.html", f"{docname}/"]


def post_date(post: OldPost, conf: OldConf) -> tuple[dt.date | None, str | None]:
    """The post's day as ABlog read it, where that is certain, and the date text as written."""
    item = post.header.fields.get("date")
    if item is None or item.value in (None, ""):
        return None, None
    text = str(item.value).strip()
    try:
        return parse_date(text).day, text
    except DateError:
        pass
    date_format = conf.get("post_date_format")
    if isinstance(date_format, str):
        try:
            return dt.datetime.strptime(text, date_format).date(), text
        except ValueError:
            pass
    match = re.search(r"(\d{4})", text)  # refused later, with the reason; the year decides the folder
    return (dt.date(int(match.group(1)), 1, 1) if match else None), text


def existing_aliases(root: Path) -> dict[str, str]:
    """Old address -> the essay of this site that lists it (an essay imported before)."""
    found = {}
    for path in sorted((root / "posts").glob("*/*")):
        if path.suffix not in {".md", ".rst"}:
            continue
        item = read_header(path.read_text(encoding="utf-8", errors="replace"), path.suffix, _quiet).fields.get(
            "aliases"
        )
        values = (
            item.value
            if item is not None and isinstance(item.value, list)
            else str(getattr(item, "value", "") or "").split(",")
        )
        for value in values:
            if str(value).strip():
                found.setdefault(str(value).strip().lstrip("/"), path.relative_to(root).as_posix())
    return found


def plan(posts: list[OldPost], conf: OldConf, root: Path, today: dt.date, report: Report) -> list[OldPost]:
    """Decide each post's new file and old addresses; leave out posts imported before."""
    taken = {p.stem for p in (root / "posts").glob("*/*") if p.suffix in {".md", ".rst"}}
    before = existing_aliases(root)
    planned = []
    for post in sorted(posts, key=lambda p: (post_date(p, conf)[0] or today, p.docname)):
        aliases, urls = old_addresses(post, conf)
        if aliases[0] in before:
            report.not_imported.append(f"{post.rel}: already imported as {before[aliases[0]]}; nothing was overwritten")
            continue
        planned.append(post)
        day = post_date(post, conf)[0] or today
        post.year = day.year
        base = post.old_label
        slug = base if SLUG_RE.fullmatch(base) else slugify_name(base)
        reasons = [] if slug == base else [f"{base!r} is not a URL slug"]
        if is_reserved_label(slug):
            slug, reasons = f"{slug}-essay", [*reasons, f"{base!r} is a name the site's own pages use"]
        if slug in taken:
            candidate = f"{slug}-{post.year}"
            number = 2
            while candidate in taken:
                candidate, number = f"{slug}-{post.year}-{number}", number + 1
            reasons.append(f"another essay already has the slug {slug!r}")
            slug = candidate
        taken.add(slug)
        post.slug = slug
        post.target = f"posts/{post.year}/{slug}{post.suffix}"
        # An old address that is the new page itself (a blog already laid out as posts/YYYY/) needs no page,
        # only its dirhtml form does.
        post.aliases = [f"{alias}/" if alias == post.new_docname else alias for alias in aliases]
        report.imported.append((post.rel, post.target, urls))
        if reasons:
            report.changed.append(f"{post.target}: renamed ({'; '.join(reasons)}); its old addresses are aliases")
    return planned


def slugify_name(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower())) or "essay"


# -- Rewriting a post: its details -----------------------------------------------------------------


@dataclass
class Edits:
    """What changes in a post's details: keys to set (text values) and keys to remove."""

    values: dict[str, object] = field(default_factory=dict)
    remove: set[str] = field(default_factory=set)
    date_argument: str | None = None  # a post directive's new date
    notes: list[str] = field(default_factory=list)


def plan_details(post: OldPost, conf: OldConf, timezone: ZoneInfo, today: dt.date) -> Edits:
    edits = Edits()
    fields = post.header.fields
    aliases = list(post.aliases)
    for key in KEYS_TO_ALIASES:
        if key in fields:
            values = fields[key].value
            items = values if isinstance(values, list) else str(values or "").split(",")
            aliases += [str(item).strip().strip("/") for item in items if str(item).strip()]
            edits.remove.add(key)
            edits.notes.append(f"`{key}` became aliases")
    if "aliases" in fields:
        existing = fields["aliases"].value
        aliases = [*(existing if isinstance(existing, list) else str(existing).split(",")), *aliases]
    edits.values["aliases"] = list(dict.fromkeys(str(a).strip() for a in aliases if str(a).strip()))
    for key, why in KEYS_DROPPED.items():
        if key in fields:
            edits.remove.add(key)
            edits.notes.append(f"`{key}` removed ({why})")
    if "title" in fields and post.header.title:
        edits.remove.add("title")
        edits.notes.append("`title` removed (the heading is the title)")
    if "author" not in fields and conf.get("blog_default_author"):
        default = conf.get("blog_default_author")
        edits.values["author"] = default if isinstance(default, str) else ", ".join(default)
        edits.notes.append("the old site's default author written out")
    day, text = post_date(post, conf)
    if text is None:
        edits.values["date"] = today.isoformat()
        edits.values["draft"] = True
        edits.notes.append("undated (a draft in the old site): dated today and kept a draft")
    else:
        try:
            written = parse_date(text)
        except DateError:
            written = None
        if written is not None and written.time is not None and written.offset is None:
            moment = dt.datetime.combine(written.day, written.time, tzinfo=timezone)
            edits.values["date"] = moment.isoformat()
            edits.notes.append(f"date {text!r} given its UTC offset in {timezone}")
        elif written is None and day is not None and isinstance(conf.get("post_date_format"), str):
            try:
                dt.datetime.strptime(text, conf.get("post_date_format"))
                edits.values["date"] = day.isoformat()
                edits.notes.append(f"date {text!r} read with the old site's post_date_format")
            except ValueError:
                pass
    if post.header.post_line is not None and "date" in edits.values:
        edits.date_argument = str(edits.values.pop("date"))
    return edits


def yaml_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"
    text = str(value)
    if re.fullmatch(r"[\w][\w .,'()-]*", text) and not re.fullmatch(r"(?i)true|false|yes|no|null|on|off|~", text):
        return text
    return json.dumps(text, ensure_ascii=False)


def text_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _entries(lines: list[str], style: str) -> list[tuple[str | None, list[str]]]:
    """A block of details split into (key, its lines); lines before the first key have None."""
    entries: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in lines:
        key = None
        if style == "yaml":
            match = re.match(r"^([^\s#\-][^:]*?):(?:\s|$)", line)
            key = match.group(1).strip("'\"") if match else None
        else:
            match = RST_FIELD_RE.match(line.strip()) if line.strip() else None
            is_field = match and (_indent(line) == _indent(entries[-1][1][0]) if entries[-1][0] else True)
            key = match.group("key") if is_field else None
        if key is not None:
            entries.append((key, [line]))
        else:
            entries[-1][1].append(line)
    return entries


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def rewrite_block(lines: list[str], style: str, edits: Edits, indent: str = "") -> list[str]:
    """The block of details with *edits* applied: removed keys gone, set keys replaced in
    place or added at the end."""
    entries = _entries(lines, style)
    out: list[str] = []
    done = set()
    for key, entry_lines in entries:
        if key in edits.remove:
            continue
        if key is not None and key in edits.values:
            out.append(_format(style, key, edits.values[key], indent))
            done.add(key)
            continue
        out.extend(entry_lines)
    trailing = []
    while out and not out[-1].strip():
        trailing.insert(0, out.pop())
    for key, value in edits.values.items():
        if key not in done and not (key == "aliases" and not value):
            out.append(_format(style, key, value, indent))
    return out + trailing


def _format(style: str, key: str, value: object, indent: str) -> str:
    if style == "yaml":
        return f"{key}: {yaml_scalar(value)}"
    return f"{indent}:{key}: {text_value(value)}".rstrip()


def rewrite_details(post: OldPost, edits: Edits) -> list[str]:
    """The post's lines with its details rewritten, in the syntax they were written in."""
    lines = split_lines(post.text)
    header = post.header
    if post.field_list_in_markdown:  # MyST's fieldlist header: front matter here
        start = next(i for i, line in enumerate(lines) if line.strip())
        _, end = read_field_list(lines, start)
        values = {key: item.value for key, item in header.fields.items() if key not in edits.remove}
        values = {**values, **{k: v for k, v in edits.values.items() if not (k == "aliases" and not v)}}
        block = [f"{key}: {yaml_scalar(value)}" for key, value in values.items()]
        return ["---", *block, "---", *lines[end:]]
    if header.post_line is not None:
        index = header.post_line - 1
        if edits.date_argument is not None:
            lines[index] = re.sub(r"(\{post\}|post::)\s*.*$", rf"\1 {edits.date_argument}", lines[index])
        if post.suffix == ".md":
            fence = MD_FENCE_RE.match(lines[index])
            end = next(b[1] for b in markdown_blocks(lines) if b[0] == index)
            inner = lines[index + 1 : end]
            if inner and inner[0].strip() == "---":
                closing = next((i for i in range(1, len(inner)) if inner[i].strip() == "---"), len(inner))
                block = rewrite_block(inner[1:closing], "yaml", edits)
                inner = ["---", *block, *inner[closing:]]
            else:
                count = 0
                while count < len(inner) and RST_FIELD_RE.match(inner[count]):
                    count += 1
                inner = [*rewrite_block(inner[:count], "fields", edits), *inner[count:]]
            del fence
            return [*lines[: index + 1], *inner, *lines[end:]]
        count = index + 1
        while count < len(lines) and lines[count].strip() and RST_FIELD_RE.match(lines[count].strip()):
            count += 1
        indent = " " * (_indent(lines[index + 1]) if count > index + 1 else 3)
        block = rewrite_block(lines[index + 1 : count], "fields", edits, indent)
        return [*lines[: index + 1], *block, *lines[count:]]
    if post.suffix == ".md":  # YAML front matter
        closing = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), len(lines))
        block = rewrite_block(lines[1:closing], "yaml", edits)
        body = lines[closing + 1 :]
        if header.title is None and "title" in header.fields:
            title = str(header.fields["title"].value)
            block = [line for line in block if not line.startswith("title:")]
            body = ["", f"# {title}", *body]
        return ["---", *block, "---", *body]
    start = min(item.line for item in header.fields.values()) - 1
    end = start
    while end < len(lines) and (RST_FIELD_RE.match(lines[end]) or (end > start and lines[end].startswith(" "))):
        end += 1
    return [*lines[:start], *rewrite_block(lines[start:end], "fields", edits), *lines[end:]]


# -- Rewriting a post: its links and files ---------------------------------------------------------


@dataclass
class Site:
    """What the import knows of both sites while rewriting."""

    srcdir: Path
    root: Path
    conf: OldConf
    docs: dict[str, Path]
    posts: dict[str, OldPost]  # old docname -> post
    by_label: dict[str, OldPost]
    copies: dict[tuple[str, str], str] = field(default_factory=dict)  # (old file, new folder) -> new name
    names: dict[str, str] = field(default_factory=dict)  # published image name -> old file
    files: list[tuple[Path, Path]] = field(default_factory=list)  # (old, new) to copy


def is_local(target: str) -> bool:
    return bool(target) and not re.match(r"[a-z][a-z0-9+.-]*:|//|#", target, re.I)


def old_path(post: OldPost, target: str, site: Site) -> str:
    """A file named in *post*, relative to the old source folder."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(post.docname), target))


def copy_file(post: OldPost, target: str, site: Site, image: bool) -> str | None:
    """Copy a file *post* uses next to its new file; return the name to write, None if absent."""
    clean = target.split("#", 1)[0].split("?", 1)[0]
    rel = old_path(post, clean, site)
    source = site.srcdir / rel
    if not source.is_file() or rel.startswith("../"):
        return None
    folder = posixpath.dirname(post.target)
    key = (rel, folder)
    if key in site.copies:
        return site.copies[key]
    name = posixpath.basename(rel)
    stem = name.rsplit(".", 1)[0]
    if not SLUG_RE.fullmatch(stem) and image:
        name = slugify_name(stem) + PurePosixPath(name).suffix.lower()
    published = site.names if image else {}
    if (name in published and published[name] != rel) or (site.root / folder / name).exists():
        name = f"{post.slug}-{name}"
    number = 2
    while (name in published and published[name] != rel) or (site.root / folder / name).exists():
        name, number = f"{post.slug}-{number}-{posixpath.basename(rel)}", number + 1
    if image:
        site.names[name] = rel
    site.copies[key] = name
    site.files.append((source, site.root / folder / name))
    return name


def resolve_doc(post: OldPost, target: str, site: Site) -> str | None:
    """The old docname a document link names, if it is one."""
    clean = target.split("#", 1)[0]
    for suffix in ("", *source_suffixes(site.conf)):
        if suffix and not clean.endswith(suffix):
            continue
        name = old_path(post, clean[: -len(suffix)] if suffix else clean, site)
        if name in site.docs:
            return name
    return None


def new_link(post: OldPost, other: OldPost, with_suffix: bool, anchor: str = "") -> str:
    target = other.target if with_suffix else other.new_docname
    relative = posixpath.relpath(target, posixpath.dirname(post.target))
    return relative + (f"#{anchor}" if anchor else "")


def prose_lines(lines: list[str], suffix: str) -> list[int]:
    """Indexes of the lines that are text, not code."""
    if suffix == ".rst":
        literal = rest_literal_lines(lines)
        return [i for i in range(len(lines)) if i not in literal]
    code = set()
    for start, end, name, _ in markdown_blocks(lines):
        if name is None or name in {"code", "code-block", "sourcecode", "literalinclude", "eval-rst", "raw", "math"}:
            code.update(range(start + 1, end))
    return [i for i in range(len(lines)) if i not in code]


def rewrite_body(post: OldPost, lines: list[str], site: Site) -> list[str]:
    """Links to imported posts become links to their new files; images and files are copied
    next to the essay, links to them renamed."""
    markdown = post.suffix == ".md"

    def file_target(target: str, image: bool) -> str:
        bare = target.strip("<>")
        if not is_local(bare) or resolve_doc(post, bare, site):
            return target
        name = copy_file(post, bare, site, image)
        return name if name else target

    def link(match: re.Match) -> str:
        target = match["target"].strip("<>")
        if not is_local(target):
            return match[0]
        doc = resolve_doc(post, target, site)
        if doc in site.posts:
            anchor = target.split("#", 1)[1] if "#" in target else ""
            replacement = new_link(post, site.posts[doc], True, anchor)
        elif doc is None and "." in PurePosixPath(target.split("#")[0]).name:
            replacement = file_target(target, image=False)
        else:
            return match[0]
        return f"[{match['text']}]({replacement}{match['rest']})"

    def image(match: re.Match) -> str:
        return f"![{match['text']}]({file_target(match['target'], True)}{match['rest']})"

    def role(match: re.Match, name: str, content: str) -> str | None:
        titled = ROLE_TARGET_RE.match(content)
        text, target = (titled["text"], titled["target"]) if titled else (None, content)
        if name == "doc":
            doc = resolve_doc(post, target, site)
            if doc in site.posts:
                target = new_link(post, site.posts[doc], False)
        elif name == "ref" and target in site.by_label:
            target = site.by_label[target].slug
        elif name == "download" and is_local(target):
            target = file_target(target, image=False)
        else:
            return None
        return f"{text} <{target}>" if text is not None else target

    prose = set(prose_lines(lines, post.suffix))
    blocks = {b[0]: b for b in markdown_blocks(lines)} if markdown else {}
    for index, line in enumerate(lines):
        if index not in prose:
            continue
        if markdown:
            if index in blocks and blocks[index][2] in {"image", "figure"} and blocks[index][3]:
                argument = blocks[index][3]
                lines[index] = line.replace(argument, file_target(argument, True), 1)
                continue
            line = MD_IMAGE_RE.sub(image, line)
            line = MD_LINK_RE.sub(link, line)

            def md_role(match: re.Match) -> str:
                content = role(match, match["name"], match["content"])
                return match[0] if content is None else f"{{{match['name']}}}`{content}`"

            lines[index] = MD_ROLE_RE.sub(md_role, line)
        else:
            directive = RST_DIRECTIVE_RE.match(line)
            if directive and directive["name"] in {"image", "figure"} and directive["argument"]:
                argument = directive["argument"]
                lines[index] = line.replace(argument, file_target(argument, True), 1)
                continue

            def rst_role(match: re.Match) -> str:
                content = role(match, match["name"], match["content"])
                return match[0] if content is None else f":{match['name']}:`{content}`"

            lines[index] = RST_ROLE_RE.sub(rst_role, line)
    return lines


# -- What still needs a person -----------------------------------------------------------------------


def check_text(
    post: OldPost, lines: list[str], site: Site, new_docs: set[str], labels: set[str], report: Report
) -> None:
    """Everything in the imported text that the build will refuse, with its line in the new file."""
    markdown = post.suffix == ".md"
    path = post.target

    def doc_problem(target: str, number: int, how: str) -> None:
        doc = resolve_doc_new(post, target, new_docs, markdown)
        if doc is None:
            old = resolve_doc(post, target, site)
            if old is not None and old not in site.posts:
                report.needs(
                    path,
                    number,
                    f"{how} to {old}, a page of the old site that was not a post; link to "
                    "an essay, a page of this site, or the old page's full address",
                )
            elif old is None:
                report.needs(path, number, f"{how} to {target!r}, which is not an essay here")

    def label_problem(target: str, number: int, how: str) -> None:
        if target in labels or _ablog_label(target, site):
            return
        if target == "blog-drafts":
            report.needs(path, number, f"{how} to ABlog's drafts page, which this site does not publish; remove it")
        else:
            report.needs(
                path,
                number,
                f"{how} to the label {target!r}, which no imported post defines (a page of "
                "the old site that was not a post?); link to an essay or the old page's full address",
            )

    def role_problem(name: str, content: str, number: int) -> None:
        bare = name.split(":")[-1] if name.startswith(("std:",)) else name
        written = f"{{{name}}}" if markdown else f":{name}:"
        titled = ROLE_TARGET_RE.match(content)
        target = titled["target"] if titled else content
        if bare == "doc":
            doc_problem(target, number, "a link")
        elif bare in {"ref", "numref"}:
            label_problem(target, number, "a link")
        elif bare in (site.conf.get("extlinks") or {}):
            report.needs(
                path,
                number,
                f"the role {written} comes from sphinx.ext.extlinks, which Unscripted does not load; write the link "
                f"itself: {_plain_link(markdown, _extlink_text(site, bare, content), _extlink(site, bare, content))}",
            )
        elif bare not in ROLES:
            report.needs(
                path,
                number,
                f"the role {written} comes from an extension Unscripted does not load (API "
                "references, custom roles); write the text or a plain link instead",
            )

    def directive_problem(name: str, number: int) -> None:
        written = f"{{{name}}}" if markdown else f"{name}"
        if name in REFUSED_DIRECTIVES:
            report.needs(
                path,
                number,
                f"the {name} directive ({REFUSED_DIRECTIVES[name]}) is not allowed in an "
                "essay; paste the text itself, or link to it",
            )
        elif name not in DIRECTIVES:
            report.needs(
                path,
                number,
                f"the directive {written} comes from an extension Unscripted does not "
                "load; write its content in plain Markdown or reStructuredText",
            )

    prose = set(prose_lines(lines, post.suffix))
    if markdown:
        for start, _end, name, argument in markdown_blocks(lines):
            if name is not None:
                directive_problem(name, start + 1)
                if name in {"image", "figure"} and argument and not is_local(argument):
                    report.needs(
                        path,
                        start + 1,
                        f"the image {argument} is on another site; save it next to the essay and show that file",
                    )
    raw = raw_lines(lines, markdown)
    for index, line in enumerate(lines):
        number = index + 1
        if index not in prose and index not in raw:
            continue
        for match in HTML_TAG_RE.finditer(line):
            report.needs(
                path,
                number,
                f"an embedded {match.group(1).lower()} (<{match.group(1)}>) from another "
                "site; replace it with a link to it, e.g. [Watch it on its site](https://…)",
            )
        if markdown:
            for match in MD_ROLE_RE.finditer(line):
                role_problem(match["name"], match["content"], number)
            for match in MD_IMAGE_RE.finditer(line):
                if not is_local(match["target"].strip("<>")):
                    report.needs(
                        path,
                        number,
                        f"the image {match['target']} is on another site; save it next to the essay and show that file",
                    )
            for match in MD_LINK_RE.finditer(line):
                target = match["target"].strip("<>")
                scheme = re.match(r"([a-z][a-z0-9+.-]*):", target, re.I)
                if scheme and scheme.group(1).lower() not in {"http", "https", "mailto", "ftp"}:
                    report.needs(
                        path,
                        number,
                        f"a link to {target}, whose scheme {scheme.group(1)}: the old site "
                        "defined itself (myst_url_schemes); write the full https:// address",
                    )
                if not is_local(target):
                    continue
                name = PurePosixPath(target.split("#")[0]).name
                if name.endswith(".html"):
                    report.needs(
                        path,
                        number,
                        f"a link to {target}, a page of the old site; link to an essay, "
                        "a page of this site or the old page's full address",
                    )
                elif name.endswith((".md", ".rst")) or (name and "." not in name):
                    if name.endswith((".md", ".rst")) or resolve_doc(post, target, site):
                        doc_problem(target, number, "a link")
                    else:
                        label_problem(target.split("#")[0], number, "a link")
            if "{{" in line and "substitution" in (site.conf.get("myst_enable_extensions") or []):
                report.needs(path, number, "a MyST substitution ({{ … }}); write the text itself")
        else:
            directive = RST_DIRECTIVE_RE.match(line)
            if directive:
                directive_problem(directive["name"], number)
                argument = directive["argument"] or ""
                if directive["name"] in {"image", "figure"} and argument and not is_local(argument):
                    report.needs(
                        path,
                        number,
                        f"the image {argument} is on another site; save it next to the essay and show that file",
                    )
            for match in RST_ROLE_RE.finditer(line):
                role_problem(match["name"], match["content"], number)


def _extlink(site: Site, role: str, content: str) -> str:
    pattern = site.conf.get("extlinks")[role][0]
    return pattern % content if "%s" in pattern else pattern + content


def _extlink_text(site: Site, role: str, content: str) -> str:
    caption = site.conf.get("extlinks")[role][1] if len(site.conf.get("extlinks")[role]) > 1 else None
    return caption % content if caption and "%s" in caption else content


def _plain_link(markdown: bool, text: str, url: str) -> str:
    return f"[{text}]({url})" if markdown else f"`{text} <{url}>`__"


def raw_lines(lines: list[str], markdown: bool) -> set[int]:
    """Indexes of the lines inside raw HTML blocks (shown to check them for embeds)."""
    found = set()
    if markdown:
        for start, end, name, _ in markdown_blocks(lines):
            if name == "raw":
                found.update(range(start + 1, end))
        return found
    for index, line in enumerate(lines):
        directive = RST_DIRECTIVE_RE.match(line)
        if directive and directive["name"] == "raw":
            end = index + 1
            while end < len(lines) and (not lines[end].strip() or lines[end].startswith((" ", "\t"))):
                found.add(end)
                end += 1
    return found


def resolve_doc_new(post: OldPost, target: str, new_docs: set[str], markdown: bool) -> str | None:
    clean = target.split("#", 1)[0]
    base = posixpath.dirname(post.new_docname)
    for candidate in (clean, clean.rsplit(".", 1)[0] if clean.endswith((".md", ".rst")) else None):
        if candidate is None:
            continue
        name = (
            candidate.lstrip("/") if candidate.startswith("/") else posixpath.normpath(posixpath.join(base, candidate))
        )
        if name in new_docs:
            return name
    return None


def _ablog_label(target: str, site: Site) -> bool:
    """ABlog's own labels, which this site keeps: ``blog-posts``…, and ``tag-<slug>``… of a
    collection some essay belongs to (checked by the build)."""
    if target in ABLOG_BLOG_LABELS:
        return True
    kind, _, rest = target.partition("-")
    return kind in ABLOG_LABEL_KINDS and bool(rest) and rest in site_collections(site).get(kind, set())


def site_collections(site: Site) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"tag": set(), "category": set()}
    for post in site.posts.values():
        for kind, key in (("tag", "tags"), ("category", "category")):
            item = post.header.fields.get(key)
            if item is None or item.value is None:
                continue
            values = item.value if isinstance(item.value, list) else str(item.value).strip("[]").split(",")
            found[kind].update(slugify(str(v).strip().strip("\"'")) for v in values if str(v).strip())
    return found


def explicit_labels(lines: list[str], suffix: str) -> set[str]:
    if suffix == ".rst":
        return {m.group(1) for line in lines if (m := re.match(r"^\s*\.\.\s+_([^:]+):", line))}
    return {m.group(1) for line in lines if (m := re.match(r"^\(([^()\s]+)\)=\s*$", line))}


# -- The new site's conf.py: authors and places ---------------------------------------------------------


def new_conf_values(path: Path) -> dict:
    return read_conf(path).values


def add_to_dict(path: Path, name: str, entries: dict[str, tuple[str, str | None]], report: Report) -> None:
    """Add *entries* to the dict literal assigned to *name* in conf.py (or assign one)."""
    if not entries:
        return
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    node = next(
        (
            s
            for s in tree.body
            if isinstance(s, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in s.targets)
            and isinstance(s.value, ast.Dict)
        ),
        None,
    )
    new_lines = [
        f"    {json.dumps(key, ensure_ascii=False)}: ({json.dumps(display, ensure_ascii=False)}, "
        f"{json.dumps(link) if link else 'None'}),"
        for key, (display, link) in entries.items()
    ]
    lines = text.splitlines(keepends=True)
    if node is None:
        addition = f"\n# Added by `make import`.\n{name} = {{\n" + "\n".join(new_lines) + "\n}\n"
        path.write_text(text.rstrip("\n") + "\n" + addition, encoding="utf-8")
    else:
        value = node.value
        kept = [
            f"    {ast.get_source_segment(text, k)}: {ast.get_source_segment(text, v)},"
            for k, v in zip(value.keys, value.values, strict=True)
        ]
        before = (
            "".join(lines[: value.lineno - 1]) + lines[value.lineno - 1][: _char(lines, value.lineno, value.col_offset)]
        )
        after = lines[value.end_lineno - 1][_char(lines, value.end_lineno, value.end_col_offset) :] + "".join(
            lines[value.end_lineno :]
        )
        path.write_text(before + "{\n" + "\n".join([*kept, *new_lines]) + "\n}" + after, encoding="utf-8")
    report.configuration += [f"{name}: {json.dumps(k, ensure_ascii=False)} ({v[0]})" for k, v in entries.items()]


def _char(lines: list[str], lineno: int, byte_offset: int) -> int:
    """ast's column offsets count UTF-8 bytes."""
    return len(lines[lineno - 1].encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))


def authors_to_add(
    posts: list[OldPost], conf: OldConf, known: dict, report: Report
) -> dict[str, tuple[str, str | None]]:
    """The blog_authors entries the imported posts need: the old site's, or new keys for names it never listed."""
    old = {
        key: (value[0], value[1] if len(value) > 1 else None) for key, value in (conf.get("blog_authors") or {}).items()
    }
    known_names = {value[0] for value in known.values()}
    wanted: dict[str, tuple[str, str | None]] = {}
    names: set[str] = set()
    default = conf.get("blog_default_author")
    if default:
        names.update([default] if isinstance(default, str) else default)
    for post in posts:
        item = post.header.fields.get("author")
        if item is None or item.value is None or re.search(r"[();]", str(item.value)):
            continue
        values = item.value if isinstance(item.value, list) else str(item.value).strip("[]").split(",")
        names.update(str(v).strip().strip("\"'") for v in values if str(v).strip())
    by_display = {display: key for key, (display, _) in old.items()}
    for name in sorted(names):
        key = name if name in old else by_display.get(name)
        if key is not None:
            display, link = old[key]
            if key in known and known[key][0] != display:
                report.changed.append(
                    f"conf.py: the author key {key!r} is already {known[key][0]!r} here; "
                    f"{display!r}'s essays are signed by them until you choose another key"
                )
                continue
            if key not in known and display not in known_names:
                wanted[key] = (display, link)
        elif name not in known and name not in known_names:
            key = author_key(name)
            wanted[key] = (name, None)
            report.changed.append(
                f"conf.py: {name!r} was not in the old site's blog_authors; added as {key!r}: check the spelling"
            )
    return wanted


def locations_to_add(posts: list[OldPost], conf: OldConf, known: dict) -> dict[str, tuple[str, str | None]]:
    old = conf.get("blog_locations") or {}
    wanted = {}
    for post in posts:
        item = post.header.fields.get("location")
        if item is None or item.value is None:
            continue
        values = item.value if isinstance(item.value, list) else str(item.value).split(",")
        for value in values:
            key = str(value).strip()
            if key in old and key not in known:
                wanted[key] = (old[key][0], old[key][1] if len(old[key]) > 1 else None)
    return wanted


# -- The command ---------------------------------------------------------------------------------------


def import_site(source: Path, root: Path = ROOT, today: dt.date | None = None) -> Report:
    conf_path = find_conf(source.resolve())
    srcdir = conf_path.parent
    conf = read_conf(conf_path)
    report = Report()
    today = today or dt.date.today()
    new_conf_path = root / "conf.py"
    new_conf = new_conf_values(new_conf_path)
    try:
        timezone = ZoneInfo(new_conf.get("unscripted_timezone", "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        timezone = ZoneInfo("UTC")
    for name, line in conf.skipped:
        if name in CONF_NAMES:
            report.changed.append(
                f"{conf_path.name}:{line}: {name} is computed, not written out; its literal value (if any) was used"
            )

    posts = plan(find_posts(srcdir, conf, report), conf, root, today, report)
    docs = documents(srcdir, conf)
    by_label: dict[str, OldPost] = {}
    for post in posts:
        by_label.setdefault(post.old_label, post)
    site = Site(srcdir, root, conf, docs, {p.docname: p for p in posts}, by_label)
    existing = {p.relative_to(root).as_posix().rsplit(".", 1)[0] for p in (root / "posts").glob("*/*.*")}
    new_docs = existing | {post.new_docname for post in posts}

    written: list[tuple[OldPost, list[str]]] = []
    for post in posts:
        target = root / post.target
        if target.exists():
            report.not_imported.append(
                f"{post.path.relative_to(srcdir).as_posix()}: {post.target} already exists; nothing was overwritten"
            )
            continue
        edits = plan_details(post, conf, timezone, today)
        lines = rewrite_body(post, rewrite_details(post, edits), site)
        written.append((post, lines))
        if edits.notes:
            report.changed.append(f"{post.target}: " + "; ".join(edits.notes))

    authors = authors_to_add(posts, conf, new_conf.get("blog_authors") or {}, report)
    locations = locations_to_add(posts, conf, new_conf.get("blog_locations") or {})
    labels = {post.slug for post in posts}
    for post, lines in written:
        labels |= explicit_labels(lines, post.suffix)

    for post, lines in written:
        target = root / post.target
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    for old, new in site.files:
        if not new.exists():
            new.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(old, new)
    add_to_dict(new_conf_path, "blog_authors", authors, report)
    add_to_dict(new_conf_path, "blog_locations", locations, report)

    all_authors = {key: value[0] for key, value in (new_conf.get("blog_authors") or {}).items()}
    all_authors |= {key: value[0] for key, value in authors.items()}
    all_locations = {key: value[0] for key, value in (new_conf.get("blog_locations") or {}).items()}
    all_locations |= {key: value[0] for key, value in locations.items()}
    for post, lines in written:
        check_text(post, lines, site, new_docs, labels, report)
        try:
            read_essay_source(root / post.target, root, timezone=timezone, authors=all_authors, locations=all_locations)
        except ProblemsFound as error:
            for problem in error.problems:
                report.needs(problem.path, problem.line, problem.message)
    report.person.sort(key=lambda entry: (entry[0], entry[1] or 0))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="the old site's source folder (the one with its conf.py)")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--today", type=dt.date.fromisoformat, help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if not arguments.source.is_dir():
        parser.error(f"{arguments.source} is not a folder; give the old site's source folder: make import FROM=DIR")
    report = import_site(arguments.source, arguments.root.resolve(), arguments.today)
    sys.stdout.write(report.text(arguments.source))
    return 0


if __name__ == "__main__":
    sys.exit(main())
