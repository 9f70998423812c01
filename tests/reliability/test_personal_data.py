"""Fault family 8, personal data: nothing personal from the inputs leaves the connectors.

After one `greenblue run` on generated data in every dialect (and e-mail addresses added
where a Concur configuration may put them, at positions no column declares), no value of
a personal column (`Column.personal` of each dialect: traveller names, employee and driver
ids, card numbers, mileage addresses, report names, technicians, certificates, vendors)
and no e-mail address found in the input files appears in any VARCHAR column of any table
of the served warehouse or of the pipeline's working database (`raw`, `staging`,
`intermediate` live only there), in the HTML report (`greenblue report`) or in the run's
output and log. The values are collected from the input files by each dialect's declared personal
columns, not from a list, and every declared personal column is found populated, so the
check cannot pass by finding nothing. The agency CSVs also carry two columns no dialect
declares, the traveller's e-mail and home address: neither reaches raw in clear, `_extra`
included (the working database, where raw lives).
"""

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import pytest

from connectors import concur_sae
from connectors.base import Column, Table, header_key
from connectors.dialects import DIALECTS
from samples import generate
from tests.builders.landing import Run, text_values

pytestmark = pytest.mark.slow

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
EMAIL_POSITIONS = (263, 264)  # where Cornell's Concur extracts carry e-mail addresses
# A value this short (a middle initial, `MR`) names no one and equals many codes.
SHORTEST = 3
# Inside longer texts, values with a letter and at least this long are looked for.
SHORTEST_INSIDE = 6
DELIMITERS = (";", ",", "\t", "|")


def tables_of(domain: str) -> list[tuple[str, Table]]:
    return [(d.name, t) for d in DIALECTS.values() if d.domain == domain for t in d.tables]


def keys(column: Column) -> set[str]:
    return {header_key(text) for text in (column.header, *column.aliases)}


def header_row(rows: list[list[object]], tables: list[tuple[str, Table]]):
    """(row index, dialect, table) of the row naming most columns of one declared table."""
    best = (0, None, None, None)
    for i, row in enumerate(rows[:100]):
        present = {header_key(str(c)) for c in row if c is not None}
        for dialect, table in tables:
            score = sum(1 for c in table.columns if keys(c) & present)
            if score > best[0]:
                best = (score, i, dialect, table)
    return best[1:] if best[0] >= 3 else (None, None, None)


def decoded(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def cell_values(text: object) -> set[str]:
    """A cell and its parts: `100123     Acme Ltd` (SAP number + name) gives all three."""
    if text is None or not str(text).strip():
        return set()
    whole = str(text).strip()
    return {whole, *(p for p in re.split(r"\s{2,}", whole) if p)}


def from_rows(rows: list[list[object]], tables: list[tuple[str, Table]]) -> dict:
    """Values under the personal headers of the table this header row belongs to."""
    index, dialect, table = header_row(rows, tables)
    values: dict[tuple, set[str]] = defaultdict(set)
    if index is None:
        return values
    header = [header_key(str(c)) if c is not None else "" for c in rows[index]]
    for column in (c for c in table.columns if c.personal):
        at = [n for n, key in enumerate(header) if key in keys(column)]
        for row in rows[index + 1 :]:
            for n in at:
                if n < len(row):
                    values[(dialect, table.name, column.header)] |= cell_values(row[n])
    return values


def from_delimited(data: bytes, tables: list[tuple[str, Table]]) -> dict:
    text = decoded(data)
    head = text.splitlines()[:100]
    delimiter = max(DELIMITERS, key=lambda d: max((line.count(d) for line in head), default=0))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return from_rows([[c.strip() for c in row] for row in rows], tables)


def from_workbook(path: Path, tables: list[tuple[str, Table]]) -> dict:
    values: dict[tuple, set[str]] = defaultdict(set)
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for sheet in workbook.worksheets:
        for column, found in from_rows(list(sheet.iter_rows(values_only=True)), tables).items():
            values[column] |= found
    workbook.close()
    return values


def from_concur(data: bytes) -> dict[tuple, set[str]]:
    """Concur SAE has no header: the personal columns are declared by position."""
    positions = {p: c.header for p, c in concur_sae.POSITIONS if c.personal}
    values: dict[tuple, set[str]] = defaultdict(set)
    for fields in csv.reader(io.StringIO(decoded(data), newline=""), delimiter="|"):
        if len(fields) == concur_sae.FIELDS_PER_DETAIL:
            for position, header in positions.items():
                values[("concur_sae_pipe", "concur_sae_detail", header)] |= cell_values(
                    fields[position]
                )
    return values


def personal_values(landing: Path) -> dict[tuple, set[str]]:
    """(dialect, table, column) -> the values of that personal column in the input files,
    and ("e-mail",) -> every e-mail address anywhere in them."""
    values: dict[tuple, set[str]] = defaultdict(set)
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        data = path.read_bytes()
        tables = tables_of(path.parent.name)
        if path.suffix.lower() == ".xlsx":
            found = from_workbook(path, tables)
        elif data.lstrip(b"\xef\xbb\xbf").startswith(concur_sae.SIGNATURE.encode()):
            found = from_concur(data)
        elif path.suffix.lower() in (".csv", ".txt"):
            found = from_delimited(data, tables)
        else:
            found = {}
        for column, texts in found.items():
            values[column] |= texts
        if path.suffix.lower() != ".xlsx":
            values[("e-mail",)] |= {m.group(0) for m in EMAIL.finditer(decoded(data))}
    return values


def with_email_addresses(path: Path) -> None:
    """Put the traveller's e-mail address at 263 and 264 of every Concur DETAIL line."""
    data = path.read_bytes()
    encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding = "cp1252"
        text = data.decode(encoding)
    lines = []
    for line in text.split("\n"):
        fields = line.split("|")
        if len(fields) == concur_sae.FIELDS_PER_DETAIL and '"' not in line:
            name = re.sub(r"[^a-z]+", ".", f"{fields[6]}.{fields[5]}".lower()).strip(".")
            for position in EMAIL_POSITIONS:
                fields[position] = f"{name or 'staff'}@un.org"
            line = "|".join(fields)
        lines.append(line)
    path.write_bytes("\n".join(lines).encode(encoding))


EXTRA_EMAIL, EXTRA_ADDRESS = "Traveller Email", "Passenger Home Address"


def with_personal_extra_columns(path: Path) -> None:
    """Append the traveller's e-mail and home address to every row of an agency CSV."""
    text = path.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = rows[0]
    name = header.index("Traveller Name")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*header, EXTRA_EMAIL, EXTRA_ADDRESS])
    for number, row in enumerate(rows[1:], start=1):
        if len(row) > name and row[name].strip():
            surname, _, given = row[name].partition("/")
            local = re.sub(r"[^a-z]+", ".", f"{given.split(' ')[0]}.{surname}".lower())
            row = [*row, f"{local.strip('.') or 'staff'}@un.org", f"{number} Kirichwa Road"]
        writer.writerow(row)
    path.write_bytes(out.getvalue().encode("cp1252"))


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("personal")
    landing = root / "landing"
    generate(landing, orgs=2, rows=60, seed=11)
    for path in landing.rglob("extract_CES_SAE_*.txt"):
        with_email_addresses(path)
    for path in landing.glob("*/travel/*TravelData*.csv"):
        with_personal_extra_columns(path)
    done = Run(root, landing).run()
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    report = done.command("report", "--out", str(root / "site"))
    assert report.returncode == 0, report.stderr[-3000:]
    done.stdout += report.stdout
    done.stderr += report.stderr
    return done


@pytest.fixture(scope="module")
def personal(run) -> dict[tuple, set[str]]:
    return personal_values(run.landing)


@dataclass(frozen=True)
class Searched:
    """Personal values to look for: every one as a whole value (or a whole word of a text),
    those in `inside` also inside longer texts."""

    values: list[str]
    inside: frozenset[str]

    def found_in(self, text: str) -> list[str]:
        return [v for v in self.values if occurs(v, text, v in self.inside)]


def occurs(value: str, text: str, inside: bool) -> bool:
    """`value` in `text`; unless `inside`, only where no letter or digit touches it."""
    start = text.find(value)
    while start >= 0:
        end = start + len(value)
        before = text[start - 1 : start]
        after = text[end : end + 1]
        if inside or not (before.isalnum() or after.isalnum()):
            return True
        start = text.find(value, start + 1)
    return False


@pytest.fixture(scope="module")
def searched(run, personal) -> Searched:
    """What the repository ships as reference data (a given name that is also a town in the
    airport list, `Thomas` inside `St. Thomas`) proves nothing about the inputs: such a value
    is left out where it is shipped whole, and not looked for inside texts where it is
    shipped inside one. Numbers are not looked for inside longer numbers."""
    values = {v for texts in personal.values() for v in texts if len(v) >= SHORTEST}
    # the reference and factor tables, loaded from packages and factors/, never from landing
    shipped = text_values(run.served, ("reference", "factors"))
    left_out = values & set(shipped)
    assert len(left_out) < 0.05 * len(values), sorted(left_out)
    values -= left_out
    candidates = {v for v in values if len(v) >= SHORTEST_INSIDE and re.search("[A-Za-z]", v)}
    inside_shipped = {v for v in candidates if any(v in text for text in shipped)}
    return Searched(sorted(values), frozenset(candidates - inside_shipped))


def test_every_declared_personal_column_is_found_populated_in_the_inputs(personal):
    declared = {
        (d.name, t.name, c.header)
        for d in DIALECTS.values()
        for t in d.tables
        for c in t.columns
        if c.personal and c.header != "Middle Initial"
    }
    empty = sorted(c for c in declared if not personal.get(c))
    assert not empty, f"no values collected for {empty}: the scan would prove nothing"
    assert len(personal[("e-mail",)]) > 10


CATALOGS = ("served", "work")  # the served file and the working database, both read-only


def varchar_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    return con.execute(
        "select table_catalog, table_schema, table_name, column_name "
        "from information_schema.columns "
        "where table_catalog in (select unnest(?::varchar[])) and data_type = 'VARCHAR' "
        "order by all",
        [list(CATALOGS)],
    ).fetchall()


def test_no_personal_value_is_in_any_text_column_of_the_warehouse(run, searched):
    """Every text column of the served file and of the working database (between runs)."""
    con = duckdb.connect()
    con.execute("attach ? as served (read_only)", [str(run.served)])
    con.execute("attach ? as work (read_only)", [str(run.work_db)])
    con.execute(
        "create table personal as select v, list_contains(?::varchar[], v) as inside "
        "from (select unnest(?::varchar[]) as v)",
        [sorted(searched.inside), searched.values],
    )
    columns = varchar_columns(con)
    schemas = {(catalog, schema) for catalog, schema, _, _ in columns}
    assert {("work", s) for s in ("raw", "staging", "intermediate", "marts", "ops")} <= schemas
    assert {("served", s) for s in ("marts", "ops", "factors", "reference")} <= schemas
    assert len(columns) > 300
    leaks = []
    for catalog, schema, table, column in columns:
        ref = f'{catalog}."{schema}"."{table}"."{column}"'
        found = con.execute(
            f'select distinct p.v from {catalog}."{schema}"."{table}" join personal p '
            f"on {ref} = p.v or (p.inside and contains({ref}, p.v)) "
            "limit 3"
        ).fetchall()
        leaks += [f"{catalog}: {schema}.{table}.{column}: {v!r}" for (v,) in found]
    con.close()
    assert not leaks


def test_no_personal_value_is_in_the_html_report(run, searched):
    pages = sorted((run.root / "site").glob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not searched.found_in(text), page.name


def test_no_personal_value_is_in_the_output_or_the_log(run, searched):
    log = run.log
    assert "nightly" in run.stderr and "dbt" in log
    for name, text in (("stdout", run.stdout), ("stderr", run.stderr), ("last-run.log", log)):
        assert not searched.found_in(text), name


def test_pseudonymised_columns_hold_pseudonyms_only(run):
    for dialect in DIALECTS.values():
        for table in dialect.tables:
            for column in table.columns:
                if column.personal == "pseudonymise":
                    values = run.work_query(
                        f'select count(*), count(*) filter (where "{column.name}" not like '
                        f"'psn\\_%' escape '\\') from raw.{table.name} "
                        f'where "{column.name}" is not null'
                    )
                    assert values[0][0] > 0 and values[0][1] == 0, (table.name, column.name)
                elif column.personal == "drop":
                    present = run.work_query(
                        "select count(*) from information_schema.columns "
                        "where table_schema = 'raw' and table_name = ? and column_name = ?",
                        [table.name, column.name],
                    )
                    assert present == [(0,)], (table.name, column.name)


@pytest.fixture(scope="module")
def extra_personal(run) -> dict[str, set[str]]:
    """The values of the agency CSVs' undeclared personal columns, by header."""
    values: dict[str, set[str]] = defaultdict(set)
    for path in run.landing.glob("*/travel/*TravelData*.csv"):
        rows = list(csv.reader(io.StringIO(decoded(path.read_bytes()), newline=""), delimiter=";"))
        for header in (EXTRA_EMAIL, EXTRA_ADDRESS):
            at = rows[0].index(header)
            values[header] |= {r[at] for r in rows[1:] if len(r) > at and r[at]}
    return values


def test_personal_columns_no_dialect_declares_never_reach_raw_in_clear(run, extra_personal):
    """Working database: the e-mails are pseudonyms in `_extra`, the addresses are dropped,
    and neither value is in any text column of any raw table."""
    assert extra_personal[EXTRA_EMAIL] and len(extra_personal[EXTRA_ADDRESS]) > 10
    extras = [
        json.loads(e)
        for (e,) in run.work_query(
            "select _extra from raw.tmc_air_segments where _extra is not null"
        )
    ]
    emails = [e[EXTRA_EMAIL] for e in extras if EXTRA_EMAIL in e]
    assert len(emails) > 10 and all(e.startswith("psn_") for e in emails)
    assert not any(EXTRA_ADDRESS in e for e in extras)
    con = duckdb.connect(str(run.work_db), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'raw' and data_type = 'VARCHAR'"
        ).fetchall()
        values = sorted(set().union(*extra_personal.values()))
        leaks = [
            f"raw.{table}.{column}: {found}"
            for table, column in columns
            for (found,) in con.execute(
                f'select distinct v from raw."{table}", unnest(?::varchar[]) as t(v) '
                f'where contains("{column}", v) limit 3',
                [values],
            ).fetchall()
        ]
    finally:
        con.close()
    assert not leaks
