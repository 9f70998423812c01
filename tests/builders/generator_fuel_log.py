"""D6 `generator_fuel_log_xlsx`: a site's diesel generator delivery log (docs/dialects.md D6).

A workbook kept by hand: the office, generator and capacity above the header, one delivery
per row, a TOTAL line under them.
"""

import datetime as dt
from collections.abc import Mapping, Sequence

import openpyxl

from samples.generator_fuel_log import HEADERS
from tests.builders.common import Export, Row, record, workbook_bytes

HEADER = HEADERS["EN"]
DELIVERY = dict(zip(HEADER, (
    dt.date(2024, 3, 5), "DN-10001", "Hass Petroleum", "Diesel", 500, "L", 20, 80, 1200, 1350,
    1.25, "USD", 625.0, None,
), strict=True))  # fmt: skip


def log_workbook(
    sheets: Mapping[str, Sequence[Sequence[object] | None]],
    header: Sequence[str] = HEADER,
    office: str = "UNEP Nairobi Office",
) -> bytes:
    """One sheet per entry: office, generator and capacity in rows 1-3, header in row 5, the
    rows (None = a blank row) from row 6, a TOTAL row summing the quantities under them."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        ws["A1"] = office
        ws["A2"] = "Generator ID: GEN-02"
        ws["A3"] = "Capacity: 150 kVA"
        for c, text in enumerate(header, start=1):
            ws.cell(5, c, text)
        r = 6
        for cells in rows:
            for c, value in enumerate(cells or (), start=1):
                ws.cell(r, c, value)
            r += 1
        ws.cell(r, 1, "TOTAL")
        ws.cell(r, 5, f"=SUM(E6:E{r - 1})")
    return workbook_bytes(wb)


def generator_log(rows: Sequence[Row]) -> bytes:
    """One `Log` sheet of deliveries; each row is changes to the example delivery."""
    return log_workbook({"Log": [record(DELIVERY, changes) for changes in rows]})


# Two March deliveries as a site keeps them: dates as text, a remark in German.
LOG_ROWS = (
    ("05/03/2024", "DN-5512", "Total Kenya", "Diesel", 200, "L", 20, 85, 1200, 1262, 1.45, "USD",
     290, None),
    ("18/03/2024", "DN-5530", "Total Kenya", "Diesel", 150, "L", 30, 80, 1262, 1310, 1.45, "USD",
     217.5, "Nachgefüllt"),
)  # fmt: skip
GENERATOR_XLSX = Export(
    name="generator_fuel_log_xlsx", dialect="generator_fuel_log_xlsx", domain="fuel",
    suffix=".xlsx", table="generator_fuel_log", header=HEADER, rows=LOG_ROWS, delimiter="",
    encoding="",
    title_rows=(("Office: UNEP Kampala",), ("Generator ID: GEN-02",), ("Capacity: 60 kVA",), ()),
    sheet="Mar", key_column="Quantity Delivered", date_column="Date", text_column="Remarks",
)  # fmt: skip
