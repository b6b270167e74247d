"""Two clean builds, elsewhere and at another time, publish byte-identical sites."""

from __future__ import annotations

import shutil
import subprocess

from conftest import ROOT, sphinx_build
from tools import program

NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "_build", "node_modules", "tests", "__pycache__", ".*cache")


def last_commit_epoch() -> str:
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=False)
    return result.stdout.strip() or "1710374400"


def test_clean_builds_are_byte_identical(tmp_path):
    faketime = program("faketime", "faketime")
    probe = subprocess.run([faketime, "2031-07-04 03:21:00", "date", "+%Y"], capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "2031", "faketime must move the clock for the second build"
    elsewhere = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(ROOT, elsewhere, ignore=NOT_SOURCES)
    epoch = last_commit_epoch()
    first = sphinx_build(
        ROOT,
        tmp_path / "first/html",
        doctreedir=tmp_path / "first/doctrees",
        env={"TZ": "UTC", "PYTHONHASHSEED": "1", "SOURCE_DATE_EPOCH": epoch, "LANG": "C.UTF-8"},
    )
    second = sphinx_build(
        elsewhere,
        tmp_path / "second/out/site",
        doctreedir=tmp_path / "second/cache",
        env={"TZ": "Pacific/Kiritimati", "PYTHONHASHSEED": "4242", "SOURCE_DATE_EPOCH": epoch, "LANG": "C.UTF-8"},
        wrapper=(faketime, "2031-07-04 03:21:00"),
    )
    assert first.returncode == 0, first.log
    assert second.returncode == 0, second.log
    one, two = first.files(), second.files()
    assert sorted(one) == sorted(two)
    different = [name for name in one if one[name] != two[name]]
    assert not different, f"differ between builds: {different}"
