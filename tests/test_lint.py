"""The code stays ruff-clean; CI fails on a lint regression like on any other defect."""

import os
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


def test_dbt_unit_tests_sit_at_the_top_level_of_their_file():
    """dbt reads `unit_tests` only as a top-level key of a properties file; nested under a
    model entry it is silently ignored, and the tests never run."""
    yaml = pytest.importorskip("yaml")
    nested = []
    for path in sorted((ROOT / "dbt_project" / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in document.get("models") or []:
            if "unit_tests" in model:
                nested.append(f"{path.relative_to(ROOT)}: {model.get('name')}")
    assert not nested, "unit_tests nested under a model (move them to the top level): " + ", ".join(
        nested
    )


def test_the_sql_of_the_python_steps_is_sqlfluff_clean():
    """pipelines/sql/*.sql: plain DuckDB SQL, linted with its own placeholder templater
    (pipelines/sql/.sqlfluff), so a broken statement fails here rather than in a run."""
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    if not sqlfluff.exists():
        pytest.skip("sqlfluff is not installed (it comes with the dev extra)")
    folder = ROOT / "pipelines" / "sql"
    assert sorted(folder.glob("*.sql")), "no SQL files found"
    done = subprocess.run(
        [str(sqlfluff), "lint", "."],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


def test_the_dbt_project_is_sqlfluff_clean(tmp_path):
    """Every model and data test passes sqlfluff with the repository's rules
    (/.sqlfluff, dbt templater on the in-memory `lint` target); about two minutes."""
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    if not sqlfluff.exists():
        pytest.skip("sqlfluff is not installed (it comes with the dev extra)")
    done = subprocess.run(
        [str(sqlfluff), "lint", "dbt_project"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        # its own target folder: the runs' parsed manifest in dbt_project/target stays theirs
        env={
            **os.environ,
            "DBT_TARGET_PATH": str(tmp_path / "target"),
            "DBT_LOG_PATH": str(tmp_path),
        },
    )
    assert done.returncode == 0, done.stdout
