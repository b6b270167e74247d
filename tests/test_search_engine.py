"""The browser's half of search (``unscripted/static/unscripted-search.js``), run with Node.js:
its tokenizer agrees with the build's on any text, and its search of an index the build
made matches as promised (every word, prefixes, ranking, absent words)."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unscripted.core import search
from unscripted.core.search import DocumentTerms, Record, build_index, document_terms

from tools import program

SCRIPT = Path(__file__).resolve().parents[1] / "unscripted/static/unscripted-search.js"
# Answers one JSON request per line: the module's functions, on the text or index given.
HARNESS = """
import { createInterface } from "node:readline";
import { readFile } from "node:fs/promises";
import { tokenize, parseQuery, markedText, NO_SPACE, SearchIndex } from "./search.mjs";
for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line);
  let answer;
  if (request.tokenize !== undefined) answer = request.tokenize.map(tokenize);
  else if (request.noSpace) answer = NO_SPACE;
  else if (request.marked !== undefined) answer = markedText(request.marked, parseQuery(request.query));
  else {
    const index = new SearchIndex((path) => readFile(`${request.index}/${path}`, "utf8"));
    const found = await index.search(request.search);
    const records = await index.records(found.numbers);
    answer = { ...found, paths: records.map((record) => record[0]) };
  }
  process.stdout.write(JSON.stringify(answer) + "\\n");
}
"""


class Node:
    def __init__(self, folder: Path) -> None:
        shutil.copy(SCRIPT, folder / "search.mjs")
        (folder / "harness.mjs").write_text(HARNESS)
        self.process = subprocess.Popen(
            [program("node", "nodejs"), str(folder / "harness.mjs")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def ask(self, **request):
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "node stopped"
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    runner = Node(tmp_path_factory.mktemp("node"))
    yield runner
    runner.close()


# -- The same terms on both sides --------------------------------------------------------------------


def test_both_sides_know_the_same_scripts_without_spaces(node):
    assert [tuple(pair) for pair in node.ask(noSpace=True)] == list(search.NO_SPACE)


def assigned(character: str) -> bool:
    """Assigned in Python's Unicode database (14.0 for Python 3.11). Characters assigned
    later have no case or compatibility mappings in it, while Node.js knows them: no two
    tokenizers on different Unicode versions can agree on those, so they are left out."""
    return unicodedata.category(character) not in {"Cn", "Cs"}


SCRIPTS = (
    "abcXYZ éÅß ΟΔΟΣ ς İı ﬁ ² ½ ｶﾞ ㈱ 言葉の前にコーヒー"
    " 친밀감 ภาษาไทย ພາສາລາວ ភាសា မြန်မာ मेरा مَا עִבְרִית 𠮷 ‍ ‌ ’'-_ 0٣"
)  # characters of every script the site knows, and the awkward ones
any_text = st.text(st.characters(exclude_categories=("Cs",)).filter(assigned), max_size=40)
script_text = st.text(st.sampled_from(SCRIPTS), max_size=40)


@settings(max_examples=600, deadline=None)
@given(texts=st.lists(st.one_of(any_text, script_text), min_size=1, max_size=20))
def test_python_and_javascript_cut_any_text_into_the_same_terms(node, texts):
    assert node.ask(tokenize=texts) == [search.tokens(text) for text in texts]


def test_the_tokenizer_comparison_can_fail(node, monkeypatch):
    monkeypatch.setattr(search, "normalized", lambda text: text.lower())  # no NFKC on the Python side
    assert node.ask(tokenize=["ﬁne"]) != [search.tokens("ﬁne")]


# -- Searching an index the build made ------------------------------------------------------------------


def essay(key: str, title: str, text: str) -> tuple[DocumentTerms, Record]:
    terms, title_terms = document_terms(title, text)
    return DocumentTerms(key, terms, title_terms), Record(f"{key}.html", title)


# Oldest first, as the build numbers them.
ESSAYS = [
    essay("about", "About", "A pen name for a quiet writer."),
    essay("walks", "On Walking", "We walked to the sea; walking slowly."),
    essay("kitchen", "Kitchen Light", "A quiet walk before breakfast, the kitchen window open."),
    essay("quiet", "The Quiet Hour", "Nothing much happens."),
    essay("sea", "Sea Letters", "Letters about the sea and a walker who writes them."),
    essay("kotoba", "言葉の前に", "まだ言葉にならない気持ちを、急がずに分け合う。"),
    essay("thai", "บันทึก", "ความเงียบระหว่างเรา"),
    essay("newest", "Quiet Again", "The quiet returns to the kitchen."),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("index")
    for path, content in build_index([d for d, _ in ESSAYS], [r for _, r in ESSAYS]).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    return folder


def found(node, index, query: str) -> list[str]:
    answer = node.ask(search=query, index=str(index))
    return [path.removesuffix(".html") for path in answer["paths"]]


def test_every_word_must_match(node, index):
    assert found(node, index, "kitchen") == ["kitchen", "newest"]  # in its title first
    assert found(node, index, "quiet kitchen") == ["newest", "kitchen"]
    assert found(node, index, "pen name") == ["about"]


def test_a_word_of_three_characters_or_more_is_a_prefix(node, index):
    assert set(found(node, index, "walk")) == {"walks", "kitchen", "sea"}  # walked, walking, walk, walker
    assert found(node, index, "walke") == ["sea", "walks"]  # walker, walked
    assert found(node, index, "sea") == ["sea", "walks"]  # ...and shorter words are exact:
    assert found(node, index, "a") == ["sea", "kitchen", "about"]
    assert found(node, index, "wa") == []


def test_titles_first_then_newest(node, index):
    # "quiet" is in five documents, two with it in their title: those first, then the rest; newest first.
    assert found(node, index, "quiet") == ["newest", "quiet", "kitchen", "about"]
    assert found(node, index, "letters sea") == ["sea"]
    # A title holding only some of the words does not count as a title match.
    assert found(node, index, "quiet the") == ["quiet", "newest", "kitchen"]


def test_scripts_without_spaces(node, index):
    assert found(node, index, "言葉") == ["kotoba"]
    assert found(node, index, "気持ち") == ["kotoba"]
    assert found(node, index, "葉") == ["kotoba"]  # a lone character: the pairs it begins
    assert found(node, index, "เงียบ") == ["thai"]
    assert found(node, index, "言葉の後") == []


def test_absent_words_are_named(node, index):
    answer = node.ask(search="quiet xylophone", index=str(index))
    assert answer["missing"] == ["xylophone"]
    assert len(answer["numbers"]) == 4  # the other words still find their essays
    answer = node.ask(search="quiet sea", index=str(index))
    assert answer["missing"] == [] and answer["numbers"] == []


def test_matches_are_marked_in_excerpts(node):
    parts = node.ask(marked="We walked; the WALKERS. 言葉の前に", query="walk 言葉")
    assert parts == ["We ", {"mark": "walked"}, "; the ", {"mark": "WALKERS"}, ". ", {"mark": "言葉"}, "の前に"]
