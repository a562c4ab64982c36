"""The TOML examples in docs/*.md are run: what the documentation shows is what perfscore does.

Two kinds of fenced ```toml block take part (every other block is left alone):

- a block whose first line is ``# ruleset: complete`` must load with :func:`perfscore.loads`;
- a block whose first line is ``# data for: <ruleset id>`` and whose second line is
  ``# expected total: 12.34`` is one data file; it is scored against the nearest complete ruleset
  block above it in the same file with that ``[ruleset] id``, and each unit's total is compared
  with the expected one. A file with many units lists their totals in order:
  ``# expected total: 12.34, 56.78``.

The expected totals were worked out by hand in the documents themselves, not copied from a run.
A second part checks claims the documents make in prose that no example block can show.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

import perfscore

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib

DOCS = Path(__file__).resolve().parent.parent / "docs"
FENCE = re.compile(r"^```toml[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
RULESET_MARK = "# ruleset: complete"
DATA_MARK = re.compile(r"^# data for: (\S+)\s*$")
EXPECTED = re.compile(r"^# expected total: (.+?)\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced TOML block: the file it is in, the line its text starts on, and its text."""

    file: Path
    line: int
    text: str

    @property
    def where(self) -> str:
        return f"{self.file.name}:{self.line}"

    @property
    def first_line(self) -> str:
        return self.text.split("\n", 1)[0].strip()

    @property
    def ruleset_id(self) -> str | None:
        """The ``[ruleset] id`` the block declares, if it is TOML with one."""
        try:
            document = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError:
            return None
        meta = document.get("ruleset")
        return meta.get("id") if isinstance(meta, dict) else None


def toml_blocks(path: Path) -> list[Block]:
    """Every ```toml block of a Markdown file, in order."""
    text = path.read_text(encoding="utf-8")
    return [Block(path, text.count("\n", 0, match.start(1)) + 1, match.group(1)) for match in FENCE.finditer(text)]


def doc_files() -> list[Path]:
    return sorted(DOCS.glob("*.md"))


def ruleset_blocks() -> list[Block]:
    return [block for path in doc_files() for block in toml_blocks(path) if block.first_line == RULESET_MARK]


@dataclass(frozen=True)
class DataCase:
    """A data block, the complete ruleset block above it that it names, and the expected totals."""

    ruleset: Block | None
    data: Block
    ruleset_id: str
    expected: tuple[str, ...] | None


def data_cases() -> list[DataCase]:
    cases = []
    for path in doc_files():
        latest: dict[str | None, Block] = {}  # the nearest complete ruleset so far, by id
        for block in toml_blocks(path):
            if block.first_line == RULESET_MARK:
                latest[block.ruleset_id] = block
                continue
            found = DATA_MARK.match(block.first_line)
            if found is None:
                continue
            lines = block.text.split("\n")
            expected = EXPECTED.match(lines[1].strip()) if len(lines) > 1 else None
            totals = tuple(part.strip() for part in expected.group(1).split(",")) if expected else None
            cases.append(DataCase(latest.get(found.group(1)), block, found.group(1), totals))
    return cases


def load_block(block: Block) -> perfscore.Ruleset:
    return perfscore.loads(block.text, source=block.where)


# --- the example blocks ---------------------------------------------------------------------


def test_docs_exist() -> None:
    """The documentation pages this test reads are all there."""
    names = {path.name for path in doc_files()}
    assert {"ruleset-format.md", "methods.md", "expressions.md", "cli.md", "errors.md"} <= names


@pytest.mark.parametrize("name", ["ruleset-format.md", "methods.md"])
def test_reference_pages_have_a_checked_example(name: str) -> None:
    """The format reference and the methods page each carry a ruleset with data and a hand-checked total."""
    cases = [case for case in data_cases() if case.data.file.name == name]
    assert cases, f"{name} has no '# data for:' block"
    assert all(case.expected for case in cases)


@pytest.mark.parametrize("block", ruleset_blocks(), ids=lambda block: block.where)
def test_complete_ruleset_loads(block: Block) -> None:
    """Every block marked '# ruleset: complete' is a ruleset perfscore accepts."""
    ruleset = load_block(block)
    assert ruleset.leaves, "a complete ruleset has at least one indicator"


@pytest.mark.parametrize("case", data_cases(), ids=lambda case: case.data.where)
def test_data_block_scores_its_expected_total(case: DataCase, tmp_path: Path) -> None:
    """Every '# data for:' block, read as a data file, scores the total its second line states."""
    assert case.ruleset is not None, f"no complete ruleset block with id '{case.ruleset_id}' above this data block"
    assert case.expected is not None, "the second line of a data block is '# expected total: …'"
    ruleset = load_block(case.ruleset)
    assert ruleset.id == case.ruleset_id, f"the data is for '{case.ruleset_id}' but the ruleset above is '{ruleset.id}'"
    data_file = tmp_path / "unit.toml"
    data_file.write_text(case.data.text, encoding="utf-8")
    units = perfscore.read_units(data_file)
    assert len(units) == len(case.expected), "one expected total per unit"
    totals = [str(ruleset.score(unit.values, unit=unit.id).total) for unit in units]
    assert totals == list(case.expected)


def test_block_finder_sees_marked_blocks() -> None:
    """The block finder is not vacuous: the pages hold several complete rulesets and data blocks."""
    assert len(ruleset_blocks()) >= 5
    assert len(data_cases()) >= 5


# --- claims made in prose ---------------------------------------------------------------------

CLAIM_HEADER = """\
[ruleset]
id = "claim"
title = "文档声明"
version = "1"
sources = ["财预〔2020〕10号"]
total = 10

[inputs.n]
type = "number"
label = "数值"
"""


def claim_ruleset(formula: str) -> perfscore.Ruleset:
    """A ruleset whose only indicator (10 points) is scored by ``formula`` over the input ``n``."""
    leaf = f'[indicators.item]\nname = "指标"\npoints = 10\nmethod = "formula"\nformula = "{formula}"\n'
    return perfscore.loads(CLAIM_HEADER + "\n" + leaf)


def test_numbers_stay_exact(tmp_path: Path) -> None:
    """expressions.md: 0.1 + 0.2 is exactly 0.3, and 2468.78 read from a data file stays 2468.78."""
    ruleset = claim_ruleset("(n - 2468.78) * 1000000 + (5 if 0.1 + 0.2 == 0.3 else 0)")
    data_file = tmp_path / "unit.toml"
    data_file.write_text("n = 2468.78\n", encoding="utf-8")
    (unit,) = perfscore.read_units(data_file)
    assert unit.values["n"] == Decimal("2468.78")
    item = ruleset.score(unit.values).item("item")
    assert item.raw == Decimal(5)
    assert item.score == Decimal("5.00")


def test_division_by_zero_is_a_located_error() -> None:
    """expressions.md: dividing by zero stops scoring with a ScoringError pointing at the division."""
    ruleset = claim_ruleset("points - 1 / n")
    with pytest.raises(perfscore.ScoringError) as caught:
        ruleset.score({"n": 0})
    assert str(caught.value) == (
        "<string>: indicators.item.formula: formula failed: division by zero\n    points - 1 / n\n             ^~~~~"
    )


def test_zero_to_a_negative_power_is_a_division_by_zero() -> None:
    """expressions.md: n ** -1 with n = 0 is 1 / 0, a located ScoringError, not an infinite score."""
    ruleset = claim_ruleset("n ** -1")
    with pytest.raises(perfscore.ScoringError) as caught:
        ruleset.score({"n": 0})
    assert "division by zero" in str(caught.value)
    assert "n ** -1" in str(caught.value)


def test_a_formula_nested_too_deep_is_reported_once() -> None:
    """expressions.md and errors.md: a sum of 102 names is too deep, and that mistake gives one message."""
    text = CLAIM_HEADER + '\n[indicators.item]\nname = "指标"\npoints = 10\nmethod = "formula"\n'
    text += 'formula = "' + " + ".join(["n"] * 102) + '"\n'
    with pytest.raises(perfscore.RulesetError) as caught:
        perfscore.loads(text)
    assert [problem.message for problem in caught.value.problems] == ["formula is nested more than 100 levels deep"]


@pytest.mark.parametrize("literal", ["0x10", "0o17", "0b11"])
def test_non_decimal_number_literals_are_refused_at_load(literal: str) -> None:
    """expressions.md: numbers are written in decimal; 0x…, 0o…, 0b… are a located RulesetError."""
    with pytest.raises(perfscore.RulesetError) as caught:
        claim_ruleset(f"{literal} + n")
    assert [problem.location.path for problem in caught.value.problems] == [("indicators", "item", "formula")]


def test_a_broken_leaf_gives_one_message_not_three() -> None:
    """errors.md: one mistake gives one message; the groups above a broken leaf are not blamed for it."""
    text = (
        CLAIM_HEADER
        + """
[indicators.output]
name = "产出"
points = 10

[indicators.output.quantity]
name = "数量"
points = 10
method = "ratoi"
actual = "n"
target = 1
"""
    )
    with pytest.raises(perfscore.RulesetError) as caught:
        perfscore.loads(text)
    assert [problem.location.path for problem in caught.value.problems] == [
        ("indicators", "output", "quantity", "method")
    ]


def test_points_are_added_as_written_even_when_a_leaf_is_broken() -> None:
    """errors.md: the 'add up' message uses the points written in the file, broken leaves included."""
    text = (
        CLAIM_HEADER
        + """
[indicators.output]
name = "产出"
points = 10

[indicators.output.quantity]
name = "数量"
points = 6
method = "ratio"
actual = "n"
target = 1

[indicators.output.quality]
name = "质量"
points = 4
method = "ratio"
actual = "n.real"
target = 1
"""
    )
    with pytest.raises(perfscore.RulesetError) as caught:
        perfscore.loads(text)
    messages = [problem.message for problem in caught.value.problems]
    assert messages == ["attribute access (a.b) is not allowed"]


def test_stray_keys_under_indicators_are_reported() -> None:
    """ruleset-format.md: [indicators] holds only indicator tables; anything else is a located mistake."""
    text = (
        CLAIM_HEADER
        + """
[indicators]
points = 10

[indicators.item]
name = "指标"
points = 10
method = "formula"
formula = "points"
"""
    )
    with pytest.raises(perfscore.RulesetError) as caught:
        perfscore.loads(text)
    assert [problem.location.path for problem in caught.value.problems] == [("indicators", "points")]


def test_default_scale_matches_the_documented_tiers() -> None:
    """ruleset-format.md: the built-in scale is 财预〔2020〕10号's three tiers with the documented defaults."""
    text = (
        CLAIM_HEADER
        + """
[inputs.effect]
type = "rating"
label = "效益"

[indicators.item]
name = "效益"
points = 10
method = "rating"
input = "effect"
"""
    )
    ruleset = perfscore.loads(text)
    tiers = [(t.name, t.min, t.max, t.max_inclusive, t.default) for t in ruleset.scales["default"].tiers]
    assert tiers == [
        ("达成", Decimal("0.8"), Decimal(1), True, Decimal(1)),
        ("部分达成", Decimal("0.6"), Decimal("0.8"), False, Decimal("0.6")),
        ("未达成", Decimal(0), Decimal("0.6"), False, Decimal(0)),
    ]
    assert ruleset.score({"n": 1, "effect": "部分完成"}).total == Decimal("6.00")


def test_methods_page_lists_every_case_of_every_method() -> None:
    """docs/methods.md's table of cases names exactly the cases each method records, with their facts."""
    from perfscore.methods import METHODS, MISSING

    text = (DOCS / "methods.md").read_text(encoding="utf-8")
    section = text.split("## Cases, as results name them")[1].split("\n## ")[0]
    rows = re.findall(r"^\| (`\w+`|\(any\)) \| `([\w-]+)` \| [^|]+ \| ([^|]+) \|$", section, re.MULTILINE)
    documented = {(method.strip("`"), case, facts.strip()) for method, case, facts in rows}
    expected = {
        (name, case.name, ", ".join(case.fields) or "—") for name, method in METHODS.items() for case in method.cases
    } | {("(any)", MISSING.name, "—")}
    assert documented == expected
