"""D7 `utility_bill_json`: the utility-data provider's JSON statements and the CSV meter
reading file (docs/dialects.md D7)."""

import json
from collections.abc import Sequence

from samples.utility_bill import CSV_HEADER
from tests.builders.common import Export, Row, delimited, record, row

METER_READING = dict(zip(CSV_HEADER, (
    "NBO-GIGIRI-B", "KE", "Kenya Power", "0123456789", "14523678", "2024-02-15", "2024-03-14",
    "15230", "kWh", "ACTUAL", "CI1", "152300.00", "KES", "",
), strict=True))  # fmt: skip


def utility_csv(rows: Sequence[Row]) -> bytes:
    """The CSV variant: `,`, UTF-8, CRLF; each row is changes to the example reading."""
    return delimited([row(METER_READING, r) for r in rows])


UTILITY_CSV = Export(
    name="utility_bill_csv", dialect="utility_bill_json", domain="energy", suffix=".csv",
    table="utility_bill_meters", header=CSV_HEADER,
    rows=(
        record(METER_READING),
        record(
            METER_READING,
            {
                "Period Start": "2024-03-15",
                "Period End": "2024-04-14",
                "Consumption": "14870",
                "Amount": "148700.00",
            },
        ),
    ),
    key_column="Consumption", date_column="Period Start", text_column="Supplier",
)  # fmt: skip


def utility_document(*periods: tuple[str, str, float], statement: str = "a3f9c2") -> dict:
    """docs/dialects.md D7's example statement, one meter reading per (start, end, kWh)."""
    meters = [
        {
            "meterNumber": "14523678",
            "commodity": "ELECTRIC",
            "tariff": {"code": "CI1", "name": "Commercial & Industrial 1"},
            "periodStart": start,
            "periodEnd": end,
            "readType": "ACTUAL",
            "usages": [
                {"measurementType": "GENERAL_CONSUMPTION", "value": kwh, "unit": "kWh"},
                {"measurementType": "DEMAND", "value": 48.2, "unit": "kW"},
            ],
            "charges": [{"description": "Energy charge", "amount": round(kwh * 10, 2)}],
            "renewablePercent": None,
        }
        for start, end, kwh in periods
    ]
    return {
        "generatedAt": "2024-04-02T06:00:00Z",
        "statements": [
            {
                "statementId": statement,
                "statementType": "BILL",
                "providerName": "Kenya Power",
                "accountNumber": "0123456789",
                "invoiceNumber": f"INV-{statement}",
                "statementDate": periods[-1][1],
                "currency": "KES",
                "totalCharges": round(sum(p[2] for p in periods) * 10, 2),
                "site": {
                    "siteId": "NBO-GIGIRI-B",
                    "name": "UN Gigiri Block B",
                    "city": "Nairobi",
                    "countryCode": "KE",
                },
                "meters": meters,
            }
        ],
    }


UTILITY_JSON = utility_document(("2024-02-15", "2024-03-14", 15230.0))


def json_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
