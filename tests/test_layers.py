"""The imports between the project's modules go one way.

file → reader → normaliser → validator → loader → database → reports: the
``importers`` app sits above ``reports``, so nothing in ``reports`` imports
``importers``; inside ``importers`` a stage uses only the stages before it (a
reader never imports the normaliser or the loader); and the stages that the
design calls pure (readers, normaliser and what they use) need no Django at all.

Read from the source with ``ast``, so every import counts: one inside a
function, or a ``from … import`` of a module, as well as those at the top.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("importers", "reports")

IMPORTER_STAGES = (
    # What the stages share: problems and the parsers of cells.
    ("problems", "columns", "numbering", "departments", "limits", "titles"),
    ("readers", "exported", "pdf", "ocr"),
    ("normaliser",),
    ("validator", "ocr_readings", "ocr_departments"),
    ("loader", "writer", "changes", "undo", "corrections", "management", "apps"),
)
"""Each module of ``importers`` (by its name under the package), in the order of the flow."""

PURE_STAGES = 3
"""The first three stages (up to the normaliser) read files and make records: no database."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Every module ``path`` imports, with the line; ``from a import b`` counts
    as importing ``a`` and ``a.b`` (which is a module or a name in ``a``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.append((base, node.lineno))
            found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
    return found


def _project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    }


def _stage(module: str) -> int | None:
    """The stage of an ``importers`` module; None for anything else."""
    parts = module.split(".")
    if parts[0] != "importers" or len(parts) < 2:
        return None
    for index, names in enumerate(IMPORTER_STAGES):
        if parts[1] in names:
            return index
    raise AssertionError(f"{module} is in no stage of IMPORTER_STAGES: give it one")


def _graph() -> dict[str, list[tuple[str, int]]]:
    return {module: _imports(path) for module, path in _project_modules().items()}


def test_the_graph_is_read_from_every_module():
    graph = _graph()
    assert {"importers.readers", "importers.loader", "reports.models", "reports.views"} <= set(
        graph
    )
    edges = {(module, imported) for module, imports in graph.items() for imported, _ in imports}
    assert ("importers.normaliser", "importers.readers") in edges
    assert ("importers.loader", "importers.validator") in edges
    # An import inside a function counts too.
    assert ("importers.readers", "openpyxl") in edges


def test_reports_imports_nothing_from_importers():
    offending = [
        f"{_project_modules()[module].relative_to(ROOT)}:{line} imports {imported}"
        for module, imports in _graph().items()
        if module.split(".")[0] == "reports"
        for imported, line in imports
        if imported.split(".")[0] == "importers"
    ]
    assert offending == []


def test_every_importers_module_has_a_stage():
    modules = [module for module in _project_modules() if module.startswith("importers.")]
    assert len(modules) > 10
    for module in modules:
        assert _stage(module) is not None


def test_the_import_stages_use_only_those_before_them():
    offending = []
    for module, imports in _graph().items():
        stage = _stage(module)
        if stage is None:
            continue
        for imported, line in imports:
            used = _stage(imported)
            if used is not None and used > stage:
                path = _project_modules()[module].relative_to(ROOT)
                offending.append(
                    f"{path}:{line}: {IMPORTER_STAGES[stage][0]} stage imports {imported}"
                    f" from the later {IMPORTER_STAGES[used][0]} stage"
                )
    assert offending == []


def test_readers_and_the_normaliser_need_no_django():
    graph = _graph()
    pure = [module for module in graph if (_stage(module) or PURE_STAGES) < PURE_STAGES]
    assert "importers.readers" in pure and "importers.normaliser" in pure
    offending = []
    seen: set[str] = set()
    waiting = list(pure)
    while waiting:
        module = waiting.pop()
        if module in seen:
            continue
        seen.add(module)
        for imported, line in graph[module]:
            if imported.split(".")[0] == "django":
                path = _project_modules()[module].relative_to(ROOT)
                offending.append(f"{path}:{line} imports {imported}")
            elif imported in graph:
                waiting.append(imported)
    assert offending == []
    # What the pure stages use of reports is pure as well.
    assert {"reports.eras", "reports.cells"} <= seen
