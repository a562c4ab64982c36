"""docs/security.md stays true: every test it cites exists, and every name of perfscore's it cites resolves.

The page states each guarantee with the test that proves it. A test renamed or removed, or a
module reorganised, would leave the page citing a proof that no longer runs; these checks make
that a failing test instead of a stale page.

How the page cites tests: a table whose header has a cell ``Test (`test_x.py::…`)`` cites test
names from ``tests/test_x.py`` in that column (``test_name``, ``TestClass::test_name``, several
per cell); anywhere else — and in a "Proved by" column — a citation is written in full,
``test_x.py::test_name``. Every row of a table with a test column must cite one.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import re
from collections.abc import Iterator
from functools import cache

import pytest

import perfscore
from helpers import ROOT

PAGE = ROOT / "docs" / "security.md"
TESTS = ROOT / "tests"

TEST_HEADER = re.compile(r"Tests? \(`(test_\w+\.py)::…`\)|^Proved by$")
CITED_NAME = re.compile(r"`((?:Test\w+::)?test_\w+)(?:\[[^\]`]*\])?`")
FULL_CITATION = re.compile(r"`(test_\w+\.py)::((?:Test\w+::)?test_\w+)(?:\[[^\]`]*\])?`")
#: `module.name` or `package.module.name`: perfscore's unless the first part is another library's
#: module or a ruleset key path's first key (`derived.completion.formula`).
SYMBOL = re.compile(r"`(?:perfscore\.)?((?:[a-z_]+\.)*[a-z_]+)\.([A-Za-z_][A-Za-z0-9_]*)(?:\(\))?`")
FOREIGN = {
    "ast",
    "decimal",
    "derived",
    "indicators",
    "json",
    "math",
    "openpyxl",
    "os",
    "signal",
    "str",
    "sys",
    "tomllib",
    "unicodedata",
    "x",
    "zipfile",
}
FILE_SUFFIXES = {"csv", "html", "json", "md", "py", "toml", "txt", "xlsx"}
LIMITS_FIELD = re.compile(r"`(?:perfscore\.)?Limits\((\w+)=")


@dataclasses.dataclass(frozen=True)
class Citation:
    """A test the page names as proof, with the line it is named on."""

    line: int
    file: str
    name: str


def rows(text: str) -> Iterator[tuple[int, bool, list[str]]]:
    """Every Markdown table row of the page as (line number, first row of its table, cells)."""
    previous = False
    for number, line in enumerate(text.splitlines(), 1):
        in_table = line.startswith("|")
        if in_table and not re.fullmatch(r"\|[\s:|-]+\|", line):
            yield number, not previous, [cell.strip() for cell in line.strip().strip("|").split("|")]
        previous = in_table


def citations(text: str) -> list[Citation]:
    """The tests cited by the page, in table columns and in full form anywhere."""
    found: list[Citation] = []
    column: int | None = None
    file = ""
    for number, first, cells in rows(text):
        if first:
            column = None
        header = [TEST_HEADER.search(cell) for cell in cells]
        if any(header):
            column = next(index for index, match in enumerate(header) if match)
            file = header[column].group(1) or ""  # type: ignore[union-attr]  # "Proved by": full citations only
            continue
        if column is not None and file and column < len(cells):
            cell = FULL_CITATION.sub("", cells[column])
            found += [Citation(number, file, name) for name in CITED_NAME.findall(cell)]
    for number, line in enumerate(text.splitlines(), 1):
        found += [Citation(number, file, name) for file, name in FULL_CITATION.findall(line)]
    return found


@cache
def defined(file: str) -> frozenset[str]:
    """The tests a test file defines: ``test_x`` and ``TestClass::test_x``."""
    path = TESTS / file
    if not path.is_file():
        return frozenset()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            names |= {f"{node.name}::{item.name}" for item in node.body if isinstance(item, ast.FunctionDef)}
    return frozenset(names)


def resolves(module: str, name: str) -> bool:
    """Whether ``perfscore.<module>.<name>`` exists (``module`` may be ``perfscore`` itself), as an
    attribute or as a submodule."""
    owner_name = module if module == "perfscore" else f"perfscore.{module}"
    try:
        owner = importlib.import_module(owner_name)
    except ImportError:
        return False
    if hasattr(owner, name):
        return True
    try:
        importlib.import_module(f"{owner_name}.{name}")
    except ImportError:
        return False
    return True


def test_the_page_cites_tests_in_tables_and_in_full() -> None:
    """The citation reader sees a table column's names, a "Proved by" column's full citations (and
    not its bare names) and full citations in prose, each with its file."""
    text = (
        "| attack | Test (`test_security.py::…`) |\n|---|---|\n| a | `test_one`, `TestX::test_two[case]` |\n\n"
        "| # | Proved by |\n|---|---|\n| 1 | `test_fuzz.py::test_four`, `test_bare` |\n\n"
        "Proved by `test_bad_data.py::test_three`.\n"
    )
    assert sorted(citations(text), key=lambda c: c.line) == [
        Citation(3, "test_security.py", "test_one"),
        Citation(3, "test_security.py", "TestX::test_two"),
        Citation(7, "test_fuzz.py", "test_four"),
        Citation(9, "test_bad_data.py", "test_three"),
    ]


def test_names_resolve_only_when_they_exist() -> None:
    """The resolver finds attributes and submodules of perfscore, and nothing that is not there."""
    assert resolves("perfscore", "Limits") and resolves("perfscore", "files") and resolves("text", "for_terminal")
    assert not resolves("perfscore", "codegen") and not resolves("data", "MAX_TEXT_LENGTH")
    assert not resolves("limits", "MAX_TEXT_LENGTH")


def test_every_test_the_page_cites_exists() -> None:
    """Each cited test is defined in the file the page says (a renamed test fails here, not silently)."""
    cited = citations(PAGE.read_text(encoding="utf-8"))
    assert len(cited) > 50  # the reader found the tables
    missing = [f"line {c.line}: {c.file}::{c.name}" for c in cited if c.name not in defined(c.file)]
    assert missing == []


def test_every_guarantee_row_cites_a_test() -> None:
    """Every row of a table with a test column names at least one test."""
    text = PAGE.read_text(encoding="utf-8")
    cited_lines = {c.line for c in citations(text)}
    column_rows: list[int] = []
    in_table = False
    for number, first, cells in rows(text):
        if first:
            in_table = False
        if any(TEST_HEADER.search(cell) for cell in cells):
            in_table = True
        elif in_table:
            column_rows.append(number)
    assert column_rows
    assert [number for number in column_rows if number not in cited_lines] == []


def test_every_name_of_perfscores_the_page_cites_exists() -> None:
    """`module.name` references (`limits.look_alike`, `wording.render`, …) resolve in the installed package."""
    text = PAGE.read_text(encoding="utf-8")
    symbols = [
        (module, name)
        for module, name in SYMBOL.findall(text)
        if module.split(".")[0] not in FOREIGN and name not in FILE_SUFFIXES
    ]
    assert symbols
    assert [f"{module}.{name}" for module, name in symbols if not resolves(module, name)] == []


@pytest.mark.parametrize("field", sorted(set(LIMITS_FIELD.findall(PAGE.read_text(encoding="utf-8")))))
def test_every_limit_the_page_names_is_a_field_of_limits(field: str) -> None:
    """`Limits(max_x=…)` on the page names a real field, so the documented bound is the one applied."""
    assert field in {item.name for item in dataclasses.fields(perfscore.Limits)}
