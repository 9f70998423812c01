"""The bench's hand-written air reference (benchmarks/air_reference.sql) computes the air rules.

A tiny bench landing from benchmarks/data.py, plus one organization whose agency file holds
the worked examples of factors/METHODOLOGY.md section 3: its kg per year must be the sum of
the examples' figures, computed by hand there, and every segment its own figure.
"""

import csv
from pathlib import Path

import duckdb
import pytest

from benchmarks import air_reference, data

ORG = "HANDCHECKED"


def row(ticket, kind, seg, origin, dest, dep, letter, cabin, kg=None, issued="01-Mar-2025", **more):
    """One agency CSV row, and the kg it must get when it counts (else None)."""
    cells = {
        "Client Account": "HAND-1",
        "Ticket Number": ticket,
        "Transaction Type": kind,
        "Issue Date": issued,
        "Segment No": seg,
        "Origin Airport": origin,
        "Destination Airport": dest,
        "Departure Date": dep,
        "Booking Class": letter,
        "Cabin": cabin,
        **more,
    }
    return cells, kg


ROWS = [
    # Example A: GVA -> JFK economy
    row("111-0000000001", "SALE", 1, "GVA", "JFK", "10-Mar-2025", "M", "Economy", 399.915),
    # Example B: LHR -> EDI business, domestic_uk uses the average factor
    row("111-0000000002", "SALE", 1, "LHR", "EDI", "11-Mar-2025", "J", "Business", 72.304),
    # Example C: GVA -> LHR premium economy (economy factor) and first (business factor)
    row("111-0000000003", "SALE", 1, "GVA", "LHR", "12-Mar-2025", "W", "Prem Eco", 56.069),
    row("111-0000000004", "SALE", 1, "GVA", "LHR", "12-Mar-2025", "F", "First", 84.100),
    # Example D: LHR -> JFK business (the cabin text `J`)
    row("111-0000000005", "SALE", 1, "LHR", "JFK", "13-Mar-2025", "", "J", 1112.522),
    # Example E: JFK -> GVA, no cabin and no booking class: average
    row("111-0000000006", "SALE", 1, "JFK", "GVA", "14-Mar-2025", "", "", 522.140),
    # 3.6: a city name and a city code
    row("111-0000000007", "SALE", 1, "Geneva", "NYC", "15-Mar-2025", "Y", "ECONOMY", 399.915),
    # 3.7: a refund without segment detail issued 15 March cancels the segment of 20 March
    row("220-1234567890", "SALE", 1, "GVA", "JFK", "10-Mar-2025", "M", "Economy", 399.915),
    row("220-1234567890", "SALE", 2, "JFK", "GVA", "20-Mar-2025", "M", "Economy"),
    row("220-1234567890", "REFUND", "", "", "", "", "", "", issued="15-Mar-2025"),
    # a void before travel cancels both segments
    row("220-1234567891", "SALE", 1, "GVA", "JFK", "10-Mar-2025", "M", "Economy"),
    row("220-1234567891", "SALE", 2, "JFK", "GVA", "20-Mar-2025", "M", "Economy"),
    row("220-1234567891", "VOID", "", "", "", "", "", "", issued="02-Mar-2025"),
    # the return exchanged: the refund (its ticket a number cell that lost its leading zero)
    # cancels the original segment 2, the exchange counts: 799.830 kg for the trip
    row("055-6876458431", "SALE", 1, "GVA", "JFK", "10-Mar-2025", "M", "Economy", 399.915),
    row("055-6876458431", "SALE", 2, "JFK", "GVA", "20-Mar-2025", "M", "Economy"),
    row("556876458431", "REFUND", 2, "JFK", "GVA", "20-Mar-2025", "M", "Y", None, "18-Mar-2025"),
    row(
        "055-6876458432", "EXCHANGE", 1, "JFK", "GVA", "22-Mar-2025", "M", "Economy", 399.915,
        "18-Mar-2025", **{"Original Ticket Number": "055-6876458431"},
    ),
    # a refund without ticket number cancels nothing
    row("111-0000000008", "SALE", 1, "GVA", "JFK", "10-Mar-2025", "M", "Economy", 399.915),
    row("", "REFUND", 1, "GVA", "JFK", "10-Mar-2025", "M", "Economy", None, "02-Mar-2025"),
    # an airport nobody knows: no figure
    row("111-0000000009", "SALE", 1, "Atlantis", "JFK", "10-Mar-2025", "M", "Economy"),
    # another year: Example A flown in December 2024
    row("111-0000000010", "SALE", 1, "GVA", "JFK", "30-Dec-2024", "M", "Economy", 399.915),
]  # fmt: skip
EXPECTED = [kg for _, kg in ROWS if kg is not None]


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "landing"
    data.build(out, 3000, 10, 10)
    header = next(out.glob(f"*/{data.TRAVEL.domain}/*.csv")).read_text().splitlines()[0]
    columns = header.split(data.TRAVEL.separator)
    path = out / ORG / data.TRAVEL.domain / "BENCH_HANDCHECKED_TravelData_202503.csv"
    path.parent.mkdir(parents=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter=data.TRAVEL.separator)
        writer.writeheader()
        writer.writerows(cells for cells, _ in ROWS)
    return out


@pytest.fixture(scope="module")
def con(landing):
    con = duckdb.connect()
    air_reference.load_airports(con)
    air_reference.rules(con, landing)
    yield con
    con.close()


def test_each_worked_example_gets_its_figure(con):
    got = sorted(
        round(kg, 3)
        for (kg,) in con.execute(
            "select kg_co2e from air_segments where org_code = ?", [ORG]
        ).fetchall()
    )
    assert got == pytest.approx(sorted(EXPECTED), abs=1e-3)


def test_kg_per_organization_and_year(landing, con):
    result = air_reference.run(landing)
    totals = {(t["org_code"], t["reporting_year"]): t for t in result["by_org_year"]}
    by_year: dict[int, float] = {}
    for cells, kg in ROWS:
        if kg is not None:
            year = int(cells["Departure Date"][-4:])
            by_year[year] = by_year.get(year, 0.0) + kg
    for year, kg in by_year.items():
        # each example is rounded to 0.001 kg
        assert totals[(ORG, year)]["kg_co2e"] == pytest.approx(kg, abs=0.0005 * len(ROWS))
    assert {y for o, y in totals if o == ORG} == set(by_year)
    # the generated organizations: every one counted, netting removed refunded segments
    generated = {o for o, _ in totals} - {ORG}
    assert generated == {p.name for p in landing.iterdir() if p.is_dir()} - {ORG}
    assert all(totals[(o, 2024)]["kg_co2e"] > 0 for o in generated)
    counted = len(EXPECTED)
    assert sum(t["segments"] for (o, _), t in totals.items() if o == ORG) == counted
    assert result["rows"] == 3000 + len(ROWS)
    assert counted < result["segments"] < result["rows"] - 100
    assert sum(t["kg_co2e"] for t in totals.values()) == pytest.approx(result["kg_co2e"])


def test_totals_are_the_sum_of_segments(con):
    differing = con.execute(
        "select count(*) from air_totals t full join (select org_code, reporting_year, "
        "sum(kg_co2e) kg from air_segments group by all) s using (org_code, reporting_year) "
        "where t.kg_co2e is distinct from s.kg"
    ).fetchone()[0]
    assert differing == 0
