"""Reading `greenblue erp-export` files back, and checking every value against the marts.

The layouts are written out here from docs/erp-write-back.md, not taken from the exporter,
so a file that drifts from the document fails. Two levels of checks:

1. every value of every file equals its mart row (`marts.erp_material_groups`,
   `marts.erp_open_po_lines`), in the documented format, and every mart row is in a file
   exactly once;
2. the two ERP marts agree with the marts and factor tables they come from: each open line
   with its line in `marts.fct_procurement_lines`; each group's spend and criteria share
   with the organization's lines of its latest year, its factor with the crosswalk, the
   factor set in use and its price index, its guideline with the catalogue.
"""

import csv
from collections import defaultdict
from pathlib import Path

import duckdb

# (name in the file, mart column, format): format is a number of decimals, "int", or "text";
# SHARE_CRITERIA_PCT is the mart's share x 100.
GROUP_VALUES = (
    ("KGCO2E_PER_USD", "kg_co2e_per_usd", 6),
    ("USD_YEAR", "usd_year", "int"),
    ("FACTOR_ID", "factor_id", "text"),
    ("FACTOR_SET", "factor_version", "text"),
    ("DATA_QUALITY", "data_quality", "int"),
    ("FACTOR_STATUS", "factor_status", "text"),
    ("SPEND_YEAR", "spend_year", "int"),
    ("SHARE_CRITERIA_PCT", "share_spend_criteria", 1),
    ("GUIDELINE", "guideline_family", "text"),
    ("GUIDELINE_REF", "guideline_reference", "text"),
)
LINE_VALUES = (
    ("KGCO2E", "kg_co2e", 3),
    ("FACTOR_ID", "factor_id", "text"),
    ("FACTOR_SET", "factor_version", "text"),
    ("DATA_QUALITY", "data_quality", "int"),
    ("FACTOR_STATUS", "factor_status", "text"),
)
# Oracle flexfield segments: text values in ATTRIBUTE1.., numbers in ATTRIBUTE_NUMBER1..
ORACLE_GROUP_SEGMENTS = {
    "ATTRIBUTE1": "FACTOR_ID",
    "ATTRIBUTE2": "FACTOR_SET",
    "ATTRIBUTE3": "FACTOR_STATUS",
    "ATTRIBUTE4": "GUIDELINE",
    "ATTRIBUTE5": "GUIDELINE_REF",
    "ATTRIBUTE_NUMBER1": "KGCO2E_PER_USD",
    "ATTRIBUTE_NUMBER2": "USD_YEAR",
    "ATTRIBUTE_NUMBER3": "DATA_QUALITY",
    "ATTRIBUTE_NUMBER4": "SPEND_YEAR",
    "ATTRIBUTE_NUMBER5": "SHARE_CRITERIA_PCT",
}
ORACLE_LINE_SEGMENTS = {
    "ATTRIBUTE1": "FACTOR_ID",
    "ATTRIBUTE2": "FACTOR_SET",
    "ATTRIBUTE3": "FACTOR_STATUS",
    "ATTRIBUTE_NUMBER1": "KGCO2E",
    "ATTRIBUTE_NUMBER2": "DATA_QUALITY",
}


def read(path: Path, delimiter: str) -> tuple[list[str], list[dict[str, str]]]:
    raw = path.read_bytes()
    assert raw.endswith(b"\r\n") and not raw.startswith(b"\xef\xbb\xbf"), path  # CRLF, no BOM
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        return list(reader.fieldnames or []), list(reader)


def sap_files(out: Path, org: str) -> tuple[dict, dict]:
    """{MATKL: {value name: text}}, {(EBELN, EBELP): {value name: text}}."""
    header, rows = read(out / f"{org}_SAP_MATKL_characteristics.csv", ";")
    assert header == ["KLART", "CLASS", "OBJEK", "ATNAM", "ATWRT"]
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for row in rows:
        assert (row["KLART"], row["CLASS"]) == ("026", "ZGB_CARBON"), row
        name = row["ATNAM"].removeprefix("ZGB_")
        assert row["ATNAM"] == f"ZGB_{name}" and name not in groups[row["OBJEK"]], row
        assert row["ATWRT"] != "", row  # a characteristic without a value is not written
        groups[row["OBJEK"]][name] = row["ATWRT"]
    header, rows = read(out / f"{org}_SAP_EKPO_custom_fields.csv", ";")
    assert header == ["EBELN", "EBELP", *(f"ZZ_GB_{name}" for name, _, _ in LINE_VALUES)]
    lines = {}
    for row in rows:
        assert len(row["EBELP"]) == 5 and row["EBELP"].isdigit(), row  # EKPO-EBELP, NUMC 5
        key = (row["EBELN"], int(row["EBELP"]))
        assert key not in lines, key
        lines[key] = {name: row[f"ZZ_GB_{name}"] for name, _, _ in LINE_VALUES}
    return dict(groups), lines


def oracle_files(out: Path, org: str) -> tuple[dict, dict]:
    """{CATEGORY_CODE: {value name: text}}, {(BU, DOCUMENT_NUM, LINE_NUM): {...}}."""
    header, rows = read(out / f"{org}_ORACLE_category_DFF.csv", ",")
    fixed = ["TRANSACTION_TYPE", "CATALOG_CODE", "CATEGORY_CODE", "ATTRIBUTE_CATEGORY"]
    assert header == [*fixed, *ORACLE_GROUP_SEGMENTS]
    groups = {}
    for row in rows:
        assert (row["TRANSACTION_TYPE"], row["CATALOG_CODE"]) == ("UPDATE", "PURCHASING")
        assert row["ATTRIBUTE_CATEGORY"] == "GREENBLUE_CARBON"
        assert row["CATEGORY_CODE"] not in groups
        groups[row["CATEGORY_CODE"]] = {
            name: row[column] for column, name in ORACLE_GROUP_SEGMENTS.items() if row[column]
        }
    header, rows = read(out / f"{org}_ORACLE_PO_line_DFF.csv", ",")
    fixed = [
        "INTERFACE_LINE_KEY",
        "INTERFACE_HEADER_KEY",
        "PRC_BU_NAME",
        "DOCUMENT_NUM",
        "LINE_NUM",
        "ATTRIBUTE_CATEGORY",
    ]
    assert header == [*fixed, *ORACLE_LINE_SEGMENTS]
    lines, headers = {}, {}
    for row in rows:
        key = (row["PRC_BU_NAME"], row["DOCUMENT_NUM"], int(row["LINE_NUM"]))
        assert key not in lines, key
        # one interface header key per order, one line key per line
        assert (
            headers.setdefault(key[:2], row["INTERFACE_HEADER_KEY"]) == row["INTERFACE_HEADER_KEY"]
        )
        lines[key] = {name: row[column] for column, name in ORACLE_LINE_SEGMENTS.items()}
    assert len({k for k in headers.values()}) == len(headers)
    assert len({r["INTERFACE_LINE_KEY"] for r in rows}) == len(rows)
    return groups, lines


def formatted(value: object, form: object, scale: float = 1.0) -> str:
    if value is None:
        return ""
    if form == "int":
        return str(int(value))
    if form == "text":
        return str(value)
    return f"{float(value) * scale:.{form}f}"


def expected_values(row: dict, values: tuple) -> dict[str, str]:
    return {
        name: formatted(row[column], form, 100.0 if name == "SHARE_CRITERIA_PCT" else 1.0)
        for name, column, form in values
    }


def mart(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


def check_files_against_marts(served: Path, out: Path, org: str, fmt: str) -> dict[str, int]:
    """Every value of the files of `fmt` equals its mart row; returns rows per kind."""
    con = duckdb.connect(str(served), read_only=True)
    try:
        groups = mart(
            con,
            "select * from marts.erp_material_groups where org_code = ? and source_system = ?",
            [org, fmt],
        )
        lines = mart(
            con,
            "select * from marts.erp_open_po_lines where org_code = ? and source_system = ?",
            [org, fmt],
        )
    finally:
        con.close()
    file_groups, file_lines = sap_files(out, org) if fmt == "sap" else oracle_files(out, org)
    expected_groups = {
        g["category_code"]: {k: v for k, v in expected_values(g, GROUP_VALUES).items() if v}
        for g in groups
    }
    assert file_groups.keys() == expected_groups.keys()
    for code, values in expected_groups.items():
        assert file_groups[code] == values, code
    if fmt == "sap":
        expected_lines = {(r["po_number"], r["po_line"]): r for r in lines}
    else:
        expected_lines = {(r["business_unit"], r["po_number"], r["po_line"]): r for r in lines}
    assert file_lines.keys() == expected_lines.keys()
    for key, row in expected_lines.items():
        assert file_lines[key] == expected_values(row, LINE_VALUES), key
    return {"groups": len(groups), "lines": len(lines)}


def check_marts_against_sources(served: Path, org: str) -> None:
    """The ERP marts agree with fct_procurement_lines and the factor tables."""
    con = duckdb.connect(str(served), read_only=True)
    try:
        check_open_lines(con, org)
        check_groups(con, org)
    finally:
        con.close()


def check_open_lines(con: duckdb.DuckDBPyConnection, org: str) -> None:
    differing = con.execute(
        "select o.procurement_line_id from marts.erp_open_po_lines as o "
        "left join marts.fct_procurement_lines as f using (procurement_line_id) "
        "where o.org_code = ? and (f.procurement_line_id is null or o.org_code != f.org_code "
        "or o.po_number != f.po_number or o.po_line != f.po_line "
        "or o.kg_co2e is distinct from f.kg_co2e or o.factor_id is distinct from f.factor_id "
        "or o.factor_version != f.factor_version or o.factor_status != f.factor_status "
        "or o.spend_usd is distinct from f.spend_usd)",
        [org],
    ).fetchall()
    assert not differing, differing[:5]


def local_key(code: str) -> str:
    return code.strip().upper().lstrip("0")


def check_groups(con: duckdb.DuckDBPyConnection, org: str) -> None:
    (factor_set,) = con.execute(
        "select factor_set from ops.runs where status = 'published' "
        "order by finished_at desc limit 1"
    ).fetchone()
    lines = mart(
        con,
        "select source_system, category_code, reporting_year, spend_usd, "
        "has_sustainability_criteria, unspsc_code from marts.fct_procurement_lines "
        "where org_code = ? and category_code is not null",
        [org],
    )
    spend_year = max(r["reporting_year"] for r in lines)
    crosswalk = {
        (r["unspsc_segment"], r["unspsc_family"] or None): r
        for r in mart(con, "select * from factors.unspsc_spend_categories", [])
    }
    factors = {
        r["factor_key"]: r
        for r in mart(
            con,
            "select factor_key, factor_id, unit, kg_co2e_per_unit::double as kg "
            "from factors.emission_factors where factor_version = ? "
            "and activity_type in ('purchased_goods', 'purchased_services', 'capital_goods')",
            [factor_set],
        )
    }
    index = {
        int(y): float(v)
        for y, v in con.execute(
            "select year, index_value from factors.spend_price_index"
        ).fetchall()
    }
    guidelines = {
        r["unspsc_family"]: r for r in mart(con, "select * from factors.procurement_guidelines", [])
    }
    for group in mart(con, "select * from marts.erp_material_groups where org_code = ?", [org]):
        mine = [
            r
            for r in lines
            if r["source_system"] == group["source_system"]
            and local_key(r["category_code"]) == local_key(group["category_code"])
        ]
        assert mine, group
        assert group["category_code"] == max(
            (r["category_code"] for r in mine), key=lambda c: (len(c), [-ord(x) for x in c])
        )
        assert {r["unspsc_code"] for r in mine} == {group["unspsc_code"]}
        assert group["factor_version"] == factor_set and group["spend_year"] == spend_year
        in_year = [r for r in mine if r["reporting_year"] == spend_year]
        assert group["lines_in_spend_year"] == len(in_year)
        spend = sum(r["spend_usd"] for r in in_year if r["spend_usd"] is not None)
        criteria = sum(
            r["spend_usd"]
            for r in in_year
            if r["spend_usd"] is not None and r["has_sustainability_criteria"]
        )
        if in_year and any(r["spend_usd"] is not None for r in in_year):
            assert group["spend_usd"] == spend, group
            if spend:
                assert abs(group["share_spend_criteria"] - float(criteria / spend)) < 1e-9
        else:
            assert group["spend_usd"] is None and group["share_spend_criteria"] is None
        family = group["unspsc_family"]
        guideline = guidelines.get(family)
        assert group["guideline_family"] == (family if guideline else None)
        assert group["guideline_reference"] == (guideline["reference"] if guideline else None)
        check_factor(group, crosswalk, factors, index)


def check_factor(group: dict, crosswalk: dict, factors: dict, index: dict) -> None:
    """The group's factor, recomputed: crosswalk family row, else segment row; the set's
    factor for its key, moved from its dollar year to the newest index year."""
    code = group["unspsc_code"]
    row = code and (crosswalk.get((code[:2], code[:4])) or crosswalk.get((code[:2], None)))
    if row and row["counted_from_activity_data"] == "true":
        assert group["factor_status"] == "excluded", group
        return
    factor = factors.get(row["factor_key"]) if row else None
    if factor is None:
        assert group["factor_status"] == "unmapped" and group["kg_co2e_per_usd"] is None, group
        reason = "no spend-based factor set installed" if not factors and row else None
        assert reason is None or group["status_reason"] == reason, group
        return
    year = int(factor["unit"].removeprefix("usd_"))
    newest = max(index)
    expected = factor["kg"] * index[year] / index[newest]
    assert group["factor_status"] == "mapped" and group["factor_id"] == factor["factor_id"]
    assert group["usd_year"] == newest and group["data_quality"] == 4
    assert abs(group["kg_co2e_per_usd"] - expected) <= 1e-12 * expected, group
