"""Every SQL example in docs/guide.md runs as written against a warehouse the pipeline built."""

import re
from pathlib import Path

import duckdb
import pytest
from progress_warehouse import published

pytestmark = pytest.mark.slow

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide.md"
EXAMPLES = re.findall(r"```sql\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


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
