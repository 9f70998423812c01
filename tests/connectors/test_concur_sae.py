"""`concur_sae_pipe` (docs/dialects.md D3): every quirk read correctly or the file rejected with
a reason; the emission semantics of D3 and factors/METHODOLOGY.md on a real DuckDB built by dbt.

Fixture extracts are written in tmp_path from docs/dialects.md by tests/builders/concur_sae.py.
The real extracts of ../shared/real-exports/concur_sae (Cornell's test fixtures) are read where
present: the Good* files load, the Bad* files are rejected.
"""

import csv
import json
import math
import shutil
from decimal import Decimal
from pathlib import Path

import airportsdata
import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors import concur_sae, dialects
from connectors.base import RejectedFile
from connectors.concur_sae import DIALECT, custom_field_map, read, split_fields
from tests.builders.common import write
from tests.builders.concur_sae import detail, extract, line
from tests.builders.landing import dbt
from tests.builders.tmc_travel import air_row, write_workbook

REAL = Path(__file__).resolve().parents[3] / "shared" / "real-exports" / "concur_sae"
ROOT = Path(__file__).resolve().parents[2]


def load(data: bytes, key: bytes, **options):
    """Read through detection, as the loader does, and check nothing is lost."""
    assert dialects.detect(data, ".txt", "travel") is DIALECT
    (table,) = read(data, ".txt", key, **options)
    assert table.rows_in == table.rows.height + table.quarantine.get_column("source_row").n_unique()
    return table


def column(table, name):
    return table.rows.get_column(name).to_list()


# --- detection and the EXTRACT line ---------------------------------------------------


def test_detected_by_its_extract_line(key):
    data = extract([detail()])
    assert concur_sae.detect(data, ".txt") is None
    assert concur_sae.detect(b"\xef\xbb\xbf" + data, ".txt") is None
    missing = concur_sae.detect(b"Report Key|Entry Key\n1|2\n", ".txt")
    assert "EXTRACT|" in missing and "Report Key" in missing
    with pytest.raises(RejectedFile, match="concur_sae_pipe: the first line"):
        dialects.detect(b"DETAIL|1|2\n", ".txt", "travel")
    with pytest.raises(RejectedFile, match="dropped in fuel/"):
        dialects.detect(data, ".txt", "fuel")


def test_a_clean_line_loads_with_its_positions(key):
    table = load(extract([detail()]), key)
    row = table.rows.row(0, named=True)
    assert row["report_key"] == "5001" and row["entry_key"] == "7001"
    assert row["expense_type_name"] == "Taxi"
    assert row["journal_amount"] == "+42.5000"
    assert row["distance"] == "18" and row["distance_unit"] == "KM"
    assert row["entry_location_country"] == "CH"
    assert row["_source_row"] == 2  # the EXTRACT line is line 1
    assert table.rows_skipped == 1  # the EXTRACT line is structural


@pytest.mark.parametrize(
    ("count", "total", "figures"),
    [
        (3, None, ("3 DETAIL lines totalling 85.0000", "2 DETAIL lines totalling 85.0000")),
        (2, "99.9900", ("2 DETAIL lines totalling 99.9900", "2 DETAIL lines totalling 85.0000")),
    ],
)
def test_count_or_total_mismatch_rejects_with_both_figures(key, count, total, figures):
    data = extract([detail(), detail({3: "2"})], count=count, total=total)
    with pytest.raises(RejectedFile) as err:
        read(data, ".txt", key)
    for figure in figures:
        assert figure in str(err.value)


def test_currency_symbol_in_the_total_is_dropped(key):
    data = extract([detail()], total="¤42.5000")
    assert load(data, key).rows.height == 1
    with pytest.raises(RejectedFile, match="not a number"):
        read(extract([detail()], total="forty-two"), ".txt", key)


def test_malformed_extract_line_is_rejected(key):
    with pytest.raises(RejectedFile, match="EXTRACT line has 4 fields"):
        read(b"EXTRACT|2024-04-02|1|42.5000\n" + line(detail()).encode(), ".txt", key)


# --- fields and quotes -------------------------------------------------------------------


def test_quoted_pipes_stay_in_their_field(key):
    fields = detail({70: "LUFTHANSA|2201234567890 GVA JFK", 162: 'User|"Or"|University'})
    data = extract([line(fields, quote=(70, 162))], total="+42.5000")
    table = load(data, key)
    assert column(table, "vendor_description") == ["LUFTHANSA|2201234567890 GVA JFK"]
    assert column(table, "payer_payment_type_name") == ['User|"Or"|University']


def test_split_fields_follows_concur_quoting():
    assert split_fields('a|"b|c"|d') == ["a", "b|c", "d"]
    assert split_fields('a|"say ""hi"""|') == ["a", 'say "hi"', ""]
    assert split_fields('Inter"national|x') == ['Inter"national', "x"]  # quote inside text
    assert split_fields('""|x') == ["", "x"]
    for broken, reason in (
        ('a|"b|c', "never closed"),
        ('a|"b"c|d', "follows the closing"),
        ('a|WWW."|d', "ends with a double quote"),
    ):
        with pytest.raises(concur_sae.QuoteError, match=reason):
            split_fields(broken)


def test_unbalanced_quote_rejects_the_file_naming_the_line(key):
    good = line(detail())
    broken = line(detail({70: 'TAXI | GENEVE"'}))
    with pytest.raises(RejectedFile, match=r"line 3: field \d+: .*double quote"):
        read(extract([good, broken], total="85.0000"), ".txt", key)


def test_a_line_without_400_fields_is_rejected(key):
    short = line(detail()[:399])
    with pytest.raises(RejectedFile, match="line 2: 399 fields, expected exactly 400"):
        read(extract([short], total="42.5000"), ".txt", key)
    long_ = line(detail({70: "TAXI|GENEVE"}))  # a `|` the export forgot to quote
    with pytest.raises(RejectedFile, match="401 fields"):
        read(extract([long_], total="42.5000"), ".txt", key)


def test_unknown_record_type_and_second_extract_are_rejected(key):
    other = "TRAILER|" + "|".join([""] * 399)
    with pytest.raises(RejectedFile, match="record type 'TRAILER'"):
        read(extract([line(detail()), other], total="42.5000", count=1), ".txt", key)
    twice = extract([line(detail()), "EXTRACT|2024-04-02|1|42.5000|812"], total="42.5", count=1)
    with pytest.raises(RejectedFile, match="second EXTRACT"):
        read(twice, ".txt", key)


# --- encodings, line ends, special characters ----------------------------------------


def test_cp1252_variant(key):
    fields = detail({5: "Müller", 68: "Taxi to the Palais’s gate", 69: "Café Taxi"})
    table = load(extract([fields], encoding="cp1252"), key)
    assert column(table, "entry_description") == ["Taxi to the Palais’s gate"]
    assert column(table, "vendor_name") == ["Café Taxi"]
    assert table.notes["encoding"] == "cp1252"


def test_crlf_line_ends_leave_no_carriage_return(key):
    fields = detail({87: None, 399: "KM"})
    data = extract([fields, detail({3: "2", 87: None, 399: "MI"})], newline="\r\n")
    table = load(data, key, custom_fields={"distance_unit": 399})
    assert column(table, "distance_unit") == ["KM", "MI"]
    assert table.rows_skipped == 1


def test_tabs_and_control_characters_stay_text(key):
    fields = detail({62: "Personal\tCar Mileage", 68: "receipt\x01lost\x1a", 69: "O’Hare Cabs"})
    table = load(extract([fields]), key)
    assert column(table, "expense_type_name") == ["Personal\tCar Mileage"]
    assert column(table, "entry_description") == ["receipt\x01lost\x1a"]
    assert column(table, "vendor_name") == ["O’Hare Cabs"]


def test_blank_lines_are_structural(key):
    data = extract([detail()], trailer="\n\n")
    table = load(data, key)
    assert table.rows_in == 1 and table.rows_skipped == 3


# --- lines quarantined, lines kept ------------------------------------------------------


def test_unreadable_values_quarantine_the_line_with_reasons(key):
    bad_date = detail({3: "2", 63: "2024-13-45"})
    bad_amount = detail({3: "3", 168: "12,50"})
    data = extract([detail(), bad_date, bad_amount], total="85.0000")
    table = load(data, key)
    assert table.rows.height == 1 and table.rows_in == 3
    reasons = dict(
        zip(
            table.quarantine.get_column("source_row"),
            table.quarantine.get_column("reason"),
            strict=True,
        )
    )
    assert "Transaction Date is not a date" in reasons[3]
    assert "Journal Amount is not a number" in reasons[4]


def test_numbers_no_cast_reads_quarantine_the_line(key):
    """Staging reads what the connector lets through: no Arabic-Indic digits, no number of
    more than 15 digits before the point, no sequence number beyond INTEGER."""
    lines = [
        detail({3: "2", 65: "١٫٠"}),
        detail({3: "3", 121: "99999999999999999999999"}),
        detail({3: "99999999999"}),
    ]
    table = load(extract([detail(), *lines]), key)
    assert table.rows.height == 1
    reasons = table.quarantine.sort("source_row").get_column("reason").to_list()
    assert reasons[0] == "Exchange Rate is not a number"
    assert reasons[1].startswith("Transaction Amount has more than 15 digits")
    assert reasons[2] == (
        "Sequence Number is not a whole number from -2,147,483,648 to 2,147,483,647"
    )


def test_a_custom_field_holding_text_keeps_its_line(key):
    """Room nights and distance are numbers in our map; Cornell's configuration puts
    `Employee` at 85. The line loads; its entry is unmapped with that value downstream."""
    table = load(extract([detail({85: "Employee", 86: "N"})]), key)
    assert table.quarantine.height == 0
    assert column(table, "room_nights") == ["Employee"]
    assert column(table, "distance") == ["N"]


def test_negative_credit_lines_and_unknown_payment_codes_load(key):
    debit = detail()
    credit = detail({3: "2", 167: "CR", 168: "-4.2500", 162: "Employee", 164: "Company"})
    copd = detail({3: "3", 60: "7002", 125: "COPD", 126: "Company Paid Direct"})
    table = load(extract([debit, credit, copd]), key)
    assert column(table, "journal_amount") == ["+42.5000", "-4.2500", "+42.5000"]
    assert column(table, "payment_type_code") == ["CASH", "CASH", "COPD"]
    assert table.quarantine.height == 0


def test_cash_advance_lines_without_report_entry_load(key):
    advance = detail({19: None, 60: None, 62: None, 63: None, 176: "550.0000"})
    table = load(extract([advance]), key)
    assert column(table, "report_key") == [None] and table.quarantine.height == 0


# --- personal data ----------------------------------------------------------------------


def test_personal_fields_are_pseudonymised_or_dropped(key, other_key):
    mileage = detail(
        {
            62: "Personal Car Mileage",
            26: "Mission of Jane Otieno",
            263: "jane.otieno@unep.org",
            335: "12 Riverside Drive, Nairobi",
            336: "UN Avenue, Gigiri",
        }
    )
    table = load(extract([mileage]), key)
    names = set(table.rows.columns)
    assert {"employee_id_pseudonym"} <= names
    assert not names & {"employee_id", "last_name", "first_name", "middle_initial"}
    assert not names & {"report_name", "mileage_from", "mileage_to"}
    text = table.rows.write_csv()
    for personal in ("E1002345", "Otieno", "Jane", "Riverside", "Gigiri", "jane.otieno"):
        assert personal not in text
    pseudonym = column(table, "employee_id_pseudonym")[0]
    assert pseudonym.startswith("psn_")
    assert column(load(extract([mileage]), other_key), "employee_id_pseudonym")[0] != pseudonym
    extra = json.loads(column(table, "_extra")[0])
    assert "263" in extra["undeclared_positions"].split(",")  # the position, not the value
    assert extra["custom_field_positions"].startswith("ticket_number=82,routing=83")


def test_a_quarantined_line_shows_no_personal_value(key):
    bad = detail({63: "not a date", 3: "x"})
    table = load(extract([bad]), key)
    assert table.quarantine.height == 2  # the date and the sequence number
    text = table.quarantine.write_csv()
    assert "E1002345" not in text and "Otieno" not in text


# --- custom_field_map -------------------------------------------------------------------


def test_custom_fields_default_to_positions_82_to_87(key):
    airfare = detail(
        {62: "Airfare", 82: "0571234567890", 83: "GVA-FRA-JFK", 84: "BUSIN", 86: None, 87: None}
    )
    hotel = detail({3: "2", 60: "7002", 62: "Hotel", 85: "3", 86: None, 87: None})
    table = load(extract([airfare, hotel]), key)
    assert column(table, "ticket_number") == ["0571234567890", None]
    assert column(table, "routing") == ["GVA-FRA-JFK", None]
    assert column(table, "class_of_service") == ["BUSIN", None]
    assert column(table, "room_nights") == [None, "3"]


def test_custom_field_map_is_configurable(key, monkeypatch):
    fields = detail({82: "Conference Attendee", 91: "0571234567890", 92: "GVA-JFK"})
    table = load(extract([fields]), key, custom_fields={"ticket_number": 91})
    assert column(table, "ticket_number") == ["0571234567890"]
    monkeypatch.setenv(concur_sae.CUSTOM_FIELDS_ENV, "routing=92, ticket_number=91")
    table = load(extract([fields]), key)
    assert column(table, "routing") == ["GVA-JFK"]
    assert json.loads(column(table, "_extra")[0])["custom_field_positions"].startswith(
        "ticket_number=91,routing=92"
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("routing", "is not <name>=<position>"),
        ("tikcet_number=91", "unknown field"),
        ("routing=400", "1..399"),
        ("routing=82", "share a position"),
    ],
)
def test_a_wrong_custom_field_setting_is_an_error(setting, message):
    with pytest.raises(ValueError, match=message) as err:
        custom_field_map(env={concur_sae.CUSTOM_FIELDS_ENV: setting})
    assert concur_sae.CUSTOM_FIELDS_ENV in str(err.value)


def test_custom_positions_holding_other_data_still_load(key):
    other = detail({82: "Fundraising", 83: "Federal Allowable", 84: "International Travel"})
    table = load(extract([other]), key)
    assert table.quarantine.height == 0
    assert column(table, "routing") == ["Federal Allowable"]


# --- property: nothing lost -------------------------------------------------------------


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["2024-03-11", "2024-02-30", "", "11/03/2024"]),
            st.sampled_from(["+42.5000", "-3.0000", "12,5", "abc", "+0.0000"]),
            st.sampled_from(["N", "Y", "", "maybe"]),
            st.text(alphabet='ab|"\t’', max_size=6),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_every_line_is_loaded_or_quarantined(key, rows):
    lines = [
        line(detail({3: str(i), 63: day, 168: amount, 67: personal, 68: text}), quote=(68,))
        for i, (day, amount, personal, text) in enumerate(rows, 1)
    ]
    total = sum(
        (Decimal(a) for _, a, _, _ in rows if concur_sae.amount(a) is not None), start=Decimal(0)
    )
    table = load(extract(lines, total=f"{total:.4f}"), key)
    assert table.rows_in == len(rows)
    quarantined = set(table.quarantine.get_column("source_row"))
    loaded = set(column(table, "_source_row"))
    assert quarantined | loaded == set(range(2, len(rows) + 2)) and not quarantined & loaded


# --- the real extracts ------------------------------------------------------------------

needs_real = pytest.mark.skipif(not REAL.exists(), reason="../shared/real-exports is absent")


def real(name: str) -> bytes:
    return next(REAL.rglob(name)).read_bytes()


@needs_real
@pytest.mark.parametrize(
    "name",
    [
        "extract_CES_SAE_v3_testGoodFile.txt",
        "extract_CES_SAE_v3_testGoodQuoteFile.txt",
        "extract_CES_SAE_v3_testGoodInCellQuoteFile.txt",
        "extract_CES_SAE_v3_testGoodFileWithCorrectableQuotes.txt",
        "extract_CES_SAE_v3_testGoodFileWithSpecialChars.txt",
        "ConcurStandardAccountingExtract.txt",
    ],
)
def test_real_good_files_load_whole(key, name):
    data = real(name)
    count = int(data.split(b"|")[2])
    table = load(data, key)
    assert table.rows.height == count and table.quarantine.height == 0
    text = table.rows.write_csv()
    for personal in ("Doe", "John", "1111111", "someplace.edu", "cornell.edu", "Main St"):
        assert personal not in text


@needs_real
def test_real_quoted_values(key):
    quote = load(real("extract_CES_SAE_v3_testGoodQuoteFile.txt"), key)
    assert column(quote, "payer_payment_type_name")[1] == "User|Or|University"
    assert column(quote, "vendor_description")[2] == (
        "BLACKLANE GHIJ | FEURIGSTRAE 55 | 13579 BERLIN | WWW."
    )
    in_cell = load(real("extract_CES_SAE_v3_testGoodInCellQuoteFile.txt"), key)
    assert column(in_cell, "payer_payment_type_name")[1] == 'User|"Or"|University'
    assert column(in_cell, "report_id")[2] == 'ABCDEFGH"IJ1234567890'
    correctable = load(real("extract_CES_SAE_v3_testGoodFileWithCorrectableQuotes.txt"), key)
    assert column(correctable, "batch_date")[1] == "2019-02-01"
    assert column(correctable, "home_country_name")[2] == 'UNITED"""STATES'


@needs_real
def test_real_special_characters(key):
    table = load(real("extract_CES_SAE_v3_testGoodFileWithSpecialChars.txt"), key)  # ¤ total
    assert column(table, "expense_type_name")[0] == "Personal\tCar Mileage"
    assert column(table, "home_country_name")[0] == "UNITED\tSTATES"
    assert column(table, "employee_group")[0] == "Cornñell"


@needs_real
def test_real_cash_advance_lines_are_kept(key):
    table = load(real("ConcurStandardAccountingExtract.txt"), key)
    advances = table.rows.filter(pl.col("report_key").is_null())
    assert advances.height == 15
    assert set(column(table, "payment_type_code")) >= {"CASH", "COPD"}


@needs_real
@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("extract_CES_SAE_v3_testBadQuoteFile.txt", "line 4: field 73"),
        ("extract_CES_SAE_v3_testBadQuoteFile2.txt", "line 3: field 4"),
    ],
)
def test_real_bad_files_are_rejected_with_the_line(key, name, where):
    with pytest.raises(RejectedFile) as err:
        read(real(name), ".txt", key)
    assert where in str(err.value) and "double quote" in str(err.value)


# --- emission semantics on a real DuckDB (loaders + dbt) ---------------------------------

REPORT = {19: "5001", 18: "R7Q2ZPLM4XK8CV1B9NWT"}


def entry(entry_key: str, **changes) -> dict:
    """Positions of one entry of report 5001, with D3 names for the common changes."""
    names = {
        "type": 62,
        "ticket": 82,
        "routing": 83,
        "cls": 84,
        "nights": 85,
        "distance": 86,
        "unit": 87,
        "country": 338,
        "subdivision": 339,
        "vendor": 70,
        "amount": 168,
        "dc": 167,
        "personal": 67,
        "report": 19,
        "pct": 189,
        "spent": 121,
    }
    values = {60: entry_key, 86: None, 87: None, **REPORT}
    values.update({names[k]: v for k, v in changes.items()})
    return values


def lines_of(*entries: dict) -> list[list[str]]:
    return [detail({3: str(i), 169: str(900000 + i), **e}) for i, e in enumerate(entries, 1)]


AGENCY_TICKET = "724-2201234567"  # tests/builders/tmc_travel.py's example SALE, NBO -> ZRH

APRIL = lines_of(
    # 7001 taxi: two allocations and a credit line, one activity of 18 km
    entry("7001", distance="18", unit="KM", amount="+25.5000", pct="60.0000"),
    entry("7001", distance="18", unit="KM", amount="+17.0000", pct="40.0000"),
    entry("7001", distance="18", unit="KM", amount="-4.2500", dc="CR"),
    entry("7002", type="Train", distance="100", unit="MI"),
    entry("7003", type="Airfare", ticket=AGENCY_TICKET.replace("-", ""), routing="NBO-ZRH"),
    entry("7004", type="Airfare", ticket="057-1234567890", routing="GVA-FRA-JFK", cls="BUSIN"),
    entry(
        "7004",
        type="Airfare",
        ticket="057-1234567890",
        routing="GVA-FRA-JFK",
        cls="BUSIN",
        amount="-45.0000",
        dc="CR",
        personal="Y",
    ),
    entry("7005", type="Hotel", nights="3", country="FR"),
    entry("7005", type="Hotel Tax", nights="3", country="FR", amount="+9.0000"),
    entry("7006", type="Hotel", nights="2", country="GB", subdivision="GB-LND"),
    entry("7007", type="Lunch"),
    entry("7008", type="Car Rental"),
    entry("7009", type="Personal\tCar Mileage", distance="50", unit="KM"),
    entry("7010", type="Taxi", distance="9", unit="KM", personal="Y"),
    entry("7011", type="Hotel Tax"),
    entry("7012", type="Airfare", vendor="LUFTHANSA 2201111111111 GVA JFK"),
    entry("7013", type="Airfare", ticket="0571234567890", routing="GVA-FRA-JFK", cls="COACH"),
    entry("7014", distance="18", unit="KM", amount="-18.0000", dc="CR", spent="-18.0000"),
    entry("7101", report="5002", distance="10", unit="KM"),
    {19: None, 60: None, 62: None, 63: None},  # a cash advance line
)
MAY = [
    [*fields[:1], "813", "2024-05-02", *fields[3:]]  # the batch fields of May's batch
    for fields in lines_of(entry("7101", report="5002", distance="10", unit="KM"))
]

REGISTRY = """organizations:
  - code: UNEP
    name: United Nations Environment Programme
    country: KE
    currency: USD
    headcount: {2024: 1302}
"""


def build_warehouse(landing: Path, base: Path) -> Path:
    """Load `landing` with the real Dagster assets (landing, raw, factors, reference data)
    and build the marts and their tests with dbt; returns the working database."""
    import dagster as dg

    from pipelines import assets
    from pipelines.resources import GreenblueResource

    served = base / "served" / "greenblue.duckdb"
    db = served.parent / ".work" / served.name
    loaders = [a for a in vars(assets).values() if isinstance(a, dg.AssetsDefinition)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GREENBLUE_LANDING", str(landing))
        patch.setenv("GREENBLUE_WAREHOUSE", str(served))
        patch.setenv("GREENBLUE_PSEUDONYM_KEY", "test-key")
        result = dg.materialize(
            [*loaders, *assets.RAW_ASSETS], resources={"greenblue": GreenblueResource()}
        )
    assert result.success
    done = dbt(
        db, base, "build",
        "--select", "+fct_emission_sources +org_emissions_annual",
        "--indirect-selection", "cautious",
        timeout=600,
    )  # fmt: skip
    shutil.rmtree(base / "target", ignore_errors=True)
    assert done.returncode == 0, done.stdout[-4000:]
    return db


@pytest.fixture(scope="module")
def warehouse_db(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """A landing folder with an agency workbook and two Concur batches (May re-extracts
    report 5002; a copy of May under another name), built into a temporary database."""
    base = tmp_path_factory.mktemp("concur")
    landing = base / "landing"
    travel = landing / "UNEP" / "travel"
    travel.mkdir(parents=True)
    (landing / "organizations.yaml").write_text(REGISTRY, encoding="utf-8")
    write_workbook(travel / "BCDTravel_UNEP_TravelData_202403.xlsx", {"Air Segments": [air_row()]})
    write(travel / "extract_CES_SAE_v3_p0001_20240402020000.txt", extract(APRIL))
    may = extract(MAY, batch_date="2024-05-02", batch_id="813", newline="\r\n")
    write(travel / "extract_CES_SAE_v3_p0001_20240502020000.txt", may)
    write(travel / "extract_CES_SAE_v3_p0001_20240502020000_resent.txt", may)
    con = duckdb.connect(str(build_warehouse(landing, base)), read_only=True)
    yield con
    con.close()


def fates(con) -> dict[str, tuple]:
    return {
        k: (fate, issue)
        for k, fate, issue in con.execute(
            "select entry_key, fate, activity_issue from intermediate.int_concur_sae_entries"
        ).fetchall()
    }


def expense_emissions(con) -> list[tuple]:
    return con.execute(
        """
        select e.entry_key, f.activity_type, f.quantity, f.unit, f.factor_id, f.factor_status,
               f.boundary, f.kg_co2e, f.unmapped_reason, f.emission_id
        from marts.fct_emissions f
        join (select entry_id, entry_id as emission_id from intermediate.int_concur_sae_entries
              union all select entry_id, leg_key from intermediate.int_concur_sae_air_legs) k
          on k.emission_id = f.emission_id
        join intermediate.int_concur_sae_entries e on e.entry_id = k.entry_id
        where f.source_table = 'concur_sae_detail'
        order by e.entry_key, f.emission_id
        """
    ).fetchall()


slow = pytest.mark.slow


def haversine_km(origin: str, destination: str) -> float:
    """factors/METHODOLOGY.md section 3.1, computed here independently of the pipeline."""
    a, b = (airportsdata.load("IATA")[code] for code in (origin, destination))
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@slow
def test_each_entry_counts_once_whatever_its_lines(warehouse_db):
    rows = [r for r in expense_emissions(warehouse_db) if r[0] == "7001"]
    assert len(rows) == 1
    assert rows[0][1:5] == ("taxi", 18.0, "km", "taxi.regular@km")
    sources = warehouse_db.execute(
        "select contribution, quantity_signed from marts.fct_emission_sources "
        "where emission_id = ? order by source_row",
        [rows[0][9]],
    ).fetchall()
    assert sources == [("activity", 18.0), ("journal_line", 0.0), ("journal_line", 0.0)]


@slow
def test_personal_lines_and_entries_count_nothing(warehouse_db):
    assert fates(warehouse_db)["7010"][0] == "personal"
    legs = [r for r in expense_emissions(warehouse_db) if r[0] == "7004"]
    contributions = warehouse_db.execute(
        "select contribution from marts.fct_emission_sources where emission_id = ? "
        "order by source_row",
        [legs[0][9]],
    ).fetchall()
    assert contributions == [("activity",), ("personal_line",)]


@slow
def test_a_reextracted_report_and_a_resent_batch_count_once(warehouse_db):
    rows = [r for r in expense_emissions(warehouse_db) if r[0] == "7101"]
    assert len(rows) == 1 and rows[0][2] == 10.0
    kept = warehouse_db.execute(
        "select m.relative_path from marts.fct_emissions f join ops.file_manifest m "
        "on m.file_id = f.source_file_id where f.emission_id = ?",
        [rows[0][9]],
    ).fetchall()
    assert kept == [("UNEP/travel/extract_CES_SAE_v3_p0001_20240502020000.txt",)]
    line_fates = dict(
        warehouse_db.execute(
            "select fate, count(*) from intermediate.int_concur_sae_line_fates group by 1"
        ).fetchall()
    )
    assert line_fates["reextracted"] == 1 and line_fates["not_an_entry"] == 1
    status = warehouse_db.execute(
        "select status from ops.file_manifest where relative_path like '%_resent.txt'"
    ).fetchall()
    assert status == [("duplicate",)]


@slow
def test_an_agency_ticket_counts_from_the_agency_only(warehouse_db):
    assert fates(warehouse_db)["7003"][0] == "agency_ticket"
    assert not [r for r in expense_emissions(warehouse_db) if r[0] == "7003"]
    agency = warehouse_db.execute(
        "select count(*) from marts.fct_emissions where source_table = 'tmc_air_segments'"
    ).fetchall()
    assert agency == [(1,)]


@slow
def test_routing_gives_legs_with_the_entry_class(warehouse_db):
    legs = warehouse_db.execute(
        """
        select l.origin_airport_code, l.destination_airport_code, c.cabin, c.haul_band,
               f.quantity, f.factor_id, f.kg_co2e_with_rf is not null, f.data_quality
        from intermediate.int_concur_sae_air_legs l
        join intermediate.int_air_segments_classified c on c.source_row_key = l.leg_key
        join marts.fct_emissions f on f.emission_id = l.leg_key
        where l.entry_key in ('7004', '7012') order by l.entry_key, l.leg_no
        """
    ).fetchall()
    assert [leg[:3] for leg in legs] == [
        ("GVA", "FRA", "business"),
        ("FRA", "JFK", "business"),
        ("GVA", "JFK", "average"),  # from the vendor description: one leg, class unknown
    ]
    assert all(leg[3] == "international_non_uk" and leg[6] for leg in legs)
    assert legs[0][5] == "air.international_non_uk.business.without_rf@passenger.km"
    assert legs[1][4] == pytest.approx(haversine_km("FRA", "JFK"), rel=1e-9)
    assert [leg[7] for leg in legs] == [2, 2, 3]


@slow
def test_distances_nights_and_missing_quantities(warehouse_db):
    by_entry = {r[0]: r for r in expense_emissions(warehouse_db)}
    assert by_entry["7002"][1:5] == ("rail", 160.9344, "passenger.km", "rail.national@passenger.km")
    assert by_entry["7009"][1:5] == ("car", 50.0, "km", "car.average.unknown@km")
    assert by_entry["7005"][1:7] == (
        "hotel",
        3.0,
        "room.night",
        "hotel.FR@room.night",
        "mapped",
        "optional",
    )
    assert by_entry["7006"][4] == "hotel.GB-LND@room.night"
    car = by_entry["7008"]
    assert car[5] == "unmapped" and car[7] is None
    assert car[8] == "no distance for Car Rental entry (custom field distance empty)"


@slow
def test_a_ticket_expensed_twice_counts_once_and_a_refund_counts_nothing(warehouse_db):
    entry_fates = fates(warehouse_db)
    assert entry_fates["7013"][0] == "duplicate_ticket"  # 7004 claims ticket 057-1234567890
    assert entry_fates["7014"][0] == "credit"
    legs = [r for r in expense_emissions(warehouse_db) if r[0] in ("7004", "7013")]
    assert [r[0] for r in legs] == ["7004", "7004"]


@slow
def test_meals_and_hotel_tax_are_counted_as_non_emitting(warehouse_db):
    entry_fates = fates(warehouse_db)
    assert entry_fates["7007"][0] == entry_fates["7011"][0] == "non_emitting"
    counted = {r[0] for r in expense_emissions(warehouse_db)}
    assert not counted & {"7007", "7010", "7011"}
    assert counted == {"7001", "7002", "7004", "7005", "7006", "7008", "7009", "7012", "7101"}


@slow
def test_every_kg_is_quantity_times_its_factor(warehouse_db):
    rows = warehouse_db.execute(
        "select f.quantity, x.kg_co2e_per_unit, f.kg_co2e from marts.fct_emissions f "
        "join factors.emission_factors x on x.factor_id = f.factor_id "
        "and x.factor_version = f.factor_version where f.factor_status = 'mapped'"
    ).fetchall()
    assert len(rows) >= 10
    for quantity, factor, kg in rows:
        assert kg == pytest.approx(quantity * factor, rel=1e-9)


@slow
def test_no_personal_value_reaches_the_warehouse(warehouse_db):
    raw = warehouse_db.execute("select * from raw.concur_sae_detail").fetchall()
    text = repr(raw)
    for personal in ("E1002345", "Otieno", "Mission Geneva March"):
        assert personal not in text


# --- generated data: every entry counts as the generator's simulation says ---------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """Two organisations' agency files and Concur extracts with every D3 quirk raised (the
    generator's other domains are removed: they are not under test here)."""
    from samples import generate
    from samples.concur_sae import QUIRKS as D3_QUIRKS

    base = tmp_path_factory.mktemp("generated")
    raised = {name: max(p, 0.3) for name, p in D3_QUIRKS.items()}
    generate(base / "landing", orgs=2, rows=250, seed=17, truth=base / "truth", quirks=raised)
    for folder in (base / "landing").glob("*/*"):
        if folder.is_dir() and folder.name != "travel":  # other domains are not under test
            shutil.rmtree(folder)
    con = duckdb.connect(str(build_warehouse(base / "landing", base)), read_only=True)
    yield con, base / "truth"
    con.close()


@slow
def test_generated_extracts_load_whole(generated):
    con, _ = generated
    files = con.execute(
        "select status, rows_in, rows_loaded, rows_quarantined from ops.file_manifest "
        "where dialect = 'concur_sae_pipe'"
    ).fetchall()
    assert len(files) >= 24 and {f[0] for f in files} <= {"loaded", "duplicate"}
    for status, rows_in, loaded, quarantined in files:
        if status == "loaded":
            assert rows_in == loaded and quarantined == 0


@slow
def test_generated_entries_count_as_simulated(generated):
    """Each entry of the truth (re-extracted copies once) has the fate, quantity, legs
    and cabin the simulation gave it."""
    con, truth_dir = generated
    truth = {}
    for path in truth_dir.rglob("*.txt.csv"):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                truth[(row["org"], row["report_key"], row["entry_key"])] = row
    found = {
        (r[0], r[1], r[2]): r[3:]
        for r in con.execute(
            """
            select e.org_code, e.report_key, e.entry_key, e.fate, e.activity_issue,
                   coalesce(a.quantity, l.km), l.legs, l.cabins
            from intermediate.int_concur_sae_entries e
            left join intermediate.int_concur_sae_activities a on a.source_row_key = e.entry_id
            left join (
                select g.entry_id, sum(r.distance_km) as km,
                    string_agg(g.origin_airport_code || '-' || g.destination_airport_code, ';'
                        order by g.leg_no) as legs,
                    string_agg(distinct c.cabin, ',') as cabins
                from intermediate.int_concur_sae_air_legs g
                join intermediate.int_air_segment_routes r on r.source_row_key = g.leg_key
                join intermediate.int_air_segments_classified c on c.source_row_key = g.leg_key
                group by g.entry_id
            ) l on l.entry_id = e.entry_id
            """
        ).fetchall()
    }
    assert set(found) == set(truth) and len(truth) > 200
    outcomes = {row["expected"] for row in truth.values()}
    assert outcomes == {"activity", "agency_ticket", "non_emitting", "personal", "unmapped"}
    for key, row in truth.items():
        fate, issue, quantity, legs, cabins = found[key]
        if row["expected"] == "activity":
            assert (fate, issue) == ("activity", None), (key, row, found[key])
            assert quantity == pytest.approx(float(row["quantity"]), rel=1e-9), key
            if row["legs"]:
                assert (legs, cabins) == (row["legs"], row["cabin"]), key
        elif row["expected"] == "unmapped":
            assert fate == "activity" and issue, key
        else:
            assert fate == row["expected"], key
