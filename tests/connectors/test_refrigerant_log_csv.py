"""`refrigerant_log_csv` (docs/dialects.md D8): every quirk read as written or quarantined.

Gas names and units stay as written in raw; their mapping (R410a -> R-410A, lb -> kg) is in
factors/ and tested by the dbt unit tests of int_refrigerant_services.
"""

import pytest

from connectors.pseudonym import pseudonym
from samples.refrigerant_log import HEADER
from tests.builders.common import cells, column, csv_file, reasons
from tests.builders.common import read_file as read
from tests.builders.refrigerant_log import SERVICE


def service(**changes) -> list[str]:
    return cells(SERVICE, **changes)


def write(tmp_path, rows, encoding="utf-8", name="Refrigerant_Log_UNEP_2024.csv"):
    return csv_file(tmp_path / name, HEADER, rows, encoding=encoding)


def load(path, key):
    return read(path, "refrigerants", "refrigerant_log_csv", key)


def test_clean_log_loads_with_technicians_pseudonymised(tmp_path, key):
    table = load(write(tmp_path, [service(), service(Service_Type="Leak check", Quantity_Added="",
                                                     Leak_Check_Result="Pass")]), key)  # fmt: skip

    assert table.rows.height == 2 and table.quarantine.is_empty()
    assert column(table, "technician_pseudonym") == [pseudonym(key, "Peter Mwangi")] * 2
    assert column(table, "certificate_no_pseudonym") == [pseudonym(key, "F-GAS-123456")] * 2
    assert "Peter Mwangi" not in str(table.rows.to_dicts())


@pytest.mark.parametrize("name", ["R410a", "410A", "HFC-410A", "Puron", "Freon 22", "R-290"])
def test_gas_name_variants_load_as_written(tmp_path, key, name):
    table = load(write(tmp_path, [service(Refrigerant=name)]), key)

    assert column(table, "refrigerant") == [name]


@pytest.mark.parametrize(("unit", "added"), [("lb", "0.88"), ("g", "400"), ("", "0.40")])
def test_lb_grams_and_missing_units_load(tmp_path, key, unit, added):
    table = load(write(tmp_path, [service(Quantity_Unit=unit, Quantity_Added=added)]), key)

    assert column(table, "quantity_unit") == [unit or None]
    assert column(table, "quantity_added") == [added]


def test_full_recharge_text_is_quarantined(tmp_path, key):
    table = load(write(tmp_path, [service(), service(Quantity_Added="full")]), key)

    assert table.rows.height == 1
    assert reasons(table, 3) == ["Quantity Added is not a number"]


def test_negative_added_for_recovery_loads_unless_recovered_is_filled(tmp_path, key):
    rows = [
        service(Service_Type="Recovery", Quantity_Added="-2.50"),
        service(Service_Type="Recovery", Quantity_Added="-2.50", Quantity_Recovered="2.50"),
    ]
    table = load(write(tmp_path, rows), key)

    assert column(table, "quantity_added") == ["-2.50"]
    assert reasons(table, 3) == [
        "Quantity Added is negative and Quantity Recovered is filled: write the gas taken out "
        "in Quantity Recovered only"
    ]


def test_day_first_dates_and_cp1252(tmp_path, key):
    rows = [
        service(Service_Date="05/03/2024", Site_Name="Bogotá"),
        service(Service_Date="2024-13-01"),
    ]
    table = load(write(tmp_path, rows, encoding="cp1252"), key)

    assert column(table, "service_date") == ["05/03/2024"]
    assert column(table, "site_name") == ["Bogotá"]
    assert reasons(table, 3) == [
        "Service Date is not a date (expected a date cell or Y-m-d, d/m/Y)"
    ]


def test_disposal_needs_the_nameplate_charge(tmp_path, key):
    rows = [service(Service_Type="Disposal", Nameplate_Charge="", Quantity_Recovered="1.0",
                    Quantity_Added="")]  # fmt: skip
    table = load(write(tmp_path, rows), key)

    assert reasons(table, 2) == ["Nameplate Charge is empty (required for DISPOSAL)"]


def test_unknown_service_types_are_quarantined(tmp_path, key):
    table = load(write(tmp_path, [service(Service_Type="Refill")]), key)

    assert reasons(table, 2) == [
        "Service Type is not one of INSTALLATION, TOP-UP, LEAK REPAIR, RECOVERY, DISPOSAL, "
        "LEAK CHECK"
    ]
