"""Fault family 3, schema drift: renamed, missing, extra and reordered columns, per dialect.

Guaranteed: a file is read by exactly one dialect or by none. A header that two dialects
both match is rejected as ambiguous, naming both; a file without a required column is
rejected naming first the nearest dialect (of its folder's domain) and the columns it
lacks; an unknown extra column is kept in `_extra` and changes no declared column; column
order and known header translations change nothing. JSON statements whose keys drift are
quarantined with the keys found, never dropped silently; extra keys are kept.
"""

import copy
import dataclasses
import json
from pathlib import Path

import polars as pl
import pytest

from connectors import dialects
from connectors.base import RejectedFile
from connectors.landing import scan
from connectors.organizations import load_registry
from pipelines import database, manifest
from samples import QUIRKS, generate
from tests.builders.common import (
    Export,
    csv_bytes,
    declared,
    quarantine_of,
    read,
    read_export,
    xlsx_bytes,
)
from tests.builders.concur_sae import CONCUR, concur_bytes, concur_detail
from tests.builders.exports import TABULAR
from tests.builders.fuelcard import FUELCARD
from tests.builders.generator_fuel_log import GENERATOR_XLSX
from tests.builders.landing import write_registry
from tests.builders.refrigerant_log import REFRIGERANT
from tests.builders.sap_me2n import SAP_DE
from tests.builders.tmc_travel import TMC_CSV, TMC_XLSX
from tests.builders.utility_bill import UTILITY_CSV, UTILITY_JSON, json_bytes


def name(export: Export) -> str:
    return export.name


def rejection(data: bytes, suffix: str, domain: str) -> str:
    with pytest.raises(RejectedFile) as caught:
        read(data, suffix, domain)
    return str(caught.value)


def declared_rows(export: Export, data: bytes | None = None) -> pl.DataFrame:
    """The loaded rows without `_extra`: the columns every variant maps to."""
    return read_export(export, data).rows.drop("_extra")


def detected(data: bytes, export: Export) -> bool:
    try:
        return dialects.detect(data, export.suffix, export.domain).name == export.dialect
    except RejectedFile:
        return False


def assert_names_nearest(data: bytes, export: Export, missing: str) -> None:
    """Rejected with the export's dialect named first and the missing column as declared.

    A workbook whose sheets carry the dialect's sheet names is the dialect's file: it is
    then rejected when read, naming the sheet that lacks the column.
    """
    message = rejection(data, export.suffix, export.domain)
    nearest = message.split(" (also tried: ")[0]
    if detected(data, export):
        assert nearest.startswith(f"sheet {export.sheet!r}: "), message
    else:
        prefix = f"no dialect recognised the file; nearest: {export.dialect}: "
        assert nearest.startswith(prefix), message[:300]
    named = {f"missing: {missing}", f"missing: {declared(export, missing).header}"}
    assert any(nearest.endswith(n) for n in named), nearest


@pytest.mark.parametrize("export", TABULAR, ids=name)
def test_a_renamed_required_column_rejects_the_file_naming_the_nearest_dialect(export):
    drifted = export.renamed(export.key_column, f"{export.key_column} (new)")

    assert_names_nearest(drifted.bytes(), export, export.key_column)


@pytest.mark.parametrize("export", TABULAR, ids=name)
def test_a_missing_required_column_rejects_the_file_naming_the_nearest_dialect(export):
    assert_names_nearest(export.without(export.key_column).bytes(), export, export.key_column)


@pytest.mark.parametrize("export", TABULAR, ids=name)
def test_an_extra_column_is_kept_in_extra_and_changes_nothing_else(export):
    drifted = export.with_column("Approver Comment", ["checked", "see mail of 3 May"])

    table = read_export(drifted)

    assert table.quarantine.is_empty()
    assert table.rows.drop("_extra").equals(declared_rows(export))
    extras = [json.loads(e) for e in table.rows.get_column("_extra")]
    assert extras == [{"Approver Comment": "checked"}, {"Approver Comment": "see mail of 3 May"}]


@pytest.mark.parametrize("export", TABULAR, ids=name)
def test_reordered_columns_load_the_same_rows(export):
    table = read_export(export.reordered())

    assert table.quarantine.is_empty()
    assert table.rows.equals(read_export(export).rows)


def translated(export: Export, names: dict[str, str]) -> Export:
    return dataclasses.replace(export, header=tuple(names.get(h, h) for h in export.header))


TRANSLATIONS = [
    pytest.param(
        GENERATOR_XLSX,
        {
            "Delivery Note No": "N° bon de livraison",
            "Supplier": "Fournisseur",
            "Fuel Type": "Type de carburant",
            "Quantity Delivered": "Quantité livrée",
            "Unit": "Unité",
        },
        id="generator-log-french",
    ),
    pytest.param(
        GENERATOR_XLSX,
        {
            "Date": "Fecha",
            "Delivery Note No": "N° de remito",
            "Supplier": "Proveedor",
            "Fuel Type": "Tipo de combustible",
            "Quantity Delivered": "Cantidad entregada",
            "Unit": "Unidad",
        },
        id="generator-log-spanish",
    ),
    pytest.param(
        SAP_DE,
        {
            "Einkaufsbeleg": "EBELN",
            "Position": "EBELP",
            "Belegdatum": "BEDAT",
            "Bestellmenge": "MENGE",
            "Nettopreis": "NETPR",
            "Bestellnettowert": "NETWR",
            "Währung": "Waehrung",
        },
        id="sap-technical-names",
    ),
]


@pytest.mark.parametrize(("export", "names"), TRANSLATIONS)
def test_a_known_translation_of_the_header_reads_into_the_same_columns(export, names):
    table = read_export(translated(export, names))

    assert table.quarantine.is_empty()
    language = [c for c in table.rows.columns if c == "export_language"]
    assert table.rows.drop(language).equals(read_export(export).rows.drop(language))


def union(first: Export, second: Export) -> bytes:
    """One CSV holding both exports' columns, each row filled from both."""
    header = (*first.header, *second.header)
    rows = [(*a, *b) for a, b in zip(first.rows, second.rows, strict=True)]
    both = Export("union", "", first.domain, ".csv", header, tuple(rows), "")
    return csv_bytes(both)


AMBIGUOUS = [
    pytest.param(
        union(FUELCARD, REFRIGERANT),
        ".csv",
        ("fuelcard_csv", "refrigerant_log_csv"),
        id="fuelcard+refrigerant-csv",
    ),
    pytest.param(
        union(UTILITY_CSV, REFRIGERANT),
        ".csv",
        ("utility_bill_json", "refrigerant_log_csv"),
        id="utility+refrigerant-csv",
    ),
    pytest.param(
        union(TMC_CSV, FUELCARD), ".csv", ("tmc_travel_xlsx", "fuelcard_csv"), id="tmc+fuelcard-csv"
    ),
    pytest.param(
        xlsx_bytes([TMC_XLSX, GENERATOR_XLSX]),
        ".xlsx",
        ("tmc_travel_xlsx", "generator_fuel_log_xlsx"),
        id="tmc+generator-workbook",
    ),
]


@pytest.mark.parametrize(("data", "suffix", "named"), AMBIGUOUS)
def test_a_header_matching_two_dialects_is_rejected_naming_both(data, suffix, named):
    for domain in dialects.DOMAINS:
        message = rejection(data, suffix, domain)

        assert message.startswith("ambiguous: the file matches several dialects")
        assert all(d in message for d in named), message


def test_an_ambiguous_file_is_recorded_rejected_with_the_reason(tmp_path):
    landing = tmp_path / "landing"
    write_registry(landing)
    path = landing / "UNEP" / "fuel" / "fleet_and_cooling.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(union(FUELCARD, REFRIGERANT))
    registry_file = landing / "organizations.yaml"
    files = scan(landing, registry_file, load_registry(registry_file))

    with database.session(tmp_path / "work.duckdb") as con:
        database.ensure_schema(con)
        summary = manifest.plan(con, files, "run-1", log=lambda _: None)
        rows = con.execute(
            "select relative_path, status, dialect, message from ops.file_manifest"
        ).fetchall()

    assert summary.rejected == 1 and summary.new == 0
    ((relative, status, dialect, message),) = rows
    assert (relative, status, dialect) == ("UNEP/fuel/fleet_and_cooling.csv", "rejected", None)
    assert "ambiguous" in message and "fuelcard_csv" in message and "refrigerant_log_csv" in message


def detections(data: bytes, suffix: str) -> list[str]:
    """Every dialect whose own detection accepts the file."""
    return [
        m.DIALECT.name
        for m in dialects.MODULES
        if suffix in m.DIALECT.extensions and m.detect(data, suffix) is None
    ]


CANONICAL = [
    *[pytest.param(e.bytes(), e.suffix, e.dialect, id=e.name) for e in TABULAR],
    pytest.param(json_bytes(UTILITY_JSON), ".json", "utility_bill_json", id="utility_bill_json"),
    pytest.param(CONCUR, ".txt", "concur_sae_pipe", id="concur_sae_pipe"),
]


@pytest.mark.parametrize(("data", "suffix", "dialect"), CANONICAL)
def test_every_canonical_export_is_claimed_by_exactly_its_dialect(data, suffix, dialect):
    assert detections(data, suffix) == [dialect]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    """Generated landing folders: the default quirk mix, and every quirk switched on."""
    files = []
    for quirks in ({}, dict.fromkeys(QUIRKS, 1.0)):
        root = tmp_path_factory.mktemp("generated")
        generate(root, orgs=1, rows=40, seed=5, quirks=quirks)
        files += [p for p in sorted(root.rglob("*")) if p.is_file() and p.parent.parent != root]
    # management files and training counts are read by connectors/management.py, not a dialect
    return [p for p in files if p.parent.name not in ("management", "training")]


def test_every_generated_file_is_claimed_by_exactly_one_dialect_of_its_folder(generated):
    checked = 0
    for path in generated:
        if path.suffix.lower() not in (".csv", ".txt", ".xlsx", ".json"):
            continue
        found = detections(path.read_bytes(), path.suffix.lower())
        assert len(found) == 1, f"{path.name}: claimed by {found}"
        domain = path.parent.name
        assert dialects.DIALECTS[found[0]].domain == domain, f"{path.name}: {found[0]}"
        checked += 1
    assert checked > 60


def drifted_json(change) -> bytes:
    document = copy.deepcopy(UTILITY_JSON)
    change(document)
    return json_bytes(document)


def rename(obj: dict, old: str, new: str) -> None:
    obj[new] = obj.pop(old)


def statement(document: dict) -> dict:
    return document["statements"][0]


def meter(document: dict) -> dict:
    return statement(document)["meters"][0]


JSON_DRIFT = [
    pytest.param(
        lambda d: rename(statement(d), "meters", "meterReadings"),
        "Usages JSON",
        "the statement has no meters (its keys: ",
        id="meters-renamed",
    ),
    pytest.param(
        lambda d: rename(meter(d), "usages", "readings"),
        "Usages JSON",
        "the meter has no usages (its keys: ",
        id="usages-renamed",
    ),
    pytest.param(
        lambda d: rename(meter(d)["usages"][0], "unit", "uom"),
        "Usages JSON",
        "a usage has no unit (its keys: measurementType, value, uom)",
        id="usage-unit-renamed",
    ),
    pytest.param(
        lambda d: rename(meter(d), "meterNumber", "meterId"),
        "Meter ID",
        "Meter ID is empty (required)",
        id="meter-number-renamed",
    ),
    pytest.param(
        lambda d: rename(statement(d), "providerName", "provider"),
        "Supplier",
        "Supplier is empty (required)",
        id="provider-renamed",
    ),
    pytest.param(
        lambda d: rename(meter(d), "periodEnd", "to"),
        "Period Start",
        "Period Start / Period End empty",
        id="period-renamed",
    ),
]


@pytest.mark.parametrize(("change", "column", "reason"), JSON_DRIFT)
def test_a_drifted_json_key_quarantines_its_meter_with_the_keys_found(change, column, reason):
    (table,) = read(drifted_json(change), ".json", "energy").tables

    assert table.rows_in == 1 and table.rows.is_empty()
    entries = quarantine_of(table, 1)
    assert any(e["column_name"] == column and reason in e["reason"] for e in entries), entries


def test_a_json_without_a_top_level_key_is_rejected_naming_it():
    message = rejection(drifted_json(lambda d: d.pop("statements")), ".json", "energy")

    assert message.endswith("nearest: utility_bill_json: JSON without top-level statements")


def test_extra_json_keys_are_kept_in_extra_and_change_nothing_else():
    def add(document):
        statement(document)["contractId"] = "C-17"
        meter(document)["multiplier"] = 40
        statement(document)["site"]["region"] = "Nairobi West"

    (table,) = read(drifted_json(add), ".json", "energy").tables
    (clean,) = read(json_bytes(UTILITY_JSON), ".json", "energy").tables

    assert table.rows.drop("_extra").equals(clean.rows.drop("_extra"))
    assert json.loads(table.rows.get_column("_extra")[0]) == {
        "meter.multiplier": "40",
        "site.region": "Nairobi West",
        "statement.contractId": "C-17",
    }


def test_reordered_json_keys_load_the_same_row():
    def reverse(document):
        for obj in (statement(document), meter(document)):
            items = list(obj.items())
            obj.clear()
            obj.update(reversed(items))

    (table,) = read(drifted_json(reverse), ".json", "energy").tables
    (clean,) = read(json_bytes(UTILITY_JSON), ".json", "energy").tables

    assert table.rows.equals(clean.rows)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(399, "line 2: 399 fields, expected exactly 400", id="field-dropped"),
        pytest.param(401, "line 2: 401 fields, expected exactly 400", id="field-added"),
    ],
)
def test_a_concur_line_with_a_field_more_or_less_rejects_the_extract(fields, expected):
    detail = concur_detail(1)
    detail = detail[:fields] if fields < 400 else [*detail, "extra"]

    message = rejection(concur_bytes([detail]), ".txt", "travel")

    assert message.startswith(expected), message
