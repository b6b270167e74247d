"""The essay schema: one place that says what an essay's details may be, whatever their syntax.

An essay's details are YAML front matter, a reST field list, or ABlog's
``{post}`` directive (``core.headers`` reads each into key -> (value, line));
every key is validated here by the same code. ABlog's own keys get ABlog's
meaning where it fits a publication (``redirect`` is ``aliases``, ``excerpt``
counts paragraphs, ``image`` may number one of the essay's images,
``location`` is shown in the byline, ``external_link`` makes a link post), or
are refused naming what to write instead; nothing is ignored.

Parsing is plain Python (no Sphinx) so that every problem can be reported with
the file and line before Sphinx reads anything (``read.discovery`` calls it).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import yaml
from babel import Locale

from unscripted.core.dates import DateError, parse_date
from unscripted.core.headers import (
    Field,
    Header,
    load_yaml_with_lines,
    read_markdown,
    read_rest,
    split_lines,
)
from unscripted.core.html_policy import excerpt
from unscripted.core.languages import LanguageError, canonical
from unscripted.core.problems import Problem, ProblemsFound

# key -> what a writer should put there (the README's table says the same).
SCHEMA: dict[str, str] = {
    "date": "required: 2024-03-14, 2024-03-14T09:30:00+01:00, or with the month's name: March 14, 2024",
    "updated": "optional: a date like `date`, not earlier than it",
    "tags": "optional: a YAML list [a, b] or one string (commas separate)",
    "category": "optional: a YAML list [a, b] or one string (commas separate)",
    "author": "optional: a key or display name of blog_authors in conf.py (string or list)",
    "description": "optional: one sentence for listings, feeds and search engines",
    "image": "optional: an image file next to the essay (or the number of one of its images), its preview",
    "draft": "optional: true keeps the essay out of the published site",
    "content_note": "optional: a short note shown before the essay",
    "language": "optional: the essay's language as a BCP 47 tag (fr, pt-BR, zh-Hans), if not the site's",
    "aliases": "optional: old addresses of the essay, e.g. [blog/2020/hello]; each sends readers here",
    "location": "optional: where it was written, shown in the byline (a place, or a key of blog_locations)",
    "excerpt": "optional: how many opening paragraphs listings and feeds show (0: none)",
    "external_link": "optional: the essay's home elsewhere; listings and feeds link there (a link post)",
}
REQUIRED = ("date",)
# ABlog's keys that need no more meaning here: every file under posts/ is an essay, every essay an orphan.
ACCEPTED_AS_TRUE = {"blogpost", "orphan"}
# ABlog's keys with another name here.
RENAMED = {"redirect": "aliases"}
# ABlog's (and other generators') keys that have no place in a publication: what to do instead.
REFUSED: dict[str, str] = {
    "nocomments": "Unscripted has no comments; delete the line",
    "canonical_link": (
        "an essay's canonical address is its own page; delete the line (if it first appeared elsewhere, "
        "say so in its text, or make it a link post with `external_link:`)"
    ),
    "permalink": "to keep an old address working, list it in `aliases:` instead, e.g. `aliases: [blog/2018/old-slug]`",
    "title": "the title is the essay's heading (`# Title`, or the underlined title in reST); delete `title:`",
    "myst": "per-essay MyST settings are not supported; write the text itself and delete `myst:`",
    "exclude": "`exclude` only means something in a {post} directive, whose text it keeps off the page; delete it",
}
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".webp", ".gif")
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ESSAY_SUFFIXES = (".md", ".rst")
# Characters that never reach a reader as text: control characters (a word
# processor's line break is U+000B), direction overrides that reorder what
# readers see, line separators that editors and Markdown count differently,
# and a byte-order mark in the middle of the text. (Isolates, LRM/RLM and
# joiners are real text in right-to-left and Indic writing.)
INVISIBLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2028\u2029\ufeff]")
# Dates readers can trust, and every time zone can show.
FIRST_YEAR, LAST_YEAR = 1900, 2999
# Front-matter text is short: listings, cards and feeds show all of it.
MAX_LENGTHS = {"description": 300, "content_note": 300, "location": 100}
# An old address: path segments of URL-safe characters, perhaps ending in .html or /.
ALIAS_RE = re.compile(r"(?:[\w~-][\w.~-]*/)*[\w~-][\w.~-]*(?:\.html|/)?")
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "on"}, {"false", "no", "off"}


@dataclass(frozen=True)
class EssaySource:
    """What the details and the title line of one essay say, in whichever syntax."""

    path: str  # relative to the project, POSIX separators
    title: str
    date: dt.datetime  # aware
    updated: dt.datetime | None = None
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()  # keys of blog_authors
    description: str | None = None
    image: str | None = None  # a file next to the essay
    draft: bool = False
    content_note: str | None = None
    language: str | None = None  # BCP 47; None: the site's language
    aliases: tuple[str, ...] = ()  # old addresses, as written (core.model names their pages)
    locations: tuple[str, ...] = ()  # keys of blog_locations, or places as written
    excerpt: int | None = None  # opening paragraphs for listings and feeds (None: the first, shortened)
    external_link: str | None = None
    post_line: int | None = None  # the line of ABlog's post directive, if the details are there
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def slug(self) -> str:
        return Path(self.path).stem


def read_essay_source(
    path: Path,
    root: Path,
    *,
    timezone: ZoneInfo,
    authors: Mapping[str, str] | set[str],
    locations: Mapping[str, str] | None = None,
    languages: Mapping[str, str] | None = None,
) -> EssaySource:
    """Parse and validate one essay (Markdown or reStructuredText); raise ProblemsFound listing every problem.

    *authors*, *locations* and *languages* map conf.py's keys (``blog_authors``,
    ``blog_locations``, ``blog_languages``) to their display names."""
    rel = path.relative_to(root).as_posix()
    problems: list[Problem] = []

    def problem(message: str, line: int | None = None, **extra) -> None:
        problems.append(Problem(rel, line, message, **extra))

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ProblemsFound([Problem(rel, line, "is not UTF-8 text; re-save the file with UTF-8 encoding")]) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    invisible = invisible_characters(text)
    if invisible:
        raise ProblemsFound([Problem(rel, line, message) for line, message in invisible])

    suffix = path.suffix
    if not SLUG_RE.fullmatch(path.stem):
        suggestion = "-".join(re.findall(r"[a-z0-9]+", path.stem.lower())) or "my-essay"
        problem(
            f"file name {path.name!r} is not a URL slug; rename it to {suggestion}{suffix} "
            "(lower-case letters, digits and single hyphens)"
        )

    lines = split_lines(text)
    header = read_rest(lines, problem) if suffix == ".rst" else read_markdown(lines, problem, _load_yaml)
    if header.broken:
        raise ProblemsFound(problems)
    if not header.fields and header.post_line is None:
        if suffix == ".rst":
            message = (
                "has no details; start the file with a field list holding at least `:date:` "
                "(e.g. `:date: 2024-03-14`), or put a `.. post:: 2024-03-14` directive under the title"
            )
        else:
            message = "has no front matter; start the file with a '---' block holding at least `date:`"
        raise ProblemsFound([*problems, Problem(rel, 1, message)])
    people = authors if isinstance(authors, Mapping) else {a: a for a in authors}
    source = _validated(header, path, root, timezone, people, locations or {}, languages or {}, problem)
    if problems or source is None:
        raise ProblemsFound(problems)
    return source


def _validated(
    header: Header,
    path: Path,
    root: Path,
    timezone: ZoneInfo,
    authors: Mapping[str, str],
    locations: Mapping[str, str],
    languages: Mapping[str, str],
    problem,
) -> EssaySource | None:
    """The same checks for every syntax: *header* holds key -> (value, line)."""
    fields = dict(header.fields)
    where = {"front matter": "front matter", "field list": "field list"}.get(header.origin, "post directive")

    for key, item in list(fields.items()):
        if key in SCHEMA:
            continue
        if key in ACCEPTED_AS_TRUE:
            if _boolean(item, key, problem, empty=True) is False:
                problem(
                    f"`{key}: false`: every file under posts/ is an essay; delete the line "
                    "(or hold the essay back with `draft: true`)",
                    item.line,
                )
        elif key in RENAMED:
            new = RENAMED[key]
            if new in fields:
                problem(
                    f"`{key}` (line {item.line}) and `{new}` (line {fields[new].line}) both list old addresses; "
                    f"merge them into `{new}`",
                    item.line,
                )
            else:
                fields[new] = item
        elif key == "exclude" and header.post_line is not None:
            if _boolean(item, key, problem, empty=True) is not None and not header.post_content:
                problem("`exclude` keeps the {post} directive's text off the page, but it holds none; delete it",
                        item.line)  # fmt: skip
        elif key in REFUSED:
            problem(f"`{key}`: {REFUSED[key]}", item.line)
        else:
            close = difflib.get_close_matches(key, [*SCHEMA, *RENAMED], n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problem(f"unknown {_key_word(where)} {excerpt(key)!r}{hint} (known keys: {', '.join(SCHEMA)})", item.line)
        fields.pop(key)

    for key in REQUIRED:
        if key not in fields:
            if header.post_line is not None and not header.fields.get(key):
                problem(
                    "the post directive has no date (ABlog keeps such a post as a draft forever); give it one, "
                    f"e.g. `{{post}} {dt.date.today().isoformat()}`, and add `:draft: true` until it is ready",
                    header.post_line,
                )
            elif where == "field list":
                problem(f"the field list has no `:{key}:`; add one, e.g. `:{key}: {dt.date.today().isoformat()}`",
                        min(item.line for item in header.fields.values()))  # fmt: skip
            else:
                problem(f"front matter has no `{key}:`; add one, e.g. `{key}: {dt.date.today().isoformat()}`", 2)

    def parse_date(key: str) -> dt.datetime | None:
        return _date(fields[key], key, timezone, problem) if key in fields else None

    date = parse_date("date")
    updated = parse_date("updated")
    if date and updated and updated < date:
        problem(f"`updated` ({updated.date()}) is earlier than `date` ({date.date()})", fields["updated"].line)

    labels = {key: _labels(fields.get(key), key, problem) for key in ("tags", "category")}
    author_keys = _authors(fields.get("author"), authors, problem)
    places = _locations(fields.get("location"), locations, problem)
    text_values = {key: _text(fields.get(key), key, problem) for key in ("description", "content_note")}
    image = _image(fields.get("image"), header.images, path, root, problem)
    draft = _boolean(fields["draft"], "draft", problem) if "draft" in fields else False
    excerpt_count = _count(fields.get("excerpt"), "excerpt", problem)
    if excerpt_count is not None and text_values["description"]:
        problem(
            f"`excerpt` (line {fields['excerpt'].line}) and `description` (line {fields['description'].line}) both "
            "say what listings show; keep one",
            fields["excerpt"].line,
        )
    link = _external_link(fields.get("external_link"), problem)
    aliases = _aliases(fields.get("aliases"), problem)
    language = _language(fields.get("language"), languages, problem)

    if date is None or header.title is None:
        return None
    return EssaySource(
        path=path.relative_to(root).as_posix(),
        title=header.title,
        date=date,
        updated=updated,
        tags=labels["tags"],
        categories=labels["category"],
        authors=author_keys,
        description=text_values["description"],
        image=image,
        draft=bool(draft),
        content_note=text_values["content_note"],
        language=language,
        aliases=aliases,
        locations=places,
        excerpt=excerpt_count,
        external_link=link,
        post_line=header.post_line,
        lines={key: item.line for key, item in fields.items()},
    )


def _key_word(where: str) -> str:
    return {"front matter": "front-matter key", "field list": "field"}.get(where, "post directive option")


class FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML's safe loader (libyaml's when installed), but dates stay text: ``_date``
    checks them with their line."""


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_front_matter(text: str, first_line: int, problem) -> tuple[dict | None, dict[str, int]]:
    """A YAML block of an essay (front matter, a directive's options), with each key's line."""
    return load_yaml_with_lines(FrontMatterLoader, text, first_line, problem)


_load_yaml = load_front_matter


def read_header(text: str, suffix: str, problem) -> Header:
    """Where an essay's details and title are, in either syntax (``core.headers``)."""
    lines = split_lines(text)
    return read_rest(lines, problem) if suffix == ".rst" else read_markdown(lines, problem, load_front_matter)


def _shown(item: Field) -> str:
    """A value as the writer wrote it, for a message."""
    value = item.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return excerpt(value if isinstance(value, str) else yaml.safe_dump(value, default_flow_style=True).strip())


def _date(item: Field, key: str, timezone: ZoneInfo, problem) -> dt.datetime | None:
    """One of the forms ``core.dates`` accepts; a time needs its UTC offset."""
    value = item.value
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        problem(f"`{key}` must be a date like 2024-03-14, not {_shown(item)}", item.line)
        return None
    try:
        written = parse_date(str(value))
    except DateError as error:
        problem(f"`{key}: {_shown(item)}` {error}", item.line)
        return None
    if not FIRST_YEAR <= written.day.year <= LAST_YEAR:
        problem(
            f"`{key}` is in the year {written.day.year:04d}; write the full four-digit year, from {FIRST_YEAR} on",
            item.line,
        )
        return None
    if written.time is None:
        return dt.datetime.combine(written.day, dt.time(0, 0), tzinfo=timezone)
    moment = dt.datetime.combine(written.day, written.time, tzinfo=written.offset)
    if written.offset is None:
        local = moment.replace(tzinfo=timezone)
        problem(
            f"`{key}: {moment.isoformat()}` has a time but no UTC offset; write it as {local.isoformat()} "
            f"({written.time.strftime('%H:%M')} in {timezone}), or give only the date",
            item.line,
        )
        return None
    try:
        return moment.astimezone(timezone)
    except (OverflowError, ValueError):
        problem(f"`{key}: {moment.isoformat()}` cannot be shown in the time zone {timezone}", item.line)
        return None


def _items(item: Field, key: str, problem) -> list[str] | None:
    """A list of words: a YAML list, or one string (commas separate; in a field list or a
    directive option, ``[a, b]`` too, as ABlog reads it)."""
    value = item.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # tags: 2024
    if isinstance(value, list):
        value = [str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in value]
    if isinstance(value, str):
        text = value.strip()
        if not item.typed and text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        if not text:
            return []  # ABlog's `ablog post` writes empty options: none
        items = text.split(",")
        if not item.typed:
            items = [part.strip().strip("\"'") for part in items]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = value
    else:
        problem(
            f"`{key}` must be a list of words like [intimacy, trust] or one string "
            "(put words YAML reads otherwise, like yes, no or null, in quotes)",
            item.line,
        )
        return None
    return [" ".join(part.split()) for part in items]


def _labels(item: Field | None, key: str, problem) -> tuple[str, ...]:
    """Tags and categories."""
    if item is None or item.value is None:
        return ()
    labels = _items(item, key, problem)
    if labels is None:
        return ()
    if any(not label for label in labels):
        problem(f"`{key}` has an empty entry; remove the stray comma or blank item", item.line)
    return tuple(dict.fromkeys(label for label in labels if label))


def _authors(item: Field | None, authors: Mapping[str, str], problem) -> tuple[str, ...]:
    """Authors by key or by display name; stored as keys. An unknown name is reported with
    ``author`` set, so that discovery can list every one once (``unknown_authors``)."""
    if item is None or item.value is None:
        return ()
    if isinstance(item.value, str) and re.search(r"[();]", item.value):
        problem(
            f"`author: {_shown(item)}` reads as several authors at every comma; give one key or display "
            "name of blog_authors per author, separated by commas (roles and affiliations belong in blog_authors)",
            item.line,
        )
        return ()
    names = _labels(item, "author", problem)
    by_name = {" ".join(name.split()): key for key, name in authors.items()}
    keys = []
    for name in names:
        key = name if name in authors else by_name.get(name)
        if key is None:
            problem(f"unknown author {excerpt(name)!r}", item.line, author=name)
        elif key not in keys:
            keys.append(key)
    return tuple(keys)


def author_key(name: str) -> str:
    """The blog_authors key suggested for a new author."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower())) or "author"


def unknown_authors(found: list[Problem], authors: Mapping[str, str]) -> Problem:
    """One problem for every unknown author of the build, at the first place one is used (an
    unknown name is usually a typo): every name and where it is used, and the exact
    blog_authors entries that would make them known."""
    names: dict[str, list[str]] = {}
    for problem in found:
        names.setdefault(problem.author or "", []).append(f"{problem.path}:{problem.line}")
    known = ", ".join(f"{key} ({name})" if name != key else key for key, name in sorted(authors.items())) or "none"
    entries = "\n".join(
        f"    {json.dumps(author_key(name))}: ({json.dumps(name, ensure_ascii=False)}, None)," for name in names
    )
    if len(names) == 1:
        ((name, places),) = names.items()
        used = f"unknown author {name!r}" + (f" (also in {', '.join(places[1:])})" if len(places) > 1 else "")
    else:
        used = f"{len(names)} unknown authors: " + "; ".join(f"{n!r} in {', '.join(p)}" for n, p in names.items())
    return Problem(
        found[0].path,
        found[0].line,
        f"{used}. An author is a key or display name of blog_authors ({known}); fix the spelling, or add "
        f"{'them' if len(names) > 1 else 'it'} to blog_authors in conf.py:\n{entries}",
    )


def _locations(item: Field | None, locations: Mapping[str, str], problem) -> tuple[str, ...]:
    """Places, as ABlog's ``location`` (keys of blog_locations or their names); a comma splits
    only between known places, so that "London, England" stays one place."""
    if item is None or item.value is None:
        return ()
    by_name = {name: key for key, name in locations.items()}
    if isinstance(item.value, str):
        text = " ".join(item.value.split())
        parts = [part.strip() for part in text.split(",")]
        known = all(part in locations or part in by_name for part in parts)
        places = parts if known and len(parts) > 1 else ([text] if text else [])
    else:
        places = list(_labels(item, "location", problem))
    found = []
    for place in places:
        key = place if place in locations else by_name.get(place, place)
        if len(key) > MAX_LENGTHS["location"]:
            problem(f"`location` is {len(key)} characters long; keep it under {MAX_LENGTHS['location']}", item.line)
        elif key and key not in found:
            found.append(key)
    return tuple(found)


def _boolean(item: Field, key: str, problem, *, empty: bool = False) -> bool | None:
    value = item.value
    if isinstance(value, bool):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        if empty:
            return True  # a flag: `:orphan:`, `:exclude:`
    elif isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    problem(f"`{key}` must be true or false, not {_shown(item)}", item.line)
    return None


def _count(item: Field | None, key: str, problem) -> int | None:
    if item is None:
        return None
    value = item.value
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        problem(f"`{key}` must be a number of paragraphs (0 for none), not {_shown(item)}", item.line)
        return None
    return value


def _text(item: Field | None, key: str, problem) -> str | None:
    if item is None or item.value is None:
        return None
    value = item.value
    if not isinstance(value, str) or not value.strip():
        problem(f"`{key}` must be a non-empty piece of text", item.line)
        return None
    text = " ".join(value.split())
    limit = MAX_LENGTHS.get(key)
    if limit and len(text) > limit:
        problem(f"`{key}` is {len(text)} characters long; keep it under {limit}", item.line)
    for _, message in invisible_characters(text):
        problem(f"`{key}` holds {message}", item.line)
    return text


def _external_link(item: Field | None, problem) -> str | None:
    link = _text(item, "external_link", problem)
    if link is None:
        return None
    parts = urlsplit(link)
    if parts.scheme not in {"http", "https"} or not parts.netloc or " " in link:
        problem(f"`external_link: {excerpt(link)}` must be a web address starting with https://", item.line)
        return None
    return link


def _language(item: Field | None, languages: Mapping[str, str], problem) -> str | None:
    """A BCP 47 tag (the languages issue), or as ABlog writers name it: a key or display name of
    blog_languages, or a language's English name (``English``, ``Portuguese``)."""
    if item is None or item.value is None or (isinstance(item.value, str) and not item.value.strip()):
        return None
    text = " ".join(str(item.value).split())
    by_name = {name: key for key, name in languages.items()}
    tag = text if text in languages else by_name.get(text) or _english_names().get(text.lower(), text)
    try:
        return canonical(tag)
    except LanguageError as error:
        problem(f"`language`: {excerpt(str(error), 120)}", item.line)
        return None


@functools.cache
def _english_names() -> dict[str, str]:
    """Language names in English, as CLDR has them, to their tags: ``english`` -> ``en``."""
    names: dict[str, str] = {}
    for tag, name in Locale("en").languages.items():
        if "_" not in tag:
            names.setdefault(name.lower(), tag)
    return names


def alias_problem(alias: str) -> str | None:
    """Why *alias* cannot be an old address of an essay on this site, if it cannot."""
    if re.match(r"[a-z][a-z0-9+.-]*:|//", alias, re.I):
        return "is a full web address; give the old path on this site, e.g. blog/2020/hello"
    path = alias.lstrip("/")
    if not path or not ALIAS_RE.fullmatch(path) or any(part in {".", ".."} for part in path.split("/")):
        return "is not a path of this site (letters, digits, - _ . ~ between slashes, e.g. blog/2020/hello)"
    if path.startswith("_"):
        return "is in a folder the site's own files use (_static, _images…); it cannot be an essay's address"
    return None


def _aliases(item: Field | None, problem) -> tuple[str, ...]:
    if item is None or item.value is None:
        return ()
    values = _items(item, "aliases", problem)
    found: list[str] = []
    for alias in values or ():
        reason = alias_problem(alias) if alias else "is empty; remove the stray comma or blank item"
        if reason:
            problem(f"the alias {excerpt(alias)!r} {reason}", item.line)
        elif alias.lstrip("/") not in found:
            found.append(alias.lstrip("/"))
    return tuple(found)


def _image(item: Field | None, images: list[tuple[str, int]], path: Path, root: Path, problem) -> str | None:
    """A file next to the essay, or (as ABlog's ``image``) the number of one of the essay's images."""
    if item is None or item.value is None:
        return None
    value = item.value
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if value == 0:
            return None  # ABlog's default: no image
        if value > len(images):
            problem(f"`image: {value}`: the essay shows {len(images)} image(s); give a smaller number", item.line)
            return None
        name, line = images[value - 1]
        local = name.removeprefix("./")
        if re.match(r"[a-z][a-z0-9+.-]*:|//", local, re.I) or "/" in local:
            problem(
                f"`image: {value}` is the image on line {line}, {excerpt(name)}, which is not next to the essay; "
                "give the file name of an image in the essay's own folder",
                item.line,
            )
            return None
        value = local
    image = _text(Field(value, item.line, item.typed), "image", problem)
    if not image:
        return None
    folder = path.parent.relative_to(root).as_posix()
    if PurePosixPath(image).suffix.lower() not in IMAGE_TYPES:
        problem(f"`image: {excerpt(image)}` must be a {', '.join(IMAGE_TYPES)} file", item.line)
    elif image_problem(path.parent, image):
        problem(f"`image: {excerpt(image)}` {image_problem(path.parent, image)}", item.line)
    elif re.match(r"[a-z][a-z0-9+.-]*:|//", image) or not (path.parent / image).is_file():
        problem(
            f"`image: {excerpt(image)}` is not a file next to the essay; put the image in "
            f"{folder}/ and give its file name",
            item.line,
        )
    else:
        return image
    return None


def invisible_characters(text: str) -> list[tuple[int, str]]:
    """(line, what) for each line holding a character that never reaches a reader as text."""
    found = []
    for match in INVISIBLE_RE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if found and found[-1][0] == line:
            continue
        name = unicodedata.name(match[0], "a control character")
        code = f"U+{ord(match[0]):04X}"
        found.append((line, f"the invisible character {code} ({name}); delete it (often pasted from a word processor)"))
    return found


def image_problem(folder: Path, name: str) -> str | None:
    """Why the preview image *name* next to an essay cannot be published, if it cannot."""
    if "/" in name or "\\" in name or name.startswith("."):
        return "must be the name of an image file in the essay's own folder, without a path"
    path = folder / name
    if path.is_symlink():
        return "is a symbolic link; copy the image itself next to the essay"
    if path.is_file() and not image_kind(path.read_bytes()[:16]):
        return "is not a PNG, JPEG, GIF or WebP image"
    return None


def image_kind(head: bytes) -> str | None:
    """The image type a file's first bytes announce (PNG, JPEG, GIF, WebP), else None."""
    for magic, kind in (
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"\xff\xd8\xff", "JPEG"),
        (b"GIF87a", "GIF"),
        (b"GIF89a", "GIF"),
    ):
        if head.startswith(magic):
            return kind
    return "WebP" if head[:4] == b"RIFF" and head[8:12] == b"WEBP" else None
