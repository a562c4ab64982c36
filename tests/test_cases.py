"""The scoring cases in tests/cases/: each file is a ruleset, one unit's data and the result
worked out by hand; one test scores them all. The format is described, for finance officers, in
tests/cases/README.md.

A case file names its ruleset in one of three ways (exactly one):

- ``ruleset = "department-wide"`` — a shipped ruleset, ``rulesets/department-wide.toml``;
- ``ruleset_file = "examples/…/ruleset.toml"`` — a ruleset file, from the repository root;
- the ruleset itself, written into the case file: its ``[ruleset]``, ``[inputs.…]``,
  ``[derived]``, ``[scales.…]`` and ``[indicators.…]`` tables.

The unit's values are in ``[data]`` (or in a data file, ``data_file = "examples/….toml"``), and the
expected result in ``[expected]``: ``total`` and ``grade`` (required), ``[expected.scores]`` and
``[expected.subtotals]`` (indicator id → points), ``[expected.explanations]`` and
``[expected.explanations_en]`` (leaf id → sentence), ``deductions`` and ``notes`` (leaf ids, in the
order reports list them) and ``fallbacks`` (the notes on derived values that divided by zero).
Every difference is reported at once, each under its key in the case file.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest

import perfscore
from helpers import ROOT
from perfscore.toml import dumps_document

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

CASES = ROOT / "tests" / "cases"
SHIPPED = ROOT / "rulesets"

#: Keys a case file may have besides the tables of a ruleset written into it.
CASE_KEYS = ("description", "ruleset", "ruleset_file", "data", "data_file", "expected")
#: The top-level tables of a ruleset document (docs/ruleset-format.md).
RULESET_TABLES = ("ruleset", "inputs", "derived", "scales", "indicators", "tables")
EXPECTED_KEYS = (
    "total",
    "grade",
    "scores",
    "subtotals",
    "explanations",
    "explanations_en",
    "deductions",
    "notes",
    "fallbacks",
)


class CaseFileError(Exception):
    """A case file that cannot be run as written: the message names the file and the key."""


@dataclass(frozen=True)
class Case:
    """One case file, read and checked: where it is, its ruleset, the unit's values and what is expected."""

    path: Path
    ruleset: perfscore.Ruleset
    values: Mapping[str, Any]
    expected: Mapping[str, Any]


def shown_path(path: Path) -> str:
    """A path as a reader finds it: from the repository root when it is inside it."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.toml"))


# --- reading a case file -------------------------------------------------------------------------


def _fail(path: Path, key: str | None, message: str) -> CaseFileError:
    where = f"{shown_path(path)}: {key}: " if key else f"{shown_path(path)}: "
    return CaseFileError(where + message)


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def key_of(table: str, name: str) -> str:
    """How a case file writes the key ``name`` inside ``table``: an id with dots is in quotes."""
    return f'{table}."{name}"' if "." in name else f"{table}.{name}"


def _repository_file(path: Path, key: str, value: Any) -> Path:
    """A file named by a case, from the repository root; it must exist and stay inside the repository."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, key, "expected a file path from the repository root, in quotes")
    target = (ROOT / value).resolve()
    if not target.is_relative_to(ROOT):
        raise _fail(path, key, f"'{value}' is outside the repository; give a path from the repository root")
    if not target.is_file():
        raise _fail(path, key, f"no file '{value}' in the repository")
    return target


def _ruleset(path: Path, document: Mapping[str, Any]) -> perfscore.Ruleset:
    """The case's ruleset: a shipped one by id, a file, or the ruleset tables written in the case."""
    named = document.get("ruleset")
    inline = {key: value for key, value in document.items() if key in RULESET_TABLES and key != "ruleset"}
    if isinstance(named, Mapping):
        inline = {"ruleset": named, **inline}
    ways = [
        way
        for way, given in (("ruleset", isinstance(named, str)), ("ruleset_file", "ruleset_file" in document))
        if given
    ]
    if inline:
        ways.append("a ruleset written in the case (" + ", ".join(f"[{key}]" for key in inline) + ")")
    if len(ways) != 1:
        found = "none" if not ways else " and ".join(ways)
        raise _fail(
            path,
            None,
            f'name the ruleset once: ruleset = "<id>", ruleset_file = "<path>", or its own [ruleset] and [indicators] tables; found {found}',
        )
    if isinstance(named, str):
        known = sorted(file.stem for file in SHIPPED.glob("*.toml"))
        if named not in known:
            raise _fail(
                path,
                "ruleset",
                f"no shipped ruleset '{named}'; expected one of {', '.join(known)}{_did_you_mean(named, known)}",
            )
        return perfscore.load(SHIPPED / f"{named}.toml")
    if "ruleset_file" in document:
        return perfscore.load(_repository_file(path, "ruleset_file", document["ruleset_file"]))
    if named is not None and not isinstance(named, Mapping):
        raise _fail(path, "ruleset", "expected the id of a shipped ruleset, in quotes, or a [ruleset] table")
    return perfscore.loads(dumps_document(inline), source=shown_path(path))


def _values(path: Path, document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The unit's input values: the [data] table, or the one unit of a data file."""
    if ("data" in document) == ("data_file" in document):
        raise _fail(path, None, 'give the unit\'s values once: a [data] table or data_file = "<path>"')
    if "data_file" in document:
        units = perfscore.read_units(_repository_file(path, "data_file", document["data_file"]))
        if len(units) != 1:
            raise _fail(path, "data_file", f"expected a file with one unit, found {len(units)}")
        return units[0].values
    data = document["data"]
    if not isinstance(data, Mapping):
        raise _fail(path, "data", "expected a table of input values: [data]")
    return data


def _number(path: Path, key: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        raise _fail(path, key, f"expected a number such as 9.95, got {value!r}")
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise _fail(path, key, f"expected a number such as 9.95, got {value!r}") from None
    if not number.is_finite():
        raise _fail(path, key, f"expected a number such as 9.95, got {value!r}")
    return number


def _flat(path: Path, key: str, table: Any) -> dict[str, Any]:
    """``{"budget": {"execution_rate": 9.95}}`` as ``{"budget.execution_rate": 9.95}``: an indicator id
    may be written with or without quotes (``budget.execution_rate = 9.95`` is a nested table in TOML)."""
    if not isinstance(table, Mapping):
        raise _fail(path, key, f"expected a table [{key}] of indicator ids")
    flat: dict[str, Any] = {}
    for name, value in table.items():
        if isinstance(value, Mapping):
            flat.update({f"{name}.{inner}": item for inner, item in _flat(path, key_of(key, name), value).items()})
        else:
            flat[name] = value
    return flat


def _ids(path: Path, key: str, given: Any, known: list[str], kind: str, *, listed: bool = False) -> None:
    """Every id a case names (as keys of a table, or ``listed`` in a list) is one the ruleset has."""
    for name in given:
        if name not in known:
            where, what = (key, f"'{name}' is not") if listed else (key_of(key, name), "not")
            raise _fail(path, where, f"{what} the id of a {kind} of the ruleset{_did_you_mean(name, known)}")


def _expected(path: Path, table: Any, ruleset: perfscore.Ruleset) -> dict[str, Any]:
    """The [expected] table, checked: known keys, numbers where numbers go, ids that exist."""
    if not isinstance(table, Mapping):
        raise _fail(path, "expected", "expected an [expected] table with at least total and grade")
    for key in table:
        if key not in EXPECTED_KEYS:
            raise _fail(path, f"expected.{key}", f"unknown key{_did_you_mean(key, list(EXPECTED_KEYS))}")
    for key in ("total", "grade"):
        if key not in table:
            raise _fail(path, f"expected.{key}", "missing required key")
    leaves = [leaf.id for leaf in ruleset.leaves]
    groups = [node.id for node in ruleset.indicators() if node.children]
    expected: dict[str, Any] = {"total": _number(path, "expected.total", table["total"])}
    if not isinstance(table["grade"], str):
        raise _fail(path, "expected.grade", 'expected a grade name in quotes, such as "优"')
    expected["grade"] = table["grade"]
    for key, known, kind in (("scores", leaves, "leaf indicator"), ("subtotals", groups, "group of indicators")):
        if key in table:
            flat = _flat(path, f"expected.{key}", table[key])
            _ids(path, f"expected.{key}", flat, known, kind)
            expected[key] = {
                name: _number(path, key_of(f"expected.{key}", name), value) for name, value in flat.items()
            }
    for key in ("explanations", "explanations_en"):
        if key in table:
            flat = _flat(path, f"expected.{key}", table[key])
            _ids(path, f"expected.{key}", flat, leaves, "leaf indicator")
            for name, sentence in flat.items():
                if not isinstance(sentence, str):
                    raise _fail(path, key_of(f"expected.{key}", name), "expected the sentence in quotes")
            expected[key] = flat
    for key in ("deductions", "notes", "fallbacks"):
        if key in table:
            items = table[key]
            if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
                raise _fail(path, f"expected.{key}", 'expected a list of texts in quotes: ["…", "…"]')
            if key != "fallbacks":
                _ids(path, f"expected.{key}", items, leaves, "leaf indicator", listed=True)
            expected[key] = list(items)
    return expected


def read_case(path: Path) -> Case:
    """Read and check one case file; a mistake in it raises CaseFileError naming the file and key."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        hint = ""
        if "overwrite" in str(error) or "declare" in str(error):
            hint = '; write indicator ids in quotes, such as "output.quantity" = 19.74'
        raise _fail(path, None, f"not valid TOML: {error}{hint}") from None
    for key in document:
        if key not in CASE_KEYS and key not in RULESET_TABLES:
            raise _fail(path, key, f"unknown key{_did_you_mean(key, [*CASE_KEYS, *RULESET_TABLES])}")
    if "description" in document and not isinstance(document["description"], str):
        raise _fail(path, "description", "expected one line of text in quotes")
    if "expected" not in document:
        raise _fail(path, "expected", "missing required table [expected]")
    ruleset = _ruleset(path, document)
    values = _values(path, document)
    return Case(path, ruleset, values, _expected(path, document["expected"], ruleset))


# --- comparing the result with what the case expects ---------------------------------------------


def differences(case: Case, result: perfscore.ScoreResult) -> list[str]:
    """Every way the result departs from the case, one line each, under the case file's key."""
    expected = case.expected
    found: list[str] = []

    def compare(key: str, want: Any, got: Any) -> None:
        if want != got:
            found.append(
                f"{key}: expected {want!r}, got {got!r}"
                if isinstance(want, (str, list))
                else f"{key}: expected {want}, got {got}"
            )

    compare("expected.total", expected["total"], result.total)
    if expected["grade"] not in (result.grade.name, result.grade.name_en):
        found.append(
            f"expected.grade: expected {expected['grade']!r}, got {result.grade.name!r} ({result.grade.name_en})"
        )
    for leaf, score in expected.get("scores", {}).items():
        compare(key_of("expected.scores", leaf), score, result.item(leaf).score)
    subtotals = result.subtotals
    for group, score in expected.get("subtotals", {}).items():
        compare(key_of("expected.subtotals", group), score, subtotals[group])
    for key, lang in (("explanations", "zh"), ("explanations_en", "en")):
        for leaf, sentence in expected.get(key, {}).items():
            compare(key_of(f"expected.{key}", leaf), sentence, result.item(leaf).explain(lang))
    if "deductions" in expected:
        compare("expected.deductions", expected["deductions"], [item.id for item in result.deductions])
    if "notes" in expected:
        compare("expected.notes", expected["notes"], [item.id for item in result.notes])
    if "fallbacks" in expected:
        compare("expected.fallbacks", expected["fallbacks"], result.fallback_notes("zh"))
    return found


def run_case(path: Path) -> list[str]:
    """Read, score and compare one case; the differences, or CaseFileError / a perfscore error."""
    case = read_case(path)
    result = case.ruleset.score(case.values, unit=path.stem)
    return differences(case, result)


# --- the tests -----------------------------------------------------------------------------------


def test_the_cases_folder_holds_the_cases() -> None:
    """The glob finds the case files (an empty folder would make the case test pass vacuously)."""
    names = {path.stem for path in case_files()}
    assert len(names) >= 10
    assert {"seed-liwan-2023", "template-mof-2020", "community-legal-service"} <= names


@pytest.mark.parametrize("path", case_files(), ids=lambda path: path.stem)
def test_case(path: Path) -> None:
    """The case's unit scores exactly the leaf scores, subtotals, total, grade and explanations worked out by hand."""
    try:
        found = run_case(path)
    except CaseFileError as error:
        found, problem = [], str(error)
    except perfscore.PerfscoreError as error:
        found, problem = [], f"{shown_path(path)}: the case could not be scored:\n{error}"
    else:
        problem = ""
    if problem:  # failed outside the except block, so pytest shows the message alone
        pytest.fail(problem, pytrace=False)
    if found:
        count = f"{len(found)} difference" + ("" if len(found) == 1 else "s")
        pytest.fail(f"{shown_path(path)}: {count} from the expected result\n  " + "\n  ".join(found), pytrace=False)


@pytest.mark.parametrize("path", case_files(), ids=lambda path: path.stem)
def test_case_shows_its_working(path: Path) -> None:
    """Every case explains its arithmetic in comments, so a reader can check the expected values by hand."""
    comments = [line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    assert len(comments) >= 3, f"{shown_path(path)}: write the working (A, B, W and each score) in # comments"


# --- a mistake in a case file is named, with its key ---------------------------------------------

INLINE = """\
[ruleset]
id = "case-format"
title = "格式检查"
version = "1"
sources = ["测试"]
total = 10

[inputs.done]
type = "count"
label = "完成数"

[indicators.group]
name = "分组"
points = 10

[indicators.group.done]
name = "完成数"
points = 10
method = "ratio"
actual = "done"
target = 10

[data]
done = 9
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            INLINE + '\n[expected]\ntotal = 9\ngrade = "优"\ntotla = 9\n',
            "{file}: expected.totla: unknown key (did you mean 'total'?)",
        ),
        (INLINE + "\n[expected]\ntotal = 9\n", "{file}: expected.grade: missing required key"),
        (
            INLINE + '\n[expected]\ntotal = "九"\ngrade = "优"\n',
            "{file}: expected.total: expected a number such as 9.95, got '九'",
        ),
        (
            INLINE + '\n[expected]\ntotal = 9\ngrade = "优"\n[expected.scores]\ngroup.dnoe = 9\n',
            "{file}: expected.scores.\"group.dnoe\": not the id of a leaf indicator of the ruleset (did you mean 'group.done'?)",
        ),
        (
            INLINE + '\n[expected]\ntotal = 9\ngrade = "优"\n[expected.subtotals]\n"group.done" = 9\n',
            "{file}: expected.subtotals.\"group.done\": not the id of a group of indicators of the ruleset (did you mean 'group'?)",
        ),
        (
            'ruleset = "department-wid"\n[data]\n[expected]\ntotal = 1\ngrade = "差"\n',
            "{file}: ruleset: no shipped ruleset 'department-wid'; expected one of department-wide, project-capped-total, "
            "project-execution-bands, project-four-stage, project-management-performance, project-mof-2020"
            " (did you mean 'department-wide'?)",
        ),
        (
            'ruleset = "department-wide"\nruleset_file = "rulesets/department-wide.toml"\n[data]\n[expected]\ntotal = 1\ngrade = "差"\n',
            '{file}: name the ruleset once: ruleset = "<id>", ruleset_file = "<path>", or its own [ruleset] and'
            " [indicators] tables; found ruleset and ruleset_file",
        ),
        (
            'ruleset_file = "../outside.toml"\n[data]\n[expected]\ntotal = 1\ngrade = "差"\n',
            "{file}: ruleset_file: '../outside.toml' is outside the repository; give a path from the repository root",
        ),
        (
            'ruleset = "department-wide"\ndata_file = "examples/liwan-2023.toml"\n[data]\n[expected]\ntotal = 1\ngrade = "差"\n',
            '{file}: give the unit\'s values once: a [data] table or data_file = "<path>"',
        ),
        ('ruleset = "department-wide"\n[data]\n', "{file}: expected: missing required table [expected]"),
        ('ruleset = "department-wide"\n[dta]\n', "{file}: dta: unknown key (did you mean 'data'?)"),
        (
            INLINE + '\n[expected]\ntotal = 9\ngrade = "优"\ndeductions = ["grup.done"]\n',
            "{file}: expected.deductions: 'grup.done' is not the id of a leaf indicator of the ruleset (did you mean 'group.done'?)",
        ),
        ("ruleset = \n", "{file}: not valid TOML: Invalid value (at line 1, column 11)"),
    ],
    ids=[
        "misspelt-expected-key",
        "no-grade",
        "total-not-a-number",
        "unknown-leaf",
        "leaf-as-group",
        "unknown-shipped-ruleset",
        "two-rulesets",
        "ruleset-outside",
        "data-twice",
        "no-expected",
        "misspelt-table",
        "unknown-leaf-in-list",
        "bad-toml",
    ],
)
def test_a_malformed_case_names_the_file_and_the_key(text: str, message: str, tmp_path: Path) -> None:
    """A mistake in a case file is reported as the file, the key and what was expected, not as a traceback."""
    path = tmp_path / "bad-case.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError) as caught:
        run_case(path)
    assert str(caught.value) == message.format(file=str(path))


def test_a_group_and_its_member_unquoted_get_a_hint(tmp_path: Path) -> None:
    """``group = 9`` then ``group.done = 9`` is a TOML error; the message says to quote indicator ids."""
    path = tmp_path / "unquoted.toml"
    path.write_text(
        INLINE + '\n[expected]\ntotal = 9\ngrade = "优"\n[expected.subtotals]\ngroup = 9\ngroup.done = 9\n',
        encoding="utf-8",
    )
    with pytest.raises(CaseFileError) as caught:
        run_case(path)
    assert str(caught.value).startswith(f"{path}: not valid TOML: Cannot overwrite a value")
    assert str(caught.value).endswith('; write indicator ids in quotes, such as "output.quantity" = 19.74')


def test_a_wrong_expectation_is_reported_under_its_key(tmp_path: Path) -> None:
    """Every difference is listed at once, each under the case file's key, with the expected and actual value."""
    path = tmp_path / "wrong.toml"
    text = (
        INLINE
        + '\n[expected]\ntotal = 9.1\ngrade = "良"\n[expected.scores]\ngroup.done = 9\n[expected.subtotals]\ngroup = 9.1\n'
    )
    path.write_text(text, encoding="utf-8")
    # 9 / 10 × 10 = 9.00: the score is right; the total, the grade (9 of 10 is 优) and the subtotal are not.
    assert run_case(path) == [
        "expected.total: expected 9.1, got 9.00",
        "expected.grade: expected '良', got '优' (Excellent)",
        "expected.subtotals.group: expected 9.1, got 9.00",
    ]


def test_an_inline_ruleset_mistake_names_the_case_file(tmp_path: Path) -> None:
    """A ruleset written into a case is checked like any ruleset, and its problems name the case file."""
    path = tmp_path / "broken.toml"
    path.write_text(
        INLINE.replace("target = 10", "tagret = 10") + '\n[expected]\ntotal = 9\ngrade = "优"\n', encoding="utf-8"
    )
    with pytest.raises(perfscore.RulesetError) as caught:
        run_case(path)
    assert [(problem.location.file, problem.message) for problem in caught.value.problems] == [
        (str(path), "missing required key"),
        (str(path), "unknown key"),
    ]
