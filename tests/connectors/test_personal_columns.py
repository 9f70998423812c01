"""Personal data in columns no dialect declares (docs/contract.md section 3.6): pseudonymised or
dropped, never kept in clear in `_extra`.

The rules of `connectors/personal_columns.py` are tested as a table (headers in five
languages, and headers that name things), then applied to a file of every dialect written by
the fault matrix's builders (`tests/builders/`): the personal values appear
nowhere in the loaded rows, `_extra` included, and the other extra columns are kept as before.
"""

import json
import re

import pytest

from connectors import dialects
from connectors.personal_columns import classify, words
from connectors.pseudonym import PREFIX, pseudonym
from connectors.validate import TableResult
from tests.builders.common import Export, read, read_export
from tests.builders.concur_sae import DEFAULTS as CONCUR_DEFAULTS
from tests.builders.concur_sae import concur_bytes, concur_detail
from tests.builders.exports import TABULAR
from tests.builders.utility_bill import UTILITY_JSON, json_bytes

# --- the rules, as a table ------------------------------------------------------------------

PERSONAL_HEADERS = {
    # English
    "Traveller Email": ("e-mail", "pseudonymise"),
    "E-mail": ("e-mail", "pseudonymise"),
    "Passenger Home Address": ("address", "drop"),
    "Street": ("address", "drop"),
    "Postcode": ("address", "drop"),
    "ZIP": ("address", "drop"),
    "Mobile Phone": ("phone", "pseudonymise"),
    "Tel.": ("phone", "pseudonymise"),
    "Passport Number": ("passport", "pseudonymise"),
    "Date of Birth": ("date of birth", "drop"),
    "DOB": ("date of birth", "drop"),
    "National ID": ("identity document", "pseudonymise"),
    "Employee No": ("person's id", "pseudonymise"),
    "Driver Name": ("name", "pseudonymise"),
    "Name": ("name", "pseudonymise"),
    "Full Name": ("name", "pseudonymise"),
    "First Name": ("name", "pseudonymise"),
    "Last Name": ("name", "pseudonymise"),
    "Requester": ("person", "pseudonymise"),
    "Booked By": ("person", "pseudonymise"),
    # French
    "Nom": ("name", "pseudonymise"),
    "Prénom": ("name", "pseudonymise"),
    "Nom de famille": ("name", "pseudonymise"),
    "Nom du voyageur": ("name", "pseudonymise"),
    "Courriel": ("e-mail", "pseudonymise"),
    "Adresse": ("address", "drop"),
    "Téléphone": ("phone", "pseudonymise"),
    "Date de naissance": ("date of birth", "drop"),
    "N° de passeport": ("passport", "pseudonymise"),
    # Spanish
    "Nombre": ("name", "pseudonymise"),
    "Apellido": ("name", "pseudonymise"),
    "Nombre del pasajero": ("name", "pseudonymise"),
    "Correo electrónico": ("e-mail", "pseudonymise"),
    "Dirección": ("address", "drop"),
    "Teléfono": ("phone", "pseudonymise"),
    "Pasaporte": ("passport", "pseudonymise"),
    "Fecha de nacimiento": ("date of birth", "drop"),
    # German
    "Vorname": ("name", "pseudonymise"),
    "Nachname": ("name", "pseudonymise"),
    "Fahrername": ("name", "pseudonymise"),
    "Name des Reisenden": ("name", "pseudonymise"),
    "Anschrift": ("address", "drop"),
    "Straße": ("address", "drop"),
    "Telefon": ("phone", "pseudonymise"),
    "Telefonnummer": ("phone", "pseudonymise"),
    "E-Mail-Adresse": ("e-mail", "pseudonymise"),
    "Geburtsdatum": ("date of birth", "drop"),
    "Reisepass": ("passport", "pseudonymise"),
    "Personalnummer": ("identity document", "pseudonymise"),
    "Ansprechpartner": ("person", "pseudonymise"),
    # Portuguese
    "Nome do passageiro": ("name", "pseudonymise"),
    "E-mail do viajante": ("e-mail", "pseudonymise"),
    "Endereço": ("address", "drop"),
    "Telefone": ("phone", "pseudonymise"),
    "Passaporte": ("passport", "pseudonymise"),
    "Data de nascimento": ("date of birth", "drop"),
    # JSON keys, flattened by the utility connector
    "statement.contact.email": ("e-mail", "pseudonymise"),
    "statement.contact.name": ("name", "pseudonymise"),
    "statement.contact": ("person", "pseudonymise"),
    "site.managerPhone": ("phone", "pseudonymise"),
}

# Names of things, and columns that only sound close to a personal word.
NOT_PERSONAL = (
    "Hotel Name", "Vendor Name", "Site Name", "Cost Centre Name", "Project Name",
    "Rail Carrier", "Product Name", "Tariff Name", "Payment Type Name", "Home Country Name",
    "Nom de l'hôtel", "Nombre de noches", "Nombre del proyecto", "Firmenname", "Hotelname",
    "Nome do projeto", "Filename", "Ticket Number", "Account Number", "Passenger Count",
    "Employee Status", "Approver Comment", "Booking Agent", "Mobile Equipment",
    "Remarks", "Delivery Note No", "Contractor", "Economy Fare", "Nominal Amount",
    "statement.contractId", "meter.multiplier", "site.region", "site.name",
)  # fmt: skip

# Set by the fuel-card connector itself (whether the card number reads), never exported.
CONNECTOR_COLUMNS = {"Card Number Check"}


@pytest.mark.parametrize(("header", "expected"), PERSONAL_HEADERS.items())
def test_a_personal_header_in_any_of_five_languages_is_recognised(header, expected):
    rule = classify(header)
    assert rule is not None, f"{header!r} ({words(header)!r}) is not recognised"
    assert (rule.kind, rule.treatment) == expected


@pytest.mark.parametrize("header", NOT_PERSONAL)
def test_a_header_naming_a_thing_is_not_personal(header):
    rule = classify(header)
    assert rule is None, f"{header!r} taken for {rule.kind}"


def test_no_declared_column_of_any_dialect_is_taken_for_personal_unless_declared_so():
    """The rules meet every header and alias the dialects read: a rule catching one of the
    non-personal ones would catch it in an export that carries it as an extra column too."""
    caught = [
        (dialect.name, header, rule.kind)
        for dialect in dialects.DIALECTS.values()
        for table in dialect.tables
        for column in table.columns
        if not column.personal and column.header not in CONNECTOR_COLUMNS
        for header in (column.header, *column.aliases)
        if (rule := classify(header)) is not None
    ]
    assert not caught


def test_the_declared_people_columns_are_personal_by_the_rules_too():
    for header in ("Traveller Name", "Employee ID", "Driver Name", "Technician", "Card Number",
                   "Last Name", "First Name", "Middle Initial"):  # fmt: skip
        assert classify(header) is not None, header


# --- every dialect --------------------------------------------------------------------------

# Extra columns an export may carry beyond its dialect: header -> the value on each row.
PERSONAL = {
    "Traveller Email": ("jane.otieno@un.org", "peter.mwangi@unep.org"),
    "Passenger Home Address": ("12 Riverside Drive, Nairobi", "4 Rue du Rhône, Genève"),
    "Teléfono": ("+254 722 555 0101", "+41 22 555 0199"),
    "Nom du voyageur": ("Wanjiru Kamau", "Lucía Fernández"),
    "Geburtsdatum": ("17.05.1980", "02.11.1975"),
    "Reisepass": ("C01X00T47", "X7654321"),
}
DROPPED = {"Passenger Home Address", "Geburtsdatum"}
KEPT = {"Hotel Name": ("Crowne Plaza", "Ibis Centre"), "Project Name": ("Gigiri", "Kisumu")}

OFFSETS = Export(
    name="offsets_register_csv",
    dialect="offsets_register_csv",
    domain="offsets",
    suffix=".csv",
    header=(
        "project", "project_id", "standard", "registry", "vintage", "serial_prefix",
        "serial_start", "serial_end", "tonnes", "price_usd", "purchase_date", "reporting_year",
        "retirement_date", "note",
    ),
    rows=(
        ("Kariba REDD+", "VCS-902", "VCS", "Verra", "2021", "VCS-902-2024", "1000", "1099",
         "100", "850.00", "2025-02-03", "2024", "", ""),
        ("Kasigau Corridor", "VCS-612", "VCS", "Verra", "2022", "VCS-612-2024", "5000", "5049",
         "50", "600.00", "2025-02-10", "2024", "", ""),
    ),
    table="offsets_register",
)  # fmt: skip
LFA1 = Export(
    name="sap_lfa1_vendors",
    dialect="sap_me2n_csv",
    domain="procurement",
    suffix=".csv",
    header=("Kreditor", "Land", "Name 1", "Ort"),
    rows=(
        ("0000100123", "KE", "Acme Logistics Ltd", "Nairobi"),
        ("0000200456", "DE", "Nairobi Office Supplies", "Hamburg"),
    ),
    table="sap_lfa1_vendors",
    delimiter=";",
    encoding="cp1252",
)
EXPORTS = (*TABULAR, OFFSETS, LFA1)


def with_extras(export: Export) -> Export:
    for header, values in {**PERSONAL, **KEPT}.items():
        export = export.with_column(header, values)
    return export


def texts(table: TableResult) -> list[str]:
    """Every text the connector would store: loaded cells, `_extra` keys and values decoded
    (JSON may escape `è` as `\\u00e8`), and the quarantine."""
    out = []
    for name in table.rows.columns:
        values = [v for v in table.rows.get_column(name).to_list() if v is not None]
        if name == "_extra":
            for extra in map(json.loads, values):
                out += [*extra, *(str(v) for v in extra.values())]
        else:
            out += [str(v) for v in values]
    out += [str(v) for row in table.quarantine.iter_rows() for v in row if v is not None]
    return out


def assert_no_personal_value(table: TableResult, values: list[str]) -> None:
    stored = texts(table)
    leaks = sorted({v for v in values for text in stored if v in text})
    assert not leaks, f"{table.table.name}: stored in clear: {leaks}"


def extras(table: TableResult) -> list[dict]:
    return [json.loads(e) for e in table.rows.get_column("_extra").to_list()]


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: e.name)
def test_personal_extra_columns_are_pseudonymised_or_dropped_in_every_tabular_export(export):
    drifted = with_extras(export)

    table = read_export(drifted)

    assert table.quarantine.is_empty()
    assert table.rows.drop("_extra").equals(read_export(export).rows.drop("_extra"))
    assert_no_personal_value(table, [v for values in PERSONAL.values() for v in values])
    for row, extra in enumerate(extras(table)):
        assert {h: extra[h] for h in KEPT} == {h: values[row] for h, values in KEPT.items()}
        assert not DROPPED & set(extra)
        for header in set(PERSONAL) - DROPPED:
            assert extra[header] == pseudonym(b"reliability-pseudonym-key", PERSONAL[header][row])
    notes = table.notes["personal_extra_columns"]
    assert set(notes) == set(PERSONAL)
    assert notes["Traveller Email"] == "pseudonymised (e-mail)"
    assert notes["Passenger Home Address"] == "dropped (address)"


def test_personal_keys_of_a_utility_statement_are_pseudonymised_or_dropped():
    document = json.loads(json_bytes(UTILITY_JSON))
    statement = document["statements"][0]
    statement["contractId"] = "C-17"
    statement["contact"] = {
        "name": "Wanjiru Kamau",
        "email": "w.kamau@un.org",
        "homeAddress": "12 Riverside Drive, Nairobi",
    }
    statement["site"]["managerPhone"] = "+254 722 555 0101"
    statement["meters"][0]["multiplier"] = 40

    (table,) = read(json_bytes(document), ".json", "energy").tables

    assert table.quarantine.is_empty()
    assert_no_personal_value(
        table, ["Wanjiru Kamau", "w.kamau@un.org", "Riverside Drive", "+254 722 555 0101"]
    )
    (extra,) = extras(table)
    assert extra["statement.contractId"] == "C-17" and extra["meter.multiplier"] == "40"
    assert extra["statement.contact.email"].startswith(PREFIX)
    assert extra["statement.contact.name"].startswith(PREFIX)
    assert extra["site.managerPhone"].startswith(PREFIX)
    assert "statement.contact.homeAddress" not in extra
    assert table.notes["personal_extra_columns"]["statement.contact.homeAddress"] == (
        "dropped (address)"
    )


def test_values_at_positions_a_concur_extract_does_not_declare_never_reach_raw():
    """Concur has no header to judge: only the numbers of undeclared positions are kept."""
    e_mail = "jane.otieno@un.org"
    data = concur_bytes([concur_detail(1, p263=e_mail, p264=e_mail), concur_detail(2)])

    (table,) = read(data, ".txt", "travel").tables

    assert_no_personal_value(table, [e_mail, CONCUR_DEFAULTS[5], CONCUR_DEFAULTS[6]])
    assert extras(table)[0]["undeclared_positions"] == "263,264"


def test_every_dialect_is_fed_personal_extra_columns():
    covered = {e.dialect for e in EXPORTS} | {"utility_bill_json", "concur_sae_pipe"}
    assert covered == set(dialects.DIALECTS)
    tables = {e.table for e in EXPORTS}
    assert {"sap_me2n_items", "sap_lfa1_vendors", "tmc_air_segments"} <= tables


def test_the_same_address_is_the_same_pseudonym_in_every_file():
    """Per-person counts stay possible: an e-mail address has one pseudonym in every export."""
    found = {
        extras(read_export(with_extras(export)))[0]["Traveller Email"]
        for export in (EXPORTS[0], EXPORTS[2], OFFSETS)
    }
    assert len(found) == 1 and re.fullmatch(rf"{PREFIX}[0-9a-f]{{20}}", found.pop())


def test_a_personal_extra_column_repeated_in_a_file_is_treated_each_time():
    export = with_extras(TABULAR[0]).with_column(
        "Traveller Email", ("second.address@un.org", "other@un.org")
    )

    table = read_export(export)

    assert_no_personal_value(table, ["jane.otieno@un.org", "second.address@un.org"])
    repeated = [h for h in extras(table)[0] if h.startswith("Traveller Email")]
    assert len(repeated) == 2
    assert all(extras(table)[0][h].startswith(PREFIX) for h in repeated)
