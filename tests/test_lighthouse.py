"""Lighthouse, with its mobile settings, scores 100 for accessibility, best practices and SEO.

Performance and page weight are recorded in the test output, not gated: they
depend on the machine. The benchmark tracks speed.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tools import CHROMIUM_ARGS, MEASUREMENTS, chromium, node_tool, program

PAGES = ["index.html", "posts/2024/the-quiet-lie.html", "essays/tag/intimacy.html"]
GATED = ("accessibility", "best-practices", "seo")


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


@pytest.mark.parametrize("path", PAGES)
def test_lighthouse_scores(served_site, path, tmp_path):
    node = program("node", "nodejs")
    cli = node_tool("lighthouse/cli/index.js")
    output = tmp_path / "report.json"
    subprocess.run(
        [
            node,
            str(cli),
            served_site + path,
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
    report = json.loads(output.read_text())
    scores = {key: category["score"] for key, category in report["categories"].items()}
    weight = report["audits"]["total-byte-weight"]["numericValue"]
    MEASUREMENTS.append(
        f"lighthouse {path}: performance {scores['performance'] * 100:.0f}, "
        f"transferred {weight / 1024:.1f} KiB, LCP {report['audits']['largest-contentful-paint']['displayValue']}"
    )
    problems = [
        f"{category} {scores[category] * 100:.0f}:\n" + "\n".join(failing_audits(report, category))
        for category in GATED
        if scores[category] != 1
    ]
    assert not problems, f"{path}:\n" + "\n".join(problems)
