"""The package's import graph: no circles among brief's modules (imports inside functions counted too), and
nothing in brief imports the tests."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "brief"


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name, for its __init__)."""
    names: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``name`` imports anywhere in its file (top level or inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from brief.models import ctranslate2` imports the submodule; `import X` of a name, the module.
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    names = module_names()
    return {name: imports_of(name, path, set(names)) for name, path in names.items()}


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` reaches by following imports."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), set()) - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other through imports (strongly connected, more than one module)."""
    reach = {node: reachable(edges, node) for node in edges}
    found: list[list[str]] = []
    for node in sorted(edges):
        component = sorted({node} | {other for other in reach[node] if node in reach.get(other, set())})
        if len(component) > 1 and component not in found:
            found.append(component)
    return found


def test_the_reader_finds_a_circle_and_the_imports_inside_functions() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    edges = graph()
    assert "brief.models.ctranslate2" in edges["brief.models"]  # imported inside a function


def test_no_import_circles_among_the_package_modules() -> None:
    assert circles(graph()) == []


def test_nothing_in_the_package_imports_the_tests_or_edits_sys_path() -> None:
    offenders = []
    for name, path in module_names().items():
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "tests" for a in node.names):
                offenders.append(name)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "tests":
                offenders.append(name)
        if "sys.path.insert" in text or "sys.path.append" in text:
            offenders.append(name)
    assert offenders == []
