"""Landing files written straight from docs/dialects.md, and a `greenblue run` driver.

Shared by the value, hostile-input and personal-data cases of the reliability fault matrix.
Each builder takes the dialect's example row (docs/dialects.md) and the cells a case changes,
keyed by header; files are written the way the exporting system writes them.
"""

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import yaml

KEY = "reliability-pseudonym-key-0123456789"
ROOT = Path(__file__).resolve().parents[2]
# Marts with an org_code whose rows a held organization keeps from one publication to the next.
ORG_MARTS = (
    "fct_emissions",
    "org_emissions_annual",
    "org_completeness",
    "travel_indicators",
    "fct_procurement_lines",
    "org_procurement_annual",
)

Row = Mapping[str, object]

AIR = {
    "Client Account": "UNEP-NBO",
    "Traveller Name": "OTIENO/JANE MS",
    "Employee ID": "E100234",
    "Cost Centre": "CC1200",
    "Trip Purpose": "Workshop",
    "Record Locator": "QX7LMB",
    "Ticket Number": "724-2201234567",
    "Original Ticket Number": None,
    "Transaction Type": "SALE",
    "Issue Date": dt.date(2024, 2, 20),
    "Validating Carrier": "LX",
    "Segment No": 1,
    "Marketing Carrier": "LX",
    "Operating Carrier": "LX",
    "Flight Number": "LX295",
    "Origin Airport": "NBO",
    "Origin City": "Nairobi",
    "Origin Country": "KE",
    "Destination Airport": "ZRH",
    "Destination City": "Zürich",
    "Destination Country": "CH",
    "Departure Date": dt.date(2024, 3, 5),
    "Departure Time": "23:35",
    "Arrival Date": dt.date(2024, 3, 6),
    "Booking Class": "Y",
    "Cabin": "Economy",
    "Fare Basis": "YOWKE",
    "Segment Km": 6166,
    "Segment Miles": 3831,
    "Haul": "Long",
    "Ticket Fare": 920.5,
    "Ticket Taxes": 310.25,
    "Ticket Total": 1230.75,
    "Currency": "USD",
    "CO2 kg": 712.4,
    "CO2e kg incl RF": 1353.6,
    "CO2 Methodology": "DEFRA 2024",
}
HOTEL = {
    "Client Account": "UNEP-NBO",
    "Traveller Name": "OTIENO/JANE MS",
    "Employee ID": "E100234",
    "Record Locator": "QX7LMB",
    "Hotel Chain": "IHG",
    "Hotel Name": "Crowne Plaza Zurich",
    "Hotel City": "Zürich",
    "Hotel Country": "CH",
    "Check-in Date": dt.date(2024, 3, 6),
    "Check-out Date": dt.date(2024, 3, 9),
    "Room Nights": 3,
    "Rooms": 1,
    "Nightly Rate": 245.5,
    "Currency": "CHF",
    "Total Amount": 736.5,
    "Booking Status": "Confirmed",
    "Booking Channel": "Online",
}
RAIL = {
    "Client Account": "UNEP-NBO",
    "Traveller Name": "OTIENO/JANE MS",
    "Employee ID": "E100234",
    "Ticket Number": "SBB-88123",
    "Transaction Type": "SALE",
    "Issue Date": dt.date(2024, 3, 1),
    "Rail Carrier": "SBB",
    "Origin Station": "Zürich HB",
    "Destination Station": "Genève",
    "Origin Country": "CH",
    "Destination Country": "CH",
    "Travel Date": dt.date(2024, 3, 9),
    "Class": "2nd",
    "Distance Km": 277,
    "Amount": 89.0,
    "Currency": "CHF",
    "CO2 kg": 2.1,
}
FUELCARD = {
    "Account Number": "CZ1234567890",
    "Card Number": "700205******890645",
    "Vehicle Registration": "UN-1234",
    "Fleet ID": "V017",
    "Driver Name": "J. OTIENO",
    "Transaction ID": "io9KVXk1UkW57XWKyeaHHg",
    "Transaction Line": "1",
    "Transaction Date": "02/05/2024",
    "Transaction Time": "08:23:00",
    "Site Code": "KE004512",
    "Site Name": "SHELL WESTLANDS",
    "Site City": "Nairobi",
    "Country Code": "KE",
    "Product Code": "01",
    "Product Name": "Diesel",
    "Fuel Product": "Y",
    "Quantity": "45.200",
    "Unit": "L",
    "Unit Price": "1.6590",
    "Net Amount": "64.65",
    "VAT Amount": "10.34",
    "Gross Amount": "74.99",
    "Transaction Currency": "KES",
    "Invoice Currency": "USD",
    "Exchange Rate": "0.007634",
    "Odometer": "125430",
    "Credit Debit": "D",
    "Refund Flag": "N",
    "Original Transaction ID": "",
    "Invoice Number": "S04500493",
    "Posting Date": "03/05/2024",
}
DELIVERY = {
    "Date": dt.date(2024, 3, 5),
    "Delivery Note No": "DN-10001",
    "Supplier": "Hass Petroleum",
    "Fuel Type": "Diesel",
    "Quantity Delivered": 500,
    "Unit": "L",
    "Tank Level Before (%)": 20,
    "Tank Level After (%)": 80,
    "Run Hours Start": 1200,
    "Run Hours End": 1350,
    "Unit Cost": 1.25,
    "Currency": "USD",
    "Total Cost": 625.0,
    "Remarks": None,
}
METER_READING = {
    "Site Code": "NBO-GIGIRI-B",
    "Country": "KE",
    "Supplier": "Kenya Power",
    "Account Number": "0123456789",
    "Meter ID": "14523678",
    "Period Start": "2024-02-15",
    "Period End": "2024-03-14",
    "Consumption": "15230",
    "Unit": "kWh",
    "Read Type": "ACTUAL",
    "Tariff": "CI1",
    "Amount": "152300.00",
    "Currency": "KES",
    "Renewable %": "",
}
SERVICE = {
    "Site Code": "NBO-HQ",
    "Site Name": "Gigiri",
    "Country": "KE",
    "Equipment ID": "AC-001",
    "Equipment Type": "Split AC",
    "Refrigerant": "R-410A",
    "Nameplate Charge": "2.50",
    "Charge Unit": "kg",
    "Service Date": "2024-03-05",
    "Service Type": "Top-up",
    "Quantity Added": "0.40",
    "Quantity Recovered": "",
    "Quantity Unit": "kg",
    "Leak Check Result": "",
    "Technician": "Peter Mwangi",
    "Certificate No": "F-GAS-123456",
    "Contractor": "CoolTech",
    "Notes": "",
}
PO_LINE = {
    "PRC_BU_NAME": "UNEP Procurement BU",
    "PO_HEADER_ID": "300000123456789",
    "SEGMENT1": "UNEP1-0001234",
    "TYPE_LOOKUP_CODE": "STANDARD",
    "DOCUMENT_STATUS": "OPEN",
    "VENDOR_ID": "300000045678901",
    "VENDOR_NAME": "Acme Solar, S.A.",
    "VENDOR_SITE_CODE": "NAIROBI",
    "SUPPLIER_COUNTRY": "KE",
    "CURRENCY_CODE": "USD",
    "RATE": "",
    "CREATION_DATE": "2024-03-05T14:22:10.000+00:00",
    "APPROVED_DATE": "",
    "PO_LINE_ID": "300000123450001",
    "LINE_NUM": "1",
    "LINE_TYPE": "Goods",
    "ORDER_TYPE_LOOKUP_CODE": "QUANTITY",
    "ITEM_NUMBER": "",
    "ITEM_DESCRIPTION": "Solar PV system 5 kWp, incl. installation",
    "CATEGORY_NAME": "26111600",
    "UOM_CODE": "Ea",
    "QUANTITY": "2",
    "UNIT_PRICE": "4500.00",
    "AMOUNT": "9000.00",
    "QUANTITY_CANCELLED": "0",
    "LINE_STATUS": "OPEN",
    "CANCEL_FLAG": "N",
    "CANCEL_DATE": "",
    "NEED_BY_DATE": "2024-04-01",
    "SHIP_TO_COUNTRY": "KE",
}


def row(example: Row, changes: Row | None = None) -> dict:
    """The example row with `changes` applied; a header the dialect lacks is an error."""
    changes = dict(changes or {})
    unknown = set(changes) - set(example)
    if unknown:
        raise KeyError(f"not a column of this dialect: {sorted(unknown)}")
    return {**example, **changes}


def delimited(rows: Sequence[Row], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """Header line and rows, CRLF, quoting where the value needs it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    header = list(rows[0])
    writer.writerow(header)
    writer.writerows(["" if r[h] is None else r[h] for h in header] for r in rows)
    return buffer.getvalue().encode(encoding)


def fuelcard_csv(rows: Sequence[Row]) -> bytes:
    return delimited([row(FUELCARD, r) for r in rows])


def utility_csv(rows: Sequence[Row]) -> bytes:
    return delimited([row(METER_READING, r) for r in rows])


def refrigerant_csv(rows: Sequence[Row]) -> bytes:
    return delimited([row(SERVICE, r) for r in rows])


def oracle_csv(rows: Sequence[Row]) -> bytes:
    """Fusion variant: UTF-8 with BOM."""
    return b"\xef\xbb\xbf" + delimited([row(PO_LINE, r) for r in rows])


def workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def tmc_workbook(air: Sequence[Row] = (), hotel: Sequence[Row] = (), rail: Sequence[Row] = ()):
    """The agency workbook: title rows 1-4, blank row 5, header in row 6, data from row 7."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, example, rows in (
        ("Air Segments", AIR, air),
        ("Hotel", HOTEL, hotel),
        ("Rail", RAIL, rail),
    ):
        ws = wb.create_sheet(title)
        for text in (
            f"Travel Data Report - {title}",
            "Client: United Nations Environment Programme",
            "Period: 01-Jan-2024 to 31-Mar-2024",
            "Generated: 02-Apr-2024 06:00",
        ):
            ws.append([text])
        ws.append([])
        ws.append(list(example))
        for changes in rows:
            ws.append(list(row(example, changes).values()))
    return workbook_bytes(wb)


def generator_log(rows: Sequence[Row]) -> bytes:
    """One `Log` sheet: office, generator and capacity in rows 1-3, header in row 5, TOTAL."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Log"
    ws["A1"] = "UNEP Nairobi Office"
    ws["A2"] = "Generator ID: GEN-02"
    ws["A3"] = "Capacity: 150 kVA"
    for c, header in enumerate(DELIVERY, start=1):
        ws.cell(5, c, header)
    r = 6
    for changes in rows:
        for c, value in enumerate(row(DELIVERY, changes).values(), start=1):
            ws.cell(r, c, value)
        r += 1
    ws.cell(r, 1, "TOTAL")
    ws.cell(r, 5, f"=SUM(E6:E{r - 1})")
    return workbook_bytes(wb)


def registry_yaml(orgs: Mapping[str, str]) -> str:
    """The organization registry for `code -> name` (docs/contract.md section 1)."""
    entries = [
        {"code": code, "name": name, "country": "KE", "currency": "USD", "headcount": {2024: 100}}
        for code, name in orgs.items()
    ]
    return yaml.safe_dump({"organizations": entries}, allow_unicode=True, sort_keys=False)


def write_landing(landing: Path, orgs: Mapping[str, str], files: Mapping[str, bytes]) -> Path:
    landing.mkdir(parents=True, exist_ok=True)
    (landing / "organizations.yaml").write_text(registry_yaml(orgs), encoding="utf-8")
    for relative, data in files.items():
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return landing


@dataclass
class Run:
    """One `greenblue run` in a subprocess, as the scheduler starts it."""

    root: Path
    landing: Path
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None

    @property
    def served(self) -> Path:
        return self.root / "wh" / "greenblue.duckdb"

    @property
    def log(self) -> str:
        return (self.served.parent / ".work" / "logs" / "last-run.log").read_text()

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "GREENBLUE_LANDING": str(self.landing),
            "GREENBLUE_WAREHOUSE": str(self.served),
            "GREENBLUE_PSEUDONYM_KEY": KEY,
        }

    def command(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """`greenblue <args>` from the repository root, as an operator types it."""
        return subprocess.run(
            [sys.executable, "-m", "pipelines.cli", *args],
            env=env or self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def run(self) -> "Run":
        done = self.command("run")
        self.stdout, self.stderr, self.returncode = done.stdout, done.stderr, done.returncode
        return self

    @property
    def work_db(self) -> Path:
        """The pipeline's working database: raw, staging and intermediate live only here."""
        return self.served.parent / ".work" / self.served.name

    def query(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        """A query on the served file, as an analyst opens it."""
        return query(self.served, sql, params)

    def served_rows(self, org: str) -> dict[str, list[tuple]]:
        """An organization's rows in the served marts (and the sources behind its figures,
        and its registry row), to compare one publication with the next."""
        served = {
            table: self.query(f"select * from marts.{table} where org_code = ? order by all", [org])
            for table in ORG_MARTS
        }
        served["fct_emission_sources"] = self.query(
            "select s.* from marts.fct_emission_sources as s join marts.fct_emissions as e "
            "using (emission_id) where e.org_code = ? order by all",
            [org],
        )
        served["ops.organizations"] = self.query(
            "select * from ops.organizations where org_code = ?", [org]
        )
        return served

    def work_query(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        """A query on the working database (between runs)."""
        return query(self.work_db, sql, params)


def query(path: Path, sql: str, params: Sequence | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params or [])).fetchall()
    finally:
        con.close()
