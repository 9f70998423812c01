"""`greenblue erp-export`: carbon figures an ERP team loads back into SAP or Oracle.

Data flows one way into the warehouse; these files send two marts back, so that buyers see
carbon when they buy (docs/erp-write-back.md):

- `marts.erp_material_groups`, per material group (SAP MATKL) or purchasing category
  (Oracle): kg CO2e per US dollar of the spend-based factor edition in use, with its id
  and data quality, the share of spend meeting sustainability criteria and the product
  guideline;
- `marts.erp_open_po_lines`, per open PO line: the estimated kg CO2e, keyed by order and
  item.

SAP gets a characteristic-value file keyed by MATKL (a classification upload) and a
custom-field file keyed by EBELN/EBELP; Oracle gets two files shaped like FBDI interface
sheets, for a purchasing-category descriptive flexfield and for PO line attributes. Which
class, characteristics, custom fields, flexfield context and segments a customer uses is
their configuration: the names below are the defaults the document proposes.

The served warehouse is opened read-only; nothing here computes a figure, it only writes
what the marts hold, in a fixed format (decimal point, no grouping, numbers rounded as
`Field.decimals` says).
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

FORMATS = ("sap", "oracle")

# Proposed configuration objects (docs/erp-write-back.md says how to change them).
SAP_CLASS_TYPE = "026"
SAP_CLASS = "ZGB_CARBON"
ORACLE_CATALOG = "PURCHASING"
ORACLE_CONTEXT = "GREENBLUE_CARBON"

# Spreadsheet programs run a cell starting with one of these as a formula (docs/contract.md section
# 3.6).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(Exception):
    """The export cannot be written as asked (unknown organization, nothing in that system)."""


@dataclass(frozen=True)
class Field:
    """One exported value: its name in the file, the mart column it comes from, how it is
    written, and what it means (the document's tables are built from these)."""

    name: str
    column: str
    meaning: str
    kind: str = "text"  # text | integer | decimal
    decimals: int = 0  # a decimal's digits after the point
    scale: float = 1.0  # a share written as a percentage: 100

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


def number(value: float | int, field: Field) -> str:
    """A number with a decimal point, no grouping, no exponent."""
    if field.kind == "integer":
        return str(int(value))
    return f"{float(value) * field.scale:.{field.decimals}f}"


def text(value: object) -> str:
    """Text as it is, with a leading apostrophe where a spreadsheet would see a formula."""
    written = str(value)
    return "'" + written if written.startswith(FORMULA_START) else written


def cell(field: Field, value: object) -> str:
    if value is None:
        return ""
    return number(value, field) if field.numeric else text(value)


# --- What is written ------------------------------------------------------------------------

GROUP_VALUES = (
    Field("KGCO2E_PER_USD", "kg_co2e_per_usd", "kg CO2e per US dollar of USD_YEAR", "decimal", 6),
    Field("USD_YEAR", "usd_year", "the dollar year of KGCO2E_PER_USD", "integer"),
    Field("FACTOR_ID", "factor_id", "the spend-based factor (factors.emission_factors)"),
    Field("FACTOR_SET", "factor_version", "the factor edition in use"),
    Field("DATA_QUALITY", "data_quality", "1 best .. 5 worst; 4 = spend-based", "integer"),
    Field("FACTOR_STATUS", "factor_status", "mapped, unmapped or excluded"),
    Field("SPEND_YEAR", "spend_year", "the year of the spend share", "integer"),
    Field(
        "SHARE_CRITERIA_PCT",
        "share_spend_criteria",
        "% of SPEND_YEAR spend with sustainability criteria or an ecolabel",
        "decimal",
        1,
        100.0,
    ),
    Field("GUIDELINE", "guideline_family", "UNSPSC family of the product guideline"),
    Field("GUIDELINE_REF", "guideline_reference", "the criteria set the guideline follows"),
)

LINE_VALUES = (
    Field("KGCO2E", "kg_co2e", "estimated kg CO2e of the whole PO line", "decimal", 3),
    Field("FACTOR_ID", "factor_id", "the spend-based factor"),
    Field("FACTOR_SET", "factor_version", "the factor edition in use"),
    Field("DATA_QUALITY", "data_quality", "4 = spend-based", "integer"),
    Field("FACTOR_STATUS", "factor_status", "mapped, unmapped or excluded"),
)


@dataclass(frozen=True)
class ExportFile:
    """One file of a format: its name, header, and how a mart row becomes its rows."""

    suffix: str
    mart: str
    order: str
    header: tuple[str, ...]
    rows: Callable[[dict], list[list[str]]]
    delimiter: str

    def name(self, org: str) -> str:
        return f"{org}_{self.suffix}"


def sap_characteristics(group: dict) -> list[list[str]]:
    """One row per characteristic with a value: a classification holds no empty value."""
    return [
        [SAP_CLASS_TYPE, SAP_CLASS, text(group["category_code"]), f"ZGB_{f.name}", value]
        for f in GROUP_VALUES
        if (value := cell(f, group[f.column])) != ""
    ]


def sap_item(line: dict) -> list[list[str]]:
    return [
        [
            text(line["po_number"]),
            f"{int(line['po_line']):05d}",
            *(cell(f, line[f.column]) for f in LINE_VALUES),
        ]
    ]


def segment_fields(values: tuple[Field, ...]) -> tuple[Field, ...]:
    """A flexfield's segments in column order: text in ATTRIBUTE1.., numbers in
    ATTRIBUTE_NUMBER1.."""
    return (*(f for f in values if not f.numeric), *(f for f in values if f.numeric))


def segment_names(values: tuple[Field, ...]) -> tuple[str, ...]:
    words = sum(not f.numeric for f in values)
    return (
        *(f"ATTRIBUTE{i}" for i in range(1, words + 1)),
        *(f"ATTRIBUTE_NUMBER{i}" for i in range(1, len(values) - words + 1)),
    )


def segments(values: tuple[Field, ...], row: dict) -> list[str]:
    return [cell(f, row[f.column]) for f in segment_fields(values)]


def oracle_category(group: dict) -> list[list[str]]:
    return [
        [
            "UPDATE",
            ORACLE_CATALOG,
            text(group["category_code"]),
            ORACLE_CONTEXT,
            *segments(GROUP_VALUES, group),
        ]
    ]


def oracle_line(line: dict) -> list[list[str]]:
    return [
        [
            f"L{line['row_number']:06d}",
            f"H{line['order_number']:06d}",
            text(line["business_unit"] or ""),
            text(line["po_number"]),
            str(int(line["po_line"])),
            ORACLE_CONTEXT,
            *segments(LINE_VALUES, line),
        ]
    ]


FILES: dict[str, tuple[ExportFile, ExportFile]] = {
    "sap": (
        ExportFile(
            "SAP_MATKL_characteristics.csv",
            "erp_material_groups",
            "category_code",
            ("KLART", "CLASS", "OBJEK", "ATNAM", "ATWRT"),
            sap_characteristics,
            ";",
        ),
        ExportFile(
            "SAP_EKPO_custom_fields.csv",
            "erp_open_po_lines",
            "po_number, po_line",
            ("EBELN", "EBELP", *(f"ZZ_GB_{f.name}" for f in LINE_VALUES)),
            sap_item,
            ";",
        ),
    ),
    "oracle": (
        ExportFile(
            "ORACLE_category_DFF.csv",
            "erp_material_groups",
            "category_code",
            (
                "TRANSACTION_TYPE",
                "CATALOG_CODE",
                "CATEGORY_CODE",
                "ATTRIBUTE_CATEGORY",
                *segment_names(GROUP_VALUES),
            ),
            oracle_category,
            ",",
        ),
        ExportFile(
            "ORACLE_PO_line_DFF.csv",
            "erp_open_po_lines",
            "business_unit, po_number, po_line",
            (
                "INTERFACE_LINE_KEY",
                "INTERFACE_HEADER_KEY",
                "PRC_BU_NAME",
                "DOCUMENT_NUM",
                "LINE_NUM",
                "ATTRIBUTE_CATEGORY",
                *segment_names(LINE_VALUES),
            ),
            oracle_line,
            ",",
        ),
    ),
}


# --- Reading the marts and writing the files ------------------------------------------------


def mart_rows(con: duckdb.DuckDBPyConnection, file: ExportFile, org: str, system: str) -> list:
    """The mart's rows of one organization and system in file order, as dicts; open lines
    also carry their row number and their order's number (the FBDI interface keys)."""
    keys = ""
    if file.mart == "erp_open_po_lines":
        keys = (
            f", row_number() over (order by {file.order}) as row_number, "
            "dense_rank() over (order by coalesce(business_unit, ''), po_number) as order_number"
        )
    cursor = con.execute(
        f"select *{keys} from marts.{file.mart} where org_code = ? and source_system = ? "
        f"order by {file.order}",
        [org, system],
    )
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def check_org(con: duckdb.DuckDBPyConnection, org: str, system: str) -> None:
    """An unknown organization, or one without lines from this system, is an error: a
    file of headers only would look like a successful export."""
    known = con.execute("select 1 from ops.organizations where org_code = ?", [org]).fetchall()
    if not known:
        raise ExportError(f"no organization {org!r} in the served warehouse")
    systems = [
        r[0]
        for r in con.execute(
            "select distinct source_system from marts.fct_procurement_lines where org_code = ? "
            "order by 1",
            [org],
        ).fetchall()
    ]
    if system not in systems:
        found = ", ".join(systems) or "none"
        raise ExportError(
            f"{org} has no {system.upper()} purchase-order lines in the served warehouse "
            f"(its lines come from: {found})"
        )


def write_csv(path: Path, header: tuple[str, ...], rows: list[list[str]], delimiter: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def export(served: Path, org: str, fmt: str, out: Path) -> list[tuple[Path, int]]:
    """Write the format's files for `org` into `out`; returns each file with its data rows."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (expected {' or '.join(FORMATS)})")
    con = duckdb.connect(str(served), read_only=True)
    try:
        check_org(con, org, fmt)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for file in FILES[fmt]:
            rows = [r for record in mart_rows(con, file, org, fmt) for r in file.rows(record)]
            path = out / file.name(org)
            write_csv(path, file.header, rows, file.delimiter)
            written.append((path, len(rows)))
        return written
    finally:
        con.close()
