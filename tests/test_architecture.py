"""The package layering of ``vc_service``: read off the import statements, so a change that breaks it
fails here rather than in a review. Layers, bottom up:

- infrastructure (``INFRASTRUCTURE``): the agent, the database, contexts, the ledger, HTTP plumbing,
  outbound fetches, the domain errors; it imports nothing above it;
- the schema: every capability's ``models`` module, which names tables and imports only infrastructure
  and other models;
- capability packages (everything else under ``vc_service/``): their domain modules import no routes,
  no pages and no request dependencies, and form no cycle (reading another package's tables is not a
  dependency on its code);
- routes (``routes.py``, ``*_routes.py``), pages (``web/``) and the application (``main``, ``deps``,
  ``routing``, ``state``, ``cli``) on top.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx
import pytest

PACKAGE = Path(__file__).parent.parent / "vc_service"
INFRASTRUCTURE = {
    "agent",
    "contexts",
    "credentials",
    "data_dir",
    "db",
    "errors",
    "http",
    "ledger",
    "outbound",
    "service_secrets",
    "settings",
    "timestamps",
}
APPLICATION = {"main", "deps", "routing", "state", "cli", "tables", "web"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> Iterator[str]:
    """Every ``vc_service`` module the file imports, at the top or inside a function."""
    here = module_name(path).split(".")
    if path.name != "__init__.py":
        here = here[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
            # ``from .pkg import module`` names modules as well as attributes
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name == "vc_service" or name.startswith("vc_service."):
                yield name


def top(module: str) -> str:
    return module.split(".")[1] if "." in module else module


def is_route_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last == "routes" or last.endswith("_routes")


def is_models(module: str) -> bool:
    return module.rsplit(".", 1)[-1] == "models"


def source_files() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:  # history: a migration keeps what it imported when written
            continue
        yield module_name(path), path


def existing(modules: set[str]) -> set[str]:
    """Only names that are modules or packages (``from x import name`` also yields ``x.name``)."""
    known = {name for name, _ in source_files()} | {"vc_service"}
    return {module for module in modules if module in known}


IMPORTS = {name: existing(set(imported_modules(path))) for name, path in source_files()}


def test_infrastructure_imports_no_capability_package():
    wrong = [
        f"{module} imports {target}"
        for module, targets in IMPORTS.items()
        if top(module) in INFRASTRUCTURE and not is_route_module(module)
        for target in sorted(targets)
        if top(target) not in INFRASTRUCTURE and target != "vc_service"
    ]
    assert wrong == []


def test_models_import_only_models_and_infrastructure():
    wrong = [
        f"{module} imports {target}"
        for module, targets in IMPORTS.items()
        if is_models(module)
        for target in sorted(targets)
        if not (is_models(target) or top(target) in INFRASTRUCTURE or target == "vc_service")
    ]
    assert wrong == []


def test_domain_modules_import_no_routes_pages_or_request_dependencies():
    wrong = [
        f"{module} imports {target}"
        for module, targets in IMPORTS.items()
        if top(module) not in APPLICATION and not is_route_module(module)
        for target in sorted(targets)
        if is_route_module(target) or top(target) in APPLICATION
    ]
    assert wrong == []


def test_capability_packages_form_no_cycle():
    graph = networkx.DiGraph()
    for module, targets in IMPORTS.items():
        if top(module) in APPLICATION or is_route_module(module):
            continue
        for target in targets:
            if top(target) == top(module) or target == "vc_service" or is_models(module) or is_models(target):
                continue
            graph.add_edge(top(module), top(target), via=f"{module} -> {target}")
    cycles = [
        [graph.edges[a, b]["via"] for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True)]
        for cycle in networkx.simple_cycles(graph)
    ]
    assert cycles == []


@pytest.mark.parametrize("text", ['"anoncreds"', '"ld_proof"', "'anoncreds'", "'ld_proof'"])
def test_no_module_outside_the_formats_compares_format_names(text):
    """A format's name is spelled in its own module (and where ACA-Py's wire protocol names it)."""
    allowed = {"formats", "agent"}
    wrong = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in {".py", ".html"} or "migrations" in path.parts:
            continue
        if top(module_name(path) if path.suffix == ".py" else "vc_service.web") in allowed:
            continue
        wrong += [
            f"{path.relative_to(PACKAGE)}:{n}"
            for n, line in enumerate(path.read_text().splitlines(), 1)
            if text in line
        ]
    assert wrong == []
