"""`sap_me2n_csv` (docs/dialects.md D1): every variant and quirk read correctly, or quarantined.

Fixture files are written in tmp_path from docs/dialects.md by tests/builders/sap_me2n.py;
`tables` goes through detection and checks rows_in = loaded + quarantined for every file. The
test that compares mart rows builds the marts with the real loaders and dbt (marked slow).
"""

import datetime as dt
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors import dialects, oracle_po, sap_me2n
from connectors.base import RejectedFile
from connectors.validate import whole_number
from tests.builders.common import tables
from tests.builders.landing import build_marts, write_landing
from tests.builders.sap_me2n import (
    LINES,
    ME2N_DE,
    ME2N_EN,
    lfa1_csv,
    me2n_csv,
    me2n_row,
    me2n_xlsx,
    number,
)

REAL = Path(__file__).resolve().parents[3] / "shared" / "real-exports" / "sap_po"
ITEMS = "sap_me2n_items"


def items(tables):
    (table,) = [t for t in tables if t.table.name == ITEMS]
    return table


def column(table, name):
    return table.rows.get_column(name).to_list()


def reasons(table) -> dict[int, str]:
    q = table.quarantine
    return dict(zip(q.get_column("source_row"), q.get_column("reason"), strict=True))


# --- clean German profile -----------------------------------------------------------------


def test_clean_german_list_keeps_every_value_as_text(key):
    table = items(tables(me2n_csv(), ".csv", "procurement", key))
    assert table.rows_in == table.rows.height == len(LINES)
    assert table.rows_skipped == 1
    assert column(table, "einkaufsbeleg")[:2] == ["4500012345", "4500012345"]
    assert column(table, "bestellmenge")[0] == "2.000,000"
    assert column(table, "bestellnettowert")[1] == "1.234,56"
    assert column(table, "belegdatum")[0] == "05.03.2024"
    assert column(table, "kurztext")[1] == "Kopierpapier A4 FSC Recycling"
    assert column(table, "waehrung") == [line[12] for line in LINES]
    assert column(table, "export_language") == ["de"] * len(LINES)
    assert set(column(table, "export_decimal_separator")) == {","}
    assert table.notes["encoding"] == "cp1252" and table.notes["delimiter"] == ";"


def test_trailing_minus_reads_as_a_negative_number(key):
    """`1.234,56-` is -1234.56 in a German list and `1,234.56-` in an English one."""
    assert sap_me2n.number("1.234,56-", ",") == Decimal("-1234.56")
    assert sap_me2n.number("1,234.56-", ".") == Decimal("-1234.56")
    for lang in ("de", "en"):
        table = items(tables(me2n_csv(lang=lang, negative_return=True), ".csv", "procurement", key))
        text = column(table, "bestellnettowert")[1]
        assert text == ("1.234,56-" if lang == "de" else "1,234.56-")
        separator = column(table, "export_decimal_separator")[1]
        assert sap_me2n.number(text, separator) == Decimal("-1234.56")
        assert table.quarantine.height == 0, "a returns item's value may be printed negative"


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    st.sampled_from(["de", "en"]),
)
def test_every_list_number_reads_back_exactly(value, lang):
    """Any amount SAP prints (grouping, logon separator, trailing minus) reads back exactly
    and passes the file's number check."""
    text = number(str(value), 2, lang)
    separator = "," if lang == "de" else "."
    pattern = sap_me2n.DECIMAL_COMMA_PATTERN if lang == "de" else sap_me2n.DECIMAL_POINT_PATTERN
    assert re.fullmatch(pattern, text)
    assert sap_me2n.number(text, separator) == value


def test_deletion_and_returns_flags_are_kept_and_checked(key):
    table = items(tables(me2n_csv(), ".csv", "procurement", key))
    assert column(table, "loeschkennzeichen") == [None, None, None, "L", "S", None]
    assert column(table, "retourenposition") == [None, "X", None, None, None, None]
    assert column(table, "einkaufsbelegtyp")[-1] == "K"
    bad = me2n_row(LINES[0], "de")
    bad[22] = "Q"
    table = items(tables(me2n_csv(extra_rows=[(1, bad)]), ".csv", "procurement", key))
    assert "Loeschkennzeichen is not one of L, S" in reasons(table)[3]


def test_a_value_that_is_not_quantity_times_price_is_quarantined(key):
    wrong = me2n_row(LINES[0], "de")
    wrong[19] = "2.701,35"  # quantity 2.000 x 1,35 = 2.700,00
    table = items(tables(me2n_csv(extra_rows=[(0, wrong)]), ".csv", "procurement", key))
    assert table.rows.height == len(LINES)
    assert "is not Bestellmenge x Nettopreis / Preiseinheit = 2700.00" in reasons(table)[2]


def test_a_number_in_the_wrong_format_is_quarantined_not_reread(key):
    wrong = me2n_row(LINES[0], "de")
    wrong[16] = "1,35,0"
    table = items(tables(me2n_csv(extra_rows=[(0, wrong)]), ".csv", "procurement", key))
    assert reasons(table)[2] == "Nettopreis is not a number"


# --- whole numbers grouped like the file's other numbers ------------------------------------

# Screws priced per 1,000 pieces: 5,000 at 12.50 per 1,000 is 62.50 (docs/dialects.md D1:
# `Preiseinheit` is an integer, and `.` groups thousands in a German list).
PER_THOUSAND = ("4500012349", 10, "100123", "Acme Logistics Ltd", dt.date(2024, 3, 20),
                "Schrauben M6", "Screws M6", "31161500", "5000", "ST", "PC", "12.50", "EUR",
                1000, "62.50", "", "", "F")  # fmt: skip


def per_thousand(lang: str, price_unit: str) -> list[str]:
    row = me2n_row(PER_THOUSAND, lang)
    row[18] = price_unit
    return row


@pytest.mark.parametrize(
    ("lang", "price_unit"),
    [("de", "1.000"), ("de", "1.000,00"), ("de", "1000"), ("en", "1,000"), ("en", "1,000.00")],
)
def test_a_price_unit_grouped_like_the_files_numbers_is_one_thousand(key, lang, price_unit):
    """`Preiseinheit` `1.000` in a German list is one thousand, not a fraction: the line
    loads (it was quarantined as "not a whole number") and its value checks out."""
    data = me2n_csv(lang=lang, extra_rows=[(0, per_thousand(lang, price_unit))])

    table = items(tables(data, ".csv", "procurement", key))

    assert table.quarantine.height == 0
    assert table.rows.height == len(LINES) + 1
    assert column(table, "preiseinheit")[0] == price_unit  # raw keeps the text as exported
    separator = column(table, "export_decimal_separator")[0]
    assert separator == ("," if lang == "de" else ".")
    assert sap_me2n.number(price_unit, separator) == 1000


@pytest.mark.parametrize(
    ("lang", "price_unit", "reason"),
    [
        ("de", "1.000,50", "Preiseinheit is not a whole number"),
        ("de", "1.00", "Preiseinheit is not a whole number"),
        ("en", "1,000.5", "Preiseinheit is not a whole number"),
        # The other convention's grouping reads as a decimal mark: 1, which the line's value
        # (62,50 for 5.000 at 12,50 per unit) contradicts.
        ("de", "1,000", "Bestellnettowert 62,50 is not Bestellmenge x Nettopreis"),
        ("en", "1.000", "Bestellnettowert 62.50 is not Bestellmenge x Nettopreis"),
    ],
)
def test_a_price_unit_in_another_convention_is_quarantined_never_reread(
    key, lang, price_unit, reason
):
    data = me2n_csv(lang=lang, extra_rows=[(0, per_thousand(lang, price_unit))])

    table = items(tables(data, ".csv", "procurement", key))

    assert table.rows.height == len(LINES)
    assert reasons(table)[2].startswith(reason)


def test_grouped_whole_numbers_are_the_sap_dialects_rule_only():
    """Other dialects write whole numbers (Oracle line numbers, offset vintages) as plain
    digits: `1,000` there stays not a whole number."""
    cells = pl.DataFrame({"v": ["1000", "-7", "1.000", "1,000", "1.000,00", "١٠٠٠"]})

    def read_with(dialect):
        return cells.select(whole_number(pl.col("v"), dialect)).to_series().to_list()

    assert read_with(oracle_po.DIALECT) == ["1000", "-7", None, None, None, None]
    german = sap_me2n.file_dialect(",", "dmy")
    assert read_with(german) == ["1000", "-7", "1000", "1", "1000", None]
    english = sap_me2n.file_dialect(".", "mdy")
    assert read_with(english) == ["1000", "-7", "1", "1000", None, None]


# --- variants -------------------------------------------------------------------------------


def test_english_logon_variant(key):
    table = items(tables(me2n_csv(lang="en"), ".csv", "procurement", key))
    assert column(table, "export_language") == ["en"] * len(LINES)
    assert column(table, "export_decimal_separator")[0] == "."
    assert column(table, "export_date_order")[0] == "mdy"
    assert column(table, "belegdatum")[2] == "03/16/2024"
    assert column(table, "bestellmengeneinheit")[2] == "PC"
    assert table.quarantine.height == 0


def test_ecc_wording_vendor_supplying_plant(key):
    header = [h if h != "Supplier/Supplying Plant" else "Vendor/supplying plant" for h in ME2N_EN]
    table = items(tables(me2n_csv(lang="en", header=header), ".csv", "procurement", key))
    assert table.rows.height == len(LINES)
    assert column(table, "lieferant_lieferwerk_pseudonym")[0].startswith("psn_")


def test_xlsx_variant_with_number_and_date_cells(tmp_path, key):
    path = me2n_xlsx(tmp_path / "ME2N_1000_20240331.xlsx")
    table = items(tables(path.read_bytes(), ".xlsx", "procurement", key))
    assert table.rows.height == len(LINES) and table.quarantine.height == 0
    assert column(table, "belegdatum")[0] == "2024-03-05"
    assert column(table, "bestellnettowert")[0] == "2700"
    assert column(table, "bestellnettowert")[1] == "1234.56"
    assert column(table, "export_decimal_separator")[0] == "."
    assert table.notes["header_row"] == 1


def test_date_as_serial(tmp_path, key):
    path = me2n_xlsx(tmp_path / "serial.xlsx", serial_dates=True)
    table = items(tables(path.read_bytes(), ".xlsx", "procurement", key))
    assert column(table, "belegdatum")[0] == "45356"  # 5 March 2024, read in staging
    assert table.quarantine.height == 0


def test_technical_field_names_of_a_raw_table_download(key):
    header = [sap_me2n.H[k][3] or h for k, h in zip(sap_me2n.H, ME2N_DE, strict=False)]
    header[20], header[21] = "noch zu liefern (Menge)", "noch zu liefern (Wert)"
    table = items(tables(me2n_csv(header=header), ".csv", "procurement", key))
    assert column(table, "export_language")[0] == "technical"
    assert table.rows.height == len(LINES)


# --- quirk switches -------------------------------------------------------------------------


def test_preamble_title_rows(key):
    data = me2n_csv(preamble=["Einkaufsbelege zu Lieferant", ""])
    table = items(tables(data, ".csv", "procurement", key))
    assert table.notes["header_row"] == 3 and table.rows_skipped == 3
    assert table.rows.height == len(LINES)
    assert column(table, "_source_row")[0] == 4


def test_group_subtotal_rows_are_structural(key):
    subtotal = [""] * 27
    subtotal[0], subtotal[7] = "*", "100123     Acme"
    subtotal[17], subtotal[19] = "USD", "2.700,00 *"
    group = [""] * 27
    group[7] = "200456     Nairobi Office Supplies"
    total = [""] * 27
    total[0], total[17], total[19] = "**", "EUR", "3.784,56 **"
    data = me2n_csv(extra_rows=[(1, subtotal), (2, group), (6, total)])
    table = items(tables(data, ".csv", "procurement", key))
    assert table.rows.height == len(LINES) and table.quarantine.height == 0
    assert table.rows_skipped == 1 + 3


def test_duplicate_header_names_keep_the_first_and_the_second_as_extra(key):
    header = [*ME2N_DE, "Material"]
    lines = [[*me2n_row(line, "de"), "SUP-77"] for line in LINES]
    data = ";".join(header).encode("cp1252") + b"\r\n"
    data += b"".join(";".join(r).encode("cp1252") + b"\r\n" for r in lines)
    table = items(tables(data, ".csv", "procurement", key))
    assert column(table, "material")[0] is None
    assert json.loads(column(table, "_extra")[0]) == {"Material_2": "SUP-77"}


def test_utf8_bom(key):
    table = items(tables(me2n_csv(encoding="utf-8-sig"), ".csv", "procurement", key))
    assert table.notes["encoding"] == "utf-8-sig"
    assert column(table, "kurztext")[1] == "Kopierpapier A4 FSC Recycling"
    assert column(table, "waehrung")[0] == "USD"


def test_cp1252_umlauts_survive(key):
    line = list(LINES[0])
    line[5] = "Rückgabe Prüfgerät"
    table = items(tables(me2n_csv(lines=[tuple(line)]), ".csv", "procurement", key))
    assert column(table, "kurztext") == ["Rückgabe Prüfgerät"]


def test_tab_delimited_txt(key):
    table = items(tables(me2n_csv(delimiter="\t"), ".txt", "procurement", key))
    assert table.notes["delimiter"] == "\t" and table.rows.height == len(LINES)


def test_leading_zeros_stripped_give_the_same_vendor_pseudonym(key):
    padded = tables(lfa1_csv([("100123", "KE", "Acme Logistics Ltd")]), ".csv", "procurement", key)[
        0
    ]
    stripped = tables(lfa1_csv([("100123", "KE", "Acme")], pad=False), ".csv", "procurement", key)[
        0
    ]
    listed = items(tables(me2n_csv(), ".csv", "procurement", key))
    pseudonym = column(listed, "lieferant_lieferwerk_pseudonym")[0]
    assert column(padded, "kreditor_pseudonym") == column(stripped, "kreditor_pseudonym")
    assert column(padded, "kreditor_pseudonym") == [pseudonym]
    assert column(padded, "land") == ["KE"]
    group = me2n_row(LINES[0], "de")
    group[11] = "1"  # local material group 001 with its zeros stripped: kept as exported
    table = items(tables(me2n_csv(extra_rows=[(0, group)]), ".csv", "procurement", key))
    assert column(table, "warengruppe")[0] == "1"


def test_unconverted_list_with_rules(key):
    header = list(ME2N_DE)
    rows = [me2n_row(line, "de") for line in LINES]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    rule = "-" * (sum(widths) + len(widths) + 1)

    def box(cells):
        return "|" + "|".join(c.ljust(widths[i]) for i, c in enumerate(cells)) + "|"

    text = "\r\n".join(["Einkaufsbelege zu Lieferant", "", rule, box(header), rule,
                        *map(box, rows), rule]) + "\r\n"  # fmt: skip
    table = items(tables(text.encode("cp1252"), ".csv", "procurement", key))
    assert table.notes["delimiter"] == "|"
    assert table.rows.height == len(LINES) and table.quarantine.height == 0
    assert column(table, "position")[0].strip() == "10"
    assert table.rows_skipped == 5 + 1  # title, blank, rule, header, rule; closing rule


def test_wrapped_header(key):
    for wrapped in ("Bestell menge", "Bestell\nmenge"):
        header = [wrapped if h == "Bestellmenge" else h for h in ME2N_DE]
        table = items(tables(me2n_csv(header=header), ".csv", "procurement", key))
        assert column(table, "bestellmenge")[0] == "2.000,000"


# --- personal data, detection and rejection -------------------------------------------------


def test_vendor_names_and_addresses_never_reach_raw(key, other_key):
    data = me2n_csv()
    table = items(tables(data, ".csv", "procurement", key))
    dumped = table.rows.write_csv()
    assert "Acme" not in dumped and "Nairobi Office" not in dumped
    vendors = tables(
        lfa1_csv([("100123", "KE", "Acme Logistics Ltd")]), ".csv", "procurement", key
    )[0]
    assert vendors.rows.columns[:3] == ["kreditor_pseudonym", "land", "ort"]
    assert "Moi Avenue" not in vendors.rows.write_csv()
    other = items(tables(data, ".csv", "procurement", other_key))
    assert column(other, "lieferant_lieferwerk_pseudonym") != column(
        table, "lieferant_lieferwerk_pseudonym"
    )


def test_a_list_without_core_columns_is_rejected_naming_the_dialect(key):
    header = [h for h in ME2N_DE if h not in ("Position", "Währung")]
    rows = [[c for i, c in enumerate(me2n_row(line, "de")) if i not in (1, 17)] for line in LINES]
    data = (";".join(header) + "\r\n" + "\r\n".join(";".join(r) for r in rows)).encode("cp1252")
    with pytest.raises(RejectedFile) as error:
        dialects.detect(data, ".csv", "procurement")
    message = str(error.value)
    assert "sap_me2n_csv: no header row with the sap_me2n_items columns" in message
    assert "missing: Position, Waehrung" in message


def test_detected_in_the_wrong_domain_is_rejected():
    with pytest.raises(RejectedFile, match="sap_me2n_csv export \\(procurement\\)"):
        dialects.detect(me2n_csv(), ".csv", "travel")


# --- real exports (read only here; never copied into the project) ---------------------------

needs_real = pytest.mark.skipif(not REAL.exists(), reason="../shared/real-exports is absent")


@needs_real
def test_real_spanish_me2n_xlsx_is_read(key):
    path = REAL / "fernandoparisi__Supplier-Operations-Performance-Dashboard" / "ME2N.XLSX"
    table = items(tables(path.read_bytes(), ".xlsx", "procurement", key))
    assert table.rows_in == table.rows.height == 6964
    assert column(table, "export_language")[0] == "es"
    assert column(table, "belegdatum")[0] == "2023-06-01"
    assert column(table, "bestellmengeneinheit")[0] == "UN"
    assert column(table, "lieferant_lieferwerk_pseudonym")[0].startswith("psn_")
    assert set(column(table, "waehrung")) == {"USD"}
    assert table.rows.get_column("_extra").null_count() == table.rows.height  # name dropped
    dates = table.rows.select(pl.col("belegdatum").str.to_date("%Y-%m-%d"))
    assert dates.min().item() == dt.date(2019, 1, 11)
    assert dates.max().item() == dt.date(2025, 8, 29)


@needs_real
@pytest.mark.parametrize(
    ("relative", "missing"),
    [
        ("Planeacionfc__Bot_Dane/ME2N.XLSX", "Einkaufsbeleg, Position, Bestellmenge"),
        ("mschermann__forensic_accounting/EKPO.csv", "Lieferant/Lieferwerk, Belegdatum, Waehrung"),
        ("mschermann__forensic_accounting/EKKO.csv", "Position, Kurztext, Bestellmenge"),
        ("sloutmyv__Django_Plotly/ME2N.csv", "Einkaufsbeleg, Position, Lieferant/Lieferwerk"),
    ],
)
def test_real_files_that_are_not_me2n_lists_are_rejected(relative, missing):
    path = REAL / relative
    with pytest.raises(RejectedFile) as error:
        dialects.detect(path.read_bytes(), path.suffix.lower(), "procurement")
    assert f"sap_me2n_csv: no header row with the sap_me2n_items columns; missing: {missing}" in (
        str(error.value)
    )


# --- the same line read from a German and an English file -----------------------------------


@pytest.mark.slow
def test_a_line_read_as_german_or_english_gives_the_same_mart_row(tmp_path):
    """DE file for one organization, EN file with the same lines for another, both files for
    a third: the first two give identical mart rows (but for the organization and source
    columns), the third counts each line once; the deleted line counts nowhere."""

    def vendors(name: str) -> bytes:  # byte-identical files would count once system-wide
        return lfa1_csv([("100123", "KE", name), ("200456", "DE", name), ("300789", "CH", name)])

    files = {
        "ORGDE/procurement/ME2N_1000_20240630.csv": me2n_csv(lang="de"),
        "ORGDE/procurement/LFA1_1000_20240630.csv": vendors("Acme"),
        "ORGEN/procurement/ME2N_1000_20240630.csv": me2n_csv(lang="en"),
        "ORGEN/procurement/LFA1_1000_20240630.csv": vendors("Office"),
        "BOTH/procurement/ME2N_1000_20240630.csv": me2n_csv(lang="de", preamble=["ME2N", ""]),
        "BOTH/procurement/ME2N_1000_20240701.txt": me2n_csv(lang="en", delimiter="\t"),
        "BOTH/procurement/LFA1_1000_20240630.csv": vendors("Savanna"),
    }
    landing = write_landing(tmp_path / "landing", ["ORGDE", "ORGEN", "BOTH"], files)
    con = duckdb.connect(str(build_marts(tmp_path, landing)), read_only=True)
    same = (
        "po_number, po_line, po_date, supplier_pseudonym, supplier_country, unspsc_code, "
        "activity_type, amount_original, currency, usd_rate, rate_date, spend_usd, "
        "conversion_issue, is_return, is_covered_by_guideline, has_sustainability_criteria, "
        "has_ecolabel, sustainability_matches, kg_co2e, factor_id, factor_status, "
        "unmapped_reason"
    )

    def rows(org):
        return con.execute(
            f"select {same} from marts.fct_procurement_lines where org_code = ? "
            "order by po_number, po_line",
            [org],
        ).fetchall()

    german, english, both = rows("ORGDE"), rows("ORGEN"), rows("BOTH")
    assert german == english == both
    assert [r[4] for r in german] == ["KE", "KE", "DE", "CH"]  # from the LFA1 vendor list
    assert [(r[0], r[1]) for r in german] == [
        ("4500012345", 10), ("4500012345", 20), ("4500012346", 10), ("4500012347", 10)
    ]  # fmt: skip
    returned = german[1]
    assert returned[7] == Decimal("-1234.56") and returned[13] is True
    assert returned[11] == (Decimal("-1234.56") * Decimal(str(returned[9]))).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert returned[10] == dt.date(2024, 3, 5)
    deleted = con.execute(
        "select count(*) from marts.fct_procurement_lines where po_number = '4500012346' "
        "and po_line = 20"
    ).fetchone()
    assert deleted == (0,)
    in_emissions = con.execute(
        "select count(*) from marts.fct_emissions e join intermediate.int_procurement_line_fates "
        "f on e.emission_id = f.source_row_key where f.fate != 'counted'"
    ).fetchone()
    assert in_emissions == (0,)
    fates = dict(
        con.execute(
            "select fate, count(*) from intermediate.int_procurement_line_fates "
            "where org_code = 'BOTH' group by fate"
        ).fetchall()
    )
    assert fates == {"counted": 4, "deleted": 1, "outline_agreement": 1, "superseded": 6}
    annual = con.execute(
        "select org_code, spend_usd from marts.org_procurement_annual order by org_code"
    ).fetchall()
    sums = con.execute(
        "select org_code, sum(spend_usd) from marts.fct_procurement_lines "
        "group by org_code order by org_code"
    ).fetchall()
    assert annual == sums and len({spend for _, spend in annual}) == 1
    con.close()


@pytest.mark.slow
def test_a_line_priced_per_thousand_counts_its_spend_in_a_german_and_an_english_list(tmp_path):
    """A list laid out without `Bestellnettowert`: staging takes quantity x net price / price
    unit, reading `Preiseinheit` `1.000` (German) and `1,000` (English) as the connector did,
    so the line counts 62.50 in either language (issue 14: such lines were quarantined and
    their spend lost)."""
    value = ME2N_DE.index("Bestellnettowert")

    def without_value(lang: str, price_unit: str) -> bytes:
        rows = [me2n_row(line, lang) for line in LINES] + [per_thousand(lang, price_unit)]
        header = list(ME2N_DE if lang == "de" else ME2N_EN)
        lines = [header, *rows]
        text = "\r\n".join(";".join(c for i, c in enumerate(r) if i != value) for r in lines)
        return (text + "\r\n").encode("cp1252")

    files = {
        "ORGDE/procurement/ME2N_1000_20240630.csv": without_value("de", "1.000"),
        "ORGEN/procurement/ME2N_1000_20240630.csv": without_value("en", "1,000"),
    }
    landing = write_landing(tmp_path / "landing", ["ORGDE", "ORGEN"], files)
    work_db = build_marts(tmp_path, landing, select="+fct_procurement_lines")
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        manifest = con.execute(
            "select org_code, rows_in, rows_loaded, rows_quarantined from ops.file_manifest "
            "order by org_code"
        ).fetchall()
        lines = con.execute(
            "select org_code, price_unit from staging.stg_sap__me2n_items "
            "where po_number = '4500012349' order by org_code"
        ).fetchall()
        spend = con.execute(
            "select org_code, amount_original, currency from marts.fct_procurement_lines "
            "where po_number = '4500012349' order by org_code"
        ).fetchall()
    finally:
        con.close()
    assert manifest == [("ORGDE", 7, 7, 0), ("ORGEN", 7, 7, 0)]
    assert lines == [("ORGDE", 1000), ("ORGEN", 1000)]
    assert spend == [("ORGDE", Decimal("62.50"), "EUR"), ("ORGEN", Decimal("62.50"), "EUR")]
