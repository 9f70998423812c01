"""dbt's unit tests run here, not in the nightly run.

They check the models' SQL on fixed rows, and a run changes no SQL, so `greenblue run` leaves
them out (pipelines/dbt.py: `--exclude-resource-type unit_test`, about 10 s a run). dbt needs
the models' input relations to exist to type the fixed rows: they run on a copy of the working
database of the shared progress warehouse (tests/progress_warehouse.py).
"""

import json
import shutil

import pytest

from tests.builders.landing import dbt
from tests.progress_warehouse import published

pytestmark = pytest.mark.slow


def test_every_dbt_unit_test_passes(tmp_path_factory):
    built = published(tmp_path_factory.getbasetemp())
    work = tmp_path_factory.mktemp("unit") / "greenblue.duckdb"
    shutil.copyfile(built.served.parent / ".work" / "greenblue.duckdb", work)
    done = dbt(work, work.parent, "test", "--select", "test_type:unit", env=built.env, timeout=600)
    target = work.parent / "target"
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    results = json.loads((target / "run_results.json").read_text())["results"]
    unit = [r for r in results if r["unique_id"].startswith("unit_test.")]
    manifest = json.loads((target / "manifest.json").read_text())
    assert len(unit) == len(manifest["unit_tests"]) > 40
    assert {r["status"] for r in unit} == {"pass"}
