"""The package's import graph: no cycle, and no layer imports one above it (function-level imports included:
they are dependencies too)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "lib" / "readiness"

# Bottom to top. A unit is a top-level module or package of readiness.
LAYERS = [
    ["readiness", "readiness.vocabulary", "readiness.config", "readiness.safe", "readiness.textfiles",
     "readiness.profile", "readiness.columns", "readiness.progress"],
    ["readiness.entities", "readiness.exportwriter"],
    ["readiness.loader", "readiness.halo"],
    ["readiness.facts"],
    ["readiness.rules", "readiness.scoring", "readiness.suppress", "readiness.decisions"],
    ["readiness.contract_map", "readiness.effort", "readiness.checklist", "readiness.workbook"],
    ["readiness.audit"],
    ["readiness.report", "readiness.explorer", "readiness.batch", "readiness.reconcile", "readiness.synth",
     "readiness.pull"],
    ["readiness.cli"],
]


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _unit(name: str) -> str:
    return ".".join(name.split(".")[:2])


def unit_graph() -> dict[str, set[str]]:
    """{unit: units it imports}, from every import statement of every module."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    keep = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(keep + ([base] if base else []))
                # `from readiness import scoring` imports the module readiness.scoring
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            deps |= {_unit(t) for t in targets if t == "readiness" or t.startswith("readiness.")}
        graph.setdefault(_unit(name), set()).update(d for d in deps if d != _unit(name))
    return graph


def test_every_unit_has_a_layer():
    placed = {u for layer in LAYERS for u in layer}
    assert set(unit_graph()) <= placed, sorted(set(unit_graph()) - placed)


def test_no_layer_imports_one_above_it():
    level = {u: i for i, layer in enumerate(LAYERS) for u in layer}
    upward = [f"{a} -> {d}" for a, deps in unit_graph().items() for d in deps if level[d] > level[a]]
    assert not upward, upward


def test_the_import_graph_has_no_cycle():
    graph = unit_graph()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                raise AssertionError(" -> ".join(path[path.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
