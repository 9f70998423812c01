"""Python assets materialized by Dagster into a temporary DuckDB file (no mocks)."""

import dagster as dg
import duckdb

from pipelines.assets import RAW_ASSETS, airports, factor_library, landing
from pipelines.resources import GreenblueResource
from samples import generate


def test_landing_raw_and_factor_assets_materialize(tmp_path, monkeypatch):
    generate(tmp_path / "landing", orgs=2, rows=80, seed=5)
    served = tmp_path / "wh" / "greenblue.duckdb"
    monkeypatch.setenv("GREENBLUE_LANDING", str(tmp_path / "landing"))
    monkeypatch.setenv("GREENBLUE_WAREHOUSE", str(served))
    monkeypatch.setenv("GREENBLUE_PSEUDONYM_KEY", "k")

    result = dg.materialize(
        [landing, *RAW_ASSETS, factor_library, airports],
        resources={"greenblue": GreenblueResource()},
    )
    assert result.success
    keys = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"ops/file_manifest", "raw/tmc_air_segments", "factors/emission_factors"} <= keys

    con = duckdb.connect(str(tmp_path / "wh" / ".work" / "greenblue.duckdb"), read_only=True)
    pending = con.execute(
        "select count(*) from ops.file_manifest where status = 'pending'"
    ).fetchall()
    loaded = con.execute(
        "select count(*), sum(rows_loaded) from ops.file_manifest where status = 'loaded'"
    ).fetchall()
    air = con.execute("select count(*) from raw.tmc_air_segments").fetchall()
    factors = con.execute(
        "select count(*) from factors.emission_factors where factor_version = 'un-common-2025'"
    ).fetchall()
    con.close()
    assert pending == [(0,)]
    assert loaded[0][0] >= 8 and loaded[0][1] > 0
    assert air[0][0] > 0
    assert factors == [(129,)]  # 122 published rows + 7 derived hotel averages
    assert not served.exists(), "nothing is published without the dbt models and checks"
