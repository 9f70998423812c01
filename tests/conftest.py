"""Suite-wide collection order. (The repository root is on the import path through
`pythonpath` in pyproject.toml, so the tests' file builders import as `tests.builders`.)"""


def pytest_collection_modifyitems(items):
    """Modules with slow tests (real pipeline runs) first, each module kept whole and in its
    own order: when modules run in parallel, the long ones start early and the short ones
    fill the gaps, instead of one long module running alone at the end."""
    first_seen: dict[str, int] = {}
    slow: set[str] = set()
    for index, item in enumerate(items):
        module = item.nodeid.split("::")[0]
        first_seen.setdefault(module, index)
        if item.get_closest_marker("slow") is not None:
            slow.add(module)
    items.sort(
        key=lambda item: (
            item.nodeid.split("::")[0] not in slow,
            first_seen[item.nodeid.split("::")[0]],
        )
    )
