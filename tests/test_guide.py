"""Every SQL and Python example in docs/guide.md runs as written against a warehouse the
pipeline built (Python examples in a fresh interpreter, their path pointed at that file)."""

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from progress_warehouse import published

pytestmark = pytest.mark.slow

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide.md"
EXAMPLES = re.findall(r"```sql\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
ANALYST = GUIDE.read_text(encoding="utf-8").split("## 3. For an analyst")[1]
PYTHON = re.findall(r"```python\n(.*?)```", ANALYST, re.S)


def test_the_guide_has_examples():
    assert len(EXAMPLES) >= 6


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Path:
    return published(tmp_path_factory.getbasetemp()).served


@pytest.mark.parametrize("sql", EXAMPLES, ids=[f"example{i + 1}" for i in range(len(EXAMPLES))])
def test_example_runs_as_written(served, sql):
    con = duckdb.connect(str(served), read_only=True)
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    assert columns
    if "ops.quarantine" not in sql:  # a clean organization may have no quarantined row
        assert rows, "the example returns nothing on the sample warehouse"


def test_the_guide_shows_duckdb_pandas_polars_and_sqlalchemy():
    code = "".join(PYTHON)
    assert all(word in code for word in (".df()", ".pl()", "sa.create_engine"))


@pytest.mark.parametrize("code", PYTHON, ids=[f"python{i + 1}" for i in range(len(PYTHON))])
def test_python_example_runs_as_written(served, code):
    assert "warehouse/greenblue.duckdb" in code
    program = code.replace("warehouse/greenblue.duckdb", str(served))
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
