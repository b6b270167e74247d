"""The essay front-matter schema: one place that says what an essay may contain.

Parsing is plain Python (no Sphinx) so that every problem can be reported with
the file and line before Sphinx reads anything (``read.discovery`` calls it).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import yaml

from unscripted.core.html_policy import excerpt
from unscripted.core.languages import LanguageError, canonical
from unscripted.core.problems import Problem, ProblemsFound

# key -> what a writer should put there (the README's table says the same).
SCHEMA: dict[str, str] = {
    "date": "required: 2024-03-14, or 2024-03-14T09:30:00+01:00",
    "updated": "optional: a date like `date`, not earlier than it",
    "tags": "optional: a YAML list [a, b] or one string",
    "category": "optional: a YAML list [a, b] or one string",
    "author": "optional: a key of blog_authors in conf.py (string or list)",
    "description": "optional: one sentence for listings, feeds and search engines",
    "image": "optional: an image file next to the essay, its preview on social sites",
    "draft": "optional: true keeps the essay out of the published site",
    "content_note": "optional: a short note shown before the essay",
    "language": "optional: the essay's language as a BCP 47 tag (fr, pt-BR, zh-Hans), if not the site's",
}
REQUIRED = ("date",)
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".webp", ".gif")
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FENCE_RE = re.compile(r"^---[ \t]*$")
# Characters that never reach a reader as text: control characters (a word
# processor's line break is U+000B), direction overrides that reorder what
# readers see, line separators that editors and Markdown count differently,
# and a byte-order mark in the middle of the text. (Isolates, LRM/RLM and
# joiners are real text in right-to-left and Indic writing.)
INVISIBLE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2028\u2029\ufeff]")
IMAGE_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"))
# Dates readers can trust, and every time zone can show.
FIRST_YEAR, LAST_YEAR = 1900, 2999
# Front-matter text is short: listings, cards and feeds show all of it.
MAX_LENGTHS = {"description": 300, "content_note": 300}


@dataclass(frozen=True)
class EssaySource:
    """What the front matter and the title line of one essay say."""

    path: str  # relative to the project, POSIX separators
    title: str
    date: dt.datetime  # aware
    updated: dt.datetime | None = None
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    description: str | None = None
    image: str | None = None
    draft: bool = False
    content_note: str | None = None
    language: str | None = None  # BCP 47; None: the site's language
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def slug(self) -> str:
        return Path(self.path).stem


def split_front_matter(text: str) -> tuple[str | None, int, list[str]]:
    """Return (yaml text or None, line number where the body starts, body lines).

    Lines end at a newline only, as Markdown counts them (``str.splitlines``
    also splits at characters like U+000C, and every later line would drift)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or not FENCE_RE.match(lines[0]):
        return None, 1, lines
    for index in range(1, len(lines)):
        if FENCE_RE.match(lines[index]):
            return "\n".join(lines[1:index]), index + 2, lines[index + 1 :]
    return "\n".join(lines[1:]), len(lines) + 1, []


def read_essay_source(path: Path, root: Path, *, timezone: ZoneInfo, authors: set[str]) -> EssaySource:
    """Parse and validate one essay; raise ProblemsFound listing every problem."""
    rel = path.relative_to(root).as_posix()
    problems: list[Problem] = []

    def problem(message: str, line: int | None = None) -> None:
        problems.append(Problem(rel, line, message))

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

    if not SLUG_RE.fullmatch(path.stem):
        suggestion = "-".join(re.findall(r"[a-z0-9]+", path.stem.lower())) or "my-essay"
        problem(
            f"file name {path.name!r} is not a URL slug; rename it to {suggestion}.md "
            "(lower-case letters, digits and single hyphens)"
        )

    front, body_line, body = split_front_matter(text)
    if front is None:
        missing = Problem(rel, 1, "has no front matter; start the file with a '---' block holding at least `date:`")
        raise ProblemsFound([*problems, missing])

    data, key_lines = _load_yaml(front, problem)
    title = _title(body, body_line, problem)
    if data is None:
        raise ProblemsFound(problems)

    for key, line in key_lines.items():
        if key not in SCHEMA:
            close = difflib.get_close_matches(str(key), SCHEMA, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problem(f"unknown front-matter key {excerpt(str(key))!r}{hint} (known keys: {', '.join(SCHEMA)})", line)
    for key in REQUIRED:
        if key not in data:
            problem(f"front matter has no `{key}:`; add one, e.g. `{key}: {dt.date.today().isoformat()}`", 2)

    def parse_date(key: str) -> dt.datetime | None:
        return _date(data[key], key, key_lines[key], timezone, problem) if key in data else None

    date = parse_date("date")
    updated = parse_date("updated")
    if date and updated and updated < date:
        problem(f"`updated` ({updated.date()}) is earlier than `date` ({date.date()})", key_lines["updated"])

    labels = {key: _labels(data, key, key_lines, problem) for key in ("tags", "category", "author")}
    for author in labels["author"]:
        if author not in authors:
            known = ", ".join(sorted(authors)) or "none"
            problem(
                f"unknown author {excerpt(author)!r}; use a key of blog_authors in conf.py ({known})",
                key_lines["author"],
            )

    text_values = {key: _text(data, key, key_lines, problem) for key in ("description", "image", "content_note")}
    image = text_values["image"]
    if image and PurePosixPath(image).suffix.lower() not in IMAGE_TYPES:
        problem(f"`image: {excerpt(image)}` must be a {', '.join(IMAGE_TYPES)} file", key_lines["image"])
    elif image and image_problem(path.parent, image):
        problem(f"`image: {excerpt(image)}` {image_problem(path.parent, image)}", key_lines["image"])
    elif image and (re.match(r"[a-z][a-z0-9+.-]*:|//", image) or not (path.parent / image).is_file()):
        problem(
            f"`image: {excerpt(image)}` is not a file next to the essay; put the image in "
            f"{path.parent.relative_to(root).as_posix()}/ and give its file name",
            key_lines["image"],
        )
    language = None
    if "language" in data:
        try:
            language = canonical(str(data["language"]))
        except LanguageError as error:
            problem(f"`language`: {excerpt(str(error), 120)}", key_lines["language"])
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        problem(f"`draft` must be true or false, not {excerpt(draft)}", key_lines.get("draft"))
        draft = False

    if problems or date is None or title is None:
        raise ProblemsFound(problems)
    return EssaySource(
        path=rel,
        title=title,
        date=date,
        updated=updated,
        tags=labels["tags"],
        categories=labels["category"],
        authors=labels["author"],
        description=text_values["description"],
        image=text_values["image"],
        draft=draft,
        content_note=text_values["content_note"],
        language=language,
        lines=dict(key_lines),
    )


class FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML's safe loader (libyaml's when installed), but dates stay text: ``_date``
    checks them with their line."""


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_yaml(front: str, problem) -> tuple[dict | None, dict[str, int]]:
    """Return the front matter and the line (in the file) of each key.

    Anchors and aliases (``&a``, ``*a``) are refused before anything is built:
    front matter never needs them, and aliases can expand without bound."""
    try:
        for event in yaml.parse(front, Loader=FrontMatterLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                problem(
                    "front matter may not use YAML anchors or aliases (& and *); write each value out",
                    event.start_mark.line + 2,
                )
                return None, {}
    except yaml.YAMLError:
        pass  # reported below, with the construct that broke
    loader = FrontMatterLoader(front)
    try:
        node = loader.get_single_node()  # parsed once: the values, and each key's line
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        # Where the broken construct began ("while parsing a flow sequence") says
        # more than where the parser gave up, often the end of the front matter.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        last = front.count("\n") + 2
        line = min(mark.line + 2, last) if mark else 2
        at = getattr(error, "problem_mark", None)
        lines = front.split("\n")
        if at is not None and at.line < len(lines) and "\t" in lines[at.line][: at.column + 1]:
            problem("a tab character: YAML indents with spaces only; replace the tab with spaces", at.line + 2)
        elif "mapping values are not allowed" in reason and at is not None:
            problem(
                "this value holds a colon followed by a space, which YAML reads as a new key: "
                'put the whole value in quotes, e.g. description: "Love: a verb"',
                at.line + 2,
            )
        else:
            problem(f"front matter is not valid YAML: {reason}", line)
        return None, {}
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict) or (node is not None and not isinstance(node, yaml.MappingNode)):
        problem("front matter must be `key: value` lines", 2)
        return None, {}
    key_lines: dict[str, int] = {}
    for key_node, _ in node.value if node is not None else ():
        key = key_node.value
        line = key_node.start_mark.line + 2  # +1 for 1-based, +1 for the opening ---
        if key in key_lines:
            problem(f"front-matter key {excerpt(str(key))!r} is given twice (first on line {key_lines[key]})", line)
        key_lines[key] = line
    return data, key_lines


def _title(body: list[str], first_line: int, problem) -> str | None:
    for offset, line in enumerate(body):
        if not line.strip():
            continue
        match = re.match(r"#\s+(.+?)(?:\s+#+)?\s*$", line)  # "# Title ##": closing hashes follow a space
        if match:
            return match.group(1)
        problem(
            "the essay must begin with its title as a `# Title` heading, right after the front matter",
            first_line + offset,
        )
        return None
    problem("the essay has no title and no text; add a `# Title` line after the front matter", first_line)
    return None


def _date(value, key: str, line: int, timezone: ZoneInfo, problem) -> dt.datetime | None:
    """Accept an ISO 8601 date, or a date-time with an explicit offset."""
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?", text):
            problem(
                f"`{key}: {excerpt(value)}` is not an ISO 8601 date; write it as YYYY-MM-DD "
                "(e.g. 2024-03-14) so that day and month cannot be confused",
                line,
            )
            return None
        try:
            value = (
                dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
                if len(text) > 10
                else dt.date.fromisoformat(text)
            )
        except ValueError as error:
            problem(f"`{key}: {excerpt(value)}` is not a real date ({error})", line)
            return None
    if isinstance(value, dt.date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        problem(
            f"`{key}` is in the year {value.year:04d}; write the full four-digit year, from {FIRST_YEAR} on",
            line,
        )
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            problem(
                f"`{key}: {value.isoformat()}` has a time but no UTC offset; "
                f"add one, e.g. {value.isoformat()}+00:00, or give only the date",
                line,
            )
            return None
        try:
            return value.astimezone(timezone)
        except (OverflowError, ValueError):
            problem(f"`{key}: {value.isoformat()}` cannot be shown in the time zone {timezone}", line)
            return None
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0, 0), tzinfo=timezone)
    problem(f"`{key}` must be a date like 2024-03-14, not {excerpt(value)}", line)
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


def _labels(data: dict, key: str, key_lines: dict[str, int], problem) -> tuple[str, ...]:
    """Tags, categories and authors: a YAML list, or one string (commas separate)."""
    value = data.get(key)
    if value is None:
        return ()
    line = key_lines.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # tags: 2024
    if isinstance(value, list):
        value = [str(item) if isinstance(item, (int, float)) and not isinstance(item, bool) else item for item in value]
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = value
    else:
        problem(
            f"`{key}` must be a list of words like [intimacy, trust] or one string "
            "(put words YAML reads otherwise, like yes, no or null, in quotes)",
            line,
        )
        return ()
    labels = [" ".join(item.split()) for item in items]
    if any(not label for label in labels):
        problem(f"`{key}` has an empty entry; remove the stray comma or blank item", line)
    seen: list[str] = []
    for label in labels:
        if label and label not in seen:
            seen.append(label)
    return tuple(seen)


def _text(data: dict, key: str, key_lines: dict[str, int], problem) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problem(f"`{key}` must be a non-empty piece of text", key_lines.get(key))
        return None
    text = " ".join(value.split())
    limit = MAX_LENGTHS.get(key)
    if limit and len(text) > limit:
        problem(f"`{key}` is {len(text)} characters long; keep it under {limit}", key_lines.get(key))
    for _, message in invisible_characters(text):
        problem(f"`{key}` holds {message}", key_lines.get(key))
    return text
