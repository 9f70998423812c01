"""The project's own documentation holds: docs/layout.md's trace queries connect each headline
total to its activities and their files on a warehouse the pipeline built, every repository
path and link in docs/contract.md, docs/dialects.md and docs/layout.md exists, and nothing
in the repository cites a contract document that is not in it."""

import math
import os
import re
from pathlib import Path

import duckdb
import pytest
from progress_warehouse import published

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CONTRACT_DOCS = ("contract.md", "dialects.md", "layout.md")
LAYOUT = (DOCS / "layout.md").read_text(encoding="utf-8")
TRACING = LAYOUT.split("## Tracing a figure", 1)[1].split("\n## ", 1)[0]
TRACE_SQL = re.findall(r"```sql\n(.*?)```", TRACING, re.S)
EXAMPLE_ORG = "'UNEP'"

# kg CO2e and t CO2e are equal within 1e-9 relative, 1e-6 kg absolute (factors/METHODOLOGY.md
# section 2); a total read from the marts is rounded once more.
REL, ABS_T = 1e-9, 1e-6


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=ABS_T)


def rows_of(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- (a) the trace queries, run as written ----------------------------------------------------


def test_layout_documents_the_four_trace_queries():
    assert len(TRACE_SQL) == 4
    assert all(EXAMPLE_ORG in sql for sql in TRACE_SQL[:3])


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    served = published(tmp_path_factory.getbasetemp()).served
    con = duckdb.connect(str(served), read_only=True)
    yield con
    con.close()


def headline_orgs(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select org_code from marts.org_totals_annual "
            "where boundary = 'core' and is_headline_year order by org_code"
        ).fetchall()
    ]


@pytest.mark.slow
def test_each_headline_total_traces_to_its_activities_and_their_files(warehouse):
    orgs = headline_orgs(warehouse)
    assert len(orgs) >= 2 and EXAMPLE_ORG.strip("'") in orgs
    for org in orgs:
        figure_sql, activities_sql, sources_sql = (
            sql.replace(EXAMPLE_ORG, f"'{org}'") for sql in TRACE_SQL[:3]
        )
        (figure,) = rows_of(warehouse, figure_sql)
        activities = rows_of(warehouse, activities_sql)
        mapped = warehouse.execute(
            "select count(*) from marts.fct_emissions where org_code = ? "
            "and reporting_year = ? and boundary = 'core' and factor_status = 'mapped'",
            [org, figure["reporting_year"]],
        ).fetchone()[0]
        # every mapped row of the total is traced (the join to the manifest drops none) ...
        assert activities and len(activities) == mapped, org
        assert all(a["relative_path"] for a in activities), org
        assert all(a["source_row"] is not None for a in activities), org
        # ... and together they are the figure
        traced = sum(a["kg_co2e"] for a in activities) / 1000
        assert close(traced, figure["t_co2e"]), (org, traced, figure["t_co2e"])

        sources = rows_of(warehouse, sources_sql)
        assert {s["emission_id"] for s in sources} == {a["emission_id"] for a in activities}
        assert all(s["relative_path"] and s["source_row"] is not None for s in sources), org
        created = {s["emission_id"] for s in sources if s["contribution"] == "activity"}
        assert created == {a["emission_id"] for a in activities}, org


@pytest.mark.slow
def test_the_check_query_agrees_for_every_organization(warehouse):
    checked = rows_of(warehouse, TRACE_SQL[3])
    assert [r["org_code"] for r in checked] == headline_orgs(warehouse)
    for r in checked:
        assert close(r["traced_t_co2e"], r["t_co2e"]), r
        assert r["activities"] == r["activities_with_a_file"] > 0, r


# --- (b) every path and link in the contract documents exists ---------------------------------

# Top-level names a repository path in the documents starts with; a folder added later is
# recognised as soon as it exists. Generated folders are never repository paths.
TOP_LEVEL = {
    ".ci", "benchmarks", "connectors", "dbt_project", "docs", "expectations", "factors",
    "pipelines", "report", "scripts", "tests", "README.md", "pyproject.toml", "workspace.yaml",
    ".gitignore", ".sqlfluff", ".pre-commit-config.yaml",
}  # fmt: skip
GENERATED = {".venv", ".git", "demo", "landing", "warehouse", "logs", "greenblue.egg-info"}
PATH_TOKEN = re.compile(r"^[A-Za-z0-9_.*/-]+(::[A-Za-z0-9_]+)?$")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"```.*?```", re.S)


def is_repository_path(token: str) -> bool:
    if not PATH_TOKEN.match(token) or token.startswith("/"):
        return False
    first = token.split("::")[0].split("/")[0]
    if first in GENERATED or first in (".", ".."):  # `./landing` is a run's folder
        return False
    return first in TOP_LEVEL or ("/" in token and (ROOT / first).is_dir())


def path_problem(token: str) -> str | None:
    path, _, function = token.partition("::")
    if "*" in path:
        return None if list(ROOT.glob(path.rstrip("/"))) else f"{token}: nothing matches"
    target = ROOT / path.rstrip("/")
    if not target.exists():
        return f"{token}: no such file or folder"
    if path.endswith("/") and not target.is_dir():
        return f"{token}: not a folder"
    if function and not re.search(rf"^def {function}\(", target.read_text(), re.M):
        return f"{token}: no test {function} in {path}"
    return None


def slug(heading: str) -> str:
    """The anchor a heading gets: lower-case, punctuation removed, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    text = FENCE.sub("", markdown)
    return {slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.M)}


def test_every_repository_path_in_the_contract_documents_exists():
    problems, checked = [], 0
    for name in CONTRACT_DOCS:
        text = (DOCS / name).read_text(encoding="utf-8")
        for span in CODE_SPAN.findall(text):
            token = span.strip()
            if "<" in token or "{" in token or not is_repository_path(token):
                continue
            checked += 1
            if problem := path_problem(token):
                problems.append(f"docs/{name}: {problem}")
    assert checked > 100  # the documents do name their modules, models and tests
    assert not problems, "\n".join(problems)


def test_every_test_named_in_the_contract_documents_exists():
    defined = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        defined |= set(re.findall(r"^def (test_\w+)\(", path.read_text(encoding="utf-8"), re.M))
    named = {
        span
        for name in CONTRACT_DOCS
        for span in CODE_SPAN.findall((DOCS / name).read_text(encoding="utf-8"))
        if re.fullmatch(r"test_\w+", span)
    }
    assert len(named) > 50
    assert not named - defined, sorted(named - defined)


def test_every_link_in_the_contract_documents_resolves():
    problems = []
    for name in CONTRACT_DOCS:
        source = DOCS / name
        for target in LINK.findall(source.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            file, _, anchor = target.partition("#")
            path = (source.parent / file).resolve() if file else source
            if not path.exists():
                problems.append(f"docs/{name}: {target}: no such file")
            elif anchor and anchor not in anchors(path.read_text(encoding="utf-8")):
                problems.append(f"docs/{name}: {target}: no such heading")
    assert not problems, "\n".join(problems)


def test_dialect_and_contract_sections_keep_their_numbers():
    dialects = (DOCS / "dialects.md").read_text(encoding="utf-8")
    for n in range(1, 11):
        assert re.search(rf"^## D{n}\. ", dialects, re.M), f"dialects.md D{n}"
    contract = (DOCS / "contract.md").read_text(encoding="utf-8")
    for section in ("1", "1.1", "1.2", "2", "3", *(f"3.{n}" for n in range(1, 8)), "4", "5"):
        assert re.search(rf"^#+ {re.escape(section)}\.? ", contract, re.M), section


# --- (c) no citation of a document the repository does not hold --------------------------------

# `DIALECTS.md D3`, `DIALECTS D4`, `SPEC 3.6`, `SPEC section 1`, `the SPEC shape`, `METHOD.md`,
# `METHOD air rule 6`; not the Python names `registry.DIALECTS` or `oracle_po.SPEC:`.
CITATION = re.compile(r"DIALECTS\.md|\bDIALECTS D\d|\bSPEC\b(?!:)|\bMETHOD\b")
SCANNED = {".py", ".sql", ".yml", ".yaml", ".md", ".toml", ".cfg", ".csv", ".txt", ".json", ""}
SKIPPED_DIRS = {
    ".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "target", "logs",
    "dbt_packages", "demo", "landing", "warehouse", "work", "greenblue.egg-info", ".dagster_home",
}  # fmt: skip


def repository_files() -> list[Path]:
    files = []
    for parent, dirs, names in os.walk(ROOT):
        dirs[:] = sorted(
            d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".tmp_dagster_home")
        )
        for name in sorted(names):
            path = Path(parent, name)
            if path.suffix in SCANNED and path != Path(__file__).resolve():
                files.append(path)
    return files


def test_no_file_cites_a_document_outside_the_repository():
    cited = []
    for path in repository_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if CITATION.search(line):
                cited.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not cited, f"{len(cited)} citations:\n" + "\n".join(cited[:50])
