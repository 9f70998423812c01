"""`greenblue erp-export` on the shared 5-organization warehouse: every value of the SAP and
Oracle files, read back, equals the marts, and the marts agree with the procurement lines
and factor tables they come from (tests/erp_files.py). This warehouse has no spend-based
factor set, so the files say why each group has no factor; the stacked-edition run in
tests/test_factor_imports.py checks the same with spend-based factors installed."""

import duckdb
import pytest
from erp_files import check_files_against_marts, check_marts_against_sources
from progress_warehouse import published

from pipelines import cli, erp_export


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return published(tmp_path_factory.getbasetemp())


def export(monkeypatch, built, *args: str) -> int:
    monkeypatch.setenv("GREENBLUE_WAREHOUSE", str(built.served))
    return cli.main(["erp-export", *args])


@pytest.mark.slow
@pytest.mark.parametrize(("org", "fmt"), [("UNEP", "sap"), ("UNDP", "oracle")])
def test_the_files_read_back_equal_the_marts(monkeypatch, capsys, built, tmp_path, org, fmt):
    assert export(monkeypatch, built, "--org", org, "--format", fmt, "--out", str(tmp_path)) == 0
    printed = capsys.readouterr().out
    assert len(list(tmp_path.iterdir())) == 2 and printed.count("wrote ") == 2
    counts = check_files_against_marts(built.served, tmp_path, org, fmt)
    assert counts["groups"] > 10 and counts["lines"] > 10, counts
    check_marts_against_sources(built.served, org)


@pytest.mark.slow
def test_without_a_spend_based_set_every_group_says_why(built):
    con = duckdb.connect(str(built.served), read_only=True)
    try:
        reasons = dict(
            con.execute(
                "select factor_status, count(*) from marts.erp_material_groups group by all"
            ).fetchall()
        )
        installed = con.execute(
            "select count(*) from marts.erp_material_groups "
            "where status_reason = 'no spend-based factor set installed'"
        ).fetchone()[0]
    finally:
        con.close()
    assert set(reasons) == {"unmapped", "excluded"} and installed > 0, reasons


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "NOPE", "--format", "sap"], "no organization 'NOPE' in the served warehouse"),
        (
            ["--org", "UNDP", "--format", "sap"],
            "UNDP has no SAP purchase-order lines in the served warehouse "
            "(its lines come from: oracle)",
        ),
    ],
)
def test_a_request_that_cannot_be_met_writes_nothing(
    monkeypatch, capsys, built, tmp_path, args, message
):
    assert export(monkeypatch, built, *args, "--out", str(tmp_path / "out")) == 2
    assert capsys.readouterr().err == f"greenblue: {message}\n"
    assert not (tmp_path / "out").exists()


def test_text_a_spreadsheet_would_run_is_written_inert():
    """docs/contract.md section 3.6: a material group or order number that starts like a formula
    gets a leading
    apostrophe in every file; numbers keep their sign."""
    formula = '=HYPERLINK("http://evil.example/x","click me")'
    group = {f.column: None for f in erp_export.GROUP_VALUES} | {
        "category_code": formula,
        "factor_status": "-unmapped",
        "kg_co2e_per_usd": -0.5,
    }
    rows = erp_export.sap_characteristics(group)
    assert {r[2] for r in rows} == {"'" + formula}
    assert ["ZGB_KGCO2E_PER_USD", "-0.500000"] in [r[3:] for r in rows]
    assert ["ZGB_FACTOR_STATUS", "'-unmapped"] in [r[3:] for r in rows]
    line = {f.column: None for f in erp_export.LINE_VALUES} | {
        "po_number": "@SUM(A1)",
        "po_line": 10,
        "business_unit": "+BU",
        "row_number": 1,
        "order_number": 1,
    }
    assert erp_export.sap_item(line)[0][:2] == ["'@SUM(A1)", "00010"]
    assert erp_export.oracle_line(line)[0][2:4] == ["'+BU", "'@SUM(A1)"]
