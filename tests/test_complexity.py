"""No function in ``brief/`` grows past cyclomatic complexity 20 (radon's count): past that, a function is split by
what it does. The house style says so; this test keeps it true."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "brief"
LIMIT = 20

# Functions above the limit still to split, as (path under the repository, name as radon gives it: "function" or
# "Class.method"). Empty: every function is within the limit; keep it so.
KNOWN: frozenset[tuple[str, str]] = frozenset()


def _blocks(blocks: list[Any]) -> Iterator[Any]:
    """radon's blocks with the functions nested inside functions (closures), which it lists apart."""
    for block in blocks:
        yield block
        yield from _blocks(getattr(block, "closures", None) or [])


def _too_complex() -> list[tuple[str, str, int]]:
    """Every function or method in brief/ above LIMIT, as (path, name, complexity)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        for block in _blocks(cc_visit(path.read_text(encoding="utf-8"))):
            # cc_visit gives classes with their methods listed separately too; a class's own number is the mean
            # of its methods, so only functions and methods are judged.
            if getattr(block, "is_method", None) is None:
                continue
            if block.complexity > LIMIT:
                found.append((relative, block.fullname, block.complexity))
    return found


def test_the_package_is_read() -> None:
    """The walk sees the package's modules, so an empty finding means something."""
    assert (PACKAGE / "compose.py").is_file()
    blocks = cc_visit((PACKAGE / "compose.py").read_text(encoding="utf-8"))
    assert any(block.name == "compose" for block in blocks)


@pytest.mark.parametrize("source", ["def f(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(LIMIT)) + "    return -1\n"])
def test_a_function_past_the_limit_is_seen(source: str) -> None:
    """A function with LIMIT branches counts LIMIT + 1, so the check below would catch it."""
    (block,) = cc_visit(source)
    assert block.complexity == LIMIT + 1


def test_no_function_is_too_complex() -> None:
    """No function in brief/ has cyclomatic complexity above LIMIT, other than the known ones still to split."""
    new = [(path, name, cc) for path, name, cc in _too_complex() if (path, name) not in KNOWN]
    assert not new, "split by what they do:\n" + "\n".join(f"  {path} {name}: {cc}" for path, name, cc in new)


def test_the_known_list_holds_only_functions_still_too_complex() -> None:
    """An entry of KNOWN whose function was split (or renamed) must leave the list, so the list can only shrink."""
    still = {(path, name) for path, name, _ in _too_complex()}
    assert sorted(KNOWN - still) == []
