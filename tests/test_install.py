"""The install holds on a fresh machine (issue 8, item 1): every import the code makes is declared, the optional
extractors trafilatura reaches for at run time import, and the constraints file pins what the suite passed with.

A machine that already had ``lxml_html_clean`` once hid that the project never declared it: every HTML page then
failed on a fresh install. These tests read pyproject.toml and the package's source, so an undeclared import or
a constraint that drifts fails here rather than on a user's machine.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "brief"


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement line ("lxml_html_clean>=0.4" -> "lxml-html-clean")."""
    return re.sub(r"[-_.]+", "-", re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement).group(1)).lower()


@functools.lru_cache(maxsize=1)
def declared() -> set[str]:
    """Every distribution pyproject.toml names: dependencies and all optional extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra in project.get("optional-dependencies", {}).values():
        names |= {_name(r) for r in extra}
    return names


@functools.lru_cache(maxsize=1)
def imported_modules() -> dict[str, str]:
    """Top-level module -> first file importing it, over every import statement in the brief package."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


@functools.lru_cache(maxsize=1)
def distributions() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


@functools.lru_cache(maxsize=1)
def third_party() -> dict[str, str]:
    return {
        module: where
        for module, where in imported_modules().items()
        if module not in sys.stdlib_module_names and module != "brief"
    }  # nothing in the package imports tests/ or tools/ (tests/test_imports.py), so every other module is a package


@pytest.mark.parametrize("module", sorted(third_party()))
def test_every_import_of_the_package_is_declared(module: str) -> None:
    if _name(module) in declared():
        return  # declared under its own name (tomli, only installed on Python 3.10)
    found = distributions().get(module)
    assert found, f"{module} (imported in {third_party()[module]}) belongs to no installed distribution"
    names = {re.sub(r"[-_.]+", "-", d).lower() for d in found}
    assert names & declared(), (
        f"{module} (imported in {third_party()[module]}) comes from {sorted(names)}, which pyproject.toml does not declare"
    )


def test_the_html_extractors_import_at_start_up_and_extract_a_page() -> None:
    # justext (through trafilatura) imports lxml.html.clean, which lxml 5.2+ no longer ships: lxml_html_clean does.
    code = (
        "import trafilatura, justext, htmldate, lxml.html.clean, protego\n"
        "html = '<html><body><article><h1>عنوان</h1><p>' + 'قالت الوزارة إن الاجتماع انتهى باتفاق. ' * 20 +"
        " '</p></article></body></html>'\n"
        "text = trafilatura.extract(html)\n"
        "assert text and 'الوزارة' in text, text\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def constraints() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pins[_name(name)] = version
    return pins


def test_constraints_pin_every_declared_dependency_and_torch_at_the_readme_version() -> None:
    pins = constraints()
    assert "brief" not in pins
    assert pins["torch"] == "2.13.0"
    assert pins["lxml-html-clean"]
    missing = sorted(declared() - set(pins) - {"tomli"})  # tomli: Python 3.10 only
    assert missing == [], f"declared but not pinned in constraints.txt: {missing}"


def test_readme_and_ci_install_the_same_way_without_upgrading_pip() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    line = 'pip install torch==2.13.0 -c constraints.txt -e ".[test]"'
    assert line in readme and line in ci
    assert "--upgrade pip" not in ci and "-U pip" not in ci
    assert "download.pytorch.org/whl/cpu" in readme  # how a laptop gets the CPU build of torch


@pytest.mark.parametrize("module", ["lxml_html_clean", "protego"])
def test_what_the_extractors_need_at_run_time_is_declared_not_left_to_chance(module: str) -> None:
    # justext imports lxml.html.clean, which lxml 5.2+ hands on to lxml_html_clean; justext asks for it only
    # through lxml's "html-clean" extra, which the pip of a fresh venv (23.2) does not match to lxml[html_clean].
    names = {re.sub(r"[-_.]+", "-", d).lower() for d in distributions().get(module, [])}
    assert names & declared(), f"{module} is needed at run time but pyproject.toml does not declare {sorted(names)}"
