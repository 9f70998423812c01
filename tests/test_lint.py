"""The code stays ruff-clean; CI fails on a lint regression like on any other defect."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def ruff() -> str:
    found = Path(sys.executable).with_name("ruff")
    if found.exists():
        return str(found)
    on_path = shutil.which("ruff")
    if on_path is None:
        pytest.skip("ruff is not installed (it comes with the dev extra)")
    return on_path


def test_ruff_check_is_clean():
    done = subprocess.run([ruff(), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_ruff_format_is_clean():
    done = subprocess.run(
        [ruff(), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
