"""The sample generator's scope 1 and 2 writers (D5-D8): reproducible, every quirk visible
in the files when forced on, and every file readable by its connector with every row
loaded or quarantined."""

import hashlib
import json

import openpyxl
import pytest

from connectors import dialects
from samples import QUIRKS, generate

DIALECTS = ("fuelcard_csv", "generator_fuel_log_xlsx", "utility_bill_json", "refrigerant_log_csv")
SCOPE12 = ("fuel", "energy", "refrigerants")


def files(root):
    return sorted(p for p in root.rglob("*") if p.is_file() and p.parent.name in SCOPE12)


def digest(root) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files(root)
    }


def test_same_seed_same_bytes(tmp_path):
    generate(tmp_path / "a", orgs=2, rows=60, seed=3)
    generate(tmp_path / "b", orgs=2, rows=60, seed=3)

    assert digest(tmp_path / "a") == digest(tmp_path / "b") != {}


def test_every_scope12_file_reads_with_every_row_accounted(tmp_path):
    generate(tmp_path, orgs=3, rows=80, seed=11)
    seen = set()
    for path in files(tmp_path):
        result = dialects.read(path.read_bytes(), path.suffix.lower(), path.parent.name, b"k")
        seen.add(result.dialect.name)
        for table in result.tables:
            quarantined = table.quarantine.select("sheet", "source_row").unique().height
            assert table.rows_in == table.rows.height + quarantined, path
    assert seen == set(DIALECTS)


def only(**forced) -> dict[str, float]:
    """Every scope 1 and 2 quirk off except those named."""
    names = [n for n in QUIRKS if n != "duplicate_file_redelivery"]
    return {**dict.fromkeys(names, 0.0), "duplicate_file_redelivery": 0.0, **forced}


def text_of(root, pattern) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in root.rglob(pattern))


@pytest.mark.parametrize(
    ("quirk", "pattern", "marker"),
    [
        ("preamble_until_sentinel", "*/fuel/*.csv", "Fleet card transaction report"),
        ("bracketed_card_number", "*/fuel/*.csv", ",[700205"),
        ("card_number_precision_loss", "*/fuel/*.csv", "0000,UN-"),
        ("ev_charging", "*/fuel/*.csv", ",KWH,"),
        ("fuel_in_kg", "*/fuel/*.csv", ",KG,"),
        ("fuelcard_compact_dates", "*/fuel/*.csv", ",2024"),
        ("gas_name_variants", "*/refrigerants/*.csv", "Puron"),
        ("lb_units", "*/refrigerants/*.csv", ",lb,"),
        ("full_recharge_text", "*/refrigerants/*.csv", ",full,"),
        ("adjustment_statement", "*/energy/*.json", '"adjustmentMode"'),
        ("prepaid_no_period", "*/energy/*.json", '"PREPAID"'),
        ("estimated_then_catchup", "*/energy/*.json", '"ESTIMATED"'),
        ("secondary_provider_duplicate_meter", "*/energy/*.json", "UtilityHub Data Services"),
    ],
)
def test_a_forced_quirk_shows_in_the_files(tmp_path, quirk, pattern, marker):
    generate(tmp_path / "off", orgs=2, rows=60, seed=5, quirks=only())
    generate(tmp_path / "on", orgs=2, rows=60, seed=5, quirks=only(**{quirk: 1.0}))

    assert marker in text_of(tmp_path / "on", pattern)
    assert marker not in text_of(tmp_path / "off", pattern)


def test_period_crossing_the_year_and_mwh_labelled_kwh_are_always_exercised(tmp_path):
    generate(
        tmp_path,
        orgs=1,
        rows=60,
        seed=5,
        quirks=only(period_crosses_year=0.01, mwh_labelled_kwh=0.01),
    )
    statements = [
        s
        for p in tmp_path.rglob("*.json")
        for s in json.loads(p.read_text(encoding="utf-8"))["statements"]
    ]
    periods = {(m["periodStart"], m["periodEnd"]) for s in statements for m in s["meters"]}

    assert ("2024-12-15", "2025-01-14") in periods
    values = [
        u["value"]
        for s in statements
        for m in s["meters"]
        for u in m["usages"]
        if u["unit"] == "kWh"
    ]
    assert min(values) < 100  # one reading in MWh, labelled kWh


def test_generator_logs_in_the_office_language_with_their_quirks(tmp_path):
    generate(
        tmp_path,
        orgs=5,
        rows=60,
        seed=5,
        quirks=only(
            log_sheet=1.0, month_total_rows=1.0, merged_cells=1.0, text_in_numeric=0.3, gallons=1.0
        ),
    )
    headers, merged, quantities = set(), 0, []
    for path in tmp_path.rglob("Generator_Fuel_Log_*.xlsx"):
        ws = openpyxl.load_workbook(path)["Log"]
        headers.add(ws.cell(5, 5).value)
        merged += len(ws.merged_cells.ranges)
        quantities += [ws.cell(r, 5).value for r in range(6, ws.max_row)]
        assert ws.cell(5, 6).value in ("Unit", "Unité", "Unidad")
    assert {"Quantity Delivered", "Quantité livrée", "Cantidad entregada"} <= headers
    assert merged > 0
    assert any(
        isinstance(q, str) and ("approx" in q or "drums" in q or "~" in q) for q in quantities
    )
