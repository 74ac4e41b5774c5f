"""The shape of the code, checked: who may import whom, and no import loops.

Arrows point one way: bot -> drafting -> storage -> nothing of ours. An import loop, even one
dodged with an import inside a function or one only type checking follows
(``if TYPE_CHECKING:``), means two modules that cannot be understood (or loaded) apart.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable

import grimp
import pytest

from tests.conftest import REPO

# Which of our packages each package may import.
ALLOWED = {
    "bot": {"drafting", "storage"},
    "drafting": {"storage"},
    "storage": set(),
}


def packages() -> list[str]:
    """Our top-level packages, as pyproject.toml ships them."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return sorted(p.rstrip("*") for p in config["tool"]["setuptools"]["packages"]["find"]["include"])


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every set of modules that import each other, directly or not (Tarjan's algorithm)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative depth-first search: (module, the imports still to look at).
        work: list[tuple[str, Iterable[str]]] = []

        def enter(module: str) -> None:
            order[module] = low[module] = len(order)
            stack.append(module)
            on_stack.add(module)
            work.append((module, iter(sorted(graph.find_modules_directly_imported_by(module)))))

        enter(start)
        while work:
            module, imports = work[-1]
            for imported in imports:
                if imported not in graph.modules:
                    continue
                if imported not in order:
                    enter(imported)
                    break
                if imported in on_stack:
                    low[module] = min(low[module], order[imported])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == order[module]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == module:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in order:
            visit(module)
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # Type-checking imports included: a loop through annotations is still a loop to a reader.
    return grimp.build_graph(*packages(), cache_dir=None)


def test_every_package_has_its_place() -> None:
    assert set(packages()) == set(ALLOWED)


def test_imports_point_one_way(graph: grimp.ImportGraph) -> None:
    wrong = []
    for importer in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(importer):
            here, there = importer.split(".")[0], imported.split(".")[0]
            if there != here and there in ALLOWED and there not in ALLOWED[here]:
                wrong.append(f"{importer} -> {imported}")
    assert wrong == []


def test_no_import_loops(graph: grimp.ImportGraph) -> None:
    assert cycles(graph) == []


def test_the_loop_finder_finds_loops() -> None:
    graph = grimp.ImportGraph()
    for a, b in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d"), ("p.e", "p.e2"),
                 ("p.e2", "p.e")]:
        graph.add_import(importer=a, imported=b)
    assert sorted(cycles(graph)) == [["p.a", "p.b", "p.c"], ["p.e", "p.e2"]]
