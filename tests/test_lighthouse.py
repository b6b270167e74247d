"""Lighthouse, with its mobile settings (a slow 4G phone, simulated): 100 for performance,
accessibility, best practices and SEO, the largest contentful paint within 1.2 s and layout
shift within 0.01, on the home page, an essay and a tag page, served compressed as hosts do.

Lighthouse simulates the network, but it times the page's own work on this machine and
multiplies it by four: a busy machine can only make a page look slower. So the figures are
taken from the best of up to three runs; every run is recorded in the test output.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tools import CHROMIUM_ARGS, MEASUREMENTS, chromium, node_tool, program

PAGES = ["index.html", "posts/2024/the-quiet-lie.html", "essays/tag/intimacy.html"]
GATED = ("accessibility", "best-practices", "seo")
LARGEST_CONTENTFUL_PAINT_MS = 1200
LAYOUT_SHIFT = 0.01
RUNS = 3


def failing_audits(report: dict, category: str) -> list[str]:
    failures = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
            detail = audit.get("explanation") or audit.get("displayValue") or ""
            items = (audit.get("details") or {}).get("items") or []
            snippets = [str(i.get("node", {}).get("snippet") or i.get("url") or i)[:160] for i in items[:3]]
            failures.append(f"  {ref['id']}: {audit['title']} {detail} {snippets}")
    return failures


def lighthouse(url: str, output) -> dict:
    subprocess.run(
        [
            program("node", "nodejs"),
            str(node_tool("lighthouse/cli/index.js")),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={output}",
            f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
            "--only-categories=performance,accessibility,best-practices,seo",
        ],
        env={**os.environ, "CHROME_PATH": chromium()},
        check=True,
        capture_output=True,
        timeout=300,
    )
    return json.loads(output.read_text())


def speed(report: dict) -> tuple[float, float, float]:
    """(performance score, largest contentful paint in ms, cumulative layout shift)."""
    audits = report["audits"]
    return (
        report["categories"]["performance"]["score"],
        audits["largest-contentful-paint"]["numericValue"],
        audits["cumulative-layout-shift"]["numericValue"],
    )


def fast_enough(report: dict) -> bool:
    score, paint, shift = speed(report)
    return score == 1 and paint <= LARGEST_CONTENTFUL_PAINT_MS and shift <= LAYOUT_SHIFT


@pytest.mark.parametrize("path", PAGES)
def test_lighthouse_scores(served_site, path, tmp_path):
    reports = []
    for run in range(RUNS):
        report = lighthouse(served_site + path, tmp_path / f"report{run}.json")
        reports.append(report)
        score, paint, shift = speed(report)
        weight = report["audits"]["total-byte-weight"]["numericValue"]
        MEASUREMENTS.append(
            f"lighthouse {path} (run {run + 1}): performance {score * 100:.0f}, LCP {paint / 1000:.2f} s, "
            f"CLS {shift:.3f}, transferred {weight / 1024:.1f} KiB"
        )
        if fast_enough(report):
            break
    best = min(reports, key=lambda report: (-speed(report)[0], speed(report)[1]))
    score, paint, shift = speed(best)
    problems = [
        f"{category} {best['categories'][category]['score'] * 100:.0f}:\n" + "\n".join(failing_audits(best, category))
        for category in GATED
        if best["categories"][category]["score"] != 1
    ]
    if not fast_enough(best):
        problems.append(
            f"performance {score * 100:.0f} (100 wanted), LCP {paint:.0f} ms (<= {LARGEST_CONTENTFUL_PAINT_MS}), "
            f"CLS {shift:.3f} (<= {LAYOUT_SHIFT}) in the best of {len(reports)} runs:\n"
            + "\n".join(failing_audits(best, "performance"))
        )
    assert not problems, f"{path}:\n" + "\n".join(problems)
