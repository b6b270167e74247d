"""The search index's pure core (``unscripted.core.search``): terms, postings, shards, updates. No site is built."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unscripted.core import search
from unscripted.core.search import DocumentTerms, Postings, Record, build_index, document_terms, tokens

pytestmark = pytest.mark.fast


# -- Terms ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Don't WALK—walked, walking!", ["don", "t", "walk", "walked", "walking"]),
        ("ΟΔΟΣ οδός", ["οδοσ", "οδόσ"]),  # a final sigma is folded, accents are kept
        ("ｆｕｌｌ　ｗｉｄｔｈ ﬁne ²", ["full", "width", "fine", "2"]),  # NFKC
        ("आत्मीयता से", ["आत्मीयता", "से"]),  # vowel signs and viramas are part of the word
        ("言葉の前に", ["言葉", "葉の", "の前", "前に"]),  # no spaces: overlapping pairs
        ("コーヒー", ["コー", "ーヒ", "ヒー"]),  # the prolonged sound mark stays in the word
        ("2024年に愛", ["2024", "年に", "に愛"]),  # digits apart, then pairs
        ("愛。", ["愛"]),  # a lone character is itself
        ("친밀감 고백", ["친밀", "밀감", "고백"]),
        ("ภาษาไทย", ["ภา", "าษ", "ษา", "าไ", "ไท", "ทย"]),
        ("abc漢字def", ["abc", "漢字", "def"]),
        ("مَا لا نقوله", ["مَا", "لا", "نقوله"]),
        ("𠮷野家", ["𠮷野", "野家"]),  # beyond the BMP: characters, not UTF-16 halves
        ("x" * 100, ["x" * search.MAX_TERM]),
        ("— … !", []),
    ],
)
def test_tokens(text, expected):
    assert tokens(text) == expected


def test_a_documents_terms_hold_its_titles():
    terms, title_terms = document_terms("The Quiet Lie", "A lie told quietly.")
    assert title_terms == "lie quiet the"
    assert terms == "a lie quiet quietly the told"


def test_the_index_is_in_javascripts_order():
    """JavaScript compares UTF-16 code units: U+FF10 comes after U+20BB7 (a surrogate pair)."""
    documents = [DocumentTerms("a", "０ 𠮷 z", "")]
    files = build_index(documents, [Record("a.html", "A")])
    shard = next(content for path, content in files.items() if path.startswith("t/")).decode()
    assert [line.split("\t")[0] for line in shard.splitlines()] == ["z", "𠮷", "０"]
    assert sorted(["０", "𠮷", "z"]) == ["z", "０", "𠮷"]  # ... which Python's own order is not


# -- Postings --------------------------------------------------------------------------------------------


@given(st.lists(st.integers(min_value=0, max_value=100_000), unique=True, max_size=200))
def test_postings_read_back(numbers):
    numbers.sort()
    text = search.write_postings(numbers)
    assert search.read_postings(text) == numbers
    assert "\t" not in text and " " not in text and "\n" not in text


def test_dense_postings_cost_a_character_each():
    assert search.write_postings(list(range(1000))) == "0" * 1000
    assert search.write_postings([31, 32, 1056, 1057]) == "v" + "0" + ".v" + "0"  # 31, +1, +1024, +1


# -- Updates equal fresh builds -------------------------------------------------------------------------

WORDS = ["quiet", "lie", "morning", "walk", "walked", "言葉", "葉の", "ภา", "𠮷野", "z"]


def document(key: str, words: list[str], title: list[str]) -> DocumentTerms:
    return DocumentTerms(key, " ".join(sorted(set(words) | set(title))), " ".join(sorted(set(title))))


documents_strategy = st.lists(
    st.tuples(st.lists(st.sampled_from(WORDS), max_size=6), st.lists(st.sampled_from(WORDS), max_size=2)),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(first=documents_strategy, second=documents_strategy, keep=st.integers(min_value=0, max_value=12))
def test_an_updated_index_equals_a_fresh_one(first, second, keep):
    """Whatever happens between two builds (edits, additions, removals, renumbering), the
    postings updated document by document are those a clean build makes."""
    before = [document(f"d{n}", words, title) for n, (words, title) in enumerate(first)]
    # The second build keeps a prefix of the first's documents (some edited) and goes on differently.
    after = before[:keep] + [document(f"e{n}", words, title) for n, (words, title) in enumerate(second)]
    if keep and second:
        after[0] = document(after[0].key, *second[0])
    postings = Postings.of(before)
    postings.update(after)
    fresh = Postings.of(after)
    assert postings.lines == fresh.lines
    assert {t: list(n) for t, n in postings.terms.items()} == {t: list(n) for t, n in fresh.terms.items()}
    assert {t: list(n) for t, n in postings.titles.items()} == {t: list(n) for t, n in fresh.titles.items()}


def test_the_update_check_can_fail(monkeypatch):
    """An update that forgot to drop a removed term would not equal a fresh build."""
    before = [document("a", ["quiet", "lie"], []), document("b", ["walk"], [])]
    after = [document("a", ["quiet"], []), document("b", ["walk"], [])]
    postings = Postings.of(before)
    monkeypatch.setattr(Postings, "_edit", lambda self, documents, edited: set())
    postings.update(after)
    assert postings.lines != Postings.of(after).lines


def test_many_changes_start_afresh(monkeypatch):
    postings = Postings.of([document(f"d{n}", ["quiet"], []) for n in range(40)])
    calls = []
    monkeypatch.setattr(Postings, "_edit", lambda *args: calls.append(args) or set())
    changed = postings.update([document(f"x{n}", ["lie"], []) for n in range(40)])  # everything renumbered
    assert changed == {"quiet", "lie"} and not calls
    assert postings.lines == Postings.of([document(f"x{n}", ["lie"], []) for n in range(40)]).lines


# -- Shards ---------------------------------------------------------------------------------------------


def corpus(count: int, seed: int = 3) -> list[DocumentTerms]:
    import random

    rng = random.Random(seed)
    vocabulary = ["".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(4000)]
    return [document(f"d{n}", rng.choices(vocabulary, k=300), rng.choices(vocabulary, k=3)) for n in range(count)]


def shard_paths(documents: list[DocumentTerms]) -> set[str]:
    return {path for _, path, _ in search.shard_files(Postings.of(documents))}


def test_an_edit_changes_few_shards():
    documents = corpus(200)
    before = shard_paths(documents)
    assert len(before) > 20
    edited = list(documents)
    words, title = edited[100].terms.split(), edited[100].title_terms.split()
    gone = next(word for word in words if word not in title)
    edited[100] = document("d100", [*(w for w in words if w != gone), "zzz"], title)  # one word gone, one new
    assert len(shard_paths(edited) - before) <= 4
    # Adding the newest essay touches the shards of its terms only, never renumbers the others.
    added = shard_paths([*documents, document("new", ["quiet", "lie"], [])])
    assert len(added - before) <= 3


def test_shards_cover_every_term_in_order_and_a_common_term_stands_alone():
    documents = [*corpus(300), *(document(f"c{n}", ["common"], []) for n in range(40_000))]
    postings = Postings.of(documents)
    shards = search.shard_files(postings)
    lines = [line for _, _, content in shards for line in content.decode().splitlines()]
    assert [line.split("\t")[0] for line in lines] == [term for term, _ in postings.sorted_lines()]
    assert [first for first, _, _ in shards] == sorted(first for first, _, _ in shards)
    alone = [content for _, _, content in shards if content.startswith(b"common\t")]
    assert len(alone) == 1 and alone[0].count(b"\n") == 1
    assert max(len(content) for _, _, content in shards) <= search.MAX_SHARD_BYTES + 2 * search.ALONE_BYTES


def test_the_directory_names_every_file_by_its_bytes():
    documents = corpus(40)
    records = [Record(f"posts/{n}.html", f"Essay {n}", "2024-01-01", "1 January 2024", "…") for n in range(40)]
    files = build_index(documents, records)
    directory = json.loads(files[search.DIRECTORY])
    assert directory["documents"] == 40 and directory["group"] == search.GROUP
    assert len(directory["groups"]) == 3  # 16 + 16 + 8
    named = {f"t/{name}.txt" for _, name in directory["shards"]} | {f"d/{name}.json" for name in directory["groups"]}
    assert named == set(files) - {search.DIRECTORY}
    for path in named:
        assert path.split("/")[1].split(".")[0] == search.file_name(files[path])
    first = json.loads(files[f"d/{directory['groups'][0]}.json"])
    assert first[0] == ["posts/0.html", "Essay 0", "2024-01-01", "1 January 2024", "…"]
    assert build_index(documents, records) == files  # the same bytes every time


def test_postings_are_kept_between_builds_as_they_were():
    import pickle

    documents = corpus(50)
    postings = Postings.of(documents)
    again = pickle.loads(pickle.dumps(postings, protocol=pickle.HIGHEST_PROTOCOL))
    assert again.lines == postings.lines and again.keys == postings.keys
    assert {t: list(n) for t, n in again.terms.items()} == {t: list(n) for t, n in postings.terms.items()}
    assert {t: list(n) for t, n in again.titles.items()} == {t: list(n) for t, n in postings.titles.items()}
    edited = [*documents[:-1], document("d49", ["quiet"], ["quiet"])]
    again.update(edited)
    assert again.lines == Postings.of(edited).lines
