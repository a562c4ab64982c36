"""The module map in docs/architecture.md is the rule of the house: a module imports, at module level,
only modules of a lower layer. These tests read the map from the page and check every import."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "perfscore"
MAP = re.compile(r"^\|\s*(\d+)\s*\|\s*`([a-z_]+)`\s*\|", re.MULTILINE)


def layers() -> dict[str, int]:
    """Module (or package) → layer, as docs/architecture.md lists them."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    return {name: int(layer) for layer, name in MAP.findall(text)}


def module_of(path: Path) -> str:
    """The map's name for a source file: ``methods/ratio.py`` belongs to ``methods``."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, module) for each perfscore module a file imports at module level, not under TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(PACKAGE).parts[:-1]
    found = []
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = list(package[: len(package) - node.level + 1])
        target = [*base, *(node.module.split(".") if node.module else [])]
        names = [target[0]] if target else [alias.name for alias in node.names]
        found += [(node.lineno, name) for name in names]
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_the_map_lists_every_module() -> None:
    """Every module and package of src/perfscore is on the map, and nothing else is."""
    assert set(layers()) == {module_of(path) for path in SOURCES}


@pytest.mark.parametrize("path", SOURCES, ids=[str(path.relative_to(PACKAGE)) for path in SOURCES])
def test_imports_go_down_the_layers(path: Path) -> None:
    """A module imports only modules of lower layers (inside a package, its own modules too)."""
    table = layers()
    own = module_of(path)
    upward = [
        f"line {line}: {own} (layer {table[own]}) imports {name} (layer {table[name]})"
        for line, name in imported(path)
        if name != own and table[name] >= table[own]
    ]
    assert upward == []


def test_no_module_outside_the_methods_names_a_method() -> None:
    """Only methods/ knows the methods: no other module compares a method's name or imports a method class."""
    names = "ratio|bands|rating|deduction|boolean|formula"
    pattern = re.compile(rf"""\.name\s*==\s*["']({names})["']|import[^\n]*\b(Ratio|Bands|Rating|Deduction|Boolean)\b""")
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in SOURCES
        if module_of(path) != "methods"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
