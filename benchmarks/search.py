"""What one search costs a reader, measured in a browser; and what the index costs the build.

    python -m benchmarks.search site _build/html "quiet" "quiet morning"   (a built site, served at /)
    python -m benchmarks.search index --essays 10000                      (the index builder alone)

``measure_queries`` serves a site on 127.0.0.1 from a server that gzips text
responses as any host would and counts the bytes of every response it sends.
Each query runs in a fresh browser context, i.e. a first visit: the search page
loads, then the query is submitted from its form, and everything fetched from
``search-index/`` from then until the results are shown is the query's cost
(the directory, the shards of its terms, the records of the first results),
plus the search page's own script and stylesheet. A second query then runs on
the same page. Times are taken twice: unthrottled, and on a phone profile like
Lighthouse's mobile one (150 ms per request, 1.6 Mbit/s, CPU four times
slower), throttled by the server.

``builder_figures`` runs the index builder alone (``unscripted.core.search``, as
``write.search`` drives it) on N generated essays without building the site:
the terms of each essay (the read layer's work, per essay), a clean index (time,
peak memory above the essays' terms, files, total and largest sizes), one essay
edited, one added, and the check a no-op build makes. Then it puts that index
into a small built site and measures queries on it, so that the bytes a search
transfers at 10,000 essays are known without building 10,000 pages.
Needs Playwright and Chromium (``make .venv/bin/.test-deps``, ``tests/install-tools.sh``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import mimetypes
import os
import pickle
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from benchmarks.essays import ENGLISH, ROOT, copy_project, essay
from unscripted.core import search
from unscripted.infra.files import inputs_digest

TEXT = (".html", ".js", ".css", ".json", ".svg", ".txt", ".xml")
PHONE = {"round_trip_s": 0.150, "bits_per_s": 1.6e6, "cpu_slowdown": 4}
BUDGET_KIB = 300
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


class CountingServer:
    """Serves a folder at / on 127.0.0.1, gzipping text, counting bytes sent per path; optionally throttled."""

    def __init__(self, root: Path) -> None:
        self.root, self.lock = root, threading.Lock()
        self.sent: list[tuple[str, int]] = []
        self.round_trip_s = 0.0
        self.bits_per_s = 0.0
        counting = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                path = unquote(urlsplit(self.path).path)
                file = counting.root / (path.lstrip("/") or "index.html")
                if ".." in Path(path).parts or not file.is_file():
                    body, kind, zipped = b"not found", "text/plain", False
                    status = 404
                else:
                    status, body = 200, file.read_bytes()
                    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
                    kind = "text/javascript" if file.suffix == ".js" else kind
                    zipped = file.suffix in TEXT and "gzip" in self.headers.get("Accept-Encoding", "")
                    if zipped:
                        body = gzip.compress(body, 6, mtime=0)
                time.sleep(counting.round_trip_s)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-cache")
                if zipped:
                    self.send_header("Content-Encoding", "gzip")
                self.end_headers()
                step = 16384
                try:
                    for start in range(0, len(body), step):
                        self.wfile.write(body[start : start + step])
                        if counting.bits_per_s:
                            time.sleep(len(body[start : start + step]) * 8 / counting.bits_per_s)
                except (BrokenPipeError, ConnectionResetError):  # the browser stopped waiting (a page closed)
                    return
                with counting.lock:
                    counting.sent.append((path, len(body)))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self) -> CountingServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def take(self) -> list[tuple[str, int]]:
        with self.lock:
            sent, self.sent = self.sent, []
        return sent


@dataclass
class QueryCost:
    query: str
    results: int
    bytes: int  # gzip bytes: the query's fetches plus the search page's own script and stylesheet
    requests: int
    seconds: float
    phone_seconds: float
    next_bytes: int  # a second query on the same page
    next_seconds: float


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise SystemExit("Chromium is needed to measure searches: run tests/install-tools.sh (or make test)")
    return found


def _search(page, server: CountingServer, query: str, slowdown: int) -> tuple[int, int, int, float]:
    """Submit *query* on the loaded search page; (results, bytes, requests, seconds) until they are shown.

    Bytes and requests are those of the index's files: whatever else the page
    fetches meanwhile (its icon, a late font) is not the search's."""
    page.wait_for_timeout(500)  # the page's own late fetches, out of the way
    server.take()
    if slowdown > 1:
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    start = time.perf_counter()
    page.evaluate(
        "q => { document.getElementById('search-page-query').value = q;"
        " document.querySelector('form.search-page-form').requestSubmit(); }",
        query,
    )
    # A selector, not wait_for_function: its predicate is eval'd in the page, which the policy forbids.
    page.wait_for_selector("#search-results[data-state=done], #search-results[data-state=failed]", timeout=300_000)
    seconds = time.perf_counter() - start
    if page.evaluate("document.getElementById('search-results').dataset.state") != "done":
        raise SystemExit(f"search for {query!r} failed on the benchmark site")
    page.wait_for_load_state("networkidle")
    sent = [(path, size) for path, size in server.take() if f"/{search.INDEX_FOLDER}/" in path]
    total = int(page.evaluate("document.getElementById('search-results').dataset.total"))
    return total, sum(size for _, size in sent), len(sent), seconds


def page_assets(html: Path) -> int:
    """The search page's own script and stylesheet, gzipped as a host sends them (fetched once per visit)."""
    return sum(len(gzip.compress(path.read_bytes(), 6, mtime=0)) for path in html.glob("_static/unscripted-search.*"))


def measure_queries(html: Path, queries: list[str], next_query: str) -> list[QueryCost]:
    from playwright.sync_api import sync_playwright

    assets = page_assets(html)
    costs = []
    with CountingServer(html) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            for query in queries:
                runs = {}
                for profile in ("fast", "phone"):
                    phone = profile == "phone"
                    server.round_trip_s = PHONE["round_trip_s"] if phone else 0.0
                    server.bits_per_s = PHONE["bits_per_s"] if phone else 0.0
                    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=phone)
                    page = context.new_page()
                    page.goto(server.url + "search.html", wait_until="networkidle")
                    first = _search(page, server, query, PHONE["cpu_slowdown"] if phone else 1)
                    second = _search(page, server, next_query, PHONE["cpu_slowdown"] if phone else 1)
                    runs[profile] = (first, second)
                    context.close()
                (results, sent, requests, seconds), (_, next_sent, _, next_seconds) = runs["fast"]
                phone_seconds = runs["phone"][0][3]
                costs.append(
                    QueryCost(query, results, assets + sent, requests, seconds, phone_seconds, next_sent, next_seconds)
                )
        finally:
            browser.close()
    return costs


@dataclass
class IndexFigures:
    documents: int
    files: int
    mib: float  # on disk
    gzip_mib: float  # as a host sends it
    directory_kib: float  # gzip: every query fetches it
    largest_shard_kib: float  # gzip
    median_shard_kib: float  # gzip
    group_kib: float  # gzip, the largest file of records


def index_figures(html: Path) -> IndexFigures:
    folder = html / search.INDEX_FOLDER
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    zipped = {name: len(gzip.compress(content, 6, mtime=0)) for name, content in files.items()}
    shards = sorted(size for name, size in zipped.items() if name.startswith("t/"))
    groups = [size for name, size in zipped.items() if name.startswith("d/")]
    return IndexFigures(
        documents=json.loads(files[search.DIRECTORY])["documents"],
        files=len(files),
        mib=sum(map(len, files.values())) / 2**20,
        gzip_mib=sum(zipped.values()) / 2**20,
        directory_kib=zipped[search.DIRECTORY] / 1024,
        largest_shard_kib=shards[-1] / 1024 if shards else 0,
        median_shard_kib=shards[len(shards) // 2] / 1024 if shards else 0,
        group_kib=max(groups, default=0) / 1024,
    )


def report_index(figures: IndexFigures) -> None:
    print(
        f"search index: {figures.documents} documents, {figures.files} files, {figures.mib:.1f} MiB "
        f"({figures.gzip_mib:.1f} MiB gzip); directory {figures.directory_kib:.1f} KiB, "
        f"shards {figures.median_shard_kib:.1f} KiB median, {figures.largest_shard_kib:.1f} KiB largest, "
        f"records {figures.group_kib:.1f} KiB per file at most (gzip)"
    )


def report(costs: list[QueryCost], figures: IndexFigures | None = None) -> dict:
    if figures:
        report_index(figures)
    print(
        "one search (first visit)  results  KiB (gzip)  target          requests   time   phone"
        "  | next query  KiB    time"
    )
    for cost in costs:
        verdict = "ok" if cost.bytes <= BUDGET_KIB * 1024 else "MISSED"
        first = f"{cost.results:>7}  {cost.bytes / 1024:>10.1f}  ≤ {BUDGET_KIB} {verdict:<6}  {cost.requests:>8}"
        times = f"{cost.seconds:>5.2f} s {cost.phone_seconds:>5.2f} s"
        after = f"{cost.next_bytes / 1024:>15.1f} {cost.next_seconds:>5.2f} s"
        print(f"  {cost.query!r:<22} {first} {times}  |{after}")
    return {
        "index": figures.__dict__ if figures else None,
        "queries": [cost.__dict__ for cost in costs],
        "met": all(cost.bytes <= BUDGET_KIB * 1024 for cost in costs),
    }


# -- The index builder alone ----------------------------------------------------------------------

WORDS_PER_ESSAY = 800


def benchmark_queries(count: int) -> list[str]:
    """A common word (in most essays), two words of middling frequency, a rare word (in about
    five places), a common three-letter prefix, and the three letters that begin the most
    words of the benchmark's vocabulary (the costliest prefix)."""
    total = count * WORDS_PER_ESSAY
    prefixes: dict[str, int] = {}
    for word in ENGLISH.words:
        if len(word) >= 3:
            prefixes[word[:3]] = prefixes.get(word[:3], 0) + 1
    worst = max(sorted(prefixes), key=prefixes.__getitem__)
    return ["time", "quiet morning", ENGLISH.word_with(5, total), "wor", worst]


def _essay_terms(count: int, seed: int) -> list[tuple[str, search.DocumentTerms, search.Record, float]]:
    """Generated essays as the read layer records them: (docname, terms, record, seconds to tokenize)."""
    rng = random.Random(seed)
    date = dt.date(1990, 1, 7)
    found = []
    for number in range(1, count + 1):
        date += dt.timedelta(days=1)
        text = essay(number, date, rng, WORDS_PER_ESSAY, None, ENGLISH)
        body = text.split("\n---\n", 1)[1]
        title = body.split("\n", 2)[1].removeprefix("# ")
        start = time.perf_counter()
        terms, title_terms = search.document_terms(title, body)
        seconds = time.perf_counter() - start
        docname = f"posts/{date.year}/essay-{number:05d}"
        excerpt = " ".join(body.split("\n\n", 2)[1].split()[:45]) + "…"
        record = search.Record(f"{docname}.html", title, date.isoformat(), date.strftime("%-d %B %Y"), excerpt)
        found.append((docname, search.DocumentTerms(docname, terms, title_terms), record, seconds))
    return found


def _write(folder: Path, files: dict[str, bytes]) -> None:
    """As ``write.search`` does: only changed files are written; stale ones are removed."""
    for name, content in files.items():
        path = folder / name
        if not (path.is_file() and path.read_bytes() == content):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    for path in folder.rglob("*"):
        if path.is_file() and path.relative_to(folder).as_posix() not in files:
            path.unlink()


def _index_files(postings: search.Postings, records: list[search.Record]) -> dict[str, bytes]:
    files, shards, groups = {}, [], []
    for first, path, content in search.shard_files(postings):
        files[path] = content
        shards.append((first, path))
    for start in range(0, len(records), search.GROUP):
        path, content = search.group_file(records[start : start + search.GROUP])
        files[path] = content
        groups.append(path)
    files[search.DIRECTORY] = search.directory(len(records), shards, groups)
    return files


def _step(postings_path: Path, folder: Path, documents, records) -> None:
    """One build's work for the index after a change, as ``write.search`` does it."""
    with postings_path.open("rb") as handle:
        postings = pickle.load(handle)
    postings.update(documents)
    _write(folder, _index_files(postings, records))
    with postings_path.open("wb") as handle:
        pickle.dump(postings, handle, protocol=pickle.HIGHEST_PROTOCOL)


def builder_figures(count: int, seed: int, folder: Path) -> dict:
    """Run in its own process (``python -m benchmarks.search builder``): peak memory is its own."""
    essays = _essay_terms(count, seed)
    tokenize_ms = sum(seconds for *_, seconds in essays) / count * 1000
    documents = [terms for _, terms, _, _ in essays]
    records = [record for _, _, record, _ in essays]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    postings = search.Postings.of(documents)
    _write(folder, _index_files(postings, records))
    state = folder.parent / "postings.pickle"
    with state.open("wb") as handle:
        pickle.dump(postings, handle, protocol=pickle.HIGHEST_PROTOCOL)
    clean = time.perf_counter() - start
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    del postings
    # The no-op check: a fingerprint of every document's terms digest and record.
    start = time.perf_counter()
    inputs_digest([d.digest for d in documents], [r.fields() for r in records])
    check = time.perf_counter() - start
    # One essay edited (a sentence added), then one added (the newest).
    middle = count // 2
    edited = documents[middle]
    extra = search.tokens("One more sentence, written after the fact: a marginal afterthought.")
    terms = " ".join(sorted({*edited.terms.split(), *extra}))
    documents[middle] = search.DocumentTerms(edited.key, terms, edited.title_terms)
    before_files = {p.name for p in folder.rglob("*") if p.is_file()}
    start = time.perf_counter()
    _step(state, folder, documents, records)
    edit = time.perf_counter() - start
    edit_files = len({p.name for p in folder.rglob("*") if p.is_file()} - before_files)
    newest = documents[-1]
    documents.append(search.DocumentTerms("posts/new", newest.terms, newest.title_terms))
    records.append(records[-1])
    before_files = {p.name for p in folder.rglob("*") if p.is_file()}
    start = time.perf_counter()
    _step(state, folder, documents, records)
    add = time.perf_counter() - start
    add_files = len({p.name for p in folder.rglob("*") if p.is_file()} - before_files)
    return {
        "essays": count,
        "tokenize_ms_per_essay": tokenize_ms,
        "clean_s": clean,
        "clean_peak_mib": peak,
        "state_mib": state.stat().st_size / 2**20,
        "no_op_check_s": check,
        "edit_s": edit,
        "edit_new_files": edit_files,
        "add_s": add,
        "add_new_files": add_files,
    }


def index_alone(count: int, seed: int, keep: bool) -> int:
    """The builder alone on *count* essays, then queries on its index in a small built site."""
    workdir = Path(tempfile.mkdtemp(prefix="unscripted-search-bench-"))
    print(f"Search index alone: {count} essays in {workdir}", flush=True)
    try:
        site = workdir / "site"
        copy_project(site, ("conf.py", "_static", "unscripted", "index.md", "about.md"))
        out = workdir / "out"
        command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(out / "doctrees"), str(site)]
        environment = {**os.environ, "SITE_URL": "https://example.org/", "UNSCRIPTED_NOW": "2100-01-01T00:00:00+00:00"}
        subprocess.run([*command, str(out / "html")], check=True, env=environment)
        html = out / "html"
        shutil.rmtree(html / search.INDEX_FOLDER)
        # The builder in a process of its own, so that its peak memory is its own.
        builder = [sys.executable, "-m", "benchmarks.search", "builder", "--essays", str(count), "--seed", str(seed)]
        result = subprocess.run(
            [*builder, "--folder", str(html / search.INDEX_FOLDER)], check=True, capture_output=True, text=True
        )
        figures = json.loads(result.stdout)
        print(
            f"builder: {figures['tokenize_ms_per_essay']:.2f} ms per essay to read its terms; clean index "
            f"{figures['clean_s']:.2f} s, peak +{figures['clean_peak_mib']:.0f} MiB (kept postings "
            f"{figures['state_mib']:.0f} MiB on disk); no-op check {figures['no_op_check_s'] * 1000:.0f} ms; "
            f"one essay edited {figures['edit_s']:.2f} s ({figures['edit_new_files']} new files), "
            f"one added {figures['add_s']:.2f} s ({figures['add_new_files']} new files)"
        )
        index = index_figures(html)
        summary = report(measure_queries(html, benchmark_queries(count), next_query="kitchen window"), index)
        summary["builder"] = figures
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    target = ROOT / "_build" / f"search-benchmark-{count}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"JSON: {target}")
    return 0 if summary["met"] else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    on_site = commands.add_parser("site", help="queries on a built site")
    on_site.add_argument("html", type=Path)
    on_site.add_argument("queries", nargs="*", default=["quiet"])
    alone = commands.add_parser("index", help="the index builder alone, then queries on its index")
    alone.add_argument("--essays", type=int, default=10_000)
    alone.add_argument("--seed", type=int, default=2024)
    alone.add_argument("--keep", action="store_true")
    builder = commands.add_parser("builder", help=argparse.SUPPRESS)
    builder.add_argument("--essays", type=int, required=True)
    builder.add_argument("--seed", type=int, required=True)
    builder.add_argument("--folder", type=Path, required=True)
    arguments = parser.parse_args()
    if arguments.command == "site":
        report(measure_queries(arguments.html, arguments.queries, next_query="morning"), index_figures(arguments.html))
        return 0
    if arguments.command == "builder":
        print(json.dumps(builder_figures(arguments.essays, arguments.seed, arguments.folder)))
        return 0
    return index_alone(arguments.essays, arguments.seed, arguments.keep)


if __name__ == "__main__":
    sys.exit(main())
