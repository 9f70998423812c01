"""`generator_fuel_log_xlsx` (docs/dialects.md D6): manual logs in three languages, every quirk.

Workbooks are written here with openpyxl from the D6 layout: title rows 1-3, header on
row 5, a TOTAL row with a SUM formula, one sheet per month or one `Log` sheet.
"""

import datetime as dt

import openpyxl
import pytest

from connectors import dialects, generator_fuel_log, tmc_travel
from connectors.base import RejectedFile
from samples.generator_fuel_log import HEADERS
from tests.builders.common import column, reasons, record, write
from tests.builders.common import read_file as read
from tests.builders.generator_fuel_log import DELIVERY, log_workbook

EN, FR, ES = HEADERS["EN"], HEADERS["FR"], HEADERS["ES"]


def delivery(day=dt.date(2024, 3, 5), quantity=500, unit="L", fuel="Diesel"):
    changes = {"Date": day, "Quantity Delivered": quantity, "Unit": unit, "Fuel Type": fuel}
    return list(record(DELIVERY, changes))


def workbook(tmp_path, sheets, header=EN, name="Generator_Fuel_Log_MGQ_2024.xlsx"):
    return write(tmp_path / name, log_workbook(sheets, header, office="UNEP Mogadishu Office"))


def load(path, key):
    return read(path, "fuel", "generator_fuel_log_xlsx", key)


def test_month_sheets_load_into_one_table_with_title_rows(tmp_path, key):
    path = workbook(tmp_path, {"Jan": [delivery(dt.date(2024, 1, 4))], "Feb": [delivery()] * 2})
    table = load(path, key)

    assert table.rows.height == 3 and table.quarantine.is_empty()
    assert column(table, "_sheet") == ["Jan", "Feb", "Feb"]
    assert column(table, "_source_row") == [6, 6, 7]
    assert set(column(table, "office")) == {"UNEP Mogadishu Office"}
    assert set(column(table, "generator_id")) == {"GEN-02"}
    assert set(column(table, "capacity")) == {"150 kVA"}
    assert column(table, "date") == ["2024-01-04", "2024-03-05", "2024-03-05"]
    assert table.rows_skipped == 2 * 6  # title rows, blank row, header, TOTAL per sheet


@pytest.mark.parametrize("header", [FR, ES], ids=["FR", "ES"])
def test_french_and_spanish_templates_map_to_the_same_columns(tmp_path, key, header):
    table = load(workbook(tmp_path, {"Log": [delivery(fuel="Gasoil", unit="litres")]}, header), key)

    assert table.rows.height == 1
    assert column(table, "fuel_type") == ["Gasoil"]
    assert column(table, "quantity_delivered") == ["500"]
    assert column(table, "unit") == ["litres"]


def test_month_total_rows_and_blank_rows_are_structural(tmp_path, key):
    rows = [delivery(), None, delivery(), ["Total Mar", None, None, None, 1000], delivery()]
    table = load(workbook(tmp_path, {"Log": rows}), key)

    assert table.rows.height == 3 and table.quarantine.is_empty()
    assert table.rows_skipped == 5 + 2 + 1  # preamble + header, blank and total, TOTAL


def test_merged_date_cells_are_filled_from_the_top_cell(tmp_path, key):
    path = workbook(tmp_path, {"Mar": [delivery(), delivery(day=None)]})
    wb = openpyxl.load_workbook(path)
    wb["Mar"].merge_cells("A6:A7")
    wb["Mar"].merge_cells("A1:F1")
    wb.save(path)
    table = load(path, key)

    assert column(table, "date") == ["2024-03-05", "2024-03-05"]
    assert table.quarantine.is_empty()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("200 L", "200 L"), ("250,5", "250,5"), ("1 250,5", "1 250,5"), ("1,250.5", "1,250.5")],
)
def test_quantities_typed_as_one_number_load_as_written(tmp_path, key, typed, expected):
    table = load(workbook(tmp_path, {"Log": [delivery(quantity=typed)]}), key)

    assert column(table, "quantity_delivered") == [expected] and table.quarantine.is_empty()


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("approx 200", "is not a quantity (write one number)"),
        ("2 drums", "is not a quantity in a unit we can convert"),
        ("1,250", "is ambiguous"),
        ("200-250", "is not a quantity (write one number)"),
    ],
)
def test_text_in_numeric_cells_is_quarantined_with_the_reason(tmp_path, key, typed, why):
    table = load(workbook(tmp_path, {"Log": [delivery(), delivery(quantity=typed)]}), key)

    assert table.rows.height == 1
    (reason,) = reasons(table, 7)
    assert reason.startswith(f"Quantity Delivered {typed!r}") and why in reason


def test_a_numeric_cell_is_never_ambiguous(tmp_path, key):
    table = load(
        workbook(tmp_path, {"Log": [delivery(quantity=1.25), delivery(quantity=1250.125)]}), key
    )

    assert column(table, "quantity_delivered") == ["1.25", "1250.125"]


@pytest.mark.parametrize("unit", [None, "gal", "litres"])
def test_missing_and_gallon_units_load(tmp_path, key, unit):
    table = load(workbook(tmp_path, {"Log": [delivery(unit=unit)]}), key)

    assert column(table, "unit") == [unit] and table.quarantine.is_empty()


def test_dates_as_dd_mm_yyyy_text(tmp_path, key):
    table = load(
        workbook(tmp_path, {"Log": [delivery(day="05/03/2024"), delivery(day="31/02/2024")]}), key
    )

    assert column(table, "date") == ["05/03/2024"]
    assert reasons(table, 7) == ["Date is not a date (expected a date cell or Y-m-d, d/m/Y)"]


def test_a_sheet_without_the_log_header_is_ignored(tmp_path, key):
    path = workbook(tmp_path, {"Jan": [delivery()]})
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Instructions")["A1"] = "Fill in one row per delivery"
    wb.save(path)

    assert load(path, key).rows.height == 1


def test_a_month_sheet_with_a_broken_header_rejects_the_file(tmp_path, key):
    path = workbook(tmp_path, {"Jan": [delivery()], "Feb": [delivery()]})
    wb = openpyxl.load_workbook(path)
    wb["Feb"].cell(5, 4).value = "Carburant ??"
    wb.save(path)

    with pytest.raises(RejectedFile, match=r"sheet 'Feb'.*Fuel Type"):
        dialects.read(path.read_bytes(), ".xlsx", "fuel", key)


def test_travel_workbooks_and_generator_logs_are_told_apart(tmp_path, key):
    wb = openpyxl.Workbook()
    wb.active.title = "Air Segments"
    wb.active.append(["Client Account", "Traveller Name"])
    travel = tmp_path / "t.xlsx"
    wb.save(travel)
    log = workbook(tmp_path, {"Jan": [delivery()]})

    assert "sheet 'Air Segments'" in generator_fuel_log.detect(travel.read_bytes(), ".xlsx")
    assert tmc_travel.detect(log.read_bytes(), ".xlsx") is not None
    assert dialects.detect(log.read_bytes(), ".xlsx", "fuel").name == "generator_fuel_log_xlsx"
