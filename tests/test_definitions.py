"""The Dagster definitions load, and read as the architecture."""

import dagster as dg

from connectors.dialects import raw_tables
from pipelines.definitions import defs


def asset_graph():
    return defs.resolve_asset_graph()


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("nightly") is not None
    assert {s.name for s in defs.schedules} == {"nightly_schedule"}
    assert {s.name for s in defs.sensors} == {"new_landing_files"}


def test_every_asset_has_an_owner_a_description_and_a_layer():
    graph = asset_graph()
    layers = {"landing", "raw", "factors", "staging", "intermediate", "marts", "published"}
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if node.is_external:
            continue
        assert node.owners, key
        assert node.description, key
        assert node.group_name in layers, (key, node.group_name)


def test_every_asset_check_says_what_it_asserts_and_what_a_failure_does():
    specs = [spec for assets in defs.assets for spec in getattr(assets, "check_specs", [])]
    assert len(specs) > 400  # dbt tests, GX suites, reconciliations
    missing = [spec.name for spec in specs if not (spec.description or "").strip()]
    assert not missing, missing
    by_name = {spec.name: spec.description for spec in specs}
    assert by_name["not_null_fct_emissions_boundary"].startswith("`boundary` is never empty.")
    warned = by_name["assert_activity_quantities_plausible"]
    assert warned.startswith("Activities whose quantity no real export holds")
    assert warned.endswith("nothing is held.")


def test_dbt_sources_are_the_raw_assets():
    graph = asset_graph()
    for _, table in raw_tables():
        key = dg.AssetKey(["raw", table.name])
        assert graph.has(key) and not graph.get(key).is_external, key
        children = {c.path[0] for c in graph.get(key).child_keys}
        assert children == {"staging"}, key


def test_lineage_reads_landing_to_published():
    graph = asset_graph()
    published = dg.AssetKey(["published", "warehouse"])
    upstream = graph.get(published).parent_keys
    assert upstream and all(k.path[0] == "marts" for k in upstream)
    ancestors = set()
    frontier = [published]
    while frontier:
        key = frontier.pop()
        for parent in graph.get(key).parent_keys:
            if parent not in ancestors:
                ancestors.add(parent)
                frontier.append(parent)
    assert {"ops", "raw", "factors", "reference", "staging", "intermediate", "marts"} <= {
        k.path[0] for k in ancestors
    }


def test_publication_decides_per_organization_and_no_check_skips_it():
    """Every check records its failures per organization; none is a Dagster-blocking check,
    so a failure never skips the publication step that holds or publishes each organization
    (pipelines/gate.py, pipelines/publish.py)."""
    graph = asset_graph()
    specs = [spec for asset in defs.assets for spec in asset.check_specs]
    assert not [s for s in specs if s.blocking]
    by_name = {s.name: s.asset_key.path for s in specs}
    assert by_name["reconciliation"] == ["published", "warehouse"]
    assert by_name["offsets_reconcile"] == ["published", "warehouse"]
    assert {s.asset_key.path[1] for s in specs if s.name.startswith("gx_")} == {
        t.name for _, t in raw_tables()
    }
    assert any(s.asset_key.path[0] == "marts" for s in specs), "dbt tests are checks"
    assert graph.has(dg.AssetKey(["marts", "org_emissions_annual"]))


def test_the_dbt_resource_skips_what_dagster_dbt_prepares_for_unused_metadata():
    """pipelines/dbt.py `DbtCli` overrides two private hooks of the pinned dagster-dbt. If an
    upgrade stops calling them, the run would pay their cost again unnoticed: this fails."""
    import importlib.metadata
    import inspect

    from dagster_dbt import DbtCliResource
    from packaging import version

    from pipelines.dbt import DbtCli

    called = inspect.getsource(DbtCliResource.cli)
    assert "self._cli_version" in called
    assert "self._initialize_dbt_core_adapter(" in called
    resource = defs.resources["dbt"]
    assert isinstance(resource, DbtCli)
    assert resource._cli_version == version.parse(importlib.metadata.version("dbt-core"))
    assert resource._initialize_dbt_core_adapter(["run"]) is None
