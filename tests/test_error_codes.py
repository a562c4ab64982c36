"""Every problem code is documented, and only documented codes are used.

docs/errors.md, section "Problem codes (问题代码)", lists each code of
:data:`perfscore.errors.CODES` once, in a table row ``| `code` | 含义 | Meaning | Severity |``
whose two meaning columns are the ones ``CODES`` holds. Every code the source gives a problem or a
finding — ``code="…"`` and the other ways a code literal reaches a ``code`` parameter — is in
``CODES``.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from helpers import ROOT
from perfscore.errors import CODES, SEVERITIES, Location, Problem

DOC = ROOT / "docs" / "errors.md"
SOURCE = ROOT / "src" / "perfscore"
SECTION = "## Problem codes (问题代码)"
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|(.*)\|\s*$")


@dataclass(frozen=True)
class Row:
    """One code as docs/errors.md lists it."""

    line: int
    code: str
    zh: str
    en: str
    severity: str


@cache
def documented() -> tuple[Row, ...]:
    """The rows of the code tables in the Problem codes section, in order."""
    text = DOC.read_text(encoding="utf-8")
    assert SECTION in text, f"docs/errors.md has no section '{SECTION}'"
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    first_line = text.count("\n", 0, start) + 1
    rows = []
    for offset, line in enumerate(text[start : None if end < 0 else end].split("\n")):
        found = ROW.match(line)
        if found:
            cells = [cell.strip() for cell in found.group(2).split("|")]
            assert len(cells) == 3, (
                f"docs/errors.md:{first_line + offset}: expected | `code` | 含义 | Meaning | Severity |"
            )
            rows.append(Row(first_line + offset, found.group(1), *cells))
    return tuple(rows)


# --- the source ----------------------------------------------------------------------------------


def _strings(node: ast.expr | None) -> Iterator[str]:
    """The text constants an expression can evaluate to (through ``a if c else b``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)


def _code_positions(trees: dict[Path, ast.Module]) -> dict[str, set[int]]:
    """For every function, method or dataclass of the source with a ``code`` parameter or field:
    the position a caller gives it at (``self`` not counted)."""
    positions: dict[str, set[int]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                fields = [
                    item.target.id
                    for item in node.body
                    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
                ]
                if "code" in fields:
                    positions.setdefault(node.name, set()).add(fields.index("code"))
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        names = [arg.arg for arg in (*item.args.posonlyargs, *item.args.args)]
                        if "code" in names and names and names[0] in ("self", "cls"):
                            positions.setdefault(item.name, set()).add(names.index("code") - 1)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [arg.arg for arg in (*node.args.posonlyargs, *node.args.args)]
                if "code" in names and (not names or names[0] not in ("self", "cls")):
                    positions.setdefault(node.name, set()).add(names.index("code"))
    return positions


@cache
def used_codes() -> dict[str, tuple[str, ...]]:
    """Every code literal in src/perfscore, with where it is: ``code="…"`` keywords, ``code = "…"``
    assignments, and text given at the position of a ``code`` parameter (``self.add("error", "grade", …)``)."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8"), str(path)) for path in sorted(SOURCE.rglob("*.py"))}
    positions = _code_positions(trees)
    found: dict[str, list[str]] = {}
    for path, tree in trees.items():
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            values: list[str] = []
            if isinstance(node, ast.Call):
                values += [
                    text for keyword in node.keywords if keyword.arg == "code" for text in _strings(keyword.value)
                ]
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                for index in positions.get(name or "", ()):
                    if index < len(node.args):
                        values += _strings(node.args[index])
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(target, ast.Name) and target.id == "code" for target in targets):
                    values += _strings(node.value)
            for value in values:
                found.setdefault(value, []).append(f"{where}:{node.lineno}")
    return {code: tuple(places) for code, places in found.items()}


# --- the tests -----------------------------------------------------------------------------------


def test_the_section_lists_every_code_exactly_once() -> None:
    """docs/errors.md lists the codes of CODES: none missing, none extra, none twice."""
    listed = [row.code for row in documented()]
    twice = sorted(code for code, count in Counter(listed).items() if count > 1)
    assert twice == [], f"listed more than once in docs/errors.md: {twice}"
    assert sorted(set(CODES) - set(listed)) == [], "in CODES but not in docs/errors.md"
    assert sorted(set(listed) - set(CODES)) == [], "in docs/errors.md but not in CODES"


@pytest.mark.parametrize("code", sorted(CODES))
def test_the_documented_meaning_is_the_one_in_codes(code: str) -> None:
    """The 含义 and Meaning columns say what CODES says, so the page and the list cannot drift apart."""
    rows = [row for row in documented() if row.code == code]
    assert [(row.zh, row.en) for row in rows] == [CODES[code]]


def test_each_documented_severity_starts_with_a_severity() -> None:
    """The Severity column starts with error, warning or info (a note may follow)."""
    wrong = [
        f"{row.line}: {row.code}: {row.severity}"
        for row in documented()
        if row.severity.split(" ")[0].rstrip(";") not in SEVERITIES
    ]
    assert wrong == []


def test_every_code_in_the_source_is_in_codes() -> None:
    """Every code literal src/ gives a problem or a finding is in CODES (findings are not checked when made)."""
    unknown = {code: places for code, places in used_codes().items() if code not in CODES}
    assert unknown == {}


def test_every_code_in_codes_is_used_or_marked_reserved() -> None:
    """A code no source gives is not dead weight by accident: docs/errors.md marks it reserved."""
    unused = set(CODES) - set(used_codes())
    unmarked = sorted(row.code for row in documented() if row.code in unused and "reserved" not in row.severity)
    assert unmarked == [], "in CODES, never used in src/, and not marked reserved in docs/errors.md"


def test_the_source_scan_sees_every_way_codes_are_written() -> None:
    """The scan is not vacuous: it finds codes written as keywords, assignments and positional arguments."""
    used = used_codes()
    assert {
        "points-sum",  # Problem(…, code="points-sum")
        "division-by-zero",  # code = "division-by-zero" if zero else "formula-failed"
        "formula-failed",
        "no-band",  # code.fail("no-band", …)
        "unreadable-cell",  # self.problem(cell, index, message, "unreadable-cell")
        "grade",  # self.add("error", "grade", …) in the table audit
        "row-score",  # "budget-score" if budget else "row-score"
    } <= set(used)
    assert len(used) >= 100


def test_a_problem_with_an_unlisted_code_is_refused() -> None:
    """The list is closed: making a Problem with a code not in CODES raises, naming the page to document it in."""
    with pytest.raises(ValueError) as caught:
        Problem(Location(), "message", code="not-a-listed-code")
    assert str(caught.value) == (
        "unknown problem code 'not-a-listed-code': add it to perfscore.errors.CODES and docs/errors.md"
    )
