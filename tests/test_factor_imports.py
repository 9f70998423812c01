"""`greenblue factors import|list`: editions built from files the operator provides
(docs/contract.md section 3.7).

The official files are read where the operator keeps them (`../shared/reference-data` beside
the repository), never from the repository; the tests skip when they are absent. Malformed
inputs are small synthetic files written here.
"""

import csv
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from erp_files import check_files_against_marts, check_marts_against_sources

from pipelines import cli, editions, factor_imports, factor_library, fingerprint
from pipelines.settings import FACTORS_DIR, load_settings
from tests.builders.landing import Run

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference-data"
OWID = REFERENCE / "owid-carbon-intensity-electricity.csv"
EPA = REFERENCE / "SupplyChainGHGEmissionFactors_v1.3.0_NAICS_CO2e_USD2022.csv"
needs_files = pytest.mark.skipif(
    not (OWID.is_file() and EPA.is_file()),
    reason=f"the official OWID and EPA files are not in {REFERENCE} (see its SOURCES.md)",
)
REPOSITORY_NEWEST = factor_library.current_factor_set(None)  # without imports


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def official_owid_years() -> dict[str, set[int]]:
    """Country (ISO-3 or OWID code) -> years with a value, read from the official file."""
    years: dict[str, set[int]] = {}
    for row in rows(OWID):
        if row["Code"] and row["Carbon intensity of electricity per kWh"]:
            years.setdefault(row["Code"], set()).add(int(row["Year"]))
    return years


@pytest.fixture(scope="module")
def stacked(tmp_path_factory):
    """The grid series, then the spend-based set on top of it (the default base)."""
    workdir = tmp_path_factory.mktemp("stacked") / ".work"
    grid, _ = factor_imports.import_edition("owid-grid", OWID, workdir)
    spend, _ = factor_imports.import_edition("epa-supply-chain", EPA, workdir)
    return workdir, grid, spend


def greenblue(
    monkeypatch, capsys, warehouse: Path, *args: str, factor_set: str | None = None
) -> tuple[int, str, str]:
    """`greenblue <args>` in this process, as an operator types it."""
    monkeypatch.setenv("GREENBLUE_WAREHOUSE", str(warehouse))
    monkeypatch.delenv("GREENBLUE_WORKDIR", raising=False)
    if factor_set:
        monkeypatch.setenv("GREENBLUE_FACTOR_SET", factor_set)
    else:
        monkeypatch.delenv("GREENBLUE_FACTOR_SET", raising=False)
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@needs_files
def test_imports_stack_into_one_edition_named_after_each_file(stacked):
    workdir, grid, spend = stacked
    assert grid.name == f"{REPOSITORY_NEWEST}+owid-grid-{sha256(OWID)[:8]}"
    assert spend.name == f"{grid.name}+epa-supply-chain-{sha256(EPA)[:8]}"
    assert spend.base == grid.name and grid.base == REPOSITORY_NEWEST
    assert spend.path.parent == workdir / "factor_editions" / spend.name
    assert not spend.path.is_relative_to(FACTORS_DIR.parent), "never in the repository"

    factors = rows(spend.path)
    assert {r["factor_version"] for r in factors} == {spend.name}
    ids = {r["factor_id"] for r in factors}
    assert len(ids) == len(factors), "one row per factor id"
    base = {r["factor_id"] for r in rows(editions.find(REPOSITORY_NEWEST, None).path)}
    assert base <= ids, "a complete factor set: every row of the repository edition"
    spend_rows = [r for r in factors if r["factor_key"].startswith("spend.naics.")]
    grid_years = [r for r in factors if r["factor_key"].startswith("electricity.grid.KE.")]
    assert len(spend_rows) == 1016
    assert len(grid_years) == len(official_owid_years()["KEN"]) > 20, "the whole series"
    assert editions.newest(workdir).name == spend.name, "the last import is what runs use"
    assert factor_library.current_factor_set(None, workdir=workdir) == spend.name


@needs_files
def test_grid_rows_have_the_repository_key_shape_and_values_in_kg(stacked):
    _, grid, _ = stacked
    by_id = {r["factor_id"]: r for r in rows(grid.path)}
    kenya = by_id["electricity.grid.KE.2023@kWh"]
    official = next(r for r in rows(OWID) if r["Code"] == "KEN" and r["Year"] == "2023")
    assert float(kenya["kg_co2e_per_unit"]) == pytest.approx(
        float(official["Carbon intensity of electricity per kWh"]) / 1000, rel=1e-12
    )
    assert kenya["unit"] == "kWh" and kenya["activity_type"] == "electricity"
    assert kenya["source_id"] == "KEN:2023" and kenya["source_edition"] == "2023"
    assert kenya["valid_from"] == "2023-01-01" and kenya["valid_to"] == "2023-12-31"
    assert sha256(OWID) in kenya["source"]
    assert list(kenya) == list(factor_imports.COLUMNS), "the repository edition's columns"
    assert "electricity.grid.XK.2024@kWh" in by_id, "Kosovo, coded OWID_KOS by OWID"
    assert not [i for i in by_id if i.startswith("electricity.grid.OW")], "no aggregates"
    manifest = grid.manifest
    assert manifest["rows"]["base_replaced"] > 0, "the repository's single-year grid rows"
    assert manifest["details"]["years"] == [1990, 2025]


@needs_files
def test_spend_rows_use_the_crosswalk_keys_and_the_price_index_is_cpi_u(stacked):
    _, _, spend = stacked
    by_id = {r["factor_id"]: r for r in rows(spend.path)}
    soybeans = by_id["spend.naics.111110@usd_2022"]
    assert soybeans["kg_co2e_per_unit"] == "0.532", "with margins (purchaser price)"
    assert "without margins 0.488, margins 0.044" in soybeans["notes"]
    assert soybeans["activity_type"] == "purchased_goods" and soybeans["gwp_set"] == "AR5"
    crosswalk = rows(FACTORS_DIR / "unspsc_spend_categories.csv")
    keys = {r["factor_key"] for r in crosswalk if r["factor_key"]}
    assert all(f"{k}@usd_2022" in by_id for k in keys), "every crosswalk key has a factor"
    for r in crosswalk:
        if r["factor_key"]:
            assert by_id[f"{r['factor_key']}@usd_2022"]["activity_type"] == r["activity_type"]

    index = {int(r["year"]): float(r["index_value"]) for r in rows(spend.price_index)}
    assert index[2022] == 292.655 and index[2024] == 313.689, "BLS CPI-U annual averages"
    assert "CUUR0000SA0" in rows(spend.price_index)[0]["source"]
    assert spend.manifest["details"]["crosswalk_codes_without_factor"] == []


@needs_files
def test_manifests_record_the_files_sha256_and_rows(stacked):
    _, grid, spend = stacked
    for edition, path in ((grid, OWID), (spend, EPA)):
        manifest = json.loads((edition.path.parent / "manifest.json").read_text())
        assert manifest["sha256"] == sha256(path)
        assert manifest["source_file"] == path.name
        assert manifest["imported_at"]
        counted = manifest["rows"]
        assert counted["total"] == len(rows(edition.path))
        assert counted["total"] == counted["base"] - counted["base_replaced"] + counted["imported"]
        assert manifest["files"]["emission_factors.csv"] == sha256(edition.path)
    assert [step["sha256"] for step in spend.manifest["lineage"]] == [sha256(OWID), sha256(EPA)]


@needs_files
def test_base_builds_on_another_edition(tmp_path, stacked):
    workdir, grid, _ = stacked
    workdir = shutil.copytree(workdir, tmp_path / ".work")
    alone, _ = factor_imports.import_edition(
        "epa-supply-chain", EPA, workdir, base=REPOSITORY_NEWEST
    )
    assert alone.name == f"{REPOSITORY_NEWEST}+epa-supply-chain-{sha256(EPA)[:8]}"
    factors = rows(alone.path)
    assert not [r for r in factors if r["factor_key"].startswith("electricity.grid.KE.199")]
    assert len([r for r in factors if r["factor_key"].startswith("spend.")]) == 1016
    assert editions.newest(workdir).name == alone.name

    # the same file on the same base again: the same edition, the newest again
    again, what = factor_imports.import_edition("owid-grid", OWID, workdir)
    assert what.startswith("installed") and again.base == alone.name
    same, what = factor_imports.import_edition("owid-grid", OWID, workdir, base=REPOSITORY_NEWEST)
    assert same.name == grid.name and what.startswith("already installed")
    assert sha256(same.path) == sha256(grid.path), "rebuilt byte for byte"
    assert editions.newest(workdir).name == grid.name


@needs_files
def test_factors_list_shows_repository_and_imported_editions(stacked, monkeypatch, capsys):
    workdir, grid, spend = stacked
    served = workdir.parent / "greenblue.duckdb"
    code, out, _ = greenblue(monkeypatch, capsys, served, "factors", "list")
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith(f"  {REPOSITORY_NEWEST}  repository") for line in lines)
    assert any(line.startswith(f"* {spend.name}  imported") for line in lines)
    assert f"base {grid.name}" in out and f"sha256 {sha256(EPA)}" in out
    assert f"source {OWID.name} sha256 {sha256(OWID)}" in out
    assert f"{spend.manifest['rows']['total']:,} rows" in out
    assert str(workdir / "factor_editions") in out

    code, out, _ = greenblue(monkeypatch, capsys, served, "factors", "list", factor_set=grid.name)
    assert code == 0 and f"* {grid.name}  imported" in out and f"  {spend.name}  imported" in out
    assert factor_library.current_factor_set(grid.name, workdir=workdir) == grid.name
    with pytest.raises(ValueError, match=r"not in factors/factor_sets\.csv nor imported"):
        factor_library.current_factor_set("un-common-2025.1+owid-grid-00000000", workdir=workdir)


@needs_files
def test_a_run_loads_every_edition_and_the_price_index_of_the_one_in_use(stacked, tmp_path):
    workdir, grid, spend = stacked
    con = duckdb.connect(str(tmp_path / "work.duckdb"))
    con.execute("create schema factors")
    meta = factor_library.load_factors(con, workdir=workdir, factor_set=spend.name)
    assert meta["factor_sets"] == len(editions.installed(workdir))
    (spend_rows,) = con.execute(
        "select count(*) from factors.emission_factors where factor_version = ? "
        "and unit = 'usd_2022'",
        [spend.name],
    ).fetchone()
    assert spend_rows == 1016
    assert con.execute(
        "select index_value from factors.spend_price_index where year = '2022'"
    ).fetchall() == [("292.655",)]
    imports = con.execute(
        "select factor_set, base_factor_set, sha256 from factors.factor_imports order by all"
    ).fetchall()
    assert (spend.name, grid.name, sha256(EPA)) in imports
    (recorded,) = con.execute(
        "select file from factors.factor_sets where factor_set = ?", [spend.name]
    ).fetchone()
    assert recorded == f"factor_editions/{spend.name}/emission_factors.csv"

    # the repository edition in use: its own (empty) index
    factor_library.load_factors(con, workdir=workdir, factor_set=REPOSITORY_NEWEST)
    assert con.execute("select count(*) from factors.spend_price_index").fetchone() == (0,)
    con.close()


def test_an_import_changes_the_inputs_fingerprint(tmp_path):
    settings = load_settings({"GREENBLUE_WAREHOUSE": str(tmp_path / "wh" / "greenblue.duckdb")})
    before = fingerprint.inputs_fingerprint(settings, "s")
    grid = tmp_path / "grid.csv"
    grid.write_text(
        "Entity,Code,Year,Carbon intensity of electricity per kWh\nKenya,KEN,2024,85.2\n"
    )
    factor_imports.import_edition("owid-grid", grid, settings.workdir)
    assert fingerprint.inputs_fingerprint(settings, "s") != before


def test_a_small_grid_file_gives_exact_rows(tmp_path):
    grid = tmp_path / "grid.csv"
    grid.write_text(
        "Entity,Code,Year,Carbon intensity of electricity per kWh\n"
        "Kenya,KEN,2023,96.88\n"
        "Kenya,KEN,2024,85.22\n"
        "World,OWID_WRL,2024,473.0\n"
        "ASEAN (Ember),,2024,560.1\n"
        "Kosovo,OWID_KOS,2024,1011.5\n"
        "Chad,TCD,2024,\n"
    )
    edition, _ = factor_imports.import_edition("owid-grid", grid, tmp_path / ".work")
    imported = {r["factor_id"]: r["kg_co2e_per_unit"] for r in rows(edition.path)}
    assert imported["electricity.grid.KE.2024@kWh"] == "0.08522"
    assert imported["electricity.grid.XK.2024@kWh"] == "1.0115"
    assert edition.manifest["rows"]["imported"] == 3
    assert edition.manifest["details"]["skipped_aggregates"] == 2
    assert edition.manifest["details"]["skipped_without_value"] == 1


@pytest.mark.parametrize(
    ("args", "files", "message"),
    [
        (["factors", "import", "ecoinvent", "x.csv"], {}, "unknown kind 'ecoinvent': one of"),
        (["factors", "import", "owid-grid", "{tmp}/nowhere.csv"], {}, "no file"),
        (
            ["factors", "import", "owid-grid", "{tmp}/grid.csv"],
            {"grid.csv": "Entity,Country,Year,Carbon intensity of electricity per kWh\n"},
            "missing column(s) 'Code'",
        ),
        (
            ["factors", "import", "owid-grid", "{tmp}/grid.csv"],
            {"grid.csv": "Entity,Code,Year,Share of renewables\nKenya,KEN,2024,90\n"},
            "missing column 'Carbon intensity of electricity per kWh'",
        ),
        (
            ["factors", "import", "owid-grid", "{tmp}/grid.csv"],
            {
                "grid.csv": "Entity,Code,Year,Carbon intensity of electricity per kWh\n"
                "Kenya,KEN,2024,about 85\n"
            },
            "grid.csv line 2: Carbon intensity of electricity per kWh 'about 85' is not a number",
        ),
        (
            ["factors", "import", "epa-supply-chain", "{tmp}/epa.csv"],
            {
                "epa.csv": "2017 NAICS Code,2017 NAICS Title,GHG,Unit,"
                "Supply Chain Emission Factors with Margins\n"
            },
            "missing column(s) 'Supply Chain Emission Factors without Margins', "
            "'Margins of Supply Chain Emission Factors'",
        ),
        (
            ["factors", "import", "epa-supply-chain", "{tmp}/epa.csv"],
            {
                "epa.csv": ",".join(factor_imports.EPA_COLUMNS) + "\n"
                "111110,Soybean Farming,All GHGs,kg CO2e/2022 EUR,0.488,0.044,0.532\n"
            },
            "epa.csv line 2: Unit 'kg CO2e/2022 EUR' is not",
        ),
        (
            ["factors", "import", "owid-grid", "{tmp}/grid.csv", "--base", "un-common-1999"],
            {"grid.csv": "Entity,Code,Year,Carbon intensity of electricity per kWh\n"},
            "--base 'un-common-1999' is not in factors/factor_sets.csv nor imported",
        ),
    ],
)
def test_bad_inputs_are_refused_with_a_reason(tmp_path, monkeypatch, capsys, args, files, message):
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = greenblue(monkeypatch, capsys, tmp_path / "wh" / "greenblue.duckdb", *args)
    assert code == 2 and out == ""
    assert err.startswith("greenblue: ") and message in err, err
    assert not list((tmp_path / "wh" / ".work" / "factor_editions").glob("*")), "nothing installed"


@needs_files
@pytest.mark.slow
def test_a_run_computes_with_the_stacked_edition_and_records_it(tmp_path):
    run = Run(root=tmp_path, landing=tmp_path / "landing")
    generated = run.command(
        "generate", "--out", str(run.landing), "--orgs", "2", "--rows", "150", "--years", "3"
    )
    assert generated.returncode == 0, generated.stderr
    for kind, path in (("owid-grid", OWID), ("epa-supply-chain", EPA)):
        done = run.command("factors", "import", kind, str(path))
        assert done.returncode == 0, done.stderr
    edition = f"{REPOSITORY_NEWEST}+owid-grid-{sha256(OWID)[:8]}+epa-supply-chain-{sha256(EPA)[:8]}"
    assert f"* {edition}" in run.command("factors", "list").stdout

    run.run()
    assert run.returncode == 0, run.stderr + run.stdout
    assert f"(factor set {edition})" in run.stdout
    assert run.query("select distinct factor_set from ops.runs") == [(edition,)]
    assert run.query("select distinct factor_version from marts.fct_emissions") == [(edition,)]

    # spend-based factors for > 80 % of the spend that has a USD amount, in every year
    share = run.query(
        "select reporting_year, sum(spend_usd) filter (where factor_status = 'mapped') "
        "/ sum(spend_usd) from marts.fct_procurement_lines where spend_usd is not null "
        "and reporting_year between 2022 and 2024 group by all order by all"
    )
    assert [year for year, _ in share] == [2022, 2023, 2024]
    assert all(ratio > 0.8 for _, ratio in share), share
    # 2024 spend moves to 2022 dollars with CPI-U: kg = spend_usd x 292.655 / 313.689 x factor
    lines = run.query(
        "select p.spend_usd, p.kg_co2e, f.kg_co2e_per_unit from marts.fct_procurement_lines p "
        "join factors.emission_factors f using (factor_id) where f.factor_version = ? "
        "and p.reporting_year = 2024 and p.factor_status = 'mapped'",
        [edition],
    )
    assert lines
    for spend_usd, kg, per_usd in lines:
        assert kg == pytest.approx(float(spend_usd) * 292.655 / 313.689 * per_usd, rel=1e-9)

    # electricity: the grid factor of its own year wherever the series has that year
    series = official_owid_years()
    iso3 = {
        r["factor_id"].split(".")[2]: r["source_id"].split(":")[0]
        for r in rows(
            Path(tmp_path / "wh" / ".work" / "factor_editions" / edition / "emission_factors.csv")
        )
        if r["factor_key"].startswith("electricity.grid.") and r["source_id"]
    }
    electricity = run.query(
        "select reporting_year, factor_id, factor_status from marts.fct_emissions "
        "where activity_type = 'electricity'"
    )
    assert electricity and all(status == "mapped" for _, _, status in electricity)
    for year, factor_id, _ in electricity:
        key = factor_id.split("@")[0].split(".")  # electricity.grid.<ISO-2>[.<year>]
        if len(key) == 3:  # a combustion factor without a year (DESNZ, GB) wins every year
            continue
        country, used = key[2], int(key[3])
        assert used == year or year not in series[iso3[country]], (year, factor_id)

    # the ERP write-back carries the edition's spend-based factors (docs/erp-write-back.md)
    for org, fmt in (("UNEP", "sap"), ("UNDP", "oracle")):
        done = run.command("erp-export", "--org", org, "--format", fmt, "--out", str(tmp_path))
        assert done.returncode == 0, done.stderr
        check_files_against_marts(run.served, tmp_path, org, fmt)
        check_marts_against_sources(run.served, org)
    mapped = run.query(
        "select count(*) filter (where factor_status = 'mapped'), count(*) "
        "from marts.erp_material_groups where factor_version = ?",
        [edition],
    )[0]
    assert mapped[0] > mapped[1] / 2, mapped
    assert run.query(
        "select count(*) from marts.erp_open_po_lines where kg_co2e > 0 and factor_version = ?",
        [edition],
    )[0][0]

    served = run.query("select * from marts.org_emissions_annual order by all")
    again = Run(root=tmp_path, landing=run.landing).run()
    assert again.returncode == 0 and "nothing new" in again.stdout, again.stdout
    assert again.query("select * from marts.org_emissions_annual order by all") == served


def test_a_damaged_edition_folder_is_named(tmp_path, monkeypatch, capsys):
    served = tmp_path / "wh" / "greenblue.duckdb"
    folder = served.parent / ".work" / "factor_editions" / "un-common-2025.1+owid-grid-00000000"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text('{"name": "un-common-2025.1+owid-grid-00000000"}')
    code, _, err = greenblue(monkeypatch, capsys, served, "factors", "list")
    assert code == 2 and str(folder) in err and "import the file again" in err, err
