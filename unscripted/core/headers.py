"""Where an essay's details are written, in each syntax: read into one raw mapping, key -> (value, line).

The schema (``core.frontmatter``) validates that mapping the same way whatever
the syntax; this module only finds the details and the title, with their lines:

* Markdown (``.md``): YAML front matter between ``---`` lines, or ABlog's
  ``{post}`` directive (its argument is the date; options as ``:key: value``
  lines or a ``---`` YAML block); then the ``# Title``.
* reStructuredText (``.rst``): a field list before the title (``:date: …``),
  as ABlog and docutils read it, or ABlog's ``.. post::`` directive; then the
  title, underlined (and perhaps overlined) with punctuation.

Values from YAML keep YAML's types; values from a field list or a directive
option are text (``typed`` False), as docutils gives them. Comments, labels
and the ``{post}`` directive may come before the title. Code blocks are never
looked into. Problems are reported through *problem* (message, line).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

Report = Callable[[str, int | None], None]

FENCE_RE = re.compile(r"^---[ \t]*$")
MD_FENCE_RE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
MD_DIRECTIVE_RE = re.compile(r"^\s*\{(?P<name>[\w:.+-]+)\}\s*(?P<argument>.*?)\s*$")
MD_OPTION_RE = re.compile(r"^:(?P<key>[^:\s][^:]*?):(?:\s+(?P<value>.*?))?\s*$")
MD_LABEL_RE = re.compile(r"^\([^()\s]+\)=\s*$")
MD_TITLE_RE = re.compile(r"^#\s+(.+?)(?:\s+#+)?\s*$")  # "# Title ##": closing hashes follow a space
MD_IMAGE_RE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE_DIRECTIVES = {"code", "code-block", "code-cell", "sourcecode", "literalinclude", "eval-rst", "raw", "math"}

RST_FIELD_RE = re.compile(r"^:(?P<key>(?:\\.|[^:\\])+?):(?:\s+(?P<value>.*?))?\s*$")
RST_DIRECTIVE_RE = re.compile(r"^(?P<indent>\s*)\.\.\s+(?P<name>[\w:.+-]+)::(?:\s+(?P<argument>.*?))?\s*$")
RST_TARGET_RE = re.compile(r"^\.\.\s+_[^:]*:")
RST_COMMENT_RE = re.compile(r"^\.\.(?:\s|$)")
RST_ADORNMENT_RE = re.compile(r"^([!-/:-@\[-`{-~])\1+\s*$")
RST_LITERAL_DIRECTIVES = {"code", "code-block", "sourcecode", "literalinclude", "highlight", "parsed-literal", "raw"}


@dataclass(frozen=True)
class Field:
    value: object
    line: int
    typed: bool  # YAML's types (front matter, a YAML option block); else text


@dataclass
class Header:
    fields: dict[str, Field] = field(default_factory=dict)
    origin: str = ""  # where the details came from: "front matter", "field list", "{post} directive"
    title: str | None = None
    title_line: int | None = None
    post_line: int | None = None  # the post directive's line, if the details came from one
    post_content: bool = False  # the directive holds text (ABlog's excerpt)
    images: list[tuple[str, int]] = field(default_factory=list)  # every image the text shows, in order
    broken: bool = False  # the details could not be read at all (already reported)


def split_lines(text: str) -> list[str]:
    """Lines end at a newline only, as Markdown and docutils count them (``str.splitlines``
    also splits at characters like U+000C, and every later line would drift)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# -- Markdown ---------------------------------------------------------------------------------


@dataclass
class _Block:
    """A top-level Markdown fence: a code block or a directive."""

    start: int  # index of the opening line
    end: int  # index of the closing line (or len(lines))
    info: str
    name: str | None  # the directive's name, None for a code block
    argument: str


def read_markdown(lines: list[str], problem: Report, load_yaml) -> Header:
    """Front matter or a ``{post}`` directive, then the ``# Title``.

    *load_yaml(text, first_line, problem)* returns (mapping or None, {key: line})."""
    header = Header()
    body_start = 0
    front_line = None
    if lines and FENCE_RE.match(lines[0]):
        closing = next((i for i in range(1, len(lines)) if FENCE_RE.match(lines[i])), len(lines))
        data, key_lines = load_yaml("\n".join(lines[1:closing]), 2, problem)
        body_start = closing + 1
        front_line = 1
        header.origin = "front matter"
        if data is None:  # reported; the title is still checked
            header.broken = True
            _markdown_title(lines, body_start, _markdown_blocks(lines, body_start), header, problem)
            return header
        header.fields = {str(key): Field(data[key], key_lines.get(str(key), 2), True) for key in data}
    blocks = _markdown_blocks(lines, body_start)
    posts = [block for block in blocks if block.name == "post"]
    for extra in posts[1:]:
        problem(
            f"a second {{post}} directive (the first is on line {posts[0].start + 1}): "
            "one essay per file; move the second part into an essay of its own",
            extra.start + 1,
        )
    if posts:
        post = posts[0]
        if front_line is not None and header.fields:
            problem(
                f"has both front matter (line {front_line}) and a {{post}} directive (line {post.start + 1}), "
                "which would give the essay two sets of details; delete the {post} directive, "
                "moving any option you want to keep into the front matter",
                post.start + 1,
            )
        else:
            _markdown_post(lines, post, header, problem, load_yaml)
    _markdown_title(lines, body_start, blocks, header, problem)
    header.images = _markdown_images(lines, body_start, blocks)
    return header


def markdown_blocks(lines: list[str], start: int = 0) -> list[tuple[int, int, str | None, str]]:
    """The top-level fenced blocks of a Markdown text: (opening index, closing index, directive
    name or None for code, argument)."""
    return [(b.start, b.end, b.name, b.argument) for b in _markdown_blocks(lines, start)]


def read_field_list(lines: list[str], start: int) -> tuple[dict[str, Field], int]:
    """The reST field list starting at *start* (fields as text), and the index after it."""
    header = Header()
    end = _rest_fields(lines, start, header, lambda message, line: None)
    return header.fields, end


def rest_literal_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines of reST literal blocks and code (never read as markup)."""
    inside, literal_indent = set(), None
    for index, line in enumerate(lines):
        if literal_indent is not None:
            if not line.strip() or _indent(line) > literal_indent:
                inside.add(index)
                continue
            literal_indent = None
        if _rest_literal_starts(line):
            literal_indent = _indent(line)
    return inside


def _markdown_blocks(lines: list[str], start: int, stop: int | None = None) -> list[_Block]:
    """Every fenced block between *start* and *stop*, not looking inside any of them."""
    blocks = []
    index, stop = start, len(lines) if stop is None else stop
    while index < stop:
        opening = MD_FENCE_RE.match(lines[index])
        if not opening or (opening["fence"][0] == "`" and "`" in opening["info"]):
            index += 1
            continue
        fence = opening["fence"]
        closing = index + 1
        while closing < stop:
            candidate = MD_FENCE_RE.match(lines[closing])
            if (
                candidate
                and candidate["fence"][0] == fence[0]
                and len(candidate["fence"]) >= len(fence)
                and not candidate["info"].strip()
            ):
                break
            closing += 1
        directive = MD_DIRECTIVE_RE.match(opening["info"])
        name = directive["name"] if directive else None
        blocks.append(_Block(index, closing, opening["info"], name, directive["argument"] if directive else ""))
        index = closing + 1
    return blocks


def _markdown_post(lines: list[str], block: _Block, header: Header, problem: Report, load_yaml) -> None:
    header.origin = "{post} directive"
    header.post_line = block.start + 1
    fields: dict[str, Field] = {}
    if block.argument:
        fields["date"] = Field(block.argument, block.start + 1, False)
    inner = list(range(block.start + 1, block.end))
    position = 0
    if inner and FENCE_RE.match(lines[inner[0]]):
        closing = next((p for p in range(1, len(inner)) if FENCE_RE.match(lines[inner[p]])), len(inner))
        data, key_lines = load_yaml("\n".join(lines[i] for i in inner[1:closing]), inner[0] + 2, problem)
        for key, value in (data or {}).items():
            _add_field(fields, str(key), Field(value, key_lines.get(str(key), inner[0] + 1), True), problem)
        position = closing + 1
    else:
        while position < len(inner) and (option := MD_OPTION_RE.match(lines[inner[position]])):
            _add_field(fields, option["key"], Field(option["value"] or "", inner[position] + 1, False), problem)
            position += 1
    header.post_content = any(lines[i].strip() for i in inner[position:])
    header.fields = fields


def _add_field(fields: dict[str, Field], key: str, value: Field, problem: Report) -> None:
    if key in fields:
        problem(f"{key!r} is given twice (first on line {fields[key].line})", value.line)
        return
    fields[key] = value


def _markdown_title(lines: list[str], start: int, blocks: list[_Block], header: Header, problem: Report) -> None:
    posts = {block.start: block for block in blocks if block.name == "post"}
    index = start
    while index < len(lines):
        line = lines[index]
        if index in posts:
            index = posts[index].end + 1
            continue
        if not line.strip() or MD_LABEL_RE.match(line) or line.startswith("%") or _html_comment(line):
            index += 1
            continue
        if match := MD_TITLE_RE.match(line):
            header.title, header.title_line = match.group(1), index + 1
            return
        if not header.fields and RST_FIELD_RE.match(line):
            header.broken = True
            problem(
                "starts with `:key: value` lines, which Markdown shows as text; write the details as front "
                "matter between two `---` lines (`key: value`, no leading colon)",
                index + 1,
            )
            return
        where = "right after the front matter" if header.origin == "front matter" else "at the top of the file"
        problem(f"the essay must begin with its title as a `# Title` heading, {where}", index + 1)
        return
    problem("the essay has no title and no text; add a `# Title` line after its details", len(lines) or 1)


def _html_comment(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("<!--") and stripped.endswith("-->")


def _markdown_images(lines: list[str], start: int, blocks: list[_Block]) -> list[tuple[str, int]]:
    """Images in text order: Markdown images, and {image} and {figure} directives, also
    inside other directives (admonitions), never inside code."""
    found: list[tuple[str, int]] = []
    by_start = {block.start: block for block in blocks}
    index = start
    while index < len(lines):
        block = by_start.get(index)
        if block is None:
            found += [(match.group(1), index + 1) for match in MD_IMAGE_RE.finditer(lines[index])]
            index += 1
            continue
        if block.name in {"image", "figure"} and block.argument:
            found.append((block.argument, index + 1))
        elif block.name and block.name not in CODE_DIRECTIVES:
            found += _markdown_images(lines[: block.end], index + 1, _markdown_blocks(lines, index + 1, block.end))
        index = block.end + 1
    return found


# -- reStructuredText -------------------------------------------------------------------------


def read_rest(lines: list[str], problem: Report) -> Header:
    """A field list before the title (comments may precede it) or a ``.. post::`` directive."""
    header = Header()
    index = _skip_blank_and_comments(lines, 0)
    if index < len(lines) and RST_FIELD_RE.match(lines[index]):
        index = _rest_fields(lines, index, header, problem)
        header.origin = "field list"
    posts = _rest_posts(lines)
    for extra in posts[1:]:
        problem(
            f"a second post directive (the first is on line {posts[0] + 1}): one essay per file; "
            "move the second part into an essay of its own",
            extra + 1,
        )
    if posts:
        if header.fields:
            problem(
                f"has both a field list (line {min(f.line for f in header.fields.values())}) and a post directive "
                f"(line {posts[0] + 1}), which would give the essay two sets of details; delete the post "
                "directive, moving any option you want to keep into the field list",
                posts[0] + 1,
            )
        else:
            _rest_post(lines, posts[0], header, problem)
    _rest_title(lines, index, set(posts), header, problem)
    header.images = _rest_images(lines)
    return header


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], index: int, indent: int) -> int:
    """The index after the block introduced at *index*: the lines that follow, blank or indented
    deeper than *indent*."""
    end = index + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
        end += 1
    while end > index + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _skip_blank_and_comments(lines: list[str], index: int) -> int:
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
        elif _rest_comment(line):
            index = _block_end(lines, index, 0)
        else:
            return index
    return index


def _rest_comment(line: str) -> bool:
    return bool(RST_COMMENT_RE.match(line)) and not RST_DIRECTIVE_RE.match(line) and not _rest_markup_line(line)


def _rest_markup_line(line: str) -> bool:
    """Explicit markup that is not a comment: a target, a substitution, a footnote or citation."""
    return bool(RST_TARGET_RE.match(line) or re.match(r"^\.\.\s+(\||\[)", line))


def _rest_fields(lines: list[str], index: int, header: Header, problem: Report) -> int:
    while index < len(lines) and (match := RST_FIELD_RE.match(lines[index])):
        end = _block_end(lines, index, 0)
        parts = [match["value"] or "", *(line.strip() for line in lines[index + 1 : end])]
        value = " ".join(part for part in parts if part)
        _add_field(header.fields, match["key"].replace("\\", ""), Field(value, index + 1, False), problem)
        index = end
    return index


def _rest_literal_starts(line: str) -> bool:
    directive = RST_DIRECTIVE_RE.match(line)
    if directive:
        return directive["name"] in RST_LITERAL_DIRECTIVES
    return line.rstrip().endswith("::") and not RST_COMMENT_RE.match(line)


def _rest_posts(lines: list[str]) -> list[int]:
    """Post directives at the top level (column 0); literal blocks are indented, so a
    directive shown as an example is never one."""
    return [
        index
        for index, line in enumerate(lines)
        if (match := RST_DIRECTIVE_RE.match(line)) and match["name"] == "post" and not match["indent"]
    ]


def _rest_post(lines: list[str], index: int, header: Header, problem: Report) -> None:
    header.origin = "post directive"
    header.post_line = index + 1
    match = RST_DIRECTIVE_RE.match(lines[index])
    if match["argument"]:
        header.fields["date"] = Field(match["argument"], index + 1, False)
    end = _block_end(lines, index, 0)
    position = index + 1
    while position < end and (option := RST_FIELD_RE.match(lines[position].strip())) and lines[position].strip():
        _add_field(header.fields, option["key"], Field(option["value"] or "", position + 1, False), problem)
        position += 1
    header.post_content = any(line.strip() for line in lines[position:end])


def _rest_title(lines: list[str], index: int, posts: set[int], header: Header, problem: Report) -> None:
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
        elif index in posts or RST_TARGET_RE.match(line) or _rest_comment(line):
            index = _block_end(lines, index, 0)
        else:
            break
    if index >= len(lines):
        problem("the essay has no title and no text; add a title, underlined with = signs", len(lines) or 1)
        return
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if RST_ADORNMENT_RE.match(lines[index]) and index + 2 < len(lines) and RST_ADORNMENT_RE.match(lines[index + 2]):
        header.title, header.title_line = lines[index + 1].strip(), index + 2
    elif lines[index].strip() and not RST_ADORNMENT_RE.match(lines[index]) and RST_ADORNMENT_RE.match(following):
        header.title, header.title_line = lines[index].strip(), index + 1
    elif RST_FIELD_RE.match(lines[index]) and not header.fields:
        problem("the field list must come first in the file, before the title (as ABlog reads it)", index + 1)
    else:
        problem(
            "the essay must begin with its title, underlined with = signs on the next line "
            "(after its field list or post directive)",
            index + 1,
        )
        return
    after = _skip_blank_and_comments(lines, header.title_line + (1 if header.title_line == index + 1 else 2))
    if not header.fields and after < len(lines) and RST_FIELD_RE.match(lines[after]) and after not in posts:
        problem(
            "the field list after the title is not read as the essay's details; move it above the title",
            after + 1,
        )


def _rest_images(lines: list[str]) -> list[tuple[str, int]]:
    found = []
    literal_indent = None
    for index, line in enumerate(lines):
        if literal_indent is not None:
            if not line.strip() or _indent(line) > literal_indent:
                continue
            literal_indent = None
        match = RST_DIRECTIVE_RE.match(line)
        if match and match["name"] in {"image", "figure"} and match["argument"]:
            found.append((match["argument"], index + 1))
        elif _rest_literal_starts(line):
            literal_indent = _indent(line)
    return found


def load_yaml_with_lines(loader_class, text: str, first_line: int, problem: Report) -> tuple[dict | None, dict]:
    """A YAML mapping and the line of each key (*first_line* is the file's line of the YAML's first line).

    Anchors and aliases (``&a``, ``*a``) are refused before anything is built:
    details never need them, and aliases can expand without bound."""
    offset = first_line - 1
    try:
        for event in yaml.parse(text, Loader=loader_class):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                problem(
                    "front matter may not use YAML anchors or aliases (& and *); write each value out",
                    event.start_mark.line + 1 + offset,
                )
                return None, {}
    except yaml.YAMLError:
        pass  # reported below, with the construct that broke
    loader = loader_class(text)
    try:
        node = loader.get_single_node()  # parsed once: the values, and each key's line
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        # Where the broken construct began ("while parsing a flow sequence") says
        # more than where the parser gave up, often the end of the block.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        last = text.count("\n") + 1 + offset
        line = min(mark.line + 1 + offset, last) if mark else first_line
        at = getattr(error, "problem_mark", None)
        lines = text.split("\n")
        if at is not None and at.line < len(lines) and "\t" in lines[at.line][: at.column + 1]:
            problem("a tab character: YAML indents with spaces only; replace the tab with spaces", at.line + 1 + offset)
        elif "mapping values are not allowed" in reason and at is not None:
            problem(
                "this value holds a colon followed by a space, which YAML reads as a new key: "
                'put the whole value in quotes, e.g. description: "Love: a verb"',
                at.line + 1 + offset,
            )
        else:
            problem(f"front matter is not valid YAML: {reason}", line)
        return None, {}
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict) or (node is not None and not isinstance(node, yaml.MappingNode)):
        problem("front matter must be `key: value` lines", first_line)
        return None, {}
    key_lines: dict = {}
    for key_node, _ in node.value if node is not None else ():
        key = str(key_node.value)
        line = key_node.start_mark.line + 1 + offset
        if key in key_lines:
            problem(f"front-matter key {str(key)[:60]!r} is given twice (first on line {key_lines[key]})", line)
        key_lines[key] = line
    return data, key_lines
