"""Factor editions are immutable; the sensor starts a run when landing files change."""

import shutil

import dagster as dg
import duckdb
import pytest

from pipelines import database, factor_library
from pipelines.automation import new_landing_files
from pipelines.settings import FACTORS_DIR


@pytest.fixture
def factors_copy(tmp_path):
    target = tmp_path / "factors"
    shutil.copytree(FACTORS_DIR, target)
    return target


def test_an_edited_published_edition_stops_the_load(tmp_path, factors_copy):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    database.ensure_schema(con)
    factor_library.load_factors(con, factors_copy)
    edition = factors_copy / "emission_factors" / "un-common-2025.csv"
    edition.write_text(edition.read_text().replace("0.06449", "0.06000"))
    with pytest.raises(factor_library.EditedEditionError, match="add a new edition"):
        factor_library.load_factors(con, factors_copy)
    con.close()


def test_a_new_edition_is_added_beside_the_old_one(tmp_path, factors_copy):
    old = factors_copy / "emission_factors" / "un-common-2025.csv"
    new = factors_copy / "emission_factors" / "un-common-2026.csv"
    new.write_text(old.read_text().replace("un-common-2025", "un-common-2026"))
    with (factors_copy / "factor_sets.csv").open("a") as handle:
        handle.write("un-common-2026,2027-07-01,emission_factors/un-common-2026.csv,next\n")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    database.ensure_schema(con)
    factor_library.load_factors(con, factors_copy)
    versions = con.execute(
        "select factor_version, count(*) from factors.emission_factors group by 1 order by 1"
    ).fetchall()
    con.close()
    # 122 published rows, plus the 7 hotel averages derived from each edition's own country
    # rows when it loads (6 continents with a country factor, and the global one).
    assert {("un-common-2025", 129), ("un-common-2026", 129)} <= set(versions)
    assert factor_library.current_factor_set(None, factors_copy) == "un-common-2026"
    assert factor_library.current_factor_set("un-common-2025", factors_copy) == "un-common-2025"
    with pytest.raises(ValueError, match=r"not in factors/factor_sets\.csv"):
        factor_library.current_factor_set("un-common-1999", factors_copy)


def test_sensor_requests_a_run_only_when_landing_changes(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    (landing / "UNEP" / "travel").mkdir(parents=True)
    (landing / "organizations.yaml").write_text("organizations: []\n")
    monkeypatch.setenv("GREENBLUE_LANDING", str(landing))
    monkeypatch.setenv("GREENBLUE_WAREHOUSE", str(tmp_path / "wh" / "greenblue.duckdb"))
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance)
        first = new_landing_files(context)
        assert isinstance(first, dg.RunRequest)
        context = dg.build_sensor_context(instance=instance, cursor=context.cursor)
        assert isinstance(new_landing_files(context), dg.SkipReason)
        (landing / "UNEP" / "travel" / "new.csv").write_text("x")
        context = dg.build_sensor_context(instance=instance, cursor=context.cursor)
        assert isinstance(new_landing_files(context), dg.RunRequest)
