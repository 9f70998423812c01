"""`utility_bill_json` (docs/dialects.md D7) and its flat CSV variant `utility_bill_csv`.

The JSON is the document's example; it has no header row, so detection is by its top-level
keys and the connector flattens it to one raw row per meter. Which statements count
(re-published, adjusted, estimated) is decided in dbt (unit tests of
int_utility_meter_fates); here: flattening, detection, and quarantine of unreadable meters.
"""

import copy
import json

import pytest

from connectors import dialects
from connectors.base import RejectedFile
from connectors.utility_bill import METERS
from samples.utility_bill import CSV_HEADER
from tests.builders.common import column, csv_file, reasons
from tests.builders.common import read_file as read

EXAMPLE = {
    "generatedAt": "2024-04-02T06:00:00Z",
    "statements": [
        {
            "statementId": "a3f9c2",
            "statementType": "BILL",
            "providerName": "Kenya Power",
            "accountNumber": "0123456789",
            "invoiceNumber": "INV-2024-03-5531",
            "statementDate": "2024-03-28",
            "currency": "KES",
            "totalCharges": 184532.40,
            "site": {"siteId": "NBO-GIGIRI-B", "name": "UN Gigiri Block B", "city": "Nairobi",
                     "countryCode": "KE"},
            "meters": [
                {
                    "meterNumber": "14523678",
                    "commodity": "ELECTRIC",
                    "tariff": {"code": "CI1", "name": "Commercial & Industrial 1"},
                    "periodStart": "2024-02-15",
                    "periodEnd": "2024-03-14",
                    "readType": "ACTUAL",
                    "usages": [
                        {"measurementType": "GENERAL_CONSUMPTION", "value": 15230.0, "unit": "kWh"},
                        {"measurementType": "DEMAND", "value": 48.2, "unit": "kW"},
                    ],
                    "charges": [
                        {"description": "Energy charge", "amount": 152300.00},
                        {"description": "VAT 16%", "amount": 25452.40},
                    ],
                    "renewablePercent": None,
                }
            ],
        }
    ],
}  # fmt: skip


def write_json(tmp_path, document, name="utility_statements_20240402.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def with_meters(*meters, **statement):
    document = copy.deepcopy(EXAMPLE)
    base = document["statements"][0]
    base.update(statement)
    base["meters"] = [{**base["meters"][0], **m} for m in meters] if meters else base["meters"]
    return document


def load(path, key):
    return read(path, "energy", "utility_bill_json", key)


def test_the_example_flattens_to_one_row_per_meter(tmp_path, key):
    table = load(write_json(tmp_path, EXAMPLE), key)

    (row,) = table.rows.to_dicts()
    assert row["supplier"] == "Kenya Power" and row["account_number"] == "0123456789"
    assert row["statement_date"] == "2024-03-28" and row["country"] == "KE"
    assert row["meter_id"] == "14523678" and row["tariff"] == "CI1"
    assert row["period_start"] == "2024-02-15" and row["period_end"] == "2024-03-14"
    assert (row["consumption"], row["unit"]) == ("15230.0", "kWh")  # demand (kW) is not consumption
    assert row["amount"] == "177752.4"
    assert row["total_charges"] == "184532.4"
    assert json.loads(row["usages_json"])[1]["unit"] == "kW"
    assert row["json_path"] == "statements[0].meters[0]"
    assert row["_source_row"] == 1 and row["_sheet"] is None
    assert table.rows_skipped == 0 and table.notes["variant"] == "utility_bill_json"


def test_statement_fields_repeat_on_every_meter(tmp_path, key):
    usage = {"measurementType": "GENERAL_CONSUMPTION", "value": 120.5, "unit": "m3"}
    gas = {"meterNumber": "G-77", "commodity": "NATURAL_GAS", "usages": [usage]}
    table = load(write_json(tmp_path, with_meters({}, gas)), key)

    assert column(table, "meter_id") == ["14523678", "G-77"]
    assert column(table, "statement_id") == ["a3f9c2", "a3f9c2"]
    assert column(table, "unit") == ["kWh", "m3"]
    assert column(table, "json_path") == ["statements[0].meters[0]", "statements[0].meters[1]"]


def test_consumption_usages_in_one_unit_add_up(tmp_path, key):
    usages = [
        {"measurementType": "PEAK_CONSUMPTION", "value": 100.25, "unit": "kWh"},
        {"measurementType": "OFFPEAK_CONSUMPTION", "value": 50, "unit": "kWh"},
    ]
    table = load(write_json(tmp_path, with_meters({"usages": usages})), key)

    assert column(table, "consumption") == ["150.25"]


def test_consumption_in_several_units_is_quarantined(tmp_path, key):
    usages = [{"value": 100, "unit": "kWh"}, {"value": 1, "unit": "MWh"}]
    table = load(write_json(tmp_path, with_meters({"usages": usages})), key)

    assert table.rows.is_empty()
    assert reasons(table, 1) == ["consumption given in several units (kWh, MWh)"]


def test_mwh_and_therm_units_load(tmp_path, key):
    gas = {
        "meterNumber": "G",
        "commodity": "NATURAL_GAS",
        "usages": [{"value": 90, "unit": "therm"}],
    }
    meters = [{"usages": [{"value": 15.23, "unit": "MWh"}]}, gas]
    table = load(write_json(tmp_path, with_meters(*meters)), key)

    assert column(table, "unit") == ["MWh", "therm"]


def test_adjustment_statements_keep_what_they_adjust(tmp_path, key):
    document = with_meters(
        statementType="ADJUSTMENT", adjustsStatementId="a3f9c2", adjustmentMode="ADDITIVE"
    )
    table = load(write_json(tmp_path, document), key)

    assert column(table, "statement_type") == ["ADJUSTMENT"]
    assert column(table, "adjusts_statement_id") == ["a3f9c2"]
    assert column(table, "adjustment_mode") == ["ADDITIVE"]


def test_prepaid_without_period_loads_and_a_bill_without_period_does_not(tmp_path, key):
    usage = {"measurementType": "TOKEN_PURCHASE", "value": 500, "unit": "kWh"}
    token = {"periodStart": None, "periodEnd": None, "usages": [usage]}
    prepaid = load(write_json(tmp_path, with_meters(token, statementType="PREPAID"), "a.json"), key)
    bill = load(write_json(tmp_path, with_meters(token), "b.json"), key)

    assert prepaid.rows.height == 1 and column(prepaid, "consumption") == ["500"]
    assert bill.rows.is_empty()
    assert "a billing period is needed" in reasons(bill, 1)[0]


def test_estimated_reads_and_renewable_shares_are_kept(tmp_path, key):
    table = load(
        write_json(tmp_path, with_meters({"readType": "ESTIMATED", "renewablePercent": 40})), key
    )

    assert column(table, "read_type") == ["ESTIMATED"]
    assert column(table, "renewable_pct") == ["40"]


def test_bad_values_are_quarantined_with_reasons(tmp_path, key):
    table = load(
        write_json(tmp_path, with_meters({"periodEnd": "2024-02-30"}, {"readType": "GUESS"})), key
    )

    assert reasons(table, 1) == ["Period End is not a date (expected a date cell or Y-m-d, d/m/Y)"]
    assert reasons(table, 2) == ["Read Type is not one of ACTUAL, ESTIMATED"]


def test_detection_is_by_the_top_level_keys(tmp_path, key):
    other = write_json(tmp_path, {"statements": []}, "x.json")
    broken = tmp_path / "y.json"
    broken.write_text("{not json", encoding="utf-8")

    with pytest.raises(RejectedFile, match="without top-level generatedAt"):
        dialects.read(other.read_bytes(), ".json", "energy", key)
    with pytest.raises(RejectedFile, match="not valid JSON"):
        dialects.read(broken.read_bytes(), ".json", "energy", key)


def test_an_empty_statement_list_has_no_rows(tmp_path, key):
    table = load(
        write_json(tmp_path, {"generatedAt": "2024-04-02T06:00:00Z", "statements": []}), key
    )

    assert table.rows_in == 0


def write_csv(tmp_path, rows, name="Utility_Bills_NBO_2024.csv"):
    return csv_file(tmp_path / name, CSV_HEADER, rows)


def test_the_flat_csv_variant_maps_to_the_same_raw_table(tmp_path, key):
    row = ["NBO-GIGIRI-B", "KE", "Kenya Power", "0123456789", "14523678", "2024-12-15",
           "2025-01-14", "3100", "kWh", "ACTUAL", "CI1", "558.00", "KES", "40"]  # fmt: skip
    table = load(write_csv(tmp_path, [row]), key)
    from_json = load(write_json(tmp_path, EXAMPLE), key)

    assert (
        table.rows.columns
        == from_json.rows.columns
        == [*METERS.raw_columns, "_sheet", "_source_row", "_extra"]
    )
    (r,) = table.rows.to_dicts()
    assert (r["period_start"], r["period_end"], r["consumption"]) == (
        "2024-12-15",
        "2025-01-14",
        "3100",
    )
    assert r["renewable_pct"] == "40" and r["statement_id"] is None and r["json_path"] is None
    assert table.notes["variant"] == "utility_bill_csv"


def test_the_csv_variant_needs_its_period(tmp_path, key):
    row = ["S", "KE", "KPLC", "1", "M", "", "", "10", "kWh", "ACTUAL", "T", "1", "KES", ""]
    table = load(write_csv(tmp_path, [row]), key)

    assert table.rows.is_empty() and "billing period" in reasons(table, 2)[0]
