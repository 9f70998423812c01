"""Nothing imports upward: each package of the project imports only the packages below it.

connectors, expectations  read and validate exports (no pipeline, no Dagster)
report                    pages from a served warehouse
pipelines                 the run: Dagster assets, dbt, publication, the CLI
web                       the online system, on top of all of them
benchmarks                the benchmark harness, a plugin command (pyproject.toml)
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAY_IMPORT = {
    "connectors": {"connectors"},
    "samples": {"samples", "connectors"},
    "expectations": {"expectations", "connectors"},
    "report": {"report"},
    "pipelines": {"pipelines", "connectors", "expectations", "report", "samples"},
    "web": {"web", "pipelines", "connectors", "report"},
    "benchmarks": {"benchmarks", "pipelines", "connectors", "expectations", "report", "samples"},
}


def imported(path: Path) -> set[str]:
    """The top-level names of every absolute import in a module, lazy ones included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def project_imports(path: Path) -> set[str]:
    return imported(path) & set(MAY_IMPORT)


def test_no_package_imports_one_above_it():
    upward = [
        f"{path.relative_to(ROOT)} imports {sorted(project_imports(path) - allowed)}"
        for package, allowed in MAY_IMPORT.items()
        for path in sorted((ROOT / package).rglob("*.py"))
        if project_imports(path) - allowed
    ]
    assert not upward, "\n".join(upward)


def test_connectors_do_not_import_dagster():
    dagster = [p for p in sorted((ROOT / "connectors").rglob("*.py")) if "dagster" in imported(p)]
    assert not dagster


def test_the_scan_sees_lazy_and_from_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from pipelines.history import X\n    import dagster.core\n")
    assert imported(module) == {"pipelines", "dagster"}
