"""Site search: the terms of each document, and the sharded static index a browser searches.

Pure Python. ``read.search`` records each document's terms as it is read;
``write.search`` keeps the ``Postings`` between builds and writes the files made
here; ``static/unscripted-search.js`` searches them. Its tokenizer is this one,
rule for rule (``tests/test_search_engine.py`` checks that they agree on any text).

Terms (``tokens``)
    NFKC, lower case (a final sigma folded to σ, so ΟΔΟΣ, οδος and οδοσ meet),
    then words: runs of letters, marks and numbers (``\\p{L}\\p{M}\\p{N}``), at
    most ``MAX_TERM`` characters. Scripts written without spaces between words
    (Han, Hiragana, Katakana, Hangul, Thai, Lao, Khmer, Myanmar: ``NO_SPACE``)
    give overlapping pairs of characters instead (言葉の → 言葉, 葉の), a lone
    character itself. No stemming: the site is multilingual. A query word of
    three characters or more matches as a prefix instead (walk: walked, walking),
    and so does a lone character of a script without spaces.

The index, in ``INDEX_FOLDER``
    Documents are numbered by the caller, oldest first, so that a new essay
    takes the next number and an edit renumbers nothing.

    * ``t/<hash>.txt``: term shards. One line per term, in UTF-16 order (the
      order of JavaScript's ``<``): ``term TAB postings [TAB title postings]``,
      where postings are the numbers of the documents holding the term (title
      postings: in their title), as gaps in base-32 digits (``write_postings``).
      A shard ends after a term whose stable hash says so (one term in
      ``TERMS_PER_SHARD``), so an edit changes the shards of the terms it
      touches and no others; a term with long postings has a shard of its own,
      and a shard ends early at ``MAX_SHARD_BYTES``.
    * ``d/<hash>.json``: records, ``GROUP`` per file by number: path, title,
      date (ISO and as lists write it), excerpt, language and direction (where
      they differ from the site's).
    * ``index.json``: the directory: the first term and the name of each term
      shard, the name of each file of records. A browser fetches it, then the
      shards whose range holds a query term or prefix, then the records of the
      results it shows.

    Shard and record files are named by the hash of their bytes, so a file
    never changes under a name: a reader whose directory is older than the
    site gets a missing file (and fetches the directory again), never a wrong
    one; and only the files whose bytes changed are written.
"""

from __future__ import annotations

import base64
import bisect
import functools
import hashlib
import json
import re
import unicodedata
import zlib
from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import regex

INDEX_FOLDER = "search-index"
PAGES = ("about",)  # pages the index holds besides the published essays
DIRECTORY = "index.json"
FORMAT = 1
MAX_TERM = 64  # characters; longer words (a hash in a code block) are cut
# Scripts written without spaces between words, by block (the same ranges in
# unscripted-search.js). By block rather than by Script, so that ー (Common, in
# Katakana's block) stays inside its word.
NO_SPACE = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x1780, 0x17FF),  # Khmer
    (0x19E0, 0x19FF),  # Khmer Symbols
    (0x2E80, 0x2FDF),  # CJK and Kangxi radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # kana repeat marks
    (0x3038, 0x303C),  # more Han numerals and marks
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xA9E0, 0xA9FF),  # Myanmar Extended-B
    (0xAA60, 0xAA7F),  # Myanmar Extended-A
    (0xAC00, 0xD7FF),  # Hangul Syllables, Hangul Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFF66, 0xFFDC),  # halfwidth Katakana and Hangul
    (0x1AFF0, 0x1B16F),  # Kana Extended-A and -B, Kana Supplement, Small Kana
    (0x20000, 0x3FFFF),  # CJK Unified Ideographs Extensions B and later
)
# Letters, marks and numbers as Unicode says (the regex module's tables, the version
# browsers know too; Python's own re knows no \p{...}).
WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+")
# Within a word, runs of no-space letters (split() keeps them at odd positions).
NO_SPACE_RE = re.compile("([" + "".join(f"\\U{start:08X}-\\U{end:08X}" for start, end in NO_SPACE) + "]+)")


def normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("ς", "σ")


def tokens(text: str) -> list[str]:
    """The terms of *text*, in order (a query's words; see the module's docstring)."""
    found = []
    for word in WORD_RE.findall(normalized(text)):
        if word.isascii() or not NO_SPACE_RE.search(word):  # most words: no split needed
            found.append(word[:MAX_TERM])
            continue
        for position, part in enumerate(NO_SPACE_RE.split(word)):
            if not part:
                continue
            if position % 2 == 0:
                found.append(part[:MAX_TERM])
            elif len(part) == 1:
                found.append(part)
            else:
                found.extend(part[i : i + 2] for i in range(len(part) - 1))
    return found


def utf16_order(term: str) -> bytes:
    """JavaScript compares strings by UTF-16 code units, Python by code points (they differ
    above U+FFFF): the index is sorted as the browser will search it."""
    return term.encode("utf-16-be", "surrogatepass")


def terms(text: str) -> str:
    """The distinct terms of *text*, sorted, space-separated: how a document keeps them
    (one string: a set per document would cost too much memory at ten thousand essays)."""
    return " ".join(sorted(set(tokens(text))))


def document_terms(title: str, text: str) -> tuple[str, str]:
    """(every term, title terms) of a document whose title is *title* and text *text*."""
    in_title = set(tokens(title))
    return " ".join(sorted(in_title.union(tokens(text)))), " ".join(sorted(in_title))


# -- Postings -------------------------------------------------------------------------------------

# Document numbers as gaps (each at least 1), each gap less one written in base 32,
# most significant digit first: every digit but the last from CONTINUED, the last
# from FINAL. Dense postings (a gap of 1) cost a character each; gzip shrinks them further.
FINAL = "0123456789abcdefghijklmnopqrstuv"
CONTINUED = "ABCDEFGHIJKLMNOPQRSTUVWXYZ+/=-_."


def vlq(value: int) -> str:
    digits = FINAL[value & 31]
    value >>= 5
    while value:
        digits = CONTINUED[value & 31] + digits
        value >>= 5
    return digits


def write_postings(numbers: Sequence[int]) -> str:
    return "".join([_gap(b - a) for a, b in zip((-1, *numbers), numbers, strict=False)])


@functools.lru_cache(maxsize=1 << 16)
def _gap(gap: int) -> str:
    return vlq(gap - 1)


def read_postings(text: str) -> list[int]:
    """The document numbers in *text* (for tests; the browser has its own reader)."""
    numbers, value, last = [], 0, -1
    for character in text:
        if character in CONTINUED:
            value = value * 32 + CONTINUED.index(character)
        else:
            last += value * 32 + FINAL.index(character) + 1
            numbers.append(last)
            value = 0
    return numbers


def terms_digest(terms: str, title_terms: str) -> str:
    return hashlib.blake2b(f"{terms}\0{title_terms}".encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class DocumentTerms:
    """What the index holds of one document: *terms* are all of its terms, title included,
    *title_terms* its title's (as ``document_terms`` gives them)."""

    key: str  # the document's name, the same from build to build
    terms: str
    title_terms: str
    digest: str = ""  # terms_digest(terms, title_terms), if the caller has it

    def __post_init__(self) -> None:
        if not self.digest:
            object.__setattr__(self, "digest", terms_digest(self.terms, self.title_terms))


# An update that renumbers or changes more documents than this starts afresh: quicker.
MAX_UPDATES = 32
ADD_BLOCK = 1024  # documents


class Postings:
    """Term -> the numbers of the documents holding it (and holding it in their title), and
    each term's line as the shards carry it. Kept between builds and updated document by
    document (``update``): one edit re-encodes the lines of the terms it touched, not the
    millions of postings of ten thousand essays. An update ends where a fresh build would."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.digests: list[str] = []
        self.terms: dict[str, array[int]] = {}
        self.titles: dict[str, array[int]] = {}
        self.lines: dict[str, str] = {}

    def __getstate__(self) -> dict:
        # Arrays as bytes: pickling fifty thousand arrays one by one takes ten times longer.
        state = dict(self.__dict__)
        for name in ("terms", "titles"):
            state[name] = {term: numbers.tobytes() for term, numbers in state[name].items()}
        return state

    def __setstate__(self, state: dict) -> None:
        for name in ("terms", "titles"):
            tables = {}
            for term, data in state[name].items():
                tables[term] = numbers = array("I")
                numbers.frombytes(data)
            state[name] = tables
        self.__dict__.update(state)

    @classmethod
    def of(cls, documents: Sequence[DocumentTerms]) -> Postings:
        postings = cls()
        postings.update(documents)
        return postings

    def update(self, documents: Sequence[DocumentTerms]) -> set[str]:
        """Make these the postings of *documents*, numbered in this order; return the terms
        whose lines changed (every term, when it starts afresh)."""
        keys = [document.key for document in documents]
        digests = [document.digest for document in documents]
        common = 0
        while common < min(len(keys), len(self.keys)) and keys[common] == self.keys[common]:
            common += 1
        edited = [number for number in range(common) if digests[number] != self.digests[number]]
        if len(edited) + len(self.keys) - common + len(keys) - common > MAX_UPDATES:
            before = set(self.lines)
            self.terms, self.titles, self.lines = {}, {}, {}
            changed = before | self._add(documents, 0)
        else:
            changed = self._drop_from(common) | self._edit(documents, edited) | self._add(documents, common)
        self.keys, self.digests = keys, digests
        for term in changed:
            numbers = self.terms.get(term)
            if not numbers:
                self.terms.pop(term, None)
                self.lines.pop(term, None)
                continue
            line = f"{term}\t{write_postings(numbers)}"
            if title := self.titles.get(term):
                line += f"\t{write_postings(title)}"
            self.lines[term] = line
        return changed

    def _tables(self):
        return ((self.terms, "terms"), (self.titles, "title_terms"))

    def _drop_from(self, start: int) -> set[str]:
        """Forget documents numbered *start* and above."""
        changed = set()
        if start >= len(self.keys):
            return changed
        for table, _ in self._tables():
            for term, numbers in list(table.items()):
                if numbers[-1] >= start:
                    del numbers[bisect.bisect_left(numbers, start) :]
                    changed.add(term)
                    if not numbers:
                        del table[term]
        return changed

    def _edit(self, documents: Sequence[DocumentTerms], edited: list[int]) -> set[str]:
        """Documents whose terms changed, numbers unchanged."""
        changed = set()
        if not edited:
            return changed
        for table, field_name in self._tables():
            before: dict[int, set[str]] = {number: set() for number in edited}
            for term, numbers in table.items():
                for number in edited:
                    at = bisect.bisect_left(numbers, number)
                    if at < len(numbers) and numbers[at] == number:
                        before[number].add(term)
            for number in edited:
                now = set(getattr(documents[number], field_name).split())
                for term in before[number] - now:
                    numbers = table[term]
                    del numbers[bisect.bisect_left(numbers, number)]
                    if not numbers:
                        del table[term]
                for term in now - before[number]:
                    bisect.insort(table.setdefault(term, array("I")), number)
                changed |= before[number] ^ now
        return changed

    def _add(self, documents: Sequence[DocumentTerms], start: int) -> set[str]:
        """Documents numbered *start* and above, new (the common case: the newest essay)."""
        changed: set[str] = set()
        for table, field_name in self._tables():
            # Lists are quicker to fill than arrays, arrays a third of the memory: a block at a time.
            for block in range(start, len(documents), ADD_BLOCK):
                lists: dict[str, list[int]] = defaultdict(list)
                for number in range(block, min(block + ADD_BLOCK, len(documents))):
                    for term in getattr(documents[number], field_name).split():
                        lists[term].append(number)
                for term, numbers in lists.items():
                    if term in table:
                        table[term].extend(numbers)
                    else:
                        table[term] = array("I", numbers)
                changed.update(lists)
        return changed

    def sorted_lines(self) -> list[tuple[str, str]]:
        return [(term, self.lines[term]) for term in sorted(self.lines, key=utf16_order)]


# -- Files -------------------------------------------------------------------------------------------

TERMS_PER_SHARD = 96  # on average: a shard ends after a term whose hash is 0 modulo this
ALONE_BYTES = 6 * 1024  # a term with longer postings has a shard of its own
MAX_SHARD_BYTES = 48 * 1024  # a shard ends early when it reaches this size
GROUP = 16  # documents per document file
NAME_LENGTH = 10  # characters of base 32: 50 bits


def ends_shard(term: str) -> bool:
    """A stable choice (the same in every process and build), made by the term alone."""
    return zlib.crc32(term.encode("utf-8")) % TERMS_PER_SHARD == 0


def cut_shards(lines: Sequence[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """(term, line) pairs in order, cut into shards by the terms' content (the module's docstring)."""
    shards: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    size = 0
    for term, line in lines:
        alone = len(line) > ALONE_BYTES
        if alone and current:
            shards.append(current)
            current, size = [], 0
        current.append((term, line))
        size += len(line) + 1
        if alone or size >= MAX_SHARD_BYTES or ends_shard(term):
            shards.append(current)
            current, size = [], 0
    if current:
        shards.append(current)
    return shards


def file_name(content: bytes) -> str:
    """A file's name: the hash of its bytes."""
    return base64.b32encode(hashlib.sha256(content).digest()).decode()[:NAME_LENGTH].lower()


@dataclass(frozen=True)
class Record:
    """A document as a result shows it."""

    path: str  # relative to the site's root, as in a URL
    title: str
    date: str | None = None  # ISO 8601
    date_text: str | None = None  # as the site's lists write it
    excerpt: str = ""
    language: str | None = None  # where it differs from the site's
    direction: str | None = None  # "rtl" where it is written right to left

    def fields(self) -> list:
        fields = [self.path, self.title, self.date, self.date_text, self.excerpt, self.language, self.direction]
        while fields[-1] is None:
            fields.pop()
        return fields


def compact_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def group_file(records: Sequence[Record]) -> tuple[str, bytes]:
    """One document file: up to ``GROUP`` records, by number; (path in the index, bytes)."""
    content = compact_json([record.fields() for record in records])
    return f"d/{file_name(content)}.json", content


def shard_files(postings: Postings) -> list[tuple[str, str, bytes]]:
    """The term shards: (first term, path in the index, bytes)."""
    files = []
    for shard in cut_shards(postings.sorted_lines()):
        content = ("\n".join(line for _, line in shard) + "\n").encode("utf-8")
        files.append((shard[0][0], f"t/{file_name(content)}.txt", content))
    return files


def directory(documents: int, shards: Sequence[tuple[str, str]], groups: Sequence[str]) -> bytes:
    """``index.json``: the first term and file of each shard, the file of each group of documents."""
    names = [name for _, name in shards] + list(groups)
    if len(set(names)) != len(names):
        raise ValueError("two different index files would have one name")  # 50 bits: never, but not silently
    return (
        compact_json(
            {
                "format": FORMAT,
                "documents": documents,
                "group": GROUP,
                "shards": [[term, _stem(path)] for term, path in shards],
                "groups": [_stem(path) for path in groups],
            }
        )
        + b"\n"
    )


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].split(".", 1)[0]


def build_index(documents: Sequence[DocumentTerms], records: Sequence[Record]) -> dict[str, bytes]:
    """Every file of the index of *documents* (numbered in this order) from scratch: path
    inside ``INDEX_FOLDER`` -> bytes. (``write.search`` makes the same files step by step.)"""
    if len(documents) != len(records):
        raise ValueError("one record per document")
    files = {}
    shards = []
    for first, path, content in shard_files(Postings.of(documents)):
        files[path] = content
        shards.append((first, path))
    groups = []
    for start in range(0, len(records), GROUP):
        path, content = group_file(records[start : start + GROUP])
        files[path] = content
        groups.append(path)
    files[DIRECTORY] = directory(len(documents), shards, groups)
    return files
