"""`tmc_travel_xlsx` (docs/dialects.md D4): every quirk read correctly or quarantined with a reason.

Fixture files are written in tmp_path from docs/dialects.md by tmc_travel.py; `load` reads them
through detection and checks rows_in = loaded + quarantined rows for every file.
"""

import datetime as dt
import json
import re
import string
import time
import tracemalloc
import zipfile

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors import dialects
from connectors.base import Column, RejectedFile, Table
from connectors.landing import scan
from connectors.organizations import RegistryError, load_registry
from connectors.tabular import read_csv_text
from connectors.tmc_travel import DIALECT
from connectors.validate import MASK, parse_date, validate
from tests.builders.common import write, zip_bomb
from tests.builders.landing import UNEP_ENTRY
from tests.builders.tmc_travel import (
    AIR_COLUMNS,
    air_row,
    assert_rows_accounted,
    hotel_row,
    load,
    rail_row,
    total_row,
    write_csv,
    write_workbook,
)

AIR, HOTEL, RAIL = "tmc_air_segments", "tmc_hotel", "tmc_rail"


def air_only(tmp_path, *rows, name="air.xlsx", **options):
    return write_workbook(tmp_path / name, {"Air Segments": list(rows)}, **options)


def column(table, name):
    return table.rows.get_column(name).to_list()


def reasons(table, source_row):
    q = table.quarantine.filter(pl.col("source_row") == source_row)
    return dict(zip(q.get_column("column_name"), q.get_column("reason"), strict=True))


# --- clean workbook ---------------------------------------------------------------------


def clean_workbook(tmp_path, name="clean.xlsx"):
    second = air_row(
        Segment_No=2,
        Flight_Number="LX1816",
        Origin_Airport="ZRH",
        Origin_City="Zürich",
        Origin_Country="CH",
        Destination_Airport="CDG",
        Destination_City="Paris",
        Destination_Country="FR",
        Departure_Date=dt.date(2024, 3, 8),
        Arrival_Date=dt.date(2024, 3, 8),
        Ticket_Total=None,
    )
    other = air_row(
        Traveller_Name="MWANGI/PETER MR",
        Employee_ID="E100991",
        Ticket_Number="220-9876543210",
        Record_Locator="KD92PL",
    )
    return write_workbook(
        tmp_path / name,
        {
            "Air Segments": [air_row(), second, None, other, total_row(Ticket_Total=2461.5)],
            "Hotel": [hotel_row(), hotel_row(Booking_Status="No-show"), total_row()],
            "Rail": [rail_row(), rail_row(Transaction_Type="REFUND", Amount=-89.0)],
        },
    )


def test_clean_workbook_loads_each_sheet_into_its_raw_table(tmp_path, key):
    tables = load(clean_workbook(tmp_path), key)

    assert set(tables) == {AIR, HOTEL, RAIL}
    assert {n: t.rows.height for n, t in tables.items()} == {AIR: 3, HOTEL: 2, RAIL: 2}
    assert {n: t.rows_in for n, t in tables.items()} == {AIR: 3, HOTEL: 2, RAIL: 2}
    assert all(t.quarantine.is_empty() for t in tables.values())


def test_clean_workbook_total_and_blank_rows_are_skipped_not_loaded(tmp_path, key):
    plain = write_workbook(
        tmp_path / "plain.xlsx", {"Air Segments": [air_row(), air_row(Segment_No=2)]}
    )
    padded = write_workbook(
        tmp_path / "padded.xlsx",
        {"Air Segments": [air_row(), None, air_row(Segment_No=2), total_row(Ticket_Total=1)]},
    )

    plain_air, padded_air = load(plain, key)[AIR], load(padded, key)[AIR]

    assert padded_air.rows_in == plain_air.rows_in == 2
    assert padded_air.rows.height == 2
    assert padded_air.quarantine.is_empty()
    assert padded_air.rows_skipped == plain_air.rows_skipped + 2


def test_clean_workbook_source_row_is_the_spreadsheet_row_number(tmp_path, key):
    tables = load(clean_workbook(tmp_path), key)

    assert column(tables[AIR], "_source_row") == [7, 8, 10]
    assert column(tables[HOTEL], "_source_row") == [7, 8]
    assert column(tables[RAIL], "_source_row") == [7, 8]


def test_clean_workbook_sets_sheet_name(tmp_path, key):
    tables = load(clean_workbook(tmp_path), key)

    assert set(column(tables[AIR], "_sheet")) == {"Air Segments"}
    assert set(column(tables[HOTEL], "_sheet")) == {"Hotel"}
    assert set(column(tables[RAIL], "_sheet")) == {"Rail"}


def test_clean_workbook_keeps_values_as_original_text(tmp_path, key):
    tables = load(clean_workbook(tmp_path), key)
    first = tables[AIR].rows.row(0, named=True)

    assert first["ticket_fare"] == "920.5"
    assert first["ticket_total"] == "1230.75"
    assert first["departure_date"] == "2024-03-05"
    assert first["issue_date"] == "2024-02-20"
    assert first["departure_time"] == "23:35"
    assert first["segment_no"] == "1"
    assert first["segment_km"] == "6166"
    assert first["ticket_number"] == "724-2201234567"
    assert first["destination_city"] == "Zürich"
    assert column(tables[AIR], "ticket_total") == ["1230.75", None, "1230.75"]
    assert column(tables[HOTEL], "check_in_date") == ["2024-03-06", "2024-03-06"]
    assert column(tables[RAIL], "amount") == ["89", "-89"]


def test_preamble_blank_and_header_rows_count_as_skipped(tmp_path, key):
    """docs/contract.md section 1: preambles, headers and blank lines are structural rows in
    rows_skipped."""
    path = air_only(tmp_path, air_row(), air_row(Segment_No=2))

    air = load(path, key)[AIR]

    assert air.rows_in == 2
    assert air.rows_skipped == 6  # rows 1-4 preamble, row 5 blank, row 6 header


# --- quirk switches ---------------------------------------------------------------------


def test_city_code_not_airport_is_loaded_as_written(tmp_path, key):
    path = air_only(tmp_path, air_row(Origin_Airport="LON", Destination_Airport="NYC"))

    air = load(path, key)[AIR]

    assert column(air, "origin_airport") == ["LON"]
    assert column(air, "destination_airport") == ["NYC"]


def test_city_name_not_code_is_loaded_as_written(tmp_path, key):
    path = air_only(tmp_path, air_row(Origin_Airport="Geneva"))

    assert column(load(path, key)[AIR], "origin_airport") == ["Geneva"]


def test_missing_airport_is_loaded_with_the_airport_empty(tmp_path, key):
    path = air_only(tmp_path, air_row(Destination_Airport=None))

    air = load(path, key)[AIR]

    assert air.rows.height == 1
    assert column(air, "destination_airport") == [None]
    assert column(air, "destination_city") == ["Zürich"]


def test_cabin_free_text_is_loaded_as_written_never_quarantined(tmp_path, key):
    cabins = ["Y", "ECONOMY", "Coach", "Eco Flex", "J", "Premium Economy"]
    path = air_only(tmp_path, *(air_row(Segment_No=i + 1, Cabin=c) for i, c in enumerate(cabins)))

    air = load(path, key)[AIR]

    assert column(air, "cabin") == cabins
    assert air.quarantine.is_empty()


def test_amount_on_every_segment_is_loaded_on_every_row(tmp_path, key):
    rows = [air_row(Segment_No=n, Ticket_Total=1230.75) for n in (1, 2, 3)]
    path = air_only(tmp_path, *rows)

    air = load(path, key)[AIR]

    assert column(air, "ticket_total") == ["1230.75"] * 3
    assert column(air, "segment_no") == ["1", "2", "3"]


def test_ticket_number_in_numeric_cell_is_loaded_as_its_digits(tmp_path, key):
    path = air_only(tmp_path, air_row(Ticket_Number=552201234567.0))

    air = load(path, key)[AIR]

    assert column(air, "ticket_number") == ["552201234567"]


def test_thirteen_digit_ticket_number_in_numeric_cell_keeps_every_digit(tmp_path, key):
    path = air_only(tmp_path, air_row(Ticket_Number=2201234567890.0))

    assert column(load(path, key)[AIR], "ticket_number") == ["2201234567890"]


def test_ticket_number_in_scientific_notation_is_quarantined(tmp_path, key):
    path = air_only(tmp_path, air_row(Ticket_Number="2.20123E+12"), air_row(Segment_No=2))

    air = load(path, key)[AIR]

    assert column(air, "_source_row") == [8]
    bad = air.quarantine.row(0, named=True)
    assert (bad["source_row"], bad["column_name"], bad["value"]) == (
        7,
        "Ticket Number",
        "2.20123E+12",
    )
    assert "Ticket Number" in bad["reason"]
    assert "scientific notation" in bad["reason"]


def test_serial_date_in_general_cell_is_loaded_as_its_serial(tmp_path, key):
    path = air_only(tmp_path, air_row(Departure_Date=45356))

    air = load(path, key)[AIR]

    assert column(air, "departure_date") == ["45356"]
    parsed = air.rows.select(parse_date("departure_date", DIALECT)).item()
    assert parsed == dt.date(2024, 3, 5)


def test_serial_date_in_1904_workbook_is_not_read_as_a_1900_serial(tmp_path, key):
    """43894 in a workbook using the 1904 date system is 5 March 2024 (1900 system: 2020)."""
    path = air_only(tmp_path, air_row(Departure_Date=43894), epoch_1904=True)

    air = load(path, key)[AIR]

    if air.rows.height:
        parsed = air.rows.select(parse_date("departure_date", DIALECT)).item()
        assert parsed == dt.date(2024, 3, 5)
    else:
        assert "Departure Date" in reasons(air, 7)


def test_refund_without_segments_is_loaded(tmp_path, key):
    refund = air_row(
        Transaction_Type="REFUND",
        Segment_No=None,
        Origin_Airport=None,
        Destination_Airport=None,
        Departure_Date=None,
        Departure_Time=None,
        Arrival_Date=None,
        Ticket_Total=-1230.75,
    )
    air = load(air_only(tmp_path, refund), key)[AIR]

    assert air.quarantine.is_empty()
    assert column(air, "transaction_type") == ["REFUND"]
    assert column(air, "departure_date") == [None]
    assert column(air, "ticket_total") == ["-1230.75"]


def test_lcc_without_ticket_number_is_loaded(tmp_path, key):
    path = air_only(tmp_path, air_row(Ticket_Number=None, Validating_Carrier="U2"))

    air = load(path, key)[AIR]

    assert air.quarantine.is_empty()
    assert column(air, "ticket_number") == [None]


def csv_rows():
    return [
        air_row(Ticket_Number="055-6876458431"),
        air_row(
            Ticket_Number="055-6876458431",
            Segment_No=2,
            Origin_Airport="ZRH",
            Origin_City="Zürich",
            Destination_Airport="GRU",
            Destination_City="São Paulo",
            Destination_Country="BR",
            Departure_Date=dt.date(2024, 3, 7),
            Arrival_Date=dt.date(2024, 3, 8),
            Ticket_Total=None,
        ),
    ]


def test_csv_variant_in_cp1252_is_decoded_and_loaded(tmp_path, key):
    path = write_csv(tmp_path / "air.csv", csv_rows())
    assert b"Z\xfcrich" in path.read_bytes()  # cp1252, not UTF-8
    assert b"\r\n" in path.read_bytes()

    air = load(path, key)[AIR]

    assert air.quarantine.is_empty()
    assert column(air, "destination_city") == ["Zürich", "São Paulo"]
    assert column(air, "departure_date") == ["05-Mar-2024", "07-Mar-2024"]
    assert column(air, "ticket_number") == ["055-6876458431"] * 2
    assert column(air, "ticket_fare") == ["920.5", "920.5"]
    assert column(air, "co2_methodology") == ["DEFRA 2024"] * 2  # no stray carriage return
    assert column(air, "_source_row") == [2, 3]
    assert column(air, "_sheet") == [None, None]
    dates = air.rows.select(parse_date("departure_date", DIALECT)).to_series().to_list()
    assert dates == [dt.date(2024, 3, 5), dt.date(2024, 3, 7)]


def test_csv_variant_in_utf8_with_bom_is_decoded_and_loaded(tmp_path, key):
    path = write_csv(tmp_path / "air.csv", csv_rows(), encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    air = load(path, key)[AIR]

    assert air.quarantine.is_empty()
    assert column(air, "client_account") == ["UNEP-NBO"] * 2
    assert column(air, "destination_city") == ["Zürich", "São Paulo"]


# --- invalid input isolated -------------------------------------------------------------


def test_impossible_date_is_quarantined_naming_the_column(tmp_path, key):
    path = air_only(tmp_path, air_row(), air_row(Departure_Date="31/02/2025"))

    air = load(path, key)[AIR]

    assert column(air, "_source_row") == [7]
    bad = air.quarantine.row(0, named=True)
    assert (bad["sheet"], bad["source_row"], bad["column_name"], bad["value"]) == (
        "Air Segments",
        8,
        "Departure Date",
        "31/02/2025",
    )
    assert bad["reason"].startswith("Departure Date is not a date")


def test_unknown_transaction_type_is_quarantined(tmp_path, key):
    path = air_only(tmp_path, air_row(Transaction_Type="CREDIT"), air_row(Segment_No=2))

    air = load(path, key)[AIR]

    assert air.rows.height == 1
    reason = reasons(air, 7)["Transaction Type"]
    assert "Transaction Type is not one of" in reason
    assert "SALE" in reason


@pytest.mark.parametrize("kind", ["SALE", "EXCHANGE"])
def test_flown_ticket_without_departure_date_is_quarantined(tmp_path, key, kind):
    path = air_only(tmp_path, air_row(Transaction_Type=kind, Departure_Date=None))

    air = load(path, key)[AIR]

    assert air.rows.is_empty()
    reason = reasons(air, 7)["Departure Date"]
    assert "Departure Date is empty" in reason
    assert "SALE/EXCHANGE" in reason


def test_void_without_departure_date_is_loaded(tmp_path, key):
    path = air_only(tmp_path, air_row(Transaction_Type="VOID", Departure_Date=None))

    assert load(path, key)[AIR].rows.height == 1


def test_row_with_several_bad_cells_is_one_quarantined_row(tmp_path, key):
    bad = air_row(Client_Account=None, Issue_Date="yesterday", Segment_Km="6.166,0 km")
    path = air_only(tmp_path, air_row(), bad, air_row(Segment_No=2))

    air = load(path, key)[AIR]

    assert air.rows_in == 3
    assert air.rows.height == 2
    assert set(reasons(air, 8)) == {"Client Account", "Issue Date", "Segment Km"}
    assert air.quarantine.get_column("source_row").n_unique() == 1


def test_hotel_row_with_unknown_booking_status_is_quarantined(tmp_path, key):
    path = write_workbook(
        tmp_path / "hotel.xlsx",
        {"Hotel": [hotel_row(), hotel_row(Booking_Status="Pending")]},
    )

    hotel = load(path, key)[HOTEL]

    assert column(hotel, "_source_row") == [7]
    assert "Booking Status is not one of" in reasons(hotel, 8)["Booking Status"]


def test_quarantine_masks_the_value_of_a_personal_column(key):
    table = Table(
        name="personal_probe",
        columns=(
            Column("Client Account", required=True),
            Column("Employee ID", "int", personal="pseudonymise"),
        ),
    )
    data = b"Client Account;Employee ID\r\nUNEP;E100234\r\nUNEP;100234\r\n"

    result = validate(read_csv_text(data, table), table, DIALECT, key)

    bad = result.quarantine.row(0, named=True)
    assert (bad["source_row"], bad["column_name"], bad["value"]) == (2, "Employee ID", MASK)
    assert "E100234" not in bad["reason"]
    assert result.rows.height == 1


def test_quarantine_of_a_travel_row_never_shows_the_traveller(tmp_path, key):
    path = air_only(tmp_path, air_row(Issue_Date="31/02/2025", Transaction_Type="??"))

    air = load(path, key)[AIR]

    text = " ".join(str(v) for row in air.quarantine.iter_rows() for v in row)
    assert "OTIENO" not in text
    assert "E100234" not in text


# --- invariant, property-tested ---------------------------------------------------------

GOOD_TEXT = st.text(alphabet=string.ascii_letters + " ;\"'-éüãçÖ", max_size=20)
DATES = st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31))
BAD_DATES = st.sampled_from(["31/02/2025", "2024-13-01", "30-Feb-2024", "05.03.2024", "soon"])
BAD_TYPES = st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=8).filter(
    lambda s: s.strip() and s.strip().upper() not in ("SALE", "EXCHANGE", "REFUND", "VOID")
)
NAMES = st.sampled_from(["OTIENO/JANE MS", "MWANGI/PETER MR", "MÜLLER/JÖRG MR", None])


@st.composite
def good_row(draw):
    return air_row(
        Transaction_Type=draw(st.sampled_from(["SALE", "exchange", "REFUND", "Void"])),
        Traveller_Name=draw(NAMES),
        Trip_Purpose=draw(GOOD_TEXT),
        Issue_Date=draw(DATES),
        Departure_Date=draw(DATES),
        Arrival_Date=draw(st.none() | DATES),
        Ticket_Fare=draw(st.decimals(-5000, 5000, places=2).map(str)),
        Segment_No=draw(st.integers(1, 8)),
    )


@st.composite
def bad_row(draw):
    """A good row with one defect, and the column the quarantine must name."""
    row = draw(good_row())
    kind = draw(st.sampled_from(["date", "enum", "empty"]))
    if kind == "date":
        col = draw(st.sampled_from(["Issue Date", "Departure Date", "Arrival Date"]))
        row[col] = draw(BAD_DATES)
    elif kind == "enum":
        col = "Transaction Type"
        row[col] = draw(BAD_TYPES)
    else:
        col = draw(st.sampled_from(["Client Account", "Transaction Type", "Issue Date"]))
        row[col] = draw(st.sampled_from(["", "   "]))
    return row, col


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(st.one_of(good_row().map(lambda r: (r, None)), bad_row()), max_size=25),
    encoding=st.sampled_from(["cp1252", "utf-8-sig"]),
)
def test_every_csv_row_is_loaded_or_quarantined(tmp_path, key, rows, encoding):
    path = write_csv(tmp_path / "air.csv", [r for r, _ in rows], encoding=encoding)

    air = load(path, key)[AIR]

    assert_rows_accounted(air)
    assert air.rows_in == len(rows)
    loaded = set(column(air, "_source_row"))
    for line, (_, bad_column) in enumerate(rows, start=2):
        if bad_column is None:
            assert line in loaded, f"good line {line} not loaded: {reasons(air, line)}"
        else:
            assert bad_column in reasons(air, line), f"line {line} not quarantined"


# --- personal data ----------------------------------------------------------------------


def cells(frame: pl.DataFrame) -> str:
    return " ".join(str(v) for row in frame.iter_rows() for v in row if v is not None)


def test_names_and_employee_ids_never_reach_loaded_rows(tmp_path, key):
    tables = load(clean_workbook(tmp_path), key)

    for table in tables.values():
        text = cells(table.rows)
        for secret in ("OTIENO", "JANE", "MWANGI", "E100234", "E100991"):
            assert secret not in text, f"{secret} in {table.table.name}"
        assert "traveller_name" not in table.rows.columns
        for name in ("traveller_name_pseudonym", "employee_id_pseudonym"):
            assert all(re.fullmatch(r"psn_[0-9a-f]{20}", v) for v in column(table, name))


def test_repeated_personal_column_is_not_kept_in_clear(tmp_path, key):
    header = [*AIR_COLUMNS, "Traveller Name"]
    path = air_only(tmp_path, air_row(), columns={"Air Segments": header})

    air = load(path, key)[AIR]

    assert "OTIENO" not in cells(air.rows)


def test_same_traveller_gets_same_pseudonym_in_two_files(tmp_path, key):
    xlsx = load(air_only(tmp_path, air_row()), key)[AIR]
    csv = load(write_csv(tmp_path / "air.csv", [air_row(Ticket_Number="220-1111111111")]), key)

    assert column(xlsx, "traveller_name_pseudonym") == column(csv[AIR], "traveller_name_pseudonym")
    assert column(xlsx, "employee_id_pseudonym") == column(csv[AIR], "employee_id_pseudonym")


def test_different_travellers_get_different_pseudonyms(tmp_path, key):
    path = air_only(tmp_path, air_row(), air_row(Traveller_Name="MWANGI/PETER MR"))

    names = column(load(path, key)[AIR], "traveller_name_pseudonym")

    assert names[0] != names[1]


def test_different_key_gives_different_pseudonym(tmp_path, key, other_key):
    path = air_only(tmp_path, air_row())

    first = column(load(path, key)[AIR], "traveller_name_pseudonym")
    second = column(load(path, other_key)[AIR], "traveller_name_pseudonym")

    assert first[0].startswith("psn_") and second[0].startswith("psn_")
    assert first != second


# --- schema drift -----------------------------------------------------------------------


def test_extra_column_is_kept_in_extra_json(tmp_path, key):
    header = [*AIR_COLUMNS[:5], "Booking Agent", *AIR_COLUMNS[5:]]
    row = air_row() | {"Booking Agent": "Nairobi desk"}
    path = air_only(tmp_path, row, columns={"Air Segments": header})

    air = load(path, key)[AIR]

    assert json.loads(column(air, "_extra")[0]) == {"Booking Agent": "Nairobi desk"}
    assert "booking_agent" not in air.rows.columns
    assert column(air, "record_locator") == ["QX7LMB"]


def test_reordered_columns_load_identically(tmp_path, key):
    rows = [air_row(), air_row(Segment_No=2, Cabin="J")]
    shuffled = list(reversed(AIR_COLUMNS))
    plain = load(air_only(tmp_path, *rows, name="plain.xlsx"), key)[AIR]
    moved = load(
        air_only(tmp_path, *rows, name="moved.xlsx", columns={"Air Segments": shuffled}), key
    )[AIR]

    assert moved.rows.equals(plain.rows)


def test_missing_column_in_workbook_rejects_file_naming_the_column(tmp_path, key):
    header = [c for c in AIR_COLUMNS if c != "Ticket Number"]
    path = air_only(tmp_path, air_row(), columns={"Air Segments": header})

    with pytest.raises(RejectedFile, match="Ticket Number"):
        load(path, key)


def test_missing_column_in_csv_rejects_file_naming_the_column(tmp_path, key):
    header = [c for c in AIR_COLUMNS if c != "Departure Date"]
    path = write_csv(tmp_path / "air.csv", [air_row()], columns=header)

    with pytest.raises(RejectedFile, match="Departure Date"):
        load(path, key)


def test_csv_matching_no_dialect_is_rejected_naming_the_nearest(tmp_path):
    data = b"Account Number,Card Number,Driver Name,Quantity\r\nCZ1,700205******890645,X,4\r\n"

    with pytest.raises(RejectedFile) as caught:
        dialects.detect(data, ".csv", "travel")

    message = str(caught.value)
    assert "tmc_travel_xlsx" in message
    assert "missing" in message
    assert "Ticket Number" in message


def test_workbook_matching_no_dialect_names_nearest_and_missing_columns(tmp_path):
    """docs/contract.md section 1: the nearest dialect and its missing columns are in the
    message."""
    header = [c for c in AIR_COLUMNS if c != "Ticket Number"]
    path = write_workbook(
        tmp_path / "f.xlsx", {"Flights": [air_row()]}, columns={"Flights": header}
    )

    with pytest.raises(RejectedFile) as caught:
        dialects.detect(path.read_bytes(), ".xlsx", "travel")

    assert "tmc_travel_xlsx" in str(caught.value)
    assert "Ticket Number" in str(caught.value)


def test_air_sheet_under_another_name_is_found_by_its_header(tmp_path, key):
    path = write_workbook(tmp_path / "f.xlsx", {"Flights": [air_row()]})

    air = load(path, key)[AIR]

    assert column(air, "_sheet") == ["Flights"]
    assert air.rows.height == 1


def test_travel_file_in_fuel_folder_is_rejected(tmp_path):
    data = clean_workbook(tmp_path).read_bytes()

    with pytest.raises(RejectedFile, match=r"tmc_travel_xlsx.*fuel"):
        dialects.detect(data, ".xlsx", "fuel")


def test_workbook_with_understated_dimension_loses_no_rows(tmp_path, key):
    """Some writers leave a stale <dimension>; rows beyond it are data all the same."""
    path = air_only(tmp_path, *(air_row(Segment_No=n) for n in range(1, 9)))
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:AK9"', members[sheet])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)

    air = load(path, key)[AIR]

    assert air.rows_in == 8
    assert column(air, "segment_no") == [str(n) for n in range(1, 9)]


# --- XLSX safety ------------------------------------------------------------------------


def test_zero_byte_workbook_is_rejected(tmp_path, key):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")

    with pytest.raises(RejectedFile, match=r"not a valid \.xlsx"):
        load(path, key)


def test_workbook_that_is_not_a_zip_is_rejected(tmp_path, key):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"Client Account;Traveller Name;Ticket Number\r\n" * 20)

    with pytest.raises(RejectedFile, match=r"not a valid \.xlsx"):
        load(path, key)


def test_zip_that_is_not_a_workbook_is_rejected(tmp_path, key):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")

    with pytest.raises(RejectedFile):
        load(path, key)


def test_zip_bomb_is_rejected_without_inflating_it(tmp_path, key):
    path = write(tmp_path / "bomb.xlsx", zip_bomb())
    data = path.read_bytes()
    assert len(data) < 2 * 1024**2

    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(RejectedFile, match="zip bomb"):
            dialects.read(data, ".xlsx", "travel", key)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 50 * 1024**2, f"{peak} bytes allocated: the member was inflated"
    assert time.perf_counter() - started < 5


# --- landing scan and organization registry ---------------------------------------------

REGISTRY = (
    "organizations:\n"
    + UNEP_ENTRY
    + """\
  - code: UNHCR
    name: UN Refugee Agency
    country: CH
    currency: USD
    headcont: {2024: 18000}
  - code: WFP
    name: World Food Programme
    country: IT
    currency: USD
    headcount: {2024: 22000}
    targets:
      - {scope: 3, year: 2030, reduction_pct: 30}
"""
)


@pytest.fixture
def landing(tmp_path):
    root = tmp_path / "landing"
    (root / "_system" / "offsets").mkdir(parents=True)
    (root / "_system" / "offsets" / "2024.csv").write_text("x\n")
    (root / "organizations.yaml").write_text(REGISTRY, encoding="utf-8")
    files = {
        "UNEP/travel/BCD_UNEP_TravelData_202403.xlsx": b"PK",
        "ACME/travel/BCD_ACME_TravelData_202403.xlsx": b"PK",
        "UNEP/flights/BCD_UNEP_TravelData_202403.xlsx": b"PK",
        "UNEP/travel/TravelData_202403.pdf": b"%PDF",
        "UNEP/travel/.~lock.TravelData.xlsx": b"lock",
        "UNHCR/travel/CWT_UNHCR_TravelData_202403.xlsx": b"PK",
        "WFP/travel/CWT_WFP_TravelData_202403.csv": b"a;b\r\n",
    }
    for relative, content in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(content)
    outside = tmp_path / "secret.xlsx"
    outside.write_bytes(b"PK")
    (root / "UNEP/travel/linked.xlsx").symlink_to(outside)
    return root


def scanned(landing):
    registry_path = landing / "organizations.yaml"
    files = scan(landing, registry_path, load_registry(registry_path))
    return {f.relative_path: f.reject_reason for f in files}


def test_scan_accepts_a_registered_org_file(landing):
    assert scanned(landing)["UNEP/travel/BCD_UNEP_TravelData_202403.xlsx"] is None


def test_scan_rejects_unknown_organization(landing):
    reason = scanned(landing)["ACME/travel/BCD_ACME_TravelData_202403.xlsx"]

    assert "unknown organization" in reason
    assert "ACME" in reason


def test_scan_rejects_unknown_domain(landing):
    reason = scanned(landing)["UNEP/flights/BCD_UNEP_TravelData_202403.xlsx"]

    assert "unknown domain" in reason
    assert "flights" in reason


def test_scan_rejects_wrong_extension(landing):
    assert "extension" in scanned(landing)["UNEP/travel/TravelData_202403.pdf"]


def test_scan_rejects_hidden_file(landing):
    assert "hidden" in scanned(landing)["UNEP/travel/.~lock.TravelData.xlsx"]


def test_scan_rejects_symlink_pointing_outside_landing(landing):
    reason = scanned(landing)["UNEP/travel/linked.xlsx"]

    assert "symlink" in reason
    assert "outside" in reason


def test_scan_does_not_list_registry_or_system_files(landing):
    listed = scanned(landing)

    assert "organizations.yaml" not in listed
    # Offsets registers are read through the manifest; other system inputs by their loaders.
    assert [p for p in listed if p.startswith("_system/")] == ["_system/offsets/2024.csv"]


def test_files_of_an_org_held_by_its_registry_entry_wait_with_the_registry_message(landing):
    registry_path = landing / "organizations.yaml"
    files = {f.relative_path: f for f in scan(landing, registry_path, load_registry(registry_path))}
    held = files["UNHCR/travel/CWT_UNHCR_TravelData_202403.xlsx"]

    assert held.reject_reason is None, "not refused: read once the entry is fixed"
    assert "registry entry UNHCR" in held.wait_reason
    assert "headcont" in held.wait_reason


def test_registry_unknown_key_excludes_that_org_with_a_message(landing):
    orgs = load_registry(landing / "organizations.yaml")

    assert "UNHCR" not in orgs.organizations
    assert "unknown key 'headcont'" in orgs.invalid["UNHCR"]
    assert orgs.organizations["UNEP"].headcount == {2023: 1270, 2024: 1302}


def test_registry_targets_without_baseline_year_exclude_that_org(landing):
    orgs = load_registry(landing / "organizations.yaml")

    assert "WFP" not in orgs.organizations
    assert "baseline_year" in orgs.invalid["WFP"]
    assert "UNEP" in orgs.organizations


def test_registry_that_cannot_be_parsed_raises(tmp_path):
    path = tmp_path / "organizations.yaml"
    path.write_text("organizations:\n  - code: UNEP\n    name: [unclosed\n", encoding="utf-8")

    with pytest.raises(RegistryError, match="cannot be read"):
        load_registry(path)
