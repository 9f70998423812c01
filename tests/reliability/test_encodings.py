"""Fault family 2, encodings and formats, across every dialect where the quirk applies.

Guaranteed by the connectors (values stay text in raw; how a file writes numbers and dates
is decided once per file and stored, so staging reads them the same way): a UTF-8 BOM, a
cp1252 or UTF-8 file give the same rows, names included (`Zürich`, `São Paulo`); numbers
in the dialect's convention (decimal comma and thousands dots, trailing minus) load, and a
number or date written another way is quarantined naming its row and column, never re-read
with a guessed convention; Excel serial dates load where the dialect allows them; a date
is read in its dialect's declared order (`31/12/2024` vs `12/31/2024`), and one that cannot
be is quarantined, never swapped; blank lines are structural rows and leave the row numbers
of the others as a person sees them; quoted line breaks stay inside their value; a
two-digit year is never read as the first century; a file mixing UTF-8 and cp1252 lines
keeps every name readable. That the stored decisions give the right figures in the marts
is checked by the delivery run (`test_delivery.py`: a decimal-comma, `DD/MM/YYYY` fuel-card
file and a workbook with serial-number dates).
"""

import dataclasses
import datetime as dt
import io

import openpyxl
import pytest

from tests.builders.common import (
    Export,
    csv_bytes,
    csv_lines,
    declared,
    first_data_row,
    quarantine_of,
    read,
    read_export,
    values,
)
from tests.builders.concur_sae import CONCUR, concur_bytes, concur_detail
from tests.builders.exports import CSV_EXPORTS, TABULAR
from tests.builders.fuelcard import FUELCARD, FUELCARD_COMMA
from tests.builders.generator_fuel_log import GENERATOR_XLSX
from tests.builders.oracle_po import ORACLE_FUSION, ORACLE_OTBI
from tests.builders.refrigerant_log import REFRIGERANT
from tests.builders.sap_me2n import SAP_DE, SAP_EN, SAP_XLSX
from tests.builders.tmc_travel import TMC_CSV, TMC_XLSX
from tests.builders.utility_bill import UTILITY_CSV, UTILITY_JSON, json_bytes

NAMES = ("Zürich", "São Paulo")


def name(export: Export) -> str:
    return export.name


def with_names(export: Export, encoding: str) -> Export:
    named = export.with_cell(0, export.text_column, NAMES[0]).with_cell(
        1, export.text_column, NAMES[1]
    )
    return dataclasses.replace(named, encoding=encoding)


def assert_quarantined(export: Export, data: bytes, row: int, column: str, reason: str) -> None:
    """Data row `row` (0-based) is quarantined naming its line and column; the other loads."""
    table = read_export(export, data)
    line = first_data_row(export) + row
    entries = quarantine_of(table, line)
    header = declared(export, column).header
    assert [e["column_name"] for e in entries] == [header], entries
    assert entries[0]["reason"].startswith(f"{header} {reason}"), entries[0]["reason"]
    assert table.rows_in == 2 and table.rows.height == 1
    assert line not in table.rows.get_column("_source_row").to_list()


@pytest.mark.parametrize("export", CSV_EXPORTS, ids=name)
def test_a_utf8_bom_reads_the_same_rows(export):
    plain = read_export(dataclasses.replace(export, encoding="utf-8"))
    bom = read_export(dataclasses.replace(export, encoding="utf-8-sig"))

    assert bom.notes["encoding"] == "utf-8-sig"
    assert bom.rows.equals(plain.rows) and bom.rows.height == 2


def test_a_utf8_bom_before_json_or_an_extract_reads_the_same_rows():
    for data, suffix, domain in (
        (json_bytes(UTILITY_JSON), ".json", "energy"),
        (CONCUR, ".txt", "travel"),
    ):
        (plain,) = read(data, suffix, domain).tables
        (bom,) = read(b"\xef\xbb\xbf" + data, suffix, domain).tables
        assert bom.rows.equals(plain.rows) and bom.rows.height >= 1


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig"])
@pytest.mark.parametrize("export", CSV_EXPORTS, ids=name)
def test_accented_names_read_as_written_in_any_encoding(export, encoding):
    named = with_names(export, encoding)

    table = read_export(named)

    assert values(table, named, named.text_column) == list(NAMES)
    assert table.notes["encoding"] == encoding


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8"])
def test_accented_names_in_an_extract_read_as_written(encoding):
    details = [concur_detail(1, p69=NAMES[0]), concur_detail(2, p69=NAMES[1])]

    (table,) = read(concur_bytes(details, encoding=encoding), ".txt", "travel").tables

    assert table.rows.get_column("vendor_name").to_list() == list(NAMES)


def test_a_file_mixing_utf8_and_cp1252_lines_never_loads_a_garbled_name():
    lines = csv_lines(with_names(FUELCARD, "utf-8"))
    data = "\r\n".join(lines[:2]).encode("utf-8") + b"\r\n" + lines[2].encode("cp1252") + b"\r\n"

    table = read_export(FUELCARD, data)

    expected = [NAMES[row - 2] for row in table.rows.get_column("_source_row")]
    assert values(table, FUELCARD, "Site City") == expected


RETURN = {SAP_DE.name: "Retourenposition", SAP_EN.name: "Returns Item"}
DECLARED_NUMBERS = [
    pytest.param(
        SAP_DE, "Bestellnettowert", "1.234,56-", "export_decimal_separator", ",", id="sap-de"
    ),
    pytest.param(
        SAP_EN, "Net Order Value", "1,234.56-", "export_decimal_separator", ".", id="sap-en"
    ),
    pytest.param(
        FUELCARD_COMMA, "Quantity", "38,750", "decimal_separator", ",", id="fuelcard-comma"
    ),
    pytest.param(
        ORACLE_OTBI, "Ordered Amount", "2,400.00", "export_variant", "otbi_display", id="otbi"
    ),
]


@pytest.mark.parametrize(("export", "column", "text", "decision", "value"), DECLARED_NUMBERS)
def test_numbers_in_the_dialects_convention_load_as_written(export, column, text, decision, value):
    """Thousands dots with a decimal comma, grouping commas, a trailing minus (a return).

    An SAP item is loaded only when its net order value is quantity x net price / price
    unit, so loading proves the file's numbers were read in its convention.
    """
    changed = export.with_cell(1, column, text)
    if export.name in RETURN:
        changed = changed.with_cell(1, RETURN[export.name], "X")

    table = read_export(changed)

    assert table.quarantine.is_empty(), table.quarantine.to_dicts()
    assert values(table, changed, column)[1] == text
    assert set(table.rows.get_column(decision)) == {value}


FOREIGN_NUMBERS = [
    pytest.param(TMC_CSV, "Ticket Fare", "920,50", id="tmc-csv-decimal-comma"),
    pytest.param(TMC_CSV, "Ticket Fare", "920.50-", id="tmc-csv-trailing-minus"),
    pytest.param(FUELCARD, "Quantity", "45,200", id="fuelcard-comma-in-point-file"),
    pytest.param(FUELCARD, "Quantity", "45.200-", id="fuelcard-trailing-minus"),
    pytest.param(FUELCARD_COMMA, "Quantity", "1,234.500", id="fuelcard-point-in-comma-file"),
    pytest.param(REFRIGERANT, "Quantity Added", "0,40", id="refrigerant-decimal-comma"),
    pytest.param(UTILITY_CSV, "Consumption", "15.230,5", id="utility-csv-decimal-comma"),
    pytest.param(UTILITY_CSV, "Consumption", "15230-", id="utility-csv-trailing-minus"),
    pytest.param(ORACLE_FUSION, "AMOUNT", "9000,00", id="oracle-decimal-comma"),
    pytest.param(ORACLE_FUSION, "AMOUNT", "9000.00-", id="oracle-trailing-minus"),
    pytest.param(SAP_DE, "Bestellnettowert", "2,700.00", id="sap-de-english-number"),
    pytest.param(SAP_EN, "Net Order Value", "2.700,00", id="sap-en-german-number"),
]


@pytest.mark.parametrize(("export", "column", "text"), FOREIGN_NUMBERS)
def test_a_number_in_another_convention_is_quarantined_never_reread(export, column, text):
    changed = export.with_cell(0, column, text)

    assert_quarantined(export, changed.bytes(), 0, column, "is not a number")


def test_a_typed_quantity_in_a_manual_log_is_read_once_or_quarantined():
    log = GENERATOR_XLSX.with_cell(0, "Quantity Delivered", "1.250,5 L").with_cell(
        1, "Quantity Delivered", "1,250"
    )

    table = read_export(log)

    assert values(table, log, "Quantity Delivered") == ["1.250,5 L"]
    (entry,) = quarantine_of(table, 7)
    assert entry["column_name"] == "Quantity Delivered" and "ambiguous" in entry["reason"]


def serial(day: dt.date, epoch: dt.date = dt.date(1899, 12, 30)) -> int:
    return (day - epoch).days


SERIAL_WORKBOOKS = [
    pytest.param(TMC_XLSX, id="tmc-workbook"),
    pytest.param(SAP_XLSX, id="sap-workbook"),
    pytest.param(GENERATOR_XLSX, id="generator-log"),
]


@pytest.mark.parametrize("export", SERIAL_WORKBOOKS)
def test_excel_serial_dates_load_in_workbooks(export):
    day = dt.date(2024, 3, 5)
    changed = export.with_cell(0, export.date_column, serial(day))

    table = read_export(changed)

    assert table.quarantine.is_empty(), table.quarantine.to_dicts()
    assert values(table, changed, export.date_column)[0] == str(serial(day))


def test_a_1904_workbooks_serial_dates_are_stored_as_the_dates_excel_shows():
    day = dt.date(2024, 3, 5)
    workbook = openpyxl.load_workbook(io.BytesIO(TMC_XLSX.bytes()))
    workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = workbook["Air Segments"]
    column = TMC_XLSX.index("Departure Date") + 1
    sheet.cell(len(TMC_XLSX.title_rows) + 2, column).value = serial(day, dt.date(1904, 1, 1))
    sheet.cell(len(TMC_XLSX.title_rows) + 2, column).number_format = "General"
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = read_export(TMC_XLSX, buffer.getvalue())

    assert values(table, TMC_XLSX, "Departure Date")[0] == "2024-03-05"


@pytest.mark.parametrize(
    "export", [FUELCARD, REFRIGERANT, UTILITY_CSV, ORACLE_FUSION, ORACLE_OTBI], ids=name
)
def test_an_excel_serial_in_a_text_export_is_quarantined(export):
    changed = export.with_cell(0, export.date_column, "45356")

    assert_quarantined(export, changed.bytes(), 0, export.date_column, "is not a date")


DAY_FIRST = (FUELCARD, REFRIGERANT, UTILITY_CSV, GENERATOR_XLSX)
MONTH_FIRST = (ORACLE_FUSION, ORACLE_OTBI)
NO_SLASHES = (TMC_CSV, TMC_XLSX)


@pytest.mark.parametrize("export", DAY_FIRST + MONTH_FIRST + NO_SLASHES, ids=name)
@pytest.mark.parametrize("text", ["31/12/2024", "12/31/2024"])
def test_a_slash_date_is_read_in_the_dialects_order_or_quarantined(export, text):
    reads_it = (export in DAY_FIRST and text == "31/12/2024") or (
        export in MONTH_FIRST and text == "12/31/2024"
    )
    changed = export.with_cell(1, export.date_column, text)

    if reads_it:
        table = read_export(changed)
        assert table.quarantine.is_empty() and values(table, changed, export.date_column)[1] == text
    else:
        assert_quarantined(export, changed.bytes(), 1, export.date_column, "is not a date")


SAP_DATES = [
    pytest.param(("31/12/2024", "05/01/2024"), "dmy", id="day-first"),
    pytest.param(("12/31/2024", "01/05/2024"), "mdy", id="month-first"),
]


@pytest.mark.parametrize("export", [SAP_DE, SAP_EN, SAP_XLSX], ids=name)
@pytest.mark.parametrize(("dates", "order"), SAP_DATES)
def test_an_sap_list_reads_slash_dates_in_the_order_its_days_prove(export, dates, order):
    """SAP prints every date of a list one way; a day above 12 shows which, for the file."""
    changed = export.with_cell(0, export.date_column, dates[0]).with_cell(
        1, export.date_column, dates[1]
    )

    table = read_export(changed)

    assert table.quarantine.is_empty()
    assert table.rows.get_column("export_date_order").to_list() == [order, order]
    assert values(table, changed, export.date_column) == list(dates)


@pytest.mark.parametrize("export", [SAP_DE, SAP_EN, SAP_XLSX], ids=name)
def test_an_sap_list_whose_dates_contradict_each_other_quarantines_the_odd_one(export):
    """`13/01/2024` is day first, `01/13/2024` month first: one order for the file, and the
    date that cannot be read in it is quarantined rather than read the other way."""
    changed = export.with_cell(0, export.date_column, "13/01/2024").with_cell(
        1, export.date_column, "01/13/2024"
    )

    order = read_export(changed).notes["date_order"]

    odd = 1 if order == "dmy" else 0
    assert_quarantined(export, changed.bytes(), odd, export.date_column, "is not a date")


def test_a_two_digit_year_is_never_read_as_the_first_century():
    loaded = []
    for export in TABULAR:
        changed = export.with_cell(1, export.date_column, "05/03/24")
        table = read_export(changed)
        if len(table.rows) == 2:
            loaded.append(export.name)
    assert loaded == []


def blank_lines(export: Export) -> bytes:
    """An empty line and a line of bare delimiters after the first row, one at the end."""
    lines = csv_lines(export)
    at = len(export.title_rows) + 2
    bare = export.delimiter * (len(export.header) - 1)
    return csv_bytes(export, [*lines[:at], "", bare, *lines[at:], ""])


@pytest.mark.parametrize("export", CSV_EXPORTS, ids=name)
def test_blank_lines_are_structural_and_keep_the_line_numbers(export):
    table = read_export(export, blank_lines(export))

    assert table.rows_in == 2 and table.quarantine.is_empty()
    assert table.rows.get_column("_source_row").to_list() == [2, 5]
    assert table.rows_skipped == 1 + 3
    assert table.rows.drop("_source_row").equals(read_export(export).rows.drop("_source_row"))


@pytest.mark.parametrize("export", [TMC_XLSX, SAP_XLSX, GENERATOR_XLSX], ids=name)
def test_blank_sheet_rows_are_structural_and_keep_the_row_numbers(export):
    spaced = export.with_rows([export.rows[0], (), (), export.rows[1]])

    table = read_export(spaced)
    first = first_data_row(export)

    assert table.rows_in == 2 and table.quarantine.is_empty()
    assert table.rows.get_column("_source_row").to_list() == [first, first + 3]
    assert table.rows_skipped == read_export(export).rows_skipped + 2


def test_blank_lines_in_an_extract_are_structural():
    lines = CONCUR.split(b"\n")
    data = b"\n".join([lines[0], lines[1], b"", b"\r", *lines[2:]])

    (table,) = read(data, ".txt", "travel").tables

    assert table.rows_in == 2 and table.rows.get_column("_source_row").to_list() == [2, 5]


DESCRIPTION = 'Line one; with, "quotes"\r\nline two'


@pytest.mark.parametrize("export", [*CSV_EXPORTS, TMC_XLSX, SAP_XLSX, GENERATOR_XLSX], ids=name)
def test_a_quoted_line_break_stays_inside_its_value(export):
    changed = export.with_cell(0, export.text_column, DESCRIPTION)

    table = read_export(changed)

    written = DESCRIPTION if export.suffix == ".csv" else DESCRIPTION.replace("\r\n", "\n")
    assert table.rows_in == 2 and table.quarantine.is_empty()
    assert values(table, changed, export.text_column)[0] == written
    first = first_data_row(export)
    assert table.rows.get_column("_source_row").to_list() == [first, first + 1]


def test_a_quoted_pipe_in_an_extract_stays_inside_its_value():
    detail = concur_detail(1, p70='"TAXI | BLEU GENEVE"')

    (table,) = read(concur_bytes([detail]), ".txt", "travel").tables

    assert table.rows.get_column("vendor_description").to_list() == ["TAXI | BLEU GENEVE"]


def test_workbooks_with_cells_in_other_scripts_read_as_written():
    names = ("Zürich", "Genève", "São Paulo", "Kraków", "Αθήνα", "東京")
    rows = [TMC_XLSX.rows[0]] * len(names)
    workbook = TMC_XLSX.with_rows([(*r[:19], n, *r[20:]) for r, n in zip(rows, names, strict=True)])

    table = read_export(workbook)

    assert values(table, workbook, "Destination City") == list(names)
