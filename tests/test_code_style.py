"""The code follows the project's ruff rules (pyproject.toml) and formatting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from tools import require

pytestmark = pytest.mark.fast

RUFF = Path(sys.executable).parent / "ruff"


def test_ruff_finds_nothing():
    require(RUFF.is_file(), "ruff", "pip install -r requirements-test.txt")
    result = subprocess.run([RUFF, "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted():
    require(RUFF.is_file(), "ruff", "pip install -r requirements-test.txt")
    result = subprocess.run(
        [RUFF, "format", "--check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
