"""Unscripted at scale, against plain Sphinx building the same essays.

    python -m benchmarks.run --essays 1000          (make bench ESSAYS=1000)

Generates N essays (deterministic seed, English word frequencies) into a
temporary copy of the site and into its twin: the same essays, home and about
pages as ordinary Markdown documents, built by plain Sphinx with MyST and Furo,
no ABlog, no Unscripted extensions, no listings, no feeds: the least Sphinx can
do, and what the targets are ratios to. With ``--listings-twin``, a second twin
also has every listing page Unscripted has, as ordinary documents paginated the
same way (plain Sphinx doing the same pages), for reference. Then, for each, in one
run: a clean build, a no-op rebuild, one essay edited, one essay added, one
essay's tags changed, every build as ``make html`` runs it (``-j auto`` on a
machine with more than one core). It prints seconds, ratios and
the targets, peak memory (whole process tree, as PSS: a page a forked worker shares with
its parent counts once; summed RSS shown too), output size and the largest
HTML page; what each kind of output costs per essay; which files each step
changed, by kind (``--profile`` adds where the time of a no-op, an edit and an
add goes, from cProfile, in extra builds after the timed ones); then what the
search index costs (its files and sizes) and the gzip bytes and time one search
transfers in a browser, for a common word, two words, a rare one and prefixes
(``benchmarks/search.py``); and writes JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import search
from benchmarks.essays import ENGLISH, copy_project, write_essays
from unscripted.core.model import page_name, paginated

ROOT = Path(__file__).resolve().parents[1]
SITE_FILES = ("conf.py", "_static", "unscripted", "index.md", "about.md")
PAGE_SIZE = 10
GROUP_PAGE_SIZE = 50
# (step, target ratio to the twin: plain Sphinx, the same essays, no listings, no feeds)
TARGETS = {"clean": 1.15, "no-op": 1.5, "edit one": 2.0, "add one": 3.0, "retag one": 3.0, "peak memory": 1.3}
PAGE_LIMIT = 150 * 1024
SIZE_PER_ESSAY = 40 * 1024  # everything published, divided by the essays
# "now" after every generated essay: none is scheduled.
ENVIRONMENT = {"SITE_URL": "https://example.org/", "UNSCRIPTED_NOW": "2100-01-01T00:00:00+00:00", "PYTHONHASHSEED": "0"}


@dataclass
class Result:
    seconds: dict[str, float] = field(default_factory=dict)
    peak_mib: float = 0.0  # proportional (PSS), what the targets compare
    peak_rss_mib: float = 0.0  # resident sizes summed, for reference
    output_mib: float = 0.0
    largest_page: tuple[str, int] = ("", 0)
    written: dict[str, dict[str, int]] = field(default_factory=dict)  # step -> kind -> files changed
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (files, bytes)


def tree_memory_kib(pid: int) -> tuple[int, int]:
    """(proportional, resident) memory of a process and all its descendants, in KiB (Linux /proc).

    Proportional set size (PSS) counts a page shared by n processes as 1/n in each: what the
    tree occupies. Summed resident sizes count a forked child's inherited pages (``-j``) once
    per process, so they overstate a parallel build by its parent's heap times its workers."""
    total_pss = total_rss = 0
    pending = [pid]
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(status.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    while pending:
        current = pending.pop()
        pending += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    total_rss += int(line.split()[1])
        except OSError:
            pass
    return total_pss, total_rss


# As the Makefile's JOBS: read and write in parallel where there is more than one core.
JOBS = ["-j", "auto"] if (os.cpu_count() or 1) > 1 else []


def build(srcdir: Path, out: Path, profile: Path | None = None) -> tuple[float, float, float]:
    """Run sphinx-build as `make html` does; return (seconds, peak MiB of the process tree as
    PSS, and as summed RSS). With *profile*, serially under cProfile, its statistics written there."""
    command = [sys.executable, *(["-m", "cProfile", "-o", str(profile)] if profile else []), "-m", "sphinx"]
    command += ["-b", "html", "-q", "-n", "-W", "--keep-going", *([] if profile else JOBS)]
    command += ["-d", str(out / "doctrees"), str(srcdir), str(out / "html")]
    env = {**os.environ, **ENVIRONMENT}
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak_pss = peak_rss = 0
    while process.poll() is None:
        pss, rss = tree_memory_kib(process.pid)
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    log = process.stdout.read()
    if process.returncode:
        raise SystemExit(f"build of {srcdir} failed:\n{log}")
    return seconds, peak_pss / 1024, peak_rss / 1024


# -- The twin: the same pages as ordinary documents ------------------------------------------

TWIN_CONF = """\
project = "Unscripted"
author = "Alex Rowan"
copyright = "2024 Alex Rowan"
language = "en"
extensions = ["myst_parser"]
html_theme = "furo"
html_title = "Unscripted"
html_baseurl = "https://example.org/"
smartquotes = False
myst_heading_anchors = 3
html_copy_source = False
html_show_sourcelink = False
html_use_index = False
html_domain_indices = False
suppress_warnings = ["toc.not_included"]
"""


def front_matter(text: str) -> tuple[dict[str, object], str, str]:
    head, body = text.split("\n---\n", 1)
    data = {}
    for line in head.splitlines()[1:]:
        key, _, value = line.partition(": ")
        data[key] = value
    title = re.search(r"^# (.+)$", body, re.M).group(1)
    return data, title, body


def essay_index(srcdir: Path) -> list[dict[str, object]]:
    essays = []
    for path in sorted((srcdir / "posts").glob("*/*.md")):
        data, title, body = front_matter(path.read_text())
        paragraphs = [p for p in body.split("\n\n") if p.strip() and not p.startswith("#")]
        essays.append(
            {
                "doc": path.relative_to(srcdir).with_suffix("").as_posix(),
                "title": title,
                "date": str(data["date"]),
                "tags": [t.strip() for t in str(data.get("tags", "[]")).strip("[]").split(",") if t.strip()],
                "category": str(data.get("category", "")),
                "excerpt": " ".join(paragraphs[0].split()[:45]) + "…" if paragraphs else "",
            }
        )
    return sorted(essays, key=lambda e: (e["date"], e["title"]), reverse=True)


def slug(text: str) -> str:
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text)).strip().lower()


def listing_docs(essays: list[dict[str, object]]) -> dict[str, str]:
    """Markdown for every listing page Unscripted generates, paginated the same way."""
    docs: dict[str, str] = {}

    def collection(docname: str, title: str, items: list[dict[str, object]], *, group: bool = True) -> None:
        by_doc = {str(essay["doc"]): essay for essay in items}
        size = GROUP_PAGE_SIZE if group else PAGE_SIZE
        for number, chunk in paginated(tuple(by_doc), size):  # numbered from the oldest, as Unscripted's
            name = page_name(docname, number)
            up = "../" * name.count("/")
            lines = [f"---\norphan: true\n---\n\n# {title}" + (f", page {number}" if number else ""), ""]
            for essay in (by_doc[doc] for doc in chunk):
                lines += [f"## [{essay['title']}]({up}{essay['doc']}.md)", "", f"{essay['date']}", ""]
                if not group:  # a group lists titles only, as Unscripted's do
                    lines += [str(essay["excerpt"]), ""]
            docs[name] = "\n".join(lines)

    collection("essays", "All essays", essays, group=False)
    groups: dict[str, dict[str, list]] = {"tag": {}, "category": {}, "archive": {}}
    for essay in essays:
        for tag in essay["tags"]:
            groups["tag"].setdefault(tag, []).append(essay)
        groups["category"].setdefault(str(essay["category"]), []).append(essay)
        groups["archive"].setdefault(str(essay["date"])[:4], []).append(essay)
    for kind, members in groups.items():
        index = f"essays/{kind}"
        lines = [f"---\norphan: true\n---\n\n# {kind.title()}", ""]
        for name in sorted(members):
            page = f"essays/{slug(name)}" if kind == "archive" else f"essays/{kind}/{slug(name)}"
            lines.append(f"- [{name}](../{page}.md) {len(members[name])}")
            collection(page, f"Essays: {name}", members[name])
        docs[index] = "\n".join(lines) + "\n"
    docs["essays/author"] = "---\norphan: true\n---\n\n# Authors\n\n- [Alex Rowan](author/alex-rowan.md)\n"
    collection("essays/author/alex-rowan", "Essays by Alex Rowan", essays)
    latest = "\n".join(f"- [{e['title']}]({e['doc']}.md): {e['excerpt']}" for e in essays[:5])
    docs["index"] = "# Unscripted\n\nIntimacy, without the performance.\n\n## Latest essays\n\n" + latest + "\n"
    return docs


def sync_twin(unscripted: Path, twin: Path, *, listings: bool = True) -> None:
    """Make a twin match the site's essays; rewrite only the documents that change.

    Without *listings*, only the essays, home and about pages: the least plain
    Sphinx can do, the targets' twin; with, also every listing page Unscripted
    has, for reference."""
    wanted = {}
    for path in (unscripted / "posts").glob("*/*.md"):
        _, _, body = front_matter(path.read_text())
        wanted[path.relative_to(unscripted).as_posix()] = f"---\norphan: true\n---\n{body}"
    about = (unscripted / "about.md").read_text()
    for label, target in (
        ("blog-posts", "essays.md"),
        ("blog-tags", "essays/tag.md"),
        ("blog-archives", "essays/archive.md"),
    ):
        about = re.sub(rf"{{ref}}`([^<`]+) <{label}>`", rf"[\1]({target})" if listings else r"\1", about)
    wanted["about.md"] = about
    generated = listing_docs(essay_index(unscripted))
    if not listings:
        generated = {"index": generated["index"]}
    wanted |= {f"{doc}.md": text for doc, text in generated.items()}
    existing = {p.relative_to(twin).as_posix() for p in twin.rglob("*.md")}
    for rel in existing - set(wanted):
        (twin / rel).unlink()
    for rel, text in wanted.items():
        path = twin / rel
        if not path.is_file() or path.read_text() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    (twin / "conf.py").write_text(TWIN_CONF)


# -- Changes, applied the same way to both ------------------------------------------------------


def edit_one(site: Path, essays: list[Path]) -> None:
    target = site / essays[len(essays) // 2].relative_to(essays[0].parents[2])
    target.write_text(target.read_text() + "\nOne more sentence, written after the fact.\n")


def add_one(site: Path, essays: list[Path]) -> None:
    last = essays[-1]
    date = dt.date.fromisoformat(re.search(r"date: (\S+)", last.read_text()).group(1)) + dt.timedelta(days=2)
    path = site / "posts" / str(date.year) / "essay-new.md"
    number = 1
    while path.exists():  # a second add (the profile's) is another essay
        number += 1
        path = path.with_name(f"essay-new-{number}.md")
    path.parent.mkdir(parents=True, exist_ok=True)
    body = last.read_text().split("\n---\n", 1)[1].replace("# ", "# A New Essay: ", 1)
    path.write_text(f"---\ndate: {date.isoformat()}\ncategory: Notes\ntags: [quiet, honest, tender]\n---\n{body}")


def retag_one(site: Path, essays: list[Path]) -> None:
    target = site / essays[len(essays) // 3].relative_to(essays[0].parents[2])
    target.write_text(re.sub(r"tags: \[.*\]", "tags: [morning, letter, kitchen]", target.read_text(), count=1))


STEPS = (("no-op", None), ("edit one", edit_one), ("add one", add_one), ("retag one", retag_one))


# What a published file is, for the size of each kind per essay and the files each step changed.
KINDS = (
    ("essay pages", re.compile(r"^posts/.*\.html$")),
    ("listing pages", re.compile(r"^essays(/.*)?\.html$")),
    ("social cards", re.compile(r"^social/")),
    ("essay e-books", re.compile(r"^books/posts/")),
    ("collected e-book", re.compile(r"^books/[^/]+\.epub$")),
    ("feeds", re.compile(r"^essays/(.*/)?(atom\.xml|rss\.xml|feed\.json)$")),
    ("search index", re.compile(r"^search-index/")),
    ("sitemap", re.compile(r"^sitemap\.xml$")),
    ("static files", re.compile(r"^_static/")),
)


def kind_of(path: str) -> str:
    return next((kind for kind, pattern in KINDS if pattern.match(path)), "other pages and files")


def snapshot(html: Path) -> dict[str, tuple[int, str]]:
    """Every published file: (size, digest of its bytes)."""
    files = {}
    for path in html.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            files[path.relative_to(html).as_posix()] = (len(data), hashlib.blake2b(data, digest_size=16).hexdigest())
    return files


def rewritten(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> dict[str, int]:
    """Files a step added, changed or deleted, by kind (what a host must upload again)."""
    counts: dict[str, int] = {}
    for path in {p for p in after if before.get(p) != after[p]} | (before.keys() - after.keys()):
        counts[kind_of(path)] = counts.get(kind_of(path), 0) + 1
    return dict(sorted(counts.items()))


def size_by_kind(html: Path) -> dict[str, tuple[int, int]]:
    """kind -> (files, bytes)."""
    sizes: dict[str, tuple[int, int]] = {}
    for path, (size, _) in snapshot(html).items():
        files, total = sizes.get(kind_of(path), (0, 0))
        sizes[kind_of(path)] = (files + 1, total + size)
    return dict(sorted(sizes.items(), key=lambda item: -item[1][1]))


def output_stats(html: Path) -> tuple[float, tuple[str, int]]:
    files = [p for p in html.rglob("*") if p.is_file()]
    largest = max((p for p in files if p.suffix == ".html"), key=lambda p: p.stat().st_size)
    return sum(p.stat().st_size for p in files) / 2**20, (largest.relative_to(html).as_posix(), largest.stat().st_size)


TWIN, LISTINGS_TWIN = "essays only", "with listings"


def measure(count: int, seed: int, workdir: Path, *, listings_twin: bool) -> dict[str, Result]:
    unscripted, twin, full = workdir / "unscripted", workdir / "twin", workdir / "twin-with-listings"
    copy_project(unscripted, SITE_FILES)
    essays = write_essays(unscripted, count, seed=seed, words=search.WORDS_PER_ESSAY, vocabulary=ENGLISH)
    sources = {"unscripted": unscripted, TWIN: twin, **({LISTINGS_TWIN: full} if listings_twin else {})}

    def sync() -> None:
        sync_twin(unscripted, twin, listings=False)
        if listings_twin:
            sync_twin(unscripted, full)

    for folder in list(sources.values())[1:]:
        folder.mkdir()
    sync()
    results = {name: Result() for name in sources}
    for name, srcdir in sources.items():
        seconds, peak, peak_rss = build(srcdir, workdir / f"out-{name}")
        results[name].seconds["clean"] = seconds
        results[name].peak_mib, results[name].peak_rss_mib = peak, peak_rss
        print(f"  {name}: clean {seconds:.1f} s", flush=True)
    ours = workdir / "out-unscripted" / "html"
    for step, change in STEPS:
        if change:
            change(unscripted, essays)
            sync()
        time.sleep(1.1)  # distinct modification times, as between two saves
        before = snapshot(ours)
        for name, srcdir in sources.items():
            results[name].seconds[step] = build(srcdir, workdir / f"out-{name}")[0]
        results["unscripted"].written[step] = rewritten(before, snapshot(ours))
        print(f"  {step}: " + " / ".join(f"{results[n].seconds[step]:.2f} s" for n in sources), flush=True)
    for name in results:
        results[name].output_mib, results[name].largest_page = output_stats(workdir / f"out-{name}" / "html")
    results["unscripted"].sizes = size_by_kind(ours)
    return results


PROFILED = (("no-op", None), ("edit one", edit_one), ("add one", add_one))


def profile_steps(workdir: Path, essays: list[Path], top: int = 25) -> dict[str, list[str]]:
    """Where the time of a no-op, an edit and an add goes: extra serial builds under cProfile,
    after the timed ones (the edit and the add change other essays than the timed steps did)."""
    import pstats

    unscripted = workdir / "unscripted"
    profiles = {}
    for step, change in PROFILED:
        if change:
            change(unscripted, essays[1:])  # another essay than the timed step's
        time.sleep(1.1)
        stats_path = workdir / f"{step}.prof"
        seconds = build(unscripted, workdir / "out-unscripted", profile=stats_path)[0]
        lines = []
        # Sphinx's stages, then Unscripted's own functions: the build's time and the extension's share.
        for restriction, count in ((r"sphinx/(builders|application|environment/__init__)", 12), ("/unscripted/", top)):
            stream = io.StringIO()
            stats = pstats.Stats(str(stats_path), stream=stream)
            stats.sort_stats("cumulative").print_stats(restriction, count)
            lines += [line for line in stream.getvalue().splitlines() if re.match(r"\s*[\d/]+\s+\d", line)]
        print(f"\n-- profile of {step} ({seconds:.1f} s under cProfile, serial), by cumulative time --")
        print("   ncalls  tottime  percall  cumtime  percall filename:lineno(function)")
        print("\n".join(line.replace(str(unscripted) + "/", "") for line in lines))
        profiles[step] = lines
    return profiles


def measure_search(count: int, workdir: Path) -> dict:
    """The index and one search, on the site as the steps above left it."""
    html = workdir / "out-unscripted" / "html"
    figures = search.index_figures(html)
    return search.report(search.measure_queries(html, search.benchmark_queries(count), "kitchen window"), figures)


def report(count: int, results: dict[str, Result]) -> dict:
    ours, twin = results["unscripted"], results[TWIN]
    full = results.get(LISTINGS_TWIN)
    others = [twin, *([full] if full else [])]
    rows, verdicts = [], {}
    for step in ("clean", "no-op", "edit one", "add one", "retag one"):
        ratio = ours.seconds[step] / twin.seconds[step]
        verdicts[step] = ratio <= TARGETS[step]
        seconds = [f"{r.seconds[step]:.2f} s" for r in (ours, *others)]
        rows.append((step, seconds, ratio, TARGETS[step], ours.seconds[step] / full.seconds[step] if full else None))
    memory = ours.peak_mib / twin.peak_mib
    verdicts["peak memory"] = memory <= TARGETS["peak memory"]
    mib = [f"{r.peak_mib:.0f} MiB" for r in (ours, *others)]
    rows.append(("peak memory", mib, memory, TARGETS["peak memory"], ours.peak_mib / full.peak_mib if full else None))
    resident = [f"{r.peak_rss_mib:.0f} MiB" for r in (ours, *others)]
    print(
        f"\n{count} essays  Unscripted  essays only"
        + ("  with listings" if full else "")
        + "   ratio   target"
        + ("           to the twin with listings" if full else "")
    )
    for step, figures, ratio, target, full_ratio in rows:
        verdict = "ok" if ratio <= target else "MISSED"
        line = f"{step:<11} " + "  ".join(f"{figure:>11}" for figure in figures)
        line += f"  {ratio:>5.2f}×  ≤ {target:.2f}×  {verdict:<6}"
        print(line + (f"  {full_ratio:.2f}×" if full_ratio is not None else ""))
    rss_ratio = ours.peak_rss_mib / twin.peak_rss_mib
    print(
        f"{'(as RSS)':<11} "
        + "  ".join(f"{figure:>11}" for figure in resident)
        + f"  {rss_ratio:>5.2f}×  summed resident sizes, not gated"
    )
    sizes = "  ".join(f"{r.output_mib:>7.1f} MiB" for r in (ours, *others))
    print(f"{'output':<11} {sizes}")
    verdicts["largest page"] = ours.largest_page[1] <= PAGE_LIMIT
    page, size = ours.largest_page
    verdict = "ok" if verdicts["largest page"] else "MISSED"
    print(f"largest page: {page} ({size / 1024:.0f} KiB; limit {PAGE_LIMIT // 1024} KiB) {verdict}")
    total = sum(size for _, size in ours.sizes.values())
    verdicts["size per essay"] = total / count <= SIZE_PER_ESSAY
    verdict = "ok" if verdicts["size per essay"] else "MISSED"
    per_essay = total / count / 1024
    limit = SIZE_PER_ESSAY // 1024
    print(f"\npublished: {total / 2**20:.1f} MiB, {per_essay:.1f} KiB per essay (≤ {limit} KiB) {verdict}")
    for kind, (files, size) in ours.sizes.items():
        print(f"  {kind:<22} {files:>7} files  {size / 2**20:>8.1f} MiB  {size / count / 1024:>6.1f} KiB per essay")
    print("\nfiles each step added, changed or deleted (Unscripted):")
    for step, kinds in ours.written.items():
        print(f"  {step:<10} {sum(kinds.values()):>6}: " + ", ".join(f"{kind} {n}" for kind, n in kinds.items()))
    return {
        "essays": count,
        "seconds": {name: result.seconds for name, result in results.items()},
        "peak_mib": {name: result.peak_mib for name, result in results.items()},
        "peak_rss_mib": {name: result.peak_rss_mib for name, result in results.items()},
        "output_mib": {name: result.output_mib for name, result in results.items()},
        "largest_page": {name: result.largest_page for name, result in results.items()},
        "size_by_kind": {kind: {"files": files, "bytes": size} for kind, (files, size) in ours.sizes.items()},
        "written": ours.written,
        "jobs": JOBS,
        "targets": TARGETS,
        "met": verdicts,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", type=Path, default=ROOT / "_build" / "benchmark.json")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument("--profile", action="store_true", help="then profile a no-op, an edit and an add")
    parser.add_argument(
        "--listings-twin", action="store_true", help="also build a twin with every listing page, for reference"
    )
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="unscripted-bench-"))
    print(f"Benchmark: {arguments.essays} essays in {workdir}", flush=True)
    try:
        results = measure(arguments.essays, arguments.seed, workdir, listings_twin=arguments.listings_twin)
        summary = report(arguments.essays, results)
        if arguments.profile:
            essays = sorted((workdir / "unscripted" / "posts").glob("*/essay-[0-9]*.md"))
            summary["profile"] = profile_steps(workdir, essays)
        print()
        summary["search"] = measure_search(arguments.essays, workdir)
        summary["met"]["search"] = summary["search"]["met"]
    finally:
        if not arguments.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    arguments.json.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"JSON: {arguments.json}")
    return 0 if all(summary["met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
