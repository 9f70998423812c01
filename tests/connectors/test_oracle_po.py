"""`oracle_po_lines_csv` (docs/dialects.md D2): Fusion, EBS and OTBI-display extracts, every quirk.

Fixture files are written from docs/dialects.md by tests/builders/oracle_po.py and read through
detection (rows_in = loaded + quarantined checked for every file). The cancellation and
fan-out semantics are checked on the marts built by the real loaders and dbt (slow).
"""

import json
from decimal import Decimal

import duckdb
import pytest

from connectors import dialects, oracle_po
from connectors.base import RejectedFile
from tests.builders.common import tables
from tests.builders.landing import build_marts, write_landing
from tests.builders.oracle_po import FUSION, ebs_csv, fusion_csv, fusion_line, otbi_csv


def lines(tables):
    (table,) = tables
    assert table.table.name == "oracle_po_lines"
    return table


def column(table, name):
    return table.rows.get_column(name).to_list()


def test_clean_fusion_extract(key):
    table = lines(
        tables(fusion_csv([fusion_line(), fusion_line(LINE_NUM="2")]), ".csv", "procurement", key)
    )
    assert table.rows.height == 2 and table.quarantine.height == 0
    assert table.notes["encoding"] == "utf-8-sig" and table.notes["variant"] == "fusion"
    assert column(table, "segment1") == ["UNDP1-0001234"] * 2
    assert column(table, "creation_date")[0] == "2024-03-05T14:22:10.000+00:00"
    assert column(table, "amount")[0] == "9000.00"
    assert column(table, "export_variant") == ["fusion", "fusion"]


def test_bom_or_not(key):
    with_bom = lines(tables(fusion_csv([fusion_line()]), ".csv", "procurement", key))
    without = lines(tables(fusion_csv([fusion_line()], bom=False), ".csv", "procurement", key))
    assert with_bom.notes["encoding"] == "utf-8-sig" and without.notes["encoding"] == "utf-8"
    assert with_bom.rows.drop("_extra").equals(without.rows.drop("_extra"))


def test_ebs_variant(key):
    table = lines(tables(ebs_csv([fusion_line()]), ".csv", "procurement", key))
    assert table.notes["variant"] == "ebs" and table.quarantine.height == 0
    assert column(table, "prc_bu_name") == ["UNDP Procurement BU"]
    assert column(table, "uom_code") == ["Each"]
    assert column(table, "creation_date") == ["05-MAR-24"]
    assert column(table, "authorization_status") == ["APPROVED"]
    assert column(table, "document_status") == [None]


def test_otbi_display_variant(key):
    table = lines(tables(otbi_csv([fusion_line()]), ".csv", "procurement", key))
    assert table.notes["variant"] == "otbi_display" and table.quarantine.height == 0
    assert column(table, "amount") == ["9,000.00"]
    assert column(table, "creation_date") == ["03/05/2024"]
    assert column(table, "supplier_country") == [None]  # the display variant has none
    assert column(table, "vendor_id_pseudonym") == [None]
    assert column(table, "vendor_name_pseudonym")[0].startswith("psn_")


def test_schedule_and_distribution_fanout_rows_are_all_loaded(key):
    rows = [fusion_line(NEED_BY_DATE=d) for d in ("2024-04-01", "2024-05-01", "2024-06-01")]
    table = lines(tables(fusion_csv(rows), ".csv", "procurement", key))
    assert table.rows.height == 3  # staging and fates count the line once
    assert column(table, "need_by_date") == ["2024-04-01", "2024-05-01", "2024-06-01"]


def test_multiline_description_with_commas_and_quotes(key):
    text = 'Generator 100 kVA, "silent" type\nDelivery to Juba, incl. commissioning'
    data = fusion_csv([fusion_line(ITEM_DESCRIPTION=text), fusion_line()])
    table = lines(tables(data, ".csv", "procurement", key))
    assert column(table, "item_description")[0] == text
    assert column(table, "_source_row") == [2, 3]


def test_semicolon_delimiter(key):
    table = lines(tables(fusion_csv([fusion_line()], delimiter=";"), ".csv", "procurement", key))
    assert table.notes["delimiter"] == ";" and column(table, "vendor_site_code") == ["NAIROBI"]


def test_segment1_reused_across_business_units(key):
    rows = [fusion_line(), fusion_line(PRC_BU_NAME="UNDP Second BU", PO_HEADER_ID="300000999")]
    table = lines(tables(fusion_csv(rows), ".csv", "procurement", key))
    assert column(table, "segment1") == ["UNDP1-0001234"] * 2
    assert column(table, "prc_bu_name") == ["UNDP Procurement BU", "UNDP Second BU"]


def test_cancelled_quantities_and_flags_are_kept(key):
    rows = [
        fusion_line(QUANTITY_CANCELLED="1"),
        fusion_line(
            LINE_NUM="2", CANCEL_FLAG="Y", LINE_STATUS="CANCELED", CANCEL_DATE="2024-03-09"
        ),
    ]
    table = lines(tables(fusion_csv(rows), ".csv", "procurement", key))
    assert column(table, "quantity_cancelled") == ["1", "0"]
    assert column(table, "cancel_flag") == ["N", "Y"]


def test_a_decimal_comma_is_quarantined_not_reread(key):
    table = lines(
        tables(
            fusion_csv([fusion_line(AMOUNT="9000,00")], delimiter=";"), ".csv", "procurement", key
        )
    )
    assert table.rows.height == 0
    assert table.quarantine.get_column("reason").to_list() == ["AMOUNT is not a number"]


def test_invalid_cancel_flag_and_date_are_quarantined(key):
    data = fusion_csv([fusion_line(CANCEL_FLAG="X", CREATION_DATE="31/02/2024")])
    table = lines(tables(data, ".csv", "procurement", key))
    reasons = set(table.quarantine.get_column("reason").to_list())
    assert "CANCEL_FLAG is not one of Y, N" in reasons
    assert any(r.startswith("CREATION_DATE is not a date") for r in reasons)


def test_supplier_names_are_pseudonymised_and_buyers_dropped(key, other_key):
    header = [*FUSION, "BUYER_NAME"]
    data = fusion_csv([fusion_line()]).decode("utf-8-sig").splitlines()
    data[0] = ",".join(header)
    data[1] += ",Jane Otieno"
    table = lines(tables("\r\n".join(data).encode(), ".csv", "procurement", key))
    dumped = table.rows.write_csv()
    assert "Acme Solar" not in dumped and "Otieno" not in dumped
    assert table.rows.get_column("_extra").to_list() == [None]
    other = lines(tables(fusion_csv([fusion_line()]), ".csv", "procurement", other_key))
    assert column(other, "vendor_id_pseudonym") != column(table, "vendor_id_pseudonym")


def test_a_file_missing_columns_is_rejected_naming_the_variant(key):
    data = b"Procurement BU,Order,Supplier,Line\r\nBU,1,Acme,1\r\n"
    with pytest.raises(RejectedFile) as error:
        dialects.detect(data, ".csv", "procurement")
    message = str(error.value)
    assert "oracle_po_lines_csv: otbi_display variant: no header row" in message
    assert "Currency Code" in message and "Ordered Amount" in message
    assert oracle_po.detect(data, ".txt").endswith("not .txt")


def test_every_variant_maps_to_the_registered_columns(key):
    expected = [c.name for c in oracle_po.LINES.columns]
    for data in (fusion_csv([fusion_line()]), ebs_csv([fusion_line()]), otbi_csv([fusion_line()])):
        table = lines(tables(data, ".csv", "procurement", key))
        assert table.rows.columns[: len(expected)] == expected
        assert json.loads(table.rows.get_column("_extra")[0] or "{}") == {}


@pytest.mark.slow
def test_cancelled_lines_count_nowhere_and_fanout_counts_once(tmp_path):
    """The same order in Fusion, EBS and OTBI extracts of three organizations gives the same
    spend: partly cancelled quantities netted, cancelled and blanket lines nowhere, a line
    repeated per schedule counted once."""
    rows = [
        fusion_line(QUANTITY_CANCELLED="1"),  # 9000 - 1 x 4500 = 4500
        fusion_line(NEED_BY_DATE="2024-05-01", QUANTITY_CANCELLED="1"),  # schedule 2
        fusion_line(LINE_NUM="2", CANCEL_FLAG="Y", LINE_STATUS="CANCELED"),
        fusion_line(LINE_NUM="3", CURRENCY_CODE="EUR", AMOUNT="1000.00", QUANTITY="1",
                    UNIT_PRICE="1000.00", CREATION_DATE="2024-03-17T09:00:00.000+00:00"),
        fusion_line(SEGMENT1="UNDP1-0009999", TYPE_LOOKUP_CODE="BLANKET"),
    ]  # fmt: skip
    files = {
        "FUS/procurement/PO_Lines_FUS_20240331.csv": fusion_csv(rows),
        "EBS/procurement/PO_Lines_EBS_20240331.csv": ebs_csv(rows[:4]),
        "OTBI/procurement/PO_Lines_OTBI_20240331.csv": otbi_csv(rows[:2] + rows[2:4]),
    }
    landing = write_landing(tmp_path / "landing", ["FUS", "EBS", "OTBI"], files)
    con = duckdb.connect(str(build_marts(tmp_path, landing)), read_only=True)
    spend = dict(
        con.execute(
            "select org_code, spend_usd from marts.org_procurement_annual order by 1"
        ).fetchall()
    )
    eur = con.execute(
        "select usd_rate, rate_date, amount_original, spend_usd from marts.fct_procurement_lines "
        "where org_code = 'FUS' and currency = 'EUR'"
    ).fetchone()
    assert eur[1].isoformat() == "2024-03-15"  # a Sunday PO takes Friday's rate
    expected = Decimal("4500.00") + eur[3]
    assert spend == {"EBS": expected, "FUS": expected, "OTBI": expected}
    counted = con.execute(
        "select org_code, count(*) from marts.fct_procurement_lines group by 1 order by 1"
    ).fetchall()
    assert counted == [("EBS", 2), ("FUS", 2), ("OTBI", 2)]
    fates = dict(
        con.execute(
            "select fate, count(*) from intermediate.int_procurement_line_fates "
            "where org_code = 'FUS' group by 1"
        ).fetchall()
    )
    assert fates == {"counted": 2, "repeat": 1, "cancelled": 1, "outline_agreement": 1}
    sources = con.execute(
        "select contribution, quantity_signed from marts.fct_emission_sources s "
        "join marts.fct_emissions e using (emission_id) where e.org_code = 'FUS' "
        "order by contribution"
    ).fetchall()
    assert [c for c, _ in sources] == ["activity", "activity", "duplicate"]
    assert sources[-1][1] == 0
    con.close()
