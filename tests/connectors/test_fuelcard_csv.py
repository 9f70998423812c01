"""`fuelcard_csv` (docs/dialects.md D5): every quirk and variant read correctly or quarantined.

Files are written here from the D5 column table. What the rows mean (reversals netted,
non-fuel lines without emissions, gallons to litres) is decided in dbt and tested by the
unit tests of int_fuelcard_lines; here: that every value reaches raw as written, or is
quarantined with a reason.
"""

import pytest

from connectors import dialects
from connectors.base import RejectedFile
from connectors.pseudonym import pseudonym
from samples.fuelcard import HEADER
from tests.builders.common import cells, column, csv_file, reasons
from tests.builders.common import read_file as read
from tests.builders.fuelcard import EXAMPLE

CARD = EXAMPLE["Card Number"]


def line(**changes) -> list[str]:
    """The D5 example row, with named columns changed (`Transaction_ID='T2'`)."""
    return cells(EXAMPLE, **changes)


def write(tmp_path, rows, name="ShellFleet_CZ1234567890_20240505.csv", delimiter=",",
          encoding="utf-8", preamble=()):  # fmt: skip
    return csv_file(tmp_path / name, HEADER, rows, delimiter=delimiter, encoding=encoding,
                    preamble=preamble)  # fmt: skip


def load(path, key):
    return read(path, "fuel", "fuelcard_csv", key)


def test_clean_file_loads_every_line_as_written(tmp_path, key):
    table = load(write(tmp_path, [line(), line(Transaction_Line="2", Product_Name="AdBlue")]), key)

    assert table.rows.height == 2 and table.quarantine.is_empty()
    assert column(table, "quantity") == ["45.200", "45.200"]
    assert column(table, "transaction_date") == ["02/05/2024", "02/05/2024"]
    assert column(table, "decimal_separator") == [".", "."]
    assert column(table, "_source_row") == [2, 3]
    assert table.rows_skipped == 1


def test_card_numbers_are_pseudonymised_and_driver_names_dropped(tmp_path, key):
    table = load(write(tmp_path, [line()]), key)

    assert "driver_name" not in table.rows.columns
    assert column(table, "card_number_pseudonym") == [pseudonym(key, CARD)]
    assert column(table, "card_number_check") == ["masked"]
    assert CARD not in str(table.rows.to_dicts())


def test_preamble_until_sentinel_is_structural(tmp_path, key):
    preamble = ("Fleet card transaction report", "Account CZ1234567890", "Period 01/04 - 30/04", "")
    table = load(write(tmp_path, [line()], preamble=preamble), key)

    assert table.rows.height == 1 and table.quarantine.is_empty()
    assert column(table, "_source_row") == [6]
    assert table.rows_skipped == 5


def test_bracketed_card_number_is_the_same_card(tmp_path, key):
    plain = load(write(tmp_path, [line(Card_Number="7002051006629890645")], name="a.csv"), key)
    bracketed = load(
        write(tmp_path, [line(Card_Number="[7002051006629890645]")], name="b.csv"), key
    )

    assert column(plain, "card_number_pseudonym") == column(bracketed, "card_number_pseudonym")
    assert column(bracketed, "card_number_check") == ["ok"]


@pytest.mark.parametrize("printed", ["7.00205E+18", "7002051006629890000"])
def test_card_number_precision_loss_is_flagged(tmp_path, key, printed):
    table = load(write(tmp_path, [line(Card_Number=printed)]), key)

    assert column(table, "card_number_check") == ["precision_lost"]
    assert table.rows.height == 1  # the fuel still counts: only the card identity is lost


@pytest.mark.parametrize("unit", ["USG", "IGAL", "KG", "KWH", "l"])
def test_units_of_the_dialect_load(tmp_path, key, unit):
    table = load(write(tmp_path, [line(Unit=unit, Quantity="12.000")]), key)

    assert column(table, "unit") == [unit] and table.quarantine.is_empty()


def test_an_unknown_unit_is_quarantined_with_the_allowed_ones(tmp_path, key):
    table = load(write(tmp_path, [line(Unit="GALLONS")]), key)

    assert table.rows.is_empty()
    assert reasons(table, 2) == ["Unit is not one of L, USG, IGAL, KG, KWH"]


def test_both_refund_sign_conventions_load(tmp_path, key):
    rows = [
        line(),
        line(Transaction_ID="R1", Quantity="-45.200", Refund_Flag="Y",
             Original_Transaction_ID="io9KVXk1UkW57XWKyeaHHg"),
        line(Transaction_ID="R2", Quantity="45.200", Credit_Debit="C",
             Original_Transaction_ID="io9KVXk1UkW57XWKyeaHHg"),
    ]  # fmt: skip
    table = load(write(tmp_path, rows), key)

    assert column(table, "quantity") == ["45.200", "-45.200", "45.200"]
    assert column(table, "credit_debit") == ["D", "D", "C"]
    assert column(table, "refund_flag") == ["N", "Y", "N"]


def test_non_fuel_lines_and_rebates_need_no_unit(tmp_path, key):
    rows = [
        line(Product_Name="Car Wash", Fuel_Product="N", Quantity="1.000", Unit=""),
        line(Transaction_Line="2", Product_Name="Toll", Fuel_Product="N", Quantity="1", Unit=""),
        line(Transaction_ID="RB1", Product_Name="Fuel Rebate", Fuel_Product="N",
             Quantity="1250.000", Unit="L", Gross_Amount="-25.00"),
    ]  # fmt: skip
    table = load(write(tmp_path, rows), key)

    assert table.rows.height == 3 and table.quarantine.is_empty()


def test_a_fuel_line_without_unit_is_quarantined(tmp_path, key):
    table = load(write(tmp_path, [line(Unit="")]), key)

    assert reasons(table, 2) == ["Unit is empty (required for Y)"]


def test_gross_only_files_load(tmp_path, key):
    table = load(write(tmp_path, [line(Net_Amount="", VAT_Amount="")]), key)

    assert table.rows.height == 1 and column(table, "net_amount") == [None]


@pytest.mark.parametrize("odometer", ["0", "999999", "12", ""])
def test_odometer_garbage_never_quarantines(tmp_path, key, odometer):
    table = load(write(tmp_path, [line(Odometer=odometer)]), key)

    assert table.rows.height == 1


def test_semicolon_decimal_comma_cp1252_variant(tmp_path, key):
    rows = [
        line(Quantity="45,200", Unit_Price="1,6590", Net_Amount="64,65", VAT_Amount="10,34",
             Gross_Amount="1.074,99", Exchange_Rate="0,007634", Site_City="Bogotá")
    ]  # fmt: skip
    table = load(write(tmp_path, rows, delimiter=";", encoding="cp1252"), key)

    assert table.quarantine.is_empty()
    assert column(table, "decimal_separator") == [","]
    assert column(table, "quantity") == ["45,200"]
    assert column(table, "site_city") == ["Bogotá"]
    assert table.notes["encoding"] == "cp1252" and table.notes["delimiter"] == ";"


def test_tab_delimited_with_compact_dates(tmp_path, key):
    rows = [line(Transaction_Date="20240502", Posting_Date="20240503")]
    table = load(write(tmp_path, rows, delimiter="\t", name="x.txt"), key)

    assert table.quarantine.is_empty()
    assert column(table, "transaction_date") == ["20240502"]


def test_a_point_decimal_file_does_not_accept_a_decimal_comma(tmp_path, key):
    rows = [line(), line(Transaction_ID="T2", Quantity="45,200")]
    table = load(write(tmp_path, rows), key)

    assert reasons(table, 3) == ["Quantity is not a number"]


def test_bad_dates_and_flags_are_quarantined_with_reasons(tmp_path, key):
    rows = [line(Transaction_Date="31/02/2024"), line(Fuel_Product="maybe")]
    table = load(write(tmp_path, rows), key)

    assert reasons(table, 2) == [
        "Transaction Date is not a date (expected a date cell or d/m/Y, Ymd)"
    ]
    assert reasons(table, 3) == ["Fuel Product is not one of Y, N"]


def test_redelivered_bytes_read_identically(tmp_path, key):
    first = load(write(tmp_path, [line()], name="a.csv"), key)
    again = load(write(tmp_path, [line()], name="b.csv"), key)

    assert first.rows.equals(again.rows)


def test_a_file_without_the_columns_is_rejected_with_what_it_lacks(tmp_path, key):
    path = tmp_path / "other.csv"
    path.write_text("Account Number,Card Number,Quantity\nCZ1,123,4\n", encoding="utf-8")

    with pytest.raises(RejectedFile) as err:
        dialects.read(path.read_bytes(), ".csv", "fuel", key)
    assert "fuelcard_csv" in str(err.value) and "Transaction ID" in str(err.value)
