"""Headline figures: the latest complete year, never a partial one; no total of 0 t that is
not a zero.

On the warehouse the real pipeline built for 5 organizations over 2022-2024
(tests/progress_warehouse.py): utility bills that cross 31 December give every organization
a 2025 holding a few days of electricity (and sparse random travel can leave a year short
of December). WFP's registry entry declares 2025 closed.
"""

import re
from html import unescape

import pytest

from tests.progress_warehouse import DECLARED_ORG, DECLARED_YEAR, published

pytestmark = pytest.mark.slow

PARTIAL_YEAR = 2025


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return published(tmp_path_factory.getbasetemp())


def years(built) -> dict[tuple[str, int], tuple]:
    rows = built.query(
        "select org_code, reporting_year, is_complete, completeness_basis, partial_domains, "
        "is_headline_year from marts.org_reporting_years",
    )
    return {(r[0], r[1]): r[2:] for r in rows}


def table_rows(html: str) -> list[list[str]]:
    """The text of each body cell, row by row, of the HTML given."""
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        if cells:
            rows.append([unescape(re.sub(r"<[^>]+>", "", c)) for c in cells])
    return rows


def headline_table(built) -> dict[str, int]:
    """Organization -> year of the report's first table (latest complete year)."""
    html = (built.report / "index.html").read_text(encoding="utf-8")
    section = html.split('<section id="organizations">')[1].split("</table>")[0]
    return {cells[0]: int(cells[2]) for cells in table_rows(section)}


def complete_by_rules(built) -> dict[tuple[str, int], bool]:
    """The rules of docs/guide.md recomputed from the months with data: energy every month;
    travel and fuel reach December, other domains any data, and data of the domain in a
    later year closes the year for them; a domain the organization never reports does not
    count."""
    months: dict[tuple[str, str, int], set[int]] = {}
    for org, domain, year, month in built.query(
        "select org_code, domain, reporting_year, month_number from marts.org_completeness "
        "where has_data",
    ):
        months.setdefault((org, domain, year), set()).add(month)
    years = {(org, year) for org, _, year in months}
    result = {}
    for org, year in years:
        reported = {d for (o, d, _) in months if o == org}
        ok = True
        for domain in reported:
            got = months.get((org, domain, year), set())
            later = any(o == org and d == domain and y > year for (o, d, y) in months)
            if domain == "energy":
                ok &= len(got) == 12
            elif domain in ("travel", "fuel"):
                ok &= 12 in got or later
            else:
                ok &= bool(got) or later
        result[(org, year)] = ok
    return result


def test_the_planted_partial_year_is_partial_and_says_why(built):
    found = years(built)
    orgs = {org for org, _ in found}
    assert len(orgs) == 5
    partial = {org for (org, year), v in found.items() if year == PARTIAL_YEAR and not v[0]}
    assert partial == orgs - {DECLARED_ORG}, "every organization's 2025 is a few days of bills"
    for org in partial:
        _, basis, why, headline = found[(org, PARTIAL_YEAR)]
        assert basis is None and not headline
        assert re.search(r"energy: \d+ of 12 months", why), why
    rules = complete_by_rules(built)
    for key, (is_complete, basis, why, _) in found.items():
        if key != (DECLARED_ORG, DECLARED_YEAR):
            assert is_complete == rules[key], key
            assert (basis, why is None) == (("data", True) if is_complete else (None, False)), key
    for org in orgs - {DECLARED_ORG}:
        latest = max(year for (o, year), v in found.items() if o == org and v[0])
        assert latest < PARTIAL_YEAR and found[(org, latest)][3], org


def test_a_declared_year_is_complete_and_the_headline(built):
    found = years(built)
    assert found[(DECLARED_ORG, DECLARED_YEAR)] == (True, "declared", None, True)
    assert not complete_by_rules(built)[(DECLARED_ORG, DECLARED_YEAR)], "its data is partial"
    others = [v for (org, y), v in found.items() if org == DECLARED_ORG and y != DECLARED_YEAR]
    assert not any(v[3] for v in others), "one headline year per organization"


def test_report_headline_and_progress_use_the_latest_complete_year(built):
    headline = headline_table(built)
    found = years(built)
    expected = {org: year for (org, year), v in found.items() if v[3]}
    assert expected[DECLARED_ORG] == DECLARED_YEAR
    assert all(year < PARTIAL_YEAR for org, year in expected.items() if org != DECLARED_ORG)
    assert headline == expected
    html = (built.report / "index.html").read_text(encoding="utf-8")
    assert "an organization's partial year is left out of the sum" in html
    progress = built.query(
        "select org_code, max(reporting_year) from marts.reduction_progress "
        "where is_complete_year and target_scope = 'all' group by 1",
    )
    assert dict(progress) == expected
    section = html.split("<h2>Progress against targets</h2>")[1].split("</table>")[0]
    header = re.findall(r'<th data-column="([^"]+)"', section)
    shown = [dict(zip(header, cells, strict=True)) for cells in table_rows(section)]
    assert {
        (row["org_code"], int(row["reporting_year"]))
        for row in shown
        if row["target_scope"] == "all"
    } == set(expected.items())


def test_run_summary_marks_headline_and_partial_years(built):
    lines = built.run_output.splitlines()
    headlines = {org: year for (org, year), v in years(built).items() if v[3]}
    for org, year in headlines.items():
        assert any(re.match(rf"{org}\s+{year}\s.*\sheadline$", line) for line in lines), org
    assert any(
        re.match(rf"UNDP\s+{PARTIAL_YEAR}\s.*\spartial: .*energy: \d+ of 12 months", line)
        for line in lines
    )


def test_a_year_without_headcount_warns_and_says_why(built):
    missing = built.query(
        "select distinct org_code, reporting_year, per_capita_note "
        "from marts.org_emissions_annual where headcount is null",
    )
    assert missing, "the generated registry has no headcount for 2025"
    for org, year, note in missing:
        assert note == f"no headcount for {year} in the registry"
        warning = f"warning: {org} {year} has emissions but no headcount in the registry"
        assert warning in built.run_output


def test_no_total_is_zero_where_no_row_is_mapped(built):
    groups = built.query(
        """
        select a.org_code, a.reporting_year, a.category, a.boundary, a.t_co2e, a.unmapped_rows
        from marts.org_emissions_annual as a
        where not exists (
            select 1 from marts.fct_emissions as e
            where e.org_code = a.org_code and e.reporting_year = a.reporting_year
              and e.scope = a.scope and e.category = a.category and e.boundary = a.boundary
              and e.factor_status = 'mapped'
        )
        """,
    )
    assert groups, "procurement without a spend-based factor set leaves groups with no mapped row"
    assert all(t is None and unmapped > 0 for *_, t, unmapped in groups), groups
    assert not built.query("select 1 from marts.reduction_progress where actual_t_co2e = 0")
    # the report shows no figure for them, never 0.00
    org, year, category, boundary, *_ = groups[0]
    page = (built.report / f"org-{org}.html").read_text(encoding="utf-8")
    section = page.split("Every year by category")[1].split("</table>")[0]
    header = [
        unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<th[^>]*>(.*?)</th>", section)
    ]
    column = next(i for i, name in enumerate(header) if str(year) in name)
    row = next(c for c in table_rows(section) if c[1] == category and c[2] == boundary)
    assert row[column] == "–", (header, row)  # scope, category, boundary, one column a year


def test_every_headline_total_has_a_range_that_recomputes_from_its_rows(built):
    """U = sqrt(sum (a x kg)^2 + sum over factors (sum f x kg)^2), recomputed here in Python
    from fct_emissions and factors/uncertainty.csv as served."""
    shares = {
        int(q): (float(a) / 100, float(f) / 100)
        for q, a, f in built.query(
            "select data_quality, activity_pct, factor_pct from factors.uncertainty"
        )
    }
    headlines = built.query(
        "select org_code, reporting_year, t_co2e, t_co2e_low, t_co2e_high "
        "from marts.org_totals_annual where boundary = 'core' and is_headline_year",
    )
    assert len(headlines) == 5
    for org, year, total, low, high in headlines:
        rows = built.query(
            "select factor_id, data_quality, kg_co2e from marts.fct_emissions where org_code = ? "
            "and reporting_year = ? and boundary = 'core' and factor_status = 'mapped'",
            [org, year],
        )
        activity = sum((shares[q][0] * abs(kg) / 1000) ** 2 for _, q, kg in rows)
        by_factor: dict[str, float] = {}
        for factor, q, kg in rows:
            by_factor[factor] = by_factor.get(factor, 0.0) + shares[q][1] * abs(kg) / 1000
        half = (activity + sum(v**2 for v in by_factor.values())) ** 0.5
        assert total == pytest.approx(sum(kg for *_, kg in rows) / 1000, rel=1e-9)
        assert low == pytest.approx(total - half, rel=1e-9)
        assert high == pytest.approx(total + half, rel=1e-9)
        assert 0 < low < total < high, (org, year)
