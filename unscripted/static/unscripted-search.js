// The search page: the site's own sharded index (unscripted/core/search.py), searched here.
//
// * No inline script, no eval, nothing from another host: the index is found next to
//   this file (../search-index/ from _static/), so the site works at any path
//   (https://example.org/unscripted/ or a local server's root) unconfigured.
// * A query fetches the directory, the shards whose range holds its terms, then the
//   records of the results it shows; nothing is fetched until the reader shows an
//   intent to search (focus, or a query in the address).
// * Queries are cut into terms exactly as the build cut the essays (tokenize, the
//   same rules as core/search.py, checked by tests/test_search_tokenizer.py). Every
//   term must match (AND); a term of three characters or more matches as a prefix.
//   No stop words are dropped (the site is multilingual, and a common word costs a
//   few bytes); a word no essay holds is named rather than leaving the page silent.
// * Results: essays with every word in their title first, then the rest; newest
//   first in each. Built with DOM methods in the markup of the essay lists, each
//   title and excerpt in its essay's own language and direction. The count is
//   announced by the status line (role="status"); "More results" moves the focus
//   to the first result it adds.

export const MAX_TERM = 64;
// Scripts written without spaces between words, by block: the same as NO_SPACE in core/search.py.
export const NO_SPACE = [
  [0x0e00, 0x0eff], // Thai, Lao
  [0x1000, 0x109f], // Myanmar
  [0x1100, 0x11ff], // Hangul Jamo
  [0x1780, 0x17ff], // Khmer
  [0x19e0, 0x19ff], // Khmer Symbols
  [0x2e80, 0x2fdf], // CJK and Kangxi radicals
  [0x3005, 0x3007], // 々 〆 〇
  [0x3021, 0x3029], // Hangzhou numerals
  [0x3031, 0x3035], // kana repeat marks
  [0x3038, 0x303c], // more Han numerals and marks
  [0x3040, 0x30ff], // Hiragana, Katakana
  [0x3130, 0x318f], // Hangul Compatibility Jamo
  [0x31f0, 0x31ff], // Katakana Phonetic Extensions
  [0x3400, 0x4dbf], // CJK Unified Ideographs Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xa960, 0xa97f], // Hangul Jamo Extended-A
  [0xa9e0, 0xa9ff], // Myanmar Extended-B
  [0xaa60, 0xaa7f], // Myanmar Extended-A
  [0xac00, 0xd7ff], // Hangul Syllables, Hangul Jamo Extended-B
  [0xf900, 0xfaff], // CJK Compatibility Ideographs
  [0xff66, 0xffdc], // halfwidth Katakana and Hangul
  [0x1aff0, 0x1b16f], // Kana Extended-A and -B, Kana Supplement, Small Kana
  [0x20000, 0x3ffff], // CJK Unified Ideographs Extensions B and later
];
const NO_SPACE_CLASS = NO_SPACE.map(([start, end]) => `\\u{${start.toString(16)}}-\\u{${end.toString(16)}}`).join("");
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const NO_SPACE_RUNS = new RegExp(`([${NO_SPACE_CLASS}]+)`, "u");
const NO_SPACE_START = new RegExp(`^[${NO_SPACE_CLASS}]`, "u");

export function normalized(text) {
  return text.normalize("NFKC").toLowerCase().replaceAll("ς", "σ");
}

// The terms of a text, in order: runs of letters, marks and numbers; in scripts written
// without spaces, overlapping pairs of characters (a lone character itself).
export function tokenize(text) {
  const found = [];
  for (const [word] of normalized(text).matchAll(WORD)) {
    const parts = word.split(NO_SPACE_RUNS); // no-space runs at odd positions
    parts.forEach((part, position) => {
      if (!part) return;
      const characters = Array.from(part);
      if (position % 2 === 0) found.push(characters.slice(0, MAX_TERM).join(""));
      else if (characters.length === 1) found.push(part);
      else for (let i = 0; i + 1 < characters.length; i++) found.push(characters[i] + characters[i + 1]);
    });
  }
  return found;
}

// A query: its words as typed (for messages), each with its terms and how each matches.
export function parseQuery(raw) {
  const words = [];
  for (const text of raw.trim().split(/\s+/u)) {
    const terms = tokenize(text).map((term) => {
      const length = Array.from(term).length;
      // A word of three characters or more matches as a prefix; so does a lone character
      // of a no-space script (the pairs that start with it).
      const prefix = NO_SPACE_START.test(term) ? length === 1 : length >= 3;
      return { term, prefix };
    });
    if (terms.length) words.push({ text, terms });
  }
  return words;
}

// Postings: gaps between document numbers, base 32, most significant digit first.
const FINAL = "0123456789abcdefghijklmnopqrstuv";
const CONTINUED = "ABCDEFGHIJKLMNOPQRSTUVWXYZ+/=-_.";
const DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < 32; i++) {
  DIGITS[FINAL.charCodeAt(i)] = i;
  DIGITS[CONTINUED.charCodeAt(i)] = 32 + i;
}

export function readPostings(text, into) {
  let value = 0;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    const digit = DIGITS[text.charCodeAt(i)];
    if (digit >= 32) value = value * 32 + digit - 32;
    else {
      last += value * 32 + digit + 1;
      into[last] = 1;
      value = 0;
    }
  }
  return into;
}

// The last shard whose first term is at or before key (JavaScript's < compares UTF-16
// code units: the order the build sorted terms in).
function lastAtOrBefore(shards, key) {
  let low = 0;
  let high = shards.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (shards[middle][0] <= key) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

// The shards that may hold a term (or, for a prefix, any term starting with it).
export function shardsFor(shards, term, prefix) {
  const last = lastAtOrBefore(shards, prefix ? `${term}\uffff` : term);
  if (last < 0) return [];
  const first = Math.max(0, lastAtOrBefore(shards, term));
  const found = [];
  for (let i = first; i <= last; i++) found.push(i);
  return found;
}

function parseShard(text) {
  const terms = [];
  const rest = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    const tab = line.indexOf("\t");
    terms.push(line.slice(0, tab));
    rest.push(line.slice(tab + 1));
  }
  return { terms, rest };
}

export class MissingFile extends Error {}

// The index, read through load(path) (a path inside search-index/, resolving to text):
// fetch() in the page, the file system in tests.
export class SearchIndex {
  constructor(load) {
    this.load = load;
    this.files = new Map();
  }

  file(path) {
    if (!this.files.has(path)) {
      const pending = this.load(path);
      this.files.set(path, pending);
      pending.catch(() => this.files.delete(path)); // a later attempt may succeed
    }
    return this.files.get(path);
  }

  async directory() {
    return JSON.parse(await this.file("index.json"));
  }

  // The documents matching a query: {words, missing, numbers (ranked), titled (how many
  // of them match in their title)}.
  async search(raw) {
    const words = parseQuery(raw);
    const directory = await this.directory();
    const count = directory.documents;
    const needed = new Set();
    for (const word of words) {
      for (const { term, prefix } of word.terms) {
        for (const shard of shardsFor(directory.shards, term, prefix)) needed.add(shard);
      }
    }
    const shards = new Map();
    await Promise.all(
      [...needed].map(async (shard) => {
        shards.set(shard, parseShard(await this.file(`t/${directory.shards[shard][1]}.txt`)));
      }),
    );
    const missing = [];
    const matches = [];
    for (const word of words) {
      const found = [];
      for (const { term, prefix } of word.terms) {
        const documents = new Uint8Array(count);
        const titles = new Uint8Array(count);
        let any = false;
        for (const shard of shardsFor(directory.shards, term, prefix)) {
          const { terms, rest } = shards.get(shard);
          terms.forEach((candidate, i) => {
            if (prefix ? !candidate.startsWith(term) : candidate !== term) return;
            any = true;
            const [postings, title = ""] = rest[i].split("\t");
            readPostings(postings, documents);
            readPostings(title, titles);
          });
        }
        if (!any) break;
        found.push({ documents, titles });
      }
      if (found.length < word.terms.length) missing.push(word.text);
      else matches.push(...found);
    }
    const titled = [];
    const others = [];
    if (matches.length) {
      for (let number = count - 1; number >= 0; number--) {
        if (!matches.every((match) => match.documents[number])) continue;
        (matches.every((match) => match.titles[number]) ? titled : others).push(number);
      }
    }
    return { words, missing, numbers: [...titled, ...others], titled: titled.length };
  }

  // The records of some documents: [path, title, date, dateText, excerpt, language, direction].
  async records(numbers) {
    const directory = await this.directory();
    const groups = await Promise.all(
      numbers.map(async (number) =>
        JSON.parse(await this.file(`d/${directory.groups[Math.floor(number / directory.group)]}.json`)),
      ),
    );
    return numbers.map((number, i) => groups[i][number % directory.group]);
  }
}

// -- The page ----------------------------------------------------------------------------

const PAGE_SIZE = 10;

function element(name, attributes = {}, text = "") {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) if (value) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

// Does a term of a text match the query (as the search matched it)?
function matchesQuery(term, words) {
  return words.some((word) =>
    word.terms.some((query) => (query.prefix ? term.startsWith(query.term) : term === query.term)),
  );
}

// Text with the words the query matched in <mark>: whole words, or in no-space scripts
// the characters of each matching pair.
export function markedText(text, words) {
  const parts = [];
  let plain = "";
  let at = 0;
  const mark = (piece) => {
    if (plain) parts.push(plain);
    parts.push({ mark: piece });
    plain = "";
  };
  for (const match of text.matchAll(WORD)) {
    plain += text.slice(at, match.index);
    at = match.index + match[0].length;
    match[0].split(NO_SPACE_RUNS).forEach((part, position) => {
      if (!part) return;
      if (position % 2 === 0) {
        if (tokenize(part).some((term) => matchesQuery(term, words))) mark(part);
        else plain += part;
        return;
      }
      const characters = Array.from(part);
      const marked = characters.map(() => false);
      characters.forEach((character, i) => {
        const pair = i + 1 < characters.length ? normalized(character + characters[i + 1]) : null;
        if (pair && matchesQuery(pair, words)) marked[i] = marked[i + 1] = true;
        if (characters.length === 1 && matchesQuery(normalized(character), words)) marked[i] = true;
      });
      let run = "";
      characters.forEach((character, i) => {
        if (i > 0 && marked[i] !== marked[i - 1]) {
          if (marked[i - 1]) mark(run);
          else plain += run;
          run = "";
        }
        run += character;
      });
      if (marked[characters.length - 1]) mark(run);
      else plain += run;
    });
  }
  plain += text.slice(at);
  if (plain) parts.push(plain);
  return parts;
}

// One result, in the markup of the site's lists of essays (unscripted/essay-list.html).
function result(record, words, root) {
  const [path, title, date, dateText, excerpt, language, direction] = record;
  const item = element("li");
  const heading = element("h2", { lang: language, dir: direction });
  heading.append(element("a", { href: new URL(path, root).pathname }, title));
  item.append(heading);
  if (date) {
    const meta = element("p");
    meta.append(element("time", { datetime: date }, dateText));
    item.append(meta);
  }
  if (excerpt) {
    const paragraph = element("p");
    for (const part of markedText(excerpt, words)) {
      paragraph.append(typeof part === "string" ? part : element("mark", {}, part.mark));
    }
    const container = element("div", { class: "essay-excerpt", lang: language, dir: direction });
    container.append(paragraph);
    item.append(container);
  }
  return item;
}

function quoted(texts) {
  return texts.map((text) => `“${text}”`).join(", ");
}

function summary(found, raw) {
  const total = found.numbers.length;
  const results = `${total} ${total === 1 ? "result" : "results"}`;
  if (!found.missing.length) {
    return total ? `${results} for “${raw}”.` : `No essay holds all of “${raw}”.`;
  }
  const absent = `No essay holds ${quoted(found.missing)}`;
  const others = found.words.map((word) => word.text).filter((text) => !found.missing.includes(text));
  if (!others.length) return `${absent}.`;
  return total ? `${absent}; ${results} for ${quoted(others)}.` : `${absent}, and none holds all of ${quoted(others)}.`;
}

function startPage() {
  const form = document.querySelector("form.search-page-form");
  const input = document.getElementById("search-page-query");
  const statusLine = document.getElementById("search-status");
  const results = document.getElementById("search-results");
  if (!form || !input || !statusLine || !results) return;
  const root = new URL("../", import.meta.url);
  const folder = new URL("search-index/", root);
  let index = null;
  const fresh = (reload) =>
    new SearchIndex(async (path) => {
      const response = await fetch(new URL(path, folder), reload ? { cache: "reload" } : {});
      if (response.status === 404) throw new MissingFile(path);
      if (!response.ok) throw new Error(`${path}: ${response.status}`);
      return response.text();
    });
  const say = (text) => {
    statusLine.textContent = text;
  };
  let generation = 0; // a newer query makes older ones stop drawing

  // A file the directory names is gone when the site changed since it was fetched:
  // fetch the directory again, once.
  async function withCurrentIndex(step) {
    index ??= fresh(false);
    try {
      return await step(index);
    } catch (error) {
      if (!(error instanceof MissingFile)) throw error;
      index = fresh(true);
      return step(index);
    }
  }

  async function run(raw) {
    const mine = ++generation;
    results.replaceChildren();
    const query = raw.trim().replace(/\s+/gu, " ");
    if (!parseQuery(query).length) {
      say(query ? `“${query}” holds no word to search for.` : "");
      delete results.dataset.state;
      return;
    }
    results.dataset.state = "searching"; // for tests: "done" once the results are shown
    results.dataset.query = query;
    say("Searching…");
    try {
      const found = await withCurrentIndex((current) => current.search(query));
      if (mine !== generation) return;
      const list = element("ol", { class: "essay-list", "aria-label": "Results" });
      const more = element("button", { type: "button", class: "search-more" }, "More results");
      let shown = 0;
      const showNext = async (moveFocus) => {
        more.disabled = true;
        const numbers = found.numbers.slice(shown, shown + PAGE_SIZE);
        const records = await withCurrentIndex((current) => current.records(numbers));
        if (mine !== generation) return;
        const items = records.map((record) => result(record, found.words, root));
        list.append(...items);
        shown += items.length;
        more.disabled = false;
        if (shown < found.numbers.length) results.append(more);
        else more.remove();
        if (moveFocus && items.length) items[0].querySelector("a").focus();
      };
      more.addEventListener("click", () =>
        showNext(true).catch((error) => {
          say("More results could not load. Please try again.");
          console.error(error);
        }),
      );
      if (found.numbers.length) {
        results.append(list);
        await showNext(false);
      }
      if (mine !== generation) return;
      say(summary(found, query));
      results.dataset.total = found.numbers.length;
      results.dataset.state = "done";
    } catch (error) {
      if (mine !== generation) return;
      say("Search could not load. Please try again.");
      results.dataset.state = "failed";
      console.error(error);
    }
  }

  input.addEventListener(
    "focus",
    () => {
      index ??= fresh(false);
      index.directory().catch(() => {});
    },
    { once: true },
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const address = new URL(location.href);
    address.search = "";
    address.searchParams.set("q", input.value);
    history.replaceState(null, "", address);
    run(input.value);
  });
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
}

if (typeof document !== "undefined") startPage();
